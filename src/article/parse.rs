//! Text → [`Article`]: paragraphs, then a pass that sorts each one into title, metadata,
//! heading, body — or drops it (images, their captions, photo credits, editor's notes).

use super::{Article, Block, Meta};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

static IMAGE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^!\[[^\]]*\]\([^)]*\)$").unwrap());
static BOLD_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\*\*([^*]+)\*\*$").unwrap());
static ITALIC_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:_[^_]+_|\*[^*]+\*)$").unwrap());
static URL_LINE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)^(?:<)?(?:https?://|www\.)\S+$").unwrap());
static DATE_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?",
        r"|\d{4}年\d{1,2}月\d{1,2}日(?:\s*\d{1,2}:\d{2})?",
        r"|(?:(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun)[a-z]*,?\s+)?(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{1,2},?\s+\d{4}",
        r"|\d{1,2}\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?\s+\d{4})$"
    ))
    .unwrap()
});
static BYLINE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:by\s+\S|作者[：:]|文[／/|｜]|.{0,20}记者\s*\S)").unwrap());
/// Photo, video and production credits: `调色：江勇`, `澎湃新闻记者 马小童 图`, `Photo: Reuters`.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:调色|摄影|摄像|剪辑|拍摄|视频|图片|图文|制图|设计|责编|责任编辑|编辑|校对|配音|出品|制作)[：:]",
        r"|\s(?:图|摄)$",
        r"|^(?:photo|photograph|image|video|illustration|graphic)s?\s*(?:by|:|credit)",
        r"|\b(?:getty images|reuters|afp|associated press|xinhua)\s*$"
    ))
    .unwrap()
});

/// Longest paragraph that can still be an image caption or a credit line.
const MAX_CAPTION_CHARS: usize = 150;
/// Longest bold-only paragraph taken as a section heading.
const MAX_HEADING_CHARS: usize = 60;

/// Parses decoded text. `path` is recorded in the article for later messages.
pub fn parse(text: &str, path: &Path) -> Article {
    let mut meta = Meta::default();
    let mut blocks = Vec::new();
    let mut in_header = true;
    let mut after_image = false;

    for (line, paragraph) in paragraphs(text) {
        let was_after_image = std::mem::take(&mut after_image);
        let chars = paragraph.chars().count();
        if IMAGE.is_match(&paragraph) {
            after_image = true;
            continue;
        }
        if let Some(heading) = markdown_heading(&paragraph) {
            let heading = super::inline::plain(heading);
            if heading.is_empty() {
                continue;
            }
            if in_header && meta.title.is_none() {
                meta.title = Some(heading);
            } else {
                blocks.push(Block::Heading { line, text: heading });
            }
            continue;
        }
        if ITALIC_ONLY.is_match(&paragraph) {
            continue;
        }
        let bold = BOLD_ONLY.captures(&paragraph).map(|c| c[1].trim().to_owned());
        let unbolded = bold.as_deref().unwrap_or(&paragraph);
        if in_header && read_meta_line(unbolded, bold.is_some(), &mut meta) {
            continue;
        }
        let short = chars <= MAX_CAPTION_CHARS;
        if short && (CREDIT.is_match(unbolded) || (was_after_image && !paragraph.starts_with("**"))) {
            continue;
        }
        // Markup alone (`***`, `**` × 1000, `[](x)`) has nothing to speak.
        if super::inline::plain(&paragraph).is_empty() {
            continue;
        }
        if in_header && meta.title.is_none() && blocks.is_empty() && looks_like_title(&paragraph) {
            meta.title = Some(super::inline::plain(&paragraph));
            continue;
        }
        match bold {
            Some(heading) if is_heading(&heading) => blocks.push(Block::Heading { line, text: heading }),
            _ => {
                in_header = false;
                blocks.push(Block::Paragraph { line, text: paragraph });
            }
        }
    }
    Article { path: path.into(), meta, blocks }
}

/// Splits text into paragraphs with their first line number. Blank lines separate
/// paragraphs; inside a block, a line break after sentence-final punctuation also
/// starts a new paragraph, while other breaks (hard-wrapped prose) are joined.
fn paragraphs(text: &str) -> Vec<(usize, String)> {
    let mut out: Vec<(usize, String)> = Vec::new();
    let mut open = false;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.trim_matches(|c: char| c.is_whitespace() || c == '\u{feff}');
        if line.is_empty() {
            open = false;
            continue;
        }
        match out.last_mut() {
            Some((_, current)) if open && continues_paragraph(current, line) => {
                if needs_space(current, line) {
                    current.push(' ');
                }
                current.push_str(line);
            }
            _ => out.push((index + 1, line.to_owned())),
        }
        open = true;
    }
    out
}

