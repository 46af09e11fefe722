//! `show.toml`: the settings of a show, written by a person. Each value is checked while it
//! is read, so a mistake is reported with the line it is on.

use crate::{Error, Result};
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Show {
    pub title: NonEmpty,
    pub description: NonEmpty,
    pub author: NonEmpty,
    pub language: LanguageTag,
    /// An Apple Podcasts category, e.g. `Technology`, `News`, `Society & Culture`.
    pub category: NonEmpty,
    pub subcategory: Option<NonEmpty>,
    pub explicit: bool,
    /// The cover; without one, publishing draws one with the show's title.
    pub artwork: Option<Artwork>,
    pub base_url: BaseUrl,
    /// The show's web page; the feed links to `base_url` when it is not given.
    pub link: Option<NonEmpty>,
    pub owner: Option<Owner>,
}

/// Who directories contact about the show (`itunes:owner`).
#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Owner {
    pub name: NonEmpty,
    pub email: Email,
}

/// Text that is not blank, trimmed.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct NonEmpty(String);

/// A language code as RSS expects it: `en`, `en-us`, `zh-cn`.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct LanguageTag(String);

#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Email(String);

/// An absolute `http(s)` URL, always ending in `/` so that paths can be appended.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct BaseUrl(String);

/// The show's cover: a URL used as is, or an image file (relative to show.toml) that
/// publishing copies into the public folder.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub enum Artwork {
    Url(String),
    File(PathBuf),
}

impl Show {
    /// Reads and checks `path`. Errors name the file and line.
    pub fn load(path: &Path) -> Result<Show> {
        let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
        toml::from_str(&text).map_err(|e| toml_error(path, &text, &e))
    }

    /// The local artwork file, resolved against the folder of `show_path` (None for a URL).
    pub fn artwork_file(&self, show_path: &Path) -> Option<PathBuf> {
        match self.artwork.as_ref()? {
            Artwork::File(path) => Some(show_path.parent().unwrap_or(Path::new(".")).join(path)),
            Artwork::Url(_) => None,
        }
    }

    /// Warnings for values still as `narrate show init` wrote them.
    pub fn placeholder_warnings(&self) -> Vec<String> {
        let mut warnings = Vec::new();
        for (field, value, placeholder) in [("title", &self.title, PLACEHOLDER_TITLE), ("author", &self.author, PLACEHOLDER_AUTHOR)] {
            if value.as_str() == placeholder {
                warnings.push(format!("show.toml: {field} is still the placeholder \"{placeholder}\"; podcast apps will show it"));
            }
        }
        warnings
    }

    /// The link for the channel: `link` if set, else where the feed is served.
    pub fn link(&self) -> &str {
        self.link.as_ref().map_or(self.base_url.as_str(), NonEmpty::as_str)
    }
}

/// The title and author the show.toml template starts with.
pub const PLACEHOLDER_TITLE: &str = "My Podcast";
pub const PLACEHOLDER_AUTHOR: &str = "Your Name";

/// A TOML error as one line: `show.toml: line 4: invalid type: ...`.
fn toml_error(path: &Path, text: &str, error: &toml::de::Error) -> Error {
    let line = error.span().map_or(1, |span| line_of(text, span.start));
    let message = error.message().split_whitespace().collect::<Vec<_>>().join(" ");
    Error::Parse { path: path.into(), line, message }
}

/// 1-based line number of byte `offset` in `text`.
fn line_of(text: &str, offset: usize) -> usize {
    let end = offset.min(text.len());
    text.as_bytes()[..end].iter().filter(|&&b| b == b'\n').count() + 1
}

impl NonEmpty {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for NonEmpty {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        let trimmed = value.trim();
        if trimmed.is_empty() {
            return Err("must not be empty".into());
        }
        Ok(NonEmpty(trimmed.to_owned()))
    }
}

impl LanguageTag {
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The primary language subtag: `en` for `en-us`.
    pub fn primary(&self) -> &str {
        self.0.split('-').next().unwrap_or_default()
    }
}

impl TryFrom<String> for LanguageTag {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        let tag = value.trim().to_ascii_lowercase();
        let mut parts = tag.split('-');
        let primary_ok = parts.next().is_some_and(|p| (2..=3).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_lowercase()));
        let rest_ok = parts.all(|p| (1..=8).contains(&p.len()) && p.bytes().all(|b| b.is_ascii_alphanumeric()));
        if primary_ok && rest_ok { Ok(LanguageTag(tag)) } else { Err(format!("'{value}' is not a language code (e.g. en, en-us, zh-cn)")) }
    }
}

impl Email {
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Email {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        let email = value.trim();
        let well_formed = email.split_once('@').is_some_and(|(user, host)| !user.is_empty() && host.contains('.'));
        if well_formed && !email.contains(char::is_whitespace) {
            Ok(Email(email.to_owned()))
        } else {
            Err(format!("'{value}' is not an email address"))
        }
    }
}

impl BaseUrl {
    /// The URL, ending in `/`.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for BaseUrl {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        let url = value.trim();
        let host = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"));
        let problem = match host {
            None => Some("must start with http:// or https://"),
            Some(rest) if rest.is_empty() || rest.starts_with('/') => Some("has no host"),
            Some(_) if url.contains(['?', '#']) => Some("must not have a query or fragment"),
            Some(_) if url.contains(|c: char| c.is_whitespace() || c.is_control()) => Some("must not contain spaces"),
            Some(_) => None,
        };
        match problem {
            Some(problem) => Err(format!("base_url '{value}' {problem}")),
            None if url.ends_with('/') => Ok(BaseUrl(url.to_owned())),
            None => Ok(BaseUrl(format!("{url}/"))),
        }
    }
}

