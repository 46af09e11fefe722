//! Opening an episode's audio for playback: MP3 or WAV, recognized by content.

use crate::{Error, Result};
use rodio::{Decoder, Source};
use std::fs::File;
use std::io::BufReader;
use std::path::Path;

pub type EpisodeDecoder = Decoder<BufReader<File>>;

/// A decoder for the audio file at `path`.
pub fn open(path: &Path) -> Result<EpisodeDecoder> {
    let file = File::open(path).map_err(Error::io(path))?;
    Decoder::try_from(file).map_err(|e| crate::Error::Playback(format!("{}: cannot decode audio: {e}", path.display())))
}

/// Length in seconds, when the file tells it.
pub fn duration(decoder: &EpisodeDecoder) -> Option<f64> {
    decoder.total_duration().map(|d| d.as_secs_f64())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::{self, Buffer};

    const RATE: u32 = 8_000;

    /// A 2-second WAV whose first second is silent and second is a full-scale square wave,
    /// so where a seek lands can be heard in the samples.
    fn write_test_wav(path: &Path) {
        let samples: Vec<f32> = (0..2 * RATE)
            .map(|i| {
                if i < RATE {
                    0.0
                } else if i % 2 == 0 {
                    0.5
                } else {
                    -0.5
                }
            })
            .collect();
        let file = File::create(path).expect("create wav");
        audio::write_wav(&Buffer::new(RATE, samples), std::io::BufWriter::new(file)).expect("write wav");
    }

    #[test]
    fn decodes_a_wav_and_knows_its_length() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("episode.wav");
        write_test_wav(&path);
        let decoder = open(&path).expect("decodable");
        assert_eq!(decoder.sample_rate().get(), RATE);
        let length = duration(&decoder).expect("wav has a length");
        assert!((length - 2.0).abs() < 0.01, "{length}");
        let channels = usize::from(decoder.channels().get());
        assert_eq!(decoder.count() / channels, 2 * RATE as usize);
    }

    #[test]
    fn seeking_skips_to_the_requested_time() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("episode.wav");
        write_test_wav(&path);
        let mut decoder = open(&path).expect("decodable");
        decoder.try_seek(std::time::Duration::from_secs_f64(1.5)).expect("seekable");
        let channels = usize::from(decoder.channels().get());
        let rest: Vec<f32> = decoder.collect();
        let frames = rest.len() / channels;
        assert!((frames as i64 - i64::from(RATE / 2)).abs() <= 64, "{frames} frames left");
        assert!(rest.iter().take(100).all(|s| s.abs() > 0.4), "landed in the silent first second");
    }

    #[test]
    fn refuses_what_is_not_audio() {
        let dir = tempfile::tempdir().expect("temp dir");
        let path = dir.path().join("episode.mp3");
        std::fs::write(&path, "not audio at all").expect("write");
        let message = open(&path).map(|_| ()).expect_err("not audio").to_string();
        assert!(message.contains("cannot decode audio"), "{message}");
    }
}
