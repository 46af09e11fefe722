//! Median F0 of WAV files, as the render tests measure it (voiced frames only), so
//! `scripts/zh-eval` can report how much lower the derived guest voice is.
//!
//! cargo run --release --example median_f0 -- FILE.wav...   (prints "HZ FILE" per file)

use narrate::audio::{median_f0, read_wav};
use std::path::Path;
use std::process::ExitCode;

fn main() -> ExitCode {
    let mut status = ExitCode::SUCCESS;
    for file in std::env::args().skip(1) {
        match read_wav(Path::new(&file)) {
            Ok(buffer) => match median_f0(&buffer) {
                Some(f0) => println!("{f0:.1} {file}"),
                None => println!("- {file}"),
            },
            Err(e) => {
                eprintln!("median_f0: {file}: {e}");
                status = ExitCode::FAILURE;
            }
        }
    }
    status
}
