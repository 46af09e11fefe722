//! Pitch shifting that keeps duration and formants (TD-PSOLA).
//!
//! Time-domain pitch-synchronous overlap-add (Moulines & Charpentier 1990):
//! the voice is cut into two-period grains centred on one mark per glottal
//! period, and the grains are overlap-added again at the new period. Each
//! grain keeps the vocal-tract response of its period, so the spectral
//! envelope (formants) stays put while the harmonic spacing changes. Grains
//! are repeated or skipped so that the duration is unchanged. Unvoiced
//! stretches (consonants, breath, pauses) are copied through by plain
//! overlap-add of fixed-length grains, which reconstructs them exactly.

use super::buffer::{Buffer, finite_or_zero};
use super::pitch::{F0Track, f0_track};
use super::resample::resample;

/// F0 track resolution: fine enough to follow intonation within a syllable.
const TRACK_HOP_SECS: f64 = 0.005;
/// Voicing gaps bridged and voiced-edge extension, in track frames.
const MAX_GAP_FRAMES: usize = 8;
const EDGE_FRAMES: usize = 5;
/// Grain spacing in unvoiced stretches.
const UNVOICED_SPACING_SECS: f64 = 0.005;
/// A period's peak is searched this fraction of a period either side of
/// where the previous peak predicts it.
const PEAK_SEARCH: f64 = 0.25;
/// Accepted pitch ratios; beyond these, PSOLA artefacts dominate.
const MIN_RATIO: f32 = 0.25;
const MAX_RATIO: f32 = 4.0;
/// Accepted formant ratios: a mild change of apparent speaker size.
const MIN_FORMANT_RATIO: f32 = 0.8;
const MAX_FORMANT_RATIO: f32 = 1.25;

/// The buffer with its pitch multiplied by `ratio` (0.7 = 30 % lower), same
/// length and rate, spectral envelope kept. `ratio` is clamped to 0.25–4.
/// Input without voiced frames (silence, noise, too short to analyse) and
/// non-finite or non-positive ratios give the input back with non-finite
/// samples zeroed.
pub fn shift_pitch(buffer: &Buffer, ratio: f32) -> Buffer {
    shift_voice(buffer, ratio, 1.0)
}

/// Like [`shift_pitch`], and also moves the spectral envelope (formants) by
/// `formant_ratio`, clamped to 0.8–1.25: below 1 the voice sounds like a
/// larger speaker. A non-finite or non-positive `formant_ratio` counts as 1.
///
/// Formants move by resampling, which scales pitch, formants and duration
/// alike: PSOLA first shifts pitch by `ratio / formant_ratio` while scaling
/// duration by `formant_ratio`, then the result, read as if sampled at
/// `rate × formant_ratio`, is resampled to `rate`.
pub fn shift_voice(buffer: &Buffer, ratio: f32, formant_ratio: f32) -> Buffer {
    let x: Vec<f32> = buffer.samples.iter().map(|&s| finite_or_zero(s)).collect();
    if !(ratio.is_finite() && ratio > 0.0) {
        return Buffer::new(buffer.rate, x);
    }
    let formant_ratio = if formant_ratio.is_finite() && formant_ratio > 0.0 {
        formant_ratio.clamp(MIN_FORMANT_RATIO, MAX_FORMANT_RATIO)
    } else {
        1.0
    };
    // The rate the PSOLA output is read at; rounding it makes the formant
    // ratio exact.
    let stretched_rate = (f64::from(buffer.rate) * f64::from(formant_ratio)).round() as u32;
    let Some(track) = f0_track(buffer, TRACK_HOP_SECS) else {
        return Buffer::new(buffer.rate, x);
    };
    let formant_ratio = f64::from(stretched_rate) / f64::from(buffer.rate);
    let marks = pitch_marks(&x, buffer.rate, &track);
    let psola_ratio = f64::from(ratio.clamp(MIN_RATIO, MAX_RATIO)) / formant_ratio;
    let out_len = (x.len() as f64 * formant_ratio).round() as usize;
    let shifted = Buffer::new(
        stretched_rate,
        overlap_add(&x, &marks, psola_ratio, out_len),
    );
    if stretched_rate == buffer.rate {
        return Buffer::new(buffer.rate, shifted.samples);
    }
    match resample(&shifted, buffer.rate) {
        Ok(mut out) => {
            // Resampling rounds the length; keep the input's exactly.
            out.samples.resize(x.len(), 0.0);
            out
        }
        // Only for rates near the resampler's 768 kHz limit.
        Err(_) => Buffer::new(buffer.rate, x),
    }
}

