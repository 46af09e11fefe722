//! User lexicon: words with fixed tone-numbered pinyin, given as TOML:
//!
//! ```toml
//! [words]
//! "张霄" = "zhang1 xiao1"
//! ```
//!
//! A lexicon word overrides the dictionary and is never split by segmentation.
//! Its tones are citation tones: tone sandhi still applies to them.

use std::collections::HashMap;

use super::error::FrontendError;
use super::syllable::{parse_numbered, Syllable};

/// Word → syllables overrides.
#[derive(Debug, Clone, Default)]
pub struct Lexicon {
    words: HashMap<String, Vec<Syllable>>,
    longest: usize,
}

impl Lexicon {
    /// Parses a TOML document with a `[words]` table of `"word" = "pin1 yin1"`.
    /// An empty document is an empty lexicon.
    pub fn from_toml(text: &str) -> Result<Self, FrontendError> {
        let doc: toml::Table =
            toml::from_str(text).map_err(|e| FrontendError::LexiconFormat(e.to_string()))?;
        let mut lexicon = Self::default();
        let Some(words) = doc.get("words") else {
            return Ok(lexicon);
        };
        let words = words
            .as_table()
            .ok_or_else(|| FrontendError::LexiconFormat("`words` must be a table".into()))?;
        for (word, value) in words {
            let reading = value.as_str().ok_or_else(|| FrontendError::LexiconEntry {
                word: word.clone(),
                reason: "the reading must be a string such as \"zhang1 xiao1\"".into(),
            })?;
            lexicon.insert(word, reading)?;
        }
        Ok(lexicon)
    }

    fn insert(&mut self, word: &str, reading: &str) -> Result<(), FrontendError> {
        let entry_error = |reason: &str| FrontendError::LexiconEntry {
            word: word.to_string(),
            reason: reason.to_string(),
        };
        if word.trim().is_empty() {
            return Err(entry_error("the word is empty"));
        }
        if word.chars().any(|c| c.is_ascii_alphanumeric() || c.is_whitespace()) {
            return Err(entry_error(
                "the word must be written in Chinese characters only (Latin letters and digits are spelled out before the lexicon is looked up)",
            ));
        }
        let mut syllables = reading
            .split_whitespace()
            .map(|s| {
                parse_numbered(s).ok_or_else(|| FrontendError::LexiconSyllable {
                    word: word.to_string(),
                    syllable: s.to_string(),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        if syllables.is_empty() {
            return Err(entry_error("the reading has no syllables"));
        }
        // Tie syllables to characters only when they line up one to one, so the
        // 一/不 rules can see them; erhua readings (花儿 = "huar1") stay untied.
        let chars: Vec<char> = word.chars().collect();
        if chars.len() == syllables.len() {
            for (syllable, ch) in syllables.iter_mut().zip(chars) {
                syllable.hanzi = Some(ch);
            }
        }
        self.longest = self.longest.max(word.chars().count());
        self.words.insert(word.to_string(), syllables);
        Ok(())
    }

    /// This lexicon with `other`'s entries added; `other` wins where both have a word.
    pub fn overridden_by(mut self, other: Lexicon) -> Lexicon {
        self.longest = self.longest.max(other.longest);
        self.words.extend(other.words);
        self
    }

    /// The syllables of `word`, if it is an entry.
    pub fn get(&self, word: &str) -> Option<&[Syllable]> {
        self.words.get(word).map(Vec::as_slice)
    }

    /// Length in characters of the longest entry starting at `chars[0]`.
    pub fn longest_match(&self, chars: &[char]) -> Option<usize> {
        (1..=self.longest.min(chars.len())).rev().find(|&len| {
            let text: String = chars[..len].iter().collect();
            self.words.contains_key(&text)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_words_table() {
        let lex =
            Lexicon::from_toml("[words]\n\"张霄\" = \"zhang1 xiao1\"\n\"花儿\" = \"huar1\"\n")
                .unwrap();
        let s: Vec<String> = lex
            .get("张霄")
            .unwrap()
            .iter()
            .map(|s| s.to_string())
            .collect();
        assert_eq!(s, ["zhang1", "xiao1"]);
        assert_eq!(lex.get("张霄").unwrap()[1].hanzi, Some('霄'));
        assert_eq!(lex.get("花儿").unwrap()[0].hanzi, None);
        assert_eq!(lex.longest_match(&['张', '霄', '说']), Some(2));
        assert_eq!(lex.longest_match(&['说']), None);
    }

    #[test]
    fn empty_document_is_empty_lexicon() {
        assert!(Lexicon::from_toml("").unwrap().get("张霄").is_none());
    }

    #[test]
    fn bad_syllable_names_the_word() {
        let err = Lexicon::from_toml("[words]\n\"张霄\" = \"zhang1 xiao9\"\n").unwrap_err();
        assert!(
            matches!(&err, FrontendError::LexiconSyllable { word, syllable }
            if word == "张霄" && syllable == "xiao9")
        );
        assert!(err.to_string().contains("张霄"));
        let err = Lexicon::from_toml("[words]\n\"张霄\" = \"jang1 xiao1\"\n").unwrap_err();
        assert!(err.to_string().contains("张霄") && err.to_string().contains("jang1"));
    }

    #[test]
    fn other_errors() {
        assert!(matches!(
            Lexicon::from_toml("[words"),
            Err(FrontendError::LexiconFormat(_))
        ));
        assert!(matches!(
            Lexicon::from_toml("words = 1"),
            Err(FrontendError::LexiconFormat(_))
        ));
        let err = Lexicon::from_toml("[words]\n\"张霄\" = 3\n").unwrap_err();
        assert!(err.to_string().contains("张霄"));
        let err = Lexicon::from_toml("[words]\n\"张霄\" = \"\"\n").unwrap_err();
        assert!(err.to_string().contains("张霄"));
        let err = Lexicon::from_toml("[words]\n\"GDP\" = \"ji1 di1 pi1\"\n").unwrap_err();
        assert!(err.to_string().contains("GDP") && err.to_string().contains("Chinese characters"));
    }
}
