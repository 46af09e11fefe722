//! The mixer: synthesized utterances → one episode. Each segment is trimmed and faded;
//! each voice is levelled to the same loudness and limited under the ceiling; the segments
//! are resampled once to the output rate as they are laid on the timeline with pauses; the
//! whole is normalized to the target loudness (see `master`). The timeline is recorded as
//! a cue list.

mod chapters;
mod cues;
mod estimate;
mod master;
mod pauses;

pub use chapters::{chapters, Chapter};
pub use cues::{Cues, SentenceCue, TurnCue};
pub use estimate::{describe, expected_duration};
pub use master::{Block, Mixdown};
pub use pauses::Pauses;

use crate::audio::{self, Buffer};
use crate::error::{Error, Result};
use crate::export::mp3;
use crate::plan::Utterance;
use crate::script::Script;
use rayon::prelude::*;
use std::collections::BTreeMap;
use std::io::Write;

/// Below this level (dBFS) the start and end of a segment count as silence.
const TRIM_THRESHOLD_DB: f32 = -50.0;
const FADE_IN_SECS: f64 = 0.004;
/// How far under the episode's true-peak ceiling segments are limited (dB).
const SEGMENT_HEADROOM_DB: f64 = 1.0;
const FADE_OUT_SECS: f64 = 0.012;
/// Segments read and worked on in parallel at a time.
const LAYOUT_BATCH: usize = 32;
/// Samples written to the timeline file at a time.
const SILENCE_CHUNK: usize = 1 << 16;

#[derive(Clone, Debug, PartialEq)]
pub struct MixSettings {
    pub sample_rate: u32,
    pub pauses: Pauses,
    /// Integrated loudness of the episode (LUFS); −16 is the common podcast target.
    pub target_lufs: f64,
    /// True-peak ceiling (dBTP).
    pub ceiling_dbtp: f64,
}

impl Default for MixSettings {
    fn default() -> Self {
        MixSettings { sample_rate: 44_100, pauses: Pauses::default(), target_lufs: -16.0, ceiling_dbtp: -1.0 }
    }
}

/// The synthesized segments, one per utterance, read as the mixer needs them: an episode's
/// segments can add up to gigabytes, so they stay on disk (in the segment cache) and are
/// read a few at a time, twice.
pub trait Segments: Sync {
    fn segment(&self, index: usize) -> Result<Buffer>;
}

/// A mixed episode: its audio (on disk, streamed out by [`Mixdown::render`]) and where
/// everything is in it.
pub struct Episode {
    pub audio: Mixdown,
    pub cues: Cues,
}

/// Mixes the segments (one per utterance, in order) into an episode. Memory stays bounded
/// however long the episode is: a first pass over the segments measures each voice's
/// loudness and each segment's length; a second levels, limits and resamples them into a
/// timeline file, measuring it as it is written; the episode gain is then worked out from
/// those figures. The work is spread over the current rayon pool; the result does not
/// depend on its size.
pub fn mix(script: &Script, utterances: &[Utterance], segments: &dyn Segments, settings: &MixSettings) -> Result<Episode> {
    let (lengths, gains) = measure_segments(utterances, segments, settings.target_lufs)?;
    let rate = settings.sample_rate;
    let (places, cues) = lay_out(script, utterances, &lengths, rate, &settings.pauses);
    let total = places.last().map_or(0, |p| p.end) + (settings.pauses.tail * rate as f64).round() as usize;
    let mut timeline = Timeline::new(rate)?;
    let indices: Vec<usize> = (0..utterances.len()).collect();
    for batch in indices.chunks(LAYOUT_BATCH) {
        let placed: Vec<Buffer> = batch
            .par_iter()
            .map(|&i| -> Result<Buffer> {
                let mut segment = prepare(segments.segment(i)?);
                segment.samples.iter_mut().for_each(|s| *s *= gains[i]);
                audio::limit(&mut segment, settings.ceiling_dbtp - SEGMENT_HEADROOM_DB);
                Ok(audio::resample(&segment, rate)?)
            })
            .collect::<Result<_>>()?;
        for (&i, segment) in batch.iter().zip(placed) {
            timeline.silence_until(places[i].start)?;
            timeline.write(&segment.samples[..places[i].len()])?;
        }
    }
    timeline.silence_until(total)?;
    let mut audio = timeline.finish(settings.ceiling_dbtp)?;
    audio.settle_gain(settings.target_lufs)?;
    Ok(Episode { audio, cues })
}

/// Trims the engine's padding and fades the edges.
fn prepare(segment: Buffer) -> Buffer {
    let mut trimmed = audio::trim_silence(&segment, TRIM_THRESHOLD_DB);
    audio::fade_edges(&mut trimmed, FADE_IN_SECS, FADE_OUT_SECS);
    trimmed
}

/// Per prepared segment its (length, rate), and per segment its gain.
type SegmentLevels = (Vec<(usize, u32)>, Vec<f32>);

