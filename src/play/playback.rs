//! The pure side of playing an episode: where it is, which chapter and speaker that is,
//! where chapter keys jump to, and the progress line. No audio device involved.

use super::time::format_time;
use crate::mix::{self, Chapter, Cues};
use crate::script::Script;
use std::fmt::Write;

/// Within this many seconds of a chapter's start, "previous" goes to the chapter before
/// it; later it returns to the start of the current one (as music players do).
const RESTART_GRACE_SECS: f64 = 3.0;
/// A position this close before a chapter's start counts as that start. After a jump the
/// player reports the chapter start a hair early (seconds go through `Duration`'s whole
/// nanoseconds and back), and "next" from there must not land on the same chapter again;
/// while paused, the position stays there, so that would stick.
const AT_START_SECS: f64 = 0.001;

/// A turn's speaker and when the turn starts.
#[derive(Clone, Debug, PartialEq)]
pub struct SpeakerSpan {
    pub start: f64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Playback {
    duration: f64,
    chapters: Vec<Chapter>,
    speakers: Vec<SpeakerSpan>,
}

impl Playback {
    /// `chapters` and `speakers` in time order.
    pub fn new(duration: f64, chapters: Vec<Chapter>, speakers: Vec<SpeakerSpan>) -> Playback {
        Playback { duration: duration.max(0.0), chapters, speakers }
    }

    /// The model for an episode whose length is `duration`; chapters and speakers come
    /// from the script and cues when both are there.
    pub fn for_episode(duration: f64, script: Option<&Script>, cues: Option<&Cues>) -> Playback {
        let (Some(script), Some(cues)) = (script, cues) else { return Playback::new(duration, Vec::new(), Vec::new()) };
        let speakers = cues
            .turns
            .iter()
            .map(|turn| SpeakerSpan {
                start: turn.start,
                name: script.speaker(&turn.speaker).map_or_else(|| turn.speaker.clone(), |s| s.name.clone()),
            })
            .collect();
        Playback::new(duration, mix::chapters(script, cues), speakers)
    }

    pub fn duration(&self) -> f64 {
        self.duration
    }

    pub fn chapters(&self) -> &[Chapter] {
        &self.chapters
    }

    /// Index of the chapter playing at `t`.
    pub fn chapter_at(&self, t: f64) -> Option<usize> {
        let after = self.chapters.partition_point(|chapter| chapter.start <= t + AT_START_SECS);
        after.checked_sub(1).or((!self.chapters.is_empty()).then_some(0))
    }

    /// Where "next chapter" goes from `t`: the next chapter's start, if there is one.
    pub fn next_chapter_start(&self, t: f64) -> Option<f64> {
        self.chapters.iter().map(|chapter| chapter.start).find(|&start| start > t + AT_START_SECS)
    }

    /// Where "previous chapter" goes from `t`: the start of this chapter, or of the one
    /// before it when `t` is near this one's start. Without chapters, the beginning.
    pub fn previous_chapter_start(&self, t: f64) -> f64 {
        let Some(current) = self.chapter_at(t) else { return 0.0 };
        let start = self.chapters[current].start;
        if t - start > RESTART_GRACE_SECS || current == 0 { start } else { self.chapters[current - 1].start }
    }

    /// The speaker of the turn under way at `t`; in the pause after a turn, the one who
    /// just spoke.
    pub fn speaker_at(&self, t: f64) -> Option<&str> {
        let after = self.speakers.partition_point(|span| span.start <= t);
        after.checked_sub(1).map(|i| self.speakers[i].name.as_str())
    }

    /// Where playback starts for `--from` and `--chapter` (1-based), checked against the
    /// episode.
    pub fn start_position(&self, from: Option<f64>, chapter: Option<usize>) -> Result<f64, String> {
        match (from, chapter) {
            (Some(_), Some(_)) => Err("use either --from or --chapter, not both".into()),
            (Some(from), None) if from >= self.duration && self.duration > 0.0 => {
                Err(format!("--from {} is past the end of the episode ({})", format_time(from), format_time(self.duration)))
            }
            (Some(from), None) => Ok(from.max(0.0)),
            (None, Some(number)) => {
                if self.chapters.is_empty() {
                    return Err("this episode has no chapters (none in script.json and cues.json, chapters.json or the MP3's tag)".into());
                }
                number
                    .checked_sub(1)
                    .and_then(|index| self.chapters.get(index))
                    .map(|chapter| chapter.start)
                    .ok_or_else(|| format!("there is no chapter {number}: the episode has chapters 1 to {}", self.chapters.len()))
            }
            (None, None) => Ok(0.0),
        }
    }

