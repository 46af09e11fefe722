//! The pipeline from a script to an episode folder: plan, synthesize, mix, write.

use crate::audio::{Buffer, LoudnessReport};
use crate::error::{Error, Result};
use crate::export;
use crate::mix::{self, MixSettings};
use crate::plan::{self, Utterance};
use crate::script::Script;
use crate::tts::{self, Cast, EngineSettings, Synthesizer, VoiceCatalog};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Everything a build needs besides the script.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The episode goes to `out_dir/<slug>/`.
    pub out_dir: PathBuf,
    pub catalog: VoiceCatalog,
    pub cast: Cast,
    pub engines: EngineSettings,
    pub mix: MixSettings,
}

/// Receives progress over synthesis, the long part of a build.
pub trait Progress {
    /// A one-off step worth telling the user about (installing a voice, …).
    fn note(&self, message: &str);
    fn start(&self, utterances: usize);
    fn advance(&self, utterance: &Utterance);
    fn finish(&self);
}

/// Ignores progress (library use, `--quiet`).
pub struct NoProgress;

impl Progress for NoProgress {
    fn note(&self, _: &str) {}
    fn start(&self, _: usize) {}
    fn advance(&self, _: &Utterance) {}
    fn finish(&self) {}
}

/// What a build produced.
#[derive(Clone, Debug)]
pub struct BuildReport {
    pub dir: PathBuf,
    pub files: Vec<PathBuf>,
    pub duration: f64,
    pub loudness: LoudnessReport,
    pub utterances: usize,
    /// (speaker name, voice name) per speaker.
    pub voices: Vec<(String, String)>,
}

/// Renders `script` into `options.out_dir/slug/`: episode.wav, cues.json, script.json.
pub fn build(script: &Script, slug: &str, options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let utterances = plan::plan(script, &options.cast, &options.catalog)?;
    if utterances.is_empty() {
        return Err(Error::Usage(format!("'{}' has nothing to say", script.title)));
    }
    let segments = synthesize(&utterances, &options.engines, progress)?;
    let episode = mix::mix(script, &utterances, segments, &options.mix)?;

    let dir = options.out_dir.join(slug);
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    let files = vec![dir.join("episode.wav"), dir.join("cues.json"), dir.join("script.json")];
    export::write_wav(&files[0], &episode.audio)?;
    export::write_json(&files[1], &episode.cues)?;
    export::write_json(&files[2], script)?;

    let voices = options.cast.voices_for(script)?;
    Ok(BuildReport {
        dir,
        files,
        duration: episode.cues.duration,
        loudness: episode.loudness,
        utterances: utterances.len(),
        voices: script.speakers.iter().map(|s| (s.name.clone(), voices.get(&s.id).cloned().unwrap_or_default())).collect(),
    })
}

/// Opens every engine the utterances need (before any work, so a missing engine fails
/// fast), then speaks every utterance.
fn synthesize(utterances: &[Utterance], settings: &EngineSettings, progress: &dyn Progress) -> Result<Vec<Buffer>> {
    let mut engines: HashMap<&str, Box<dyn Synthesizer>> = HashMap::new();
    for utterance in utterances {
        let name = utterance.voice.engine.as_str();
        if !engines.contains_key(name) {
            engines.insert(name, tts::open(name, settings, &|message| progress.note(message))?);
        }
    }
    let mut segments = Vec::with_capacity(utterances.len());
    progress.start(utterances.len());
    let mut sentence_in_turn = 0;
    for (index, utterance) in utterances.iter().enumerate() {
        sentence_in_turn = if index > 0 && utterances[index - 1].turn == utterance.turn { sentence_in_turn + 1 } else { 1 };
        let voice = &utterance.voice;
        let audio = engines[voice.engine.as_str()].synthesize(&utterance.spoken, voice).map_err(|message| Error::Synthesis {
            turn: utterance.turn + 1,
            sentence: sentence_in_turn,
            engine: voice.engine.clone(),
            message,
        })?;
        segments.push(audio);
        progress.advance(utterance);
    }
    progress.finish();
    Ok(segments)
}

/// Reads an input: a script JSON file as written by `narrate script --json`, or an article.
pub fn load_script(path: &Path) -> Result<Script> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        Script::from_json_file(path)
    } else {
        Ok(crate::script::build(&crate::article::read(path)?))
    }
}

/// Folder name for an input: its file stem with anything but letters, digits, `-` and `_`
/// replaced (a script JSON named `script.json` takes the name of its source instead).
pub fn slug(path: &Path, script: &Script) -> String {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut name = stem(path);
    if name == "script" {
        if let Some(source) = &script.source.path {
            name = stem(Path::new(source));
        }
    }
    let mut slug = String::new();
    for c in name.chars() {
        if c.is_alphanumeric() || c == '_' {
            slug.push(c);
        } else if !slug.ends_with('-') {
            slug.push('-');
        }
    }
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() {
        "episode".into()
    } else {
        slug
    }
}
