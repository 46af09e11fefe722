//! The mixer: synthesized utterances → one episode. Each segment is trimmed and faded;
//! each voice is levelled to the same loudness and limited under the ceiling; the segments
//! are resampled once to the output rate as they are laid on the timeline with pauses; the
//! whole is normalized to the target loudness. The timeline is recorded as a cue list.

mod chapters;
mod cues;
mod estimate;
mod pauses;

pub use chapters::{chapters, Chapter};
pub use cues::{Cues, SentenceCue, TurnCue};
pub use estimate::{describe, expected_duration};
pub use pauses::Pauses;

use crate::audio::{self, Buffer, LoudnessReport};
use crate::error::Result;
use crate::memory;
use crate::plan::Utterance;
use crate::script::Script;
use rayon::prelude::*;
use std::collections::BTreeMap;

/// Below this level (dBFS) the start and end of a segment count as silence.
const TRIM_THRESHOLD_DB: f32 = -50.0;
const FADE_IN_SECS: f64 = 0.004;
/// How far under the episode's true-peak ceiling segments are limited (dB).
const SEGMENT_HEADROOM_DB: f64 = 1.0;
const FADE_OUT_SECS: f64 = 0.012;
/// Segments resampled onto the timeline between two returns of freed memory.
const LAYOUT_BATCH: usize = 32;

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

/// A mixed episode: its audio, where everything is in it, and its measured loudness.
#[derive(Clone, Debug)]
pub struct Episode {
    pub audio: Buffer,
    pub cues: Cues,
    pub loudness: LoudnessReport,
}

/// Mixes `segments` (one per utterance, in order) into an episode. The work is spread
/// over the current rayon pool; the result does not depend on its size.
pub fn mix(script: &Script, utterances: &[Utterance], segments: Vec<Buffer>, settings: &MixSettings) -> Result<Episode> {
    let mut prepared: Vec<Buffer> = segments.into_par_iter().map(prepare).collect();
    let gains = voice_gains(utterances, &prepared, settings.target_lufs);
    // Limiting segment by segment, with headroom for resampling and the final small gain,
    // keeps the episode-wide limiter (on hundreds of MB) idle in the usual case.
    prepared.par_iter_mut().zip(gains).for_each(|(segment, gain)| {
        segment.samples.iter_mut().for_each(|s| *s *= gain);
        audio::limit(segment, settings.ceiling_dbtp - SEGMENT_HEADROOM_DB);
    });
    let (mut audio, cues) = lay_out(script, utterances, prepared, settings.sample_rate, &settings.pauses)?;
    let loudness = audio::normalize_loudness(&mut audio, settings.target_lufs, settings.ceiling_dbtp)?;
    Ok(Episode { audio, cues, loudness })
}

/// Trims the engine's padding and fades the edges.
fn prepare(segment: Buffer) -> Buffer {
    let mut trimmed = audio::trim_silence(&segment, TRIM_THRESHOLD_DB);
    audio::fade_edges(&mut trimmed, FADE_IN_SECS, FADE_OUT_SECS);
    trimmed
}

/// The gain per segment that brings every voice to the same integrated loudness, so host
/// and guest sound equally loud before the episode as a whole is normalized.
fn voice_gains(utterances: &[Utterance], segments: &[Buffer], target_lufs: f64) -> Vec<f32> {
    let mut by_voice: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, utterance) in utterances.iter().enumerate() {
        by_voice.entry(&utterance.voice.name).or_default().push(index);
    }
    let voice_gain: Vec<(Vec<usize>, f32)> = by_voice
        .into_par_iter()
        .map(|(_, indices)| {
            let rate = indices.first().map_or(0, |&i| segments[i].rate);
            let parts = indices.iter().map(|&i| segments[i].samples.as_slice());
            // A voice too short to measure keeps its level; the episode normalization still applies.
            let gain = audio::integrated_loudness_of(rate, parts).map_or(1.0, |lufs| 10f64.powf((target_lufs - lufs) / 20.0) as f32);
            (indices, gain)
        })
        .collect();
    let mut gains = vec![1.0; segments.len()];
    for (indices, gain) in voice_gain {
        indices.into_iter().for_each(|i| gains[i] = gain);
    }
    gains
}

/// Places segments and pauses on one timeline and records the cues. The layout is worked
/// out first; then each segment is resampled to `rate` straight into its place, in
/// parallel, and freed: the episode is the only long buffer.
fn lay_out(script: &Script, utterances: &[Utterance], segments: Vec<Buffer>, rate: u32, pauses: &Pauses) -> Result<(Buffer, Cues)> {
    let seconds = |samples: usize| samples as f64 / rate as f64;
    let to_samples = |secs: f64| (secs * rate as f64).round() as usize;
    let mut places = Vec::with_capacity(segments.len());
    let mut sentences = Vec::with_capacity(utterances.len());
    let mut turns: Vec<TurnCue> = Vec::new();
    let mut end = 0;
    for (utterance, segment) in utterances.iter().zip(&segments) {
        let start = end + to_samples(pauses.before(utterance.boundary));
        end = start + audio::resampled_len(segment.samples.len(), segment.rate, rate);
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
    let mut samples = vec![0.0f32; end + to_samples(pauses.tail)];
    let mut slots = Vec::with_capacity(places.len());
    let (mut rest, mut offset) = (samples.as_mut_slice(), 0);
    for place in places {
        let (_, from_start) = std::mem::take(&mut rest).split_at_mut(place.start - offset);
        let (slot, after) = from_start.split_at_mut(place.len());
        slots.push(slot);
        (rest, offset) = (after, place.end);
    }
    // In batches, handing the freed segments' memory back after each: the episode grows
    // as the segments shrink, instead of on top of them.
    let mut placed = segments.into_iter().zip(slots);
    loop {
        let batch: Vec<(Buffer, &mut [f32])> = placed.by_ref().take(LAYOUT_BATCH).collect();
        if batch.is_empty() {
            break;
        }
        batch.into_par_iter().try_for_each(|(segment, slot)| -> Result<()> {
            slot.copy_from_slice(&audio::resample(&segment, rate)?.samples);
            Ok(())
        })?;
        memory::release_freed();
    }
    let cues = Cues { duration: seconds(samples.len()), sample_rate: rate, turns, sentences };
    Ok((Buffer::new(rate, samples), cues))
}