/// Image types podcast directories accept for cover art.
const ARTWORK_EXTENSIONS: [&str; 3] = ["jpg", "jpeg", "png"];

impl TryFrom<String> for Artwork {
    type Error = String;
    fn try_from(value: String) -> std::result::Result<Self, String> {
        let value = value.trim();
        if value.is_empty() {
            return Err("must not be empty".into());
        }
        if value.starts_with("https://") || value.starts_with("http://") {
            if value.contains(char::is_whitespace) {
                return Err(format!("artwork URL '{value}' must not contain spaces"));
            }
            return Ok(Artwork::Url(value.to_owned()));
        }
        let path = PathBuf::from(value);
        match Artwork::extension(&path) {
            Some(_) => Ok(Artwork::File(path)),
            None => Err(format!("artwork '{value}' must be a .jpg or .png file, or an http(s) URL")),
        }
    }
}

impl Artwork {
    /// The lower-cased extension of an artwork file, if it is an accepted image type.
    pub fn extension(path: &Path) -> Option<String> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        ARTWORK_EXTENSIONS.contains(&ext.as_str()).then_some(ext)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const VALID: &str = r#"
title = "Wind & Words"
description = "Articles, read aloud."
author = "Narrate Team"
language = "en-US"
category = "Technology"
explicit = false
artwork = "cover.png"
base_url = "http://localhost:8080"

[owner]
name = "Ann"
email = "ann@example.org"
"#;

    fn load_text(text: &str) -> Result<Show> {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("show.toml");
        std::fs::write(&path, text).unwrap();
        Show::load(&path)
    }

    #[test]
    fn reads_and_normalizes_values() {
        let show = load_text(VALID).unwrap();
        assert_eq!(show.title.as_str(), "Wind & Words");
        assert_eq!(show.language.as_str(), "en-us");
        assert_eq!(show.base_url.as_str(), "http://localhost:8080/");
        assert_eq!(show.artwork, Some(Artwork::File("cover.png".into())));
        assert!(show.placeholder_warnings().is_empty());
        assert_eq!(show.link(), "http://localhost:8080/");
        assert_eq!(show.owner.unwrap().email.as_str(), "ann@example.org");
        assert_eq!(show.subcategory, None);
    }

    #[test]
    fn unknown_field_is_reported_with_its_line() {
        let text = VALID.replace("explicit = false", "explicit = false\ncolour = \"red\"");
        let message = load_text(&text).unwrap_err().to_string();
        assert!(message.ends_with("show.toml: line 8: unknown field `colour`, expected one of `title`, `description`, `author`, `language`, `category`, `subcategory`, `explicit`, `artwork`, `base_url`, `link`, `owner`"), "{message}");
    }

    #[test]
    fn bad_values_are_reported_with_their_line() {
        let cases = [
            (
                "base_url = \"http://localhost:8080\"",
                "base_url = \"localhost:8080\"",
                "line 9: base_url 'localhost:8080' must start with http:// or https://",
            ),
            ("language = \"en-US\"", "language = \"english!\"", "line 5: 'english!' is not a language code"),
            ("artwork = \"cover.png\"", "artwork = \"cover.gif\"", "line 8: artwork 'cover.gif' must be a .jpg or .png file"),
            ("title = \"Wind & Words\"", "title = \"  \"", "line 2: must not be empty"),
            ("explicit = false", "explicit = \"no\"", "line 7: invalid type: string \"no\", expected a boolean"),
            ("email = \"ann@example.org\"", "email = \"ann\"", "line 13: 'ann' is not an email address"),
        ];
        for (from, to, expected) in cases {
            let message = load_text(&VALID.replace(from, to)).unwrap_err().to_string();
            assert!(message.contains(expected), "{message}");
            assert!(!message.contains('\n'), "{message}");
        }
    }

    #[test]
    fn syntax_error_names_the_line() {
        let message = load_text(&VALID.replace("category = \"Technology\"", "category = Technology")).unwrap_err().to_string();
        assert!(message.contains("show.toml: line 6: "), "{message}");
    }

    #[test]
    fn placeholders_are_warned_about() {
        let show = load_text(&VALID.replace("Wind & Words", "My Podcast").replace("Narrate Team", "Your Name")).unwrap();
        let warnings = show.placeholder_warnings();
        assert_eq!(warnings.len(), 2);
        assert!(warnings[0].contains("title is still the placeholder \"My Podcast\""), "{warnings:?}");
        assert!(warnings[1].contains("author is still the placeholder \"Your Name\""), "{warnings:?}");
    }

    #[test]
    fn missing_field_is_named() {
        let message = load_text(&VALID.replace("author = \"Narrate Team\"\n", "")).unwrap_err().to_string();
        assert!(message.contains("missing field `author`"), "{message}");
    }

    #[test]
    fn artwork_url_is_kept() {
        let show = load_text(&VALID.replace("\"cover.png\"", "\"https://cdn.example.org/a b.png\"")).unwrap_err();
        assert!(show.to_string().contains("must not contain spaces"));
        let show = load_text(&VALID.replace("\"cover.png\"", "\"https://cdn.example.org/art.png\"")).unwrap();
        assert_eq!(show.artwork, Some(Artwork::Url("https://cdn.example.org/art.png".into())));
        assert_eq!(load_text(&VALID.replace("artwork = \"cover.png\"\n", "")).unwrap().artwork, None);
    }
}
