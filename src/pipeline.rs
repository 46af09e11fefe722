//! The pipeline from a script to an episode folder: plan, synthesize, mix, write.

use crate::audio::{self, Buffer, LoudnessReport};
use crate::error::{Error, Result};
use crate::export;
use crate::export::tags::{Cover, Mp3Tags};
use crate::export::files::{CHAPTERS, CUES, MP3, SCRIPT, SRT, VTT, WAV};
use crate::export::{chapters_json, info_frame, mp3, transcript};
use crate::episode_folder::{self, Staging};
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
use std::io::{Seek, Write};
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
    /// Rebuild even over a script.json edited by hand since the last build (the edits
    /// are lost).
    pub force: bool,
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
    let previous = BuildStamp::read(&dir);
    if !options.force {
        check_script_not_edited(&dir, script, previous.as_ref())?;
    }
    if let Some(done) = previous.filter(|done| done.key == stamp) {
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
    episode_folder::check_replaceable(&dir, &[STAMP_FILE])?;
    let staging = Staging::begin(&options.out_dir, slug)?;
    if let Some(cache) = &options.cache {
        cache.open()?;
    }
    let expected = mix::expected_duration(&utterances, &options.mix.pauses);
    progress.note(&format!("{}: about {} of audio expected ({expected:.0} s, {} utterances)", dir.display(), mix::describe(expected), utterances.len()));
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(options.jobs.max(1))
        .build()
        .map_err(|e| Error::Usage(format!("cannot start worker threads: {e}")))?;
    // Segments go to the cache as they are made (to a temporary one with --no-cache) and
    // the mixer reads them back from there: memory does not grow with the episode.
    let scratch;
    let store = match &options.cache {
        Some(cache) => cache,
        None => {
            scratch = ScratchCache::new()?;
            &scratch.cache
        }
    };
    let (stats, speech) = pool.install(|| synthesize(&utterances, &keys, store, options, progress))?;
    let (load, synthesis) = (stats.load, clock.lap() - stats.load);
    memory::release_freed();
    let segments = CachedSegments { cache: store, keys: &keys };
    let episode = pool.install(|| mix::mix(script, &utterances, &segments, &options.mix))?;
    let mix = clock.lap();

    if options.cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    let audio_key = audio_key(&utterances, &keys, &options.mix);
    let (names, loudness) = pool.install(|| write_episode(staging.path(), script, &episode, &audio_key, options))?;
    let script_sha256 = Some(sha256_of(&staging.path().join(SCRIPT.name))?);
    BuildStamp { key: stamp, duration: episode.cues.duration, loudness, script_sha256 }.write(staging.path())?;
    if options.cancel.load(Ordering::Relaxed) {
        return Err(Error::Interrupted);
    }
    staging.commit()?;
    let files = names.iter().map(|name| dir.join(name)).collect();
    let timings = Timings { plan, load, synthesis, speech, mix, write: clock.lap(), cached: stats.cached, synthesized: stats.synthesized };

    Ok(BuildReport {
        dir,
        files,
        duration: episode.cues.duration,
        loudness,
        utterances: utterances.len(),
        voices: speaker_voices(script, options)?,
        timings,
        up_to_date: false,
    })
}

/// (speaker name, voice name) per speaker.
fn speaker_voices(script: &Script, options: &BuildOptions) -> Result<Vec<(String, String)>> {
    let voices = plan::speaker_voices(script, &options.cast, &options.catalog)?;
    Ok(script.speakers.iter().map(|s| (s.name.clone(), voices.get(&s.id).map(|v| v.name.clone()).unwrap_or_default())).collect())
}

/// The files a build writes into `dir`, in the order it writes them.
fn expected_files(dir: &Path, options: &BuildOptions) -> Vec<PathBuf> {
    let audio = options.formats.iter().map(|format| format.file_name());
    audio.chain(TEXT_FILES).map(|name| dir.join(name)).collect()
}

const TEXT_FILES: [&str; 5] = [VTT.name, SRT.name, CHAPTERS.name, CUES.name, SCRIPT.name];

