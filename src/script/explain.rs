//! What became of each source paragraph (`narrate script FILE --explain`): the turn that
//! speaks it, or why it is not spoken — so a person can check that nothing was lost.

use super::model::TurnKind;
use serde::Serialize;
use std::fmt;

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Explanation {
    /// One entry per source paragraph, in source order.
    pub entries: Vec<Entry>,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Entry {
    /// 1-based line of the source (for HTML: of the text extracted from the page).
    pub line: usize,
    /// The paragraph as written, markup included.
    pub text: String,
    pub fate: Fate,
}

#[derive(Clone, Debug, PartialEq, Serialize)]
#[serde(rename_all = "lowercase", tag = "fate")]
pub enum Fate {
    /// Spoken in `turn` (1-based) by `speaker` (id), shown as `name`; `said` is what of the
    /// paragraph is spoken (its words without markup or speaker label).
    Spoken { turn: usize, speaker: String, name: String, kind: TurnKind, said: String },
    Dropped { reason: String },
}

/// Longest excerpt of a paragraph shown in the listing, in characters.
const EXCERPT_CHARS: usize = 60;

impl fmt::Display for Explanation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let spoken = self.entries.iter().filter(|e| matches!(e.fate, Fate::Spoken { .. })).count();
        writeln!(f, "{} source paragraphs: {spoken} spoken, {} dropped", self.entries.len(), self.entries.len() - spoken)?;
        for entry in &self.entries {
            let what = match &entry.fate {
                Fate::Spoken { turn, speaker, name, kind, .. } => format!("turn {turn:<3} {name} ({speaker}) · {kind}"),
                Fate::Dropped { reason } => format!("dropped: {reason}"),
            };
            writeln!(f, "line {:<5} {what}\n           {}", entry.line, excerpt(&entry.text))?;
        }
        Ok(())
    }
}

fn excerpt(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= EXCERPT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(EXCERPT_CHARS).collect();
    format!("{cut}…")
}
