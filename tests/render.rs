//! End to end: a two-speaker interview rendered to a WAV a person can listen to.

mod common;

use common::narrate;
use narrate::audio::{self, Buffer};
use narrate::mix::Cues;
use std::path::Path;

/// The audio of every sentence `speaker` says, joined.
fn speech_of(episode: &Buffer, cues: &Cues, speaker: &str) -> Buffer {
    let at = |secs: f64| ((secs * episode.rate as f64) as usize).min(episode.samples.len());
    let samples = cues
        .sentences
        .iter()
        .filter(|s| s.speaker == speaker)
        .flat_map(|s| episode.samples[at(s.start)..at(s.end)].iter().copied())
        .collect();
    Buffer::new(episode.rate, samples)
}

#[test]
fn two_speaker_interview_renders_level_distinct_voices() {
    let out = tempfile::tempdir().unwrap();
    let output = narrate(&["build", "tests/fixtures/dialogue-en.md", "--out", out.path().to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let dir = out.path().join("dialogue-en");
    let episode = audio::read_wav(&dir.join("episode.wav")).expect("episode.wav is a readable WAV");
    let spec = hound::WavReader::open(dir.join("episode.wav")).unwrap().spec();
    assert_eq!((spec.bits_per_sample, spec.channels, spec.sample_rate), (16, 1, 44_100));
    let cues: Cues = serde_json::from_slice(&std::fs::read(dir.join("cues.json")).unwrap()).unwrap();
    let script = narrate::load_script(&dir.join("script.json")).unwrap();
    assert_eq!(script.speakers.len(), 2);

    // Duration fits the text: English speech runs at roughly 10-18 characters a second.
    let spoken_chars: usize = script.turns.iter().map(|t| t.text.chars().count()).sum();
    let speech_secs: f64 = cues.sentences.iter().map(|s| s.end - s.start).sum();
    let rate = spoken_chars as f64 / speech_secs;
    assert!((8.0..=20.0).contains(&rate), "{rate:.1} characters per second");
    assert!((episode.duration() - cues.duration).abs() < 0.01);

    // Cues cover every turn in order, inside the episode.
    assert_eq!(cues.turns.len(), script.turns.len());
    assert!(cues.sentences.windows(2).all(|w| w[0].end <= w[1].start));
    assert!(cues.sentences.last().unwrap().end <= cues.duration);

    let loudness = audio::measure(&episode).unwrap();
    assert!((loudness.integrated_lufs + 16.0).abs() <= 1.0, "{loudness:?}");
    assert!(loudness.true_peak_dbtp <= -1.0, "{loudness:?}");

    let host = audio::median_f0(&speech_of(&episode, &cues, "host")).expect("host is voiced");
    let guest = audio::median_f0(&speech_of(&episode, &cues, "guest")).expect("guest is voiced");
    let (high, low) = if host > guest { (host, guest) } else { (guest, host) };
    assert!(high >= 1.25 * low, "median pitch host {host:.0} Hz, guest {guest:.0} Hz");
}

#[test]
fn an_edited_script_renders_with_the_edit() {
    let out = tempfile::tempdir().unwrap();
    let mut script = narrate::load_script(Path::new("tests/fixtures/prose-en.txt")).unwrap();
    script.turns.truncate(2);
    script.turns[1].text = "Only this sentence is left.".into();
    let edited = out.path().join("edited.json");
    std::fs::write(&edited, serde_json::to_string_pretty(&script).unwrap()).unwrap();
    let output = narrate(&["build", edited.to_str().unwrap(), "--out", out.path().to_str().unwrap(), "--quiet"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let cues: Cues = serde_json::from_slice(&std::fs::read(out.path().join("edited/cues.json")).unwrap()).unwrap();
    let texts: Vec<&str> = cues.sentences.iter().map(|s| s.text.as_str()).collect();
    assert_eq!(texts, vec!["The Lighthouse", "Only this sentence is left."]);
    assert!(cues.sentences.iter().all(|s| s.speaker == "narrator"));
}

#[test]
fn chinese_interview_uses_the_neural_voices_with_a_lower_guest() {
    let out = tempfile::tempdir().unwrap();
    let output = narrate(&["build", "tests/fixtures/interview-zh-bold.md", "--out", out.path().to_str().unwrap(), "--quiet", "--format", "wav"]);
    assert!(output.status.success(), "{}", common::stderr(&output));
    let dir = out.path().join("interview-zh-bold");
    let episode = audio::read_wav(&dir.join("episode.wav")).unwrap();
    let cues: Cues = serde_json::from_slice(&std::fs::read(dir.join("cues.json")).unwrap()).unwrap();
    // Mandarin news reading runs at roughly 3.5-6 characters a second.
    let script = narrate::load_script(&dir.join("script.json")).unwrap();
    let han: usize = script.turns.iter().flat_map(|t| t.text.chars()).filter(|c| ('\u{4e00}'..='\u{9fff}').contains(c)).count();
    let speech_secs: f64 = cues.sentences.iter().map(|s| s.end - s.start).sum();
    assert!((3.0..=7.0).contains(&(han as f64 / speech_secs)), "{han} characters in {speech_secs:.1} s");
    let loudness = audio::measure(&episode).unwrap();
    assert!((loudness.integrated_lufs + 16.0).abs() <= 1.0 && loudness.true_peak_dbtp <= -1.0, "{loudness:?}");
    let host = audio::median_f0(&speech_of(&episode, &cues, "host")).expect("host is voiced");
    let guest = audio::median_f0(&speech_of(&episode, &cues, "guest")).expect("guest is voiced");
    assert!(guest <= 0.72 * host, "median pitch host {host:.0} Hz, guest {guest:.0} Hz");
}
