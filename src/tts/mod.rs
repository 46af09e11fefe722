//! Speech synthesis: one trait every engine implements, a registry that picks an engine by
//! the name a voice file gives, and the voice catalog (profiles and casts).

mod cast;
mod espeak;
mod voice;

pub use cast::{parse_assignment, Cast};
pub use voice::{VoiceCatalog, VoiceProfile};

use crate::audio::Buffer;
use crate::Language;

/// A speech engine. Engines hold whatever heavy state they need (loaded models) and must be
/// shareable across worker threads.
pub trait Synthesizer: Send + Sync {
    /// The engine's name as written in voice files (`engine = "espeak-ng"`).
    fn name(&self) -> &'static str;
    /// Rate of the audio `synthesize` returns.
    fn sample_rate(&self) -> u32;
    /// Languages the engine can speak.
    fn languages(&self) -> &[Language];
    /// Speaks one utterance (already normalized text) with the voice's parameters.
    fn synthesize(&self, text: &str, voice: &VoiceProfile) -> Result<Buffer, String>;
}

/// Names of the engines this build knows.
pub const ENGINES: &[&str] = &[espeak::NAME];

/// Opens the engine registered under `name`.
pub fn open(name: &str) -> Option<Result<Box<dyn Synthesizer>, String>> {
    match name {
        espeak::NAME => Some(espeak::Espeak::open().map(|e| Box::new(e) as Box<dyn Synthesizer>)),
        _ => None,
    }
}

/// Whether the engine and the given voice can run on this machine, and if not, why.
pub fn check_installed(voice: &VoiceProfile) -> Result<(), String> {
    match voice.engine.as_str() {
        espeak::NAME => espeak::check_voice(&voice.voice),
        other => Err(format!("unknown engine '{other}'")),
    }
}
