//! An episode folder as `narrate build` (and the exporters) leave it, read for publishing.

use crate::mix::Cues;
use crate::script::Script;
use crate::{Error, Result};
use std::path::{Path, PathBuf};

pub use crate::export::files::{AUDIO, CHAPTERS, FileKind, SRT, VTT};
use crate::export::files::{CUES, SCRIPT};

/// Every file publishing may place in an episode's public folder.
pub const PUBLISHED_FILES: [FileKind; 5] = [AUDIO[0], AUDIO[1], VTT, SRT, CHAPTERS];

#[derive(Clone, Debug)]
pub struct Episode {
    pub dir: PathBuf,
    /// The folder's name; it names the episode's public folder too.
    pub slug: String,
    pub script: Script,
    /// Seconds.
    pub duration: f64,
    pub audio: FileKind,
    pub transcripts: Vec<FileKind>,
    pub chapters: Option<FileKind>,
}

impl Episode {
    /// Reads the episode in `dir`: script.json, cues.json and the audio are required.
    pub fn read(dir: &Path) -> Result<Episode> {
        let full = std::fs::canonicalize(dir).map_err(Error::io(dir))?;
        if !full.is_dir() {
            return Err(not_an_episode(dir, "not a folder"));
        }
        let slug = full.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_owned();
        if !is_valid_slug(&slug) {
            return Err(not_an_episode(dir, "the folder name cannot be used in a URL"));
        }
        let has = |kind: &FileKind| full.join(kind.name).is_file();
        let Some(audio) = AUDIO.iter().copied().find(has) else {
            return Err(not_an_episode(dir, "no episode audio (episode.mp3 or episode.wav); run `narrate build` first"));
        };
        for required in [SCRIPT.name, CUES.name] {
            if !full.join(required).is_file() {
                return Err(not_an_episode(dir, &format!("{required} is missing; run `narrate build` first")));
            }
        }
        let script = Script::from_json_file(&full.join(SCRIPT.name))?;
        let cues = read_cues(&full.join(CUES.name))?;
        Ok(Episode {
            dir: full.clone(),
            slug,
            script,
            duration: cues.duration,
            audio,
            // Captions last: feed parsers that keep a single transcript (feedparser,
            // podcastparser) keep the last one listed.
            transcripts: [SRT, VTT].into_iter().filter(has).collect(),
            chapters: Some(CHAPTERS).filter(has),
        })
    }

    /// The files to publish, enclosure first.
    pub fn files(&self) -> Vec<FileKind> {
        let mut files = vec![self.audio];
        files.extend(&self.transcripts);
        files.extend(self.chapters);
        files
    }

    /// What the episode was made from: the article's URL, else its file name, else (for a
    /// script written by hand) its title.
    pub fn origin(&self) -> String {
        let source = &self.script.source;
        let url = source.url.as_deref().map(str::trim).filter(|u| !u.is_empty());
        let file = source.path.as_deref().and_then(|p| Path::new(p).file_name()).and_then(|n| n.to_str());
        url.or(file).map_or_else(|| self.script.title.trim().to_owned(), str::to_owned)
    }

    /// The episode's summary: the article's intro, or else the first turn that is not a
    /// title or heading.
    pub fn description(&self) -> String {
        self.script.description()
    }
}

/// Whether `slug` can be a folder name and a URL path segment of its own.
pub fn is_valid_slug(slug: &str) -> bool {
    !slug.is_empty() && !slug.starts_with('.') && !slug.contains(['/', '\\']) && !slug.chars().any(char::is_control)
}

fn read_cues(path: &Path) -> Result<Cues> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    serde_json::from_str(&text).map_err(|e| Error::Parse { path: path.into(), line: e.line(), message: e.to_string() })
}

/// Shown as
/// `<dir>: not a publishable episode: <message>`.
fn not_an_episode(dir: &Path, message: &str) -> Error {
    Error::Episode { dir: dir.into(), message: message.into() }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::test_support;

    #[test]
    fn reads_a_built_episode() {
        let dir = tempfile::tempdir().unwrap();
        let path = test_support::write(dir.path(), "wind-farms", &test_support::Options::default());
        let episode = Episode::read(&path).unwrap();
        assert_eq!(episode.slug, "wind-farms");
        assert_eq!(episode.audio, AUDIO[0]);
        assert_eq!(episode.transcripts, vec![SRT, VTT]);
        assert_eq!(episode.chapters, Some(CHAPTERS));
        assert_eq!(episode.duration, 45.8);
        assert_eq!(episode.description(), "We spoke with Maria Ortega.\n\nShe builds wind farms.");
    }

    #[test]
    fn wav_only_episode_without_extras() {
        let dir = tempfile::tempdir().unwrap();
        let options = test_support::Options { mp3: false, extras: false, ..Default::default() };
        let episode = Episode::read(&test_support::write(dir.path(), "plain", &options)).unwrap();
        assert_eq!(episode.files(), vec![AUDIO[1]]);
    }

    #[test]
    fn missing_audio_is_a_clear_error() {
        let dir = tempfile::tempdir().unwrap();
        let options = test_support::Options { mp3: false, wav: false, ..Default::default() };
        let path = test_support::write(dir.path(), "silent", &options);
        let message = Episode::read(&path).unwrap_err().to_string();
        assert!(
            message
                .ends_with("silent: not a publishable episode: no episode audio (episode.mp3 or episode.wav); run `narrate build` first"),
            "{message}"
        );
    }

    #[test]
    fn description_falls_back_to_first_body_turn() {
        let dir = tempfile::tempdir().unwrap();
        let options = test_support::Options { intro: false, ..Default::default() };
        let episode = Episode::read(&test_support::write(dir.path(), "e", &options)).unwrap();
        assert_eq!(episode.description(), "How did it begin?");
    }

    #[test]
    fn slugs_must_be_single_url_segments() {
        assert!(is_valid_slug("风电-2024"));
        for bad in ["", ".", "..", ".hidden", "a/b", "a\\b"] {
            assert!(!is_valid_slug(bad), "{bad}");
        }
    }
}
