//! Model calls: how much of a sentence the model reads at once.
//!
//! The model garbles long inputs (recognition errors rise from about the 25th
//! syllable of a call, and the last syllable of a long call often gains a nasal
//! ending) and loses context on very short ones. So a sentence is read clause
//! by clause (clause punctuation ends a call); a clause shorter than
//! [`Limits::min`] syllables is read in one call with its neighbour, and a clause
//! longer than [`Limits::max`] is cut at prosodic-word boundaries into parts of
//! nearly equal length. The limits were chosen by pooled CER on bench/zh-eval.

use super::prosody::ProsodicWord;

/// Syllable bounds of one model call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// A clause shorter than this joins its neighbour's call when they fit `max`.
    pub min: usize,
    /// Most syllables in one call (a single prosodic word may exceed it).
    pub max: usize,
}

/// What ends a call in the text, which decides how its audio joins the next call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CallEnd {
    /// Clause punctuation (，、；： …): a comma pause follows.
    Clause,
    /// A length cut inside a clause: the next call follows without a pause.
    Phrase,
    /// The end of the sentence.
    Sentence,
}

/// Prosodic words of one clause (or of one part of a long clause).
pub type Part = Vec<ProsodicWord>;

/// The clause parts one call reads, in order, and how the call ends.
#[derive(Debug)]
pub struct Chunk {
    pub parts: Vec<Part>,
    pub end: CallEnd,
}

impl Chunk {
    fn syllables(&self) -> usize {
        self.parts.iter().map(|p| syllables(p)).sum()
    }
}

fn syllables(groups: &[ProsodicWord]) -> usize {
    groups.iter().flatten().map(|w| w.syllables.len()).sum()
}

/// Cuts a sentence's clauses into model calls.
pub fn chunks(clauses: Vec<Part>, limits: Limits) -> Vec<Chunk> {
    let mut parts: Vec<(Part, CallEnd)> = Vec::new();
    for clause in clauses {
        let pieces = split(clause, limits.max);
        let last = pieces.len().saturating_sub(1);
        for (i, piece) in pieces.into_iter().enumerate() {
            parts.push((piece, if i == last { CallEnd::Clause } else { CallEnd::Phrase }));
        }
    }
    if let Some(last) = parts.last_mut() {
        last.1 = CallEnd::Sentence;
    }
    let mut out: Vec<Chunk> = Vec::new();
    for (part, end) in parts {
        let len = syllables(&part);
        match out.last_mut() {
            Some(previous)
                if previous.end == CallEnd::Clause
                    && (previous.syllables() < limits.min || len < limits.min)
                    && previous.syllables() + len <= limits.max =>
            {
                previous.parts.push(part);
                previous.end = end;
            }
            _ => out.push(Chunk { parts: vec![part], end }),
        }
    }
    out
}

/// Splits a clause longer than `max` syllables into the fewest parts that fit,
/// cutting at the prosodic-word boundaries nearest to equal shares.
fn split(clause: Part, max: usize) -> Vec<Part> {
    let total = syllables(&clause);
    if total <= max || clause.len() < 2 {
        return vec![clause];
    }
    let parts = total.div_ceil(max.max(1));
    // Syllables before each boundary (after group i).
    let mut before = Vec::with_capacity(clause.len());
    let mut sum = 0;
    for group in &clause {
        sum += syllables(std::slice::from_ref(group));
        before.push(sum);
    }
    let mut cuts = Vec::new();
    let mut from = 0;
    for k in 1..parts {
        let target = total * k / parts;
        let best = (from..clause.len() - 1).min_by_key(|&i| before[i].abs_diff(target));
        if let Some(i) = best {
            cuts.push(i + 1);
            from = i + 1;
        }
    }
    let mut out = Vec::with_capacity(cuts.len() + 1);
    let mut rest = clause;
    for &cut in cuts.iter().rev() {
        out.push(rest.split_off(cut));
    }
    out.push(rest);
    out.reverse();
    out.retain(|p| !p.is_empty());
    out
}

#[cfg(test)]
mod tests {
    use super::super::segment::Word;
    use super::super::syllable::Syllable;
    use super::*;

    /// A clause of prosodic words with the given syllable counts.
    fn clause(lengths: &[usize]) -> Part {
        lengths
            .iter()
            .map(|&n| {
                let syllables = (0..n).map(|_| Syllable { hanzi: Some('中'), base: "zhong".into(), tone: 1 }).collect();
                vec![Word { text: "中".repeat(n), syllables }]
            })
            .collect()
    }

    fn shape(chunks: &[Chunk]) -> Vec<(Vec<usize>, CallEnd)> {
        chunks.iter().map(|c| (c.parts.iter().map(|p| syllables(p)).collect(), c.end)).collect()
    }

    const LIMITS: Limits = Limits { min: 5, max: 20 };

    #[test]
    fn one_call_per_clause() {
        let got = chunks(vec![clause(&[2, 4, 3]), clause(&[4, 4]), clause(&[2, 2, 2])], LIMITS);
        assert_eq!(
            shape(&got),
            [(vec![9], CallEnd::Clause), (vec![8], CallEnd::Clause), (vec![6], CallEnd::Sentence)]
        );
    }

    #[test]
    fn short_clauses_join_a_neighbour() {
        // 第一，… : a two-syllable clause is read with the next one.
        let got = chunks(vec![clause(&[2]), clause(&[4, 4]), clause(&[4, 4, 4, 4]), clause(&[3])], LIMITS);
        assert_eq!(shape(&got), [(vec![2, 8], CallEnd::Clause), (vec![16, 3], CallEnd::Sentence)]);
    }

    #[test]
    fn long_clauses_are_cut_into_near_equal_parts() {
        let got = chunks(vec![clause(&[4; 10])], LIMITS);
        assert_eq!(shape(&got), [(vec![20], CallEnd::Phrase), (vec![20], CallEnd::Sentence)]);
        let got = chunks(vec![clause(&[4; 11]), clause(&[6])], LIMITS);
        assert_eq!(
            shape(&got),
            [
                (vec![12], CallEnd::Phrase),
                (vec![16], CallEnd::Phrase),
                (vec![16], CallEnd::Clause),
                (vec![6], CallEnd::Sentence)
            ]
        );
        // A single word longer than the limit stays whole.
        assert_eq!(shape(&chunks(vec![clause(&[25])], LIMITS)), [(vec![25], CallEnd::Sentence)]);
        assert!(chunks(Vec::new(), LIMITS).is_empty());
    }
}
