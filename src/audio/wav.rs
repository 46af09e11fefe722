//! WAV reading (any PCM layout hound reads, downmixed to mono) and 16-bit
//! mono writing.

use std::io::{Seek, Write};
use std::path::Path;

use hound::{SampleFormat, WavReader, WavSpec, WavWriter};

use super::AudioError;
use super::buffer::{Buffer, finite_or_zero};

/// Samples handed to hound's fast 16-bit writer per batch.
const WRITE_CHUNK: usize = 1 << 16;

/// Writes 16-bit mono PCM. Samples are rounded to the nearest step of 1/32768
/// (no dither, the same scale [`read_wav`] uses, so a roundtrip is exact to
/// half a step) and clamped to the i16 range, so +1.0 becomes 32767;
/// non-finite samples are written as 0.
pub fn write_wav<W: Write + Seek>(buffer: &Buffer, out: W) -> Result<(), AudioError> {
    let mut wav = WavStream::new(out, buffer.rate)?;
    wav.write(&buffer.samples)?;
    wav.finish()
}

/// 16-bit mono PCM written piece by piece, as [`write_wav`] writes a whole buffer.
pub struct WavStream<W: Write + Seek> {
    writer: WavWriter<W>,
}

impl<W: Write + Seek> WavStream<W> {
    pub fn new(out: W, rate: u32) -> Result<Self, AudioError> {
        if rate == 0 {
            return Err(AudioError::InvalidRate(0));
        }
        let spec = WavSpec { channels: 1, sample_rate: rate, bits_per_sample: 16, sample_format: SampleFormat::Int };
        Ok(WavStream { writer: WavWriter::new(out, spec)? })
    }

    pub fn write(&mut self, samples: &[f32]) -> Result<(), AudioError> {
        for chunk in samples.chunks(WRITE_CHUNK) {
            let mut batch = self.writer.get_i16_writer(chunk.len() as u32);
            for &s in chunk {
                batch.write_sample(to_i16(s));
            }
            batch.flush()?;
        }
        Ok(())
    }

    /// Writes the final sizes into the header.
    pub fn finish(self) -> Result<(), AudioError> {
        Ok(self.writer.finalize()?)
    }
}

fn to_i16(sample: f32) -> i16 {
    (finite_or_zero(sample) * 32_768.0)
        .round()
        .clamp(-32_768.0, 32_767.0) as i16
}

/// Reads 8/16/24/32-bit integer or 32-bit float WAV, any channel count,
/// averaging channels to mono. Integers are scaled by 1/2^(bits-1) so full
/// scale maps to ±1.0. A trailing incomplete frame is dropped.
pub fn read_wav(path: &Path) -> Result<Buffer, AudioError> {
    let mut reader = WavReader::open(path)?;
    let spec = reader.spec();
    let channels = usize::from(spec.channels);
    if channels == 0 {
        return Err(AudioError::UnsupportedWav("zero channels".into()));
    }
    let frames = reader.duration() as usize;
    let samples = match (spec.sample_format, spec.bits_per_sample) {
        (SampleFormat::Float, 32) => downmix(reader.samples::<f32>(), channels, frames)?,
        (SampleFormat::Int, bits @ 1..=32) => {
            let scale = 1.0 / (1u64 << (bits - 1)) as f64;
            let scaled = reader
                .samples::<i32>()
                .map(|s| s.map(|v| (f64::from(v) * scale) as f32));
            downmix(scaled, channels, frames)?
        }
        (format, bits) => {
            return Err(AudioError::UnsupportedWav(format!("{bits}-bit {format:?}")));
        }
    };
    Ok(Buffer::new(spec.sample_rate, samples))
}

