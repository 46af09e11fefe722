//! Bad input: a one-line error naming the file, a non-zero exit, and nothing written.

mod common;

use common::{files_under, narrate, stderr};
use std::path::Path;

/// Runs `narrate build FILE --out DIR` and checks it failed cleanly; returns stderr.
fn build_fails(file: &Path, extra: &[&str]) -> String {
    let out = tempfile::tempdir().unwrap();
    let mut args = vec!["build", file.to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--quiet"];
    args.extend_from_slice(extra);
    let output = narrate(&args);
    let message = stderr(&output);
    assert_eq!(output.status.code(), Some(1), "{message}");
    assert_eq!(message.trim_end().lines().count(), 1, "one line: {message}");
    assert!(message.starts_with("narrate: error: "), "{message}");
    assert!(!message.contains("panicked"), "{message}");
    assert!(files_under(out.path()).is_empty(), "nothing written: {:?}", files_under(out.path()));
    message
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

#[test]
fn missing_file_and_directory() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("nope.txt");
    assert!(build_fails(&missing, &[]).contains("nope.txt"));
    // A folder is a batch of articles; one without any is an error.
    assert!(build_fails(dir.path(), &[]).contains("no .txt, .md, .html or .json files in this folder"));
    let output = narrate(&["script", dir.path().to_str().unwrap()]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("is a directory"));
}

#[test]
fn empty_whitespace_and_binary_files() {
    let dir = tempfile::tempdir().unwrap();
    assert!(build_fails(&write(dir.path(), "empty.txt", b""), &[]).contains("empty.txt: the file is empty"));
    assert!(build_fails(&write(dir.path(), "blank.txt", b"  \n\r\n\t\n"), &[]).contains("blank.txt: the file is empty"));
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00";
    assert!(build_fails(&write(dir.path(), "image.txt", png), &[]).contains("image.txt: looks like binary data"));
    let noise: Vec<u8> = (0..4096u32).map(|i| (i.wrapping_mul(2654435761) >> 13) as u8 | 0x80).collect();
    assert!(build_fails(&write(dir.path(), "noise.txt", &noise), &[]).contains("noise.txt"));
}

#[test]
fn text_with_nothing_to_speak() {
    let dir = tempfile::tempdir().unwrap();
    let title = build_fails(&write(dir.path(), "title.md", "# 风电项目专访\n".as_bytes()), &[]);
    assert!(title.contains("title.md: nothing to narrate (only the title \"风电项目专访\")"), "{title}");
    let labels = build_fails(&write(dir.path(), "labels.md", "**澎湃新闻：**\n\n**张霄：**\n".as_bytes()), &[]);
    assert!(labels.contains("labels.md: nothing to narrate"), "{labels}");
}

#[test]
fn broken_and_inconsistent_script_json() {
    let dir = tempfile::tempdir().unwrap();
    let broken = write(dir.path(), "broken.json", b"{\n  \"title\": \"x\",\n  \"turns\": [\n");
    assert!(build_fails(&broken, &[]).contains("broken.json: line 4"));
    let script = narrate::load_script(Path::new("tests/fixtures/dialogue-en.md")).unwrap();
    let mut json: serde_json::Value = serde_json::to_value(&script).unwrap();
    json["turns"][1]["speaker"] = "nobody".into();
    let unknown = write(dir.path(), "unknown.json", json.to_string().as_bytes());
    assert!(build_fails(&unknown, &[]).contains("turn 2: unknown speaker 'nobody'"));
}

#[test]
fn unknown_voice_and_bad_options() {
    let fixture = Path::new("tests/fixtures/dialogue-en.md");
    assert!(build_fails(fixture, &["--voice", "guest=no-such-voice"]).contains("unknown voice 'no-such-voice'"));
    assert!(build_fails(fixture, &["--pause", "speaker=lots"]).contains("not a number"));
    let unknown = build_fails(fixture, &["--voice", "guset=en-guest"]);
    assert!(unknown.contains("unknown role or speaker 'guset'") && unknown.contains("valid: host, guest, narrator"), "{unknown}");
    let usage = narrate(&["build", "tests/fixtures/dialogue-en.md", "--voice", "guest"]);
    assert_eq!(usage.status.code(), Some(2));
    for loudness in ["nan", "-3", "-90"] {
        let usage = narrate(&["build", "tests/fixtures/dialogue-en.md", "--loudness", loudness]);
        assert_eq!(usage.status.code(), Some(2), "--loudness {loudness}");
        assert!(stderr(&usage).contains("expected a loudness in LUFS from -40 to -9"), "{}", stderr(&usage));
    }
}

#[test]
fn script_command_reports_bad_input_the_same_way() {
    let output = narrate(&["script", "tests/fixtures/does-not-exist.txt"]);
    assert_eq!(output.status.code(), Some(1));
    assert!(stderr(&output).contains("does-not-exist.txt"));
}

#[test]
fn offline_build_without_the_voice_package_says_how_to_install_it() {
    let store = tempfile::tempdir().unwrap();
    let message = build_fails(
        Path::new("tests/fixtures/prose-zh.txt"),
        &["--offline", "--store", store.path().to_str().unwrap()],
    );
    assert!(message.contains("narrate voices install zh-baker"), "{message}");
    assert_eq!(std::fs::read_dir(store.path()).unwrap().count(), 0);
}

#[test]
fn lexicon_errors_say_what_is_wrong_with_the_entry() {
    let dir = tempfile::tempdir().unwrap();
    let article = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/prose-zh.txt");
    let lexicon = write(dir.path(), "words.toml", "[words]\n\"张霄\" = \"zhang1 xiao1\"\n\"托卡耶夫\" = \"tuo1 ka9 ye1 fu1\"\n".as_bytes());
    let message = build_fails(&article, &["--lexicon", lexicon.to_str().unwrap()]);
    assert!(message.contains("words.toml: line 3:") && message.contains("托卡耶夫") && message.contains("ka9"), "{message}");
    assert!(!message.contains("not available"), "{message}");
    let lexicon = write(dir.path(), "latin.toml", b"[words]\nCEO = \"xi1 yi1 ou1\"\n");
    let message = build_fails(&article, &["--lexicon", lexicon.to_str().unwrap()]);
    assert!(message.contains("latin.toml: line 2:") && message.contains("Chinese characters"), "{message}");
    let message = build_fails(&article, &["--lexicon", dir.path().join("none.toml").to_str().unwrap()]);
    assert!(message.contains("none.toml: cannot read the lexicon"), "{message}");
}

/// `narrate script … | head -1`: the reader closing the pipe ends narrate quietly, the way
/// it ends other Unix tools, never with a panic.
#[test]
fn script_piped_into_a_reader_that_stops_early() {
    use std::io::{BufRead, BufReader};
    use std::os::unix::process::ExitStatusExt;
    let dir = tempfile::tempdir().unwrap();
    let paragraphs: String = (0..3000).map(|i| format!("Paragraph {i} of a long article.\n\n")).collect();
    let article = write(dir.path(), "long.md", paragraphs.as_bytes());
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_narrate"))
        .args(["script", "--explain"])
        .arg(&article)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap()).read_line(&mut first).unwrap();
    assert!(first.contains("source paragraphs"), "{first}");
    let output = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(output.status.success() || output.status.signal() == Some(13), "{:?}", output.status);
}
