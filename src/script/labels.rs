//! Speaker labels at the start of a paragraph: `**NAME：**text`, `**NAME**: text`,
//! `NAME：text`, `Q: text`, `Q. text`, `【记者】text`, `NAME (role): text`. Finding a candidate is syntax; whether it really is a speaker
//! is decided over the whole article (see [`is_speaker_name`] and the builder).

use regex::Regex;
use std::sync::LazyLock;

static BOLD_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^\*\*\s*([^*：:\n]{1,40}?)\s*(?:[：:]\s*\*\*|\*\*\s*[：:])\s*(.*)$").unwrap()
});
/// `**问：您怎么看？**`: a whole question in bold, its label inside.
static BOLD_WHOLE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\*\*\s*([^*：:\n]{1,40}?)\s*[：:]\s*([^*]+?)\s*\*\*$").unwrap());
/// `INTERVIEWER`, `MARR`, `Q`: a speaker's name on a line of its own, the way literary
/// magazines set interviews (the words follow in the next paragraph).
static STANDALONE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\p{Lu}[\p{Lu}.'\-]*(?: \p{Lu}[\p{Lu}.'\-]*){0,3}|问|答|记者)$").unwrap());
/// `*Q:* text`, `_Reed_: text`: the same in italics.
static ITALIC_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:\*\s*([^*：:\n]{1,40}?)\s*(?:[：:]\s*\*|\*\s*[：:])|_\s*([^_：:\n]{1,40}?)\s*(?:[：:]\s*_|_\s*[：:]))\s*(.*)$").unwrap()
});
/// `Speaker 2`, `说话人 1`: how automatic transcripts name the voices they cannot name.
static NUMBERED_SPEAKER: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:speaker|说话人|发言人) ?\d{1,2}$").unwrap());
/// Enumerations written like labels: `第一：`, `一是：`, `首先：`.
static ENUMERATION: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:第[一二三四五六七八九十]+|[一二三四五六七八九十]+是|其[一二三四五六七八九十]|首先|其次|最后)").unwrap());
static PLAIN_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^([\p{Han}·]{1,12}|(?:[Ss]peaker|说话人|发言人) ?\d{1,2}|[A-Za-z][A-Za-z.'\-]*(?: [A-Za-z][A-Za-z.'\-]*){0,3})\s*(?:[(（]([^)）]{1,30})[)）])?\s*[：:]\s*(.+)$").unwrap()
});
/// `【记者】text`, `[主持人] text`.
static BRACKET_LABEL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\*\*)?[【\[]([^】\]\n]{1,12})[】\]](?:\*\*)?\s*[：:]?\s*(.+)$").unwrap());
/// `Q. text` / `A. text`, the newspaper transcript style (optionally bold).
static DOTTED_MARKER: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:\*\*)?([QA])\.(?:\*\*)?\s+(.+)$").unwrap());

/// Words that open a paragraph with a colon without being a speaker.
const NOT_SPEAKERS: &[&str] = &[
    "时间", "地点", "日期", "来源", "注", "备注", "编者按", "编者注", "链接", "相关", "延伸阅读", "提示",
    "note", "notes", "source", "time", "date", "location", "update", "correction", "editor's note",
    "ps", "p.s.", "photo", "credit", "related", "see also", "warning", "tip", "example", "summary",
];

/// Labels that are interview markers whatever the article (`问：`, `Q:`).
pub const QUESTION_MARKERS: &[&str] =
    &["问", "记", "记者", "主持人", "主持", "q", "question", "interviewer", "host", "moderator"];
pub const ANSWER_MARKERS: &[&str] = &["答", "嘉宾", "受访者", "a", "answer", "guest", "interviewee"];

/// Role words written in brackets after a name (`Tomas Berg (host):`) that make it the
/// interviewer.
const HOST_ROLES: &[&str] = &["host", "moderator", "interviewer", "presenter", "主持人", "主持", "记者"];

/// A speaker label found at the start of a paragraph.
#[derive(Clone, Debug, PartialEq)]
pub struct Label<'a> {
    pub name: &'a str,
    pub rest: &'a str,
    pub bold: bool,
    /// The role written beside the name, `(host)` in `Ann Lee (host):`.
    pub role: Option<&'a str>,
}

impl Label<'_> {
    /// Whether the label marks the interviewer: a question marker, a reporter
    /// (`法新社记者`, `CNN reporter`) or a `(host)` role.
    pub fn marks_host(&self) -> bool {
        is_question_marker(self.name) || is_reporter(self.name) || self.role.is_some_and(|r| HOST_ROLES.contains(&r.trim().to_lowercase().as_str()))
    }
}

/// Finds a label candidate at the start of `paragraph`.
pub fn find(paragraph: &str) -> Option<Label<'_>> {
    if let Some(c) = BOLD_LABEL.captures(paragraph) {
        let (name, rest) = (c.get(1)?.as_str(), c.get(2)?.as_str());
        return is_speaker_name(name).then_some(Label { name, rest, bold: true, role: None });
    }
    if let Some(c) = BOLD_WHOLE.captures(paragraph) {
        let (name, rest) = (c.get(1)?.as_str(), c.get(2)?.as_str());
        return is_speaker_name(name).then_some(Label { name, rest, bold: true, role: None });
    }
    if let Some(c) = ITALIC_LABEL.captures(paragraph) {
        let (name, rest) = (c.get(1).or_else(|| c.get(2))?.as_str(), c.get(3)?.as_str());
        return is_speaker_name(name).then_some(Label { name, rest, bold: true, role: None });
    }
    if let Some(c) = DOTTED_MARKER.captures(paragraph) {
        let (name, rest) = (c.get(1)?.as_str(), c.get(2)?.as_str());
        return Some(Label { name, rest, bold: false, role: None });
    }
    if let Some(c) = BRACKET_LABEL.captures(paragraph) {
        let (name, rest) = (c.get(1)?.as_str().trim(), c.get(2)?.as_str());
        return is_speaker_name(name).then_some(Label { name, rest, bold: false, role: None });
    }
    let c = PLAIN_LABEL.captures(paragraph)?;
    let (name, role, rest) = (c.get(1)?.as_str(), c.get(2).map(|r| r.as_str()), c.get(3)?.as_str());
    (is_speaker_name(name) && plausible_plain_name(name)).then_some(Label { name, rest, bold: false, role })
}

