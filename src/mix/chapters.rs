//! Chapters from the cue list: one per section, titled with its heading, and one per
//! question/answer pair, titled with the question's opening words.

use super::Cues;
use crate::script::{Script, TurnKind};
use serde::{Deserialize, Serialize};

/// Longest chapter title taken from a question, in characters.
const MAX_TITLE_CHARS: usize = 48;

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Chapter {
    pub title: String,
    /// Seconds from the start of the episode.
    pub start: f64,
    pub end: f64,
}

/// The episode's chapters in time order; they tile the episode from 0 to its end.
pub fn chapters(script: &Script, cues: &Cues) -> Vec<Chapter> {
    let mut starts: Vec<(f64, String)> = Vec::new();
    let mut section = usize::MAX;
    for cue in &cues.turns {
        let Some(turn) = script.turns.get(cue.turn) else { continue };
        if cue.section != section {
            section = cue.section;
            let title = script.sections.get(section).map_or_else(|| script.title.clone(), |s| s.title.clone());
            starts.push((cue.start, title));
        }
        if turn.kind == TurnKind::Question {
            starts.push((cue.start, opening_words(&turn.text)));
        }
    }
    if let Some(first) = starts.first_mut() {
        first.0 = 0.0;
    }
    let ends: Vec<f64> = starts.iter().skip(1).map(|(start, _)| *start).chain([cues.duration]).collect();
    starts.into_iter().zip(ends).map(|((start, title), end)| Chapter { title, start, end }).collect()
}

/// The first clause of a question, cut at a word boundary to a readable length.
fn opening_words(text: &str) -> String {
    let first = text.split("\n\n").next().unwrap_or(text).trim();
    let clause_end = first.find(['，', '。', '？', '！', '；', '：', '?', '!', ';', ':']).unwrap_or(first.len());
    let clause = first[..clause_end].trim_end_matches([',', '.', ' ']);
    if clause.chars().count() <= MAX_TITLE_CHARS {
        let punctuation = first[clause_end..].chars().next().filter(|c| matches!(c, '？' | '?'));
        return format!("{clause}{}", punctuation.map(String::from).unwrap_or_default());
    }
    let cut: String = clause.chars().take(MAX_TITLE_CHARS).collect();
    let cut = match cut.rfind(' ') {
        Some(space) if clause.is_ascii() => &cut[..space],
        _ => cut.as_str(),
    };
    format!("{}…", cut.trim_end_matches([',', ' ']))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn question_titles_are_opening_words() {
        assert_eq!(opening_words("What comes next?"), "What comes next?");
        assert_eq!(opening_words("中哈经贸领域合作，特别是合作给两国人民带来了福祉。"), "中哈经贸领域合作");
        let long = "Looking back over the last ten years of work on the steppe and in the towns around it, what stands out";
        assert_eq!(opening_words(long), "Looking back over the last ten years of work on…");
    }
}
