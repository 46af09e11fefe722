//! An episode's files as they go into the show's public folder: copied as built, except
//! the MP3, whose ID3 tag is rewritten with the show's details (album = show title,
//! artist = show author, the show's cover), so a downloaded episode says which show it is.

use super::show::Show;
use crate::export::{tags, write_atomic};
use crate::{Error, Result};
use id3::frame::{Picture, PictureType};
use id3::{Tag, TagLike, Version};
use std::fs::File;
use std::io::{BufReader, Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};

/// A file to publish: `head` (a new ID3 tag, or nothing) followed by `source` from byte
/// `skip` on (past the tag it had).
pub struct Payload {
    source: PathBuf,
    head: Vec<u8>,
    skip: u64,
}

impl Payload {
    /// `source` as it is.
    pub fn copy(source: &Path) -> Payload {
        Payload { source: source.to_path_buf(), head: Vec::new(), skip: 0 }
    }

    /// The MP3 at `source` with its tag carrying the show's title, author and cover (the
    /// episode's own cover is kept when the show's is a URL).
    pub fn retagged_mp3(source: &Path, show: &Show, cover: Option<&tags::Cover>) -> Result<Payload> {
        let mut file = File::open(source).map_err(Error::io(source))?;
        let skip = id3_length(&mut file).map_err(Error::io(source))?;
        let mut tag = match Tag::read_from2(BufReader::new(&mut file)) {
            Ok(tag) => tag,
            Err(e) if matches!(e.kind, id3::ErrorKind::NoTag) => Tag::new(),
            Err(e) => return Err(Error::Usage(format!("{}: cannot read the MP3's ID3 tag: {e}", source.display()))),
        };
        tag.set_album(show.title.as_str());
        tag.set_artist(show.author.as_str());
        if let Some(cover) = cover {
            tag.remove_all_pictures();
            tag.add_frame(Picture {
                mime_type: cover.mime_type.clone(),
                picture_type: PictureType::CoverFront,
                description: String::new(),
                data: cover.data.clone(),
            });
        }
        let mut head = Vec::new();
        tag.write_to(&mut head, Version::Id3v23).map_err(|e| Error::Usage(format!("{}: cannot write the MP3's ID3 tag: {e}", source.display())))?;
        Ok(Payload { source: source.to_path_buf(), head, skip })
    }

    /// The bytes, read in order.
    fn reader(&self) -> Result<impl Read + '_> {
        let mut file = File::open(&self.source).map_err(Error::io(&self.source))?;
        file.seek(SeekFrom::Start(self.skip)).map_err(Error::io(&self.source))?;
        Ok(self.head.as_slice().chain(BufReader::new(file)))
    }

    /// Whether `target` already holds exactly these bytes.
    pub fn is_at(&self, target: &Path) -> Result<bool> {
        let Ok(existing) = File::open(target) else { return Ok(false) };
        let source_len = std::fs::metadata(&self.source).map_err(Error::io(&self.source))?.len();
        let len = self.head.len() as u64 + source_len.saturating_sub(self.skip);
        if existing.metadata().map_err(Error::io(target))?.len() != len {
            return Ok(false);
        }
        same_bytes(self.reader()?, BufReader::new(existing)).map_err(Error::io(target))
    }

    /// Writes the bytes to `target` atomically; returns how many there are.
    pub fn write(&self, target: &Path) -> Result<u64> {
        let mut reader = self.reader()?;
        let mut written = 0;
        write_atomic(target, |w| {
            written = std::io::copy(&mut reader, w)?;
            Ok(())
        })?;
        Ok(written)
    }
}

/// Bytes taken by the ID3v2 tag at the start of `file` (0 without one); leaves the file
/// at its start.
fn id3_length(file: &mut File) -> std::io::Result<u64> {
    let mut header = [0u8; 10];
    let read = file.read(&mut header)?;
    file.seek(SeekFrom::Start(0))?;
    if read < header.len() || &header[..3] != b"ID3" {
        return Ok(0);
    }
    // The size is "synchsafe": four bytes of seven bits each.
    let size = header[6..10].iter().fold(0u64, |size, &b| (size << 7) | u64::from(b & 0x7f));
    let footer = if header[5] & 0x10 != 0 { 10 } else { 0 };
    Ok(10 + size + footer)
}

