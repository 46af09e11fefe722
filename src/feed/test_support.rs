//! Test helpers: fake episode folders (script.json, cues.json, media files) and dates.

use crate::feed::catalog::{Entry, MediaFile, Person};
use crate::mix::Cues;
use crate::script::{Role, Script, Section, Source, Speaker, Turn, TurnKind};
use std::path::{Path, PathBuf};

pub struct Options {
    pub mp3: bool,
    pub wav: bool,
    /// Transcripts and chapters.
    pub extras: bool,
    pub intro: bool,
    pub title: String,
    /// The article's URL: what makes it the same episode or another one.
    pub url: String,
}

impl Default for Options {
    fn default() -> Self {
        Options { mp3: true, wav: true, extras: true, intro: true, title: "Wind Farms on the Steppe".into(), url: "https://example.org/news/wind?a=1&b=2".into() }
    }
}

pub fn script(options: &Options) -> Script {
    let turn = |speaker: &str, kind, text: &str| Turn { speaker: speaker.into(), kind, section: 0, text: text.into() };
    let mut turns = vec![turn("host", TurnKind::Title, &options.title)];
    if options.intro {
        turns.push(turn("host", TurnKind::Intro, "We spoke with Maria Ortega.\n\n  She builds wind farms.  "));
    }
    turns.push(turn("host", TurnKind::Question, "How did it begin?"));
    turns.push(turn("guest", TurnKind::Answer, "With a map of the wind."));
    Script {
        title: options.title.clone(),
        language: crate::Language::En,
        source: Source { url: Some(options.url.clone()), ..Source::default() },
        speakers: vec![
            Speaker { id: "host".into(), name: "Daniel Reed".into(), role: Role::Host },
            Speaker { id: "guest".into(), name: "Maria Ortega".into(), role: Role::Guest },
        ],
        sections: vec![Section { title: options.title.clone() }],
        turns,
    }
}

/// Writes the episode `slug` under `parent` and returns its folder.
pub fn write(parent: &Path, slug: &str, options: &Options) -> PathBuf {
    let dir = parent.join(slug);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("script.json"), serde_json::to_string(&script(options)).unwrap()).unwrap();
    let cues = Cues { duration: 45.8, sample_rate: 44_100, ..Cues::default() };
    std::fs::write(dir.join("cues.json"), serde_json::to_string(&cues).unwrap()).unwrap();
    if options.mp3 {
        std::fs::write(dir.join("episode.mp3"), mp3(&options.title)).unwrap();
    }
    let files = [
        ("episode.wav", options.wav, "RIFF fake wav, longer"),
        ("transcript.vtt", options.extras, "WEBVTT\n"),
        ("transcript.srt", options.extras, "1\n00:00:00,000 --> 00:00:01,000\nHi\n"),
        ("chapters.json", options.extras, "{\"version\":\"1.2.0\",\"chapters\":[]}"),
    ];
    for (name, present, content) in files {
        if present {
            std::fs::write(dir.join(name), content).unwrap();
        }
    }
    dir
}

/// Audio frames after the tag of a fake MP3.
pub const MP3_FRAMES: &[u8] = b"fake mp3 frames";

/// A fake MP3 as the build writes it: an ID3 tag with the episode's title and the build's
/// album, then frames.
pub fn mp3(title: &str) -> Vec<u8> {
    use id3::TagLike;
    let mut tag = id3::Tag::new();
    tag.set_title(title);
    tag.set_album("output");
    let mut bytes = Vec::new();
    tag.write_to(&mut bytes, id3::Version::Id3v23).unwrap();
    bytes.extend_from_slice(MP3_FRAMES);
    bytes
}

/// An RFC 3339 time, e.g. `2024-01-01T10:00:00Z`.
pub fn at(rfc3339: &str) -> time::OffsetDateTime {
    time::OffsetDateTime::parse(rfc3339, &time::format_description::well_known::Rfc3339).unwrap()
}

/// A catalog entry with an mp3 enclosure and one host.
pub fn entry(slug: &str, pub_date: time::OffsetDateTime) -> Entry {
    Entry {
        guid: format!("guid-{slug}"),
        slug: slug.into(),
        title: slug.to_uppercase(),
        description: "About it.".into(),
        link: None,
        pub_date,
        updated: pub_date,
        duration_secs: 46,
        enclosure: MediaFile { file: "episode.mp3".into(), length: 12, mime_type: "audio/mpeg".into() },
        transcripts: vec![],
        chapters: None,
        persons: vec![Person { name: "Ann".into(), role: Role::Host }],
        origin: Some(format!("{slug}.md")),
        language: Some(crate::Language::En),
    }
}
