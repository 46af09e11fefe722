//! Script → utterances: each turn split into sentences (the unit an engine speaks), each
//! with its voice, its normalized text, and the kind of boundary that precedes it (which
//! decides the pause the mixer puts there).

use crate::error::Result;
use crate::script::Script;
use crate::text;
use crate::tts::{Cast, VoiceCatalog, VoiceProfile};
use crate::Language;
use std::collections::BTreeMap;

/// What separates an utterance from the one before it, weakest to strongest.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Boundary {
    Start,
    /// Between the pieces of a sentence too long for one engine call.
    Clause,
    Sentence,
    Paragraph,
    /// A new turn by the same speaker.
    Turn,
    /// A new turn by another speaker.
    Speaker,
    Section,
}

/// One engine call: a sentence (or a piece of a long one) in one voice.
#[derive(Clone, Debug, PartialEq)]
pub struct Utterance {
    /// Index into the script's turns.
    pub turn: usize,
    /// Speaker id of the turn.
    pub speaker: String,
    pub voice: VoiceProfile,
    /// The sentence as written (for transcripts).
    pub text: String,
    /// The sentence as the engine should read it (numbers and symbols spelled out).
    pub spoken: String,
    pub boundary: Boundary,
}

/// Longest utterance, in characters, handed to an engine in one call, unless the voice
/// profile sets its own `max_chars`.
pub fn default_max_chars(language: Language) -> usize {
    match language {
        Language::Zh => 80,
        Language::En => 240,
    }
}

/// Plans the utterances for a script with the voices the cast assigns.
pub fn plan(script: &Script, cast: &Cast, catalog: &VoiceCatalog) -> Result<Vec<Utterance>> {
    let mut voices: BTreeMap<String, &VoiceProfile> = BTreeMap::new();
    for (speaker, voice) in cast.voices_for(script)? {
        voices.insert(speaker, catalog.get(&voice)?);
    }
    let mut utterances = Vec::new();
    let mut previous: Option<(&str, usize)> = None;
    for (index, turn) in script.turns.iter().enumerate() {
        let Some(voice) = voices.get(&turn.speaker) else { continue };
        let limit = voice.max_chars.unwrap_or_else(|| default_max_chars(voice.language));
        let mut boundary = match previous {
            None => Boundary::Start,
            Some((_, section)) if section != turn.section => Boundary::Section,
            Some((speaker, _)) if speaker != turn.speaker => Boundary::Speaker,
            Some(_) => Boundary::Turn,
        };
        for paragraph in turn.paragraphs() {
            for sentence in text::sentences(paragraph, usize::MAX) {
                for piece in text::sentences(&sentence, limit) {
                    let spoken = text::normalize(&piece, voice.language);
                    if !spoken.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    utterances.push(Utterance {
                        turn: index,
                        speaker: turn.speaker.clone(),
                        voice: (*voice).clone(),
                        text: piece,
                        spoken,
                        boundary,
                    });
                    boundary = Boundary::Clause;
                }
                if boundary == Boundary::Clause {
                    boundary = Boundary::Sentence;
                }
            }
            if boundary == Boundary::Sentence {
                boundary = Boundary::Paragraph;
            }
        }
        previous = Some((&turn.speaker, turn.section));
    }
    Ok(utterances)
}
