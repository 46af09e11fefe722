//! Text preparation shared by all TTS engines: sentence and clause
//! splitting, language detection, and normalization of digits, symbols
//! and Latin text into words the engine of each language reads correctly.
//!
//! Intended use: split an article with [`sentences`], then [`normalize`]
//! each sentence. Splitting keeps "3.5", "U.S." and "Mr." intact, so the
//! normalizers always see whole numbers and abbreviations.

mod chars;
mod detect;
mod en;
mod en_num;
mod romanize;
mod rules;
mod split;
mod zh;
mod zh_latin;
mod zh_num;

pub use detect::detect_language;
pub use romanize::han_to_pinyin;
pub use split::{clauses, sentences};

use crate::Language;

/// Rewrites digits, symbols, units, currency, dates... into words in `language`.
///
/// For [`Language::Zh`] the result contains only Han characters,
/// punctuation and whitespace (Latin words are transliterated with Han
/// characters). For [`Language::En`] the result is plain English words for
/// espeak-ng; Chinese characters are left untouched.
pub fn normalize(text: &str, language: Language) -> String {
    match language {
        Language::Zh => zh::normalize(text),
        Language::En => en::normalize(text),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Characters that exercise every rule and every width of UTF-8.
    const POOL: &[&str] = &[
        "0", "1", "2", "9", "5", ".", ",", ":", "-", "/", "%", "$", "¥", "€", "+", "=", "@", "&", "~", "×",
        "±", "^", "#", "*", "a", "e", "x", "G", "U.S.", "Mr.", "km", "MW", "°C", "年", "月", "日", "点", "个",
        "万", "亿", "第", "中", "。", "，", "！", "？", "“", "”", "（", "）", "…", "—", " ", "\n", "\t", "😀",
        "\u{0}", "\u{200F}", "ש", "م", "Я", "１", "Ａ", "．", "％", "½", "㎡", "℃", "www.", ".cn", "http://",
        "\u{10FFFF}", "e.g.", "3:30", "1,000", "2023-10-16",
    ];

    /// Deterministic pseudo-random inputs built from [`POOL`].
    fn inputs() -> Vec<String> {
        let mut state: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        };
        (0..1500)
            .map(|_| {
                let len = (next() % 40) as usize;
                (0..len).map(|_| POOL[(next() % POOL.len() as u64) as usize]).collect()
            })
            .collect()
    }

    #[test]
    fn random_input_never_panics_and_keeps_the_contracts() {
        for input in inputs() {
            let zh = normalize(&input, Language::Zh);
            assert!(!zh.chars().any(|c| c.is_ascii_alphanumeric()), "{input:?} → {zh:?}");
            let en = normalize(&input, Language::En);
            assert!(!en.chars().any(|c| c.is_ascii_digit()), "{input:?} → {en:?}");
            for max in [1, 5, 30] {
                for piece in sentences(&input, max) {
                    assert!(!piece.is_empty() && piece.chars().count() <= max, "{input:?} → {piece:?}");
                }
            }
            assert!(clauses(&input).iter().all(|c| !c.is_empty()));
            let _ = detect_language(&input);
        }
    }

    #[test]
    fn split_then_normalize_keeps_numbers_and_abbreviations() {
        let text = "Mr. Li paid $3.50 in the U.S. on Oct. 16, 2023. 他说：“增长3.5%。”";
        let spoken: Vec<String> = sentences(text, 200)
            .iter()
            .map(|s| normalize(s, detect_language(s)))
            .collect();
        assert_eq!(
            spoken,
            vec![
                "Mister Li paid three dollars fifty cents in the U S on October sixteenth, twenty twenty-three.",
                "他说：“增长百分之三点五。”",
            ]
        );
    }
}
