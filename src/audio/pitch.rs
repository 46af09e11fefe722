//! Fundamental-frequency estimation (YIN, de Cheveigné & Kawahara 2002).
//!
//! Written here rather than taken from `pitch-detection` 0.3.0: that crate is
//! unmaintained since 2022, asserts (panics) on window-size mismatches, and
//! offers no voicing decision or 60–500 Hz search range, which is the part
//! this needs.

use super::buffer::{Buffer, finite_or_zero};
use super::resample::resample;

const MIN_F0_HZ: f64 = 60.0;
const MAX_F0_HZ: f64 = 500.0;
/// Analysis runs at 8 kHz: plenty for voice F0 and ~30x cheaper than 44.1 kHz
/// (YIN's cost grows with window × longest period, both in samples).
const ANALYSIS_RATE: u32 = 8_000;
/// Integration window; must cover the longest period (16.7 ms at 60 Hz).
const WINDOW_SECS: f64 = 0.030;
const HOP_SECS: f64 = 0.010;
/// A frame is voiced when its normalised difference dips below this.
const YIN_THRESHOLD: f32 = 0.15;
/// Frames this far below the loudest frame are pauses, not voice.
const SILENCE_GATE_DB: f64 = 40.0;

/// Median fundamental frequency (Hz) over voiced frames, searching 60–500 Hz.
/// `None` if no frame is voiced (silence, noise, too short) or the rate is
/// outside 1–768 kHz.
pub fn median_f0(buffer: &Buffer) -> Option<f32> {
    let track = f0_track(buffer, HOP_SECS)?;
    let mut f0s: Vec<f32> = track.f0.into_iter().flatten().collect();
    median(&mut f0s)
}

/// Frame-wise F0 of a buffer, as [`f0_track`] returns it.
pub(super) struct F0Track {
    /// Time (s) of frame 0; frame `i` sits at `start + i * hop`.
    pub start: f64,
    /// Frame spacing (s), the requested hop rounded to analysis samples.
    pub hop: f64,
    /// F0 (Hz) per frame; `None` for pauses and unvoiced frames.
    pub f0: Vec<Option<f32>>,
}

/// YIN F0 of every frame `hop_secs` apart, searching 60–500 Hz; frames more
/// than 40 dB below the loudest one are pauses. A frame's time is the centre
/// of its integration window. `None` when [`median_f0`] would find nothing to
/// analyse: silence, too short, or a rate outside 1–768 kHz.
pub(super) fn f0_track(buffer: &Buffer, hop_secs: f64) -> Option<F0Track> {
    if f64::from(buffer.rate) < 2.0 * MAX_F0_HZ {
        return None;
    }
    let samples = analysis_signal(buffer)?;
    let rate = f64::from(samples.rate);
    let tau_min = (rate / MAX_F0_HZ).floor() as usize;
    let tau_max = (rate / MIN_F0_HZ).ceil() as usize;
    let window = ((WINDOW_SECS * rate).round() as usize).max(tau_max);
    let hop = ((hop_secs * rate).round() as usize).max(1);
    // Each frame reads `window` samples plus lags up to tau_max + 1.
    let frame_len = window + tau_max + 1;
    let x = &samples.samples;
    if x.len() < frame_len {
        return None;
    }
    let starts: Vec<usize> = (0..=x.len() - frame_len).step_by(hop).collect();
    let energies: Vec<f64> = starts.iter().map(|&s| energy(&x[s..s + window])).collect();
    let loudest = energies.iter().copied().fold(0.0, f64::max);
    if loudest <= 0.0 {
        return None;
    }
    let gate = loudest * 10f64.powf(-SILENCE_GATE_DB / 10.0);
    let f0 = starts
        .iter()
        .zip(&energies)
        .map(|(&s, &e)| {
            (e >= gate)
                .then(|| yin_period(&x[s..s + frame_len], window, tau_min, tau_max))
                .flatten()
                .map(|period| (rate / f64::from(period)) as f32)
                .filter(|f| (MIN_F0_HZ as f32..=MAX_F0_HZ as f32).contains(f))
        })
        .collect();
    Some(F0Track {
        start: window as f64 / 2.0 / rate,
        hop: hop as f64 / rate,
        f0,
    })
}

/// The buffer at the analysis rate (downsampled when higher), sanitised;
/// `None` if it cannot be resampled (rate out of range).
fn analysis_signal(buffer: &Buffer) -> Option<Buffer> {
    if buffer.rate > ANALYSIS_RATE {
        resample(buffer, ANALYSIS_RATE).ok()
    } else {
        Some(Buffer::new(
            buffer.rate,
            buffer.samples.iter().map(|&s| finite_or_zero(s)).collect(),
        ))
    }
}

fn energy(samples: &[f32]) -> f64 {
    samples.iter().map(|&s| f64::from(s) * f64::from(s)).sum()
}