/// An analysis grain centre: a sample position and whether it is voiced.
#[derive(Clone, Copy, Debug)]
struct Mark {
    pos: usize,
    voiced: bool,
}

/// Grain centres covering the whole signal from the first to the last
/// sample: one per period in voiced stretches (on the main peak at voicing
/// onset, then wherever the previous period repeats), evenly spaced elsewhere.
fn pitch_marks(x: &[f32], rate: u32, track: &F0Track) -> Vec<Mark> {
    let rate = f64::from(rate);
    let f0 = shift_track(&track.f0);
    let unvoiced_spacing = ((UNVOICED_SPACING_SECS * rate).round() as usize).max(1);
    // The period (samples) at a position, or `None` where unvoiced.
    let period_at = |pos: usize| {
        let frame = ((pos as f64 / rate - track.start) / track.hop).round();
        let frame = frame.clamp(0.0, (f0.len().saturating_sub(1)) as f64) as usize;
        f0[frame].map(|f0| rate / f64::from(f0))
    };
    let peaks = peak_signal(x, rate);
    let mut marks = vec![Mark {
        pos: 0,
        voiced: period_at(0).is_some(),
    }];
    let mut last = 0;
    loop {
        let (step, search) = match period_at(last) {
            Some(period) => (period, period * PEAK_SEARCH),
            None => (unvoiced_spacing as f64, 0.0),
        };
        let predicted = last as f64 + step;
        if predicted >= x.len() as f64 {
            break;
        }
        let voiced = period_at(predicted as usize).is_some();
        let pos = match (voiced, marks.last().is_some_and(|m| m.voiced)) {
            // Within a voiced stretch: where the previous period repeats best.
            (true, true) => best_repeat(x, last, step, search),
            // Voicing onset: the period's main peak.
            (true, false) => {
                let hi = ((predicted + step) as usize).min(x.len() - 1);
                argmax(&peaks, predicted as usize, hi)
            }
            (false, _) => predicted.round() as usize,
        };
        if pos <= last || pos >= x.len() {
            break;
        }
        marks.push(Mark { pos, voiced });
        last = pos;
    }
    // A closing mark on the last sample so that windows sum to one up to the end.
    if last + 1 < x.len() {
        marks.push(Mark {
            pos: x.len() - 1,
            voiced: false,
        });
    }
    marks
}

/// The F0 track as the shift uses it: a 5-frame median removes isolated
/// octave errors; unvoiced gaps of up to `MAX_GAP_FRAMES` inside voiced
/// speech are bridged, and voiced stretches are extended by `EDGE_FRAMES`
/// either side. YIN needs tens of milliseconds of clear periodicity to call
/// a frame voiced, so it misses the breathy ends of syllables; left at the
/// original pitch, those would bend every syllable's contour (its tone).
fn shift_track(f0: &[Option<f32>]) -> Vec<Option<f32>> {
    let median = |i: usize| {
        f0[i]?;
        let mut near: Vec<f32> = f0[i.saturating_sub(2)..(i + 3).min(f0.len())]
            .iter()
            .copied()
            .flatten()
            .collect();
        near.sort_by(f32::total_cmp);
        near.get(near.len() / 2).copied()
    };
    let mut track: Vec<Option<f32>> = (0..f0.len()).map(median).collect();
    let voiced: Vec<usize> = (0..track.len()).filter(|&i| track[i].is_some()).collect();
    for pair in voiced.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        if b - a > 1 && b - a <= MAX_GAP_FRAMES + 1 {
            let fill = track[a];
            track[a + 1..b].fill(fill);
        }
    }
    let snapshot = track.clone();
    for (i, f) in snapshot.iter().enumerate() {
        if f.is_some() {
            for j in i.saturating_sub(EDGE_FRAMES)..(i + EDGE_FRAMES + 1).min(track.len()) {
                track[j] = track[j].or(*f);
            }
        }
    }
    track
}

