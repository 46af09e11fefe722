//! The files of a built episode as other people's tools read them: ffprobe for the MP3 and
//! its chapters, webvtt-py for the transcript.

mod common;

use narrate::mix::{Chapter, Cues};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn build(fixture: &str, out: &Path) -> PathBuf {
    let output = common::narrate(&["build", fixture, "--out", out.to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    out.join(Path::new(fixture).file_stem().unwrap())
}

fn ffprobe(path: &Path, what: &str) -> Value {
    let output = Command::new("ffprobe")
        .args(["-v", "error", "-of", "json", what])
        .arg(path)
        .output()
        .expect("ffprobe runs (make setup installs ffmpeg)");
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn mp3_has_the_wav_duration_and_the_chapters() {
    let out = tempfile::tempdir().unwrap();
    let dir = build("tests/fixtures/interview-zh-bold.md", out.path());
    let mp3 = dir.join("episode.mp3");
    let format = ffprobe(&mp3, "-show_streams");
    assert_eq!(format["streams"][0]["codec_name"], "mp3");
    let mp3_secs: f64 = format["streams"][0]["duration"].as_str().unwrap().parse().unwrap();
    let wav = narrate::audio::read_wav(&dir.join("episode.wav")).unwrap();
    assert!((mp3_secs - wav.duration()).abs() <= 0.5, "mp3 {mp3_secs} s, wav {} s", wav.duration());

    let cues: Cues = serde_json::from_slice(&std::fs::read(dir.join("cues.json")).unwrap()).unwrap();
    let script = narrate::load_script(&dir.join("script.json")).unwrap();
    let expected: Vec<Chapter> = narrate::mix::chapters(&script, &cues);
    let titles: Vec<&str> = expected.iter().map(|c| c.title.as_str()).collect();
    assert_eq!(titles, vec![script.title.as_str(), "河流与城市", "这个项目最初是怎么提出的？", "未来的计划", "接下来还有哪些计划？"]);
    let chapters = ffprobe(&mp3, "-show_chapters");
    let found = chapters["chapters"].as_array().unwrap();
    assert_eq!(found.len(), expected.len());
    for (chapter, want) in found.iter().zip(&expected) {
        assert_eq!(chapter["tags"]["title"], want.title.as_str());
        let start: f64 = chapter["start_time"].as_str().unwrap().parse().unwrap();
        assert!((start - want.start).abs() <= 0.05, "{}: {start} vs {}", want.title, want.start);
    }
    let json: Value = serde_json::from_slice(&std::fs::read(dir.join("chapters.json")).unwrap()).unwrap();
    assert_eq!(json["chapters"].as_array().unwrap().len(), expected.len());
}

#[test]
fn vtt_transcript_parses_with_increasing_cues_inside_the_episode() {
    let out = tempfile::tempdir().unwrap();
    let dir = build("tests/fixtures/dialogue-en.md", out.path());
    let cues: Cues = serde_json::from_slice(&std::fs::read(dir.join("cues.json")).unwrap()).unwrap();
    let check = r#"
import json, sys, webvtt
cues = [(c.start_in_seconds, c.end_in_seconds, c.voice, c.text) for c in webvtt.read(sys.argv[1])]
print(json.dumps(cues))
"#;
    let output = Command::new(common::test_python()).args(["-c", check]).arg(dir.join("transcript.vtt")).output().unwrap();
    assert!(output.status.success(), "{}", String::from_utf8_lossy(&output.stderr));
    let parsed: Vec<(f64, f64, Option<String>, String)> = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(parsed.len(), cues.sentences.len());
    assert!(parsed.windows(2).all(|w| w[0].0 < w[1].0 && w[0].1 <= w[1].0));
    assert!(parsed.iter().all(|c| c.0 < c.1 && c.1 <= cues.duration));
    assert_eq!(parsed[0].2.as_deref(), Some("Host"));
    assert_eq!(parsed[1].3, "Welcome to the show.");
}

#[test]
fn a_saved_news_page_builds_into_the_same_episode_files() {
    use narrate::export::files;
    let out = tempfile::tempdir().unwrap();
    let dir = build("tests/fixtures/corpus/zh-news-page.html", out.path());
    for kind in [files::MP3, files::WAV, files::VTT, files::SRT, files::CHAPTERS, files::CUES, files::SCRIPT] {
        let path = dir.join(kind.name);
        assert!(path.metadata().map(|m| m.len() > 0).unwrap_or(false), "{} missing or empty", kind.name);
    }
    let script = narrate::load_script(&dir.join("script.json")).unwrap();
    let names: Vec<&str> = script.speakers.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["赵明", "苏婉"]);
    let vtt = std::fs::read_to_string(dir.join("transcript.vtt")).unwrap();
    assert!(vtt.contains("<v 苏婉>") && vtt.contains("<v 赵明>"), "{vtt}");
    for boilerplate in ["广告", "相关阅读", "网友评论", "版权所有", "_hmt"] {
        assert!(!vtt.contains(boilerplate), "page boilerplate {boilerplate:?} reached the transcript");
    }
    let mp3_secs: f64 = ffprobe(&dir.join("episode.mp3"), "-show_streams")["streams"][0]["duration"].as_str().unwrap().parse().unwrap();
    assert!(mp3_secs > 10.0, "{mp3_secs} s");
}
