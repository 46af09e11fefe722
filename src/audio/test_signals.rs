//! Synthetic signals and simple analysis helpers shared by the module's tests.

use std::f64::consts::TAU;

/// A sine of `freq` Hz and peak `amplitude`, `seconds` long.
pub fn sine(rate: u32, freq: f64, amplitude: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(rate)).round() as usize;
    (0..n)
        .map(|i| (amplitude * (TAU * freq * i as f64 / f64::from(rate)).sin()) as f32)
        .collect()
}

/// A voice-like harmonic tone: harmonics of `f0` up to 4 kHz with 1/k
/// amplitudes, scaled so the peak of the sum is about `amplitude`.
pub fn harmonic(rate: u32, f0: f64, amplitude: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(rate)).round() as usize;
    let nyquist = f64::from(rate) / 2.0;
    let harmonics: Vec<usize> = (1..)
        .take_while(|k| *k as f64 * f0 < nyquist.min(4_000.0))
        .collect();
    let norm: f64 = harmonics.iter().map(|k| 1.0 / *k as f64).sum();
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let s: f64 = harmonics
                .iter()
                .map(|&k| (TAU * f0 * k as f64 * t).sin() / k as f64)
                .sum();
            (amplitude * s / norm) as f32
        })
        .collect()
}

/// Speech-like test material: a harmonic tone with a gliding pitch, 4 Hz
/// syllable-rate amplitude modulation and 300 ms pauses every 1.5 s.
pub fn speech_like(rate: u32, amplitude: f64, seconds: f64) -> Vec<f32> {
    let n = (seconds * f64::from(rate)).round() as usize;
    let mut phase = 0.0f64;
    (0..n)
        .map(|i| {
            let t = i as f64 / f64::from(rate);
            let f0 = 140.0 + 30.0 * (TAU * 0.3 * t).sin();
            phase += TAU * f0 / f64::from(rate);
            let tone: f64 = (1..=12)
                .map(|k| (phase * k as f64).sin() / k as f64)
                .sum::<f64>()
                / 3.1;
            let syllables = 0.5 - 0.5 * (TAU * 4.0 * t).cos();
            let pause = if t % 1.5 > 1.2 { 0.0 } else { 1.0 };
            (amplitude * tone * syllables * pause) as f32
        })
        .collect()
}

pub fn rms(samples: &[f32]) -> f64 {
    if samples.is_empty() {
        return 0.0;
    }
    (samples
        .iter()
        .map(|&s| f64::from(s) * f64::from(s))
        .sum::<f64>()
        / samples.len() as f64)
        .sqrt()
}

/// Frequency of a clean periodic signal from its rising zero crossings,
/// interpolated to sub-sample precision.
pub fn zero_crossing_frequency(samples: &[f32], rate: u32) -> f64 {
    let mut crossings = Vec::new();
    for i in 1..samples.len() {
        let (a, b) = (f64::from(samples[i - 1]), f64::from(samples[i]));
        if a < 0.0 && b >= 0.0 {
            crossings.push((i - 1) as f64 + a / (a - b));
        }
    }
    if crossings.len() < 2 {
        return 0.0;
    }
    let span = crossings[crossings.len() - 1] - crossings[0];
    (crossings.len() - 1) as f64 * f64::from(rate) / span
}

/// True peak in dBTP as ebur128 measures it.
pub fn ebur128_true_peak_db(samples: &[f32], rate: u32) -> f64 {
    let mut meter = ebur128::EbuR128::new(1, rate, ebur128::Mode::TRUE_PEAK).unwrap();
    meter.add_frames_f32(samples).unwrap();
    20.0 * meter.true_peak(0).unwrap().log10()
}
