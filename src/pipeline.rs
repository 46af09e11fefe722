//! The pipeline from a script to an episode folder: plan, synthesize, mix, write.

use crate::audio::{Buffer, LoudnessReport};
use crate::error::{Error, Result};
use crate::export;
use crate::export::tags::{Cover, Mp3Tags};
use crate::export::files::{CHAPTERS, CUES, MP3, SCRIPT, SRT, VTT, WAV};
use crate::export::{chapters_json, mp3, transcript};
use crate::memory;
use crate::mix::{self, Episode, MixSettings};
use crate::plan::{self, Utterance};
use crate::script::{Role, Script};
use crate::cache::SegmentCache;
use crate::tts::store::hex;
use crate::tts::{self, Cast, EngineSettings, Synthesizer, VoiceCatalog};
use rayon::prelude::*;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Everything a build needs besides the script.
#[derive(Clone, Debug)]
pub struct BuildOptions {
    /// The episode goes to `out_dir/<slug>/`.
    pub out_dir: PathBuf,
    pub catalog: VoiceCatalog,
    pub cast: Cast,
    pub engines: EngineSettings,
    pub mix: MixSettings,
    /// Audio files to write (at least one).
    pub formats: Vec<AudioFormat>,
    /// Show name and author for the MP3 tags, and the cover to embed.
    pub show: ShowInfo,
    /// Where synthesized segments are kept between builds (None: no cache).
    pub cache: Option<SegmentCache>,
    /// Worker threads for synthesis.
    pub jobs: usize,
    /// Set (e.g. by a Ctrl-C handler) to stop the build; it then fails with
    /// `Error::Interrupted` and leaves no partial file behind.
    pub cancel: Arc<AtomicBool>,
}

/// An audio file format of the episode.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AudioFormat {
    /// 16-bit PCM at the mix rate.
    Wav,
    /// MP3 (LAME) with ID3 tags and chapters.
    Mp3,
}

impl AudioFormat {
    /// The file it is written to in an episode folder.
    pub fn file_name(self) -> &'static str {
        match self {
            AudioFormat::Wav => WAV.name,
            AudioFormat::Mp3 => MP3.name,
        }
    }
}

impl std::str::FromStr for AudioFormat {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        match s.trim().to_ascii_lowercase().as_str() {
            "wav" => Ok(AudioFormat::Wav),
            "mp3" => Ok(AudioFormat::Mp3),
            other => Err(format!("unknown audio format '{other}' (wav, mp3)")),
        }
    }
}

/// What the MP3 tags say about the show the episode belongs to.
#[derive(Clone, Debug, Default)]
pub struct ShowInfo {
    pub title: Option<String>,
    pub author: Option<String>,
    pub cover: Option<Cover>,
}

/// Receives progress over synthesis, the long part of a build.
pub trait Progress: Sync {
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
    pub timings: Timings,
    /// Nothing had changed since the last build into the same folder: no file was written.
    pub up_to_date: bool,
}

