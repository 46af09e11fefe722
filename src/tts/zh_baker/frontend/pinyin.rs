//! Dictionary lookup: Han text → tone-numbered syllables, phrase-first.
//!
//! The data is pypinyin's (`pypinyin==0.55.0`, MIT): `phrases_dict.json` maps words
//! to per-character readings, `pinyin_dict.json` maps code points to their readings,
//! most common first. Both are read from the pinned wheel at run time (see
//! `scripts/fetch_data.sh`), the same way the model's own assets are.

use std::collections::HashMap;

use super::error::FrontendError;
use super::syllable::{parse_marked, Syllable};

/// Phrase and character readings.
#[derive(Debug, Clone, Default)]
pub struct PinyinDict {
    phrases: HashMap<String, Vec<Syllable>>,
    chars: HashMap<char, Syllable>,
    longest_phrase: usize,
}

/// 儿 after another syllable of the same word is the erhua suffix, read `er5`
/// (Baker's convention) unless a phrase entry says otherwise.
const ER: char = '儿';

impl PinyinDict {
    /// Builds the dictionary from pypinyin's `phrases_dict.json` and `pinyin_dict.json`.
    /// Entries whose readings are not valid pinyin are skipped.
    pub fn from_json(phrases_json: &str, chars_json: &str) -> Result<Self, FrontendError> {
        let bad = |e: serde_json::Error| FrontendError::Dictionary(e.to_string());
        let raw_phrases: HashMap<String, Vec<Vec<String>>> =
            serde_json::from_str(phrases_json).map_err(bad)?;
        let raw_chars: HashMap<String, String> = serde_json::from_str(chars_json).map_err(bad)?;

        let mut chars = HashMap::with_capacity(raw_chars.len());
        for (code, readings) in raw_chars {
            let Some(ch) = code.parse::<u32>().ok().and_then(char::from_u32) else {
                continue;
            };
            if let Some(syllable) = readings.split(',').find_map(parse_marked) {
                chars.insert(
                    ch,
                    Syllable {
                        hanzi: Some(ch),
                        ..syllable
                    },
                );
            }
        }

        let mut phrases = HashMap::with_capacity(raw_phrases.len());
        let mut longest_phrase = 0;
        for (word, readings) in raw_phrases {
            let syllables: Option<Vec<Syllable>> = word
                .chars()
                .zip(&readings)
                .map(|(ch, options)| {
                    let first = parse_marked(options.first()?)?;
                    Some(Syllable {
                        hanzi: Some(ch),
                        ..first
                    })
                })
                .collect();
            match syllables {
                Some(s) if s.len() == word.chars().count() && s.len() == readings.len() => {
                    longest_phrase = longest_phrase.max(s.len());
                    phrases.insert(word, s);
                }
                _ => {}
            }
        }
        if chars.is_empty() {
            return Err(FrontendError::Dictionary("no character readings".into()));
        }
        Ok(Self {
            phrases,
            chars,
            longest_phrase,
        })
    }

    /// True if the dictionary can read `ch`.
    pub fn knows(&self, ch: char) -> bool {
        self.chars.contains_key(&ch)
    }

    /// Reads a segmented word: the whole word if it is a phrase entry, otherwise
    /// the longest phrase entries from left to right, and single characters by
    /// their most common reading. Characters without a reading are dropped.
    pub fn read_word(&self, word: &str) -> Vec<Syllable> {
        let chars: Vec<char> = word.chars().collect();
        let mut out = Vec::with_capacity(chars.len());
        let mut i = 0;
        while i < chars.len() {
            let longest = self.longest_phrase.min(chars.len() - i);
            let phrase = (2..=longest).rev().find_map(|len| {
                let text: String = chars[i..i + len].iter().collect();
                self.phrases.get(&text).map(|s| (len, s))
            });
            if let Some((len, syllables)) = phrase {
                out.extend(syllables.iter().cloned());
                i += len;
                continue;
            }
            let ch = chars[i];
            if let Some(syllable) = self.chars.get(&ch) {
                if ch == ER && i > 0 {
                    out.push(Syllable {
                        hanzi: Some(ch),
                        base: "er".into(),
                        tone: 5,
                    });
                } else {
                    out.push(syllable.clone());
                }
            }
            i += 1;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tiny() -> PinyinDict {
        let phrases = r#"{"银行": [["yín"], ["háng"]], "行长": [["háng"], ["zhǎng"]],
                          "坏的": [["huài"], ["bad!"]]}"#;
        let chars = r#"{"38134": "yín", "34892": "xíng,háng", "38271": "zhǎng,cháng",
                        "20799": "ér,er", "33457": "huā", "55357": "x"}"#;
        PinyinDict::from_json(phrases, chars).unwrap()
    }

    fn read(dict: &PinyinDict, word: &str) -> String {
        dict.read_word(word)
            .iter()
            .map(|s| s.to_string())
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn phrase_first_then_characters() {
        let dict = tiny();
        assert_eq!(read(&dict, "银行"), "yin2 hang2");
        assert_eq!(read(&dict, "银行行长"), "yin2 hang2 hang2 zhang3");
        assert_eq!(read(&dict, "行"), "xing2");
        assert_eq!(read(&dict, "行😀"), "xing2");
    }

    #[test]
    fn erhua_suffix_is_neutral_er() {
        let dict = tiny();
        assert_eq!(read(&dict, "花儿"), "hua1 er5");
        assert_eq!(read(&dict, "儿"), "er2");
    }

    #[test]
    fn skips_invalid_entries_and_rejects_bad_json() {
        let dict = tiny();
        assert!(!dict.phrases.contains_key("坏的"));
        assert!(PinyinDict::from_json("[", "{}").is_err());
        assert!(PinyinDict::from_json("{}", "{}").is_err());
    }
}
