//! Publishing episodes as a podcast: a show (`show.toml`), its catalog of published
//! episodes (`catalog.json`) and an RSS feed (`feed.xml`).
//!
//! A show lives in one folder; `narrate publish` fills its `public/` part, which is what a
//! web server serves at the show's `base_url`:
//!
//! ```text
//! <show dir>/
//!   show.toml                 the show's settings (written by `narrate show init`, edited by you)
//!   catalog.json              published episodes: guids, dates, file sizes (kept by narrate)
//!   artwork.jpg               the cover, when show.toml names a local file
//!   public/                   serve this folder at base_url (`narrate serve public`)
//!     index.html              the show page: cover, feed URL, every episode with a player
//!     feed.xml                the RSS feed: <base_url>feed.xml
//!     artwork.jpg|png         copy of a local cover, or the one drawn without it
//!     episodes/<slug>/        one folder per episode, named after its episode folder
//!       episode.mp3 | episode.wav
//!       transcript.vtt, transcript.srt, chapters.json   (when the episode has them)
//! ```
//!
//! The catalog, not the public folder, is the record: the feed and the page are rebuilt
//! from it on every publication, and what must never change once published (guids, first
//! publication dates) is kept there. Every file is replaced atomically, so a failed run
//! leaves the previous catalog and feed intact, and only when its content changes, so
//! publishing an unchanged episode again changes nothing (not even `lastBuildDate`).
//!
//! Publishing never loses a published episode by accident: an episode from another article
//! under a name already in the show is refused unless `--replace` is given (and then it is
//! a new episode with its own guid), and a build without the MP3 the show publishes is
//! refused rather than dropping the MP3 from the feed.

mod catalog;
mod cover;
mod episode;
mod media;
mod page;
mod public;
mod rss;
mod show;
mod template;
mod urls;

#[cfg(test)]
mod test_support;
#[cfg(test)]
mod tests;

pub use catalog::{Catalog, Entry, MediaFile, Person};
pub use cover::draw as draw_cover;
pub use show::Show;
pub use template::init_show;

use crate::export::files::MP3;
use crate::export::write_atomic;
use crate::script::Role;
use crate::{Error, Result};
use catalog::Upsert;
use episode::{Episode, FileKind};
use media::Payload;
use public::{EPISODES_DIR, FEED_FILE, Layout};
use std::io::Write;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// How to publish.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PublishOptions {
    /// Put the episode in place of a different published episode with the same name.
    pub replace: bool,
}

/// What `publish` or `unpublish` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishReport {
    pub feed_path: PathBuf,
    pub page_path: PathBuf,
    /// The episode published, and what became of it; `None` when only the feed and page
    /// were rebuilt.
    pub episode: Option<(String, Outcome)>,
    /// Episodes in the feed.
    pub items: usize,
    /// Whether the feed file was rewritten.
    pub feed_changed: bool,
    /// Things to tell the user: a drawn cover, placeholder settings, artwork directories may
    /// refuse.
    pub notes: Vec<String>,
}

/// What publishing did with the episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Added,
    Updated,
    /// A different episode of the same name was replaced (`--replace`).
    Replaced,
    /// It was already published exactly like this; nothing was written.
    Unchanged,
    /// Taken out of the show (`unpublish`).
    Removed,
}

/// Publishes the episode in `episode_dir` (as `narrate build` leaves it) to the show whose
/// settings are `show_path`: copies its media into the public folder, adds or updates it
/// in the catalog, and rewrites the feed and the show page. Without an episode, only the
/// feed and page are rebuilt (after show.toml was edited, say).
pub fn publish(episode_dir: Option<&Path>, show_path: &Path, options: PublishOptions) -> Result<PublishReport> {
    publish_at(episode_dir, show_path, options, OffsetDateTime::now_utc())
}

/// Takes the episode named `slug` out of the show: its public files, its catalog entry and
/// its feed item.
pub fn unpublish(slug: &str, show_path: &Path) -> Result<PublishReport> {
    let show = Show::load(show_path)?;
    let layout = Layout::of(show_path);
    let mut catalog = Catalog::load(&layout.catalog())?.unwrap_or_else(|| Catalog::new(String::new()));
    if catalog.remove(slug).is_none() {
        let names: Vec<&str> = catalog.episodes.iter().map(|e| e.slug.as_str()).collect();
        let known = if names.is_empty() { "the show has no episodes".to_owned() } else { format!("published: {}", names.join(", ")) };
        return Err(Error::Usage(format!("{}: no episode '{slug}' in this show ({known})", layout.catalog().display())));
    }
    let cover = cover::prepare(&show, &layout)?;
    catalog.save(&layout.catalog())?;
    let folder = layout.episode_dir(slug);
    public::remove_stale(&folder, &[])?;
    // The folder goes too, unless it holds files of the user's own.
    let _ = std::fs::remove_dir(&folder);
    let mut report = write_show(&show, &layout, &catalog, &cover, OffsetDateTime::now_utc())?;
    report.episode = Some((slug.to_owned(), Outcome::Removed));
    Ok(report)
}

