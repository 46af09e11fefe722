//! EBU R128 / BS.1770 loudness measurement, and the constants the mixer (`mix::master`)
//! settles an episode's loudness with.

use ebur128::{EbuR128, Mode};
use rayon::prelude::*;

use super::AudioError;
use super::buffer::{Buffer, finite_or_zero};

/// Integrated loudness needs at least one 400 ms gating block.
const MIN_SECONDS: f64 = 0.4;
/// Samples handed to the meter per call (bounded scratch memory).
const FEED_CHUNK: usize = 1 << 16;
/// Length of the chunks metered in parallel, in 100 ms hops (60 s).
const CHUNK_HOPS: usize = 600;
/// Normalisation stops adjusting once this close to the target.
pub(crate) const LOUDNESS_TOLERANCE_LU: f64 = 0.1;
/// Gain/limit/measure rounds before settling for the closest result.
pub(crate) const MAX_PASSES: usize = 6;
/// Extra gain normalisation may add to make up for limiting, beyond the
/// first estimate. Bounds the search on signals the limiter flattens.
pub(crate) const MAX_MAKEUP_DB: f64 = 12.0;
/// Headroom kept when the final safety trim has to lower the gain.
pub(crate) const TRIM_MARGIN_DB: f64 = 0.01;

/// Loudness figures of a buffer as measured by ebur128.
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct LoudnessReport {
    pub integrated_lufs: f64,
    /// Maximum 4x-oversampled true peak, dBTP.
    pub true_peak_dbtp: f64,
}

/// Measures integrated loudness and true peak.
///
/// Errors with [`AudioError::TooShort`] under 0.4 s and [`AudioError::Silent`]
/// when nothing passes the −70 LUFS gate, so every figure is finite.
pub fn measure(buffer: &Buffer) -> Result<LoudnessReport, AudioError> {
    let (meters, true_peak) = chunk_meters(buffer, Mode::I | Mode::TRUE_PEAK)?;
    let integrated_lufs = integrated(&meters)?;
    if true_peak <= 0.0 {
        return Err(AudioError::Silent);
    }
    Ok(LoudnessReport { integrated_lufs, true_peak_dbtp: 20.0 * true_peak.log10() })
}

/// Meters `buffer` in fixed chunks of `CHUNK_HOPS` × 100 ms on the rayon pool, returning
/// the meters (in order) and the highest true peak (0 unless `mode` has it).
///
/// ebur128 closes a 400 ms gating block every 100 ms. A meter for a later chunk warms
/// its filters on 100 ms of audio, then reads the 300 ms before the chunk and the chunk:
/// its blocks are exactly those a single meter would close inside the chunk, so
/// `loudness_global_multiple` over all of them gives the single meter's figure, and the
/// true peak is taken only where the oversampler has history. The chunk length is fixed,
/// so the figures do not depend on the number of threads.
fn chunk_meters(buffer: &Buffer, mode: Mode) -> Result<(Vec<EbuR128>, f64), AudioError> {
    if buffer.rate == 0 {
        return Err(AudioError::InvalidRate(0));
    }
    let seconds = buffer.duration();
    if seconds < MIN_SECONDS {
        return Err(AudioError::TooShort { seconds });
    }
    let hop = (buffer.rate as usize + 5) / 10; // ebur128's samples per 100 ms
    let samples = &buffer.samples;
    let chunk = hop * CHUNK_HOPS;
    let starts: Vec<usize> = (0..samples.len()).step_by(chunk).collect();
    let metered: Vec<(EbuR128, f64)> = starts
        .into_par_iter()
        .map(|start| {
            let mut meter = EbuR128::new(1, buffer.rate, mode)?;
            let lead = start.saturating_sub(3 * hop);
            let warm = lead.saturating_sub(hop);
            if warm < lead {
                let seed: Vec<f32> = samples[warm..lead].iter().map(|&s| finite_or_zero(s)).collect();
                meter.seed_frames_f32(&seed)?;
            }
            feed(&mut meter, &samples[lead..start])?;
            let peak = feed(&mut meter, &samples[start..(start + chunk).min(samples.len())])?;
            Ok((meter, peak))
        })
        .collect::<Result<_, AudioError>>()?;
    let true_peak = metered.iter().map(|(_, peak)| *peak).fold(0.0, f64::max);
    Ok((metered.into_iter().map(|(meter, _)| meter).collect(), true_peak))
}

/// Feeds `samples` (sanitised) to `meter`; returns their true peak if the meter measures it.
fn feed(meter: &mut EbuR128, samples: &[f32]) -> Result<f64, AudioError> {
    let mut peak = 0.0f64;
    let mut scratch = Vec::with_capacity(FEED_CHUNK.min(samples.len()));
    for chunk in samples.chunks(FEED_CHUNK) {
        scratch.clear();
        scratch.extend(chunk.iter().map(|&s| finite_or_zero(s)));
        meter.add_frames_f32(&scratch)?;
        if meter.mode().contains(Mode::TRUE_PEAK) {
            peak = peak.max(meter.prev_true_peak(0)?);
        }
    }
    Ok(peak)
}