    /// One line of at most `width` characters: state, elapsed/total, chapter, speaker.
    pub fn progress_line(&self, t: f64, paused: bool, width: usize) -> String {
        let state = if paused { "paused " } else { "playing" };
        let mut line = format!("{state} {} / {}", format_time(t), format_time(self.duration));
        if let Some(index) = self.chapter_at(t) {
            let _ = write!(line, "  [{}/{}] {}", index + 1, self.chapters.len(), self.chapters[index].title);
        }
        if let Some(speaker) = self.speaker_at(t) {
            let _ = write!(line, "  · {speaker}");
        }
        truncate(&line, width)
    }
}

/// Cuts `line` to `width` characters, marking the cut with an ellipsis.
fn truncate(line: &str, width: usize) -> String {
    if line.chars().count() <= width {
        return line.to_string();
    }
    let mut cut: String = line.chars().take(width.saturating_sub(1)).collect();
    if width > 0 {
        cut.push('…');
    }
    cut
}

#[cfg(test)]
mod tests {
    use super::*;

    fn chapter(title: &str, start: f64, end: f64) -> Chapter {
        Chapter { title: title.into(), start, end }
    }

    fn sample() -> Playback {
        let chapters = vec![chapter("Intro", 0.0, 10.0), chapter("Why rivers?", 10.0, 30.0), chapter("Outro", 30.0, 40.0)];
        let speakers = vec![
            SpeakerSpan { start: 0.5, name: "Ana".into() },
            SpeakerSpan { start: 10.0, name: "Ben".into() },
            SpeakerSpan { start: 20.0, name: "Ana".into() },
        ];
        Playback::new(40.0, chapters, speakers)
    }

    #[test]
    fn finds_the_chapter_at_a_time() {
        let playback = sample();
        assert_eq!(playback.chapter_at(0.0), Some(0));
        assert_eq!(playback.chapter_at(9.99), Some(0));
        assert_eq!(playback.chapter_at(10.0), Some(1));
        assert_eq!(playback.chapter_at(39.0), Some(2));
        assert_eq!(playback.chapter_at(99.0), Some(2));
        assert_eq!(Playback::new(5.0, Vec::new(), Vec::new()).chapter_at(1.0), None);
    }

    #[test]
    fn next_goes_to_the_following_chapter_start() {
        let playback = sample();
        assert_eq!(playback.next_chapter_start(0.0), Some(10.0));
        assert_eq!(playback.next_chapter_start(10.0), Some(30.0));
        assert_eq!(playback.next_chapter_start(31.0), None);
    }

    #[test]
    fn previous_restarts_the_chapter_unless_near_its_start() {
        let playback = sample();
        assert_eq!(playback.previous_chapter_start(25.0), 10.0);
        assert_eq!(playback.previous_chapter_start(11.0), 0.0);
        assert_eq!(playback.previous_chapter_start(1.0), 0.0);
        assert_eq!(Playback::new(5.0, Vec::new(), Vec::new()).previous_chapter_start(4.0), 0.0);
    }

    /// Where the player says it is after jumping to `seconds` (or pausing there).
    fn reported_after_seek(seconds: f64) -> f64 {
        std::time::Duration::from_secs_f64(seconds).as_secs_f64()
    }