/// Period in samples (fractional) of one frame, or `None` if unvoiced.
/// `frame` holds at least `window + tau_max + 1` samples.
fn yin_period(frame: &[f32], window: usize, tau_min: usize, tau_max: usize) -> Option<f32> {
    // Cumulative-mean-normalised difference d'(tau) for tau in 0..=tau_max+1.
    let mut cmnd = vec![1.0f32; tau_max + 2];
    let mut running = 0.0f64;
    for (tau, value) in cmnd.iter_mut().enumerate().skip(1) {
        let diff = f64::from(squared_distance(
            &frame[..window],
            &frame[tau..tau + window],
        ));
        running += diff;
        *value = if running > 0.0 {
            (diff * tau as f64 / running) as f32
        } else {
            1.0
        };
    }
    // First dip under the threshold, then down to the bottom of that dip:
    // taking the first rather than the global minimum avoids octave-low errors.
    let mut tau = (tau_min.max(1)..=tau_max).find(|&t| cmnd[t] < YIN_THRESHOLD)?;
    while tau < tau_max && cmnd[tau + 1] < cmnd[tau] {
        tau += 1;
    }
    Some(tau as f32 + parabolic_offset(cmnd[tau - 1], cmnd[tau], cmnd[tau + 1]))
}

/// Sum of squared differences of two equally long slices. Eight independent
/// partial sums let the compiler vectorise this hot loop.
fn squared_distance(a: &[f32], b: &[f32]) -> f32 {
    const LANES: usize = 8;
    let mut partial = [0.0f32; LANES];
    let (a_chunks, b_chunks) = (a.chunks_exact(LANES), b.chunks_exact(LANES));
    let tail: f32 = a_chunks
        .remainder()
        .iter()
        .zip(b_chunks.remainder())
        .map(|(x, y)| (x - y) * (x - y))
        .sum();
    for (ca, cb) in a_chunks.zip(b_chunks) {
        for lane in 0..LANES {
            let d = ca[lane] - cb[lane];
            partial[lane] += d * d;
        }
    }
    partial.iter().sum::<f32>() + tail
}

/// Sub-sample position of the minimum of a parabola through three points.
fn parabolic_offset(left: f32, centre: f32, right: f32) -> f32 {
    let curvature = left - 2.0 * centre + right;
    if curvature > 0.0 {
        (0.5 * (left - right) / curvature).clamp(-0.5, 0.5)
    } else {
        0.0
    }
}

fn median(values: &mut [f32]) -> Option<f32> {
    if values.is_empty() {
        return None;
    }
    values.sort_by(f32::total_cmp);
    let mid = values.len() / 2;
    if values.len().is_multiple_of(2) {
        Some(0.5 * (values[mid - 1] + values[mid]))
    } else {
        Some(values[mid])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::{harmonic, speech_like};

    fn assert_within_3_percent(estimate: Option<f32>, expected: f32) {
        let f0 = estimate.expect("voiced signal");
        assert!(
            (f0 / expected - 1.0).abs() < 0.03,
            "estimated {f0} Hz, expected {expected} Hz"
        );
    }

    #[test]
    fn harmonic_tones_at_tts_and_mix_rates() {
        for rate in [22_050, 24_000, 44_100] {
            for f0 in [120.0, 220.0] {
                let b = Buffer::new(rate, harmonic(rate, f64::from(f0), 0.5, 1.0));
                assert_within_3_percent(median_f0(&b), f0);
            }
        }
    }

    #[test]
    fn range_edges() {
        for f0 in [65.0, 480.0] {
            let b = Buffer::new(16_000, harmonic(16_000, f64::from(f0), 0.5, 1.0));
            assert_within_3_percent(median_f0(&b), f0);
        }
    }

    #[test]
    fn speech_like_signal_with_pauses() {
        // Pitch glides 110–170 Hz around 140 Hz; pauses are skipped.
        let b = Buffer::new(24_000, speech_like(24_000, 0.5, 6.0));
        let f0 = median_f0(&b).unwrap();
        assert!((125.0..155.0).contains(&f0), "{f0}");
    }

    #[test]
    fn unvoiced_input_gives_none() {
        assert_eq!(median_f0(&Buffer::silence(24_000, 1.0)), None);
        assert_eq!(median_f0(&Buffer::new(24_000, vec![])), None);
        assert_eq!(
            median_f0(&Buffer::new(24_000, vec![f32::NAN; 24_000])),
            None
        );
        assert_eq!(median_f0(&Buffer::new(0, vec![0.5; 100])), None);
        // White-ish noise from a simple LCG has no period.
        let mut state = 1u32;
        let noise: Vec<f32> = (0..24_000)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        assert_eq!(median_f0(&Buffer::new(24_000, noise)), None);
    }
}
