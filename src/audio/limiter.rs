//! Look-ahead true-peak limiter.
//!
//! The gain curve is built in four linear-time passes over a per-sample gain
//! vector:
//! 1. required gain: `ceiling / peak`, where the peak estimate includes three
//!    interpolated points between samples (4x oversampling, like BS.1770 true
//!    peak), so inter-sample overs are caught, not only sample overs;
//! 2. a sliding minimum over the look-ahead window (plus the interpolation
//!    filter's reach on both sides), so gain reduction is already in place
//!    before a peak and around every sample that shapes its inter-sample value;
//! 3. exponential release back towards unity gain;
//! 4. a moving average as long as the look-ahead, turning the step into a
//!    smooth attack ramp.
//!
//! Pass 4 averages only values from the window of pass 2, so at every peak the
//! applied gain is still at most the gain that peak requires: the ceiling
//! holds without a clipper. A small safety margin covers the difference
//! between this peak estimate and the one ebur128 uses, and the slight gain
//! change across the few samples an inter-sample peak is interpolated from.

use rayon::prelude::*;
use std::collections::VecDeque;
use std::f64::consts::PI;

use super::buffer::{Buffer, db_to_amplitude, sanitize};

/// Gain reduction ramps in over this window before a peak.
const LOOKAHEAD_SECS: f64 = 0.005;
/// Time constant of the return to unity gain after a peak.
const RELEASE_SECS: f64 = 0.08;
/// Headroom below the requested ceiling for estimator differences.
const SAFETY_MARGIN_DB: f64 = 0.1;
/// Oversampling factor of the peak estimate.
const OVERSAMPLE: usize = 4;
/// Half length of the interpolation filter, in input samples.
const HALF_TAPS: usize = 8;
const TAPS: usize = 2 * HALF_TAPS;
/// Release time constants after which the gain counts as back at 1 (e^-10 ≈ 5e-5).
const RELEASE_SPANS: f64 = 10.0;
/// Granularity of the quiet-region shortcut in `required_gain`.
const SKIP_BLOCK: usize = 64;
/// Skip blocks per parallel task of `required_gain`.
const PARALLEL_BLOCKS: usize = 4096;

/// Look-ahead peak limiter: afterwards the true peak (4x oversampled) stays at
/// or below `ceiling_dbtp`. Audio already under the ceiling is left bit-exact.
/// Non-finite samples become 0; a NaN or +inf ceiling only does that.
pub fn limit(buffer: &mut Buffer, ceiling_dbtp: f64) {
    sanitize(&mut buffer.samples);
    if buffer.samples.is_empty() || ceiling_dbtp.is_nan() || ceiling_dbtp == f64::INFINITY {
        return;
    }
    let ceiling = db_to_amplitude(ceiling_dbtp - SAFETY_MARGIN_DB) as f32;
    let peaks = required_gain(&buffer.samples, ceiling);
    if peaks.is_empty() {
        return;
    }
    let rate = f64::from(buffer.rate.max(1));
    let lookahead = ((LOOKAHEAD_SECS * rate).round() as usize).max(1);
    // The gain curve is only worked out around the peaks: it leaves 1 at most `ahead`
    // samples before a peak and is back within e^-RELEASE_SPANS of 1 `behind` samples after.
    let ahead = lookahead + HALF_TAPS;
    let behind = HALF_TAPS + lookahead + (RELEASE_SPANS * RELEASE_SECS * rate) as usize;
    for region in regions(&peaks, ahead, behind, buffer.samples.len()) {
        let mut gain = vec![1.0f32; region.len()];
        for &(n, g) in peaks.iter().filter(|(n, _)| region.contains(n)) {
            gain[n - region.start] = g;
        }
        sliding_min(&mut gain, HALF_TAPS, lookahead + HALF_TAPS - 1);
        release(&mut gain, 1.0 - (-1.0 / (RELEASE_SECS * rate)).exp());
        moving_average(&mut gain, lookahead);
        for (sample, g) in buffer.samples[region].iter_mut().zip(&gain) {
            *sample *= g;
        }
    }
}

