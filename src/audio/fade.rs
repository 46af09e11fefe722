//! Segment edges: click-free fades and silence trimming, so TTS segments can
//! be butted together or cross-mixed without pops or uneven gaps.

use std::f64::consts::PI;

use super::buffer::{Buffer, db_to_amplitude, finite_or_zero, sanitize, seconds_to_samples};

/// Margin of audio kept around the trimmed region, so soft onsets and
/// decays that sit just under the threshold are not cut.
const TRIM_MARGIN_SECS: f64 = 0.005;

/// Raised-cosine fades at both ends so joins never click. The first and last
/// samples become exactly 0 whenever the matching fade length is positive.
/// Fades longer than the buffer are shortened to it; where the two overlap
/// their gains multiply. Non-finite samples become 0.
pub fn fade_edges(buffer: &mut Buffer, fade_in_secs: f64, fade_out_secs: f64) {
    sanitize(&mut buffer.samples);
    let len = buffer.samples.len();
    let fade_in = fade_len(buffer.rate, fade_in_secs, len);
    let fade_out = fade_len(buffer.rate, fade_out_secs, len);
    for i in 0..fade_in {
        buffer.samples[i] *= raised_cosine(i, fade_in);
    }
    for j in 0..fade_out {
        buffer.samples[len - 1 - j] *= raised_cosine(j, fade_out);
    }
}

/// Fade length in samples: at least one for any positive duration, at most `len`.
fn fade_len(rate: u32, seconds: f64, len: usize) -> usize {
    if seconds.is_nan() || seconds <= 0.0 {
        return 0;
    }
    seconds_to_samples(rate, seconds).max(1).min(len)
}

/// Gain `i` samples into a fade of `len` samples: 0 at the edge rising
/// smoothly (zero slope at both ends) towards 1.
fn raised_cosine(i: usize, len: usize) -> f32 {
    (0.5 - 0.5 * (PI * i as f64 / len as f64).cos()) as f32
}

/// Copy of `buffer` without leading and trailing silence, i.e. samples whose
/// magnitude is at or below `threshold_db` dBFS, keeping 5 ms of margin on each
/// side. All-silent input gives an empty buffer; a NaN threshold trims
/// nothing. Non-finite samples count as silence (and come out as 0).
pub fn trim_silence(buffer: &Buffer, threshold_db: f32) -> Buffer {
    let samples: Vec<f32> = buffer.samples.iter().map(|&s| finite_or_zero(s)).collect();
    if threshold_db.is_nan() {
        return Buffer::new(buffer.rate, samples);
    }
    let threshold = db_to_amplitude(f64::from(threshold_db)) as f32;
    let audible = |s: &f32| s.abs() > threshold;
    let (Some(first), Some(last)) = (
        samples.iter().position(audible),
        samples.iter().rposition(audible),
    ) else {
        return Buffer::new(buffer.rate, Vec::new());
    };
    let margin = seconds_to_samples(buffer.rate, TRIM_MARGIN_SECS);
    let start = first.saturating_sub(margin);
    let end = (last + margin + 1).min(samples.len());
    Buffer::new(buffer.rate, samples[start..end].to_vec())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::{harmonic, sine};

    fn max_step(samples: &[f32]) -> f32 {
        samples
            .windows(2)
            .map(|w| (w[1] - w[0]).abs())
            .fold(0.0, f32::max)
    }

    #[test]
    fn edges_reach_zero_without_large_steps() {
        for (name, samples) in [
            ("sine", sine(24_000, 1_000.0, 0.9, 0.5)),
            ("harmonic", harmonic(24_000, 150.0, 0.9, 0.5)),
        ] {
            let mut b = Buffer::new(24_000, samples.clone());
            // Start the fade mid-cycle so the raw edge would click.
            b.samples.drain(..7);
            let original_step = max_step(&b.samples);
            fade_edges(&mut b, 0.01, 0.02);
            assert_eq!(b.samples[0], 0.0, "{name}");
            assert_eq!(*b.samples.last().unwrap(), 0.0, "{name}");
            assert!(max_step(&b.samples) <= original_step, "{name}");
            // The middle is untouched.
            assert_eq!(b.samples[5_000], samples[5_007], "{name}");
        }
    }

    #[test]
    fn fades_longer_than_the_buffer_are_clamped() {
        let mut b = Buffer::new(8_000, vec![0.5; 10]);
        fade_edges(&mut b, 1.0, 1.0);
        assert_eq!(b.samples[0], 0.0);
        assert_eq!(b.samples[9], 0.0);
        assert!(b.samples.iter().all(|s| (0.0..0.5).contains(s)));
    }

    #[test]
    fn fade_handles_degenerate_input() {
        let mut empty = Buffer::new(8_000, vec![]);
        fade_edges(&mut empty, 0.01, 0.01);
        assert!(empty.samples.is_empty());

        let mut one = Buffer::new(8_000, vec![f32::NAN]);
        fade_edges(&mut one, 0.01, 0.01);
        assert_eq!(one.samples, vec![0.0]);

        let mut none = Buffer::new(8_000, vec![0.5, 0.5, f32::INFINITY]);
        fade_edges(&mut none, 0.0, f64::NAN);
        assert_eq!(none.samples, vec![0.5, 0.5, 0.0]);
    }

    #[test]
    fn trims_padding_keeping_margin() {
        let rate = 24_000;
        let tone = sine(rate, 440.0, 0.5, 1.0);
        let mut samples = vec![0.0; 12_000];
        samples.extend(vec![0.0005f32; 3_000]); // hiss at -66 dBFS
        samples.extend(&tone);
        samples.extend(vec![0.0; 30_000]);
        let trimmed = trim_silence(&Buffer::new(rate, samples), -50.0);
        let margin = 120; // 5 ms at 24 kHz
        // The sine's first sample is 0, so its second is the first audible one.
        assert_eq!(trimmed.rate, rate);
        assert_eq!(trimmed.samples[margin], tone[1]);
        assert_eq!(trimmed.samples[margin - 2], 0.0005); // hiss kept by the margin
        let last_audible = tone.iter().rposition(|s| s.abs() > 0.003_162_3).unwrap();
        // Audible span tone[1..=last_audible] plus a margin on each side.
        assert_eq!(trimmed.samples.len(), last_audible + 2 * margin);
    }

    #[test]
    fn trim_edge_cases() {
        let silent = Buffer::new(8_000, vec![0.0, f32::NAN, 0.0001]);
        assert!(trim_silence(&silent, -40.0).samples.is_empty());
        assert!(
            trim_silence(&Buffer::new(8_000, vec![]), -40.0)
                .samples
                .is_empty()
        );
        // Audible right at the edges: nothing to trim, margin is clamped.
        let full = Buffer::new(8_000, vec![0.5, 0.0, 0.5]);
        assert_eq!(trim_silence(&full, -40.0), full);
        assert_eq!(trim_silence(&full, f32::NAN), full);
    }
}
