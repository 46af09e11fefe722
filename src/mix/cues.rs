//! The cue list: where each turn and each sentence sits in the episode. Transcripts and
//! chapters are made from it.

use crate::script::TurnKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct Cues {
    /// Episode length in seconds.
    pub duration: f64,
    pub sample_rate: u32,
    pub turns: Vec<TurnCue>,
    pub sentences: Vec<SentenceCue>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TurnCue {
    /// Index into the script's turns.
    pub turn: usize,
    pub speaker: String,
    pub kind: TurnKind,
    pub section: usize,
    pub start: f64,
    pub end: f64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct SentenceCue {
    pub turn: usize,
    pub speaker: String,
    pub start: f64,
    pub end: f64,
    pub text: String,
}
