//! Sample-rate conversion with rubato's synchronous FFT resampler.
//!
//! The FFT resampler is rubato's recommendation for fixed-ratio offline work:
//! sinc-quality anti-aliasing at a fraction of the cost, linear in the input
//! length. `process_all` trims the resampler's startup delay, so the output
//! lines up with the input sample for sample.

use std::borrow::Cow;
use rubato::audioadapter_buffers::direct::InterleavedSlice;
use rubato::{Fft, FixedSync, Resampler};

use super::AudioError;
use super::buffer::{Buffer, finite_or_zero};

/// Frames per processing chunk; rubato splits it into ~256-frame FFT blocks.
const CHUNK_FRAMES: usize = 1024;
/// Highest rate accepted. The FFT block must hold `rate / gcd(from, to)`
/// frames, so absurd coprime rates would otherwise allocate without bound.
const MAX_RATE: u32 = 768_000;

/// High-quality resampling to `to_rate`.
///
/// The output has exactly `round(len * to_rate / rate)` samples, is aligned
/// with the input (no filter delay) and is deterministic. Same rate → clone.
/// Rates must be in 1..=768 000 Hz. Non-finite samples are read as 0.
pub fn resample(buffer: &Buffer, to_rate: u32) -> Result<Buffer, AudioError> {
    for rate in [buffer.rate, to_rate] {
        if rate == 0 || rate > MAX_RATE {
            return Err(AudioError::InvalidRate(rate));
        }
    }
    if buffer.rate == to_rate {
        return Ok(buffer.clone());
    }
    let out_len = resampled_len(buffer.samples.len(), buffer.rate, to_rate);
    if buffer.samples.is_empty() {
        return Ok(Buffer::new(to_rate, Vec::new()));
    }

    // Copy only when there is something to sanitize: an episode can be hundreds of MB.
    let input: Cow<[f32]> = if buffer.samples.iter().all(|s| s.is_finite()) {
        Cow::Borrowed(&buffer.samples)
    } else {
        Cow::Owned(buffer.samples.iter().map(|&s| finite_or_zero(s)).collect())
    };
    let mut resampler = Fft::<f32>::new(
        buffer.rate as usize,
        to_rate as usize,
        CHUNK_FRAMES,
        1,
        FixedSync::Both,
    )?;
    let adapter = InterleavedSlice::new(&input, 1, input.len())?;
    let mut samples = resampler
        .process_all(&adapter, input.len(), None)?
        .take_data();
    // rubato returns ceil(len * ratio) frames; the contract is round().
    samples.resize(out_len, 0.0);
    Ok(Buffer::new(to_rate, samples))
}

