//! MP3 export through LAME: 44.1 kHz mono CBR at 96 kbps, preceded by the episode's ID3v2
//! tag (see `tags`).
//!
//! 96 kbps mono is transparent for speech and leaves room for music beds and for hosting
//! platforms that re-encode; it costs about 43 MB per hour. The stream starts with LAME's
//! "Info" frame, which records the frame count and the encoder delay and padding, so
//! players report the exact length and trim the encoder's silence (gapless playback).

use super::info_frame;
use super::tags::{self, Mp3Tags};
use crate::audio::{self, Buffer};
use crate::export::write_atomic;
use crate::mix::Chapter;
use crate::tts::store::hex;
use crate::{Error, Result};
use rayon::prelude::*;
use sha2::{Digest, Sha256};
use mp3lame_encoder::{Bitrate, Builder, Encoder, FlushGap, Mode, MonoPcm, Quality, VbrMode, max_required_buffer_size};
use std::fmt::Display;
use std::io::Write;
use std::num::NonZeroU32;
use std::path::Path;

/// Output sample rate; audio at another rate is resampled first.
pub const SAMPLE_RATE: u32 = 44_100;
/// Constant bitrate in kbit/s (see the module documentation for the choice).
pub const BITRATE_KBPS: u32 = BITRATE as u32;
const BITRATE: Bitrate = Bitrate::Kbps96;
/// LAME's default algorithm quality (`-q 5`): transparent for speech at this bitrate and
/// about twice as fast as `-q 2`, which matters for long episodes.
const QUALITY: Quality = Quality::Good;
/// Samples per MP3 frame (MPEG-1 Layer III).
const FRAME_SAMPLES: usize = 1152;
/// Audio is encoded in pieces of at least a minute (see `pieces`)...
const PIECE_SAMPLES: usize = 60 * SAMPLE_RATE as usize;
/// ...cut at silences at least this long: more than the up to 2303 samples a piece's
/// stream runs past its end.
const SEAM_SAMPLES: usize = 2 * FRAME_SAMPLES;
/// Samples handed to LAME at a time (32 MP3 frames), to bound the scratch buffers.
const CHUNK_SAMPLES: usize = 1152 * 32;

/// Writes `stream` (from [`encode`]) to `path` after an ID3v2 tag carrying `tags` and
/// `chapters`. The file is replaced atomically.
pub fn write_mp3(path: &Path, stream: &mut dyn std::io::Read, tags: &Mp3Tags, chapters: &[Chapter]) -> Result<()> {
    let tag = tags::encode(tags, chapters).map_err(|e| encode_error(path, format!("ID3 tag: {e}")))?;
    write_atomic(path, |w| {
        w.write_all(&tag)?;
        std::io::copy(stream, w).map(|_| ())
    })
}

/// The MP3 stream of `audio` (resampled to `SAMPLE_RATE` if need be): the Info frame,
/// then the audio frames. `path` names the file in errors.
pub fn encode(path: &Path, audio: &Buffer) -> Result<Vec<u8>> {
    let resampled;
    let samples = if audio.rate == SAMPLE_RATE {
        &audio.samples
    } else {
        resampled = audio::resample(audio, SAMPLE_RATE)?;
        &resampled.samples
    };
    encode_samples(samples).map_err(|message| encode_error(path, message))
}

/// The cache key of the stream for the audio whose own key is `audio_key` (a hash of
/// everything the audio is made from): the encoder and its settings, and that key. Equal
/// keys, equal streams (LAME is deterministic).
pub fn stream_key(audio_key: &str) -> String {
    let mut hasher = Sha256::new();
    hasher.update(format!("{} {BITRATE_KBPS} {SAMPLE_RATE} q{} {audio_key}", mp3lame_encoder::mp3lame_version(), QUALITY as u32));
    hex(&hasher.finalize())
}

/// The error for a failed encoding of `path`.
fn encode_error(path: &Path, message: String) -> Error {
    Error::Encode { path: path.into(), message: format!("MP3: {message}") }
}