fn publish_at(episode_dir: Option<&Path>, show_path: &Path, options: PublishOptions, now: OffsetDateTime) -> Result<PublishReport> {
    // Everything is read and checked before anything is written.
    let show = Show::load(show_path)?;
    let layout = Layout::of(show_path);
    let feed_url = urls::join(&show.base_url, &[FEED_FILE]);
    let mut catalog = Catalog::load(&layout.catalog())?.unwrap_or_else(|| Catalog::new(urls::podcast_guid(&feed_url)));
    let cover = cover::prepare(&show, &layout)?;
    let outcome = match episode_dir {
        Some(dir) => Some(publish_episode(&Episode::read(dir)?, &show, &layout, &mut catalog, &cover, options, now)?),
        None => None,
    };
    if outcome.as_ref().is_some_and(|(_, outcome)| *outcome != Outcome::Unchanged) || !layout.catalog().is_file() {
        catalog.save(&layout.catalog())?;
    }
    let mut report = write_show(&show, &layout, &catalog, &cover, now)?;
    report.episode = outcome;
    Ok(report)
}

/// Checks `episode` against the show, then places its files and updates `catalog`.
fn publish_episode(
    episode: &Episode,
    show: &Show,
    layout: &Layout,
    catalog: &mut Catalog,
    cover: &cover::Cover,
    options: PublishOptions,
    now: OffsetDateTime,
) -> Result<(String, Outcome)> {
    let replacing = match catalog.get(&episode.slug) {
        Some(published) if !is_same_episode(published, episode) => {
            if !options.replace {
                return Err(other_episode(published, episode));
            }
            true
        }
        _ => false,
    };
    if episode.audio != MP3 && catalog.episodes.iter().any(|e| e.enclosure.file == MP3.name && !(replacing && e.slug == episode.slug)) {
        return Err(Error::Episode {
            dir: episode.dir.clone(),
            message: format!(
                "it has no {} but the show publishes MP3 (podcast apps may not play {}); build it with `--format mp3` \
                 (or the default wav,mp3) and publish again",
                MP3.name, episode.audio.name
            ),
        });
    }

    let target = layout.episode_dir(&episode.slug);
    let tag_cover = cover.file.as_ref().map(|(_, image)| image);
    let payloads: Vec<(FileKind, Payload)> = episode
        .files()
        .into_iter()
        .map(|kind| {
            let source = episode.dir.join(kind.name);
            let payload = if kind == MP3 { Payload::retagged_mp3(&source, show, tag_cover)? } else { Payload::copy(&source) };
            Ok((kind, payload))
        })
        .collect::<Result<_>>()?;
    let mut files_changed = false;
    for (kind, payload) in &payloads {
        files_changed |= !payload.is_at(&target.join(kind.name))?;
    }
    files_changed |= public::has_stale(&target, &episode.files());

    std::fs::create_dir_all(&target).map_err(Error::io(&target))?;
    let mut written = Vec::new();
    for (kind, payload) in &payloads {
        let path = target.join(kind.name);
        let length = if payload.is_at(&path)? { std::fs::metadata(&path).map_err(Error::io(&path))?.len() } else { payload.write(&path)? };
        written.push(MediaFile { file: kind.name.into(), length, mime_type: kind.mime.into() });
    }
    public::remove_stale(&target, &episode.files())?;

    let mut files = written.into_iter();
    let enclosure = files.next().expect("an episode has audio");
    let transcripts: Vec<MediaFile> = files.by_ref().take(episode.transcripts.len()).collect();
    let chapters = files.next();
    let entry = entry(episode, enclosure, transcripts, chapters, show, now);
    let outcome = if replacing {
        let mut entry = entry;
        // A new episode for podcast apps: a guid of its own, however often this happens.
        let folder_url = urls::join(&show.base_url, &[EPISODES_DIR, &episode.slug, ""]);
        entry.guid = urls::episode_guid(&format!("{folder_url}#{}", now.unix_timestamp_nanos()));
        catalog.replace(entry);
        Outcome::Replaced
    } else {
        match catalog.upsert(entry) {
            Upsert::Added => Outcome::Added,
            Upsert::Updated => Outcome::Updated,
            Upsert::Unchanged if files_changed => {
                if let Some(published) = catalog.episodes.iter_mut().find(|e| e.slug == episode.slug) {
                    published.updated = now;
                }
                Outcome::Updated
            }
            Upsert::Unchanged => Outcome::Unchanged,
        }
    };
    Ok((episode.slug.clone(), outcome))
}

