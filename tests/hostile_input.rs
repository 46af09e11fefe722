//! Hostile input: huge files, pathological markup and punctuation, unusual scripts and
//! broken encodings. Whatever the input, `narrate script` gives a script or a clean
//! one-line error (never a panic, exit code 101), in time and memory that grow in
//! proportion to the input.
//!
//! The big inputs are generated here rather than committed. Every test takes [`serial`],
//! so timings are not disturbed by the other tests of this file and the allocation
//! counter sees one test at a time.

use narrate::Language;
use std::alloc::{GlobalAlloc, Layout, System};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::{Duration, Instant};

/// Longest `narrate script` may take on any generated input, in release, on a 2-core machine.
const MAX_SECONDS: f64 = 20.0;
/// Largest ratio allowed between the cost of the 2× input and of the 1× input: 2 when
/// linear, 4 when quadratic; the rest is room for noise on a shared machine.
const MAX_RATIO: f64 = 3.0;

// ---------------------------------------------------------------------------------------
// Helpers

fn serial() -> MutexGuard<'static, ()> {
    static LOCK: Mutex<()> = Mutex::new(());
    LOCK.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Heap bytes in use and the peak since [`reset_peak`], counted for the whole test binary.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let ptr = unsafe { System.alloc(layout) };
        if !ptr.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        ptr
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let new = unsafe { System.realloc(ptr, layout, new_size) };
        if !new.is_null() {
            if new_size >= layout.size() {
                let now = IN_USE.fetch_add(new_size - layout.size(), Ordering::Relaxed) + new_size - layout.size();
                PEAK.fetch_max(now, Ordering::Relaxed);
            } else {
                IN_USE.fetch_sub(layout.size() - new_size, Ordering::Relaxed);
            }
        }
        new
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn reset_peak() -> usize {
    let now = IN_USE.load(Ordering::Relaxed);
    PEAK.store(now, Ordering::Relaxed);
    now
}

/// Extra heap bytes at the peak of `f`, above what was in use when it started.
fn peak_heap_of(f: impl FnOnce()) -> usize {
    let base = reset_peak();
    f();
    PEAK.load(Ordering::Relaxed).saturating_sub(base)
}

fn narrate(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_narrate")).args(args).output().expect("narrate runs")
}

/// `narrate script FILE --json`, timed.
fn script_json(file: &Path) -> (Output, Duration) {
    let start = Instant::now();
    let output = narrate(&["script", file.to_str().unwrap(), "--json"]);
    (output, start.elapsed())
}

/// What `narrate script` made of an input: a script (as JSON) or a clean error message.
#[derive(Debug)]
enum Outcome {
    Script(serde_json::Value),
    Error(String),
}

/// Checks the contract for any input and returns what came out: exit 0 with a script
/// that has turns, or exit 1 with one line starting `narrate: error:`, never a panic.
fn outcome(output: &Output, what: &str) -> Outcome {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert!(!stderr.contains("panicked"), "{what}: panicked: {stderr}");
    match output.status.code() {
        Some(0) => {
            let script: serde_json::Value = serde_json::from_slice(&output.stdout)
                .unwrap_or_else(|e| panic!("{what}: stdout is not script JSON: {e}"));
            let turns = script["turns"].as_array().map_or(0, Vec::len);
            assert!(turns > 0, "{what}: a script without turns");
            Outcome::Script(script)
        }
        Some(1) => {
            assert!(stderr.starts_with("narrate: error: "), "{what}: {stderr}");
            assert_eq!(stderr.trim_end().lines().count(), 1, "{what}: one line: {stderr}");
            assert!(output.stdout.is_empty(), "{what}: nothing on stdout after an error");
            Outcome::Error(stderr.trim_end().to_owned())
        }
        code => panic!("{what}: exit code {code:?}, stderr: {stderr}"),
    }
}

fn expect_script(output: &Output, what: &str) -> serde_json::Value {
    match outcome(output, what) {
        Outcome::Script(script) => script,
        Outcome::Error(message) => panic!("{what}: expected a script, got {message}"),
    }
}

