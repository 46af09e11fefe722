//! The catalog: the show's published episodes, kept as `catalog.json` beside show.toml.
//! The feed is made from it alone, so it records everything an item needs, and what must
//! never change once published: guids and first publication dates.

use super::episode::is_valid_slug;
use crate::export::write_json;
use crate::script::Role;
use crate::{Error, Language, Result};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::HashSet;
use std::path::Path;
use time::OffsetDateTime;

/// The catalog format this code reads and writes.
const FORMAT: u32 = 1;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Catalog {
    #[serde(deserialize_with = "known_format")]
    pub format: u32,
    /// The feed's `podcast:guid`, fixed when the show is first published.
    pub podcast_guid: String,
    /// In order of first publication.
    #[serde(deserialize_with = "consistent_episodes")]
    pub episodes: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Entry {
    /// Generated at first publication and never changed: apps use it to recognise the episode.
    pub guid: String,
    /// Names the episode's public folder, `episodes/<slug>/`.
    pub slug: String,
    pub title: String,
    pub description: String,
    /// The article the episode was made from.
    pub link: Option<String>,
    /// First publication; kept when the episode is published again.
    #[serde(with = "time::serde::rfc3339")]
    pub pub_date: OffsetDateTime,
    /// Last publication.
    #[serde(with = "time::serde::rfc3339")]
    pub updated: OffsetDateTime,
    /// Whole seconds.
    pub duration_secs: u64,
    pub enclosure: MediaFile,
    pub transcripts: Vec<MediaFile>,
    pub chapters: Option<MediaFile>,
    pub persons: Vec<Person>,
    /// What the episode was made from (the article's URL, else its file name; the title when
    /// neither is known): an episode from another origin is another episode, not a new
    /// version of this one. Catalogs written before it was kept have none.
    #[serde(default)]
    pub origin: Option<String>,
    /// The spoken language (`en`, `zh`); catalogs written before it was kept have none.
    #[serde(default)]
    pub language: Option<Language>,
}

/// A file in the episode's public folder.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct MediaFile {
    pub file: String,
    /// Bytes.
    pub length: u64,
    pub mime_type: String,
}

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    pub name: String,
    pub role: Role,
}

impl Catalog {
    pub fn new(podcast_guid: String) -> Catalog {
        Catalog { format: FORMAT, podcast_guid, episodes: Vec::new() }
    }

    /// Reads `path`; `None` when the show has not been published yet.
    pub fn load(path: &Path) -> Result<Option<Catalog>> {
        let text = match std::fs::read_to_string(path) {
            Ok(text) => text,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
            Err(e) => return Err(Error::io(path)(e)),
        };
        let catalog = serde_json::from_str(&text).map_err(|e| Error::Parse {
            path: path.into(),
            line: e.line(),
            message: format!("{e} (the catalog was left unchanged)"),
        })?;
        Ok(Some(catalog))
    }

    /// Writes `path` atomically.
    pub fn save(&self, path: &Path) -> Result<()> {
        write_json(path, self)
    }

    /// The published episode named `slug`.
    pub fn get(&self, slug: &str) -> Option<&Entry> {
        self.episodes.iter().find(|e| e.slug == slug)
    }

    /// Adds `entry`, or updates the episode with the same slug while keeping its guid, first
    /// publication date and (when nothing else changed) its last publication date.
    pub fn upsert(&mut self, mut entry: Entry) -> Upsert {
        let Some(existing) = self.episodes.iter_mut().find(|e| e.slug == entry.slug) else {
            self.episodes.push(entry);
            return Upsert::Added;
        };
        entry.guid = existing.guid.clone();
        entry.pub_date = existing.pub_date;
        let updated = entry.updated;
        entry.updated = existing.updated;
        if entry == *existing {
            return Upsert::Unchanged;
        }
        entry.updated = updated;
        *existing = entry;
        Upsert::Updated
    }

    /// Puts `entry` in place of the episode with the same slug as a new episode: its own
    /// guid and publication date, listed as published last.
    pub fn replace(&mut self, entry: Entry) {
        self.remove(&entry.slug);
        self.episodes.push(entry);
    }

    /// Takes the episode named `slug` out of the catalog.
    pub fn remove(&mut self, slug: &str) -> Option<Entry> {
        let index = self.episodes.iter().position(|e| e.slug == slug)?;
        Some(self.episodes.remove(index))
    }

    /// Episodes as the feed lists them: newest first.
    pub fn newest_first(&self) -> Vec<&Entry> {
        let mut entries: Vec<&Entry> = self.episodes.iter().collect();
        entries.sort_by(|a, b| b.pub_date.cmp(&a.pub_date).then_with(|| a.slug.cmp(&b.slug)));
        entries
    }
}

/// What [`Catalog::upsert`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Upsert {
    Added,
    Updated,
    /// The episode was published before exactly as it is now.
    Unchanged,
}

impl Entry {
    /// The entry's files, enclosure first.
    pub fn files(&self) -> impl Iterator<Item = &MediaFile> {
        std::iter::once(&self.enclosure).chain(&self.transcripts).chain(&self.chapters)
    }
}

fn known_format<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<u32, D::Error> {
    let format = u32::deserialize(deserializer)?;
    if format != FORMAT {
        return Err(serde::de::Error::custom(format!("catalog format {format} is not supported (this narrate reads format {FORMAT})")));
    }
    Ok(format)
}

