//! Lines → raw blocks, the Markdown and plain-text structure people write: paragraphs
//! (hard-wrapped lines joined), blockquotes, list items, headings (ATX and setext), code
//! fences, tables and horizontal rules. What each paragraph *means* is decided later.

use regex::Regex;
use std::sync::LazyLock;

/// `- item`, `* item`, `+ item`, `1. item`, `1) item`, `a. item`.
static LIST_ITEM: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:[-*+•·]|\d{1,3}[.)、]|[a-z][.)])\s+(\S.*)$").unwrap());
static RULE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$").unwrap());
static TABLE_ROW: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\|.*\|$|^[^|]+\|[^|]+\|").unwrap());
static FENCE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(```+|~~~+)").unwrap());
/// `Sarah Lin  0:07`, `Speaker 2 1:02:13`, `周小满 00:00:36`: a speaker's name and a time
/// on a line of their own, the words on the lines under them (automatic transcripts).
static TIMED_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(\p{Lu}[\p{L}.'\-]*(?: [\p{Lu}\d][\p{L}\d.'\-]*){0,3}|[\p{Han}·]{2,8}(?: ?\d{1,2})?)\s+[(（]?(\d{1,2}:\d{2}(?::\d{2})?)[)）]?$").unwrap()
});
/// `本期嘉宾：周小满`, `编辑 | 周婷`, `Host: Ann Lee`: a line of a key–value run, one fact a line.
static KEY_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:[\p{Han}]{1,6}|[A-Za-z]{2,12}(?: [A-Za-z]{2,12})?)\s*[：:|｜]").unwrap());

/// What a raw block is, before its words are looked at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RawKind {
    Text,
    /// A line of a list, its marker removed.
    ListItem,
    /// `# …` or a setext heading; the text holds the heading without its marks.
    Heading,
    Code,
    Table,
    Rule,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Raw {
    /// 1-based line the block starts on.
    pub line: usize,
    pub kind: RawKind,
    pub text: String,
}

/// Splits text into raw blocks. Blank lines separate paragraphs; inside a block, a line
/// break after sentence-final punctuation also starts a new paragraph, while other breaks
/// (hard-wrapped prose) are joined. In a transcript (two or more [`TIMED_NAME`] lines) a
/// timed name line opens a paragraph `NAME (TIME): words`.
pub fn read(text: &str) -> Vec<Raw> {
    let transcript = text.lines().filter(|l| TIMED_NAME.is_match(l.trim())).nth(1).is_some();
    let mut out: Vec<Raw> = Vec::new();
    let mut open = false;
    // The last block is a timed name line, which the next line's words join.
    let mut named = false;
    let mut fence: Option<String> = None;
    for (index, raw) in text.lines().enumerate() {
        let number = index + 1;
        let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if let Some(marker) = &fence {
            let block = out.last_mut().expect("a fence opens a block");
            if line.starts_with(marker.as_str()) {
                fence = None;
                open = false;
            }
            block.text.push('\n');
            block.text.push_str(raw);
            continue;
        }
        if let Some(marker) = FENCE.captures(line) {
            fence = Some(marker[1].to_owned());
            out.push(Raw { line: number, kind: RawKind::Code, text: line.to_owned() });
            continue;
        }
        let line = unquote(line);
        if line.is_empty() {
            open = false;
            continue;
        }
        if RULE.is_match(line) || line.chars().all(|c| c == '=') && line.len() >= 3 {
            // A rule right under a one-line paragraph is a setext heading underline.
            match out.last_mut() {
                Some(last) if open && last.kind == RawKind::Text && !last.text.contains('\n') && last.line + 1 == number && !line.starts_with(['*', '_']) => {
                    last.kind = RawKind::Heading;
                }
                _ => out.push(Raw { line: number, kind: RawKind::Rule, text: line.to_owned() }),
            }
            open = false;
            continue;
        }
        if TABLE_ROW.is_match(line) && line.contains('|') && (line.starts_with('|') || out.last().is_some_and(|l| open && l.kind == RawKind::Table)) {
            match out.last_mut() {
                Some(last) if open && last.kind == RawKind::Table => {
                    last.text.push('\n');
                    last.text.push_str(line);
                }
                _ => out.push(Raw { line: number, kind: RawKind::Table, text: line.to_owned() }),
            }
            open = true;
            continue;
        }
        if let Some(heading) = atx_heading(line) {
            out.push(Raw { line: number, kind: RawKind::Heading, text: heading.to_owned() });
            open = false;
            continue;
        }
        if let Some(c) = TIMED_NAME.captures(line).filter(|_| transcript) {
            out.push(Raw { line: number, kind: RawKind::Text, text: format!("{} ({}):", &c[1], &c[2]) });
            open = true;
            named = true;
            continue;
        }
        if let Some(item) = LIST_ITEM.captures(line).and_then(|c| c.get(1)).filter(|_| !is_emphasis_start(line)) {
            out.push(Raw { line: number, kind: RawKind::ListItem, text: item.as_str().to_owned() });
            open = true;
            continue;
        }
        match out.last_mut() {
            Some(last) if open && matches!(last.kind, RawKind::Text | RawKind::ListItem) && (named || continues_paragraph(&last.text, line)) => {
                if named || needs_space(&last.text, line) {
                    last.text.push(' ');
                }
                last.text.push_str(line);
            }
            _ => out.push(Raw { line: number, kind: RawKind::Text, text: line.to_owned() }),
        }
        open = true;
        named = false;
    }
    out
}

/// `> quoted` (any depth) → `quoted`.
fn unquote(line: &str) -> &str {
    let mut line = line;
    while let Some(rest) = line.strip_prefix('>') {
        line = rest.trim_start();
    }
    line
}

/// `*emphasis*` at the start of a line is not a `* ` list marker.
fn is_emphasis_start(line: &str) -> bool {
    line.starts_with("**") || (line.starts_with('*') && !line.starts_with("* "))
}

fn continues_paragraph(current: &str, next: &str) -> bool {
    let ends_sentence = current.ends_with(['。', '！', '？', '.', '!', '?', '”', '"', '：', ':', ')', '）', '*', '_']);
    let starts_block = next.starts_with(['#', '!', '*', '_', '-', '【', '[']);
    let key_values = KEY_LINE.is_match(current) && KEY_LINE.is_match(next);
    !ends_sentence && !starts_block && !key_values
}

fn needs_space(current: &str, next: &str) -> bool {
    let is_cjk = |c: char| c > '\u{2e80}';
    !(current.chars().last().is_some_and(is_cjk) && next.chars().next().is_some_and(is_cjk))
}

/// `## Heading ##` → `Heading`, levels 1 to 6.
fn atx_heading(line: &str) -> Option<&str> {
    let rest = line.trim_start_matches('#');
    let level = line.len() - rest.len();
    if !(1..=6).contains(&level) || !(rest.starts_with(' ') || rest.is_empty()) {
        return None;
    }
    Some(rest.trim().trim_end_matches('#').trim())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds(text: &str) -> Vec<(RawKind, String)> {
        read(text).into_iter().map(|r| (r.kind, r.text)).collect()
    }

    #[test]
    fn markdown_structures() {
        use RawKind::*;
        let text = "Title\n=====\n\n> Quoted line\n> goes on.\n\n- one\n- two\n1. three\n\n```\ncode\n\nmore\n```\n\n| a | b |\n|---|---|\n| 1 | 2 |\n\n---\n\n###### Deep\n\nSub\n---";
        assert_eq!(
            kinds(text),
            vec![
                (Heading, "Title".into()),
                (Text, "Quoted line goes on.".into()),
                (ListItem, "one".into()),
                (ListItem, "two".into()),
                (ListItem, "three".into()),
                (Code, "```\ncode\n\nmore\n```".into()),
                (Table, "| a | b |\n|---|---|\n| 1 | 2 |".into()),
                (Rule, "---".into()),
                (Heading, "Deep".into()),
                (Heading, "Sub".into()),
            ]
        );
    }

    #[test]
    fn timed_name_lines_label_the_words_under_them() {
        let text = "Sarah Lin  0:07\nWelcome back, it\nis Sunday.\n\nSpeaker 2  1:02:13\nThanks.\n\n周小满 00:00:36\n大家好。";
        let texts: Vec<String> = kinds(text).into_iter().map(|(_, t)| t).collect();
        assert_eq!(texts, ["Sarah Lin (0:07): Welcome back, it is Sunday.", "Speaker 2 (1:02:13): Thanks.", "周小满 (00:00:36): 大家好。"]);
        // One such line is not a transcript: the time stays where it was written.
        assert_eq!(kinds("At 10:30\nthe doors opened.")[0].1, "At 10:30 the doors opened.");
    }

    #[test]
    fn emphasis_is_not_a_list_and_hashtags_are_not_headings() {
        assert_eq!(kinds("**Q:** Why?")[0].0, RawKind::Text);
        assert_eq!(kinds("*an aside*")[0].0, RawKind::Text);
        assert_eq!(kinds("#hashtag text")[0].0, RawKind::Text);
        assert_eq!(kinds("####### seven")[0].0, RawKind::Text);
    }
}