fn same_bytes(mut a: impl Read, mut b: impl Read) -> std::io::Result<bool> {
    let (mut left, mut right) = (vec![0u8; 64 * 1024], vec![0u8; 64 * 1024]);
    loop {
        let n = read_full(&mut a, &mut left)?;
        let m = read_full(&mut b, &mut right)?;
        if left[..n] != right[..m] {
            return Ok(false);
        }
        if n == 0 {
            return Ok(true);
        }
    }
}

/// Fills `buffer` as far as the reader goes; returns how much was read.
fn read_full(reader: &mut impl Read, buffer: &mut [u8]) -> std::io::Result<usize> {
    let mut filled = 0;
    while filled < buffer.len() {
        match reader.read(&mut buffer[filled..])? {
            0 => break,
            n => filled += n,
        }
    }
    Ok(filled)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn show() -> Show {
        toml::from_str(
            "title = \"晨报播客\"\ndescription = \"D\"\nauthor = \"Ann Lee\"\nlanguage = \"zh\"\ncategory = \"News\"\n\
             explicit = false\nbase_url = \"http://localhost:8080/\"",
        )
        .unwrap()
    }

    /// An "MP3": an ID3 tag from the build, then frame bytes.
    fn built_mp3(path: &Path) -> Vec<u8> {
        let mut tag = Tag::new();
        tag.set_title("风电");
        tag.set_album("output");
        tag.add_frame(id3::frame::Chapter {
            element_id: "chp0".into(),
            start_time: 0,
            end_time: 1000,
            start_offset: u32::MAX,
            end_offset: u32::MAX,
            frames: vec![id3::Frame::text("TIT2", "开头")],
        });
        let mut bytes = Vec::new();
        tag.write_to(&mut bytes, Version::Id3v23).unwrap();
        let frames: Vec<u8> = (0..5000u32).map(|i| (i % 253) as u8).collect();
        std::fs::write(path, [bytes.as_slice(), &frames].concat()).unwrap();
        frames
    }

    #[test]
    fn published_mp3_carries_the_show_tags_and_the_same_audio() {
        let dir = tempfile::tempdir().unwrap();
        let source = dir.path().join("episode.mp3");
        let frames = built_mp3(&source);
        let cover = tags::Cover::from_image(b"\x89PNG\r\n\x1a\nimage".to_vec()).unwrap();
        let payload = Payload::retagged_mp3(&source, &show(), Some(&cover)).unwrap();
        let target = dir.path().join("published.mp3");
        assert!(!payload.is_at(&target).unwrap());
        let length = payload.write(&target).unwrap();
        let bytes = std::fs::read(&target).unwrap();
        assert_eq!(length, bytes.len() as u64);
        assert!(bytes.ends_with(&frames));
        let tag = Tag::read_from_path(&target).unwrap();
        assert_eq!((tag.title(), tag.album(), tag.artist()), (Some("风电"), Some("晨报播客"), Some("Ann Lee")));
        assert_eq!(tag.pictures().next().map(|p| p.data.as_slice()), Some(&b"\x89PNG\r\n\x1a\nimage"[..]));
        assert_eq!(tag.chapters().count(), 1, "the episode's chapters stay");
        let mut file = File::open(&target).unwrap();
        assert_eq!(id3_length(&mut file).unwrap() as usize + frames.len(), bytes.len());
        assert!(payload.is_at(&target).unwrap(), "the same payload matches what it wrote");
    }

    #[test]
    fn copies_compare_by_content() {
        let dir = tempfile::tempdir().unwrap();
        let (source, target) = (dir.path().join("a.vtt"), dir.path().join("b.vtt"));
        std::fs::write(&source, "WEBVTT\n\nhello").unwrap();
        let payload = Payload::copy(&source);
        assert_eq!(payload.write(&target).unwrap(), 13);
        assert!(payload.is_at(&target).unwrap());
        std::fs::write(&target, "WEBVTT\n\nhellO").unwrap();
        assert!(!payload.is_at(&target).unwrap());
    }
}
