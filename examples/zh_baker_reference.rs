//! Faithfulness gate for the native zh-baker voice: runs both models (as installed in the
//! voice store) on every reference case and compares with the ground-truth outputs in the
//! reference folder (../shared/reference/zh-baker).
//!
//! cargo run --release --example zh_baker_reference -- REFERENCE_DIR
//!
//! Per case: durations must be identical, mel_after max abs error ≤ 0.05 and
//! mean abs error ≤ 0.005, and the vocoder run on the *reference* mel_after
//! must correlate ≥ 0.999 with the reference audio. Exits 1 if any fails.

use std::path::{Path, PathBuf};
use std::process::ExitCode;
use narrate::tts::VoiceStore;
use narrate::tts::zh_baker::{AcousticModel, Controls, PACKAGE, Vocoder};

const MEL_MAX_ABS: f32 = 0.05;
const MEL_MEAN_ABS: f32 = 0.005;
const MIN_AUDIO_CORRELATION: f64 = 0.999;

#[path = "support/npy.rs"]
mod npy;
#[path = "support/check.rs"]
mod check;
use check::correlation;

struct Case {
    tag: String,
    input_ids: Vec<i32>,
    controls: Controls,
}

fn read_cases(reference: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(reference.join("cases.json")).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let cases = json["cases"].as_array().ok_or("cases.json has no cases array")?;
    cases
        .iter()
        .map(|c| {
            let ratio = |key: &str| c[key].as_f64().unwrap_or(1.0) as f32;
            Ok(Case {
                tag: c["tag"].as_str().ok_or("case without tag")?.to_string(),
                input_ids: c["input_ids"]
                    .as_array()
                    .ok_or("case without input_ids")?
                    .iter()
                    .map(|v| v.as_i64().map(|v| v as i32).ok_or("non-integer id"))
                    .collect::<Result<_, _>>()?,
                controls: Controls { speed: ratio("speed_ratio"), f0: ratio("f0_ratio"), energy: ratio("energy_ratio"), ..Controls::default() },
            })
        })
        .collect()
}

fn parse_args() -> Result<(PathBuf, PathBuf), String> {
    let reference = std::env::args().nth(1).map(PathBuf::from).ok_or("usage: zh_baker_reference REFERENCE_DIR")?;
    let store = VoiceStore::default();
    if !store.is_installed(&PACKAGE) {
        return Err(format!("zh-baker is not installed in {}: run `narrate voices install zh-baker`", store.root.display()));
    }
    Ok((store.dir(&PACKAGE), reference))
}

fn run() -> Result<bool, String> {
    let (models, reference) = parse_args()?;
    let acoustic = AcousticModel::load(&models.join("fastspeech2_quan.tflite")).map_err(|e| e.to_string())?;
    let vocoder = Vocoder::load(&models.join("mb_melgan.tflite")).map_err(|e| e.to_string())?;
    let mut all_ok = true;
    println!(
        "{:<14} {:>6} {:>10} {:>12} {:>12} {:>12} {:>12} {:>11}",
        "case", "frames", "durations", "mel max|e|", "mel mean|e|", "pre max|e|", "audio max|e|", "audio corr"
    );
    for case in read_cases(&reference)? {
        let load = |suffix: &str| npy::read(&reference.join(format!("{}.{suffix}.npy", case.tag)));
        let ref_durations = load("durations")?.i32s()?;
        let ref_before = load("mel_before")?.f32s()?;
        let ref_mel = load("mel_after")?;
        let ref_frames = ref_mel.shape[0];
        let ref_mel = ref_mel.f32s()?;
        let ref_audio = load("audio")?.f32s()?;

        let out = acoustic.infer(&case.input_ids, &case.controls).map_err(|e| e.to_string())?;
        let durations_equal = out.durations == ref_durations;
        // Errors over the frames both have (all of them unless the durations differ).
        let common = out.frames.min(ref_frames) * 80;
        let errors: Vec<f32> = out.mel_after[..common].iter().zip(&ref_mel[..common]).map(|(a, b)| (a - b).abs()).collect();
        let before_max = out.mel_before[..common].iter().zip(&ref_before[..common]).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        let mel_max = errors.iter().copied().fold(0.0, f32::max);
        let mel_mean = errors.iter().sum::<f32>() / errors.len().max(1) as f32;
        let audio = vocoder.vocode(&ref_mel, ref_frames).map_err(|e| e.to_string())?;
        let corr = if audio.len() == ref_audio.len() { correlation(&audio, &ref_audio) } else { 0.0 };
        let audio_max = audio.iter().zip(&ref_audio).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);

        let ok = durations_equal && mel_max <= MEL_MAX_ABS && mel_mean <= MEL_MEAN_ABS && corr >= MIN_AUDIO_CORRELATION;
        all_ok &= ok;
        println!(
            "{:<14} {:>6} {:>10} {:>12.6} {:>12.7} {:>12.6} {:>12.6} {:>11.7} {}",
            case.tag,
            out.frames,
            if durations_equal { "equal" } else { "DIFFER" },
            mel_max,
            mel_mean,
            before_max,
            audio_max,
            corr,
            if ok { "ok" } else { "FAIL" }
        );
        if !durations_equal {
            for (i, (a, b)) in out.durations.iter().zip(&ref_durations).enumerate().filter(|(_, (a, b))| a != b) {
                println!("    duration of id #{i} differs: ours {a}, reference {b}");
            }
            println!("    ({} vs {} frames; mel errors above are over the first {} frames)", out.frames, ref_frames, out.frames.min(ref_frames));
        }
    }
    println!(
        "tolerances: durations identical, mel_after max|e| <= {MEL_MAX_ABS}, mean|e| <= {MEL_MEAN_ABS}, audio corr >= {MIN_AUDIO_CORRELATION}"
    );
    Ok(all_ok)
}

fn main() -> ExitCode {
    check::verdict(run())
}
