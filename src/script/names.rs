//! Fuller speaker names: where a label is an abbreviation (`问`, `Q`, `记`, a surname),
//! the name the article itself gives, when it gives one.

use super::labels;
use super::model::Role;
use crate::article::{inline, Article, Block};
use crate::Language;
use regex::Regex;
use std::collections::HashMap;
use std::sync::LazyLock;

/// `an interview with Maria Ortega`, `spoke with Dr. Lee Chen`.
static WITH_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:interview(?:ed)?|spoke|talked|talks|conversation|sat down)\s+(?:[a-z]+\s+)?with\s+(?:[a-z,]+\s+)*?((?:[A-Z][\w'\-]+\s+){0,2}[A-Z][\w'\-]+)").unwrap()
});
/// `对中国驻哈萨克斯坦大使张霄进行了专访`, `专访了王教授`.
static ZH_INTERVIEWEE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"对([^，。；：、\s]{2,30}?)进行了?(?:专访|采访)|专访了?([^，。；：、｜|\s]{2,30})").unwrap());
/// Job titles that precede a Chinese name: `大使张霄` → `张霄`.
static ZH_TITLE_THEN_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?:大使|教授|院长|校长|主任|主席|部长|总裁|总经理|董事长|经理|博士|导演|作家|专家|研究员|记者|市长|省长|代表|负责人|所长|局长|书记|创始人)([\p{Han}]{2,3})$").unwrap()
});

/// Longest lead, in bytes, searched for names. An article introduces its people at the
/// start; the bound also keeps the search for each speaker short however long the text.
const MAX_LEAD_BYTES: usize = 8 * 1024;

/// The lead of an article (see [`Lead::of`]), read once for all its speakers.
pub struct Lead {
    text: String,
    /// `text` with ASCII letters lowercased and the two non-ASCII letters that match one
    /// case-insensitively (K KELVIN SIGN, ſ LONG S) folded to theirs: a cheap check that a
    /// surname occurs at all before a pattern is built for it.
    folded: String,
}

/// The name to show for the speaker behind `label`.
pub fn full_name(label: &str, role: Role, article: &Article, lead: &Lead, language: Language) -> String {
    let found = if labels::is_question_marker(label) {
        host_from_byline(article.meta.byline.as_deref())
    } else if labels::is_answer_marker(label) {
        interviewee(&lead.text)
    } else if is_single_latin_word(label) {
        latin_full_name(label, lead)
    } else if label.chars().count() == 1 && label.chars().all(|c| c > '\u{2e80}') {
        chinese_full_name(label, &lead.text)
    } else {
        return label.to_owned();
    };
    found.unwrap_or_else(|| fallback(label, role, language))
}

fn fallback(label: &str, role: Role, language: Language) -> String {
    match (labels::is_question_marker(label) || labels::is_answer_marker(label), role, language) {
        (true, Role::Host, Language::Zh) => "记者".into(),
        (true, Role::Host, Language::En) => "Interviewer".into(),
        (true, _, Language::Zh) => "嘉宾".into(),
        (true, _, Language::En) => "Guest".into(),
        (false, _, _) if label.chars().all(|c| !c.is_lowercase()) && label.is_ascii() => title_case(label),
        _ => label.to_owned(),
    }
}

/// `By Jane Smith, Staff Writer` → `Jane Smith`; `某报记者 王五` → `王五`.
fn host_from_byline(byline: Option<&str>) -> Option<String> {
    let byline = byline?.trim();
    let byline = byline.strip_prefix("By ").or_else(|| byline.strip_prefix("by ")).unwrap_or(byline);
    let name = match byline.rfind("记者") {
        Some(at) => byline[at + "记者".len()..].trim_start_matches(['：', ':', ' ']),
        None => byline.split(',').next().unwrap_or(byline),
    };
    let name = name.split_whitespace().collect::<Vec<_>>();
    let name = if name.first().is_some_and(|w| w.chars().all(|c| c > '\u{2e80}')) { name[..1].join(" ") } else { name.join(" ") };
    (!name.is_empty()).then_some(name)
}

