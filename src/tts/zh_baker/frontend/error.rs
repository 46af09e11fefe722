//! Errors raised while loading the front end's data (symbol table, dictionary, lexicon).
//!
//! Text processing itself never fails: unknown characters are skipped.

/// Everything that can go wrong while building a [`super::Frontend`].
#[derive(Debug, thiserror::Error)]
pub enum FrontendError {
    /// The symbol table JSON could not be parsed or lacks a required symbol.
    #[error("invalid symbol table: {0}")]
    SymbolTable(String),
    /// The pinyin dictionary JSON could not be parsed.
    #[error("invalid pinyin dictionary: {0}")]
    Dictionary(String),
    /// The lexicon TOML could not be parsed or does not have a `[words]` table.
    #[error("invalid lexicon: {0}")]
    LexiconFormat(String),
    /// A lexicon entry has a syllable that is not valid tone-numbered pinyin.
    #[error("lexicon entry {word:?}: unknown syllable {syllable:?} (expected tone-numbered pinyin such as \"zhang1\")")]
    LexiconSyllable { word: String, syllable: String },
    /// A lexicon entry has no syllables, or its key contains no Han character.
    #[error("lexicon entry {word:?}: {reason}")]
    LexiconEntry { word: String, reason: String },
}

impl FrontendError {
    /// The lexicon word an error is about, if it is about one entry.
    pub fn word(&self) -> Option<&str> {
        match self {
            FrontendError::LexiconSyllable { word, .. } | FrontendError::LexiconEntry { word, .. } => Some(word),
            _ => None,
        }
    }
}