/// The signal low-passed by a 0.5 ms moving average (so that peak picking
/// follows the strong low-frequency pulse of each period rather than
/// high-frequency ripple) and flipped so that its larger-skew polarity is
/// positive: voiced speech has one dominant pulse polarity per period.
fn peak_signal(x: &[f32], rate: f64) -> Vec<f32> {
    let len = ((rate * 0.0005).round() as usize).max(1);
    let mut smoothed = Vec::with_capacity(x.len());
    let mut sum = 0.0f64;
    for (i, &s) in x.iter().enumerate() {
        sum += f64::from(s);
        if i >= len {
            sum -= f64::from(x[i - len]);
        }
        smoothed.push((sum / len as f64) as f32);
    }
    let skew: f64 = smoothed.iter().map(|&s| f64::from(s).powi(3)).sum();
    if skew < 0.0 {
        for s in &mut smoothed {
            *s = -*s;
        }
    }
    smoothed
}

/// The position near `last + period` (searched `search` samples either way)
/// where a one-period window best matches (normalised cross-correlation) the
/// one around `last`. Following the waveform's repetition keeps consecutive
/// marks at the same point of the period, which peak picking alone does not
/// when a period has two similar peaks.
fn best_repeat(x: &[f32], last: usize, period: f64, search: f64) -> usize {
    let half = (period / 2.0) as usize;
    let predicted = last as f64 + period;
    let lo = ((predicted - search).ceil() as usize).max(last + 1);
    let hi = (predicted + search) as usize;
    let window = |centre: usize| x.get(centre.checked_sub(half)?..centre + half);
    let Some(reference) = window(last) else {
        return predicted.round() as usize;
    };
    let score = |candidate: usize| {
        window(candidate).map_or(f64::NEG_INFINITY, |w| {
            let (dot, energy) =
                w.iter()
                    .zip(reference)
                    .fold((0.0f64, 0.0f64), |(d, e), (&a, &b)| {
                        (
                            d + f64::from(a) * f64::from(b),
                            e + f64::from(a) * f64::from(a),
                        )
                    });
            if energy > 0.0 {
                dot / energy.sqrt()
            } else {
                0.0
            }
        })
    };
    (lo..=hi)
        .map(|candidate| (score(candidate), candidate))
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map_or(predicted.round() as usize, |(_, candidate)| candidate)
}

/// Index of the largest value in `values[lo..=hi]` (`lo` if the range is
/// empty).
fn argmax(values: &[f32], lo: usize, hi: usize) -> usize {
    (lo..=hi)
        .max_by(|&a, &b| values[a].total_cmp(&values[b]))
        .unwrap_or(lo)
}

/// Re-synthesis into `out_len` samples: grains cut at `marks` (each spanning
/// the previous to the next mark under an asymmetric window) are added
/// at output positions whose voiced spacing is the analysis spacing divided
/// by `ratio`. Each output position takes the grain whose mark is nearest to
/// the corresponding input time, so grains get repeated or skipped to fit
/// the new pitch and length. Unvoiced spacing is unchanged, so there the
/// windows sum to one and, at the input length, the signal comes out as it
/// went in.
///
/// Lowering spreads the grains further apart than they overlap. Plain Hann
/// grains then fade each period's response right after its pulse and leave the
/// level between pulses at about a third (a buzzy, processed sound), so a
/// voiced grain of a lowered voice is flat in the middle and tapers only across
/// the stretch it shares with its neighbours; complementary tapers sum to one.
fn overlap_add(x: &[f32], marks: &[Mark], ratio: f64, out_len: usize) -> Vec<f32> {
    let n = x.len();
    let mut out = vec![0.0f32; out_len];
    let time_scale = n as f64 / out_len.max(1) as f64;
    let mut k = 0;
    let mut t = 0.0f64;
    while t < out_len as f64 {
        let source = t * time_scale;
        while k + 1 < marks.len() && marks[k + 1].pos as f64 - source < source - marks[k].pos as f64
        {
            k += 1;
        }
        let centre = marks[k].pos;
        let left = if k > 0 { centre - marks[k - 1].pos } else { 0 };
        let right = marks.get(k + 1).map_or(n - centre, |m| m.pos - centre);
        let taper = if marks[k].voiced { taper_fraction(ratio) } else { 1.0 };
        add_grain(&mut out, x, Grain { centre, left, right, taper }, t.round() as usize);
        let spacing = right as f64;
        t += if marks[k].voiced {
            spacing / ratio
        } else {
            spacing
        };
    }
    out
}

