//! What `narrate play` was pointed at: an audio file, or an episode folder holding
//! `episode.mp3` or `episode.wav`; and the script and cues beside it, when they are there.
//! A published episode (`public/episodes/<name>/`) has neither: its chapters come from its
//! chapters.json, or else from the MP3's own ID3 chapter frames.

use crate::export::files::{AUDIO, CHAPTERS, CUES, SCRIPT};
use crate::mix::{Chapter, Cues};
use crate::script::Script;
use crate::{Error, Result};
use std::path::{Path, PathBuf};


#[derive(Debug)]
pub struct EpisodeFiles {
    pub audio: PathBuf,
    pub script: Option<Script>,
    pub cues: Option<Cues>,
    /// Chapters published with the episode (chapters.json, else ID3), in time order.
    pub published_chapters: Vec<Chapter>,
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
    let published_chapters = chapters_json(&folder.join(CHAPTERS.name)).unwrap_or_else(|| id3_chapters(&audio));
    Ok(EpisodeFiles { audio, script, cues, published_chapters })
}

#[derive(serde::Deserialize)]
struct ChaptersFile {
    chapters: Vec<JsonChapter>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase")]
struct JsonChapter {
    start_time: f64,
    #[serde(default)]
    title: String,
    end_time: Option<f64>,
}

/// The chapters of a Podcasting 2.0 chapters file; `None` when there is no readable one.
fn chapters_json(path: &Path) -> Option<Vec<Chapter>> {
    let file: ChaptersFile = serde_json::from_str(&std::fs::read_to_string(path).ok()?).ok()?;
    let mut chapters: Vec<(f64, String, Option<f64>)> = file.chapters.into_iter().map(|c| (c.start_time, c.title, c.end_time)).collect();
    chapters.sort_by(|a, b| a.0.total_cmp(&b.0));
    Some(in_order(chapters))
}

/// The ID3 CHAP frames of an MP3 (none for a WAV or an MP3 without them).
fn id3_chapters(audio: &Path) -> Vec<Chapter> {
    let Ok(tag) = id3::Tag::read_from_path(audio) else { return Vec::new() };
    let mut chapters: Vec<(f64, String, Option<f64>)> = tag
        .chapters()
        .map(|c| {
            let title = c.frames.iter().find(|f| f.id() == "TIT2").and_then(|f| f.content().text()).unwrap_or_default().to_owned();
            (f64::from(c.start_time) / 1000.0, title, Some(f64::from(c.end_time) / 1000.0))
        })
        .collect();
    chapters.sort_by(|a, b| a.0.total_cmp(&b.0));
    in_order(chapters)
}

/// Chapters from (start, title, end) in time order; a missing end is the next start.
fn in_order(chapters: Vec<(f64, String, Option<f64>)>) -> Vec<Chapter> {
    let starts: Vec<f64> = chapters.iter().map(|c| c.0).collect();
    chapters
        .into_iter()
        .enumerate()
        .map(|(i, (start, title, end))| Chapter { title, start, end: end.or(starts.get(i + 1).copied()).unwrap_or(start) })
        .collect()
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
    fn a_published_episode_has_the_chapters_it_was_published_with() {
        use id3::TagLike;
        let dir = tempfile::tempdir().expect("temp dir");
        let mut tag = id3::Tag::new();
        for (i, (start, title)) in [(0u32, "Intro"), (65_500, "Q & A")].into_iter().enumerate() {
            tag.add_frame(id3::frame::Chapter {
                element_id: format!("chp{i}"),
                start_time: start,
                end_time: start + 1000,
                start_offset: u32::MAX,
                end_offset: u32::MAX,
                frames: vec![id3::Frame::text("TIT2", title)],
            });
        }
        let mut mp3 = Vec::new();
        tag.write_to(&mut mp3, id3::Version::Id3v23).expect("tag");
        std::fs::write(dir.path().join("episode.mp3"), mp3).expect("write");
        let from_id3 = locate(dir.path()).expect("found").published_chapters;
        assert_eq!(from_id3.iter().map(|c| (c.start, c.title.as_str())).collect::<Vec<_>>(), [(0.0, "Intro"), (65.5, "Q & A")]);
        // chapters.json, when it is there, is what the feed published.
        std::fs::write(dir.path().join("chapters.json"), r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"A"},{"startTime":12.5,"title":"B"}]}"#)
            .expect("write");
        let from_json = locate(dir.path()).expect("found").published_chapters;
        assert_eq!(from_json.iter().map(|c| (c.start, c.end, c.title.as_str())).collect::<Vec<_>>(), [(0.0, 12.5, "A"), (12.5, 12.5, "B")]);
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
