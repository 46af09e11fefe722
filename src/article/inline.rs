//! Inline markup → plain spoken text: emphasis markers, links, autolinks and bare URLs
//! (not read), inline HTML tags, HTML entities, and the empty brackets they leave behind.

use regex::Regex;
use std::sync::LazyLock;

static LINK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"!?\[([^\]]*)\]\([^)]*\)").unwrap());
/// `<https://…>` autolinks and inline HTML tags (`<br>`, `<em>`, `</span>`).
static ANGLED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"<(?:(?:https?|mailto):[^>\s]*|/?[A-Za-z][A-Za-z0-9]*(?:\s[^<>]*)?/?)>").unwrap());
static LINE_BREAK: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(?i)<br\s*/?>").unwrap());
static CODE_OR_STRIKE: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"`+|~~").unwrap());
static URL: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?i)(?:https?://|www\.)[A-Za-z0-9\-._~:/?#\[\]@!$&'*+,;=%]+").unwrap());
static EMPTY_BRACKETS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\s*(?:（\s*）|\(\s*\)|\[\s*\])").unwrap());
static STRONG: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"\*\*|__").unwrap());
static EMPHASIS: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"(^|[\s\p{P}])[*_]|[*_]($|[\s\p{P}])").unwrap());
static SPACES: LazyLock<Regex> = LazyLock::new(|| Regex::new(r"[ \t\u{3000}\u{a0}]+").unwrap());

/// Strips markup from one paragraph, keeping the words a listener should hear.
pub fn plain(text: &str) -> String {
    let text = LINE_BREAK.replace_all(text, " ");
    let text = ANGLED.replace_all(&text, "");
    let text = LINK.replace_all(&text, "$1");
    let text = CODE_OR_STRIKE.replace_all(&text, "");
    let text = URL.replace_all(&text, "");
    let text = STRONG.replace_all(&text, "");
    let text = EMPHASIS.replace_all(&text, "$1$2");
    let text = EMPTY_BRACKETS.replace_all(&text, "");
    let text = if text.contains('&') { htmlize::unescape(text.as_ref()).into_owned() } else { text.into_owned() };
    SPACES.replace_all(text.trim(), " ").into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strips_emphasis_links_and_urls() {
        assert_eq!(plain("**第一，要点。**正文"), "第一，要点。正文");
        assert_eq!(plain("澎湃新闻（www.thepaper.cn）在阿斯塔纳"), "澎湃新闻在阿斯塔纳");
        assert_eq!(plain("See [the report](https://x.org/a) now."), "See the report now.");
        assert_eq!(plain("an *important* point, see https://a.b/c?d=1"), "an important point, see");
        assert_eq!(plain("snake_case_name stays"), "snake_case_name stays");
        assert_eq!(plain("See <https://a.b/c> or<br>write &amp; ask&nbsp;&#8220;why&#8221;."), "See or write & ask “why”.");
        assert_eq!(plain("run `make` ~~now~~ <em>later</em>"), "run make now later");
        assert_eq!(plain("3 < 5 and 5 > 3"), "3 < 5 and 5 > 3");
    }
}
