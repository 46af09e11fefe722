//! Text → [`Article`]: paragraphs, then a pass that sorts each one into title, metadata,
//! heading, body — or drops it (images, their captions, photo credits, editor's notes).

use super::blocks::{self, Raw, RawKind};
use super::{Article, Block, Meta, Skip, Skipped};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// An image alone in its paragraph, possibly linked: `![alt](src)`, `[![alt](src)](href)`.
static IMAGE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\[?!\[([^\]]*)\]\([^)]*\)(?:\]\([^)]*\))?$").unwrap());
static BOLD_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\*\*([^*]+)\*\*$").unwrap());
static ITALIC_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^(?:_([^_]+)_|\*([^*]+)\*)$").unwrap());
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
/// Bylines, also inside a header line of several parts (`Issue #142 · By Marta Kowalski`) and
/// as WeChat writes them (`原创 李晓雯 城市观察 … 发表于浙江`).
static BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:(?:posted |written |reported )?by\s+\S|作者[：:]|文\s*[／/|｜]|.{0,20}记者\s*\S|interview by\s|主(?:持人?|播)[：:\s]\s*[\p{Han}·]{2,4}$|原创\s)|[·|•]\s*by\s+\p{Lu}|发表于\S{1,8}$").unwrap()
});
/// Photo, video and production credits: `调色：江勇`, `澎湃新闻记者 马小童 图`, `编辑 | 周婷`,
/// `Photo: Reuters`.
static CREDIT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)(?:调色|摄影|摄像|剪辑|拍摄|视频|图片|图文|制图|设计|责编|责任编辑|编辑|校对|配音|出品|制作|排版|审核|审校|监制|统筹|策划|主编)\s*[：:|｜]",
        r"|^(?:来源|稿源|source)\s*[：:]|^(?:文字?|撰文|采写|记者)\s*[|｜]|^[（(][^（）()]{0,8}(?:记者|通讯员|实习生|编辑)[^（）()]{0,24}[）)]$|^music by\b",
        r"|\s(?:图|摄)$",
        r"|^(?:photo|photograph|image|video|illustration|graphic)s?\s*(?:by|:|credit)|^transcri(?:bed|ption|pt) (?:by|from)\b",
        r"|\b(?:getty images|reuters|afp|associated press|xinhua)\s*$",
        r"|\b(?:photo|photograph|image|picture|video)s?\s*(?:by|:|credit:?)\s*[^.!?。]{1,40}$"
    ))
    .unwrap()
});

