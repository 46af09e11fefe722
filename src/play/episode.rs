//! What `narrate play` was pointed at: an audio file, or an episode folder holding
//! `episode.mp3` or `episode.wav`; and the script and cues beside it, when they are there.

use crate::export::files::{AUDIO, CUES, SCRIPT};
use crate::mix::Cues;
use crate::script::Script;
use crate::{Error, Result};
use std::path::{Path, PathBuf};


#[derive(Debug)]
pub struct EpisodeFiles {
    pub audio: PathBuf,
    pub script: Option<Script>,
    pub cues: Option<Cues>,
}

/// Finds the audio for `target` and reads the script and cues next to it.
pub fn locate(target: &Path) -> Result<EpisodeFiles> {
    let metadata = std::fs::metadata(target).map_err(Error::io(target))?;
    let (audio, folder) = if metadata.is_dir() {
        let audio = AUDIO
            .iter()
            .map(|kind| target.join(kind.name))
            .find(|path| path.is_file())
            .ok_or_else(|| Error::Usage(format!("{}: no episode.mp3 or episode.wav in this folder", target.display())))?;
        (audio, target.to_path_buf())
    } else {
        let folder = target.parent().map_or_else(PathBuf::new, Path::to_path_buf);
        (target.to_path_buf(), folder)
    };
    let script_path = folder.join(SCRIPT.name);
    let script = if script_path.is_file() { Some(Script::from_json_file(&script_path)?) } else { None };
    let cues = read_cues(&folder.join(CUES.name))?;
    Ok(EpisodeFiles { audio, script, cues })
}

fn read_cues(path: &Path) -> Result<Option<Cues>> {
    if !path.is_file() {
        return Ok(None);
    }
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    serde_json::from_str(&text).map(Some).map_err(|e| Error::Parse {
        path: path.into(),
        line: e.line(),
        message: format!("column {}: {e}", e.column()),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_folder_prefers_mp3_over_wav() {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::write(dir.path().join("episode.wav"), b"RIFF").expect("write");
        assert_eq!(locate(dir.path()).expect("wav found").audio, dir.path().join("episode.wav"));
        std::fs::write(dir.path().join("episode.mp3"), b"ID3").expect("write");
        let files = locate(dir.path()).expect("mp3 found");
        assert_eq!(files.audio, dir.path().join("episode.mp3"));
        assert!(files.script.is_none() && files.cues.is_none());
    }

    #[test]
    fn a_file_is_played_as_given_with_its_neighbours() {
        let dir = tempfile::tempdir().expect("temp dir");
        let audio = dir.path().join("take2.wav");
        std::fs::write(&audio, b"RIFF").expect("write");
        std::fs::write(dir.path().join("cues.json"), r#"{"duration":1.0,"sample_rate":8000,"turns":[],"sentences":[]}"#).expect("write");
        let files = locate(&audio).expect("file found");
        assert_eq!(files.audio, audio);
        assert_eq!(files.cues.map(|c| c.duration), Some(1.0));
    }

    #[test]
    fn explains_what_is_missing_or_broken() {
        let dir = tempfile::tempdir().expect("temp dir");
        let empty = locate(dir.path()).expect_err("no audio").to_string();
        assert!(empty.ends_with("no episode.mp3 or episode.wav in this folder"), "{empty}");
        let missing = locate(&dir.path().join("nope.mp3")).expect_err("missing").to_string();
        assert!(missing.contains("nope.mp3"), "{missing}");
        std::fs::write(dir.path().join("episode.wav"), b"RIFF").expect("write");
        std::fs::write(dir.path().join("cues.json"), "{").expect("write");
        let broken = locate(dir.path()).expect_err("bad cues").to_string();
        assert!(broken.contains("cues.json: line 1"), "{broken}");
    }
}