/// Whether [`limit`] would leave audio whose largest sample magnitude is `peak` as it is
/// (no interpolated value between its samples can reach the ceiling).
pub fn leaves_untouched(peak: f32, ceiling_dbtp: f64) -> bool {
    let ceiling = db_to_amplitude(ceiling_dbtp - SAFETY_MARGIN_DB) as f32;
    peak * worst_case_gain(&interpolation_kernels()) <= ceiling
}

/// The most the interpolation kernels can raise a value above the samples around it.
fn worst_case_gain(kernels: &[[f32; TAPS]]) -> f32 {
    kernels.iter().map(|k| k.iter().map(|c| c.abs()).sum::<f32>()).fold(1.0, f32::max)
}

/// Samples of context a piece of a longer signal needs on each side (before, after) for
/// [`limit`] to treat it as it would inside the whole: the look-ahead and interpolation
/// reach after it, and before it the release back to unity gain.
pub fn context(rate: u32) -> (usize, usize) {
    let rate = f64::from(rate.max(1));
    let lookahead = ((LOOKAHEAD_SECS * rate).round() as usize).max(1);
    (HALF_TAPS + lookahead + (RELEASE_SPANS * RELEASE_SECS * rate) as usize, lookahead + 2 * HALF_TAPS)
}

/// Merged index ranges from `ahead` before to `behind` after each peak.
fn regions(peaks: &[(usize, f32)], ahead: usize, behind: usize, len: usize) -> Vec<std::ops::Range<usize>> {
    let mut regions: Vec<std::ops::Range<usize>> = Vec::new();
    for &(n, _) in peaks {
        let range = n.saturating_sub(ahead)..(n + behind).min(len);
        match regions.last_mut() {
            Some(last) if range.start <= last.end => last.end = last.end.max(range.end),
            _ => regions.push(range),
        }
    }
    regions
}

/// The samples whose oversampled peak exceeds `ceiling`, in order, each with the gain
/// that brings it down to the ceiling.
///
/// Blocks whose neighbourhood is quiet enough that no interpolated value can
/// reach the ceiling (max |x| times the kernels' L1 norm) are skipped, so the
/// FIR work is only spent near loud peaks.
fn required_gain(samples: &[f32], ceiling: f32) -> Vec<(usize, f32)> {
    let kernels = interpolation_kernels();
    let worst_case_gain = worst_case_gain(&kernels);
    let len = samples.len();
    let blocks: Vec<usize> = (0..len).step_by(SKIP_BLOCK * PARALLEL_BLOCKS).collect();
    let per_block = blocks.into_par_iter().map(|first| {
        let last = (first + SKIP_BLOCK * PARALLEL_BLOCKS).min(len);
        required_gain_in(samples, first..last, ceiling, &kernels, worst_case_gain)
    });
    per_block.flatten_iter().collect()
}

/// [`required_gain`] for the samples in `range` (a whole number of skip blocks from 0).
fn required_gain_in(samples: &[f32], range: std::ops::Range<usize>, ceiling: f32, kernels: &[[f32; TAPS]], worst_case_gain: f32) -> Vec<(usize, f32)> {
    let len = samples.len();
    let mut gain = Vec::new();
    for start in range.step_by(SKIP_BLOCK) {
        let end = (start + SKIP_BLOCK).min(len);
        let reach = start.saturating_sub(HALF_TAPS - 1)..(end + HALF_TAPS).min(len);
        let loudest = samples[reach].iter().fold(0.0f32, |m, s| m.max(s.abs()));
        if loudest * worst_case_gain <= ceiling {
            continue;
        }
        for n in start..end {
            let window = window_at(samples, n);
            let mut peak = samples[n].abs();
            for kernel in kernels {
                let value: f32 = window.iter().zip(kernel).map(|(x, k)| x * k).sum();
                peak = peak.max(value.abs());
            }
            if peak > ceiling {
                gain.push((n, ceiling / peak));
            }
        }
    }
    gain
}

