//! The espeak-ng engine, run as a separate process per utterance: its C library keeps
//! global state and is not thread-safe, while separate processes are independent.

use super::{Synthesizer, VoiceProfile};
use crate::audio::{self, Buffer};
use crate::Language;
use std::io::Write;
use std::process::{Command, Stdio};

pub const NAME: &str = "espeak-ng";
const PROGRAM: &str = "espeak-ng";
/// espeak-ng's default speaking rate (words per minute) and pitch (0–99).
const DEFAULT_WPM: f32 = 175.0;
const DEFAULT_PITCH: f32 = 50.0;
const INSTALL_HINT: &str = "install it with `make setup` (apt-get install espeak-ng)";

pub struct Espeak {
    sample_rate: u32,
}

impl Espeak {
    /// Checks that the program runs and reads its output rate.
    pub fn open() -> Result<Espeak, String> {
        version()?;
        let probe = run("a", "en-us", DEFAULT_WPM as u32, DEFAULT_PITCH as u32)?;
        Ok(Espeak { sample_rate: probe.rate })
    }
}

impl Synthesizer for Espeak {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sample_rate(&self) -> u32 {
        self.sample_rate
    }

    fn languages(&self) -> &[Language] {
        &[Language::En, Language::Zh]
    }

    fn synthesize(&self, text: &str, voice: &VoiceProfile) -> Result<Buffer, String> {
        let wpm = (DEFAULT_WPM * voice.speed).round().clamp(80.0, 450.0) as u32;
        let pitch = (DEFAULT_PITCH * voice.pitch).round().clamp(0.0, 99.0) as u32;
        run(text, &voice.voice, wpm, pitch)
    }
}

fn version() -> Result<String, String> {
    let output = Command::new(PROGRAM).arg("--version").output().map_err(|e| format!("{PROGRAM}: {e}; {INSTALL_HINT}"))?;
    Ok(String::from_utf8_lossy(&output.stdout).trim().to_owned())
}

/// The installed espeak-ng's version line: what it says depends on it.
pub fn fingerprint() -> Result<String, String> {
    version()
}

/// Checks the program and that it knows `voice` (its base name, before any `+variant`).
pub fn check_voice(voice: &str) -> Result<(), String> {
    version()?;
    let base = voice.split('+').next().unwrap_or(voice);
    let output = Command::new(PROGRAM).arg("--voices").output().map_err(|e| e.to_string())?;
    let listing = String::from_utf8_lossy(&output.stdout);
    let known = listing.lines().skip(1).any(|line| line.split_whitespace().nth(1) == Some(base) || line.split_whitespace().nth(4).is_some_and(|file| file.rsplit('/').next() == Some(base)));
    if known {
        Ok(())
    } else {
        Err(format!("espeak-ng has no voice '{base}'"))
    }
}

/// Speaks `text` into a temporary WAV file (a real header, unlike `--stdout`) and reads it.
fn run(text: &str, voice: &str, wpm: u32, pitch: u32) -> Result<Buffer, String> {
    let wav = tempfile::Builder::new().prefix("narrate-espeak").suffix(".wav").tempfile().map_err(|e| e.to_string())?;
    let mut child = Command::new(PROGRAM)
        .args(["-v", voice, "-s", &wpm.to_string(), "-p", &pitch.to_string(), "-w"])
        .arg(wav.path())
        .arg("--stdin")
        .stdin(Stdio::piped())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{PROGRAM}: {e}; {INSTALL_HINT}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(text.as_bytes()).map_err(|e| e.to_string())?;
    }
    let output = child.wait_with_output().map_err(|e| e.to_string())?;
    if !output.status.success() {
        return Err(format!("{PROGRAM} exited with {}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim()));
    }
    audio::read_wav(wav.path()).map_err(|e| e.to_string())
}