/// Slugs and guids must be unique, and slugs and file names usable as URL segments: a
/// hand-edited catalog that breaks this is refused rather than published.
fn consistent_episodes<'de, D: Deserializer<'de>>(deserializer: D) -> std::result::Result<Vec<Entry>, D::Error> {
    let episodes = Vec::<Entry>::deserialize(deserializer)?;
    let mut slugs = HashSet::new();
    let mut guids = HashSet::new();
    for entry in &episodes {
        let problem = if !slugs.insert(entry.slug.as_str()) {
            Some(format!("episode '{}' is listed twice", entry.slug))
        } else if !guids.insert(entry.guid.as_str()) {
            Some(format!("guid '{}' is used twice", entry.guid))
        } else if !is_valid_slug(&entry.slug) {
            Some(format!("slug '{}' cannot be used as a folder name", entry.slug))
        } else {
            entry
                .files()
                .find(|f| !is_valid_slug(&f.file))
                .map(|f| format!("episode '{}': file name '{}' is not a plain file name", entry.slug, f.file))
        };
        if let Some(problem) = problem {
            return Err(serde::de::Error::custom(problem));
        }
    }
    Ok(episodes)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::test_support::{at, entry};

    #[test]
    fn upsert_keeps_guid_and_first_date() {
        let mut catalog = Catalog::new("pg".into());
        assert_eq!(catalog.upsert(entry("a", at("2024-01-01T10:00:00Z"))), Upsert::Added);
        let mut again = entry("a", at("2024-02-01T10:00:00Z"));
        again.guid = "other".into();
        assert_eq!(catalog.upsert(again.clone()), Upsert::Unchanged);
        assert_eq!(catalog.episodes[0].updated, at("2024-01-01T10:00:00Z"));
        again.title = "New title".into();
        assert_eq!(catalog.upsert(again), Upsert::Updated);
        assert_eq!(catalog.episodes.len(), 1);
        let a = &catalog.episodes[0];
        assert_eq!((a.guid.as_str(), a.title.as_str()), ("guid-a", "New title"));
        assert_eq!((a.pub_date, a.updated), (at("2024-01-01T10:00:00Z"), at("2024-02-01T10:00:00Z")));
    }

    #[test]
    fn replace_gives_a_new_episode_and_remove_takes_it_out() {
        let mut catalog = Catalog::new("pg".into());
        catalog.upsert(entry("a", at("2024-01-01T10:00:00Z")));
        catalog.upsert(entry("b", at("2024-01-02T10:00:00Z")));
        let mut other = entry("a", at("2024-03-01T10:00:00Z"));
        other.guid = "guid-a2".into();
        catalog.replace(other);
        let a = catalog.get("a").unwrap();
        assert_eq!((a.guid.as_str(), a.pub_date), ("guid-a2", at("2024-03-01T10:00:00Z")));
        assert_eq!(catalog.remove("b").map(|e| e.slug), Some("b".into()));
        assert_eq!(catalog.remove("b"), None);
        assert_eq!(catalog.episodes.len(), 1);
    }

    #[test]
    fn newest_first() {
        let mut catalog = Catalog::new("pg".into());
        catalog.upsert(entry("old", at("2024-01-01T10:00:00Z")));
        catalog.upsert(entry("new", at("2024-03-01T10:00:00Z")));
        catalog.upsert(entry("mid", at("2024-02-01T10:00:00Z")));
        let slugs: Vec<_> = catalog.newest_first().iter().map(|e| e.slug.as_str()).collect();
        assert_eq!(slugs, ["new", "mid", "old"]);
    }

    #[test]
    fn round_trips_through_json() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        assert_eq!(Catalog::load(&path).unwrap(), None);
        let mut catalog = Catalog::new("pg".into());
        catalog.upsert(entry("a", at("2024-01-01T10:00:30.5+02:00")));
        catalog.save(&path).unwrap();
        assert_eq!(Catalog::load(&path).unwrap(), Some(catalog));
    }

    #[test]
    fn malformed_catalogs_are_refused_with_a_line() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.json");
        let mut catalog = Catalog::new("pg".into());
        catalog.upsert(entry("a", at("2024-01-01T10:00:00Z")));
        catalog.upsert(entry("b", at("2024-01-01T10:00:00Z")));
        let good = serde_json::to_string_pretty(&catalog).unwrap();
        let cases = [
            (good.replace("\"b\"", "\"a\""), "episode 'a' is listed twice"),
            (good.replace("guid-b", "guid-a"), "guid 'guid-a' is used twice"),
            (good.replace("\"b\"", "\"../b\""), "slug '../b' cannot be used"),
            (good.replace("\"format\": 1", "\"format\": 2"), "line 2: catalog format 2 is not supported"),
            (good.replace("\"duration_secs\": 46,", "\"duration_secs\": 46"), "line "),
            (good.replace("\"title\"", "\"titel\""), "unknown field `titel`"),
            (good.replacen("2024-01-01T10:00:00Z", "yesterday", 1), "line "),
        ];
        for (text, expected) in cases {
            std::fs::write(&path, &text).unwrap();
            let message = Catalog::load(&path).unwrap_err().to_string();
            assert!(message.contains(expected), "{expected}: {message}");
            assert!(message.contains("catalog.json: line "), "{message}");
            assert!(message.ends_with("(the catalog was left unchanged)"), "{message}");
        }
    }
}