/// Refuses to build over a folder whose script.json was edited by hand since it was
/// built — unless the edited script is what is being built.
fn check_script_not_edited(dir: &Path, script: &Script, previous: Option<&BuildStamp>) -> Result<()> {
    let path = dir.join(SCRIPT.name);
    let Some(written) = previous.and_then(|stamp| stamp.script_sha256.as_deref()) else { return Ok(()) };
    let Ok(now) = sha256_of(&path) else { return Ok(()) };
    if now == written || Script::from_json_file(&path).is_ok_and(|edited| edited == *script) {
        return Ok(());
    }
    let source = script.source.path.as_deref().unwrap_or("the article");
    Err(Error::Usage(format!(
        "{} was edited since it was built; to render the edited script run `narrate build {}`, or add --force to regenerate it from {source} (the edits are lost)",
        path.display(),
        path.display()
    )))
}

fn sha256_of(path: &Path) -> Result<String> {
    Ok(hex(&Sha256::digest(std::fs::read(path).map_err(Error::io(path))?)))
}

/// Written last into an episode folder: what the build was made from (a hash of the script,
/// every segment key and the settings) and what it measured. A build whose inputs hash the
/// same, with every file in place, has nothing to do.
#[derive(Clone, Debug, Serialize, Deserialize)]
struct BuildStamp {
    key: String,
    duration: f64,
    loudness: LoudnessReport,
    /// SHA-256 of the script.json the build wrote, to tell a hand edit (none in stamps of
    /// older versions).
    #[serde(default)]
    script_sha256: Option<String>,
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

/// Writes the episode's files into `dir` (the staging folder): the audio files, streamed
/// from the mix, then the text files. Returns their names and the audio's loudness.
fn write_episode(dir: &Path, script: &Script, episode: &Episode, audio_key: &str, options: &BuildOptions) -> Result<(Vec<&'static str>, LoudnessReport)> {
    let chapters = mix::chapters(script, &episode.cues);
    let loudness = write_audio(dir, episode, audio_key, options)?;
    if options.formats.contains(&AudioFormat::Mp3) {
        // (the stream was written beside the tagged file; see write_audio)
        let stream = dir.join(MP3_STREAM);
        let mut file = std::fs::File::open(&stream).map_err(Error::io(&stream))?;
        mp3::write_mp3(&dir.join(MP3.name), &mut file, &mp3_tags(script, &options.show), &chapters)?;
        std::fs::remove_file(&stream).map_err(Error::io(&stream))?;
    }
    let mut files: Vec<&str> = options.formats.iter().map(|format| format.file_name()).collect();
    let texts = [
        (VTT.name, transcript::vtt(script, &episode.cues)),
        (SRT.name, transcript::srt(script, &episode.cues)),
        (CHAPTERS.name, chapters_json::chapters_json(&chapters)),
    ];
    for (name, text) in texts {
        let path = dir.join(name);
        export::write_atomic(&path, |w| w.write_all(text.as_bytes()))?;
        files.push(name);
    }
    files.push(CUES.name);
    export::write_json(&dir.join(CUES.name), &episode.cues)?;
    files.push(SCRIPT.name);
    export::write_json(&dir.join(SCRIPT.name), script)?;
    Ok((files, loudness))
}

/// The untagged MP3 stream, in the staging folder until it is tagged.
const MP3_STREAM: &str = ".episode.mp3-stream";

/// Streams the mixed audio into episode.wav and the MP3 stream (taken from the cache when
/// the same audio was encoded before, and added to it otherwise). If the true peak comes
/// out over the ceiling (the limiter's estimate and the meter's disagree), the audio is
/// written again a little lower.
fn write_audio(dir: &Path, episode: &Episode, audio_key: &str, options: &BuildOptions) -> Result<LoudnessReport> {
    let audio = &episode.audio;
    let wants = |format| options.formats.contains(&format);
    let stream_key = mp3::stream_key(audio_key);
    let cached = match (&options.cache, wants(AudioFormat::Mp3)) {
        (Some(cache), true) => cache.stream_file(&stream_key),
        _ => None,
    };
    let encode = wants(AudioFormat::Mp3) && cached.is_none();
    let mut trim_db = 0.0;
    loop {
        let wav_path = dir.join(WAV.name);
        let mut wav = match wants(AudioFormat::Wav) {
            true => {
                let file = std::fs::File::create(&wav_path).map_err(Error::io(&wav_path))?;
                Some(audio::WavStream::new(std::io::BufWriter::with_capacity(1 << 20, file), audio.rate())?)
            }
            false => None,
        };
        let mut joiner = (encode && audio.encodes_mp3()).then(|| tempfile::tempfile_in(dir).map(|f| info_frame::Joiner::new(std::io::BufWriter::new(f)))).transpose().map_err(Error::io(dir))?;
        // At another rate than the MP3's, the MP3 is made from the whole episode resampled.
        let mut whole = (encode && !audio.encodes_mp3()).then(Vec::new);
        let report = audio.render(trim_db, encode, |block| {
            if let Some(wav) = &mut wav {
                wav.write(block.samples)?;
            }
            if let (Some(joiner), Some(stream)) = (&mut joiner, &block.mp3) {
                joiner.push(stream).map_err(|message| mp3_error(dir, message))?;
            }
            if let Some(whole) = &mut whole {
                whole.extend_from_slice(block.samples);
            }
            Ok(())
        })?;
        if let Some(trim) = audio.trim_for(report.true_peak_dbtp) {
            trim_db += trim;
            continue;
        }
        if let Some(wav) = wav {
            wav.finish()?;
        }
        let stream_path = dir.join(MP3_STREAM);
        let write_stream = |head: &[u8], rest: &mut std::fs::File| -> Result<()> {
            if let (Some(cache), true) = (&options.cache, encode) {
                cache.put_stream_from(&stream_key, head, rest)?;
            }
            rest.seek(std::io::SeekFrom::Start(0)).map_err(Error::io(&stream_path))?;
            export::write_atomic(&stream_path, |w| {
                w.write_all(head)?;
                std::io::copy(rest, w).map(|_| ())
            })
        };
        if let Some(joiner) = joiner {
            let (info, audio_frames) = joiner.finish().map_err(|message| mp3_error(dir, message))?;
            let mut file = audio_frames.into_inner().map_err(|e| Error::io(dir)(e.into_error()))?;
            write_stream(&info, &mut file)?;
        }
        if let Some(whole) = whole {
            let stream = mp3::encode(&dir.join(MP3.name), &Buffer::new(audio.rate(), whole))?;
            let mut file = tempfile::tempfile_in(dir).map_err(Error::io(dir))?;
            file.write_all(&stream).map_err(Error::io(dir))?;
            write_stream(&[], &mut file)?;
        }
        if let Some((mut file, _)) = cached {
            export::write_atomic(&stream_path, |w| std::io::copy(&mut file, w).map(|_| ()))?;
        }
        return Ok(report);
    }
}

fn mp3_error(dir: &Path, message: String) -> Error {
    Error::Encode { path: dir.join(MP3.name), message: format!("MP3: {message}") }
}

/// A hash of everything the episode's audio is made from (each segment's key, the pauses
/// between them, which voice speaks it, the mix settings): the MP3 stream cache's key.
fn audio_key(utterances: &[Utterance], keys: &[String], settings: &MixSettings) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {settings:?}", env!("CARGO_PKG_VERSION")));
    for (utterance, key) in utterances.iter().zip(keys) {
        hasher.update(format!("{key} {:?} {}", utterance.boundary, utterance.voice.name));
    }
    hex(&hasher.finalize())
}