/// Renders `script` into `options.out_dir/slug/`: the audio (episode.wav, episode.mp3),
/// transcripts (VTT, SRT), chapters.json, cues.json and script.json.
pub fn build(script: &Script, slug: &str, options: &BuildOptions, progress: &dyn Progress) -> Result<BuildReport> {
    let mut clock = Stopwatch::start();
    let utterances = plan::plan(script, &options.cast, &options.catalog)?;
    if utterances.is_empty() {
        return Err(Error::Usage(format!("'{}' has nothing to say", script.title)));
    }
    let keys = segment_keys(&utterances, &options.engines)?;
    let dir = options.out_dir.join(slug);
    let stamp = BuildStamp::key(script, &keys, options);
    let plan = clock.lap();
    if let Some(done) = BuildStamp::read(&dir).filter(|done| done.key == stamp) {
        let files = expected_files(&dir, options);
        if files.iter().all(|f| f.is_file()) {
            return Ok(BuildReport {
                dir,
                files,
                duration: done.duration,
                loudness: done.loudness,
                utterances: utterances.len(),
                voices: speaker_voices(script, options)?,
                timings: Timings { plan, ..Timings::default() },
                up_to_date: true,
            });
        }
    }
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    let (stats, segments) = pool.install(|| synthesize(&utterances, &keys, options, progress))?;
    let (load, synthesis) = (stats.load, clock.lap() - stats.load);
    let speech = segments.iter().map(Buffer::duration).sum();
    memory::release_freed();
    let episode = pool.install(|| mix::mix(script, &utterances, segments, &options.mix))?;
    memory::release_freed();
    let mix = clock.lap();

    if options.cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    std::fs::create_dir_all(&dir).map_err(Error::io(&dir))?;
    let files = pool.install(|| write_episode(&dir, script, &episode, options))?;
    BuildStamp { key: stamp, duration: episode.cues.duration, loudness: episode.loudness }.write(&dir)?;
    let timings = Timings { plan, load, synthesis, speech, mix, write: clock.lap(), cached: stats.cached, synthesized: stats.synthesized };

    Ok(BuildReport {
        dir,
        files,
        duration: episode.cues.duration,
        loudness: episode.loudness,
        utterances: utterances.len(),
        voices: speaker_voices(script, options)?,
        timings,
        up_to_date: false,
    })
}

/// (speaker name, voice name) per speaker.
fn speaker_voices(script: &Script, options: &BuildOptions) -> Result<Vec<(String, String)>> {
    let voices = options.cast.voices_for(script)?;
    Ok(script.speakers.iter().map(|s| (s.name.clone(), voices.get(&s.id).cloned().unwrap_or_default())).collect())
}

/// The files a build writes into `dir`, in the order it writes them.
fn expected_files(dir: &Path, options: &BuildOptions) -> Vec<PathBuf> {
    let audio = options.formats.iter().map(|format| format.file_name());
    audio.chain(TEXT_FILES).map(|name| dir.join(name)).collect()
}

const TEXT_FILES: [&str; 5] = [VTT.name, SRT.name, CHAPTERS.name, CUES.name, SCRIPT.name];

/// Written last into an episode folder: what the build was made from (a hash of the script,
/// every segment key and the settings) and what it measured. A build whose inputs hash the
/// same, with every file in place, has nothing to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct BuildStamp {
    key: String,
    duration: f64,
    loudness: LoudnessReport,
}

const STAMP_FILE: &str = ".narrate-build.json";

impl BuildStamp {
    fn key(script: &Script, segment_keys: &[String], options: &BuildOptions) -> String {
        let mut hasher = Sha256::new();
        hasher.update(env!("CARGO_PKG_VERSION"));
        hasher.update(serde_json::to_vec(script).unwrap_or_default());
        for key in segment_keys {
            hasher.update(key);
        }
        let show = &options.show;
        hasher.update(format!("{:?} {:?} {:?} {:?}", options.mix, options.formats, show.title, show.author));
        if let Some(cover) = &show.cover {
            hasher.update(&cover.data);
        }
        hex(&hasher.finalize())
    }

    fn read(dir: &Path) -> Option<BuildStamp> {
        serde_json::from_slice(&std::fs::read(dir.join(STAMP_FILE)).ok()?).ok()
    }

    fn write(&self, dir: &Path) -> Result<()> {
        export::write_json(&dir.join(STAMP_FILE), self)
    }
}

/// Wall-clock time per stage of a build (for `--timings` and the benchmarks).
#[derive(Clone, Debug, Default)]
pub struct Timings {
    /// Sentence splitting and normalization.
    pub plan: Duration,
    /// Opening engines (loading models).
    pub load: Duration,
    pub synthesis: Duration,
    /// Seconds of speech synthesized (before pauses).
    pub speech: f64,
    pub mix: Duration,
    /// Encoding and writing the files.
    pub write: Duration,
    /// Utterances taken from the segment cache, and synthesized.
    pub cached: usize,
    pub synthesized: usize,
}

