//! The show folder's layout, and placing files into its public part.

use super::episode::{FileKind, PUBLISHED_FILES};
use crate::{Error, Result};
use std::path::{Path, PathBuf};

pub const CATALOG_FILE: &str = "catalog.json";
pub const PUBLIC_DIR: &str = "public";
pub const FEED_FILE: &str = "feed.xml";
pub const EPISODES_DIR: &str = "episodes";
pub const PAGE_FILE: &str = "index.html";

/// Where a show's files are, given its show.toml (see the module documentation of `feed`).
pub struct Layout {
    pub show_dir: PathBuf,
    pub public: PathBuf,
}

impl Layout {
    pub fn of(show_path: &Path) -> Layout {
        let show_dir = show_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new(".")).to_path_buf();
        let public = show_dir.join(PUBLIC_DIR);
        Layout { show_dir, public }
    }

    pub fn catalog(&self) -> PathBuf {
        self.show_dir.join(CATALOG_FILE)
    }

    pub fn feed(&self) -> PathBuf {
        self.public.join(FEED_FILE)
    }

    pub fn page(&self) -> PathBuf {
        self.public.join(PAGE_FILE)
    }

    pub fn episode_dir(&self, slug: &str) -> PathBuf {
        self.public.join(EPISODES_DIR).join(slug)
    }
}

/// Whether an episode's public folder holds a file publishing manages that the episode no
/// longer has.
pub fn has_stale(dir: &Path, keep: &[FileKind]) -> bool {
    PUBLISHED_FILES.iter().filter(|k| !keep.contains(k)).any(|kind| dir.join(kind.name).exists())
}

/// Removes from an episode's public folder the files publishing manages that the episode
/// no longer has (say, a transcript dropped since the last publication). Other files stay.
pub fn remove_stale(dir: &Path, keep: &[FileKind]) -> Result<()> {
    for kind in PUBLISHED_FILES.iter().filter(|k| !keep.contains(k)) {
        let path = dir.join(kind.name);
        match std::fs::remove_file(&path) {
            Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(Error::io(path)(e)),
            _ => {}
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::episode::{AUDIO, VTT};

    #[test]
    fn layout_of_a_bare_file_name_is_the_current_folder() {
        let layout = Layout::of(Path::new("show.toml"));
        assert_eq!(layout.catalog(), Path::new("./catalog.json"));
        assert_eq!(layout.feed(), Path::new("./public/feed.xml"));
        assert_eq!(layout.episode_dir("a"), Path::new("./public/episodes/a"));
    }

    #[test]
    fn prunes_only_the_files_it_manages() {
        let dir = tempfile::tempdir().unwrap();
        let out = dir.path();
        for name in ["episode.mp3", "transcript.vtt", "transcript.srt", "notes.txt"] {
            std::fs::write(out.join(name), "x").unwrap();
        }
        assert!(has_stale(out, &[AUDIO[0], VTT]));
        remove_stale(out, &[AUDIO[0], VTT]).unwrap();
        assert!(!has_stale(out, &[AUDIO[0], VTT]));
        let mut names: Vec<_> = std::fs::read_dir(out).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
        names.sort();
        assert_eq!(names, ["episode.mp3", "notes.txt", "transcript.vtt"]);
    }
}
