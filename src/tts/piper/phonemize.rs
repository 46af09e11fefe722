//! Text → Piper phoneme ids: espeak-ng (run as a process) in IPA mode gives each clause's
//! phonemes; the clause's punctuation is put back after them, as Piper's own phonemizer
//! does, and the characters are mapped through the voice's `phoneme_id_map`.

use std::collections::HashMap;
use std::io::Write;
use std::process::{Command, Stdio};
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

/// A line espeak-ng reads as a clause of its own, put before and after every clause of a
/// run: its phonemes, whatever they are in the voice's language, mark where one clause's
/// output ends.
const SEPARATOR: &str = "xqxqx";

/// IPA phonemes of each clause (espeak-ng's own clause breaks inside one joined by spaces),
/// from one espeak-ng run for all of them: starting espeak-ng (it loads its dictionaries)
/// costs about 20 ms, a clause only a fraction of that. Should the separators not come back
/// one per clause, each clause is run on its own.
fn espeak_ipa(clauses: &[&str], voice: &str) -> Result<Vec<String>, String> {
    if clauses.is_empty() {
        return Ok(Vec::new());
    }
    let mut input = String::from(SEPARATOR);
    for clause in clauses {
        input.extend(["\n", clause, "\n", SEPARATOR]);
    }
    let output = run_espeak(&input, voice)?;
    let mut lines = output.lines().map(str::trim).filter(|line| !line.is_empty());
    let separator = lines.next().unwrap_or_default();
    let (mut phonemes, mut current) = (Vec::new(), String::new());
    for line in lines {
        if line == separator {
            phonemes.push(std::mem::take(&mut current));
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(&words(line));
        }
    }
    // The run ends with a separator, after which nothing comes.
    if current.is_empty() && phonemes.len() == clauses.len() {
        return Ok(phonemes);
    }
    clauses.iter().map(|clause| run_espeak(clause, voice).map(|ipa| words(&ipa))).collect()
}

/// `text`'s words separated by single spaces.
fn words(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What espeak-ng prints for `text` (one clause per line of its output).
fn run_espeak(text: &str, voice: &str) -> Result<String, String> {
    let mut child = Command::new(PROGRAM)
        .args(["-q", "--ipa", "-v", voice])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("{PROGRAM}: {e}; {INSTALL_HINT}"))?;
    let mut stdin = child.stdin.take().expect("stdin is piped");
    // Written from another thread: espeak-ng may fill its output pipe before reading all
    // of a long input.
    let output = std::thread::scope(|scope| {
        let writer = scope.spawn(move || stdin.write_all(text.as_bytes()));
        let output = child.wait_with_output();
        (writer.join(), output)
    });
    let output = match output {
        (Ok(Ok(())), Ok(output)) => output,
        (Ok(Err(e)), _) | (_, Err(e)) => return Err(format!("{PROGRAM}: {e}")),
        (Err(_), _) => return Err(format!("{PROGRAM}: writing its input failed")),
    };
    if !output.status.success() {
        return Err(format!("{PROGRAM} exited with {}: {}", output.status, String::from_utf8_lossy(&output.stderr).trim()));
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}

/// The phoneme strings of each sentence of `text`, clause punctuation put back.
pub fn phonemes(text: &str, voice: &str) -> Result<Vec<String>, String> {
    let clauses = clauses(text);
    let spoken: Vec<&str> = clauses.iter().map(|c| c.text.trim()).filter(|t| !t.is_empty()).collect();
    let mut ipa = espeak_ipa(&spoken, voice)?.into_iter();
    let mut sentences = Vec::new();
    let mut current = String::new();
    for clause in clauses {
        let ipa = if clause.text.trim().is_empty() { String::new() } else { ipa.next().unwrap_or_default() };
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
