//! The mixed episode on disk, and the mastering pass that streams it out.
//!
//! An episode can run for hours (5 h of 44.1 kHz float samples is 3.2 GB), so it is never
//! held in memory: the mixer writes the timeline to a temporary file, and everything after
//! reads it back block by block. A block is an MP3 piece and the silence after it (see
//! `PieceCutter`); each is read with the context the limiter needs around it, so limiting
//! it alone gives the samples limiting the whole would. Blocks are worked on in parallel,
//! and metered, written and encoded in order: the result does not depend on the number of
//! workers.

use crate::audio::{self, AudioError, Buffer, LOUDNESS_TOLERANCE_LU, LoudnessMeter, LoudnessReport, MAX_MAKEUP_DB, MAX_PASSES, TRIM_MARGIN_DB};
use crate::error::{Error, Result};
use crate::export::mp3;
use rayon::prelude::*;
use std::fs::File;
use std::ops::Range;
use std::os::unix::fs::FileExt;

/// Bytes per sample in the timeline file (little-endian f32).
const SAMPLE_BYTES: usize = 4;

/// The episode as the mixer laid it out (segments levelled and placed, before the episode
/// is normalised), in a temporary file, with what the mixer measured while writing it.
pub struct Mixdown {
    timeline: File,
    len: usize,
    rate: u32,
    /// Largest sample magnitude.
    peak: f32,
    /// Integrated loudness as laid out.
    lufs: f64,
    /// Consecutive ranges covering the timeline, each starting with an MP3 piece.
    blocks: Vec<Range<usize>>,
    /// MP3 pieces (at the MP3 rate only).
    pieces: Vec<Range<usize>>,
    /// Gain (dB) that brings the episode to its target loudness, once settled.
    gain_db: f64,
    ceiling_dbtp: f64,
}

/// What a pass over the blocks is for.
#[derive(Clone, Copy)]
enum Pass {
    /// Loudness only.
    Measure,
    /// The final audio, its true peak, and MP3 pieces if asked.
    Finish { mp3: bool },
}

/// Samples of the final audio, a block at a time, with its MP3 stream when encoded here.
pub struct Block<'a> {
    pub samples: &'a [f32],
    pub mp3: Option<Vec<u8>>,
}

impl Mixdown {
    /// Wraps a timeline file of `len` samples written with the figures measured then.
    pub(super) fn new(timeline: File, len: usize, rate: u32, peak: f32, lufs: f64, pieces: Vec<Range<usize>>, ceiling_dbtp: f64) -> Self {
        let starts: Vec<usize> = pieces.iter().map(|p| p.start).chain([len]).collect();
        let blocks = starts.windows(2).map(|w| w[0]..w[1]).filter(|b| !b.is_empty()).collect();
        Mixdown { timeline, len, rate, peak, lufs, blocks, pieces, gain_db: 0.0, ceiling_dbtp }
    }

    pub fn rate(&self) -> u32 {
        self.rate
    }

    /// Length in seconds.
    pub fn duration(&self) -> f64 {
        self.len as f64 / f64::from(self.rate)
    }

    /// Works out the gain to `target_lufs`: each round applies a gain and limits; limiting
    /// lowers loudness, so the next round raises the gain by the shortfall (by at most
    /// `MAX_MAKEUP_DB` over the first estimate, for signals the limiter flattens). Rounds
    /// whose gain leaves the limiter idle are not measured (a plain gain moves loudness by
    /// exactly that gain).
    pub(super) fn settle_gain(&mut self, target_lufs: f64) -> Result<()> {
        let first_gain_db = target_lufs - self.lufs;
        let mut applied_db = 0.0;
        let mut step_db = first_gain_db;
        for _ in 0..MAX_PASSES {
            applied_db += step_db;
            self.gain_db = applied_db;
            let loudness = if audio::leaves_untouched(self.peak * amplitude(applied_db), self.ceiling_dbtp) {
                self.lufs + applied_db
            } else {
                self.loudness_as_rendered()?
            };
            let shortfall = target_lufs - loudness;
            if shortfall.abs() <= LOUDNESS_TOLERANCE_LU {
                break;
            }
            step_db = (applied_db + shortfall).min(first_gain_db + MAX_MAKEUP_DB) - applied_db;
        }
        Ok(())
    }