/// Length of `len` samples resampled from `from` to `to` Hz by [`resample`]:
/// `round(len * to / from)` in exact integer arithmetic (0 when `from` is 0, a rate
/// [`resample`] refuses).
pub fn resampled_len(len: usize, from: u32, to: u32) -> usize {
    if from == 0 {
        return 0;
    }
    let num = len as u128 * u128::from(to);
    let den = u128::from(from);
    ((2 * num + den) / (2 * den)) as usize
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::{rms, sine, zero_crossing_frequency};

    #[test]
    fn output_length_is_rounded_exactly() {
        assert_eq!(resampled_len(1, 24_000, 44_100), 2); // 1.8375
        assert_eq!(resampled_len(3, 44_100, 16_000), 1); // 1.088
        assert_eq!(resampled_len(24_000, 24_000, 44_100), 44_100);
        for len in [0usize, 1, 2, 7, 1000, 12_345] {
            let b = Buffer::new(24_000, vec![0.1; len]);
            let out = resample(&b, 44_100).unwrap();
            assert_eq!(out.samples.len(), resampled_len(len, 24_000, 44_100));
            assert_eq!(out.rate, 44_100);
        }
    }

    #[test]
    fn sine_keeps_frequency_and_amplitude() {
        let input = Buffer::new(24_000, sine(24_000, 1000.0, 0.5, 2.0));
        let out = resample(&input, 44_100).unwrap();
        assert_eq!(out.samples.len(), 88_200);

        // Skip the first/last 0.1 s where the edges of the clip ramp.
        let edge = 4_410;
        let body = &out.samples[edge..out.samples.len() - edge];
        let freq = zero_crossing_frequency(body, 44_100);
        assert!((freq - 1000.0).abs() < 1.0, "frequency {freq}");

        let in_body = &input.samples[2_400..input.samples.len() - 2_400];
        let gain_db = 20.0 * (rms(body) / rms(in_body)).log10();
        assert!(gain_db.abs() < 0.5, "gain {gain_db} dB");
    }

    #[test]
    fn common_rate_pairs_work() {
        for (from, to) in [
            (22_050, 44_100),
            (16_000, 48_000),
            (44_100, 48_000),
            (48_000, 16_000),
        ] {
            let input = Buffer::new(from, sine(from, 440.0, 0.5, 1.0));
            let out = resample(&input, to).unwrap();
            assert_eq!(out.samples.len(), to as usize);
            let body = &out.samples[to as usize / 10..to as usize * 9 / 10];
            let freq = zero_crossing_frequency(body, to);
            assert!((freq - 440.0).abs() < 1.0, "{from}->{to}: {freq}");
        }
    }

    #[test]
    fn impulse_peak_lands_at_the_scaled_time() {
        for position in [1_000usize, 1_001, 5_003, 12_000] {
            let mut samples = vec![0.0; 24_000];
            samples[position] = 1.0;
            let out = resample(&Buffer::new(24_000, samples), 44_100).unwrap();
            let peak = argmax_abs(&out.samples) as f64;
            let expected = position as f64 * 44_100.0 / 24_000.0;
            assert!(
                (peak - expected).abs() <= 1.0,
                "peak {peak}, expected {expected}"
            );
        }
    }

    #[test]
    fn same_rate_clones_and_zero_rate_errors() {
        let b = Buffer::new(44_100, vec![0.1, 0.2, f32::NAN]);
        let same = resample(&b, 44_100).unwrap();
        assert_eq!(same.samples.len(), 3);
        assert!(matches!(resample(&b, 0), Err(AudioError::InvalidRate(0))));
        let zero = Buffer::new(0, vec![0.1]);
        assert!(matches!(
            resample(&zero, 8_000),
            Err(AudioError::InvalidRate(0))
        ));
    }

    #[test]
    fn odd_rate_pairs_and_limits() {
        for (from, to) in [(44_101, 48_000), (1, 8_000), (8_000, 1), (767_999, 768_000)] {
            let b = Buffer::new(from, vec![0.5; (from as usize / 10).max(3)]);
            let out = resample(&b, to).unwrap();
            assert_eq!(
                out.samples.len(),
                resampled_len(b.samples.len(), from, to),
                "{from}->{to}"
            );
        }
        let b = Buffer::new(44_100, vec![0.5; 10]);
        assert!(matches!(
            resample(&b, 768_001),
            Err(AudioError::InvalidRate(768_001))
        ));
    }

    #[test]
    fn nan_samples_are_treated_as_silence() {
        let mut samples = vec![0.0; 4_800];
        samples[100] = f32::NAN;
        samples[200] = f32::INFINITY;
        let out = resample(&Buffer::new(24_000, samples), 44_100).unwrap();
        assert!(out.samples.iter().all(|s| *s == 0.0));
    }

    #[test]
    fn is_deterministic() {
        let input = Buffer::new(24_000, sine(24_000, 330.0, 0.7, 0.5));
        assert_eq!(
            resample(&input, 48_000).unwrap(),
            resample(&input, 48_000).unwrap()
        );
    }

    fn argmax_abs(samples: &[f32]) -> usize {
        let mut best = 0;
        for (i, s) in samples.iter().enumerate() {
            if s.abs() > samples[best].abs() {
                best = i;
            }
        }
        best
    }
}
