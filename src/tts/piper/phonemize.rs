//! Text → Piper phoneme ids: espeak-ng (run as a process) in IPA mode gives each clause's
//! phonemes; the clause's punctuation is put back after them, as Piper's own phonemizer
//! does, and the characters are mapped through the voice's `phoneme_id_map`.

use std::collections::HashMap;
use std::process::Command;
use unicode_normalization::UnicodeNormalization;

const PROGRAM: &str = "espeak-ng";
const INSTALL_HINT: &str = "install it with `make setup` (apt-get install espeak-ng)";

/// Punctuation that ends a clause; the first three also end a sentence.
const SENTENCE_END: [char; 3] = ['.', '!', '?'];
const CLAUSE_END: [char; 6] = ['.', '!', '?', ',', ';', ':'];

/// Framing symbols of the id sequence.
const BOS: char = '^';
const EOS: char = '$';
const PAD: char = '_';

/// A clause of the input text and the punctuation that closed it (if any).
#[derive(Debug, PartialEq)]
struct Clause<'a> {
    text: &'a str,
    punctuation: Option<char>,
}

/// Splits text at clause punctuation followed by white space or the end of the text
/// (so "3.5" or "e.g" inside a word stay whole).
fn clauses(text: &str) -> Vec<Clause<'_>> {
    let mut out = Vec::new();
    let mut start = 0;
    let mut chars = text.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at_boundary = chars.peek().is_none_or(|(_, next)| next.is_whitespace());
        if CLAUSE_END.contains(&c) && at_boundary {
            out.push(Clause { text: &text[start..i], punctuation: Some(c) });
            start = i + c.len_utf8();
        }
    }
    if !text[start..].trim().is_empty() {
        out.push(Clause { text: &text[start..], punctuation: None });
    }
    out.retain(|c| !c.text.trim().is_empty() || c.punctuation.is_some());
    out
}

/// IPA phonemes of one clause, as espeak-ng prints them (its own clause breaks joined by spaces).
fn espeak_ipa(text: &str, voice: &str) -> Result<String, String> {
    let output = Command::new(PROGRAM)
        .args(["-q", "--ipa", "-v", voice, "--"])
        .arg(text)
        .output()
        .map_err(|e| format!("{PROGRAM}: {e}; {INSTALL_HINT}"))?;
    if !output.status.success() {
        return Err(format!("{PROGRAM} exited with {}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim()));
    }
    let text = String::from_utf8_lossy(&output.stdout);
    Ok(text.split_whitespace().collect::<Vec<_>>().join(" "))
}

/// The phoneme strings of each sentence of `text`, clause punctuation put back.
pub fn phonemes(text: &str, voice: &str) -> Result<Vec<String>, String> {
    let mut sentences = Vec::new();
    let mut current = String::new();
    for clause in clauses(text) {
        let ipa = if clause.text.trim().is_empty() { String::new() } else { espeak_ipa(clause.text.trim(), voice)? };
        if !current.is_empty() && !ipa.is_empty() {
            current.push(' ');
        }
        current.push_str(&ipa);
        if let Some(p) = clause.punctuation {
            current.push(p);
            if SENTENCE_END.contains(&p) {
                sentences.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.trim().is_empty() {
        sentences.push(current);
    }
    sentences.retain(|s| s.chars().any(char::is_alphabetic));
    Ok(sentences)
}

/// Maps phoneme characters to model ids (`phoneme_id_map` of the voice's .onnx.json).
pub struct PhonemeIds {
    map: HashMap<char, Vec<usize>>,
}

impl PhonemeIds {
    pub fn new(map: HashMap<char, Vec<usize>>) -> Result<Self, String> {
        for symbol in [BOS, EOS, PAD] {
            if !map.contains_key(&symbol) {
                return Err(format!("phoneme_id_map has no '{symbol}'"));
            }
        }
        Ok(PhonemeIds { map })
    }

    /// `^ _ (phoneme _)* $`, phonemes NFD-decomposed, unknown ones dropped.
    pub fn ids(&self, phonemes: &str) -> Vec<usize> {
        let mut ids = Vec::with_capacity(phonemes.len() * 2 + 3);
        ids.extend(&self.map[&BOS]);
        ids.extend(&self.map[&PAD]);
        for c in phonemes.nfd() {
            if let Some(id) = self.map.get(&c) {
                ids.extend(id);
                ids.extend(&self.map[&PAD]);
            }
        }
        ids.extend(&self.map[&EOS]);
        ids
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clauses_keep_their_punctuation_and_numbers_stay_whole() {
        let got = clauses("In 3.5 hours, we left; why? Because.");
        let texts: Vec<(&str, Option<char>)> = got.iter().map(|c| (c.text, c.punctuation)).collect();
        assert_eq!(texts, vec![("In 3.5 hours", Some(',')), (" we left", Some(';')), (" why", Some('?')), (" Because", Some('.'))]);
        assert_eq!(clauses("no punctuation")[0].punctuation, None);
    }
}