/// `_This interview has been edited for length._`, `（以下为专访全文）`.
static EDITORS_NOTE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)edited for|condensed|for clarity|transcript|editor'?s note|以下为|全文如下|编者按|编者注|本文").unwrap()
});
/// Words that open a paragraph carrying the running text on, never a caption.
static CONTINUES_TEXT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?:(?:But|And|So|Then|Yet|Still|This|That|These|Those|It|He|She|They|We|I|Our|His|Her|Their|When|After|As|However|Later|Today)\b|他|她|它|我|但|而|然而|此外|随后|这|那|因此|不过)").unwrap()
});
/// Advertising and promotion lines left inside an article: `Advertisement`, `Sponsored: …`.
static ADVERT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:advertisement|sponsored|promoted|ad|广告|推广)\b\s*[:：]?|^(?:subscribe|sign up|newsletter)\b.{0,80}$").unwrap()
});
/// What a publishing platform adds around an article: `Thanks for reading …! Subscribe …`,
/// `Share`, `点击上方蓝字关注我们`, `请点个“在看”`.
static PROMPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(concat!(
        r"(?i)^thanks?(?: you)? for reading\b|\bsubscribe (?:for free|now|to (?:get|receive|support))",
        r"|^(?:share|share this post|leave a comment|comments?|like|restack|reply|follow|subscribe now)$|\bsupport (?:the|this|our) (?:show|podcast|newsletter) on\b",
        r"|点击.{0,12}(?:关注|蓝字)|关注我们|点(?:个|一下)?[“”\x22]?在看|长按.{0,8}二维码|扫码关注|阅读原文|转发给?朋友"
    ))
    .unwrap()
});
/// `相关阅读：`, `Related stories`, `Read more:`: the list of other articles a page ends with.
static RELATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"(?i)^(?:相关阅读|延伸阅读|相关新闻|相关报道|推荐阅读|往期回顾|往期推荐|related(?: stories| articles| reading| coverage)?|read more|more on this(?: story)?|you may also like)\s*[：:]?$").unwrap()
});
/// A paragraph that is one link and nothing else: navigation, never running text.
static LINK_ONLY: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"^\[[^\]]{1,80}\]\([^)\s]*\)$").unwrap());
/// A time of day alone: a transcript's start or end stamp (`1:41 P.M. EDT`, `END 14:05`).
static TIME_LINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"^(?i:end\s+)?\d{1,2}:\d{2}(?::\d{2})?\s*(?i:[ap]\.?\s?m\.?)?(?:\s+[A-Z]{2,5})?$").unwrap()
});
/// The mark closing a news story: `（完）`, `(END)`, `— END —`, `-30-`. Not words to read.
static END_MARK: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)^(?:[（(]\s*完\s*[）)]|完|[（(]?end[）)]?|[—–-]+\s*(?:end|完)\s*[—–-]+|-30-)$").unwrap());
/// A transcript's time code before a paragraph: `[00:01:05]`, `(12:03)`, `00:01:05`.
static TIME_CODE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^(?:[\[(（【]\d{1,2}:\d{2}(?::\d{2})?[\])）】]|\d{1,2}:\d{2}:\d{2})\s*").unwrap());
/// A quotation reported as speech: a caption quotes no one.
static SPEECH: LazyLock<Regex> = LazyLock::new(|| Regex::new(r#"(?i)\b(?:said|says|told|asked)\b|[说问道]：?[“"]"#).unwrap());
/// `[^1]` footnote markers, and the `[^1]:` opening a footnote's text.
static FOOTNOTE_MARK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\[\^[^\]\s]{1,20}\]:?").unwrap());

/// Longest paragraph that can still be an image caption or a credit line.
const MAX_CAPTION_CHARS: usize = 150;
/// Longest bold-only paragraph taken as a section heading.
const MAX_HEADING_CHARS: usize = 60;

/// Parses decoded text. `path` is recorded in the article for later messages.
pub fn parse(text: &str, path: &Path) -> Article {
    let mut meta = Meta::default();
    let mut blocks = Vec::new();
    let mut skipped = Vec::new();
    let mut in_header = true;
    let mut image_alt: Option<String> = None;
    // Inside a related-reading list: its headlines are not read.
    let mut in_related = false;
    let mut skip = |line: usize, text: &str, reason: Skip| skipped.push(Skipped { line, text: text.to_owned(), reason });

    for Raw { line, kind, text: raw } in blocks::read(text) {
        let after_image = image_alt.take();
        let paragraph = FOOTNOTE_MARK.replace_all(&raw, "");
        let paragraph = TIME_CODE.replace(paragraph.trim(), "").into_owned();
        match kind {
            RawKind::Code => {
                skip(line, &raw, Skip::Code);
                continue;
            }
            RawKind::Table => {
                skip(line, &raw, Skip::Table);
                continue;
            }
            RawKind::Rule => {
                if blocks.is_empty() {
                    skip(line, &raw, Skip::Markup);
                } else {
                    blocks.push(Block::Break { line });
                }
                continue;
            }
            RawKind::Heading => {
                let heading = super::inline::plain(&paragraph);
                if heading.is_empty() {
                    skip(line, &raw, Skip::Markup);
                } else if in_header && meta.title.is_none() {
                    meta.title = Some(heading);
                    meta.title_line = Some(line);
                } else if in_header && blocks.is_empty() && heading.starts_with(['—', '-']) {
                    // `——访古建筑修缮专家陈淑芬`: a subtitle under the title, read with the lead.
                    blocks.push(Block::Paragraph { line, text: heading });
                } else {
                    blocks.push(Block::Heading { line, text: heading });
                }
                continue;
            }
            RawKind::Text | RawKind::ListItem => {}
        }
        let chars = paragraph.chars().count();
        if let Some(image) = IMAGE.captures(&paragraph) {
            image_alt = Some(super::inline::plain(&image[1]));
            skip(line, &raw, Skip::Image);
            continue;
        }
        let italic = ITALIC_ONLY.captures(&paragraph).map(|c| c.get(1).or_else(|| c.get(2)).map_or("", |m| m.as_str()).trim().to_owned());
        let bold = BOLD_ONLY.captures(&paragraph).map(|c| c[1].trim().to_owned());
        let unmarked = bold.as_deref().or(italic.as_deref()).unwrap_or(&paragraph);
        let meta_text = if URL_LINE.is_match(unmarked) { unmarked.to_owned() } else { super::inline::plain(unmarked) };
        if in_header && let Some(field) = read_meta_line(&meta_text, bold.is_some() || italic.is_some(), &mut meta) {
            skip(line, &raw, Skip::Metadata(field));
            continue;
        }
        if italic.is_some() && EDITORS_NOTE.is_match(unmarked) && chars <= MAX_CAPTION_CHARS {
            skip(line, &raw, Skip::EditorsNote);
            continue;
        }
        if chars <= MAX_CAPTION_CHARS && ADVERT.is_match(unmarked) {
            skip(line, &raw, Skip::Advert);
            continue;
        }
        if chars <= MAX_CAPTION_CHARS && PROMPT.is_match(&meta_text) {
            skip(line, &raw, Skip::Prompt);
            continue;
        }
        if RELATED.is_match(&meta_text) {
            in_related = true;
            skip(line, &raw, Skip::Related);
            continue;
        }
        in_related &= looks_like_headline(&meta_text);
        if in_related {
            skip(line, &raw, Skip::Related);
            continue;
        }
        if LINK_ONLY.is_match(unmarked) {
            skip(line, &raw, Skip::Link);
            continue;
        }
        if END_MARK.is_match(&meta_text) {
            skip(line, &raw, Skip::EndMark);
            continue;
        }
        if TIME_LINE.is_match(&meta_text) {
            skip(line, &raw, Skip::Metadata("time"));
            continue;
        }
        if chars <= MAX_CAPTION_CHARS && CREDIT.is_match(unmarked) {
            skip(line, &raw, Skip::Credit);
            continue;
        }
        if let Some(alt) = &after_image
            && looks_like_caption(&super::inline::plain(&paragraph), alt)
        {
            skip(line, &raw, Skip::Caption);
            continue;
        }
        // Markup alone (`***`, `**` × 1000, `[](x)`) has nothing to speak.
        if super::inline::plain(&paragraph).is_empty() {
            skip(line, &raw, Skip::Markup);
            continue;
        }
        if kind == RawKind::Text && in_header && meta.title.is_none() && blocks.is_empty() && looks_like_title(&paragraph, text) {
            meta.title = Some(super::inline::plain(&paragraph));
            meta.title_line = Some(line);
            continue;
        }
        match bold {
            Some(heading) if kind == RawKind::Text && is_heading(&heading) && !is_bold_question(&heading) => {
                blocks.push(Block::Heading { line, text: heading })
            }
            _ => {
                in_header = false;
                blocks.push(Block::Paragraph { line, text: paragraph });
            }
        }
    }
    Article { path: path.into(), meta, blocks, skipped }
}

/// A paragraph right under an image is its caption only when it reads like one: the
/// image's own alt text, or one short sentence that does not carry the running text on.
fn looks_like_caption(text: &str, alt: &str) -> bool {
    let bare = |t: &str| t.trim_end_matches(['.', '。']).to_owned();
    if !alt.is_empty() && bare(text) == bare(alt) {
        return true;
    }
    let chars = text.chars().count();
    let cjk = text.chars().filter(|&c| c > '\u{2e80}').count() * 2 > chars;
    let limit = if cjk { 60 } else { 140 };
    let reports_speech = text.contains(['“', '"']) && SPEECH.is_match(text);
    chars <= limit
        && crate::text::sentences(text, usize::MAX).len() <= 1
        && !text.ends_with(['：', ':', '?', '？', '，', ','])
        && !CONTINUES_TEXT.is_match(text)
        && !reports_speech
        && !crate::script::has_label(text)
}

/// Records a header line (byline, date, URL) in `meta`; returns which field it filled.
fn read_meta_line(text: &str, bold: bool, meta: &mut Meta) -> Option<&'static str> {
    let (slot, field) = if URL_LINE.is_match(text) {
        (&mut meta.url, "url")
    } else if DATE_LINE.is_match(text) {
        (&mut meta.date, "date")
    } else if BYLINE.is_match(text) && text.chars().count() <= 80 && !reads_as_sentence(text) {
        (&mut meta.byline, "byline")
    } else if bold && meta.title.is_some() && meta.byline.is_none() && !is_heading_like_label(text) && text.chars().count() <= 40 {
        // A bold line right under the title that is none of the above: a byline.
        (&mut meta.byline, "byline")
    } else {
        return None;
    };
    if slot.is_some() {
        return None;
    }
    *slot = Some(text.trim_start_matches('<').trim_end_matches('>').to_owned());
    Some(field)
}

