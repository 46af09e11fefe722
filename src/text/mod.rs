//! Placeholder until the text module lands.
use crate::Language;
pub fn detect_language(text: &str) -> Language {
    let han = text.chars().filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    let latin = text.chars().filter(|c| c.is_ascii_alphabetic()).count();
    if han * 2 >= latin && han > 0 { Language::Zh } else { Language::En }
}
pub fn sentences(text: &str, _max: usize) -> Vec<String> {
    let mut out = Vec::new(); let mut cur = String::new();
    for c in text.chars() { cur.push(c); if "。！？!?".contains(c) || (c == '.' ) { if !cur.trim().is_empty() { out.push(cur.trim().to_string()); } cur.clear(); } }
    if !cur.trim().is_empty() { out.push(cur.trim().to_string()); }
    out
}
pub fn normalize(text: &str, _l: Language) -> String { text.to_string() }
