//! The mono PCM buffer every stage passes around.

/// Mono f32 PCM with its sample rate — the unit every stage passes around.
///
/// Samples are nominally in [-1.0, 1.0]; values outside are allowed between
/// stages (the limiter and WAV writer bring them back in range).
#[derive(Clone, Debug, PartialEq)]
pub struct Buffer {
    pub rate: u32,
    pub samples: Vec<f32>,
}

impl Buffer {
    pub fn new(rate: u32, samples: Vec<f32>) -> Self {
        Self { rate, samples }
    }

    /// `seconds` of digital silence; negative or non-finite durations give an
    /// empty buffer.
    pub fn silence(rate: u32, seconds: f64) -> Self {
        Self {
            rate,
            samples: vec![0.0; seconds_to_samples(rate, seconds)],
        }
    }

    /// Length in seconds (0 for a zero rate).
    pub fn duration(&self) -> f64 {
        if self.rate == 0 {
            0.0
        } else {
            self.samples.len() as f64 / f64::from(self.rate)
        }
    }
}

/// Number of whole samples closest to `seconds` at `rate`; 0 for negative or
/// non-finite durations.
pub(crate) fn seconds_to_samples(rate: u32, seconds: f64) -> usize {
    let n = (seconds * f64::from(rate)).round();
    if n.is_finite() && n > 0.0 {
        n as usize
    } else {
        0
    }
}

/// The sample, or 0 if it is NaN or infinite.
#[inline]
pub(crate) fn finite_or_zero(x: f32) -> f32 {
    if x.is_finite() { x } else { 0.0 }
}

/// Replace every non-finite sample with 0 in place.
pub(crate) fn sanitize(samples: &mut [f32]) {
    for s in samples {
        *s = finite_or_zero(*s);
    }
}

/// Convert a level in dB to a linear amplitude factor.
#[inline]
pub(crate) fn db_to_amplitude(db: f64) -> f64 {
    10f64.powf(db / 20.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn silence_has_requested_length_and_duration() {
        let b = Buffer::silence(44_100, 1.5);
        assert_eq!(b.samples.len(), 66_150);
        assert!(b.samples.iter().all(|&s| s == 0.0));
        assert_eq!(b.duration(), 1.5);
    }

    #[test]
    fn degenerate_inputs_give_empty_buffers() {
        assert!(Buffer::silence(44_100, -1.0).samples.is_empty());
        assert!(Buffer::silence(44_100, f64::NAN).samples.is_empty());
        assert!(Buffer::silence(0, 3.0).samples.is_empty());
        assert_eq!(Buffer::new(0, vec![1.0; 10]).duration(), 0.0);
    }

    #[test]
    fn sanitize_zeroes_non_finite() {
        let mut s = [1.0, f32::NAN, f32::INFINITY, -0.5, f32::NEG_INFINITY];
        sanitize(&mut s);
        assert_eq!(s, [1.0, 0.0, 0.0, -0.5, 0.0]);
    }
}