/// A line that says something (`法新社记者：中方对此有何回应？`) rather than naming someone.
fn reads_as_sentence(text: &str) -> bool {
    text.ends_with(['。', '.', '？', '?', '！', '!']) || text.contains(['。', '？', '！', '；'])
}

/// `**问：您怎么看？**`: a question set in bold whole, label included, is a turn, not a
/// section heading.
fn is_bold_question(text: &str) -> bool {
    text.trim_end().ends_with(['？', '?']) && crate::script::has_label(text)
}

/// A bold line ending in a colon is a speaker label, never a byline.
fn is_heading_like_label(text: &str) -> bool {
    text.ends_with(['：', ':'])
}

/// A first paragraph short enough, and unpunctuated enough, to be the title.
fn looks_like_title(paragraph: &str, article: &str) -> bool {
    paragraph.chars().count() <= 100
        && !paragraph.ends_with(['。', '.', '：', ':', '，', ',', '；', ';', '!', '?', '！', '？'])
        && (!paragraph.contains(['：', ':']) || is_headline_with_colon(paragraph) || is_cjk_headline(paragraph, article))
}

/// A related article's headline: short, one line, no sentence ending.
fn looks_like_headline(text: &str) -> bool {
    text.chars().count() <= 60 && !text.ends_with(['。', '.', '！', '!', '？', '?', '；', ';'])
}

