//! Sentence → clauses → words with dictionary readings.
//!
//! Punctuation ends a clause. Characters that are neither Han nor punctuation
//! (should not occur after normalization: Latin, digits, emoji, controls) are
//! dropped, and only split words. User lexicon words are cut out before jieba
//! runs so that they always stay whole.

use jieba_rs::Jieba;

use super::lexicon::Lexicon;
use super::pinyin::PinyinDict;
use super::syllable::{parse_numbered, Syllable};

/// A segmented word and its syllables (dictionary readings, before sandhi).
#[derive(Debug, Clone)]
pub struct Word {
    pub text: String,
    pub syllables: Vec<Syllable>,
}

/// Words between two punctuation marks.
pub type Clause = Vec<Word>;

/// Splits sentences into clauses of read words.
pub struct Segmenter<'a> {
    pub jieba: &'a Jieba,
    pub dict: &'a PinyinDict,
    pub lexicon: &'a Lexicon,
    /// Whole-token fixes for dictionary readings, applied to jieba's tokens only
    /// (unlike the user lexicon, they never force a split).
    pub corrections: &'a Lexicon,
}

impl Segmenter<'_> {
    /// Clauses of `sentence`, in order; clauses without any readable word are omitted.
    pub fn clauses(&self, sentence: &str) -> Vec<Clause> {
        let mut clauses = Vec::new();
        let mut clause = Clause::new();
        let mut run: Vec<char> = Vec::new();
        for ch in sentence.chars() {
            if is_han(ch) || self.dict.knows(ch) {
                run.push(ch);
                continue;
            }
            self.read_run(&run, &mut clause);
            run.clear();
            if is_punctuation(ch) && !clause.is_empty() {
                clauses.push(std::mem::take(&mut clause));
            }
        }
        self.read_run(&run, &mut clause);
        if !clause.is_empty() {
            clauses.push(clause);
        }
        clauses
    }

    /// Segments a run of Han characters into `clause`: lexicon words first, jieba
    /// for the text between them.
    fn read_run(&self, run: &[char], clause: &mut Clause) {
        let mut start = 0;
        let mut i = 0;
        while i < run.len() {
            let Some(len) = self.lexicon.longest_match(&run[i..]) else {
                i += 1;
                continue;
            };
            self.read_with_jieba(&run[start..i], clause);
            let text: String = run[i..i + len].iter().collect();
            let syllables = self
                .lexicon
                .get(&text)
                .map(<[Syllable]>::to_vec)
                .unwrap_or_default();
            clause.push(Word { text, syllables });
            i += len;
            start = i;
        }
        self.read_with_jieba(&run[start..], clause);
    }

    fn read_with_jieba(&self, chars: &[char], clause: &mut Clause) {
        if chars.is_empty() {
            return;
        }
        let text: String = chars.iter().collect();
        let tokens = self.jieba.cut(&text, true);
        for (index, token) in tokens.iter().enumerate() {
            let before_number = tokens.get(index + 1).is_some_and(|next| next.word.starts_with(is_numeral));
            let syllables = match self.corrections.get(token.word) {
                Some(fixed) => fixed.to_vec(),
                // 为 before an amount is the copula "is" (容量为一百兆瓦), wéi, not the
                // dictionary's wèi "for" (为全年目标).
                None if token.word == "为" && before_number => parse_numbered("wei2").map(|s| Syllable { hanzi: Some('为'), ..s }).into_iter().collect(),
                None => self.dict.read_word(token.word),
            };
            if !syllables.is_empty() {
                clause.push(Word {
                    text: token.word.to_string(),
                    syllables,
                });
            }
        }
    }
}

/// Chinese numerals, as the normalizer writes amounts.
fn is_numeral(ch: char) -> bool {
    "零〇一二两三四五六七八九十百千万亿".contains(ch)
}

/// CJK ideographs (URO, extensions A–F, compatibility) and 〇.
fn is_han(ch: char) -> bool {
    matches!(ch as u32,
        0x3007 | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FA1F)
}

/// ASCII and CJK punctuation, quotes, brackets, dashes and ellipses.
fn is_punctuation(ch: char) -> bool {
    ch.is_ascii_punctuation()
        || matches!(ch as u32,
            0x00B7 | 0x2010..=0x205E | 0x3001..=0x3006 | 0x3008..=0x303F
            | 0xFE10..=0xFE1F | 0xFE30..=0xFE4F | 0xFF01..=0xFF0F | 0xFF1A..=0xFF20
            | 0xFF3B..=0xFF40 | 0xFF5B..=0xFF65)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn punctuation_and_han_classes() {
        for ch in "，、；：“”《》。！？（）…—·,.!?\"'「」【】".chars() {
            assert!(is_punctuation(ch), "{ch}");
            assert!(!is_han(ch), "{ch}");
        }
        for ch in "中〇𠀀龥".chars() {
            assert!(is_han(ch) && !is_punctuation(ch), "{ch}");
        }
        for ch in "a1😀\u{0}\n ".chars() {
            assert!(!is_han(ch) && !is_punctuation(ch), "{ch:?}");
        }
    }
}