fn continues_paragraph(current: &str, next: &str) -> bool {
    let ends_sentence = current.ends_with(['。', '！', '？', '.', '!', '?', '”', '"', '：', ':', ')', '）', '*', '_']);
    let starts_block = next.starts_with(['#', '!', '*', '_', '>', '-']);
    !ends_sentence && !starts_block && !current.starts_with('#')
}

fn needs_space(current: &str, next: &str) -> bool {
    let is_cjk = |c: char| c > '\u{2e80}';
    !(current.chars().last().is_some_and(is_cjk) && next.chars().next().is_some_and(is_cjk))
}

fn markdown_heading(paragraph: &str) -> Option<&str> {
    let rest = paragraph.trim_start_matches('#');
    (rest.len() < paragraph.len() && rest.starts_with(' ')).then(|| rest.trim())
}

/// Records a header line (byline, date, URL) in `meta`; returns whether it was one.
fn read_meta_line(text: &str, bold: bool, meta: &mut Meta) -> bool {
    let slot = if URL_LINE.is_match(text) {
        &mut meta.url
    } else if DATE_LINE.is_match(text) {
        &mut meta.date
    } else if BYLINE.is_match(text) && text.chars().count() <= 60 && !text.ends_with(['。', '.']) {
        &mut meta.byline
    } else if bold && meta.title.is_some() && meta.byline.is_none() && !is_heading_like_label(text) {
        // A bold line right under the title that is none of the above: a byline.
        &mut meta.byline
    } else {
        return false;
    };
    if slot.is_some() {
        return false;
    }
    *slot = Some(text.trim_start_matches('<').trim_end_matches('>').to_owned());
    true
}

/// A bold line ending in a colon is a speaker label, never a byline.
fn is_heading_like_label(text: &str) -> bool {
    text.ends_with(['：', ':'])
}

/// A first paragraph short enough, and unpunctuated enough, to be the title.
fn looks_like_title(paragraph: &str) -> bool {
    paragraph.chars().count() <= 100
        && !paragraph.ends_with(['。', '.', '：', ':', '，', ',', '；', ';'])
        && !paragraph.contains(['：', ':'])
}

fn is_heading(text: &str) -> bool {
    text.chars().count() <= MAX_HEADING_CHARS && !text.ends_with(['：', ':', '。', '，', ',', '；', ';'])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(text: &str) -> Article {
        parse(text, Path::new("t.md"))
    }

    #[test]
    fn markup_without_words_is_dropped() {
        let a = article("***\n\n[](x)\n\n# **\n\n**\n\n正文。");
        assert_eq!(a.meta.title, None);
        assert_eq!(a.blocks, vec![Block::Paragraph { line: 9, text: "正文。".into() }]);
        assert!(article(&"**".repeat(1000)).blocks.is_empty());
    }

    #[test]
    fn header_lines_become_metadata() {
        let a = article("# 标题\n**某报记者 王五**\n\n**2023-10-16 01:29**\n\n**https://example.cn/a/1**\n\n正文。");
        assert_eq!(a.meta.title.as_deref(), Some("标题"));
        assert_eq!(a.meta.byline.as_deref(), Some("某报记者 王五"));
        assert_eq!(a.meta.date.as_deref(), Some("2023-10-16 01:29"));
        assert_eq!(a.meta.url.as_deref(), Some("https://example.cn/a/1"));
        assert_eq!(a.blocks, vec![Block::Paragraph { line: 8, text: "正文。".into() }]);
    }

    #[test]
    fn images_captions_credits_and_notes_are_dropped() {
        let a = article(
            "# T\n\n导语。\n\n![](https://img/x.png)\n\n壁画上的题词。\n\n记者 李四 图\n\n_以下为全文。_\n\n正文。",
        );
        let texts: Vec<_> = a.blocks.iter().map(|b| format!("{b:?}")).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
    }

    #[test]
    fn bold_only_paragraph_in_body_is_a_heading() {
        let a = article("# T\n\n导语。\n\n**五年见证关系发展**\n\n**记者：**问题？");
        assert_eq!(a.blocks[1], Block::Heading { line: 5, text: "五年见证关系发展".into() });
        assert!(matches!(a.blocks[2], Block::Paragraph { .. }));
    }

    #[test]
    fn hard_wrapped_prose_is_joined() {
        let a = article("A Title\n\nThe wind blew\nhard all night.\nThen it stopped.");
        assert_eq!(a.meta.title.as_deref(), Some("A Title"));
        assert_eq!(
            a.blocks,
            vec![
                Block::Paragraph { line: 3, text: "The wind blew hard all night.".into() },
                Block::Paragraph { line: 5, text: "Then it stopped.".into() },
            ]
        );
    }
}