    /// Integrated loudness of the audio with the current gain, limited.
    fn loudness_as_rendered(&self) -> Result<f64> {
        let mut meter = LoudnessMeter::new(self.rate)?;
        self.for_each_block(0.0, Pass::Measure, |block, _| Ok(meter.add(block.samples)?))?;
        Ok(meter.integrated()?)
    }

    /// Streams the final audio to `consume`, block by block in order: gain, limiter, then
    /// `trim_db` (a final lowering, see the caller). With `encode_mp3` (at the MP3 rate
    /// only), each block comes with the MP3 stream of its piece. Returns the loudness and
    /// true peak of what it streamed.
    pub fn render(&self, trim_db: f64, encode_mp3: bool, mut consume: impl FnMut(Block) -> Result<()>) -> Result<LoudnessReport> {
        let mut meter = LoudnessMeter::new(self.rate)?;
        let mut true_peak = 0.0f64;
        let pass = Pass::Finish { mp3: encode_mp3 && self.encodes_mp3() };
        self.for_each_block(trim_db, pass, |block, peak| {
            meter.add(block.samples)?;
            true_peak = true_peak.max(peak);
            consume(block)
        })?;
        if true_peak <= 0.0 {
            return Err(AudioError::Silent.into());
        }
        Ok(LoudnessReport { integrated_lufs: meter.integrated()?, true_peak_dbtp: 20.0 * true_peak.log10() })
    }

    /// Whether `render` can encode MP3 pieces (the timeline is at the MP3 rate).
    pub fn encodes_mp3(&self) -> bool {
        self.rate == mp3::SAMPLE_RATE
    }

    /// Runs the blocks through gain, limiter and trim on the current rayon pool, a batch
    /// at a time, and hands each to `visit` in order with its true peak (0 when only
    /// measuring).
    fn for_each_block(&self, trim_db: f64, pass: Pass, mut visit: impl FnMut(Block, f64) -> Result<()>) -> Result<()> {
        let batch = 2 * rayon::current_num_threads();
        for blocks in self.blocks.chunks(batch) {
            let done: Vec<(Vec<f32>, f64, Option<Vec<u8>>)> = blocks
                .par_iter()
                .map(|block| self.finish_block(block.clone(), trim_db, pass))
                .collect::<Result<_>>()?;
            for (samples, peak, mp3) in done {
                visit(Block { samples: &samples, mp3 }, peak)?;
            }
        }
        Ok(())
    }

    /// One block's final samples, and when finishing its true peak and MP3 piece.
    fn finish_block(&self, block: Range<usize>, trim_db: f64, pass: Pass) -> Result<(Vec<f32>, f64, Option<Vec<u8>>)> {
        let (before, after) = audio::limiter_context(self.rate);
        let start = block.start.saturating_sub(before);
        let end = (block.end + after).min(self.len);
        let mut buffer = Buffer::new(self.rate, self.read(start..end)?);
        let gain = amplitude(self.gain_db);
        buffer.samples.iter_mut().for_each(|s| *s *= gain);
        audio::limit(&mut buffer, self.ceiling_dbtp);
        if trim_db != 0.0 {
            let trim = amplitude(trim_db);
            buffer.samples.iter_mut().for_each(|s| *s *= trim);
        }
        let offset = block.start - start;
        let samples = buffer.samples[offset..offset + block.len()].to_vec();
        let Pass::Finish { mp3: encode } = pass else { return Ok((samples, 0.0, None)) };
        let hop = (self.rate as usize + 5) / 10;
        let lead = &buffer.samples[offset.saturating_sub(3 * hop)..offset];
        let peak = audio::true_peak_of(self.rate, lead, &samples)?;
        let piece = self.pieces.iter().find(|p| p.start == block.start).filter(|_| encode);
        let mp3 = match piece {
            Some(piece) => Some(mp3::encode_piece(&samples[..piece.len()]).map_err(|message| Error::Encode { path: "episode.mp3".into(), message })?),
            None => None,
        };
        Ok((samples, peak, mp3))
    }

