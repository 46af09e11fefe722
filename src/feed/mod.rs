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
//!   public/                   serve this folder at base_url
//!     feed.xml                the RSS feed: <base_url>feed.xml
//!     artwork.jpg|png         copy of a local cover
//!     episodes/<slug>/        one folder per episode, named after its episode folder
//!       episode.mp3 | episode.wav
//!       transcript.vtt, transcript.srt, chapters.json   (when the episode has them)
//! ```
//!
//! The catalog, not the public folder, is the record: the feed is rebuilt from it on every
//! publication, and what must never change once published (guids, first publication
//! dates) is kept there. Every file is replaced atomically, so a failed run leaves the
//! previous catalog and feed intact.

mod catalog;
mod episode;
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
pub use show::Show;
pub use template::init_show;

use crate::export::write_atomic;
use crate::script::Role;
use crate::{Error, Result};
use episode::{Episode, FileKind};
use public::{EPISODES_DIR, FEED_FILE, Layout};
use show::Artwork;
use std::path::{Path, PathBuf};
use time::OffsetDateTime;

/// What `publish` did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PublishReport {
    pub feed_path: PathBuf,
    /// URL of the episode's audio.
    pub episode_url: String,
    /// Episodes in the feed.
    pub items: usize,
    /// Whether the episode had been published before (and was replaced).
    pub updated: bool,
}

/// Publishes the episode in `episode_dir` (as `narrate build` leaves it) to the show whose
/// settings are `show_path`: copies its media into the public folder, adds or updates it
/// in the catalog, and rewrites the feed.
pub fn publish(episode_dir: &Path, show_path: &Path) -> Result<PublishReport> {
    publish_at(episode_dir, show_path, OffsetDateTime::now_utc())
}

fn publish_at(episode_dir: &Path, show_path: &Path, now: OffsetDateTime) -> Result<PublishReport> {
    // Everything is read and checked before anything is written.
    let show = Show::load(show_path)?;
    let layout = Layout::of(show_path);
    let feed_url = urls::join(&show.base_url, &[FEED_FILE]);
    let mut catalog = Catalog::load(&layout.catalog())?.unwrap_or_else(|| Catalog::new(urls::podcast_guid(&feed_url)));
    let episode = Episode::read(episode_dir)?;
    let cover = cover(&show, &layout)?;

    let target = layout.episode_dir(&episode.slug);
    std::fs::create_dir_all(&target).map_err(Error::io(&target))?;
    let copy = |kind: FileKind| -> Result<MediaFile> {
        let length = public::copy_file(&episode.dir.join(kind.name), &target.join(kind.name))?;
        Ok(MediaFile { file: kind.name.into(), length, mime_type: kind.mime.into() })
    };
    let media = Media {
        enclosure: copy(episode.audio)?,
        transcripts: episode.transcripts.iter().map(|&kind| copy(kind)).collect::<Result<_>>()?,
        chapters: episode.chapters.map(copy).transpose()?,
    };
    if let Some((from, name)) = &cover.copy {
        public::copy_file(from, &layout.public.join(name))?;
    }

    let entry = entry(&episode, media, &show, now);
    let episode_url = urls::join(&show.base_url, &[EPISODES_DIR, &entry.slug, &entry.enclosure.file]);
    let updated = catalog.upsert(entry);
    catalog.save(&layout.catalog())?;
    let feed_path = layout.feed();
    let rss_urls = rss::Urls { feed: feed_url, artwork: cover.url };
    write_atomic(&feed_path, |w| rss::write(w, &show, &catalog, &rss_urls, now))?;
    public::remove_stale(&target, &episode.files())?;
    Ok(PublishReport { feed_path, episode_url, items: catalog.episodes.len(), updated })
}

/// An episode's files as copied into its public folder.
struct Media {
    enclosure: MediaFile,
    transcripts: Vec<MediaFile>,
    chapters: Option<MediaFile>,
}

/// The catalog entry for `episode`. A new guid is made here, but `Catalog::upsert` keeps
/// the one already published.
fn entry(episode: &Episode, media: Media, show: &Show, now: OffsetDateTime) -> Entry {
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
        enclosure: media.enclosure,
        transcripts: media.transcripts,
        chapters: media.chapters,
        // The narrator is a voice, not a person of the article.
        persons: script
            .speakers
            .iter()
            .filter(|s| s.role != Role::Narrator)
            .map(|s| Person { name: s.name.trim().to_owned(), role: s.role })
            .collect(),
    }
}

/// The cover's public URL, and the local file to copy there when it is one.
struct Cover {
    url: String,
    copy: Option<(PathBuf, String)>,
}

fn cover(show: &Show, layout: &Layout) -> Result<Cover> {
    match &show.artwork {
        Artwork::Url(url) => Ok(Cover { url: url.clone(), copy: None }),
        Artwork::File(path) => {
            let from = layout.show_dir.join(path);
            if !from.is_file() {
                let missing = std::io::Error::new(std::io::ErrorKind::NotFound, "artwork file not found (see `artwork` in show.toml)");
                return Err(Error::io(from)(missing));
            }
            let name = format!("artwork.{}", Artwork::extension(path).unwrap_or_default());
            Ok(Cover { url: urls::join(&show.base_url, &[&name]), copy: Some((from, name)) })
        }
    }
}