fn expect_error(output: &Output, what: &str) -> String {
    match outcome(output, what) {
        Outcome::Error(message) => message,
        Outcome::Script(_) => panic!("{what}: expected an error, got a script"),
    }
}

fn all_turn_text(script: &serde_json::Value) -> String {
    let turns = script["turns"].as_array().unwrap();
    turns.iter().map(|t| t["text"].as_str().unwrap()).collect::<Vec<_>>().join("\n")
}

fn hostile(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/hostile").join(name)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

/// The library path of `narrate script` plus what the speech planner does next: every
/// turn paragraph split into sentences of at most 30 characters, each normalized for both
/// languages. Panics on a broken contract; returns the number of sentences.
fn through_the_library(bytes: &[u8], what: &str) -> usize {
    let path = Path::new("hostile.md");
    let Ok(text) = narrate::article::decode(bytes, path) else { return 0 };
    let article = narrate::article::parse(&text, path);
    let script = narrate::script::build(&article);
    if !script.turns.is_empty() {
        script.validate().unwrap_or_else(|e| panic!("{what}: inconsistent script: {e}"));
    }
    let mut count = 0;
    for turn in &script.turns {
        for paragraph in turn.paragraphs() {
            for sentence in narrate::text::sentences(paragraph, 30) {
                assert!(!sentence.is_empty() && sentence.chars().count() <= 30, "{what}: {sentence:?}");
                let zh = narrate::text::normalize(&sentence, Language::Zh);
                assert!(!zh.chars().any(|c| c.is_ascii_alphanumeric()), "{what}: {sentence:?} → {zh:?}");
                let en = narrate::text::normalize(&sentence, Language::En);
                assert!(!en.chars().any(|c| c.is_ascii_digit()), "{what}: {sentence:?} → {en:?}");
                count += 1;
            }
        }
    }
    count
}

// ---------------------------------------------------------------------------------------
// Big inputs: time and memory in proportion to size

/// An interview in both languages with bold labels, numbers, links and abbreviations,
/// about `bytes` long.
fn big_interview(bytes: usize) -> String {
    let mut text = String::from("# 一场很长的访谈\n\n**某报记者 王五**\n\n2023-10-16\n\n记者对张霄进行了专访。\n\n");
    let mut i = 0usize;
    while text.len() < bytes {
        text.push_str(&format!(
            "**记者：**第{i}个问题：2023年增长3.5%，见[报告](https://example.cn/{i})和www.example.com？\n\n\
             **张霄：**回答{i}。Mr. Smith paid $3.50 in the U.S. on Oct. 16, 2023. 我们认为*很好*！\n\n"
        ));
        i += 1;
    }
    text
}

/// One paragraph of hard-wrapped prose: the lines are joined into a single string of
/// about `bytes`, so every per-paragraph rule runs over all of it.
fn big_wrapped_paragraph(bytes: usize) -> String {
    let line = "a line of hard wrapped prose, 3.5 km and **bold** words and 中文 without a stop\n";
    let mut text = String::from("Wrapped\n\n");
    text.push_str(&line.repeat(bytes / line.len()));
    text
}

/// `count` paragraphs, each with a speaker label of its own (every one becomes a speaker).
fn distinct_speakers(count: usize) -> String {
    let mut text = String::from("We spoke with many people about the weather.\n\n");
    for i in 0..count {
        // A name of its own for each paragraph: the digits of `i` in base 1000, written with
        // CJK Extension A characters (none of them in a word like 制作 that marks a credit).
        let mut name = String::new();
        let mut k = i;
        loop {
            name.push(char::from_u32(0x3400 + (k % 1000) as u32).unwrap());
            k /= 1000;
            if k == 0 {
                break;
            }
        }
        text.push_str(&format!("**{name}：**第{i}段话，说完了？\n\n"));
    }
    text
}

/// `count` short prose paragraphs.
fn many_paragraphs(count: usize) -> String {
    (0..count).map(|i| format!("Paragraph {i} says one thing. 第{i}段。\n\n")).collect()
}

/// Runs `narrate script --json` on the 1× and the 2× input and checks both the absolute
/// time and the ratio. A ratio over the bound is measured again, up to twice (the best run
/// of each size counts), so that a burst of load on the machine is not taken for a
/// quadratic cost.
fn assert_script_scales(name: &str, one: &str, two: &str) -> (f64, f64) {
    let dir = tempfile::tempdir().unwrap();
    let small = write(dir.path(), &format!("{name}-1x.md"), one.as_bytes());
    let large = write(dir.path(), &format!("{name}-2x.md"), two.as_bytes());
    let run = |path: &Path| {
        let (output, took) = script_json(path);
        let script = expect_script(&output, &path.display().to_string());
        assert!(script["turns"].as_array().unwrap().len() > 1, "{name}: {}", path.display());
        took.as_secs_f64()
    };
    let (mut t1, mut t2) = (run(&small), run(&large));
    for _ in 0..2 {
        if t2 < MAX_RATIO * t1 {
            break;
        }
        t1 = t1.min(run(&small));
        t2 = t2.min(run(&large));
    }
    eprintln!("{name}: {} bytes {t1:.2} s, {} bytes {t2:.2} s, ratio {:.2}", one.len(), two.len(), t2 / t1);
    assert!(t1 < MAX_SECONDS && t2 < MAX_SECONDS, "{name}: {t1:.2} s and {t2:.2} s");
    assert!(t2 < MAX_RATIO * t1, "{name}: doubling the input took {:.2}× the time ({t1:.2} s → {t2:.2} s)", t2 / t1);
    (t1, t2)
}

/// Peak heap of parsing and building the script and writing its JSON, for the 1× and
/// the 2× input: in proportion to the input, and a bounded multiple of it.
fn assert_memory_scales(name: &str, one: &str, two: &str) {
    let path = Path::new("big.md");
    let cost = |text: &str| {
        peak_heap_of(|| {
            let article = narrate::article::parse(text, path);
            let script = narrate::script::build(&article);
            let json = serde_json::to_string_pretty(&script).unwrap();
            assert!(json.len() > text.len() / 4, "{name}: the JSON holds the text");
        })
    };
    let (m1, m2) = (cost(one), cost(two));
    eprintln!("{name}: peak heap {:.1} MB for {:.1} MB, {:.1} MB for {:.1} MB", mb(m1), mb(one.len()), mb(m2), mb(two.len()));
    assert!((m2 as f64) < MAX_RATIO * m1 as f64, "{name}: doubling the input took {:.2}× the memory", m2 as f64 / m1 as f64);
    assert!(m2 < 40 * two.len(), "{name}: {:.1} MB of heap for {:.1} MB of input", mb(m2), mb(two.len()));
}

fn mb(bytes: usize) -> f64 {
    bytes as f64 / 1e6
}

#[test]
fn ten_megabyte_interview_scales_linearly() {
    let _serial = serial();
    let (one, two) = (big_interview(5_000_000), big_interview(10_000_000));
    assert!(two.len() >= 10_000_000);
    assert_script_scales("interview", &one, &two);
    assert_memory_scales("interview", &one, &two);
}

#[test]
fn ten_megabyte_single_paragraph_scales_linearly() {
    let _serial = serial();
    let (one, two) = (big_wrapped_paragraph(5_000_000), big_wrapped_paragraph(10_000_000));
    assert!(two.len() >= 9_999_000);
    assert_script_scales("wrapped", &one, &two);
    assert_memory_scales("wrapped", &one, &two);
}

#[test]
fn hundred_thousand_paragraphs_scale_linearly() {
    let _serial = serial();
    let (one, two) = (many_paragraphs(50_000), many_paragraphs(100_000));
    assert_eq!(two.matches("\n\n").count(), 100_000);
    assert_script_scales("paragraphs", &one, &two);
    assert_memory_scales("paragraphs", &one, &two);
}

#[test]
fn hundred_thousand_speakers_scale_linearly() {
    let _serial = serial();
    let (one, two) = (distinct_speakers(50_000), distinct_speakers(100_000));
    let script = narrate::script::build(&narrate::article::parse(&two, Path::new("speakers.md")));
    assert_eq!(script.speakers.len(), 100_000, "every label is a speaker");
    assert_script_scales("speakers", &one, &two);
    assert_memory_scales("speakers", &one, &two);
    // The readable form looks each turn's speaker up.
    let start = Instant::now();
    let readable = script.to_string();
    assert!(readable.len() > two.len() / 2);
    assert!(start.elapsed().as_secs_f64() < MAX_SECONDS, "display took {:?}", start.elapsed());
}

#[test]
fn sentence_splitting_is_linear_on_pathological_runs() {
    let _serial = serial();
    // Each of these once took time quadratic in its length: 20 s for 60,000 characters of
    // "a.中", so a million characters would take hours. Linear, they take well under a
    // second. (At these few milliseconds, the ratio between two sizes measures the
    // allocator and the caches more than the algorithm, so the bound is absolute.)
    type Case = (&'static str, fn(usize) -> String);
    let cases: [Case; 4] = [
        ("a run of ! before a letter", |n| "!".repeat(n) + "a"),
        ("a run of dots before a letter", |n| ".".repeat(n) + "a"),
        ("dotted tokens glued to Han", |n| "a.中".repeat(n / 3)),
        ("Han runs ending in a dot", |n| ("中".repeat(50) + ".中").repeat(n / 52)),
    ];
    for (name, make) in cases {
        let text = make(1_000_000);
        let start = Instant::now();
        let pieces = narrate::text::sentences(&text, 30);
        let took = start.elapsed().as_secs_f64();
        eprintln!("{name}: {} characters in {took:.3} s", text.chars().count());
        assert!(took < 2.0, "{name}: {took:.2} s for {} characters", text.chars().count());
        assert!(pieces.iter().all(|p| !p.is_empty() && p.chars().count() <= 30), "{name}");
    }
}

// ---------------------------------------------------------------------------------------
// A 5,000-character sentence without punctuation

#[test]
fn five_thousand_characters_without_punctuation_split_into_pieces_that_keep_every_character() {
    let _serial = serial();
    let mixed: String = (0..5000).map(|i| ['中', 'a', '7', '𠀀', 'Я', '文', 'Z'][i % 7]).collect();
    let inputs = [
        ("Han", "很".repeat(5000)),
        ("Latin letters", "a".repeat(5000)),
        ("digits", "7".repeat(5000)),
        ("Extension B", "𠀀".repeat(5000)),
        ("mixed scripts", mixed),
    ];
    for (name, sentence) in &inputs {
        assert_eq!(sentence.chars().count(), 5000, "{name}");
        for max in [1, 7, 30, 200, 1000] {
            let pieces = narrate::text::sentences(sentence, max);
            assert!(pieces.len() >= 5000 / max, "{name}, max {max}: {} pieces", pieces.len());
            for piece in &pieces {
                assert!(!piece.is_empty() && piece.chars().count() <= max, "{name}, max {max}: {piece:?}");
            }
            assert_eq!(&pieces.concat(), sentence, "{name}, max {max}: characters lost or added");
        }
        for piece in narrate::text::sentences(sentence, 30) {
            let zh = narrate::text::normalize(&piece, Language::Zh);
            assert!(!zh.is_empty() && !zh.chars().any(|c| c.is_ascii_alphanumeric()), "{name}: {piece:?} → {zh:?}");
            let en = narrate::text::normalize(&piece, Language::En);
            assert!(!en.chars().any(|c| c.is_ascii_digit()), "{name}: {piece:?} → {en:?}");
        }
    }
    // Words without punctuation are cut at spaces: every word survives whole.
    let words: String = (0..1000).map(|i| format!("{} ", ["word", "ways", "webs"][i % 3])).collect();
    assert_eq!(words.chars().count(), 5000);
    let pieces = narrate::text::sentences(&words, 30);
    assert!(pieces.iter().all(|p| p.chars().count() <= 30 && !p.starts_with(' ') && !p.ends_with(' ')));
    let rejoined = pieces.join(" ");
    assert_eq!(rejoined.split(' ').collect::<Vec<_>>(), words.split_whitespace().collect::<Vec<_>>());
}

// ---------------------------------------------------------------------------------------
// Unusual scripts, control characters and broken encodings: a script or a clean error

#[test]
fn every_hostile_fixture_gives_a_script_or_a_clean_error() {
    let _serial = serial();
    let mut files: Vec<PathBuf> =
        std::fs::read_dir(hostile("")).unwrap().map(|e| e.unwrap().path()).filter(|p| p.is_file()).collect();
    files.sort();
    assert!(files.len() >= 10, "{files:?}");
    for file in &files {
        let what = file.display().to_string();
        let (output, _) = script_json(file);
        outcome(&output, &what);
        through_the_library(&std::fs::read(file).unwrap(), &what);
    }
}

#[test]
fn emoji_rare_cjk_mixed_scripts_and_rtl_text_become_scripts() {
    let _serial = serial();
    let emoji = expect_script(&script_json(&hostile("emoji.md")).0, "emoji");
    assert_eq!(emoji["speakers"].as_array().unwrap().len(), 2, "two emoji speakers: {emoji}");
    assert!(all_turn_text(&emoji).contains("👍🏽 🇨🇳🇺🇸"));

    let rare = expect_script(&script_json(&hostile("extension-b.txt")).0, "extension B");
    let names: Vec<&str> = rare["speakers"].as_array().unwrap().iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names, ["𠀀", "𪚥"]);
    assert!(all_turn_text(&rare).contains("𠀀𠀁𠀂是什么字？"));

    let mixed = expect_script(&script_json(&hostile("mixed-scripts.txt")).0, "mixed scripts");
    assert!(all_turn_text(&mixed).contains("Ελληνικά αβγ, हिन्दी, 한국어, ไทย"));

    let rtl = expect_script(&script_json(&hostile("rtl.txt")).0, "right to left");
    let text = all_turn_text(&rtl);
    assert!(text.contains("مرحبا بالعالم") && text.contains('\u{202e}'), "{text}");

    let gbk = expect_script(&script_json(&hostile("gbk-interview.txt")).0, "GBK");
    assert_eq!(gbk["language"], "zh");
    assert!(all_turn_text(&gbk).contains("中哈关系怎么样？"));

    let separators = expect_script(&script_json(&hostile("line-separators.txt")).0, "line separators");
    assert!(all_turn_text(&separators).contains("Body one."));
}

#[test]
fn control_characters_are_carried_or_refused_cleanly() {
    let _serial = serial();
    let few = expect_script(&script_json(&hostile("control-chars.txt")).0, "a few control characters");
    assert_eq!(few["speakers"].as_array().unwrap().len(), 2);
    assert!(all_turn_text(&few).contains('\u{7}'));
    let many = expect_error(&script_json(&hostile("mostly-control.txt")).0, "mostly control characters");
    assert!(many.contains("looks like binary data"), "{many}");
    // Spoken text never contains them.
    for language in [Language::Zh, Language::En] {
        let spoken = narrate::text::normalize("ring\u{7} escape\u{1b}[31m form\u{c} delete\u{7f} nul\u{0}", language);
        assert!(!spoken.chars().any(|c| c.is_control() && c != '\n' && c != '\t'), "{spoken:?}");
    }
}

#[test]
fn invalid_utf16_gives_a_script_or_a_clean_error() {
    let _serial = serial();
    // Unpaired surrogates are replaced, and the rest of the text is kept.
    let high = expect_script(&script_json(&hostile("utf16le-unpaired-high.txt")).0, "unpaired high surrogate");
    assert!(all_turn_text(&high).contains('\u{fffd}'));
    let low = expect_script(&script_json(&hostile("utf16be-unpaired-low.txt")).0, "unpaired low surrogate");
    assert!(all_turn_text(&low).contains("\u{fffd}ok."));
    // A BOM and nothing else is an empty file.
    let bom = expect_error(&script_json(&hostile("utf16-bom-only.txt")).0, "BOM only");
    assert!(bom.contains("the file is empty"), "{bom}");
    // An odd byte count after a BOM: the text up to the odd byte is read.
    let odd = outcome(&script_json(&hostile("utf16le-odd-length.txt")).0, "odd byte count");
    if let Outcome::Script(script) = &odd {
        assert!(script["title"].as_str().unwrap().contains("Hello there."));
    }

    let dir = tempfile::tempdir().unwrap();
    let le = |text: &str| text.encode_utf16().flat_map(u16::to_le_bytes).collect::<Vec<u8>>();
    let be = |text: &str| text.encode_utf16().flat_map(u16::to_be_bytes).collect::<Vec<u8>>();
    let odd_interview = [&[0xFF, 0xFE][..], &le("Q: Why?\n\nA: Because.\n\nQ: Sure?\n\nA: Yes."), &[0x21]].concat();
    let script = expect_script(&script_json(&write(dir.path(), "odd.txt", &odd_interview)).0, "odd interview");
    assert_eq!(script["speakers"].as_array().unwrap().len(), 2);
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("only an unpaired surrogate", [&[0xFF, 0xFE][..], &[0x00, 0xD8]].concat()),
        ("surrogates swapped", [&[0xFF, 0xFE][..], &[0x00, 0xDC, 0x00, 0xD8], &le(" text")].concat()),
        ("BOM and one byte", vec![0xFE, 0xFF, 0x41]),
        ("BOM-swapped text", [&[0xFF, 0xFE][..], &be("Hello there, reader.")].concat()),
        ("UTF-16 nul characters", [&[0xFF, 0xFE][..], &le("a\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0b")].concat()),
        ("both BOMs", [&[0xFF, 0xFE, 0xFE, 0xFF][..], &le("text")].concat()),
    ];
    for (name, bytes) in &cases {
        let file = write(dir.path(), "case.txt", bytes);
        outcome(&script_json(&file).0, name);
        through_the_library(bytes, name);
    }
}

