//! Silence between utterances, by the kind of boundary between them.

use crate::plan::Boundary;

/// Pause lengths in seconds. The defaults follow common podcast pacing: a breath between
/// sentences, a beat between paragraphs, a longer hand-over between speakers and a clear
/// break before a new section.
#[derive(Clone, Debug, PartialEq)]
pub struct Pauses {
    pub clause: f64,
    pub sentence: f64,
    pub paragraph: f64,
    pub turn: f64,
    pub speaker: f64,
    pub section: f64,
    /// Silence before the first word and after the last.
    pub lead_in: f64,
    pub tail: f64,
}

impl Default for Pauses {
    fn default() -> Self {
        Pauses { clause: 0.2, sentence: 0.35, paragraph: 0.7, turn: 0.8, speaker: 0.9, section: 1.6, lead_in: 0.5, tail: 1.0 }
    }
}

impl Pauses {
    pub fn before(&self, boundary: Boundary) -> f64 {
        match boundary {
            Boundary::Start => self.lead_in,
            Boundary::Clause => self.clause,
            Boundary::Sentence => self.sentence,
            Boundary::Paragraph => self.paragraph,
            Boundary::Turn => self.turn,
            Boundary::Speaker => self.speaker,
            Boundary::Section => self.section,
        }
    }

    /// Sets one pause from a `NAME=SECONDS` command-line assignment.
    pub fn set(&mut self, assignment: &str) -> Result<(), String> {
        let (name, value) = assignment.split_once('=').ok_or_else(|| format!("'{assignment}': expected NAME=SECONDS"))?;
        let seconds: f64 = value.trim().parse().map_err(|_| format!("'{assignment}': '{value}' is not a number of seconds"))?;
        if !(0.0..=10.0).contains(&seconds) {
            return Err(format!("'{assignment}': pauses must be between 0 and 10 seconds"));
        }
        let slot = match name.trim() {
            "clause" => &mut self.clause,
            "sentence" => &mut self.sentence,
            "paragraph" => &mut self.paragraph,
            "turn" => &mut self.turn,
            "speaker" => &mut self.speaker,
            "section" => &mut self.section,
            "lead-in" | "lead_in" => &mut self.lead_in,
            "tail" => &mut self.tail,
            other => return Err(format!("unknown pause '{other}' (clause, sentence, paragraph, turn, speaker, section, lead-in, tail)")),
        };
        *slot = seconds;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn set_from_assignment() {
        let mut p = Pauses::default();
        p.set("speaker=1.2").unwrap();
        assert_eq!(p.before(Boundary::Speaker), 1.2);
        assert!(p.set("speaker").is_err());
        assert!(p.set("bogus=1").is_err());
        assert!(p.set("sentence=-1").is_err());
    }

    #[test]
    fn stronger_boundaries_pause_longer() {
        let p = Pauses::default();
        let order = [Boundary::Clause, Boundary::Sentence, Boundary::Paragraph, Boundary::Turn, Boundary::Speaker, Boundary::Section];
        assert!(order.windows(2).all(|w| p.before(w[0]) < p.before(w[1])));
    }
}