/// A paragraph that is nothing but a speaker's name (see [`STANDALONE`]); whether the name
/// really labels the paragraph after it is decided over the article.
pub fn standalone(paragraph: &str) -> Option<&str> {
    let name = paragraph.trim();
    (name.chars().count() <= 30 && STANDALONE.is_match(name) && is_speaker_name(name)).then_some(name)
}

/// Whether `name` can name a speaker at all (not `Note`, `时间`, a number, a sentence).
pub fn is_speaker_name(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    if NUMBERED_SPEAKER.is_match(&lower) {
        return true;
    }
    !lower.is_empty()
        && !NOT_SPEAKERS.contains(&lower.as_str())
        && !ENUMERATION.is_match(name)
        && !name.chars().any(|c| c.is_ascii_digit() || "，。,.!?！？“”\"()（）".contains(c) && c != '.')
        && name.split_whitespace().count() <= 4
}

/// Plain Latin labels must look like names: capitalised words or known markers.
fn plausible_plain_name(name: &str) -> bool {
    let lower = name.to_lowercase();
    if QUESTION_MARKERS.contains(&lower.as_str()) || ANSWER_MARKERS.contains(&lower.as_str()) {
        return true;
    }
    name.split_whitespace().all(|w| w.chars().next().is_some_and(|c| !c.is_ascii_lowercase()))
}

pub fn is_question_marker(name: &str) -> bool {
    QUESTION_MARKERS.contains(&name.to_lowercase().as_str())
}

/// A reporter named by outlet: `法新社记者`, `总台央视记者`, `CNN reporter`.
pub fn is_reporter(name: &str) -> bool {
    let lower = name.trim().to_lowercase();
    lower.ends_with("记者") || lower.ends_with("reporter") || lower.ends_with("correspondent")
}

pub fn is_answer_marker(name: &str) -> bool {
    ANSWER_MARKERS.contains(&name.to_lowercase().as_str())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(p: &str) -> Option<(&str, &str, bool)> {
        find(p).map(|l| (l.name, l.rest, l.bold))
    }

    #[test]
    fn bold_labels_in_both_colon_positions() {
        assert_eq!(name("**澎湃新闻：**中哈建交？"), Some(("澎湃新闻", "中哈建交？", true)));
        assert_eq!(name("**ORTEGA:** We did."), Some(("ORTEGA", "We did.", true)));
        assert_eq!(name("**张霄**：自1992年"), Some(("张霄", "自1992年", true)));
        assert_eq!(name("*Q:* Why?"), Some(("Q", "Why?", true)));
        assert_eq!(name("_Reed_: We did."), Some(("Reed", "We did.", true)));
    }

    #[test]
    fn plain_labels() {
        assert_eq!(name("问：怎么看？"), Some(("问", "怎么看？", false)));
        assert_eq!(name("Q: Why?"), Some(("Q", "Why?", false)));
        assert_eq!(name("Maria Ortega: Thanks."), Some(("Maria Ortega", "Thanks.", false)));
        assert_eq!(name("Dr. Berg: It melts."), Some(("Dr. Berg", "It melts.", false)));
        assert_eq!(name("Q. Why now?"), Some(("Q", "Why now?", false)));
        assert_eq!(name("**A.** Because."), Some(("A", "Because.", false)));
        assert_eq!(name("【记者】为什么？"), Some(("记者", "为什么？", false)));
        assert_eq!(name("**Q：为什么？**"), Some(("Q", "为什么？", true)));
        assert!(find("法新社记者：中方如何回应？").unwrap().marks_host());
        assert_eq!(name("Speaker 2 (1:02:13): Thanks."), Some(("Speaker 2", "Thanks.", false)));
        assert_eq!(name("说话人 1 (00:00:03): 我们先看数据。"), Some(("说话人 1", "我们先看数据。", false)));
        let label = find("Ann Lee (host): Welcome.").unwrap();
        assert_eq!((label.name, label.role, label.rest), ("Ann Lee", Some("host"), "Welcome."));
        assert!(label.marks_host());
    }

    #[test]
    fn names_on_a_line_of_their_own() {
        assert_eq!(standalone("INTERVIEWER"), Some("INTERVIEWER"));
        assert_eq!(standalone("MS. COLE"), Some("MS. COLE"));
        assert_eq!(standalone("问"), Some("问"));
        assert_eq!(standalone("Interviewer"), None);
        assert_eq!(standalone("NOTE"), None);
        assert_eq!(standalone("THE END OF THE LONG AFTERNOON"), None);
    }

    #[test]
    fn colons_that_are_not_labels() {
        assert_eq!(name("时间：下午3点"), None);
        assert_eq!(name("Note: the figures are estimates."), None);
        assert_eq!(name("the reason is simple: money."), None);
        assert_eq!(name("会议定于今天召开，时间：下午3点"), None);
        assert_eq!(name("**第一，元首战略引领是特色。**习近平主席"), None);
        assert_eq!(name("**第一：**元首战略引领"), None);
    }
}
