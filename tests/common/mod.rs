//! Running the `narrate` binary the way a user does.

#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Output};

pub fn narrate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_narrate")).args(args).output().expect("narrate runs")
}

pub fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The Python of the test virtualenv (pinned podcast feed parsers and webvtt-py), which
/// `make test` creates.
pub fn test_python() -> std::path::PathBuf {
    let python = Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv-test/bin/python");
    assert!(python.is_file(), "{} is missing: run `make test`, which creates it", python.display());
    python
}

/// Every file under `dir`, recursively.
pub fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                found.extend(files_under(&path));
            } else {
                found.push(path);
            }
        }
    }
    found
}
