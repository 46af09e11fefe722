//! Faithfulness gate for the native Piper engine: runs a Piper model (by default the en-joe
//! voice as installed in the voice store) on every reference case and compares with the
//! ground-truth outputs of ONNX Runtime in the reference folder (../shared/reference/en-joe,
//! or one made by scripts/piper-multispeaker-reference, whose cases name a `speaker`).
//!
//! cargo run --release --example piper_reference -- REFERENCE_DIR [--model MODEL.onnx]
//!
//! Per case: durations must be identical, the decoder input's max abs error ≤ 1e-3, and the
//! audio must correlate ≥ 0.999 with the reference audio. Exits 1 if any fails.

use narrate::tts::piper::vits::{Scales, Vits};
use narrate::tts::piper::{EN_JOE, EN_JOE_MODEL};
use narrate::tts::VoiceStore;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

#[path = "support/npy.rs"]
mod npy;
#[path = "support/check.rs"]
mod check;
use check::correlation;

const DECODER_INPUT_MAX_ABS: f32 = 1e-3;
const MIN_AUDIO_CORRELATION: f64 = 0.999;

struct Case {
    tag: String,
    input_ids: Vec<usize>,
    scales: Scales,
    /// Multi-speaker models: the `sid` input.
    speaker: Option<usize>,
}

fn read_cases(reference: &Path) -> Result<Vec<Case>, String> {
    let text = std::fs::read_to_string(reference.join("cases.json")).map_err(|e| e.to_string())?;
    let json: serde_json::Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let cases = json["cases"].as_array().ok_or("cases.json has no cases array")?;
    cases
        .iter()
        .map(|c| {
            let scales: Vec<f32> = c["scales"]
                .as_array()
                .ok_or("case without scales")?
                .iter()
                .map(|v| v.as_f64().map(|v| v as f32).ok_or("non-numeric scale"))
                .collect::<Result<_, _>>()?;
            let [noise_scale, length_scale, noise_w] = scales[..] else {
                return Err("scales must hold three values".to_string());
            };
            Ok(Case {
                tag: c["tag"].as_str().ok_or("case without tag")?.to_string(),
                input_ids: c["input_ids"]
                    .as_array()
                    .ok_or("case without input_ids")?
                    .iter()
                    .map(|v| v.as_u64().map(|v| v as usize).ok_or("non-integer id"))
                    .collect::<Result<_, _>>()?,
                scales: Scales { noise_scale, length_scale, noise_w },
                speaker: c.get("speaker").and_then(serde_json::Value::as_u64).map(|s| s as usize),
            })
        })
        .collect()
}

fn parse_args() -> Result<(PathBuf, PathBuf), String> {
    const USAGE: &str = "usage: piper_reference REFERENCE_DIR [--model MODEL.onnx]";
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (reference, model) = match &args[..] {
        [reference] => (reference, None),
        [reference, flag, model] if flag == "--model" => (reference, Some(model)),
        _ => return Err(USAGE.into()),
    };
    let reference = PathBuf::from(reference);
    if let Some(model) = model {
        return Ok((PathBuf::from(model), reference));
    }
    let store = VoiceStore::default();
    if !store.is_installed(&EN_JOE) {
        return Err(format!("en-joe is not installed in {}: run `narrate voices install en-joe`", store.root.display()));
    }
    Ok((store.dir(&EN_JOE).join(EN_JOE_MODEL), reference))
}

fn run() -> Result<bool, String> {
    let (model, reference) = parse_args()?;
    let vits = Vits::open(&model).map_err(|e| e.to_string())?;
    let mut all_ok = true;
    println!("{:<14} {:>6} {:>10} {:>14} {:>12} {:>11} {:>7}", "case", "frames", "durations", "dec in max|e|", "audio max|e|", "audio corr", "RTF");
    for case in read_cases(&reference)? {
        let load = |suffix: &str| npy::read(&reference.join(format!("{}.{suffix}.npy", case.tag)));
        let ref_durations = load("durations")?.i32s()?;
        let ref_input = load("dec_input")?;
        let [channels, ref_frames] = ref_input.shape[..] else {
            return Err(format!("{}: dec_input shape {:?}", case.tag, ref_input.shape));
        };
        let ref_input = ref_input.f32s()?;
        let ref_audio = load("audio")?.f32s()?;

        let started = Instant::now();
        // Noise scales are 0 in every case, so the seed does not matter.
        let out = vits.synthesize(&case.input_ids, case.scales, 0, case.speaker).map_err(|e| e.to_string())?;
        let seconds = started.elapsed().as_secs_f64();
        let durations_equal = out.durations.iter().map(|&d| d as i32).eq(ref_durations.iter().copied());
        let frames = out.decoder_input.steps;
        let mut input_max = 0.0f32;
        if out.decoder_input.channels == channels {
            for t in 0..frames.min(ref_frames) {
                for (c, v) in out.decoder_input.row(t).iter().enumerate() {
                    input_max = input_max.max((v - ref_input[c * ref_frames + t]).abs());
                }
            }
        } else {
            input_max = f32::INFINITY;
        }
        let corr = if out.audio.len() == ref_audio.len() { correlation(&out.audio, &ref_audio) } else { 0.0 };
        let audio_max = out.audio.iter().zip(&ref_audio).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max);
        let rtf = seconds / (out.audio.len() as f64 / 22_050.0);

        let ok = durations_equal && input_max <= DECODER_INPUT_MAX_ABS && corr >= MIN_AUDIO_CORRELATION;
        all_ok &= ok;
        println!(
            "{:<14} {:>6} {:>10} {:>14.7} {:>12.6} {:>11.7} {:>7.3} {}",
            case.tag,
            frames,
            if durations_equal { "equal" } else { "DIFFER" },
            input_max,
            audio_max,
            corr,
            rtf,
            if ok { "ok" } else { "FAIL" }
        );
        if !durations_equal {
            for (i, (a, b)) in out.durations.iter().zip(&ref_durations).enumerate().filter(|(_, (a, b))| **a as i32 != **b) {
                println!("    duration of id #{i} differs: ours {a}, reference {b}");
            }
        }
    }
    println!("tolerances: durations identical, decoder input max|e| <= {DECODER_INPUT_MAX_ABS}, audio corr >= {MIN_AUDIO_CORRELATION}");
    Ok(all_ok)
}

fn main() -> ExitCode {
    check::verdict(run())
}
