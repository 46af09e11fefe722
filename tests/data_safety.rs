//! narrate never loses a user's files: `cache clear` only empties a narrate cache, an
//! episode folder is replaced whole or not at all, a batch never builds two inputs into one
//! folder, a hand-edited script.json is not overwritten unasked, and unwritable folders are
//! reported before synthesis, and a build says up front how long the episode will be.

mod common;

use common::{files_under, narrate, stderr};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

const ARTICLE: &str = "tests/fixtures/dialogue-en.md";

fn build(args: &[&str]) -> Output {
    let mut all = vec!["build"];
    all.extend_from_slice(args);
    all.push("--quiet");
    narrate(&all)
}

fn text(path: &Path) -> &str {
    path.to_str().unwrap()
}

/// File names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir).unwrap().map(|e| e.unwrap().file_name().into_string().unwrap()).collect();
    names.sort();
    names
}

/// Every file under `dir` with the SHA-256 of its bytes.
fn snapshot(dir: &Path) -> Vec<(PathBuf, String)> {
    use sha2::{Digest, Sha256};
    let digest = |p: &Path| Sha256::digest(std::fs::read(p).unwrap()).iter().map(|b| format!("{b:02x}")).collect();
    let mut files: Vec<_> = files_under(dir).into_iter().map(|p| (p.clone(), digest(&p))).collect();
    files.sort();
    files
}

#[test]
fn cache_clear_refuses_folders_that_are_not_a_narrate_cache() {
    let dir = tempfile::tempdir().unwrap();
    let victim = dir.path().join("victim");
    std::fs::create_dir(&victim).unwrap();
    std::fs::write(victim.join("notes.txt"), "my notes").unwrap();
    let refused = |output: Output| {
        assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
        let message = stderr(&output);
        assert!(message.contains("not a narrate cache") && message.contains("nothing was removed"), "{message}");
        assert_eq!(std::fs::read_to_string(victim.join("notes.txt")).unwrap(), "my notes");
    };
    refused(narrate(&["cache", "clear", "--cache", text(&victim)]));
    // `--cache .` in a project, and NARRATE_CACHE pointing at a home folder.
    let run = |cwd: &Path, env: Option<&Path>, args: &[&str]| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_narrate"));
        command.current_dir(cwd).args(args);
        if let Some(cache) = env {
            command.env("NARRATE_CACHE", cache);
        }
        command.output().unwrap()
    };
    refused(run(&victim, None, &["cache", "clear", "--cache", "."]));
    refused(run(dir.path(), Some(&victim), &["cache", "clear"]));

    // A cache narrate made is emptied; a file of the user's inside it stops that.
    let cache = dir.path().join("cache");
    let output = build(&[ARTICLE, "--out", text(&dir.path().join("out")), "--cache", text(&cache), "--format", "wav"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let entries = files_under(&cache).len();
    let shard = files_under(&cache).into_iter().find(|p| p.extension().is_some_and(|e| e == "seg")).unwrap();
    let stray = shard.with_file_name("todo.txt");
    std::fs::write(&stray, "keep me").unwrap();
    let output = narrate(&["cache", "clear", "--cache", text(&cache)]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("todo.txt"), "{}", stderr(&output));
    assert_eq!(files_under(&cache).len(), entries + 1, "nothing removed");
    std::fs::remove_file(&stray).unwrap();
    let output = narrate(&["cache", "clear", "--cache", text(&cache)]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(names(&cache), ["CACHEDIR.TAG"]);
}

#[test]
fn a_rebuild_replaces_the_episode_folder_whole() {
    let dir = tempfile::tempdir().unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&cache)]);
    assert!(output.status.success(), "{}", stderr(&output));
    let episode = out.join("dialogue-en");
    assert!(episode.join("episode.wav").is_file());
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&cache), "--format", "mp3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let expected = [".narrate-build.json", "chapters.json", "cues.json", "episode.mp3", "script.json", "transcript.srt", "transcript.vtt"];
    assert_eq!(names(&episode), expected, "no episode.wav from the earlier build");
    assert_eq!(names(&out), ["dialogue-en"], "no staging folder left");

    // A file narrate did not write in the folder: the rebuild is refused and it stays.
    std::fs::write(episode.join("notes.txt"), "mine").unwrap();
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&cache), "--format", "wav"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("notes.txt"), "{}", stderr(&output));
    assert!(episode.join("notes.txt").is_file() && episode.join("episode.mp3").is_file());
}

#[test]
fn a_build_killed_while_writing_leaves_the_previous_episode_as_it_was() {
    use std::os::unix::process::ExitStatusExt;
    // zh-baker runs inside narrate (espeak-ng, a separate program, refuses to start under
    // a file size limit).
    const ARTICLE: &str = "tests/fixtures/prose-zh.txt";
    let dir = tempfile::tempdir().unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&cache), "--format", "mp3"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let episode = out.join("prose-zh");
    let before = snapshot(&episode);
    let mp3 = std::fs::metadata(episode.join("episode.mp3")).unwrap().len();
    // Rebuilt louder, MP3 first, under a file size limit that the MP3 fits in and the
    // WAV (about 7 times larger) does not: the kernel kills the build (SIGXFSZ) while it
    // writes the WAV, as a full disk or a kill would stop it. (ulimit -f counts blocks of
    // 512 or 1024 bytes depending on the shell; either way the limit is between the sizes.)
    let blocks = (3 * mp3).div_ceil(1024);
    let script = format!(
        "ulimit -f {blocks} && exec \"$0\" build {ARTICLE} --out {} --cache {} --format mp3,wav --loudness -20 --jobs 1 --quiet",
        text(&out),
        text(&cache)
    );
    let killed = Command::new("sh").arg("-c").arg(script).arg(env!("CARGO_BIN_EXE_narrate")).output().unwrap();
    assert_eq!(killed.status.signal(), Some(25), "the size limit kills the build: {}", stderr(&killed));
    assert_eq!(snapshot(&episode), before, "the previous episode is untouched");
    // The next build clears the killed build's leftovers.
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&cache), "--format", "mp3,wav", "--loudness", "-20"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(names(&out), ["prose-zh"]);
    assert!(episode.join("episode.wav").is_file());
}