/// The segments of a build, read back from the cache they were put in.
struct CachedSegments<'a> {
    cache: &'a SegmentCache,
    keys: &'a [String],
}

impl mix::Segments for CachedSegments<'_> {
    fn segment(&self, index: usize) -> Result<Buffer> {
        let path = &self.cache.dir;
        self.cache.get(&self.keys[index]).ok_or_else(|| {
            Error::Usage(format!("a synthesized segment went missing from the cache in {} during the build; build again", path.display()))
        })
    }
}

/// A segment cache in a temporary folder, for builds with --no-cache; removed when dropped.
struct ScratchCache {
    cache: SegmentCache,
    _dir: tempfile::TempDir,
}

impl ScratchCache {
    fn new() -> Result<Self> {
        let dir = tempfile::Builder::new().prefix("narrate-segments-").tempdir().map_err(Error::io(std::env::temp_dir()))?;
        let cache = SegmentCache::new(dir.path().to_path_buf());
        cache.open()?;
        Ok(ScratchCache { cache, _dir: dir })
    }
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
        let fingerprint = match fingerprints.entry(id) {
            std::collections::hash_map::Entry::Occupied(known) => known.into_mut(),
            std::collections::hash_map::Entry::Vacant(new) => new.insert(tts::fingerprint(&utterance.voice, settings)?),
        };
        keys.push(SegmentCache::key(fingerprint, &utterance.voice, &utterance.spoken));
    }
    Ok(keys)
}