impl Timings {
    pub fn total(&self) -> Duration {
        self.plan + self.load + self.synthesis + self.mix + self.write
    }
}

struct Stopwatch(Instant);

impl Stopwatch {
    fn start() -> Self {
        Stopwatch(Instant::now())
    }

    /// Time since the last lap.
    fn lap(&mut self) -> Duration {
        let elapsed = self.0.elapsed();
        self.0 += elapsed;
        elapsed
    }
}

/// Writes the episode's files: the audio files side by side on the pool, then the text
/// files, so the cue list and script never describe audio that is not there.
fn write_episode(dir: &Path, script: &Script, episode: &Episode, options: &BuildOptions) -> Result<Vec<PathBuf>> {
    export::remove_stale_temporaries(dir)?;
    let chapters = mix::chapters(script, &episode.cues);
    let write_audio = |format: &AudioFormat| {
        let path = dir.join(format.file_name());
        match format {
            AudioFormat::Wav => export::write_wav(&path, &episode.audio)?,
            AudioFormat::Mp3 => {
                let stream = mp3_stream(&path, &episode.audio, options.cache.as_ref())?;
                mp3::write_mp3(&path, &stream, &mp3_tags(script, &options.show), &chapters)?;
            }
        }
        Ok(path)
    };
    let mut files = options.formats.par_iter().map(write_audio).collect::<Result<Vec<PathBuf>>>()?;
    let texts = [
        (VTT.name, transcript::vtt(script, &episode.cues)),
        (SRT.name, transcript::srt(script, &episode.cues)),
        (CHAPTERS.name, chapters_json::chapters_json(&chapters)),
    ];
    for (name, text) in texts {
        let path = dir.join(name);
        export::write_atomic(&path, |w| w.write_all(text.as_bytes()))?;
        files.push(path);
    }
    files.push(dir.join(CUES.name));
    export::write_json(&dir.join(CUES.name), &episode.cues)?;
    files.push(dir.join(SCRIPT.name));
    export::write_json(&dir.join(SCRIPT.name), script)?;

    Ok(files)
}

/// The MP3 stream of `audio`: from the cache if the same audio was encoded before,
/// otherwise encoded (and added to the cache).
fn mp3_stream(path: &Path, audio: &Buffer, cache: Option<&SegmentCache>) -> Result<Vec<u8>> {
    let Some(cache) = cache else { return mp3::encode(path, audio) };
    let key = mp3::stream_key(audio);
    if let Some(stream) = cache.get_stream(&key) {
        return Ok(stream);
    }
    let stream = mp3::encode(path, audio)?;
    cache.put_stream(&key, &stream)?;
    Ok(stream)
}

fn mp3_tags(script: &Script, show: &ShowInfo) -> Mp3Tags {
    let speaker = script.speakers.iter().find(|s| s.role != Role::Guest).or(script.speakers.first());
    let artist = show.author.clone().or_else(|| speaker.map(|s| s.name.clone())).unwrap_or_default();
    Mp3Tags {
        title: script.title.clone(),
        album: show.title.clone().unwrap_or_else(|| artist.clone()),
        artist,
        language: script.language,
        date: script.source.date.clone(),
        comment: Some(script.description()),
        cover: show.cover.clone(),
    }
}

/// What synthesis did: time spent opening engines, and how many utterances came from the
/// cache versus the engines.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct SynthesisStats {
    pub load: Duration,
    pub cached: usize,
    pub synthesized: usize,
}