/// Integrated loudness of several pieces of audio taken together, as if joined (without
/// joining them: a voice's segments can add up to many minutes).
pub fn integrated_loudness_of<'a>(rate: u32, parts: impl IntoIterator<Item = &'a [f32]> + Clone) -> Result<f64, AudioError> {
    if rate == 0 {
        return Err(AudioError::InvalidRate(0));
    }
    let seconds = parts.clone().into_iter().map(<[f32]>::len).sum::<usize>() as f64 / rate as f64;
    if seconds < MIN_SECONDS {
        return Err(AudioError::TooShort { seconds });
    }
    let mut meter = EbuR128::new(1, rate, Mode::I)?;
    for part in parts {
        feed(&mut meter, part)?;
    }
    integrated(std::slice::from_ref(&meter))
}

/// Integrated loudness of audio fed to it piece by piece, in order (an episode streamed
/// from disk, or one voice's segments).
pub struct LoudnessMeter {
    meter: EbuR128,
    samples: usize,
}

impl LoudnessMeter {
    pub fn new(rate: u32) -> Result<Self, AudioError> {
        if rate == 0 {
            return Err(AudioError::InvalidRate(0));
        }
        Ok(LoudnessMeter { meter: EbuR128::new(1, rate, Mode::I)?, samples: 0 })
    }

    /// Feeds the next samples (non-finite ones count as 0).
    pub fn add(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        self.samples += samples.len();
        feed(&mut self.meter, samples).map(|_| ())
    }

    /// The integrated loudness of everything fed (errors as [`measure`] does).
    pub fn integrated(&self) -> Result<f64, AudioError> {
        let seconds = self.samples as f64 / f64::from(self.meter.rate());
        if seconds < MIN_SECONDS {
            return Err(AudioError::TooShort { seconds });
        }
        integrated(std::slice::from_ref(&self.meter))
    }
}

/// The true peak (linear, 4x oversampled as ebur128 measures it) of `block`, with the
/// meter's filter first run over `lead`, the audio just before it.
pub fn true_peak_of(rate: u32, lead: &[f32], block: &[f32]) -> Result<f64, AudioError> {
    let mut meter = EbuR128::new(1, rate, Mode::TRUE_PEAK)?;
    feed(&mut meter, lead)?;
    feed(&mut meter, block)
}

fn integrated(meters: &[EbuR128]) -> Result<f64, AudioError> {
    let lufs = EbuR128::loudness_global_multiple(meters.iter())?;
    if lufs.is_finite() {
        Ok(lufs)
    } else {
        Err(AudioError::Silent)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::{ebur128_true_peak_db, sine, speech_like};

    #[test]
    fn measure_matches_known_sine_loudness() {
        // BS.1770: a 997 Hz sine at -20 dBFS peak, mono, reads about -23 LUFS
        // (−20 dB peak → −23 dB RMS, K-weighting ≈ +0.7 dB, mono offset −0.691).
        let b = Buffer::new(48_000, sine(48_000, 997.0, 0.1, 5.0));
        let r = measure(&b).unwrap();
        assert!(
            (r.integrated_lufs - -23.0).abs() < 0.2,
            "{}",
            r.integrated_lufs
        );
        assert!(
            (r.true_peak_dbtp - -20.0).abs() < 0.1,
            "{}",
            r.true_peak_dbtp
        );
    }

    #[test]
    fn chunked_measurement_equals_one_meter() {
        // Long enough for three chunks, with the level changing across the seams.
        let rate = 16_000;
        let mut samples = speech_like(rate, 0.3, 150.0);
        for (i, s) in samples.iter_mut().enumerate() {
            *s *= 1.0 + 0.8 * ((i as f64 / rate as f64 / 7.0).sin() as f32);
        }
        let b = Buffer::new(rate, samples);
        let mut one = EbuR128::new(1, rate, Mode::I | Mode::TRUE_PEAK).unwrap();
        one.add_frames_f32(&b.samples).unwrap();
        let r = measure(&b).unwrap();
        assert!((r.integrated_lufs - one.loudness_global().unwrap()).abs() < 1e-9, "{r:?}");
        assert_eq!(r.true_peak_dbtp, 20.0 * one.true_peak(0).unwrap().log10());
        assert_eq!(r.true_peak_dbtp, ebur128_true_peak_db(&b.samples, rate));
    }

    #[test]
    fn silence_and_short_audio_are_errors_not_nan() {
        assert!(matches!(measure(&Buffer::silence(44_100, 5.0)), Err(AudioError::Silent)));
        assert!(matches!(measure(&Buffer::new(44_100, vec![f32::NAN; 44_100])), Err(AudioError::Silent)));
        let short = Buffer::new(44_100, sine(44_100, 440.0, 0.5, 0.2));
        assert!(matches!(measure(&short), Err(AudioError::TooShort { .. })));
        assert!(matches!(measure(&Buffer::new(44_100, vec![])), Err(AudioError::TooShort { .. })));
        assert!(matches!(measure(&Buffer::new(0, vec![0.5; 10])), Err(AudioError::InvalidRate(0))));
    }
}