    /// Samples `range` of the timeline.
    fn read(&self, range: Range<usize>) -> Result<Vec<f32>> {
        let mut bytes = vec![0u8; range.len() * SAMPLE_BYTES];
        self.timeline.read_exact_at(&mut bytes, (range.start * SAMPLE_BYTES) as u64).map_err(Error::io("the mixed episode's temporary file"))?;
        Ok(bytes.chunks_exact(SAMPLE_BYTES).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect())
    }

    /// The trim (dB) that brings a measured true peak under the ceiling.
    pub fn trim_for(&self, true_peak_dbtp: f64) -> Option<f64> {
        (true_peak_dbtp > self.ceiling_dbtp).then_some(self.ceiling_dbtp - true_peak_dbtp - TRIM_MARGIN_DB)
    }
}

fn amplitude(db: f64) -> f32 {
    10f64.powf(db / 20.0) as f32
}

#[cfg(test)]
mod tests {
    use super::super::Timeline;
    use super::*;
    use crate::audio::test_signals::{ebur128_true_peak_db, harmonic, speech_like};

    const TARGET: f64 = -16.0;
    const CEILING: f64 = -1.0;

    /// The episode audio the mixer makes of `b`, as the pipeline renders it: settled gain,
    /// limiter, and a trim when the measured true peak is over the ceiling.
    fn mastered(b: &Buffer) -> (Buffer, LoudnessReport) {
        let mut timeline = Timeline::new(b.rate).unwrap();
        timeline.write(&b.samples).unwrap();
        let mut mixdown = timeline.finish(CEILING).unwrap();
        mixdown.settle_gain(TARGET).unwrap();
        let render = |trim_db| {
            let mut samples = Vec::new();
            let report = mixdown.render(trim_db, false, |block| {
                samples.extend_from_slice(block.samples);
                Ok(())
            }).unwrap();
            (Buffer::new(b.rate, samples), report)
        };
        let (audio, report) = render(0.0);
        match mixdown.trim_for(report.true_peak_dbtp) {
            Some(trim_db) => render(trim_db),
            None => (audio, report),
        }
    }

    fn assert_normalized(name: &str, b: Buffer) {
        let (b, report) = mastered(&b);
        let check = audio::measure(&b).unwrap();
        assert_eq!(
            report, check,
            "{name}: report must describe the final audio"
        );
        assert!(
            (check.integrated_lufs - TARGET).abs() <= 0.5,
            "{name}: {} LUFS",
            check.integrated_lufs
        );
        let tp = ebur128_true_peak_db(&b.samples, b.rate);
        assert!(tp <= CEILING, "{name}: true peak {tp} dBTP");
    }

    #[test]
    fn loud_speech_like_signal() {
        assert_normalized("loud", Buffer::new(44_100, speech_like(44_100, 0.95, 8.0)));
    }

    #[test]
    fn quiet_speech_like_signal() {
        let b = Buffer::new(24_000, speech_like(24_000, 0.02, 8.0));
        assert!(audio::measure(&b).unwrap().integrated_lufs < -40.0);
        assert_normalized("quiet", b);
    }

    #[test]
    fn transients_that_would_clip() {
        // A quiet bed with sharp clicks: plain gain to −16 LUFS would put the
        // clicks far above 0 dBFS, so the limiter has to do real work.
        let rate = 44_100;
        let mut samples = speech_like(rate, 0.05, 8.0);
        for i in (500..samples.len()).step_by(11_025) {
            for (j, v) in [0.9f32, -0.8, 0.6, -0.3].iter().enumerate() {
                samples[i + j] = *v;
            }
        }
        let b = Buffer::new(rate, samples);
        let before = audio::measure(&b).unwrap();
        assert!(before.true_peak_dbtp + (TARGET - before.integrated_lufs) > 6.0);
        assert_normalized("transients", b);
    }

    #[test]
    fn steady_tones_at_several_rates() {
        for rate in [16_000, 22_050, 48_000] {
            assert_normalized(
                "harmonic",
                Buffer::new(rate, harmonic(rate, 180.0, 0.5, 3.0)),
            );
        }
    }

    #[test]
    fn silence_is_an_error() {
        let mut timeline = Timeline::new(44_100).unwrap();
        timeline.write(&vec![0.0; 5 * 44_100]).unwrap();
        assert!(timeline.finish(CEILING).is_err());
    }
}