#[test]
fn pathological_markup_and_punctuation_give_scripts_or_clean_errors() {
    let _serial = serial();
    let dir = tempfile::tempdir().unwrap();
    let line_5000 = "很".repeat(5000);
    let cases: Vec<(&str, String)> = vec![
        ("a 5,000-character line", format!("{line_5000}\n")),
        ("** × 1000", "**".repeat(1000)),
        ("**a × 1000", format!("# Stars\n\n{}", "**a".repeat(1000))),
        ("_ × 1000", format!("Title\n\n{}", "_".repeat(1000))),
        ("[ and ]( × 1000", format!("{}{}", "[".repeat(1000), "](".repeat(1000))),
        ("# × 1000", format!("{} heading\n\nBody.", "#".repeat(1000))),
        ("label × 1000", format!("Q: {}\n\nA: fine.", "Q: ".repeat(1000))),
        ("! × 5000 then a letter", format!("Body text.\n\n{}a", "!".repeat(5000))),
        ("a.中 × 2000", format!("正文。\n\n{}", "a.中".repeat(2000))),
        ("emoji flood", format!("Emoji\n\n{}", "😀👩‍👩‍👧🇨🇳".repeat(2000))),
        ("zero-width and bidi controls", format!("Text\n\n{}", "a\u{200b}\u{200d}\u{202e}\u{2066}b ".repeat(2000))),
        ("combining marks", format!("Zalgo\n\nZ{}algo text.", "\u{301}\u{316}\u{334}".repeat(2000))),
        ("one label per line", (0..3000).map(|i| format!("**{}：**？\n", char::from_u32(0x3400 + i).unwrap())).collect()),
    ];
    for (name, text) in &cases {
        let file = write(dir.path(), "case.md", text.as_bytes());
        let (output, took) = script_json(&file);
        outcome(&output, name);
        assert!(took.as_secs_f64() < 5.0, "{name}: {took:?}");
        through_the_library(text.as_bytes(), name);
    }
    // The 5,000-character line is spoken in full.
    let file = write(dir.path(), "line.txt", format!("Title\n\n{line_5000}\n").as_bytes());
    let script = expect_script(&script_json(&file).0, "long line");
    assert_eq!(script["turns"].as_array().unwrap().last().unwrap()["text"], line_5000.as_str());
}
