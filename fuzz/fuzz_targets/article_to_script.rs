//! Arbitrary bytes through everything `narrate script` and the speech planner do to an
//! article: decode, parse, build the script (and print it, as text and as JSON read back),
//! then split every turn paragraph into sentences and normalize each for both languages.
//! Besides panics, it checks the contracts the later stages rely on.

#![no_main]

use libfuzzer_sys::fuzz_target;
use narrate::Language;
use std::path::Path;

/// The sentence length the fuzzer splits at.
const MAX_CHARS: usize = 30;

fuzz_target!(|bytes: &[u8]| {
    let path = Path::new("fuzz.md");
    let Ok(text) = narrate::article::decode(bytes, path) else {
        return;
    };
    let article = narrate::article::parse(&text, path);
    let script = narrate::script::build(&article);
    if !script.turns.is_empty() {
        if let Err(message) = script.validate() {
            panic!("built script is inconsistent: {message}");
        }
    }
    // What `narrate script` prints, and what `narrate build` reads back from `--json`.
    let _ = script.to_string();
    let json = serde_json::to_string(&script).expect("a script serializes");
    let back: narrate::script::Script = serde_json::from_str(&json).expect("the JSON reads back");
    assert_eq!(back, script, "the JSON round trip changed the script");
    for turn in &script.turns {
        for paragraph in turn.paragraphs() {
            for sentence in narrate::text::sentences(paragraph, MAX_CHARS) {
                assert!(!sentence.is_empty(), "empty sentence from {paragraph:?}");
                assert!(sentence.chars().count() <= MAX_CHARS, "{sentence:?} is longer than {MAX_CHARS}");
                let zh = narrate::text::normalize(&sentence, Language::Zh);
                assert!(!zh.chars().any(|c| c.is_ascii_alphanumeric()), "{sentence:?} → zh {zh:?}");
                let en = narrate::text::normalize(&sentence, Language::En);
                assert!(!en.chars().any(|c| c.is_ascii_digit()), "{sentence:?} → en {en:?}");
            }
        }
    }
});
