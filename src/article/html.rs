//! Saved web pages → the same Markdown-shaped text the rest of the article reader takes.
//!
//! The page's main text is found by dom_smoothie (a port of Mozilla's Readability, the
//! boilerplate remover behind Firefox's reader view), which leaves out navigation, ads,
//! related links, comments, scripts and styles, and renders what remains as Markdown:
//! headings, paragraphs, `**bold**` speaker labels, images. The page's title, byline,
//! publication date and canonical URL become the article's metadata.

use super::Meta;
use crate::error::{Error, Result};
use dom_smoothie::{Config, Readability, TextMode};
use regex::Regex;
use std::path::Path;
use std::sync::LazyLock;

/// An image followed on the same line by its figure caption, as the Markdown rendering of
/// `<figure><img><figcaption>` reads.
static FIGURE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?m)^(!\[[^\]]*\]\([^)]*\))[ \t]*(\S.*)$").unwrap());

/// Whether decoded text is an HTML page rather than Markdown or plain text.
pub fn is_html(path: &Path, text: &str) -> bool {
    let by_name = path.extension().is_some_and(|e| e.eq_ignore_ascii_case("html") || e.eq_ignore_ascii_case("htm"));
    let start = text.trim_start_matches('\u{feff}').trim_start();
    let head: String = start.chars().take(15).collect::<String>().to_ascii_lowercase();
    by_name || head.starts_with("<!doctype html") || head.starts_with("<html")
}

/// A page's article text as Markdown (title as the first heading) and its metadata.
pub fn extract(html: &str, path: &Path) -> Result<(String, Meta)> {
    let document = dom_query::Document::from(html);
    let canonical = first_attr(&document, &[("link[rel='canonical']", "href"), ("meta[property='og:url']", "content")]);
    let config = Config { text_mode: TextMode::Markdown, ..Default::default() };
    let mut reader = Readability::with_document(document, None, Some(config))
        .map_err(|e| Error::Parse { path: path.into(), line: 1, message: format!("HTML page: {e}") })?;
    let page = reader
        .parse()
        .map_err(|e| Error::Parse { path: path.into(), line: 1, message: format!("no article text found in the HTML page ({e})") })?;
    let title = without_site_name(page.title.trim());
    let mut text = String::new();
    if !title.is_empty() {
        text.push_str("# ");
        text.push_str(title);
        text.push_str("\n\n");
    }
    text.push_str(&FIGURE.replace_all(&page.text_content, "$1\n\n$2"));
    let meta = Meta {
        title: (!title.is_empty()).then(|| title.to_owned()),
        byline: page.byline.map(|b| b.trim().to_owned()).filter(|b| !b.is_empty()),
        date: page.published_time,
        url: canonical.or(page.url),
        title_line: None,
    };
    Ok((text, meta))
}

/// `标题_中国政府网`, `标题_新闻_某某网`: the site's name after an underscore, which Chinese
/// sites append to the page title (the readability port strips ` | Site` and ` - Site`).
fn without_site_name(title: &str) -> &str {
    let mut title = title;
    while let Some((head, site)) = title.rsplit_once('_') {
        let named = (1..=15).contains(&site.chars().count()) && !site.contains(char::is_whitespace);
        if !named || head.chars().count() < 8 {
            break;
        }
        title = head.trim_end();
    }
    title
}

fn first_attr(document: &dom_query::Document, choices: &[(&str, &str)]) -> Option<String> {
    choices.iter().find_map(|(selector, attr)| {
        let value = document.select(selector).attr(attr)?;
        let value = value.trim();
        (!value.is_empty()).then(|| value.to_owned())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn site_names_after_an_underscore_leave_the_title() {
        assert_eq!(without_site_name("国家统计局新闻发言人答记者问_中国政府网"), "国家统计局新闻发言人答记者问");
        assert_eq!(without_site_name("一位老匠人的四十年_新闻_某某网"), "一位老匠人的四十年");
        assert_eq!(without_site_name("snake_case in Rust"), "snake_case in Rust");
        assert_eq!(without_site_name("短标题_网"), "短标题_网");
    }

    #[test]
    fn page_text_metadata_and_figures() {
        let page = r#"<!DOCTYPE html><html><head><title>A Walk | Site</title>
            <link rel="canonical" href="https://site.example/walk">
            <meta property="article:published_time" content="2025-01-02"></head><body>
            <nav><a href="/">Home</a><a href="/news">News</a></nav>
            <article><h1>A Walk</h1><p>We walked along the old canal for an hour, talking about the mills that once stood there.</p>
            <figure><img src="/a.jpg" alt="The canal"><figcaption>The canal at dawn.</figcaption></figure>
            <p>The mills closed in 1962, and the town has been quieter ever since, though not everyone minds.</p></article>
            <aside class="comments"><p>First!</p></aside><script>var x = 1;</script></body></html>"#;
        let (text, meta) = extract(page, Path::new("a.html")).unwrap();
        assert_eq!(meta.url.as_deref(), Some("https://site.example/walk"));
        assert_eq!(meta.date.as_deref(), Some("2025-01-02"));
        assert!(text.contains("\n\nThe canal at dawn."), "{text}");
        assert!(text.contains("We walked along the old canal"));
        assert!(!text.contains("First!") && !text.contains("var x") && !text.contains("Home"), "{text}");
        assert!(is_html(Path::new("a.txt"), "<!DOCTYPE html><html>"));
        assert!(!is_html(Path::new("a.md"), "# Title"));
    }
}
