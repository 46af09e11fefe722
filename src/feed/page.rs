//! The show page, `public/index.html`: what a visitor of `base_url` sees. The show's title,
//! cover and description, the feed's URL to paste into a podcast app, and every published
//! episode, newest first, with a player, its chapters and its transcript.
//!
//! Made from the catalog and the files in the public folder (chapters.json, transcript.vtt)
//! alone, so any publication can rebuild it for every episode. Clicking a chapter or a
//! transcript time moves that episode's player there.

use super::catalog::{Catalog, Entry};
use super::public::{EPISODES_DIR, FEED_FILE};
use super::show::Show;
use super::urls;
use crate::export::files::{CHAPTERS, VTT};
use crate::html::escape;
use crate::play::format_time;
use serde::Deserialize;
use std::fmt::Write;
use std::path::Path;

const STYLE: &str = "body{font-family:system-ui,sans-serif;max-width:50rem;margin:2rem auto;padding:0 1rem;line-height:1.5;color:#222}\
header{display:flex;gap:1.5rem;align-items:flex-start;flex-wrap:wrap}header img{width:12rem;height:12rem;border-radius:.5rem}\
.subscribe input{width:100%;font:inherit;padding:.3rem}audio{width:100%}\
article{border-top:1px solid #ccc;margin-top:2rem}.meta{color:#666}\
.chapters button,.cue{font:inherit;font-variant-numeric:tabular-nums;color:#06c;background:none;border:0;padding:0 .5em 0 0;cursor:pointer}\
details p{margin:.4em 0}";

/// Clicking an element with `data-start` plays its episode from there.
const SEEK_SCRIPT: &str = "document.addEventListener('click',e=>{const t=e.target.closest('[data-start]');if(!t)return;\
const a=t.closest('article').querySelector('audio');if(a){a.currentTime=+t.dataset.start;a.play();}});";

/// Where the page points.
pub struct Links<'a> {
    /// The feed's full URL, for podcast apps.
    pub feed_url: &'a str,
    /// The cover: a file name in the public folder, or a URL.
    pub artwork: &'a str,
}

/// The page for `show` listing `catalog`, reading chapters and transcripts from `public`.
pub fn render(show: &Show, catalog: &Catalog, links: &Links, public: &Path) -> String {
    let title = escape(show.title.as_str());
    let mut html = String::new();
    let _ = write!(
        html,
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width\">\
         <title>{title}</title><link rel=\"alternate\" type=\"application/rss+xml\" title=\"{title}\" href=\"{FEED_FILE}\">\
         <style>{STYLE}</style></head><body>\n<header><img src=\"{}\" alt=\"Cover of {title}\"><div><h1>{title}</h1>\n\
         <p class=\"author\">{}</p>\n{}</div></header>\n",
        escape(show.language.as_str()),
        escape(links.artwork),
        escape(show.author.as_str()),
        paragraphs(show.description.as_str()),
    );
    let feed_url = escape(links.feed_url);
    let _ = write!(
        html,
        "<section class=\"subscribe\"><h2>Subscribe</h2><p>Paste this address into your podcast app \
         (“add by URL”), or open the <a href=\"{FEED_FILE}\">RSS feed</a>:</p>\n\
         <input id=\"feed-url\" readonly value=\"{feed_url}\" onfocus=\"this.select()\"></section>\n"
    );
    let episodes = catalog.newest_first();
    if episodes.is_empty() {
        html.push_str("<p>No episodes yet: publish one with <code>narrate publish</code>.</p>\n");
    }
    for entry in episodes {
        episode(&mut html, show, entry, &public.join(EPISODES_DIR).join(&entry.slug));
    }
    let _ = write!(html, "<script>{SEEK_SCRIPT}</script>\n</body></html>\n");
    html
}

