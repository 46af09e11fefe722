//! Guessing whether a text is Chinese or English.

use super::chars::is_han;
use crate::Language;

/// Guess the language of a text: Zh when Han characters dominate the letters, else En.
///
/// A Han character carries about as much as a whole English word, so the
/// comparison is Han characters (plus Chinese punctuation, a sign of
/// Chinese typesetting) against words of letters: a Chinese article full
/// of acronyms and English names stays Zh, an English article quoting a
/// Chinese name stays En. A text with neither is En.
pub fn detect_language(text: &str) -> Language {
    let mut chinese = 0usize;
    let mut words = 0usize;
    let mut in_word = false;
    for c in text.chars() {
        let letter = c.is_alphabetic() && !is_han(c);
        if letter && !in_word {
            words += 1;
        }
        in_word = letter;
        if is_han(c) || is_chinese_punctuation(c) {
            chinese += 1;
        }
    }
    if chinese > 0 && chinese >= words { Language::Zh } else { Language::En }
}

fn is_chinese_punctuation(c: char) -> bool {
    "，。、；：？！“”‘’（）《》「」『』【】".contains(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text() {
        assert_eq!(detect_language("今天天气很好。"), Language::Zh);
    }

    #[test]
    fn english_text() {
        assert_eq!(detect_language("The weather is nice today."), Language::En);
    }

    #[test]
    fn chinese_with_english_words_is_chinese() {
        assert_eq!(detect_language("我们使用OpenAI的GPT模型和Nazarbayev University合作"), Language::Zh);
    }

    #[test]
    fn chinese_full_of_acronyms_is_chinese() {
        assert_eq!(detect_language("5G、OTA、CEO、GDP、APP都是Nazarbayev University的热词。"), Language::Zh);
    }

    #[test]
    fn english_quoting_a_chinese_name_is_english() {
        assert_eq!(detect_language("The village is called 李家村 and it lies in the north of the province."), Language::En);
    }

    #[test]
    fn empty_and_symbol_only_text_is_english() {
        assert_eq!(detect_language(""), Language::En);
        assert_eq!(detect_language("123 %$ 😀"), Language::En);
    }
}
