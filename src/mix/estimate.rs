//! How long an episode will be, estimated from its text before anything is synthesized,
//! so a long build says up front what it is making.

use super::Pauses;
use crate::plan::Utterance;
use crate::tts::piper;
use crate::Language;

/// Words a voice speaks per second at speed 1.0, silences within sentences trimmed: about
/// 200 a minute for espeak-ng on prose, 228 for the Piper voice en-joe (3.8 a second, measured
/// on 376 words of the ASR judge's passages and both English interviews).
const ESPEAK_WORDS_PER_SECOND: f64 = 3.3;
const PIPER_WORDS_PER_SECOND: f64 = 3.8;
/// Chinese characters (syllables) per second at speed 1.0.
const CHINESE_CHARS_PER_SECOND: f64 = 4.6;

/// Expected length in seconds: the pauses the mixer will put between utterances (known
/// exactly) plus each utterance's speech at its voice's pace.
pub fn expected_duration(utterances: &[Utterance], pauses: &Pauses) -> f64 {
    let speech: f64 = utterances.iter().map(speech_seconds).sum();
    let silence: f64 = utterances.iter().map(|u| pauses.before(u.boundary)).sum::<f64>() + pauses.tail;
    speech + silence
}

fn speech_seconds(utterance: &Utterance) -> f64 {
    let text = &utterance.spoken;
    let speed = f64::from(utterance.voice.speed).max(0.25);
    let seconds = match utterance.voice.language {
        Language::En => {
            let words = text.split_whitespace().filter(|w| w.chars().any(char::is_alphanumeric)).count();
            words as f64 / english_words_per_second(&utterance.voice.engine)
        }
        Language::Zh => {
            let hanzi = text.chars().filter(|&c| ('\u{4e00}'..='\u{9fff}').contains(&c)).count();
            let latin_words = text.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()).count();
            (hanzi + latin_words) as f64 / CHINESE_CHARS_PER_SECOND
        }
    };
    seconds / speed
}

/// An English voice's pace at speed 1.0, by engine.
fn english_words_per_second(engine: &str) -> f64 {
    if engine == piper::NAME { PIPER_WORDS_PER_SECOND } else { ESPEAK_WORDS_PER_SECOND }
}

/// A length as people say it: "45 s", "12 min", "4 h 36 min".
pub fn describe(seconds: f64) -> String {
    let minutes = (seconds / 60.0).round() as u64;
    match minutes {
        0 => format!("{} s", seconds.round() as u64),
        1..=59 => format!("{minutes} min"),
        _ => format!("{} h {} min", minutes / 60, minutes % 60),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn piper_voices_are_expected_faster_than_espeak() {
        assert!(english_words_per_second(piper::NAME) > english_words_per_second("espeak-ng"));
    }

    #[test]
    fn describes_lengths() {
        assert_eq!(describe(25.4), "25 s");
        assert_eq!(describe(750.0), "13 min");
        assert_eq!(describe(16_560.0), "4 h 36 min");
    }
}