/// The `TAPS` samples `n - HALF_TAPS + 1 ..= n + HALF_TAPS`, zero outside the buffer.
fn window_at(samples: &[f32], n: usize) -> [f32; TAPS] {
    let start = n as isize - HALF_TAPS as isize + 1;
    let interior = usize::try_from(start)
        .ok()
        .and_then(|s| samples.get(s..s + TAPS))
        .and_then(|slice| <[f32; TAPS]>::try_from(slice).ok());
    if let Some(window) = interior {
        return window;
    }
    let mut window = [0.0; TAPS];
    for (i, w) in window.iter_mut().enumerate() {
        let index = start + i as isize;
        if index >= 0 {
            *w = samples.get(index as usize).copied().unwrap_or(0.0);
        }
    }
    window
}

/// Hann-windowed sinc kernels for the fractional positions 1/4, 2/4 and 3/4
/// between sample `n` and `n + 1`, each normalised to unity DC gain.
fn interpolation_kernels() -> [[f32; TAPS]; OVERSAMPLE - 1] {
    let mut kernels = [[0.0; TAPS]; OVERSAMPLE - 1];
    for (phase, kernel) in kernels.iter_mut().enumerate() {
        let fraction = (phase + 1) as f64 / OVERSAMPLE as f64;
        let mut taps = [0.0f64; TAPS];
        for (i, tap) in taps.iter_mut().enumerate() {
            let t = (i as f64 - HALF_TAPS as f64 + 1.0) - fraction;
            let sinc = (PI * t).sin() / (PI * t);
            let hann = 0.5 + 0.5 * (PI * t / HALF_TAPS as f64).cos();
            *tap = sinc * hann;
        }
        let sum: f64 = taps.iter().sum();
        for (k, tap) in kernel.iter_mut().zip(taps) {
            *k = (tap / sum) as f32;
        }
    }
    kernels
}

/// In place: `gain[k] = min(gain[k - behind ..= k + ahead])`, clipped to the
/// buffer. Monotonic-deque sliding minimum, O(n).
fn sliding_min(gain: &mut [f32], behind: usize, ahead: usize) {
    let len = gain.len();
    let mut candidates: VecDeque<(usize, f32)> = VecDeque::new();
    for j in 0..len + ahead {
        if j < len {
            let value = gain[j];
            while candidates.back().is_some_and(|&(_, v)| v >= value) {
                candidates.pop_back();
            }
            candidates.push_back((j, value));
        }
        let Some(k) = j.checked_sub(ahead) else {
            continue;
        };
        while candidates.front().is_some_and(|&(i, _)| i + behind < k) {
            candidates.pop_front();
        }
        // Index k was pushed before being overwritten here, so the deque
        // already holds everything the window needs.
        gain[k] = candidates.front().map_or(1.0, |&(_, v)| v);
    }
}

/// In place: gain may drop instantly but recovers towards 1 by `coeff` per sample.
fn release(gain: &mut [f32], coeff: f64) {
    let mut level = 1.0f64;
    for g in gain {
        level = f64::from(*g).min(level + coeff * (1.0 - level));
        *g = level as f32;
    }
}