/// `《慢慢说》第38期：在县城开一家书店`, `团队周会纪要：新版App上线复盘`: a Chinese headline's
/// colon, which no speaker's name comes before — or only a name that never speaks again.
fn is_cjk_headline(paragraph: &str, article: &str) -> bool {
    let plain = super::inline::plain(paragraph);
    let Some((_, subtitle)) = plain.split_once(['：', ':']) else { return false };
    let cjk = plain.chars().filter(|&c| c > '\u{2e80}').count() * 2 > plain.chars().count() && subtitle.trim().chars().count() >= 2;
    let speaks_again = || {
        let name = paragraph.split(['：', ':']).next().unwrap_or_default();
        article.lines().filter(|line| line.trim_start().trim_start_matches('*').strip_prefix(name).is_some_and(|rest| rest.trim_start_matches('*').starts_with(['：', ':']))).count() > 1
    };
    cjk && !(crate::script::has_label(paragraph) && speaks_again())
}

/// `Night Shift: A Radio Transcript`: a Latin headline whose colon introduces a
/// capitalised subtitle, not a speaker's words.
fn is_headline_with_colon(paragraph: &str) -> bool {
    let Some((before, after)) = paragraph.split_once(':') else { return false };
    let words = before.split_whitespace().count();
    paragraph.is_ascii() && (2..=6).contains(&words) && after.trim_start().starts_with(|c: char| c.is_ascii_uppercase()) && after.split_whitespace().all(|w| w.chars().next().is_some_and(|c| !c.is_lowercase()) || w.len() <= 3)
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
