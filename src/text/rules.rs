//! Small helpers for regex-driven rewrite rules.

use std::sync::LazyLock;

use regex::{Captures, Regex};

/// Builds one of the module's fixed patterns. The patterns are constants
/// covered by the unit tests, so a failure here is a programming error.
pub fn pattern(source: &str) -> Regex {
    Regex::new(source).expect("built-in pattern must compile")
}

/// Replaces every match of `re` by `f(captures, before, after)`, where
/// `before` and `after` are the text around the match. Returning `None`
/// keeps the match as it was, so a rule can decline on context.
pub fn rewrite(
    re: &Regex,
    text: &str,
    mut f: impl FnMut(&Captures, &str, &str) -> Option<String>,
) -> String {
    re.replace_all(text, |caps: &Captures| {
        let range = caps.get(0).map_or(0..0, |m| m.range());
        f(caps, &text[..range.start], &text[range.end..]).unwrap_or_else(|| group(caps, 0).to_string())
    })
    .into_owned()
}

/// The text of capture group `i`, or "" when it did not take part.
pub fn group<'h>(caps: &Captures<'h>, i: usize) -> &'h str {
    caps.get(i).map_or("", |m| m.as_str())
}

/// Last character of `before`.
pub fn last_char(before: &str) -> Option<char> {
    before.chars().next_back()
}

/// First character of `after`.
pub fn first_char(after: &str) -> Option<char> {
    after.chars().next()
}

/// True when `c` would glue onto a digit run (so a match next to it is
/// really part of a longer number).
pub fn is_digit_or_point(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_digit() || c == '.')
}

/// True when `c` is an ASCII letter (a unit like "m" must not be the start
/// of a longer word like "mile").
pub fn is_ascii_letter(c: Option<char>) -> bool {
    c.is_some_and(|c| c.is_ascii_alphabetic())
}

/// Removes the thousands separators of `digits` ("48,500" → "48500").
pub fn strip_commas(digits: &str) -> String {
    digits.chars().filter(|&c| c != ',').collect()
}

/// Splits a web address or e-mail into runs of letters, runs of digits and
/// single other characters, dropping a leading "http://" or "https://".
pub fn address_pieces(address: &str) -> Vec<&str> {
    let lower = address.to_ascii_lowercase();
    let skip = ["https://", "http://"]
        .iter()
        .find(|scheme| lower.starts_with(*scheme))
        .map_or(0, |scheme| scheme.len());
    let rest = &address[skip..];
    let mut pieces = Vec::new();
    let mut start = 0;
    let mut prev_kind = None;
    for (pos, c) in rest.char_indices() {
        let kind = if c.is_ascii_alphabetic() { 1 } else if c.is_ascii_digit() { 2 } else { 3 };
        if pos > start && (kind == 3 || Some(kind) != prev_kind) {
            pieces.push(&rest[start..pos]);
            start = pos;
        }
        prev_kind = Some(kind);
    }
    if start < rest.len() {
        pieces.push(&rest[start..]);
    }
    pieces
}

/// Addresses with a scheme, e-mails, and bare host names with a common top-level domain.
pub static ADDRESS: LazyLock<Regex> = LazyLock::new(|| {
    pattern(concat!(
        r"(?i)https?://[A-Za-z0-9._~%/?#=&+:@-]+",
        r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+",
        r"|(?:[A-Za-z0-9-]+\.)+(?:com|cn|net|org|edu|gov|io|ai|co|uk|jp|de|fr|hk|tw|info|app|dev|me|tv|ru|sg)",
        r"(?:/[A-Za-z0-9._~%/?#=&+-]*)?"
    ))
});

/// Splits sentence punctuation that a greedy address match swallowed.
pub fn split_trailing_punctuation(address: &str) -> (&str, &str) {
    let kept = address.trim_end_matches(['.', ',', ';', ':', '!', '?', ')']);
    (kept, &address[kept.len()..])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rewrite_can_decline() {
        let re = pattern("[0-9]+");
        let out = rewrite(&re, "a1 b22", |caps, _, _| (group(caps, 0).len() == 2).then(|| "X".to_string()));
        assert_eq!(out, "a1 bX");
    }

    #[test]
    fn address_is_cut_into_pieces() {
        assert_eq!(address_pieces("https://www.a1.cn/x_y"), vec!["www", ".", "a", "1", ".", "cn", "/", "x", "_", "y"]);
    }

    #[test]
    fn commas_are_stripped() {
        assert_eq!(strip_commas("1,234,567"), "1234567");
    }
}
