//! narrate: article → script → speech → mixed podcast episode.
//!
//! ```text
//! article ─decode/parse─▶ Article ─script::build─▶ Script ─plan─▶ Utterances
//!    ─tts::Synthesizer─▶ segments ─mix─▶ Episode (audio + cues) ─export─▶ files
//! ```

pub mod article;
pub mod audio;
mod error;
pub mod export;
mod lang;
pub mod mix;
mod pipeline;
pub mod plan;
pub mod script;
pub mod text;
pub mod tts;

pub use error::{Error, Result};
pub use lang::Language;
pub use pipeline::{build, load_script, slug, BuildOptions, BuildReport, NoProgress, Progress};
