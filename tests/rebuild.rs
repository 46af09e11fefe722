//! Rebuilds reuse cached segments, edits re-synthesize only what changed, the worker count
//! does not change the audio, and batch builds carry on past bad files.

mod common;

use common::{files_under, narrate, stderr};
use std::path::Path;

/// Builds with `--timings` and returns (synthesized, from cache).
fn build_counting(input: &Path, out: &Path, cache: &Path, extra: &[&str]) -> (usize, usize) {
    let mut args = vec!["build", input.to_str().unwrap(), "--out", out.to_str().unwrap(), "--cache", cache.to_str().unwrap()];
    args.extend_from_slice(&["--quiet", "--timings", "--format", "wav"]);
    args.extend_from_slice(extra);
    let output = narrate(&args);
    assert!(output.status.success(), "{}", stderr(&output));
    let report = String::from_utf8_lossy(&output.stdout);
    let line = report.lines().find(|l| l.starts_with("synthesis")).expect("timings");
    let number_before = |word: &str| -> usize {
        let at = line.find(word).unwrap();
        line[..at].split_whitespace().last().unwrap().trim_start_matches(';').parse().unwrap()
    };
    (number_before(" synthesized"), number_before(" from cache"))
}

#[test]
fn warm_rebuild_and_one_edited_turn() {
    let dir = tempfile::tempdir().unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let input = Path::new("tests/fixtures/dialogue-en.md");
    let (cold, _) = build_counting(input, &out, &cache, &[]);
    assert!(cold > 0);
    // Into another folder: every segment comes from the cache.
    assert_eq!(build_counting(input, &dir.path().join("elsewhere"), &cache, &[]), (0, cold));
    // Into the same folder with nothing changed: nothing to do at all.
    let wav = out.join("dialogue-en/episode.wav");
    let written = std::fs::metadata(&wav).unwrap().modified().unwrap();
    assert_eq!(build_counting(input, &out, &cache, &[]), (0, 0));
    assert_eq!(std::fs::metadata(&wav).unwrap().modified().unwrap(), written);

    let script_path = out.join("dialogue-en/script.json");
    let mut script: serde_json::Value = serde_json::from_slice(&std::fs::read(&script_path).unwrap()).unwrap();
    script["turns"][2]["text"] = "I came to talk about the river. It is clean again.".into();
    let edited = dir.path().join("dialogue-en.json");
    std::fs::write(&edited, script.to_string()).unwrap();
    // The edited answer has two sentences; only the changed one is new.
    assert_eq!(build_counting(&edited, &out, &cache, &[]), (1, cold - 1));
}

#[test]
fn neural_voice_gives_the_same_samples_with_one_or_two_workers() {
    let dir = tempfile::tempdir().unwrap();
    let input = Path::new("tests/fixtures/prose-zh.txt");
    for jobs in ["1", "2"] {
        build_counting(input, &dir.path().join(jobs), &dir.path().join(format!("cache{jobs}")), &["--jobs", jobs]);
    }
    let one = std::fs::read(dir.path().join("1/prose-zh/episode.wav")).unwrap();
    let two = std::fs::read(dir.path().join("2/prose-zh/episode.wav")).unwrap();
    assert!(one == two, "episodes differ");
}

#[test]
fn corrupt_cache_entries_are_synthesized_again() {
    let dir = tempfile::tempdir().unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let input = Path::new("tests/fixtures/prose-en.txt");
    let (cold, _) = build_counting(input, &out, &cache, &[]);
    let entry = common::files_under(&cache).into_iter().find(|p| p.extension().is_some_and(|e| e == "seg")).unwrap();
    let bytes = std::fs::read(&entry).unwrap();
    std::fs::write(&entry, &bytes[..bytes.len() / 2]).unwrap();
    // Into a new folder, so the build is not simply up to date.
    assert_eq!(build_counting(input, &dir.path().join("again"), &cache, &[]), (1, cold - 1));
}

