//! A Piper voice's `.onnx.json`: sample rate, espeak-ng voice, default noise and length
//! scales, the phoneme → id map and the speaker count.

use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;

#[derive(Debug, Deserialize)]
pub struct VoiceConfig {
    pub audio: AudioConfig,
    #[serde(default)]
    pub espeak: Option<EspeakConfig>,
    #[serde(default)]
    pub inference: InferenceConfig,
    #[serde(default)]
    pub phoneme_type: Option<String>,
    pub phoneme_id_map: HashMap<String, Vec<usize>>,
    #[serde(default = "one")]
    pub num_speakers: usize,
    /// Multi-speaker voices: speaker names (the training set's labels) → speaker number.
    #[serde(default)]
    pub speaker_id_map: HashMap<String, usize>,
    #[serde(default)]
    pub language: Option<LanguageConfig>,
}

#[derive(Debug, Deserialize)]
pub struct AudioConfig {
    pub sample_rate: u32,
}

#[derive(Debug, Deserialize)]
pub struct EspeakConfig {
    pub voice: String,
}

#[derive(Debug, Deserialize)]
pub struct InferenceConfig {
    #[serde(default = "default_noise_scale")]
    pub noise_scale: f32,
    #[serde(default = "unity")]
    pub length_scale: f32,
    #[serde(default = "default_noise_w")]
    pub noise_w: f32,
}

#[derive(Debug, Deserialize)]
pub struct LanguageConfig {
    /// "en", "de", …
    #[serde(default)]
    pub family: Option<String>,
}

/// Piper's defaults when a config leaves them out.
fn default_noise_scale() -> f32 {
    0.667
}
fn default_noise_w() -> f32 {
    0.8
}
fn unity() -> f32 {
    1.0
}
fn one() -> usize {
    1
}

impl Default for InferenceConfig {
    fn default() -> Self {
        InferenceConfig { noise_scale: default_noise_scale(), length_scale: unity(), noise_w: default_noise_w() }
    }
}

impl VoiceConfig {
    pub fn read(path: &Path) -> Result<Self, String> {
        let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let config: VoiceConfig = serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))?;
        match config.phoneme_type.as_deref() {
            None | Some("espeak") => {}
            Some(other) => return Err(format!("{}: phoneme_type '{other}' is not supported (only espeak)", path.display())),
        }
        if config.espeak.is_none() {
            return Err(format!("{}: no espeak voice given", path.display()));
        }
        Ok(config)
    }

    /// The espeak-ng voice that phonemizes for this model.
    pub fn espeak_voice(&self) -> &str {
        self.espeak.as_ref().map_or("en-us", |e| e.voice.as_str())
    }

    /// `phoneme_id_map` keyed by character (keys are single code points).
    pub fn id_map(&self) -> Result<HashMap<char, Vec<usize>>, String> {
        self.phoneme_id_map
            .iter()
            .map(|(k, v)| {
                let mut chars = k.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) => Ok((c, v.clone())),
                    _ => Err(format!("phoneme_id_map key {k:?} is not one character")),
                }
            })
            .collect()
    }
}