#[test]
fn a_batch_that_would_build_two_inputs_into_one_folder_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    for (a, b) in [("story.txt", "story.md"), ("x/talk.md", "y/talk.md")] {
        for name in [a, b] {
            let path = dir.path().join(name);
            std::fs::create_dir_all(path.parent().unwrap()).unwrap();
            std::fs::copy("tests/fixtures/prose-en.txt", path).unwrap();
        }
        let out = dir.path().join("out");
        let cache = dir.path().join("cache");
        let (a, b) = (dir.path().join(a), dir.path().join(b));
        let output = build(&[text(&a), text(&b), "--out", text(&out), "--cache", text(&cache)]);
        assert_eq!(output.status.code(), Some(1));
        let message = stderr(&output);
        assert!(message.contains(text(&a)) && message.contains(text(&b)) && message.contains("--out") && message.contains("rename"), "{message}");
        assert!(!out.exists() && !cache.exists(), "refused before any synthesis");
    }
}

#[test]
fn a_hand_edited_script_is_not_overwritten_unasked() {
    let dir = tempfile::tempdir().unwrap();
    let (out, cache) = (dir.path().join("out"), dir.path().join("cache"));
    let common = ["--out", text(&out), "--cache", text(&cache), "--format", "wav"];
    let with = |first: &str, extra: &[&str]| build(&[&[first], &common[..], extra].concat());
    assert!(with(ARTICLE, &[]).status.success());
    let script_path = out.join("dialogue-en/script.json");
    let mut script: serde_json::Value = serde_json::from_slice(&std::fs::read(&script_path).unwrap()).unwrap();
    script["turns"][2]["text"] = "I came to talk about the river, and the fish that came back.".into();
    let edited = serde_json::to_string_pretty(&script).unwrap();
    std::fs::write(&script_path, &edited).unwrap();

    let output = with(ARTICLE, &[]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("edited") && message.contains(&format!("narrate build {}", text(&script_path))) && message.contains("--force"), "{message}");
    assert_eq!(std::fs::read_to_string(&script_path).unwrap(), edited, "the edits are kept");

    // Building the edited script renders it; after that the article builds again only with --force.
    let output = with(text(&script_path), &[]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(std::fs::read_to_string(out.join("dialogue-en/transcript.vtt")).unwrap().contains("the fish that came back"));
    let output = with(ARTICLE, &["--force"]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(!std::fs::read_to_string(&script_path).unwrap().contains("the fish that came back"));
    assert!(with(ARTICLE, &[]).status.success(), "an unedited folder builds as before");
}

#[test]
fn unwritable_output_and_cache_folders_are_reported_before_synthesis() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("a-file");
    std::fs::write(&file, "").unwrap();
    let below_file = file.join("inside");
    let output = build(&[ARTICLE, "--out", text(&below_file), "--cache", text(&dir.path().join("cache"))]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("output folder") && message.contains("not writable") && message.contains("--out"), "{message}");
    assert!(!dir.path().join("cache").exists(), "nothing was synthesized");

    let out = dir.path().join("out");
    let output = build(&[ARTICLE, "--out", text(&out), "--cache", text(&below_file)]);
    assert_eq!(output.status.code(), Some(1));
    let message = stderr(&output);
    assert!(message.contains("cache folder") && message.contains("not writable") && message.contains("--no-cache"), "{message}");
    assert!(files_under(&out).is_empty(), "no episode written");
}

#[test]
fn the_build_states_the_expected_length_up_front() {
    let dir = tempfile::tempdir().unwrap();
    let article = dir.path().join("long.txt");
    let paragraph = "The ferry left the harbour at dawn, and the gulls followed it out past the breakwater. ";
    std::fs::write(&article, (0..12).map(|_| paragraph.repeat(3)).collect::<Vec<_>>().join("\n\n")).unwrap();
    let out = dir.path().join("out");
    let output = narrate(&["build", text(&article), "--out", text(&out), "--cache", text(&dir.path().join("cache")), "--format", "wav", "--timings"]);
    assert!(output.status.success(), "{}", stderr(&output));
    let message = stderr(&output);
    let line = message.lines().find(|l| l.contains("of audio expected")).unwrap_or_else(|| panic!("no estimate: {message}"));
    let seconds = line.split_once("expected (").and_then(|(_, rest)| rest.split_once(" s,")).map(|(n, _)| n);
    let expected: f64 = seconds.and_then(|n| n.parse().ok()).unwrap_or_else(|| panic!("no seconds in: {line}"));
    let report = String::from_utf8_lossy(&output.stdout);
    let actual: f64 = report.lines().find(|l| l.starts_with("episode")).unwrap().split_whitespace().nth(1).unwrap().parse().unwrap();
    assert!((expected / actual - 1.0).abs() < 0.25, "expected {expected} s, built {actual} s");
}