/// The segment cache key of every utterance.
fn segment_keys(utterances: &[Utterance], settings: &EngineSettings) -> Result<Vec<String>> {
    // Per engine and voice: a Piper voice's fingerprint holds its own model's hash.
    let mut fingerprints: HashMap<(&str, &str), String> = HashMap::new();
    let mut keys = Vec::with_capacity(utterances.len());
    for utterance in utterances {
        let id = (utterance.voice.engine.as_str(), utterance.voice.voice.as_str());
        if !fingerprints.contains_key(&id) {
            fingerprints.insert(id, tts::fingerprint(&utterance.voice, settings)?);
        }
        keys.push(SegmentCache::key(&fingerprints[&id], &utterance.voice, &utterance.spoken));
    }
    Ok(keys)
}

/// Speaks the utterances on the current rayon pool: what the segment cache holds is read
/// from it, and only the engines needed for the rest are opened (fresh segments are added
/// to the cache). The result is in utterance order and does not depend on the number of
/// workers.
fn synthesize(utterances: &[Utterance], keys: &[String], options: &BuildOptions, progress: &dyn Progress) -> Result<(SynthesisStats, Vec<Buffer>)> {
    let cached: Vec<Option<Buffer>> = match &options.cache {
        Some(cache) => keys.par_iter().map(|key| cache.get(key)).collect(),
        None => vec![None; utterances.len()],
    };
    let opening = Instant::now();
    let mut engines: HashMap<&str, Box<dyn Synthesizer>> = HashMap::new();
    let mut prepared: HashSet<&str> = HashSet::new();
    for (utterance, _) in utterances.iter().zip(&cached).filter(|(_, hit)| hit.is_none()) {
        if prepared.insert(utterance.voice.name.as_str()) {
            tts::install_missing(&utterance.voice, &options.engines, &|message| progress.note(message))?;
        }
        let name = utterance.voice.engine.as_str();
        if !engines.contains_key(name) {
            engines.insert(name, tts::open(name, &options.engines, &|message| progress.note(message))?);
        }
    }
    let load = opening.elapsed();
    let hits = cached.iter().filter(|hit| hit.is_some()).count();
    progress.start(utterances.len());
    let segments = (utterances, keys, cached)
        .into_par_iter()
        .enumerate()
        .map(|(index, (utterance, key, hit))| {
            if let Some(audio) = hit {
                progress.advance(utterance);
                return Ok(audio);
            }
            if options.cancel.load(Ordering::Relaxed) {
                return Err(Error::Interrupted);
            }
            let engine = &engines[utterance.voice.engine.as_str()];
            let audio = engine.synthesize(&utterance.spoken, &utterance.voice).map_err(|message| {
                if options.cancel.load(Ordering::Relaxed) {
                    Error::Interrupted
                } else {
                    Error::Synthesis { turn: utterance.turn + 1, sentence: sentence_in_turn(utterances, index), engine: utterance.voice.engine.clone(), message }
                }
            })?;
            if let Some(cache) = &options.cache {
                cache.put(key, &audio)?;
            }
            progress.advance(utterance);
            Ok(audio)
        })
        .collect::<Result<Vec<Buffer>>>()?;
    progress.finish();
    Ok((SynthesisStats { load, cached: hits, synthesized: utterances.len() - hits }, segments))
}

/// 1-based position of utterance `index` among its turn's utterances (for error messages).
fn sentence_in_turn(utterances: &[Utterance], index: usize) -> usize {
    let turn = utterances[index].turn;
    utterances[..=index].iter().rev().take_while(|u| u.turn == turn).count()
}

/// Reads an input: a script JSON file as written by `narrate script --json`, or an article.
pub fn load_script(path: &Path) -> Result<Script> {
    if path.extension().is_some_and(|e| e.eq_ignore_ascii_case("json")) {
        Script::from_json_file(path)
    } else {
        let script = crate::script::build(&crate::article::read(path)?);
        if script.turns.is_empty() {
            return Err(Error::NothingToNarrate { path: path.into(), what: "no paragraph has words to speak".into() });
        }
        Ok(script)
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