/// Share of each window half that tapers, for a voiced grain placed at
/// `1 / ratio` times its period: all of it (Hann) unless lowering, then the
/// stretch adjacent grains overlap, `2 - 1 / ratio` of a period.
fn taper_fraction(ratio: f64) -> f32 {
    if ratio >= 1.0 {
        1.0
    } else {
        (2.0 - 1.0 / ratio).clamp(0.1, 1.0) as f32
    }
}

/// A grain: `x[centre - left .. centre + right]`, tapering over the outer
/// `taper` share of each side (1 = Hann).
struct Grain {
    centre: usize,
    left: usize,
    right: usize,
    taper: f32,
}

/// Adds a grain, windowed, centred at `at` in `out` (clipped to its bounds).
fn add_grain(out: &mut [f32], x: &[f32], grain: Grain, at: usize) {
    let Grain { centre, left, right, taper } = grain;
    let weight = |offset: isize| {
        let half = if offset < 0 { left } else { right };
        if half == 0 {
            return 1.0;
        }
        let taper_len = (half as f32 * taper).max(1.0);
        let into_taper = offset.unsigned_abs() as f32 - (half as f32 - taper_len);
        if into_taper <= 0.0 {
            1.0
        } else {
            0.5 + 0.5 * (std::f32::consts::PI * into_taper / taper_len).cos()
        }
    };
    for offset in -(left as isize)..right as isize {
        let (Some(src), Some(dst)) = (
            centre.checked_add_signed(offset),
            at.checked_add_signed(offset),
        ) else {
            continue;
        };
        if let (Some(&s), Some(o)) = (x.get(src), out.get_mut(dst)) {
            *o += weight(offset) * s;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::median_f0;
    use crate::audio::test_signals::{harmonic, speech_like};
    use std::f64::consts::TAU;

    const RATE: u32 = 24_000;

    /// Harmonics of `f0` shaped by two formant resonances (700 and 1200 Hz),
    /// like a sustained /a/.
    fn vowel(f0: f64, seconds: f64) -> Buffer {
        let resonance =
            |f: f64, centre: f64, width: f64| 1.0 / (1.0 + ((f - centre) / width).powi(2));
        let harmonics: Vec<(f64, f64)> = (1..)
            .map(|k| k as f64 * f0)
            .take_while(|&f| f < 5_000.0)
            .map(|f| {
                (
                    f,
                    resonance(f, 700.0, 120.0) + 0.6 * resonance(f, 1_200.0, 150.0) + 0.02,
                )
            })
            .collect();
        let n = (seconds * f64::from(RATE)) as usize;
        let samples = (0..n)
            .map(|i| {
                let t = i as f64 / f64::from(RATE);
                let s: f64 = harmonics
                    .iter()
                    .map(|&(f, a)| a * (TAU * f * t).sin())
                    .sum();
                (0.1 * s) as f32
            })
            .collect();
        Buffer::new(RATE, samples)
    }

    /// Power-weighted mean frequency (Hz) of the middle 4096 samples (plain
    /// DFT under a Hann window).
    fn spectral_centroid(b: &Buffer) -> f64 {
        const N: usize = 4096;
        let start = (b.samples.len() - N) / 2;
        let frame: Vec<f64> = (0..N)
            .map(|i| {
                let w = 0.5 - 0.5 * (TAU * i as f64 / N as f64).cos();
                w * f64::from(b.samples[start + i])
            })
            .collect();
        let (mut weighted, mut total) = (0.0, 0.0);
        for bin in 1..N / 2 {
            let (re, im) = frame
                .iter()
                .enumerate()
                .fold((0.0, 0.0), |(re, im), (i, &s)| {
                    let phase = TAU * (bin * i % N) as f64 / N as f64;
                    (re + s * phase.cos(), im - s * phase.sin())
                });
            let power = re * re + im * im;
            weighted += power * bin as f64 * f64::from(b.rate) / N as f64;
            total += power;
        }
        weighted / total
    }

    fn assert_near(value: f64, expected: f64, tolerance: f64, what: &str) {
        assert!(
            (value / expected - 1.0).abs() <= tolerance,
            "{what}: {value}, expected {expected} ± {:.0} %",
            tolerance * 100.0
        );
    }

    #[test]
    fn lowers_pitch_keeps_length_and_envelope() {
        let input = vowel(220.0, 1.0);
        let out = shift_pitch(&input, 0.7);
        assert_eq!(out.rate, RATE);
        assert_eq!(out.samples.len(), input.samples.len());
        assert_near(f64::from(median_f0(&out).unwrap()), 154.0, 0.03, "F0");
        assert_near(
            spectral_centroid(&out),
            spectral_centroid(&input),
            0.05,
            "centroid",
        );
        // The level holds between the pulses: no dips from grains set apart.
        let rms = |b: &Buffer| {
            let middle = &b.samples[b.samples.len() / 4..b.samples.len() * 3 / 4];
            (middle.iter().map(|&s| f64::from(s).powi(2)).sum::<f64>() / middle.len() as f64).sqrt()
        };
        assert_near(rms(&out), rms(&input), 0.15, "level");
    }

    #[test]
    fn formant_ratio_moves_the_envelope_not_the_pitch() {
        let input = vowel(220.0, 1.0);
        let out = shift_voice(&input, 0.7, 0.9);
        assert_eq!(out.samples.len(), input.samples.len());
        assert_near(f64::from(median_f0(&out).unwrap()), 154.0, 0.03, "F0");
        assert_near(
            spectral_centroid(&out),
            0.9 * spectral_centroid(&input),
            0.05,
            "centroid",
        );
    }

    #[test]
    fn raises_pitch_too() {
        let input = Buffer::new(RATE, harmonic(RATE, 150.0, 0.5, 1.0));
        assert_near(
            f64::from(median_f0(&shift_pitch(&input, 1.3)).unwrap()),
            195.0,
            0.03,
            "F0",
        );
    }

    #[test]
    fn follows_a_gliding_pitch_with_pauses() {
        let input = Buffer::new(RATE, speech_like(RATE, 0.5, 6.0));
        let out = shift_pitch(&input, 0.7);
        assert_eq!(out.samples.len(), input.samples.len());
        let expected = 0.7 * f64::from(median_f0(&input).unwrap());
        assert_near(f64::from(median_f0(&out).unwrap()), expected, 0.03, "F0");
    }

    #[test]
    fn unit_ratio_and_unvoiced_input_pass_through() {
        let mut state = 1u32;
        let noise: Vec<f32> = (0..RATE)
            .map(|_| {
                state = state.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
                (state >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect();
        for input in [
            Buffer::new(RATE, speech_like(RATE, 0.5, 3.0)),
            Buffer::new(RATE, noise),
        ] {
            let ratio = if median_f0(&input).is_some() {
                1.0
            } else {
                0.7
            };
            let out = shift_pitch(&input, ratio);
            let worst = input
                .samples
                .iter()
                .zip(&out.samples)
                .map(|(a, b)| (a - b).abs())
                .fold(0.0f32, f32::max);
            assert!(worst < 1e-5, "max difference {worst}");
        }
    }

    #[test]
    fn degenerate_inputs_do_not_panic() {
        let tone = harmonic(RATE, 200.0, 0.5, 0.5);
        let mut with_nan = tone.clone();
        with_nan[100] = f32::NAN;
        with_nan[200] = f32::INFINITY;
        let cases = [
            Buffer::new(RATE, vec![]),
            Buffer::new(RATE, vec![0.3]),
            Buffer::new(RATE, tone[..100].to_vec()),
            Buffer::silence(RATE, 1.0),
            Buffer::new(RATE, with_nan),
            Buffer::new(0, tone.clone()),
            Buffer::new(1, tone.clone()),
            Buffer::new(8_000, harmonic(8_000, 200.0, 0.5, 0.5)),
            Buffer::new(44_100, harmonic(44_100, 200.0, 0.5, 0.5)),
        ];
        for input in &cases {
            for (ratio, formants) in [
                (0.7, 1.0),
                (0.7, 0.92),
                (0.0, 1.0),
                (-1.0, 1.0),
                (f32::NAN, 1.0),
                (0.01, f32::NAN),
                (100.0, 0.0),
                (0.7, 1e9),
            ] {
                let out = shift_voice(input, ratio, formants);
                assert_eq!(out.rate, input.rate);
                assert_eq!(out.samples.len(), input.samples.len());
                assert!(out.samples.iter().all(|s| s.is_finite()));
            }
        }
        // Nothing to shift: the (sanitised) input comes back.
        let silence = Buffer::silence(RATE, 1.0);
        assert_eq!(shift_pitch(&silence, 0.7), silence);
        assert_eq!(
            shift_pitch(&Buffer::new(RATE, vec![f32::NAN; 3]), 0.7).samples,
            [0.0; 3]
        );
    }
}