/// Each prepared segment's (length, rate), and the gain per segment that brings every
/// voice to the same integrated loudness, so host and guest sound equally loud before the
/// episode as a whole is normalized. A voice too short to measure keeps its level.
fn measure_segments(utterances: &[Utterance], segments: &dyn Segments, target_lufs: f64) -> Result<SegmentLevels> {
    let mut voices: BTreeMap<&str, usize> = BTreeMap::new();
    let voice_of: Vec<usize> = utterances
        .iter()
        .map(|u| {
            let next = voices.len();
            *voices.entry(&u.voice.name).or_insert(next)
        })
        .collect();
    let mut meters: Vec<Option<audio::LoudnessMeter>> = (0..voices.len()).map(|_| None).collect();
    let mut lengths = Vec::with_capacity(utterances.len());
    let indices: Vec<usize> = (0..utterances.len()).collect();
    for batch in indices.chunks(LAYOUT_BATCH) {
        let prepared: Vec<Buffer> = batch.par_iter().map(|&i| segments.segment(i).map(prepare)).collect::<Result<_>>()?;
        for (&i, segment) in batch.iter().zip(prepared) {
            lengths.push((segment.samples.len(), segment.rate));
            let meter = &mut meters[voice_of[i]];
            if meter.is_none() {
                *meter = Some(audio::LoudnessMeter::new(segment.rate)?);
            }
            if let Some(meter) = meter {
                meter.add(&segment.samples)?;
            }
        }
    }
    let voice_gain: Vec<f32> = meters
        .iter()
        .map(|meter| meter.as_ref().and_then(|m| m.integrated().ok()).map_or(1.0, |lufs| 10f64.powf((target_lufs - lufs) / 20.0) as f32))
        .collect();
    Ok((lengths, voice_of.iter().map(|&v| voice_gain[v]).collect()))
}

/// Where each segment goes on the timeline (in samples at `rate`), and the cues.
fn lay_out(script: &Script, utterances: &[Utterance], lengths: &[(usize, u32)], rate: u32, pauses: &Pauses) -> (Vec<std::ops::Range<usize>>, Cues) {
    let seconds = |samples: usize| samples as f64 / rate as f64;
    let to_samples = |secs: f64| (secs * rate as f64).round() as usize;
    let mut places = Vec::with_capacity(lengths.len());
    let mut sentences = Vec::with_capacity(utterances.len());
    let mut turns: Vec<TurnCue> = Vec::new();
    let mut end = 0;
    for (utterance, &(len, from)) in utterances.iter().zip(lengths) {
        let start = end + to_samples(pauses.before(utterance.boundary));
        end = start + audio::resampled_len(len, from, rate);
        places.push(start..end);
        let (start, end) = (seconds(start), seconds(end));
        sentences.push(SentenceCue { turn: utterance.turn, speaker: utterance.speaker.clone(), start, end, text: utterance.text.clone() });
        match turns.last_mut() {
            Some(cue) if cue.turn == utterance.turn => cue.end = end,
            _ => {
                let turn = &script.turns[utterance.turn];
                turns.push(TurnCue { turn: utterance.turn, speaker: turn.speaker.clone(), kind: turn.kind, section: turn.section, start, end });
            }
        }
    }
    let duration = seconds(end + to_samples(pauses.tail));
    (places, Cues { duration, sample_rate: rate, turns, sentences })
}

/// The timeline file being written, and what is measured on the way: peak, loudness and
/// where the MP3 pieces fall.
struct Timeline {
    file: std::io::BufWriter<std::fs::File>,
    len: usize,
    rate: u32,
    peak: f32,
    meter: audio::LoudnessMeter,
    cutter: mp3::PieceCutter,
    bytes: Vec<u8>,
}

impl Timeline {
    fn new(rate: u32) -> Result<Self> {
        let file = tempfile::tempfile().map_err(Error::io(std::env::temp_dir()))?;
        Ok(Timeline {
            file: std::io::BufWriter::with_capacity(1 << 20, file),
            len: 0,
            rate,
            peak: 0.0,
            meter: audio::LoudnessMeter::new(rate)?,
            cutter: mp3::PieceCutter::default(),
            bytes: Vec::new(),
        })
    }

    fn write(&mut self, samples: &[f32]) -> Result<()> {
        for chunk in samples.chunks(SILENCE_CHUNK) {
            self.meter.add(chunk)?;
            self.cutter.feed(chunk);
            self.peak = chunk.iter().fold(self.peak, |m, s| m.max(s.abs()));
            self.bytes.clear();
            self.bytes.extend(chunk.iter().flat_map(|s| s.to_le_bytes()));
            self.file.write_all(&self.bytes).map_err(Error::io(std::env::temp_dir()))?;
            self.len += chunk.len();
        }
        Ok(())
    }

    /// Pads with silence up to sample `end`.
    fn silence_until(&mut self, end: usize) -> Result<()> {
        let zeros = [0.0f32; SILENCE_CHUNK];
        while self.len < end {
            let n = (end - self.len).min(SILENCE_CHUNK);
            self.write(&zeros[..n])?;
        }
        Ok(())
    }

    fn finish(self, ceiling_dbtp: f64) -> Result<Mixdown> {
        let lufs = self.meter.integrated()?;
        let file = self.file.into_inner().map_err(|e| Error::io(std::env::temp_dir())(e.into_error()))?;
        Ok(Mixdown::new(file, self.len, self.rate, self.peak, lufs, self.cutter.finish(), ceiling_dbtp))
    }
}
