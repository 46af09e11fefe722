//! narrate: article → script → speech → mixed podcast episode.
//!
//! ```text
//! article ─decode/parse─▶ Article ─script::build─▶ Script ─plan─▶ Utterances
//!    ─tts::Synthesizer─▶ segments ─mix─▶ Episode (audio + cues) ─export─▶ files
//! ```

pub mod article;
pub mod audio;
pub mod cache;
mod episode_folder;
mod error;
pub mod export;
pub mod feed;
mod html;
mod lang;
mod memory;
pub mod mix;
mod pipeline;
pub mod plan;
pub mod play;
pub mod script;
pub mod serve;
pub mod text;
pub mod tts;

pub use error::{Error, Result};
pub use lang::Language;
pub use pipeline::{build, explain_article, load_script, slug, AudioFormat, BuildOptions, BuildReport, NoProgress, Progress, ShowInfo, SynthesisStats, Timings};
