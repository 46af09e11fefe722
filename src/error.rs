//! The library's error type: one enum whose variants carry the context (file, line, turn)
//! a user needs to act on, and whose `Display` is a single line.

use std::path::PathBuf;

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("{}: {source}", path.display())]
    Io { path: PathBuf, source: std::io::Error },

    #[error("{}: is a directory, not an article file", path.display())]
    IsDirectory { path: PathBuf },

    #[error("{}: the file is empty (no text to narrate)", path.display())]
    EmptyInput { path: PathBuf },

    /// Text, but none of it to speak: a title line alone, labels with nothing after them.
    #[error("{}: nothing to narrate ({what})", path.display())]
    NothingToNarrate { path: PathBuf, what: String },

    #[error("{}: looks like binary data, not text (byte {offset})", path.display())]
    BinaryInput { path: PathBuf, offset: usize },

    #[error("{}: text is neither UTF-8, UTF-16 nor GB18030 (first bad byte at {offset})", path.display())]
    Encoding { path: PathBuf, offset: usize },

    #[error("{}: line {line}: {message}", path.display())]
    Parse { path: PathBuf, line: usize, message: String },

    #[error("{}: invalid script: {message}", path.display())]
    InvalidScript { path: PathBuf, message: String },

    #[error("{}: invalid voice file: {message}", path.display())]
    VoiceFile { path: PathBuf, message: String },

    #[error("unknown voice '{name}' (see `narrate voices`)")]
    UnknownVoice { name: String },

    #[error("--voice: unknown role or speaker '{role}' (valid: {valid})")]
    UnknownRole { role: String, valid: String },

    #[error("no voice cast for role '{role}' in language '{language}' (add it to the cast or pass --voice {role}=NAME)")]
    NoCast { role: String, language: String },

    /// A user lexicon (`--lexicon`) that cannot be used; `message` says what is wrong and where.
    #[error("{}: {message}", path.display())]
    Lexicon { path: PathBuf, message: String },

    /// A voice profile asks for what its installed voice does not have (a Piper speaker number).
    #[error("voice {name}: {message}")]
    VoiceSetting { name: String, message: String },

    #[error("engine {engine} is not available: {message}")]
    EngineUnavailable { engine: String, message: String },

    #[error("installing voice package {package}: {message}")]
    Install { package: String, message: String },

    #[error("turn {turn}, sentence {sentence}: {engine} failed: {message}")]
    Synthesis { turn: usize, sentence: usize, engine: String, message: String },

    #[error("{}: could not encode: {message}", path.display())]
    Encode { path: PathBuf, message: String },

    #[error("{}: not a publishable episode: {message}", dir.display())]
    Episode { dir: PathBuf, message: String },

    #[error("{}: not a narrate cache ({reason}); nothing was removed", dir.display())]
    NotACache { dir: PathBuf, reason: String },

    #[error("{0}")]
    Serve(String),

    #[error("no audio output device available")]
    NoAudioDevice,

    #[error("playback: {0}")]
    Playback(String),

    #[error("audio: {0}")]
    Audio(#[from] crate::audio::AudioError),

    #[error("interrupted; finished segments are cached, so running the build again resumes")]
    Interrupted,

    #[error("{0}")]
    Usage(String),
}

impl Error {
    /// Wraps an I/O error with the path it happened on.
    pub fn io(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> Error {
        let path = path.into();
        move |source| Error::Io { path, source }
    }
}
