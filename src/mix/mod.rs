//! The mixer: synthesized utterances → one episode. Each segment is trimmed and faded;
//! each voice is levelled to the same loudness and limited under the ceiling; the segments
//! are resampled once to the output rate as they are laid on the timeline with pauses; the
//! whole is normalized to the target loudness. The timeline is recorded as a cue list.

mod chapters;
mod cues;
mod pauses;

pub use chapters::{chapters, Chapter};
pub use cues::{Cues, SentenceCue, TurnCue};
pub use pauses::Pauses;

use crate::audio::{self, Buffer, LoudnessReport};
use crate::error::Result;
use crate::plan::Utterance;
use crate::script::Script;
use std::collections::BTreeMap;

/// Below this level (dBFS) the start and end of a segment count as silence.
const TRIM_THRESHOLD_DB: f32 = -50.0;
const FADE_IN_SECS: f64 = 0.004;
/// How far under the episode's true-peak ceiling segments are limited (dB).
const SEGMENT_HEADROOM_DB: f64 = 0.5;
const FADE_OUT_SECS: f64 = 0.012;

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

/// Mixes `segments` (one per utterance, in order) into an episode.
pub fn mix(script: &Script, utterances: &[Utterance], segments: Vec<Buffer>, settings: &MixSettings) -> Result<Episode> {
    let mut prepared: Vec<Buffer> = segments.into_iter().map(prepare).collect();
    level_voices(utterances, &mut prepared, settings.target_lufs);
    // Limiting segment by segment, with headroom for resampling and the final small gain,
    // keeps the episode-wide limiter (on hundreds of MB) idle in the usual case.
    for segment in &mut prepared {
        audio::limit(segment, settings.ceiling_dbtp - SEGMENT_HEADROOM_DB);
    }
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

/// Brings every voice to the same integrated loudness, so host and guest sound equally
/// loud before the episode as a whole is normalized.
fn level_voices(utterances: &[Utterance], segments: &mut [Buffer], target_lufs: f64) {
    let mut by_voice: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (index, utterance) in utterances.iter().enumerate() {
        by_voice.entry(&utterance.voice.name).or_default().push(index);
    }
    for indices in by_voice.values() {
        let Some(rate) = indices.first().map(|&i| segments[i].rate) else { continue };
        let parts = indices.iter().map(|&i| segments[i].samples.as_slice());
        // A voice too short to measure keeps its level; the episode normalization still applies.
        let Ok(lufs) = audio::integrated_loudness_of(rate, parts) else { continue };
        let gain = 10f64.powf((target_lufs - lufs) / 20.0) as f32;
        for &i in indices {
            segments[i].samples.iter_mut().for_each(|s| *s *= gain);
        }
    }
}

/// Places segments and pauses on one timeline and records the cues.
/// Resamples each segment to `rate` as it goes on the timeline, taking the segments by
/// value so each is freed once placed: the episode is the only long buffer.
fn lay_out(script: &Script, utterances: &[Utterance], segments: Vec<Buffer>, rate: u32, pauses: &Pauses) -> Result<(Buffer, Cues)> {
    let seconds = |samples: usize| samples as f64 / rate as f64;
    let to_samples = |secs: f64| (secs * rate as f64).round() as usize;
    let speech: usize = segments.iter().map(|s| (s.duration() * rate as f64).ceil() as usize).sum();
    let silence: f64 = utterances.iter().map(|u| pauses.before(u.boundary)).sum::<f64>() + pauses.tail;
    let mut samples: Vec<f32> = Vec::with_capacity(speech + to_samples(silence) + utterances.len());
    let mut sentences = Vec::with_capacity(utterances.len());
    let mut turns: Vec<TurnCue> = Vec::new();
    for (utterance, segment) in utterances.iter().zip(segments) {
        samples.resize(samples.len() + to_samples(pauses.before(utterance.boundary)), 0.0);
        let start = seconds(samples.len());
        samples.extend_from_slice(&audio::resample(&segment, rate)?.samples);
        let end = seconds(samples.len());
        sentences.push(SentenceCue { turn: utterance.turn, speaker: utterance.speaker.clone(), start, end, text: utterance.text.clone() });
        match turns.last_mut() {
            Some(cue) if cue.turn == utterance.turn => cue.end = end,
            _ => {
                let turn = &script.turns[utterance.turn];
                turns.push(TurnCue { turn: utterance.turn, speaker: turn.speaker.clone(), kind: turn.kind, section: turn.section, start, end });
            }
        }
    }
    samples.resize(samples.len() + to_samples(pauses.tail), 0.0);
    let cues = Cues { duration: seconds(samples.len()), sample_rate: rate, turns, sentences };
    Ok((Buffer::new(rate, samples), cues))
}
