//! `narrate play` as a caller sees it: bad targets and options fail with one line before
//! any audio device is touched, and a missing device is an error, never a panic.

use narrate::audio::{self, Buffer};
use narrate::play::{PlayOptions, play};
use std::path::Path;

/// A short silent episode: harmless to play on a machine that has speakers.
fn silent_episode(dir: &Path) -> std::path::PathBuf {
    let path = dir.join("episode.wav");
    let file = std::fs::File::create(&path).expect("create wav");
    audio::write_wav(&Buffer::silence(8_000, 0.2), std::io::BufWriter::new(file)).expect("write wav");
    path
}

#[test]
fn a_folder_without_audio_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    let error = play(dir.path(), PlayOptions::default()).expect_err("no audio");
    assert!(error.to_string().ends_with("no episode.mp3 or episode.wav in this folder"), "{error}");
}

#[test]
fn a_start_past_the_end_is_refused() {
    let dir = tempfile::tempdir().expect("temp dir");
    silent_episode(dir.path());
    let error = play(dir.path(), PlayOptions { from: Some(60.0), chapter: None }).expect_err("past the end");
    assert_eq!(error.to_string(), "--from 1:00 is past the end of the episode (0:00)");
}

#[test]
fn chapters_need_a_script_and_cues() {
    let dir = tempfile::tempdir().expect("temp dir");
    silent_episode(dir.path());
    let error = play(dir.path(), PlayOptions { from: None, chapter: Some(2) }).expect_err("no chapters");
    assert!(error.to_string().contains("no chapters"), "{error}");
}

#[test]
fn plays_or_says_there_is_no_device() {
    let dir = tempfile::tempdir().expect("temp dir");
    let episode = silent_episode(dir.path());
    match play(&episode, PlayOptions::default()) {
        Ok(()) => {}
        Err(error) => assert_eq!(error.to_string(), "no audio output device available"),
    }
}
