//! Voice profiles: one TOML file per voice in the voices folder, naming the engine, the
//! engine's own voice, the language and the speaking parameters. Adding a voice is adding
//! a file.

use crate::error::{Error, Result};
use crate::Language;
use serde::Deserialize;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct VoiceProfile {
    /// The file's stem; how casts and `--voice` refer to the voice.
    #[serde(skip)]
    pub name: String,
    /// Registered engine name (`espeak-ng`, …).
    pub engine: String,
    /// The engine's own voice identifier (`en-us+f3` for espeak-ng).
    pub voice: String,
    pub language: Language,
    /// Speaking rate relative to the engine's default (1.0).
    #[serde(default = "unity")]
    pub speed: f32,
    /// Pitch relative to the engine's default (1.0).
    #[serde(default = "unity")]
    pub pitch: f32,
    /// Formant (spectral envelope) position relative to the engine's voice: below 1 sounds
    /// like a larger speaker. Used by zh-baker's derived voices.
    #[serde(default = "unity")]
    pub formant: f32,
    /// Longest text handed to the engine in one call; longer sentences are split at
    /// clause punctuation. Neural voices trained on short sentences need this.
    #[serde(default)]
    pub max_chars: Option<usize>,
    /// Speaker number of a multi-speaker Piper voice.
    #[serde(default)]
    pub speaker: Option<usize>,
    /// Piper voices: spread of the prior sample (delivery variation); the voice's
    /// `.onnx.json` value when not set.
    #[serde(default)]
    pub noise_scale: Option<f32>,
    /// Piper voices: spread of the duration noise (timing variation); the voice's
    /// `.onnx.json` value when not set.
    #[serde(default)]
    pub noise_w: Option<f32>,
    #[serde(default)]
    pub description: String,
}

fn unity() -> f32 {
    1.0
}

/// Every voice profile found in a voices folder, sorted by name.
#[derive(Clone, Debug)]
pub struct VoiceCatalog {
    pub dir: PathBuf,
    pub voices: Vec<VoiceProfile>,
}

impl VoiceCatalog {
    /// Reads `dir/*.toml`.
    pub fn load(dir: &Path) -> Result<VoiceCatalog> {
        let entries = std::fs::read_dir(dir).map_err(Error::io(dir))?;
        let mut voices = Vec::new();
        for entry in entries {
            let path = entry.map_err(Error::io(dir))?.path();
            if path.extension().is_some_and(|e| e == "toml") && path.is_file() {
                voices.push(read_profile(&path)?);
            }
        }
        voices.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(VoiceCatalog { dir: dir.into(), voices })
    }

    pub fn get(&self, name: &str) -> Result<&VoiceProfile> {
        self.voices.iter().find(|v| v.name == name).ok_or_else(|| Error::UnknownVoice { name: name.into() })
    }
}

fn read_profile(path: &Path) -> Result<VoiceProfile> {
    let text = std::fs::read_to_string(path).map_err(Error::io(path))?;
    let mut profile: VoiceProfile =
        toml::from_str(&text).map_err(|e| Error::VoiceFile { path: path.into(), message: one_line(&e.to_string()) })?;
    profile.name = path.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    if !(0.25..=4.0).contains(&profile.speed) || !(0.25..=4.0).contains(&profile.pitch) {
        return Err(Error::VoiceFile { path: path.into(), message: "speed and pitch must be between 0.25 and 4.0".into() });
    }
    if [profile.noise_scale, profile.noise_w].into_iter().flatten().any(|n| !(0.0..=2.0).contains(&n)) {
        return Err(Error::VoiceFile { path: path.into(), message: "noise_scale and noise_w must be between 0 and 2".into() });
    }
    if !(0.8..=1.25).contains(&profile.formant) {
        return Err(Error::VoiceFile { path: path.into(), message: "formant must be between 0.8 and 1.25".into() });
    }
    Ok(profile)
}

/// TOML errors span several lines with a code excerpt; users get the first line.
pub(crate) fn one_line(message: &str) -> String {
    message.lines().filter(|l| !l.trim().is_empty()).map(str::trim).collect::<Vec<_>>().join(" ")
}

impl VoiceCatalog {
    /// Where voices are looked for when `--voices` is not given: `$NARRATE_VOICES`, else
    /// `./voices` when it holds a default cast, else the folder shipped with the source.
    pub fn default_dir() -> PathBuf {
        if let Some(dir) = std::env::var_os("NARRATE_VOICES") {
            return dir.into();
        }
        let local = Path::new("voices");
        if local.join("casts/default.toml").is_file() {
            return local.into();
        }
        Path::new(env!("CARGO_MANIFEST_DIR")).join("voices")
    }

    /// The default cast file inside this catalog's folder.
    pub fn default_cast(&self) -> PathBuf {
        self.dir.join("casts/default.toml")
    }
}
