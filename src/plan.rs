//! Script → utterances: each turn split into sentences (the unit an engine speaks), each
//! with its voice, its normalized text, and the kind of boundary that precedes it (which
//! decides the pause the mixer puts there).

use crate::error::Result;
use crate::script::{Role, Script};
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

/// Pitch and formant steps that set apart speakers the cast gives the same voice (the
/// third and later guests of a panel): higher, lower, higher still, lower still.
const DERIVED_PITCH: [f32; 4] = [1.22, 0.84, 1.4, 0.74];
const DERIVED_FORMANT: [f32; 4] = [1.06, 0.95, 1.1, 0.9];

/// Plans the utterances for a script with the voices the cast assigns.
pub fn plan(script: &Script, cast: &Cast, catalog: &VoiceCatalog) -> Result<Vec<Utterance>> {
    let voices = speaker_voices(script, cast, catalog)?;
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
                    let spoken = match voice.language {
                        // Chinese names and places in English text are read in pinyin.
                        Language::En => text::normalize(&text::han_to_pinyin(&piece), Language::En),
                        Language::Zh => text::normalize(&piece, Language::Zh),
                    };
                    if !spoken.chars().any(char::is_alphanumeric) {
                        continue;
                    }
                    utterances.push(Utterance {
                        turn: index,
                        speaker: turn.speaker.clone(),
                        voice: voice.clone(),
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

/// The voice profile per speaker id. A speaker the cast gives a voice another speaker
/// already has (a panel's third guest falling back to the `guest` voice) gets that voice
/// made distinct: pitch and formants moved, named `VOICE~N`. Interviewers are the
/// exception: a press conference's reporters all ask in the host's voice, the episode's
/// one voice for questions.
pub fn speaker_voices(script: &Script, cast: &Cast, catalog: &VoiceCatalog) -> Result<BTreeMap<String, VoiceProfile>> {
    let assigned = cast.voices_for(script)?;
    let mut voices = BTreeMap::new();
    let mut uses: BTreeMap<String, usize> = BTreeMap::new();
    for speaker in &script.speakers {
        let Some(name) = assigned.get(&speaker.id) else { continue };
        if voices.contains_key(&speaker.id) {
            continue;
        }
        let profile = catalog.get(name)?;
        let earlier = uses.entry(name.clone()).or_default();
        let voice = if *earlier == 0 || speaker.role == Role::Host { profile.clone() } else { derived(profile, *earlier) };
        *earlier += 1;
        voices.insert(speaker.id.clone(), voice);
    }
    Ok(voices)
}

fn derived(profile: &VoiceProfile, nth: usize) -> VoiceProfile {
    let step = (nth - 1) % DERIVED_PITCH.len();
    VoiceProfile {
        name: format!("{}~{nth}", profile.name),
        pitch: (profile.pitch * DERIVED_PITCH[step]).clamp(0.25, 4.0),
        formant: (profile.formant * DERIVED_FORMANT[step]).clamp(0.8, 1.25),
        ..profile.clone()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::script::{Section, Source, Speaker, Turn, TurnKind};

    #[test]
    fn panel_guests_sharing_a_voice_get_derived_ones_and_reporters_share_the_host_voice() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("g.toml"), "engine = \"espeak-ng\"\nvoice = \"en-us\"\nlanguage = \"en\"\npitch = 0.8\n").unwrap();
        std::fs::write(dir.path().join("h.toml"), "engine = \"espeak-ng\"\nvoice = \"en-us\"\nlanguage = \"en\"\n").unwrap();
        let catalog = VoiceCatalog::load(dir.path()).unwrap();
        let cast_file = dir.path().join("cast.toml");
        std::fs::write(&cast_file, "[en]\nhost = \"h\"\nguest = \"g\"\n").unwrap();
        let cast = Cast::load(&cast_file).unwrap();
        let speaker = |id: &str, role| Speaker { id: id.into(), name: id.into(), role };
        let script = Script {
            title: "t".into(),
            language: Language::En,
            source: Source::default(),
            speakers: vec![speaker("host", Role::Host), speaker("guest", Role::Guest), speaker("guest2", Role::Guest), speaker("guest3", Role::Guest)],
            sections: vec![Section { title: "t".into() }],
            turns: vec![Turn { speaker: "guest3".into(), kind: TurnKind::Answer, section: 0, text: "We met in 杭州.".into() }],
        };
        let voices = speaker_voices(&script, &cast, &catalog).unwrap();
        let names: Vec<&str> = ["host", "guest", "guest2", "guest3"].iter().map(|id| voices[*id].name.as_str()).collect();
        assert_eq!(names, ["h", "g", "g~1", "g~2"]);
        assert!(voices["guest2"].pitch > voices["guest"].pitch && voices["guest3"].pitch < voices["guest"].pitch);
        let utterances = plan(&script, &cast, &catalog).unwrap();
        assert!(utterances[0].spoken.contains("Hangzhou"), "{}", utterances[0].spoken);

        // A press conference: every reporter asks in the host's own voice.
        let script = Script {
            speakers: vec![speaker("host", Role::Host), speaker("host2", Role::Host), speaker("guest", Role::Guest), speaker("host3", Role::Host)],
            ..script
        };
        let voices = speaker_voices(&script, &cast, &catalog).unwrap();
        let names: Vec<&str> = ["host", "host2", "guest", "host3"].iter().map(|id| voices[*id].name.as_str()).collect();
        assert_eq!(names, ["h", "h", "g", "h"]);
    }
}