/// In place: average of the last `width` values (the first value repeated
/// before the start), which turns gain steps into linear ramps.
fn moving_average(gain: &mut [f32], width: usize) {
    let Some(&first) = gain.first() else { return };
    let mut history = vec![first; width];
    let mut sum = f64::from(first) * width as f64;
    let mut slot = 0;
    for g in gain {
        sum += f64::from(*g) - f64::from(history[slot]);
        history[slot] = *g;
        slot = (slot + 1) % width;
        *g = ((sum / width as f64) as f32).min(1.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::{ebur128_true_peak_db, harmonic, sine, speech_like};

    fn peak_db(samples: &[f32]) -> f64 {
        let peak = samples.iter().fold(0.0f32, |m, s| m.max(s.abs()));
        20.0 * f64::from(peak).log10()
    }

    #[test]
    fn never_exceeds_ceiling() {
        let rate = 44_100;
        let mut loud_speech = speech_like(rate, 3.0, 4.0);
        // Sharp clicks on top: single-sample spikes way over full scale.
        for i in (1_000..loud_speech.len()).step_by(7_919) {
            loud_speech[i] = if i % 2 == 0 { 4.0 } else { -4.0 };
        }
        let signals = [
            ("speech +10 dB with clicks", loud_speech),
            ("full-scale 11 kHz sine", sine(rate, 11_025.0, 1.0, 1.0)),
            ("square-ish harmonic", harmonic(rate, 997.0, 2.0, 1.0)),
            ("sine near fs/4, +3.5 dB", sine(rate, 11_000.0, 1.5, 1.0)),
        ];
        for ceiling in [-1.0, -3.0, 0.0] {
            for (name, samples) in &signals {
                let mut b = Buffer::new(rate, samples.clone());
                limit(&mut b, ceiling);
                let tp = ebur128_true_peak_db(&b.samples, rate);
                assert!(
                    tp <= ceiling,
                    "{name}: true peak {tp} dBTP > ceiling {ceiling}"
                );
            }
        }
    }

    #[test]
    fn works_at_tts_rates() {
        for rate in [16_000, 22_050, 24_000, 48_000] {
            let mut b = Buffer::new(rate, speech_like(rate, 2.0, 2.0));
            limit(&mut b, -1.0);
            let tp = ebur128_true_peak_db(&b.samples, rate);
            assert!(tp <= -1.0, "{rate} Hz: {tp} dBTP");
        }
    }

    #[test]
    fn leaves_quiet_audio_unchanged() {
        let samples = speech_like(44_100, 0.3, 2.0);
        assert!(peak_db(&samples) < -6.0);
        let mut b = Buffer::new(44_100, samples.clone());
        limit(&mut b, -1.0);
        assert_eq!(b.samples, samples);
    }

    #[test]
    fn only_touches_the_neighbourhood_of_a_peak() {
        let rate = 44_100;
        let mut samples = sine(rate, 200.0, 0.25, 2.0);
        samples[44_100] = 1.0;
        let mut b = Buffer::new(rate, samples.clone());
        limit(&mut b, -6.0);
        // Well before the peak (beyond the 5 ms look-ahead) nothing changes...
        assert!(b.samples[..43_800] == samples[..43_800]);
        // ...and one second after, the release has recovered to within 0.1 dB.
        let late = 88_000;
        assert!((b.samples[late] / samples[late] - 1.0).abs() < 0.012);
    }

    #[test]
    fn degenerate_input_does_not_panic() {
        let mut empty = Buffer::new(44_100, vec![]);
        limit(&mut empty, -1.0);
        assert!(empty.samples.is_empty());

        let mut nan = Buffer::new(0, vec![f32::NAN, 2.0, f32::INFINITY, -3.0]);
        limit(&mut nan, -1.0);
        assert!(nan.samples.iter().all(|s| s.is_finite() && s.abs() <= 0.9));

        let mut untouched = Buffer::new(8_000, vec![0.5, f32::NAN]);
        limit(&mut untouched, f64::NAN);
        assert_eq!(untouched.samples, vec![0.5, 0.0]);

        let mut silenced = Buffer::new(8_000, vec![0.5, -0.5]);
        limit(&mut silenced, f64::NEG_INFINITY);
        assert!(silenced.samples.iter().all(|s| *s == 0.0));
    }

    #[test]
    fn sliding_min_covers_the_window() {
        let mut g = [1.0, 1.0, 1.0, 0.5, 1.0, 1.0, 1.0, 1.0];
        sliding_min(&mut g, 1, 2);
        assert_eq!(g, [1.0, 0.5, 0.5, 0.5, 0.5, 1.0, 1.0, 1.0]);
    }
}