/// The MP3 stream for mono `samples` at `SAMPLE_RATE`: the Info frame, then the audio.
///
/// LAME runs on one thread, so long audio is cut into pieces at silences, each piece is
/// encoded by its own encoder on the rayon pool, and the streams are joined (see
/// `info_frame::join`). Where the pieces fall depends only on the audio, so the stream is
/// the same for any number of threads.
fn encode_samples(samples: &[f32]) -> std::result::Result<Vec<u8>, String> {
    let streams = pieces(samples).into_par_iter().map(|piece| encode_piece(&samples[piece])).collect::<std::result::Result<Vec<_>, _>>()?;
    info_frame::join(streams)
}

/// The input ranges of the pieces (see [`PieceCutter`]).
fn pieces(samples: &[f32]) -> Vec<std::ops::Range<usize>> {
    let mut cutter = PieceCutter::default();
    cutter.feed(samples);
    cutter.finish()
}

/// Finds where long audio, fed to it in order, is cut into pieces to encode apart. A piece
/// ends where at least `SEAM_SAMPLES` of digital silence begin, once it is `PIECE_SAMPLES`
/// long. Its stream holds ⌈len / 1152⌉ + 1 audio frames (LAME's delay and padding), which
/// a decoder plays in full before the next piece's first sample: the next piece starts
/// that many samples on, skipping silence the padding stands in for, so every sample keeps
/// its time in the joined stream. The cuts depend only on the audio.
#[derive(Debug, Default)]
pub struct PieceCutter {
    pieces: Vec<std::ops::Range<usize>>,
    start: usize,
    /// Samples fed so far.
    position: usize,
    /// Zeros in a row up to the position, counted from `start + PIECE_SAMPLES` on.
    run: usize,
}

impl PieceCutter {
    pub fn feed(&mut self, samples: &[f32]) {
        for &sample in samples {
            let index = self.position;
            self.position += 1;
            if index < self.start + PIECE_SAMPLES {
                continue;
            }
            self.run = if sample == 0.0 { self.run + 1 } else { 0 };
            if self.run == SEAM_SAMPLES {
                let end = index + 1 - SEAM_SAMPLES;
                self.pieces.push(self.start..end);
                self.start += ((end - self.start).div_ceil(FRAME_SAMPLES) + 1) * FRAME_SAMPLES;
                self.run = 0;
            }
        }
    }

    /// The pieces, the last one running to the end of what was fed.
    pub fn finish(mut self) -> Vec<std::ops::Range<usize>> {
        self.pieces.push(self.start..self.position);
        self.pieces
    }
}

/// One encoder's stream for `samples`: its Info frame, then the audio.
pub fn encode_piece(samples: &[f32]) -> std::result::Result<Vec<u8>, String> {
    let mut encoder = new_encoder()?;
    let bytes_per_second = BITRATE_KBPS as usize * 1000 / 8;
    let mut stream = Vec::with_capacity(samples.len() / SAMPLE_RATE as usize * bytes_per_second + max_required_buffer_size(0));
    let mut pcm = Vec::with_capacity(CHUNK_SAMPLES);
    for chunk in samples.chunks(CHUNK_SAMPLES) {
        pcm.clear();
        pcm.extend(chunk.iter().map(|&s| if s.is_finite() { s.clamp(-1.0, 1.0) } else { 0.0 }));
        stream.reserve(max_required_buffer_size(pcm.len()));
        encoder.encode_to_vec(MonoPcm(pcm.as_slice()), &mut stream).map_err(lame("encoding"))?;
    }
    stream.reserve(max_required_buffer_size(0));
    encoder.flush_to_vec::<FlushGap>(&mut stream).map_err(lame("flushing"))?;
    write_info_frame(&encoder, &mut stream)?;
    Ok(stream)
}

fn new_encoder() -> std::result::Result<Encoder, String> {
    let mut builder = Builder::new().ok_or("LAME could not allocate an encoder")?;
    builder.set_num_channels(1).map_err(lame("setting one channel"))?;
    builder.set_sample_rate(SAMPLE_RATE).map_err(lame("setting the input rate"))?;
    // Left unset, LAME may pick a lower output rate for a low bitrate.
    builder.set_output_sample_rate(NonZeroU32::new(SAMPLE_RATE)).map_err(lame("setting the output rate"))?;
    builder.set_mode(Mode::Mono).map_err(lame("setting mono mode"))?;
    builder.set_vbr_mode(VbrMode::Off).map_err(lame("setting CBR"))?;
    builder.set_brate(BITRATE).map_err(lame("setting the bitrate"))?;
    builder.set_quality(QUALITY).map_err(lame("setting the quality"))?;
    builder.set_to_write_vbr_tag(true).map_err(lame("enabling the Info frame"))?;
    builder.build().map_err(lame("initializing"))
}