fn episode(html: &mut String, show: &Show, entry: &Entry, folder: &Path) {
    let base = format!("{EPISODES_DIR}/{}/", urls::segment(&entry.slug));
    let day = entry.pub_date.date();
    let date = format!("{}-{:02}-{:02}", day.year(), u8::from(day.month()), day.day());
    let _ = write!(
        html,
        "<article class=\"episode\" id=\"{}\"><h2>{}</h2>\n<p class=\"meta\"><time datetime=\"{date}\">{date}</time> · {}</p>\n{}",
        escape(&entry.slug),
        escape(&entry.title),
        format_time(entry.duration_secs as f64),
        paragraphs(&entry.description),
    );
    let enclosure = &entry.enclosure;
    let _ = write!(html, "<audio controls preload=\"metadata\" src=\"{base}{}\">", urls::segment(&enclosure.file));
    if entry.transcripts.iter().any(|t| t.file == VTT.name) {
        let language = entry.language.map_or(show.language.primary(), |l| l.code());
        let _ = write!(html, "<track kind=\"captions\" src=\"{base}{}\" srclang=\"{language}\" label=\"Transcript\">", VTT.name);
    }
    html.push_str("</audio>\n");
    let mut links = vec![format!("<a href=\"{base}{}\" download>Download</a>", urls::segment(&enclosure.file))];
    links.extend(entry.transcripts.iter().map(|t| format!("<a href=\"{base}{}\">{}</a>", t.file, escape(&t.file))));
    if let Some(link) = &entry.link {
        links.push(format!("<a href=\"{}\">Source article</a>", escape(link)));
    }
    let _ = writeln!(html, "<p class=\"links\">{}</p>", links.join(" · "));
    if entry.chapters.is_some() {
        chapters(html, &folder.join(CHAPTERS.name));
    }
    if entry.transcripts.iter().any(|t| t.file == VTT.name) {
        transcript(html, &folder.join(VTT.name));
    }
    html.push_str("</article>\n");
}

