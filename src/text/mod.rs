//! Placeholder until the text module lands.
use crate::Language;
pub fn detect_language(text: &str) -> Language {
    let han = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if han * 2 >= latin && han > 0 { Language::Zh } else { Language::En }
}
