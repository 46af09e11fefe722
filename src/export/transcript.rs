//! Transcripts from the cue list: WebVTT and SRT, one cue per sentence, each labelled with
//! its speaker's display name.
//!
//! Times are whole milliseconds. Both formats need cues that players can show one after
//! another, so a cue never starts before the previous one ends and never runs past the
//! episode; a sentence left with no time to show in (a zero-length cue) is skipped.

use crate::mix::Cues;
use crate::script::Script;

/// A WebVTT transcript: `<v Speaker>` voice spans, text escaped for cue payloads.
pub fn vtt(script: &Script, cues: &Cues) -> String {
    let mut out = String::from("WEBVTT\n");
    for line in lines(script, cues) {
        let (start, end) = (timestamp(line.start_ms, '.'), timestamp(line.end_ms, '.'));
        out.push_str(&format!("\n{start} --> {end}\n<v {}>{}</v>\n", escape(line.speaker), escape(&line.text)));
    }
    out
}

/// An SRT transcript: numbered cues, `Speaker: text`.
pub fn srt(script: &Script, cues: &Cues) -> String {
    let mut out = String::new();
    for (index, line) in lines(script, cues).iter().enumerate() {
        let (start, end) = (timestamp(line.start_ms, ','), timestamp(line.end_ms, ','));
        let separator = if index == 0 { "" } else { "\n" };
        out.push_str(&format!("{separator}{}\n{start} --> {end}\n{}: {}\n", index + 1, line.speaker, line.text));
    }
    out
}

/// One sentence, timed and attributed, ready to format.
struct Line<'a> {
    start_ms: u64,
    end_ms: u64,
    speaker: &'a str,
    /// On one line: a blank line would end the cue early in both formats.
    text: String,
}

fn lines<'a>(script: &'a Script, cues: &'a Cues) -> Vec<Line<'a>> {
    let episode_end = millis(cues.duration);
    let mut previous_end = 0;
    let mut lines = Vec::with_capacity(cues.sentences.len());
    for sentence in &cues.sentences {
        let start_ms = millis(sentence.start).max(previous_end);
        let end_ms = millis(sentence.end).min(episode_end);
        let text = one_line(&sentence.text);
        if end_ms <= start_ms || text.is_empty() {
            continue;
        }
        previous_end = end_ms;
        let speaker = script.speaker(&sentence.speaker).map_or(sentence.speaker.as_str(), |s| s.name.as_str());
        lines.push(Line { start_ms, end_ms, speaker, text });
    }
    lines
}

/// Seconds as whole milliseconds; negative and NaN give 0.
fn millis(seconds: f64) -> u64 {
    (seconds * 1000.0).round() as u64
}

/// `HH:MM:SS` then `separator` and milliseconds: `.` for WebVTT, `,` for SRT.
fn timestamp(ms: u64, separator: char) -> String {
    let (hours, minutes, seconds) = (ms / 3_600_000, ms / 60_000 % 60, ms / 1000 % 60);
    format!("{hours:02}:{minutes:02}:{seconds:02}{separator}{:03}", ms % 1000)
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Escapes the characters WebVTT cue text reserves (which also rules out `-->`).
fn escape(text: &str) -> String {
    text.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;
    use crate::mix::SentenceCue;
    use crate::script::{Role, Section, Source, Speaker, Turn, TurnKind};

    fn script() -> Script {
        let speaker = |id: &str, name: &str, role| Speaker { id: id.into(), name: name.into(), role };
        let turn = |speaker: &str, kind, text: &str| Turn { speaker: speaker.into(), kind, section: 0, text: text.into() };
        Script {
            title: "Wind".into(),
            language: Language::En,
            source: Source::default(),
            speakers: vec![speaker("host", "Daniel Reed", Role::Host), speaker("guest", "Maria <Ortega> & Co", Role::Guest)],
            sections: vec![Section { title: "Wind".into() }],
            turns: vec![turn("host", TurnKind::Question, "How did it begin?"), turn("guest", TurnKind::Answer, "With a map. Then a mast.")],
        }
    }

    fn cues(sentences: &[(usize, &str, f64, f64, &str)], duration: f64) -> Cues {
        let sentences = sentences
            .iter()
            .map(|&(turn, speaker, start, end, text)| SentenceCue { turn, speaker: speaker.into(), start, end, text: text.into() })
            .collect();
        Cues { duration, sample_rate: 44_100, turns: Vec::new(), sentences }
    }

    fn interview() -> Cues {
        cues(
            &[
                (0, "host", 0.5, 1.8414, "How did it begin?"),
                (1, "guest", 2.6, 3.9, "With a map.\n\nThen  <b>"),
                (1, "guest", 4.25, 3725.0126, "Wind & rain -> power."),
            ],
            3_726.5,
        )
    }

    #[test]
    fn webvtt_voices_and_escapes() {
        assert_eq!(
            vtt(&script(), &interview()),
            "WEBVTT\n\
             \n00:00:00.500 --> 00:00:01.841\n<v Daniel Reed>How did it begin?</v>\n\
             \n00:00:02.600 --> 00:00:03.900\n<v Maria &lt;Ortega&gt; &amp; Co>With a map. Then &lt;b&gt;</v>\n\
             \n00:00:04.250 --> 01:02:05.013\n<v Maria &lt;Ortega&gt; &amp; Co>Wind &amp; rain -&gt; power.</v>\n"
        );
    }

    #[test]
    fn srt_numbers_and_names() {
        assert_eq!(
            srt(&script(), &interview()),
            "1\n00:00:00,500 --> 00:00:01,841\nDaniel Reed: How did it begin?\n\
             \n2\n00:00:02,600 --> 00:00:03,900\nMaria <Ortega> & Co: With a map. Then <b>\n\
             \n3\n00:00:04,250 --> 01:02:05,013\nMaria <Ortega> & Co: Wind & rain -> power.\n"
        );
    }

    #[test]
    fn cues_are_ordered_and_inside_the_episode() {
        let messy = cues(
            &[
                (0, "host", 0.0, 1.0, "One."),
                (0, "host", 0.9, 2.0, "Overlaps the first."),
                (0, "host", 2.0, 2.0004, "Too short to show."),
                (0, "host", 2.5, 2.7, "   "),
                (1, "nobody", 3.0, 9.0, "Runs past the end."),
            ],
            4.0,
        );
        assert_eq!(
            srt(&script(), &messy),
            "1\n00:00:00,000 --> 00:00:01,000\nDaniel Reed: One.\n\
             \n2\n00:00:01,000 --> 00:00:02,000\nDaniel Reed: Overlaps the first.\n\
             \n3\n00:00:03,000 --> 00:00:04,000\nnobody: Runs past the end.\n"
        );
        assert_eq!(vtt(&script(), &cues(&[], 0.0)), "WEBVTT\n");
        assert_eq!(srt(&script(), &cues(&[], 0.0)), "");
    }
}
