//! The Info frame (Xing header with LAME's extension) at the start of an MP3 stream, and
//! joining streams encoded separately into one stream with one Info frame.
//!
//! Field offsets are counted from the "Info" tag, which follows the frame header and side
//! information of the first frame. The layout is LAME's (VbrTag.c): frame and byte counts,
//! a 100-entry seek table, then the LAME extension with encoder delay and padding (12 bits
//! each), the music length and two CRC-16s: of the audio frames, and of the tag itself.

use crc::{CRC_16_ARC, Crc};

/// LAME's CRC-16 (polynomial 0x8005, reflected).
static CRC16: Crc<u16> = Crc::<u16>::new(&CRC_16_ARC);
const TAG: &[u8; 4] = b"Info";
const FRAMES: usize = 8;
const BYTES: usize = 12;
const TOC: usize = 16;
const TOC_ENTRIES: usize = 100;
const DELAY_PADDING: usize = 141;
const MUSIC_LENGTH: usize = 148;
const MUSIC_CRC: usize = 152;
const TAG_CRC: usize = 154;

/// What the Info frame of a stream says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Info {
    /// Audio frames after the Info frame.
    pub frames: u32,
    /// Samples of encoder delay at the start and of padding at the end.
    pub delay: u16,
    pub padding: u16,
}

#[cfg(test)]
impl Info {
    /// Samples a gapless decoder plays: every frame's 1152, less delay and padding.
    pub fn samples(&self) -> u64 {
        u64::from(self.frames) * 1152 - u64::from(self.delay) - u64::from(self.padding)
    }
}

/// Reads the Info frame at the start of `stream`.
pub fn read(stream: &[u8]) -> Option<Info> {
    let (_, at) = locate(stream)?;
    let field = |offset: usize, len: usize| stream.get(at + offset..at + offset + len);
    let frames = u32::from_be_bytes(field(FRAMES, 4)?.try_into().ok()?);
    let [a, b, c]: [u8; 3] = field(DELAY_PADDING, 3)?.try_into().ok()?;
    let delay = (u16::from(a) << 4) | u16::from(b >> 4);
    let padding = (u16::from(b & 0x0f) << 8) | u16::from(c);
    Some(Info { frames, delay, padding })
}

/// Joins `streams`, each an Info frame followed by audio frames from its own encoder,
/// into one (see [`Joiner`]).
pub fn join(streams: Vec<Vec<u8>>) -> Result<Vec<u8>, String> {
    let mut joiner = Joiner::new(Vec::new());
    for stream in streams {
        joiner.push(&stream)?;
    }
    let (mut joined, audio) = joiner.finish()?;
    joined.extend_from_slice(&audio);
    Ok(joined)
}

/// Joins streams encoded separately, given in order, into one: the first stream's Info
/// frame, rewritten to describe the whole (frame and byte counts, seek table, the last
/// stream's padding, music length and CRCs), then every stream's audio frames. The first
/// stream's delay stays: a gapless decoder trims it at the start and the last padding at
/// the end, and plays every stream's frames in between in full. The audio frames go to
/// `out` as they come, so a long episode's stream is never held whole.
pub struct Joiner<W: std::io::Write> {
    out: W,
    info: Option<Vec<u8>>,
    frames: u32,
    padding: u16,
    /// Audio bytes written to `out`.
    bytes: u64,
    music_crc: crc::Digest<'static, u16>,
    /// Where each audio frame starts, from the first audio frame.
    offsets: Vec<u64>,
}

impl<W: std::io::Write> Joiner<W> {
    pub fn new(out: W) -> Self {
        Joiner { out, info: None, frames: 0, padding: 0, bytes: 0, music_crc: CRC16.digest(), offsets: Vec::new() }
    }

    /// Adds the next stream.
    pub fn push(&mut self, stream: &[u8]) -> Result<(), String> {
        let info = read(stream).ok_or("an encoded piece has no Info frame")?;
        let (info_len, _) = locate(stream).ok_or("an encoded piece has no Info frame")?;
        self.frames += info.frames;
        self.padding = info.padding;
        if self.info.is_none() {
            self.info = Some(stream[..info_len].to_vec());
        }
        let audio = &stream[info_len..];
        let mut at = 0;
        while let Some(len) = audio.get(at..).and_then(frame_len) {
            self.offsets.push(self.bytes + at as u64);
            at += len;
        }
        self.music_crc.update(audio);
        self.out.write_all(audio).map_err(|e| format!("writing the MP3 stream: {e}"))?;
        self.bytes += audio.len() as u64;
        Ok(())
    }

