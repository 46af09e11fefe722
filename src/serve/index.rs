//! The page at `/`: every episode in the folder with a player and its transcript.
//!
//! Episodes are the folders `episodes/*/` (a published show) or `*/` (a build's output
//! folder), and the served folder itself, that hold a `script.json` or `cues.json`.

use crate::html::escape;
use super::path::encode_segment;
use crate::export::files::{AUDIO, CHAPTERS, CUES, FileKind, MP3, SCRIPT, SRT, VTT, WAV};
use crate::mix::Cues;
use crate::script::Script;
use std::fmt::Write;
use std::path::{Path, PathBuf};

/// Files an episode folder may hold, with the labels they are linked under.
const EPISODE_FILES: [(&str, &str); 6] = [
    (MP3.name, "MP3"),
    (WAV.name, "WAV"),
    (VTT.name, "WebVTT"),
    (SRT.name, "SRT"),
    (CHAPTERS.name, "chapters"),
    (SCRIPT.name, "script"),
];

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:48rem;margin:2rem auto;padding:0 1rem;line-height:1.5}\
audio{width:100%}section{border-top:1px solid #ccc;margin-top:2rem}\
.cue{color:#666;font-variant-numeric:tabular-nums;margin-right:.5em;cursor:pointer}\
details p{margin:.4em 0}";

/// Clicking a time in a transcript moves that episode's player there.
const SEEK_SCRIPT: &str = "document.addEventListener('click',e=>{const t=e.target.closest('[data-start]');if(!t)return;\
const a=t.closest('section').querySelector('audio');if(a){a.currentTime=+t.dataset.start;a.play();}});";

struct Episode {
    /// URL of the folder relative to the page, ending in `/` (empty for the served folder).
    base: String,
    folder: PathBuf,
    name: String,
}

pub fn page(root: &Path) -> String {
    let episodes = find_episodes(root);
    let mut html = String::from("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\">");
    let title = root.file_name().map_or_else(|| "narrate".to_string(), |name| name.to_string_lossy().into_owned());
    let _ = write!(html, "<title>{}</title><style>{STYLE}</style></head><body>\n<h1>{}</h1>\n", escape(&title), escape(&title));
    if root.join("feed.xml").is_file() {
        html.push_str("<p><a href=\"feed.xml\">Podcast feed (RSS)</a></p>\n");
    }
    if episodes.is_empty() {
        html.push_str("<p>No episodes here: no folder holds a script.json or cues.json.</p>\n");
    }
    for episode in &episodes {
        episode_section(&mut html, episode);
    }
    let _ = write!(html, "<script>{SEEK_SCRIPT}</script>\n</body></html>\n");
    html
}

fn find_episodes(root: &Path) -> Vec<Episode> {
    let mut episodes = Vec::new();
    if is_episode(root) {
        episodes.push(Episode { base: String::new(), folder: root.to_path_buf(), name: String::new() });
    }
    for (parent, prefix) in [(root.join("episodes"), "episodes/"), (root.to_path_buf(), "")] {
        for (name, folder) in subfolders(root, &parent) {
            if is_episode(&folder) {
                let base = format!("{prefix}{}/", encode_segment(&name));
                episodes.push(Episode { base, folder, name });
            }
        }
    }
    episodes
}

/// Visible subfolders of `parent` that lie inside `root` once links are followed, by name.
fn subfolders(root: &Path, parent: &Path) -> Vec<(String, PathBuf)> {
    let Ok(entries) = std::fs::read_dir(parent) else { return Vec::new() };
    let mut folders: Vec<(String, PathBuf)> = entries
        .filter_map(|entry| {
            let entry = entry.ok()?;
            let name = entry.file_name().into_string().ok().filter(|name| !name.starts_with('.'))?;
            let folder = entry.path().canonicalize().ok().filter(|real| real.starts_with(root) && real.is_dir())?;
            Some((name, folder))
        })
        .collect();
    folders.sort();
    folders
}

fn is_episode(folder: &Path) -> bool {
    folder.join(SCRIPT.name).is_file() || folder.join(CUES.name).is_file()
}

fn episode_section(html: &mut String, episode: &Episode) {
    let script = Script::from_json_file(&episode.folder.join(SCRIPT.name)).ok();
    let cues = read_cues(&episode.folder.join(CUES.name));
    let title = script.as_ref().map_or(episode.name.as_str(), |s| s.title.as_str());
    let _ = writeln!(html, "<section>\n<h2>{}</h2>", escape(title));
    let present: Vec<(&str, &str)> = EPISODE_FILES.into_iter().filter(|(file, _)| episode.folder.join(file).is_file()).collect();
    let has = |name: &str| present.iter().any(|(file, _)| *file == name);
    if AUDIO.iter().any(|kind| has(kind.name)) {
        html.push_str("<audio controls preload=\"metadata\">");
        for FileKind { name, mime } in AUDIO.into_iter().filter(|kind| has(kind.name)) {
            let _ = write!(html, "<source src=\"{}{name}\" type=\"{mime}\">", episode.base);
        }
        if has(VTT.name) {
            let _ = write!(html, "<track kind=\"captions\" src=\"{}{}\" default>", episode.base, VTT.name);
        }
        html.push_str("</audio>\n");
    } else {
        html.push_str("<p>No audio yet (episode.mp3 or episode.wav).</p>\n");
    }
    let links: Vec<String> = present.iter().map(|(file, label)| format!("<a href=\"{}{file}\">{label}</a>", episode.base)).collect();
    let _ = writeln!(html, "<p>{}</p>", links.join(" · "));
    match cues {
        Some(cues) if !cues.sentences.is_empty() => transcript(html, &cues, script.as_ref()),
        _ => html.push_str("<p>No transcript (cues.json missing or unreadable).</p>\n"),
    }
    html.push_str("</section>\n");
}

fn read_cues(path: &Path) -> Option<Cues> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_json::from_str(&text).ok()
}

/// One paragraph per turn, each opening with its time and speaker.
fn transcript(html: &mut String, cues: &Cues, script: Option<&Script>) {
    html.push_str("<details open><summary>Transcript</summary>\n");
    let speaker_name = |id: &str| script.and_then(|s| s.speaker(id)).map_or(id, |s| s.name.as_str()).to_string();
    let mut turn = None;
    for sentence in &cues.sentences {
        if turn != Some(sentence.turn) {
            if turn.is_some() {
                html.push_str("</p>\n");
            }
            turn = Some(sentence.turn);
            let _ = write!(
                html,
                "<p><span class=\"cue\" data-start=\"{:.2}\">{}</span><b>{}:</b>",
                sentence.start,
                clock(sentence.start),
                escape(&speaker_name(&sentence.speaker))
            );
        }
        let _ = write!(html, " {}", escape(&sentence.text));
    }
    if turn.is_some() {
        html.push_str("</p>\n");
    }
    html.push_str("</details>\n");
}

/// `m:ss`, the way a transcript shows where a turn starts.
fn clock(seconds: f64) -> String {
    let whole = seconds.max(0.0) as u64;
    format!("{}:{:02}", whole / 60, whole % 60)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mix::SentenceCue;

    #[test]
    fn transcript_escapes_text_and_groups_turns() {
        let sentence =
            |turn, start: f64, text: &str| SentenceCue { turn, speaker: "host".into(), start, end: start + 1.0, text: text.into() };
        let cues = Cues {
            duration: 80.0,
            sample_rate: 44_100,
            turns: Vec::new(),
            sentences: vec![sentence(0, 0.0, "Hi <b>there</b>."), sentence(0, 1.0, "Welcome."), sentence(1, 75.5, "Q & A?")],
        };
        let mut html = String::new();
        transcript(&mut html, &cues, None);
        assert!(html.contains("<b>host:</b> Hi &lt;b&gt;there&lt;/b&gt;. Welcome.</p>"), "{html}");
        assert!(html.contains("data-start=\"75.50\">1:15</span><b>host:</b> Q &amp; A?</p>"), "{html}");
        assert_eq!(html.matches("<p>").count(), 2);
    }
}