/// The person the lead says was interviewed.
fn interviewee(lead: &str) -> Option<String> {
    if let Some(c) = WITH_NAME.captures(lead) {
        return Some(c[1].to_owned());
    }
    let c = ZH_INTERVIEWEE.captures(lead)?;
    let phrase = c.get(1).or_else(|| c.get(2))?.as_str();
    match ZH_TITLE_THEN_NAME.captures(phrase) {
        Some(name) => Some(name[1].to_owned()),
        None => (phrase.chars().count() <= 4).then(|| phrase.to_owned()),
    }
}

/// `ORTEGA` → `Maria Ortega` when the lead names a `… Ortega`.
fn latin_full_name(surname: &str, lead: &Lead) -> Option<String> {
    if !lead.folded.contains(&surname.to_ascii_lowercase()) {
        return None;
    }
    let pattern = format!(r"((?:[A-Z][a-z'\-]+\.?\s+){{1,2}})(?i:{})\b", regex::escape(surname));
    let re = Regex::new(&pattern).ok()?;
    let found = re.captures_iter(&lead.text).find(|c| !c[1].trim().ends_with('.') || c[1].split_whitespace().count() > 1)?;
    let given = found[1].split_whitespace().filter(|w| !matches!(*w, "By" | "Mr." | "Ms." | "Mrs." | "Dr." | "Prof.")).collect::<Vec<_>>();
    if given.is_empty() {
        return None;
    }
    Some(format!("{} {}", given.join(" "), title_case(surname)))
}

/// `张` → `张霄`: the commonest two-character name starting with that surname in the lead.
fn chinese_full_name(surname: &str, lead: &str) -> Option<String> {
    let mut counts: HashMap<String, usize> = HashMap::new();
    for (at, _) in lead.match_indices(surname) {
        let name: String = lead[at..].chars().take(2).collect();
        if name.chars().count() == 2 && name.chars().all(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)) {
            *counts.entry(name).or_default() += 1;
        }
    }
    counts.into_iter().filter(|(_, n)| *n >= 2).max_by_key(|(name, n)| (*n, std::cmp::Reverse(name.clone()))).map(|(name, _)| name)
}

impl Lead {
    pub fn of(article: &Article) -> Lead {
        let text = lead_text(article);
        let folded = text
            .chars()
            .map(|c| match c {
                '\u{212a}' => 'k',
                '\u{17f}' => 's',
                c => c.to_ascii_lowercase(),
            })
            .collect();
        Lead { text, folded }
    }
}

/// Title, byline and paragraphs before the first label: where an article introduces its
/// people. At most [`MAX_LEAD_BYTES`] of it.
fn lead_text(article: &Article) -> String {
    let mut lead = article.meta.title.clone().unwrap_or_default();
    if let Some(byline) = &article.meta.byline {
        lead.push('\n');
        lead.push_str(byline);
    }
    for block in &article.blocks {
        if let Block::Paragraph { text, .. } = block {
            if labels::find(text).is_some() {
                break;
            }
            if lead.len() >= MAX_LEAD_BYTES {
                break;
            }
            lead.push('\n');
            lead.push_str(&inline::plain(text));
        }
    }
    let mut cut = lead.len().min(MAX_LEAD_BYTES);
    while !lead.is_char_boundary(cut) {
        cut -= 1;
    }
    lead.truncate(cut);
    lead
}

fn is_single_latin_word(label: &str) -> bool {
    label.len() > 1 && label.chars().all(|c| c.is_ascii_alphabetic() || c == '-' || c == '\'')
}

fn title_case(word: &str) -> String {
    word.split_whitespace()
        .map(|w| {
            let mut chars = w.chars();
            chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars.flat_map(char::to_lowercase)).collect())
        })
        .collect::<Vec<_>>()
        .join(" ")
}