/// Averages interleaved `channels` into mono while streaming, so a
/// multi-channel file never sits in memory at full width.
fn downmix(
    samples: impl Iterator<Item = Result<f32, hound::Error>>,
    channels: usize,
    frames_hint: usize,
) -> Result<Vec<f32>, AudioError> {
    let mut mono = Vec::with_capacity(frames_hint);
    let mut sum = 0.0f64;
    let mut filled = 0;
    for sample in samples {
        sum += f64::from(finite_or_zero(sample?));
        filled += 1;
        if filled == channels {
            mono.push((sum / channels as f64) as f32);
            sum = 0.0;
            filled = 0;
        }
    }
    Ok(mono)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::audio::test_signals::sine;
    use std::io::Cursor;
    use std::path::PathBuf;

    /// A per-test file path in the system temp dir, removed on drop.
    struct TempWav(PathBuf);

    impl TempWav {
        fn new(name: &str) -> Self {
            Self(
                std::env::temp_dir()
                    .join(format!("narrate-audio-{}-{name}.wav", std::process::id())),
            )
        }
    }

    impl Drop for TempWav {
        fn drop(&mut self) {
            let _ = std::fs::remove_file(&self.0);
        }
    }

    #[test]
    fn roundtrip_16_bit_mono() {
        let mut samples = sine(24_000, 440.0, 0.8, 0.5);
        samples.extend([1.5, -1.5, f32::NAN, 1.0, -1.0, 0.0]);
        let original = Buffer::new(24_000, samples);
        let file = TempWav::new("roundtrip");
        write_wav(&original, std::fs::File::create(&file.0).unwrap()).unwrap();
        let back = read_wav(&file.0).unwrap();

        assert_eq!(back.rate, 24_000);
        assert_eq!(back.samples.len(), original.samples.len());
        // In range, the error is at most half a quantisation step.
        let body = original.samples.len() - 6;
        for (a, b) in original.samples[..body].iter().zip(&back.samples) {
            assert!((a - b).abs() <= 0.5 / 32_768.0, "{a} -> {b}");
        }
        let top = 32_767.0 / 32_768.0;
        assert_eq!(back.samples[body..], [top, -1.0, 0.0, top, -1.0, 0.0]);
    }

    #[test]
    fn writes_to_any_write_seek() {
        let mut cursor = Cursor::new(Vec::new());
        write_wav(&Buffer::new(16_000, vec![0.25; 100]), &mut cursor).unwrap();
        assert_eq!(cursor.get_ref().len(), 44 + 200);
        assert!(write_wav(&Buffer::new(0, vec![0.0]), Cursor::new(Vec::new())).is_err());
    }

    fn write_with_hound<S: hound::Sample + Copy>(
        name: &str,
        spec: WavSpec,
        interleaved: &[S],
    ) -> TempWav {
        let file = TempWav::new(name);
        let mut w = WavWriter::create(&file.0, spec).unwrap();
        for &s in interleaved {
            w.write_sample(s).unwrap();
        }
        w.finalize().unwrap();
        file
    }

    fn spec(channels: u16, bits: u16, format: SampleFormat) -> WavSpec {
        WavSpec {
            channels,
            sample_rate: 22_050,
            bits_per_sample: bits,
            sample_format: format,
        }
    }

    #[test]
    fn reads_integer_depths_and_downmixes() {
        // Stereo frames (L, R): the mono result is their mean.
        let f8 = write_with_hound("i8", spec(2, 8, SampleFormat::Int), &[64i8, 0, -128, -128]);
        assert_eq!(read_wav(&f8.0).unwrap().samples, vec![0.25, -1.0]);

        let f16 = write_with_hound("i16", spec(1, 16, SampleFormat::Int), &[16_384i16, -32_768]);
        assert_eq!(read_wav(&f16.0).unwrap().samples, vec![0.5, -1.0]);

        let f24 = write_with_hound(
            "i24",
            spec(3, 24, SampleFormat::Int),
            &[4_194_304i32, 0, -4_194_304],
        );
        let b24 = read_wav(&f24.0).unwrap();
        assert_eq!((b24.rate, b24.samples), (22_050, vec![0.0]));

        let f32i = write_with_hound(
            "i32",
            spec(2, 32, SampleFormat::Int),
            &[i32::MIN, i32::MIN, 1 << 30, 1 << 30],
        );
        assert_eq!(read_wav(&f32i.0).unwrap().samples, vec![-1.0, 0.5]);
    }

    #[test]
    fn reads_float_and_sanitizes() {
        let f = write_with_hound(
            "f32",
            spec(2, 32, SampleFormat::Float),
            &[0.5f32, 0.25, f32::NAN, 0.5],
        );
        assert_eq!(read_wav(&f.0).unwrap().samples, vec![0.375, 0.25]);
    }

    #[test]
    fn missing_or_garbage_files_are_errors() {
        assert!(matches!(
            read_wav(Path::new("/nonexistent/x.wav")),
            Err(AudioError::Wav(_))
        ));
        let file = TempWav::new("garbage");
        std::fs::write(&file.0, b"definitely not a wav file").unwrap();
        assert!(read_wav(&file.0).is_err());
    }
}
