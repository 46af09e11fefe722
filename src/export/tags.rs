//! The ID3v2 tag of an MP3 episode: title, show, date, description, cover art and chapters
//! (the ID3v2 Chapter Frame Addendum: one CHAP frame per chapter, all listed in order by
//! one top-level CTOC frame).
//!
//! Written as ID3v2.3, the version podcast apps, players and operating systems read most
//! widely. Its text frames are UTF-16, so non-Latin titles survive; its date is a year
//! (TYER) plus day and month (TDAT), which readers such as ffmpeg join into one date.

use super::tag_date;
use crate::Language;
use crate::mix::Chapter;
use id3::frame::{Chapter as ChapterFrame, Comment, Picture, PictureType, TableOfContents};
use id3::{Frame, Tag, TagLike, Version};

/// What the MP3's tag says about the episode.
#[derive(Clone, Debug, PartialEq)]
pub struct Mp3Tags {
    /// The episode title (TIT2).
    pub title: String,
    /// The show's author or host (TPE1).
    pub artist: String,
    /// The show's name (TALB).
    pub album: String,
    /// Spoken language (TLAN, and the language of the comment).
    pub language: Language,
    /// Publication date as the article gives it, e.g. `2024-03-08 10:15`,
    /// `October 16, 2023` or `2023年10月16日`; a date that cannot be read is left out.
    pub date: Option<String>,
    /// The episode description (COMM).
    pub comment: Option<String>,
    /// Cover art (APIC, front cover).
    pub cover: Option<Cover>,
}

/// A cover image as it is embedded: JPEG or PNG bytes with their MIME type.
#[derive(Clone, Debug, PartialEq)]
pub struct Cover {
    pub mime_type: String,
    pub data: Vec<u8>,
}

impl Cover {
    /// Recognizes JPEG and PNG images by their signatures; `None` for anything else,
    /// which podcast apps would not show.
    pub fn from_image(data: Vec<u8>) -> Option<Cover> {
        let mime_type = if data.starts_with(&[0xff, 0xd8, 0xff]) {
            "image/jpeg"
        } else if data.starts_with(b"\x89PNG\r\n\x1a\n") {
            "image/png"
        } else {
            return None;
        };
        Some(Cover { mime_type: mime_type.into(), data })
    }
}

/// Element id of the table of contents.
const TOC_ID: &str = "toc";
/// CHAP byte offsets are unused: times locate the chapters, as the addendum allows.
const NO_OFFSET: u32 = u32::MAX;

/// The encoded ID3v2.3 tag, ready to precede the MP3 frames.
pub(super) fn encode(tags: &Mp3Tags, chapters: &[Chapter]) -> id3::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    build(tags, chapters).write_to(&mut bytes, Version::Id3v23)?;
    Ok(bytes)
}

fn build(tags: &Mp3Tags, chapters: &[Chapter]) -> Tag {
    let mut tag = Tag::new();
    tag.set_title(tags.title.as_str());
    tag.set_artist(tags.artist.as_str());
    tag.set_album(tags.album.as_str());
    tag.set_genre("Podcast");
    tag.set_text("TLAN", iso639_2(tags.language));
    if let Some(date) = tags.date.as_deref().and_then(tag_date::parse) {
        tag.set_year(date.year);
        if let Some((month, day)) = date.month_day {
            tag.set_text("TDAT", format!("{day:02}{month:02}"));
        }
    }
    if let Some(text) = &tags.comment {
        let lang = iso639_2(tags.language).into();
        tag.add_frame(Comment { lang, description: String::new(), text: text.clone() });
    }
    if let Some(cover) = &tags.cover {
        tag.add_frame(Picture {
            mime_type: cover.mime_type.clone(),
            picture_type: PictureType::CoverFront,
            description: String::new(),
            data: cover.data.clone(),
        });
    }
    add_chapters(&mut tag, chapters);
    tag
}