#[test]
fn batch_build_carries_on_past_a_bad_file() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join("articles");
    std::fs::create_dir(&inputs).unwrap();
    std::fs::copy("tests/fixtures/prose-en.txt", inputs.join("a.txt")).unwrap();
    std::fs::write(inputs.join("b.txt"), b"").unwrap();
    std::fs::copy("tests/fixtures/dialogue-en.md", inputs.join("c.md")).unwrap();
    let out = dir.path().join("out");
    let output = narrate(&["build", inputs.to_str().unwrap(), "--out", out.to_str().unwrap(), "--quiet", "--format", "wav"]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("b.txt: the file is empty"), "{message}");
    assert!(message.contains("1 of 3 builds failed"), "{message}");
    assert!(out.join("a/episode.wav").is_file() && out.join("c/episode.wav").is_file());
    assert!(!out.join("b").exists());
}

#[test]
fn ctrl_c_stops_cleanly_and_the_rerun_resumes() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("long.txt");
    let paragraph = "The river ran past the old mill, and the miller counted the boats that came down from the hills. ";
    std::fs::write(&article, (0..40).map(|_| paragraph.repeat(2)).collect::<Vec<_>>().join("\n\n")).unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_narrate"))
        .args(["build", article.to_str().unwrap(), "--out", out.to_str().unwrap(), "--cache", cache.to_str().unwrap(), "--quiet"])
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(1500));
    let sent = std::process::Command::new("kill").args(["-INT", &child.id().to_string()]).status().unwrap();
    assert!(sent.success());
    let output = child.wait_with_output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    assert!(String::from_utf8_lossy(&output.stderr).contains("interrupted"));
    assert!(common::files_under(&out).is_empty(), "no partial output: {:?}", common::files_under(&out));
    let (synthesized, cached) = build_counting(&article, &out, &cache, &[]);
    assert!(cached > 0, "the interrupted run's segments are reused");
    assert_eq!(synthesized + cached, 80);
}

#[test]
fn encoded_mp3_is_reused_and_cache_stats_count_it() {
    let dir = tempfile::tempdir().unwrap();
    let cache = dir.path().join("cache");
    let input = "tests/fixtures/dialogue-en.md";
    let cache_arg = cache.to_str().unwrap();
    for folder in ["a", "b"] {
        let out = dir.path().join(folder);
        let output = narrate(&["build", input, "--out", out.to_str().unwrap(), "--cache", cache_arg, "--quiet", "--format", "mp3"]);
        assert!(output.status.success(), "{}", stderr(&output));
    }
    let mp3 = |folder: &str| std::fs::read(dir.path().join(folder).join("dialogue-en/episode.mp3")).unwrap();
    assert!(mp3("a") == mp3("b"), "the same audio gives the same MP3");
    // The stream really comes from the cache: swap the cached one for a marked copy.
    let entry = files_under(&cache).into_iter().find(|p| p.extension().is_some_and(|e| e == "mp3")).expect("a cached stream");
    let key = entry.file_stem().unwrap().to_str().unwrap().to_owned();
    let store = narrate::cache::SegmentCache::new(cache.clone());
    let mut marked = store.get_stream(&key).expect("intact");
    marked.extend_from_slice(b"from the cache");
    store.put_stream(&key, &marked).unwrap();
    let out = dir.path().join("c");
    let output = narrate(&["build", input, "--out", out.to_str().unwrap(), "--cache", cache_arg, "--quiet", "--format", "mp3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(mp3("c").ends_with(b"from the cache"));
    let cache_says = |action: &str| {
        let output = narrate(&["cache", action, "--cache", cache_arg]);
        assert!(output.status.success(), "{}", stderr(&output));
        String::from_utf8_lossy(&output.stdout).into_owned()
    };
    let stats = cache_says("stats");
    assert!(stats.contains(" segments and 1 encoded MP3 streams"), "{stats}");
    assert!(cache_says("clear").contains("removed"));
    assert!(cache_says("stats").contains("holds 0 segments and 0 encoded MP3 streams"));
}