#[derive(Deserialize)]
struct ChaptersFile {
    chapters: Vec<ChapterEntry>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct ChapterEntry {
    start_time: f64,
    title: String,
}

/// The chapter list, from the published chapters.json (left out when it cannot be read).
fn chapters(html: &mut String, path: &Path) {
    let Some(file) = std::fs::read_to_string(path).ok().and_then(|text| serde_json::from_str::<ChaptersFile>(&text).ok()) else {
        return;
    };
    if file.chapters.is_empty() {
        return;
    }
    html.push_str("<details class=\"chapters\"><summary>Chapters</summary><ol>\n");
    for chapter in &file.chapters {
        let _ = writeln!(
            html,
            "<li><button data-start=\"{:.3}\">{}</button>{}</li>",
            chapter.start_time,
            format_time(chapter.start_time),
            escape(&chapter.title)
        );
    }
    html.push_str("</ol></details>\n");
}

/// One cue of a WebVTT transcript as narrate writes it: `<v Speaker>text</v>`.
#[derive(Debug, PartialEq)]
struct Cue {
    start: f64,
    speaker: String,
    text: String,
}

/// The transcript, one paragraph per run of cues by the same speaker.
fn transcript(html: &mut String, path: &Path) {
    let Ok(text) = std::fs::read_to_string(path) else { return };
    let cues = parse_vtt(&text);
    if cues.is_empty() {
        return;
    }
    html.push_str("<details class=\"transcript\"><summary>Transcript</summary>\n");
    let mut speaker: Option<&str> = None;
    for cue in &cues {
        if speaker != Some(cue.speaker.as_str()) {
            if speaker.is_some() {
                html.push_str("</p>\n");
            }
            speaker = Some(&cue.speaker);
            let _ = write!(html, "<p><button class=\"cue\" data-start=\"{:.3}\">{}</button>", cue.start, format_time(cue.start));
            if !cue.speaker.is_empty() {
                let _ = write!(html, "<b>{}:</b>", escape(&cue.speaker));
            }
        }
        let _ = write!(html, " {}", escape(&cue.text));
    }
    html.push_str("</p>\n</details>\n");
}

fn parse_vtt(text: &str) -> Vec<Cue> {
    let mut cues = Vec::new();
    let mut lines = text.lines();
    while let Some(line) = lines.next() {
        let Some((start, _)) = line.split_once(" --> ") else { continue };
        let Some(start) = vtt_seconds(start.trim()) else { continue };
        let payload: Vec<&str> = lines.by_ref().take_while(|l| !l.trim().is_empty()).collect();
        let payload = payload.join(" ");
        let (speaker, words) = match payload.strip_prefix("<v ").and_then(|rest| rest.split_once('>')) {
            Some((speaker, words)) => (speaker.trim(), words.trim_end().trim_end_matches("</v>")),
            None => ("", payload.as_str()),
        };
        cues.push(Cue { start, speaker: unescape_vtt(speaker), text: unescape_vtt(words.trim()) });
    }
    cues
}

/// `HH:MM:SS.mmm` or `MM:SS.mmm` in seconds.
fn vtt_seconds(stamp: &str) -> Option<f64> {
    stamp.split(':').try_fold(0.0, |total, part| Some(total * 60.0 + part.parse::<f64>().ok()?))
}

fn unescape_vtt(text: &str) -> String {
    text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
}

/// Text with blank lines between paragraphs as HTML paragraphs.
fn paragraphs(text: &str) -> String {
    text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()).map(|p| format!("<p>{}</p>\n", escape(p))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::feed::catalog::MediaFile;
    use crate::feed::test_support::{at, entry};

    #[test]
    fn reads_the_transcripts_narrate_writes() {
        let vtt = "WEBVTT\n\n00:00:01.500 --> 00:00:02.000\n<v Ann &amp; Bo>Why &lt;rivers&gt;?</v>\n\n\
                   01:02:03.250 --> 01:02:04.000\n<v Bo>Because.</v>\n";
        assert_eq!(
            parse_vtt(vtt),
            [
                Cue { start: 1.5, speaker: "Ann & Bo".into(), text: "Why <rivers>?".into() },
                Cue { start: 3723.25, speaker: "Bo".into(), text: "Because.".into() },
            ]
        );
    }

    #[test]
    fn lists_episodes_newest_first_with_player_chapters_and_transcript() {
        let dir = tempfile::tempdir().unwrap();
        let show: Show = toml::from_str(
            "title = \"Wind <&> Words\"\ndescription = \"Read aloud.\\n\\nTwice a week.\"\nauthor = \"Ann\"\nlanguage = \"en\"\n\
             category = \"News\"\nexplicit = false\nbase_url = \"http://localhost:8080/\"",
        )
        .unwrap();
        let mut catalog = Catalog::new("pg".into());
        let mut old = entry("old one", at("2024-01-01T10:00:00Z"));
        old.transcripts = vec![MediaFile { file: "transcript.vtt".into(), length: 1, mime_type: "text/vtt".into() }];
        old.chapters = Some(MediaFile { file: "chapters.json".into(), length: 1, mime_type: "application/json+chapters".into() });
        catalog.upsert(old);
        catalog.upsert(entry("new", at("2024-02-01T10:00:00Z")));
        let folder = dir.path().join("episodes/old one");
        std::fs::create_dir_all(&folder).unwrap();
        std::fs::write(folder.join("transcript.vtt"), "WEBVTT\n\n00:01:05.000 --> 00:01:06.000\n<v Ann>Hello &lt;there&gt;.</v>\n").unwrap();
        std::fs::write(folder.join("chapters.json"), r#"{"version":"1.2.0","chapters":[{"startTime":0,"title":"Intro"},{"startTime":65.5,"title":"Q & A"}]}"#).unwrap();
        let links = Links { feed_url: "http://localhost:8080/feed.xml", artwork: "artwork.png" };
        let page = render(&show, &catalog, &links, dir.path());
        for expected in [
            "<title>Wind &lt;&amp;&gt; Words</title>",
            "<img src=\"artwork.png\" alt=\"Cover of Wind &lt;&amp;&gt; Words\">",
            "<p>Read aloud.</p>\n<p>Twice a week.</p>",
            "<input id=\"feed-url\" readonly value=\"http://localhost:8080/feed.xml\"",
            "<a href=\"feed.xml\">RSS feed</a>",
            "<audio controls preload=\"metadata\" src=\"episodes/old%20one/episode.mp3\">",
            "<track kind=\"captions\" src=\"episodes/old%20one/transcript.vtt\" srclang=\"en\"",
            "<li><button data-start=\"65.500\">1:05</button>Q &amp; A</li>",
            "<p><button class=\"cue\" data-start=\"65.000\">1:05</button><b>Ann:</b> Hello &lt;there&gt;.</p>",
            "<time datetime=\"2024-01-01\">2024-01-01</time> · 0:46",
        ] {
            assert!(page.contains(expected), "missing {expected} in\n{page}");
        }
        let (new, old) = (page.find("id=\"new\"").unwrap(), page.find("id=\"old one\"").unwrap());
        assert!(new < old, "newest first");
        assert_eq!(page.matches("<article class=\"episode\"").count(), 2);
    }

    #[test]
    fn an_empty_show_says_how_to_fill_it() {
        let show: Show = toml::from_str(
            "title = \"T\"\ndescription = \"D\"\nauthor = \"A\"\nlanguage = \"en\"\ncategory = \"News\"\nexplicit = false\nbase_url = \"http://x.org/\"",
        )
        .unwrap();
        let page = render(&show, &Catalog::new("pg".into()), &Links { feed_url: "http://x.org/feed.xml", artwork: "a.png" }, Path::new("/nonexistent"));
        assert!(page.contains("No episodes yet"), "{page}");
    }
}
