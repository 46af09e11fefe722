//! Prosodic structure: words → prosodic words → phrases, and the boundary marks
//! the model was trained with.
//!
//! Rules (deterministic, no model):
//! * **Prosodic words.** Each segmented word starts as its own prosodic word.
//!   A particle (的 地 得 了 着 过 吗 呢 吧 啊 呀 嘛 啦 哦 哇) joins the prosodic
//!   word before it. Another one-syllable word joins the next word when the two
//!   have at most 3 syllables together (好 + 邻居), otherwise the previous
//!   prosodic word when that gives at most 4 syllables, otherwise stands alone.
//!   A spoken number (百分之二十三点六, 二零二二) is one prosodic word however
//!   the segmenter cut it, so no break falls inside it.
//! * **Phrases.** Inside a clause, a prosodic-word boundary becomes a phrase
//!   boundary (`#2`) once the phrase so far has at least [`PHRASE_MIN`] syllables
//!   and at least [`PHRASE_TAIL_MIN`] syllables remain in the clause (so no short
//!   phrase is left dangling at the end); other boundaries are `#1`.
//! * **Clauses.** Punctuation inside the sentence gives `#3`; the sentence ends
//!   with `sil eos`.

use super::segment::{Clause, Word};

/// Syllables a phrase needs before a `#2` may close it.
pub const PHRASE_MIN: usize = 6;
/// Syllables that must remain in the clause after a `#2`.
pub const PHRASE_TAIL_MIN: usize = 3;

/// Most syllables a one-syllable word and the next word may have together.
const JOIN_NEXT_MAX: usize = 3;
/// Most syllables a prosodic word may have after a one-syllable word joins it.
const JOIN_PREVIOUS_MAX: usize = 4;

/// Words read as one prosodic unit.
pub type ProsodicWord = Vec<Word>;

/// Break between two syllables, weakest first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Boundary {
    /// Inside a prosodic word.
    Syllable,
    /// Between prosodic words.
    Word,
    /// Between phrases.
    Phrase,
    /// Between clauses (punctuation).
    Clause,
}

impl Boundary {
    /// The model's symbol for this break.
    pub fn symbol(self) -> &'static str {
        match self {
            Boundary::Syllable => "#0",
            Boundary::Word => "#1",
            Boundary::Phrase => "#2",
            Boundary::Clause => "#3",
        }
    }
}

const PARTICLES: &str = "的地得了着过吗呢吧啊呀嘛啦哦哇";
/// Characters of spoken numbers, as the normalizer writes them.
const NUMBER_CHARS: &str = "零〇一二两三四五六七八九十百千万亿点";

/// A word that is part of a spoken number: numerals (点 included), or 百分之 / 分之.
fn is_number(word: &Word) -> bool {
    word.text.ends_with("分之") || word.text.chars().all(|c| NUMBER_CHARS.contains(c))
}

/// Whether `word` continues the number the prosodic word `group` ends with.
fn continues_number(group: &ProsodicWord, word: &Word) -> bool {
    let numeral = |w: &Word| w.text.chars().all(|c| NUMBER_CHARS.contains(c));
    group.last().is_some_and(|last| is_number(last) && numeral(word))
}

fn syllable_count(words: &[Word]) -> usize {
    words.iter().map(|w| w.syllables.len()).sum()
}

fn is_particle(word: &Word) -> bool {
    let mut chars = word.text.chars();
    matches!((chars.next(), chars.next()), (Some(c), None) if PARTICLES.contains(c))
}

/// Groups a clause's words into prosodic words.
pub fn group(clause: Clause) -> Vec<ProsodicWord> {
    let mut groups: Vec<ProsodicWord> = Vec::new();
    let mut words = clause.into_iter().peekable();
    while let Some(word) = words.next() {
        let single = word.syllables.len() == 1;
        if let Some(last) = groups.last_mut().filter(|g| continues_number(g, &word)) {
            last.push(word);
            continue;
        }
        if is_particle(&word) {
            if let Some(last) = groups.last_mut() {
                last.push(word);
                continue;
            }
        } else if single {
            let joins_next = words
                .peek()
                .is_some_and(|next| !is_particle(next) && next.syllables.len() < JOIN_NEXT_MAX);
            if joins_next {
                let next = words.next().into_iter();
                groups.push(std::iter::once(word).chain(next).collect());
                continue;
            }
            if let Some(last) = groups
                .last_mut()
                .filter(|g| syllable_count(g) < JOIN_PREVIOUS_MAX)
            {
                last.push(word);
                continue;
            }
        }
        groups.push(vec![word]);
    }
    groups
}

/// Boundaries between consecutive prosodic words of one clause
/// (`groups.len() - 1` entries, each [`Boundary::Word`] or [`Boundary::Phrase`]).
pub fn word_boundaries(groups: &[ProsodicWord]) -> Vec<Boundary> {
    let total: usize = groups.iter().map(|g| syllable_count(g)).sum();
    let mut done = 0;
    let mut phrase = 0;
    let mut out = Vec::with_capacity(groups.len().saturating_sub(1));
    for group in groups.iter().take(groups.len().saturating_sub(1)) {
        let n = syllable_count(group);
        done += n;
        phrase += n;
        if phrase >= PHRASE_MIN && total - done >= PHRASE_TAIL_MIN {
            out.push(Boundary::Phrase);
            phrase = 0;
        } else {
            out.push(Boundary::Word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use super::super::syllable::Syllable;

    fn word(text: &str) -> Word {
        let syllables = text
            .chars()
            .map(|c| Syllable {
                hanzi: Some(c),
                base: "a".into(),
                tone: 1,
            })
            .collect();
        Word {
            text: text.into(),
            syllables,
        }
    }

    fn texts(groups: &[ProsodicWord]) -> Vec<String> {
        groups
            .iter()
            .map(|g| g.iter().map(|w| w.text.as_str()).collect())
            .collect()
    }

    #[test]
    fn groups_function_words() {
        let clause = [
            "中国",
            "和",
            "哈萨克斯坦",
            "是",
            "山水相连",
            "的",
            "好",
            "邻居",
        ];
        let groups = group(clause.iter().map(|t| word(t)).collect());
        assert_eq!(
            texts(&groups),
            ["中国和", "哈萨克斯坦", "是", "山水相连的", "好邻居"]
        );
        let groups = group(["我", "爱", "你"].iter().map(|t| word(t)).collect());
        assert_eq!(texts(&groups), ["我爱你"]);
        let groups = group(["的", "人"].iter().map(|t| word(t)).collect());
        assert_eq!(texts(&groups), ["的人"]);
    }

    #[test]
    fn phrase_boundaries_by_length() {
        let groups: Vec<ProsodicWord> = ["中国和", "哈萨克斯坦", "是", "山水相连的", "好邻居"]
            .iter()
            .map(|t| vec![word(t)])
            .collect();
        let b = word_boundaries(&groups);
        assert_eq!(
            b,
            [
                Boundary::Word,
                Boundary::Phrase,
                Boundary::Word,
                Boundary::Phrase
            ]
        );
        assert!(word_boundaries(&[]).is_empty());
    }
}