    /// The rewritten Info frame, and `out` holding the audio frames that follow it.
    pub fn finish(self) -> Result<(Vec<u8>, W), String> {
        let mut frame = self.info.ok_or("no encoded piece to join")?;
        let (info_len, at) = locate(&frame).ok_or("the joined stream has no Info frame")?;
        let total = info_len as u64 + self.bytes;
        let bytes = u32::try_from(total).map_err(|_| "the MP3 stream is over 4 GB")?;
        let mut toc = [0u8; TOC_ENTRIES];
        for (i, entry) in toc.iter_mut().enumerate() {
            let index = (i * self.offsets.len() / TOC_ENTRIES).min(self.offsets.len().saturating_sub(1));
            let offset = self.offsets.get(index).map_or(0, |o| o + info_len as u64);
            *entry = (256 * offset / total.max(1)).min(255) as u8;
        }
        let music_crc = self.music_crc.finalize();
        let padding = self.padding;
        let tag = &mut frame[at..info_len];
        tag[FRAMES..FRAMES + 4].copy_from_slice(&self.frames.to_be_bytes());
        tag[BYTES..BYTES + 4].copy_from_slice(&bytes.to_be_bytes());
        tag[TOC..TOC + TOC_ENTRIES].copy_from_slice(&toc);
        tag[DELAY_PADDING + 1] = (tag[DELAY_PADDING + 1] & 0xf0) | (padding >> 8) as u8;
        tag[DELAY_PADDING + 2] = padding as u8;
        tag[MUSIC_LENGTH..MUSIC_LENGTH + 4].copy_from_slice(&bytes.to_be_bytes());
        tag[MUSIC_CRC..MUSIC_CRC + 2].copy_from_slice(&music_crc.to_be_bytes());
        let tag_crc = CRC16.checksum(&frame[..at + TAG_CRC]);
        frame[at + TAG_CRC..at + TAG_CRC + 2].copy_from_slice(&tag_crc.to_be_bytes());
        Ok((frame, self.out))
    }
}

/// The length of the first frame of `stream` and where its "Info" tag starts, if the
/// stream starts with an MPEG-1 Layer III Info frame.
fn locate(stream: &[u8]) -> Option<(usize, usize)> {
    let len = frame_len(stream)?;
    let frame = stream.get(..len)?;
    let at = frame.windows(TAG.len()).position(|w| w == TAG)?;
    (at + TAG_CRC + 2 <= len).then_some((len, at))
}

/// Length in bytes of the MPEG-1 Layer III frame whose header starts `bytes`.
fn frame_len(bytes: &[u8]) -> Option<usize> {
    const KBPS: [u32; 15] = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320];
    const RATES: [u32; 3] = [44_100, 48_000, 32_000];
    let header = bytes.get(..4)?;
    if header[0] != 0xff || header[1] & 0xfe != 0xfa {
        return None;
    }
    let kbps = *KBPS.get(usize::from(header[2] >> 4)).filter(|&&k| k > 0)?;
    let rate = *RATES.get(usize::from((header[2] >> 2) & 0b11))?;
    let padding = u32::from((header[2] >> 1) & 1);
    Some((144_000 * kbps / rate + padding) as usize)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lame_stream(len: usize) -> Vec<u8> {
        let samples: Vec<f32> = (0..len).map(|i| (i as f32 * 0.05).sin() * 0.3).collect();
        crate::export::mp3::encode_piece(&samples).unwrap()
    }

    #[test]
    fn reads_lame_info_frame() {
        for len in [1, 1152, 1153, 100_000] {
            let info = read(&lame_stream(len)).unwrap();
            assert_eq!((info.delay, info.samples()), (576, len as u64), "{len}");
        }
        assert_eq!(read(b"not an mp3"), None);
    }

    #[test]
    fn rewriting_one_stream_keeps_lame_fields_and_checksums() {
        let stream = lame_stream(100_000);
        let joined = join(vec![stream.clone()]).unwrap();
        let (len, at) = locate(&stream).unwrap();
        assert_eq!(joined.len(), stream.len());
        assert_eq!(joined[len..], stream[len..]);
        // Only the seek table (computed from byte offsets, where LAME sums bitrates) and
        // the tag CRC over it may differ; every other field, the music CRC included, is LAME's.
        let outside_toc = |s: &[u8]| [s[..at + TOC].to_vec(), s[at + TOC + TOC_ENTRIES..at + TAG_CRC].to_vec()].concat();
        assert_eq!(outside_toc(&joined), outside_toc(&stream));
        for s in [&stream, &joined] {
            let stored = u16::from_be_bytes([s[at + TAG_CRC], s[at + TAG_CRC + 1]]);
            assert_eq!(stored, CRC16.checksum(&s[..at + TAG_CRC]), "tag CRC as LAME computes it");
        }
    }

    #[test]
    fn joined_streams_add_up() {
        let (a, b) = (lame_stream(50_000), lame_stream(20_000));
        let joined = join(vec![a.clone(), b.clone()]).unwrap();
        let (ia, ib) = (read(&a).unwrap(), read(&b).unwrap());
        let info = read(&joined).unwrap();
        assert_eq!(info, Info { frames: ia.frames + ib.frames, delay: 576, padding: ib.padding });
        let (len_b, _) = locate(&b).unwrap();
        assert_eq!(joined.len(), a.len() + b.len() - len_b);
        let (len, at) = locate(&joined).unwrap();
        let field = |offset: usize, n: usize| joined[at + offset..at + offset + n].to_vec();
        assert_eq!(field(BYTES, 4), (joined.len() as u32).to_be_bytes());
        assert_eq!(field(MUSIC_CRC, 2), CRC16.checksum(&joined[len..]).to_be_bytes());
        let toc = field(TOC, TOC_ENTRIES);
        assert!(toc.windows(2).all(|w| w[0] <= w[1]) && toc[99] > 240, "{toc:?}");
    }
}