fn add_chapters(tag: &mut Tag, chapters: &[Chapter]) {
    if chapters.is_empty() {
        return;
    }
    let ids: Vec<String> = (0..chapters.len()).map(|i| format!("chp{i}")).collect();
    tag.add_frame(TableOfContents { element_id: TOC_ID.into(), top_level: true, ordered: true, elements: ids.clone(), frames: Vec::new() });
    for (id, chapter) in ids.into_iter().zip(chapters) {
        let start_time = millis(chapter.start);
        tag.add_frame(ChapterFrame {
            element_id: id,
            start_time,
            end_time: millis(chapter.end).max(start_time),
            start_offset: NO_OFFSET,
            end_offset: NO_OFFSET,
            frames: vec![Frame::text("TIT2", chapter.title.as_str())],
        });
    }
}

/// Seconds as whole milliseconds, saturating at the ends of `u32` (NaN gives 0).
fn millis(seconds: f64) -> u32 {
    (seconds * 1000.0).round() as u32
}

/// The ISO 639-2 code ID3 uses for a language.
fn iso639_2(language: Language) -> &'static str {
    match language {
        Language::En => "eng",
        Language::Zh => "zho",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tags() -> Mp3Tags {
        Mp3Tags {
            title: "风电".into(),
            artist: "刘洋".into(),
            album: "晨报播客".into(),
            language: Language::Zh,
            date: Some("2024-03-08 10:15".into()),
            comment: Some("A & B <c>".into()),
            cover: Cover::from_image(b"\x89PNG\r\n\x1a\n-rest-of-image".to_vec()),
        }
    }

    #[test]
    fn tag_round_trips() {
        let bytes = encode(&tags(), &[]).unwrap();
        assert_eq!(&bytes[..5], b"ID3\x03\x00");
        let tag = Tag::read_from2(std::io::Cursor::new(bytes)).unwrap();
        assert_eq!(tag.title(), Some("风电"));
        assert_eq!(tag.artist(), Some("刘洋"));
        assert_eq!(tag.album(), Some("晨报播客"));
        assert_eq!(tag.genre(), Some("Podcast"));
        assert_eq!(tag.year(), Some(2024));
        assert_eq!(tag.get("TDAT").and_then(|f| f.content().text()), Some("0803"));
        assert_eq!(tag.get("TLAN").and_then(|f| f.content().text()), Some("zho"));
        let comment = tag.comments().next().unwrap();
        assert_eq!((comment.lang.as_str(), comment.text.as_str()), ("zho", "A & B <c>"));
        let picture = tag.pictures().next().unwrap();
        assert_eq!((picture.mime_type.as_str(), picture.picture_type), ("image/png", PictureType::CoverFront));
        assert_eq!(picture.data, b"\x89PNG\r\n\x1a\n-rest-of-image");
        assert_eq!(tag.tables_of_contents().count(), 0);
    }

    #[test]
    fn unreadable_date_and_missing_fields_are_left_out() {
        let tags = Mp3Tags { date: Some("last Tuesday".into()), comment: None, cover: None, ..tags() };
        let tag = Tag::read_from2(std::io::Cursor::new(encode(&tags, &[]).unwrap())).unwrap();
        assert_eq!(tag.year(), None);
        assert_eq!(tag.comments().count(), 0);
        assert_eq!(tag.pictures().count(), 0);
    }

    #[test]
    fn chapter_times_are_rounded_and_never_end_before_they_start() {
        let chapters = [Chapter { title: "A".into(), start: 1.2344, end: 1.0 }, Chapter { title: "B".into(), start: 2.0006, end: 9.9996 }];
        let tag = build(&tags(), &chapters);
        let times: Vec<_> = tag.chapters().map(|c| (c.start_time, c.end_time)).collect();
        assert_eq!(times, [(1234, 1234), (2001, 10_000)]);
    }

    #[test]
    fn cover_is_sniffed() {
        assert_eq!(Cover::from_image(vec![0xff, 0xd8, 0xff, 0xe0]).map(|c| c.mime_type), Some("image/jpeg".into()));
        assert_eq!(Cover::from_image(b"GIF89a".to_vec()), None);
    }
}