/// Speaks the utterances on the current rayon pool into `cache`: what it holds (checked
/// intact) is kept, and only the engines needed for the rest are opened. Returns the
/// stats and the seconds of speech.
fn synthesize(utterances: &[Utterance], keys: &[String], cache: &SegmentCache, options: &BuildOptions, progress: &dyn Progress) -> Result<(SynthesisStats, f64)> {
    let cached: Vec<Option<f64>> = keys.par_iter().map(|key| cache.get(key).map(|audio| audio.duration())).collect();
    let opening = Instant::now();
    let mut engines: HashMap<&str, Box<dyn Synthesizer>> = HashMap::new();
    let mut prepared: HashSet<&str> = HashSet::new();
    for (utterance, _) in utterances.iter().zip(&cached).filter(|(_, hit)| hit.is_none()) {
        if prepared.insert(utterance.voice.name.as_str()) {
            tts::install_missing(&utterance.voice, &options.engines, &|message| progress.note(message))?;
            tts::check_profile(&utterance.voice, &options.engines)?;
        }
        let name = utterance.voice.engine.as_str();
        if !engines.contains_key(name) {
            engines.insert(name, tts::open(name, &options.engines, &|message| progress.note(message))?);
        }
    }
    let load = opening.elapsed();
    let hits = cached.iter().filter(|hit| hit.is_some()).count();
    progress.start(utterances.len());
    let durations = (utterances, keys, cached)
        .into_par_iter()
        .enumerate()
        .map(|(index, (utterance, key, hit))| {
            if let Some(seconds) = hit {
                progress.advance(utterance);
                return Ok(seconds);
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
            cache.put(key, &audio)?;
            progress.advance(utterance);
            Ok(audio.duration())
        })
        .collect::<Result<Vec<f64>>>()?;
    progress.finish();
    Ok((SynthesisStats { load, cached: hits, synthesized: utterances.len() - hits }, durations.iter().sum()))
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

/// Builds the script for an article file along with what became of each of its source
/// paragraphs (`narrate script FILE --explain`).
pub fn explain_article(path: &Path) -> Result<(Script, crate::script::Explanation)> {
    let (script, explanation) = crate::script::build_explained(&crate::article::read(path)?);
    if script.turns.is_empty() {
        return Err(Error::NothingToNarrate { path: path.into(), what: "no paragraph has words to speak".into() });
    }
    Ok((script, explanation))
}

/// Folder name for an input: its file stem with anything but letters, digits, `-` and `_`
/// replaced (a script JSON named `script.json` takes the name of its source instead).
pub fn slug(path: &Path, script: &Script) -> String {
    let stem = |p: &Path| p.file_stem().map(|s| s.to_string_lossy().into_owned()).unwrap_or_default();
    let mut name = stem(path);
    if name == "script"
        && let Some(source) = &script.source.path
    {
        name = stem(Path::new(source));
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