    #[test]
    fn chapter_keys_move_on_from_exact_chapter_starts() {
        // Starts that are not whole numbers of nanoseconds, as chapters from real cues are.
        let starts = [0.0, 16.482154, 47.000000001, 3601.123456789];
        let chapters = starts.windows(2).map(|w| chapter("c", w[0], w[1])).chain([chapter("last", 3601.123456789, 4000.0)]).collect();
        let playback = Playback::new(4000.0, chapters, Vec::new());
        // n, n, n from the top: each press lands on the following chapter, as it does when
        // paused (the position then stays exactly where the last jump put it).
        let mut t = 0.0;
        for (index, &expected) in starts.iter().enumerate().skip(1) {
            t = reported_after_seek(playback.next_chapter_start(t).expect("a next chapter"));
            assert!((t - expected).abs() < 1e-6, "press {index}: {t} vs {expected}");
            assert_eq!(playback.chapter_at(t), Some(index));
            // The position a hair before the start (nanosecond truncation, frame
            // alignment) is still that chapter.
            assert_eq!(playback.chapter_at(expected - 1e-9), Some(index));
            assert_eq!(playback.next_chapter_start(expected - 1e-9), starts.get(index + 1).copied());
        }
        assert_eq!(playback.next_chapter_start(t), None);
        // p, p, p back from the last start: at a start, "previous" is the chapter before.
        for index in (1..starts.len()).rev() {
            t = reported_after_seek(playback.previous_chapter_start(t));
            assert!((t - starts[index - 1]).abs() < 1e-6, "back to {index}: {t}");
        }
        assert_eq!(playback.previous_chapter_start(t), 0.0);
    }

    #[test]
    fn speaker_is_the_last_turn_started() {
        let playback = sample();
        assert_eq!(playback.speaker_at(0.2), None);
        assert_eq!(playback.speaker_at(0.5), Some("Ana"));
        assert_eq!(playback.speaker_at(15.0), Some("Ben"));
        assert_eq!(playback.speaker_at(39.0), Some("Ana"));
    }

    #[test]
    fn start_position_checks_the_options() {
        let playback = sample();
        assert_eq!(playback.start_position(None, None), Ok(0.0));
        assert_eq!(playback.start_position(Some(12.5), None), Ok(12.5));
        assert_eq!(playback.start_position(None, Some(2)), Ok(10.0));
        assert!(playback.start_position(Some(40.0), None).unwrap_err().contains("past the end of the episode (0:40)"));
        assert!(playback.start_position(None, Some(0)).unwrap_err().contains("chapters 1 to 3"));
        assert!(playback.start_position(None, Some(4)).unwrap_err().contains("no chapter 4"));
        assert!(playback.start_position(Some(1.0), Some(1)).is_err());
        let bare = Playback::new(5.0, Vec::new(), Vec::new());
        assert!(bare.start_position(None, Some(1)).unwrap_err().contains("no chapters"));
    }

    #[test]
    fn progress_line_shows_time_chapter_and_speaker() {
        let playback = sample();
        assert_eq!(playback.progress_line(12.0, false, 80), "playing 0:12 / 0:40  [2/3] Why rivers?  · Ben");
        assert_eq!(playback.progress_line(12.0, true, 80), "paused  0:12 / 0:40  [2/3] Why rivers?  · Ben");
        assert_eq!(playback.progress_line(12.0, false, 19), "playing 0:12 / 0:4…");
        assert_eq!(Playback::new(5.0, Vec::new(), Vec::new()).progress_line(1.0, false, 80), "playing 0:01 / 0:05");
    }

    #[test]
    fn model_from_script_and_cues() {
        let script: Script = serde_json::from_str(SCRIPT).expect("script json");
        let cues: Cues = serde_json::from_str(CUES).expect("cues json");
        let playback = Playback::for_episode(6.0, Some(&script), Some(&cues));
        assert_eq!(playback.chapters().len(), 2);
        assert_eq!(playback.chapters()[1].title, "What now?");
        assert_eq!(playback.speaker_at(1.0), Some("Ana Host"));
        assert_eq!(playback.speaker_at(3.5), Some("Ben Guest"));
        assert!(Playback::for_episode(6.0, Some(&script), None).chapters().is_empty());
    }

    const SCRIPT: &str = r#"{"title":"T","language":"en","source":{},
        "speakers":[{"id":"host","name":"Ana Host","role":"host"},{"id":"guest","name":"Ben Guest","role":"guest"}],
        "sections":[{"title":"Talk"}],
        "turns":[{"speaker":"host","kind":"question","section":0,"text":"What now?"},
                 {"speaker":"guest","kind":"answer","section":0,"text":"This."}]}"#;

    const CUES: &str = r#"{"duration":6.0,"sample_rate":44100,
        "turns":[{"turn":0,"speaker":"host","kind":"question","section":0,"start":0.5,"end":2.0},
                 {"turn":1,"speaker":"guest","kind":"answer","section":0,"start":3.0,"end":5.5}],
        "sentences":[]}"#;
}