/// LAME starts the stream with a placeholder frame (its header, then zeros) and can fill
/// in the Info frame only once every frame has been encoded; this puts it in place.
fn write_info_frame(encoder: &Encoder, stream: &mut [u8]) -> std::result::Result<(), String> {
    let mut frame = Vec::with_capacity(encoder.lame_tag_size());
    encoder.lame_tag_encode_to_vec(&mut frame).ok_or("LAME produced no Info frame")?;
    let placeholder = stream
        .get_mut(..frame.len())
        .filter(|placeholder| placeholder.get(..4) == frame.get(..4))
        .ok_or("the stream does not start with LAME's placeholder for the Info frame")?;
    placeholder.copy_from_slice(&frame);
    Ok(())
}

/// Maps a LAME error to a message saying what was being done.
fn lame<E: Display>(doing: &'static str) -> impl Fn(E) -> String {
    move |e| format!("LAME failed {doing}: {e}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Language;

    /// `seconds` of a 440 Hz sine at half scale.
    fn sine(rate: u32, seconds: f64) -> Buffer {
        let n = (seconds * f64::from(rate)) as usize;
        let w = 2.0 * std::f64::consts::PI * 440.0 / f64::from(rate);
        Buffer::new(rate, (0..n).map(|i| (0.5 * (w * i as f64).sin()) as f32).collect())
    }

    fn tags() -> Mp3Tags {
        Mp3Tags {
            title: "Wind on the Steppe".into(),
            artist: "Daniel Reed".into(),
            album: "Field Notes".into(),
            language: Language::En,
            date: Some("October 16, 2023".into()),
            comment: Some("An interview with Maria Ortega.".into()),
            cover: None,
        }
    }

    fn chapters() -> Vec<Chapter> {
        [("Opening", 0.0, 1.25), ("How did it begin?", 1.25, 2.5), ("What comes next?", 2.5, 4.0)]
            .into_iter()
            .map(|(title, start, end)| Chapter { title: title.into(), start, end })
            .collect()
    }

    /// Bytes from the end of the ID3v2 tag on: its size is a 28-bit syncsafe integer.
    fn after_tag(file: &[u8]) -> &[u8] {
        assert_eq!(&file[..3], b"ID3");
        let size = file[6..10].iter().fold(0usize, |n, &b| (n << 7) | usize::from(b & 0x7f));
        &file[10 + size..]
    }

    /// Whether `header` is an MPEG-1 Layer III frame header at 44.1 kHz, mono, `kbps`.
    fn is_frame_header(header: &[u8], kbps: u32) -> bool {
        let bitrate_index = [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320].iter().position(|&b| b == kbps);
        header[0] == 0xff
            && header[1] & 0xfe == 0xfa
            && Some(usize::from(header[2] >> 4)) == bitrate_index
            && (header[2] >> 2) & 0b11 == 0
            && header[3] >> 6 == 0b11
    }

    #[test]
    fn writes_tagged_mp3_with_chapters() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("episode.mp3");
        let stream = encode(&path, &sine(44_100, 4.0)).unwrap();
        write_mp3(&path, &mut stream.as_slice(), &tags(), &chapters()).unwrap();

        let file = std::fs::read(&path).unwrap();
        let stream = after_tag(&file);
        assert!(is_frame_header(stream, BITRATE_KBPS));
        // The first frame is LAME's Info frame (the CBR name of a Xing header), which
        // gives decoders the exact length.
        assert_eq!(info_frame::read(stream).unwrap().samples(), 4 * 44_100);

        let tag = id3::Tag::read_from_path(&path).unwrap();
        use id3::TagLike;
        assert_eq!(tag.title(), Some("Wind on the Steppe"));
        let tocs: Vec<_> = tag.tables_of_contents().collect();
        assert_eq!(tocs.len(), 1);
        assert!(tocs[0].top_level && tocs[0].ordered);
        assert_eq!(tocs[0].elements, ["chp0", "chp1", "chp2"]);
        let chaps: Vec<_> =
            tag.chapters().map(|c| (c.element_id.as_str(), c.start_time, c.end_time, c.frames[0].content().text())).collect();
        assert_eq!(
            chaps,
            [
                ("chp0", 0, 1250, Some("Opening")),
                ("chp1", 1250, 2500, Some("How did it begin?")),
                ("chp2", 2500, 4000, Some("What comes next?"))
            ]
        );
    }

    #[test]
    fn resamples_other_rates() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("episode.mp3");
        write_mp3(&path, &mut encode(&path, &sine(22_050, 1.0)).unwrap().as_slice(), &tags(), &[]).unwrap();
        let file = std::fs::read(&path).unwrap();
        assert!(is_frame_header(after_tag(&file), BITRATE_KBPS));
        assert_eq!(id3::Tag::read_from_path(&path).unwrap().chapters().count(), 0);
    }

    #[test]
    fn encodes_empty_and_out_of_range_audio() {
        assert!(encode_samples(&[]).is_ok_and(|stream| is_frame_header(&stream, BITRATE_KBPS)));
        let wild = [f32::NAN, f32::INFINITY, 4.0, -4.0, 0.25].repeat(2000);
        assert!(encode_samples(&wild).is_ok_and(|stream| is_frame_header(&stream, BITRATE_KBPS)));
    }

    /// Decoded samples of an MP3 stream.
    fn decode(stream: Vec<u8>) -> Vec<f32> {
        rodio::Decoder::new(std::io::Cursor::new(stream)).unwrap().collect()
    }

    #[test]
    fn long_audio_is_encoded_in_pieces_that_keep_time() {
        // 150 s of 0.5 s bursts (a low and a high tone, so a shift of one sample shows)
        // with pauses between them, of three lengths.
        let rate = SAMPLE_RATE as usize;
        let mut samples = Vec::new();
        for burst in 0..200 {
            samples.extend((0..rate / 2).map(|i| {
                let t = i as f32 / rate as f32;
                0.3 * (2.0 * std::f32::consts::PI * 440.0 * t).sin() + 0.2 * (2.0 * std::f32::consts::PI * 5_000.0 * t).sin()
            }));
            samples.resize(samples.len() + [5_000, 12_000, 30_000][burst % 3], 0.0);
        }
        let pieces = pieces(&samples);
        assert!(pieces.len() >= 2, "{pieces:?}");
        for seam in pieces.windows(2) {
            assert!(samples[seam[0].end..seam[1].start].iter().all(|&s| s == 0.0), "only silence is skipped");
        }
        let joined = encode_samples(&samples).unwrap();
        assert_eq!(info_frame::read(&joined).unwrap().samples(), samples.len() as u64);

        // Decoded, the joined stream lines up with one encoder's stream sample for sample.
        let whole = decode(encode_piece(&samples).unwrap());
        let parts = decode(joined);
        let n = samples.len();
        assert_eq!((whole.len(), parts.len()), (n, n), "a gapless decoder plays exactly the input");
        let correlation = |shift: usize| -> f64 {
            let (a, b) = (&whole[8..n - 8], &parts[shift..n - 16 + shift]);
            let dot = |x: &[f32], y: &[f32]| x.iter().zip(y).map(|(p, q)| f64::from(*p) * f64::from(*q)).sum::<f64>();
            dot(a, b) / (dot(a, a) * dot(b, b)).sqrt()
        };
        let aligned = correlation(8);
        assert!(aligned > 0.9999, "{aligned}");
        assert!(correlation(7) < aligned - 0.05 && correlation(9) < aligned - 0.05);
    }

    #[test]
    fn stream_key_follows_the_audio_key() {
        assert_eq!(stream_key("a"), stream_key("a"));
        assert_ne!(stream_key("a"), stream_key("b"));
    }

    #[test]
    fn pieces_do_not_depend_on_how_the_audio_is_fed() {
        let rate = SAMPLE_RATE as usize;
        let mut samples = Vec::new();
        for _ in 0..5 {
            samples.extend((0..40 * rate).map(|i| ((i as f32) * 0.01).sin() * 0.3));
            samples.resize(samples.len() + 3 * SEAM_SAMPLES, 0.0);
        }
        let whole = pieces(&samples);
        assert!(whole.len() >= 2, "{whole:?}");
        let mut cutter = PieceCutter::default();
        for chunk in samples.chunks(12_345) {
            cutter.feed(chunk);
        }
        assert_eq!(cutter.finish(), whole);
    }
}