/// Whether `episode` is a new version of the published `entry` rather than another
/// episode that happens to have the same folder name.
fn is_same_episode(entry: &Entry, episode: &Episode) -> bool {
    match &entry.origin {
        Some(origin) => *origin == episode.origin(),
        // Catalogs from before origins were kept: the title is all there is to go by.
        None => entry.title == episode.script.title.trim(),
    }
}

fn other_episode(published: &Entry, episode: &Episode) -> Error {
    let origin = |o: &str| if o.is_empty() { String::new() } else { format!(" (from {o})") };
    Error::Episode {
        dir: episode.dir.clone(),
        message: format!(
            "the show already has an episode '{}': \"{}\"{}, not \"{}\"{}; rename the episode folder (`narrate build --out`) \
             or pass --replace to replace the published one (podcast apps will see a new episode)",
            published.slug,
            published.title,
            origin(published.origin.as_deref().unwrap_or_default()),
            episode.script.title.trim(),
            origin(&episode.origin()),
        ),
    }
}

/// Writes the cover, feed and page for `catalog`, each only when its content changed.
fn write_show(show: &Show, layout: &Layout, catalog: &Catalog, cover: &cover::Cover, now: OffsetDateTime) -> Result<PublishReport> {
    std::fs::create_dir_all(&layout.public).map_err(Error::io(&layout.public))?;
    let mut notes = show.placeholder_warnings();
    notes.extend(cover.notes.iter().cloned());
    if let Some((name, image)) = &cover.file {
        let written = write_if_changed(&layout.public.join(name), &image.data)?;
        if written && cover.drawn {
            notes.push(cover::drawn_note());
        }
    }
    let feed_url = urls::join(&show.base_url, &[FEED_FILE]);
    let rss_urls = rss::Urls { feed: feed_url.clone(), artwork: cover.url.clone() };
    let feed_path = layout.feed();
    let feed_changed = write_feed(&feed_path, |built, out| rss::write(out, show, catalog, &rss_urls, built), now)?;
    let artwork = cover.file.as_ref().map_or(cover.url.as_str(), |(name, _)| name.as_str());
    let page = page::render(show, catalog, &page::Links { feed_url: &feed_url, artwork }, &layout.public);
    let page_path = layout.page();
    write_if_changed(&page_path, page.as_bytes())?;
    Ok(PublishReport { feed_path, page_path, episode: None, items: catalog.episodes.len(), feed_changed, notes })
}

/// Writes the feed `render` makes, unless it says the same as the one at `path` apart from
/// its `lastBuildDate`: the build date changes only when the feed does. Returns whether the
/// file was written.
fn write_feed(path: &Path, render: impl Fn(OffsetDateTime, &mut Vec<u8>) -> std::io::Result<()>, now: OffsetDateTime) -> Result<bool> {
    if let Ok(previous) = std::fs::read(path)
        && let Some(built) = rss::last_build_date(&previous)
    {
        let mut again = Vec::new();
        render(built, &mut again).map_err(Error::io(path))?;
        if again == previous {
            return Ok(false);
        }
    }
    let mut feed = Vec::new();
    render(now, &mut feed).map_err(Error::io(path))?;
    write_atomic(path, |w| w.write_all(&feed))?;
    Ok(true)
}

/// Replaces `path` with `bytes` unless it holds them already; returns whether it did.
fn write_if_changed(path: &Path, bytes: &[u8]) -> Result<bool> {
    if std::fs::read(path).is_ok_and(|existing| existing == bytes) {
        return Ok(false);
    }
    write_atomic(path, |w| w.write_all(bytes))?;
    Ok(true)
}

/// The catalog entry for `episode`. A new guid is made here, but `Catalog::upsert` keeps
/// the one already published.
fn entry(
    episode: &Episode,
    enclosure: MediaFile,
    transcripts: Vec<MediaFile>,
    chapters: Option<MediaFile>,
    show: &Show,
    now: OffsetDateTime,
) -> Entry {
    let script = &episode.script;
    let folder_url = urls::join(&show.base_url, &[EPISODES_DIR, &episode.slug, ""]);
    Entry {
        guid: urls::episode_guid(&folder_url),
        slug: episode.slug.clone(),
        title: script.title.trim().to_owned(),
        description: episode.description(),
        link: script.source.url.as_deref().map(str::trim).filter(|u| !u.is_empty()).map(str::to_owned),
        pub_date: now,
        updated: now,
        // `max` also maps a NaN duration to 0.
        duration_secs: episode.duration.max(0.0).round() as u64,
        enclosure,
        transcripts,
        chapters,
        // The narrator is a voice, not a person of the article.
        persons: script
            .speakers
            .iter()
            .filter(|s| s.role != Role::Narrator)
            .map(|s| Person { name: s.name.trim().to_owned(), role: s.role })
            .collect(),
        origin: Some(episode.origin()),
        language: Some(script.language),
    }
}
