//! Audio primitives for the episode mixer: mono sample buffers, resampling,
//! loudness normalisation, true-peak limiting, edge fades and trimming,
//! pitch estimation and 16-bit WAV I/O.
//!
//! Every function treats non-finite samples (NaN, ±inf) as silence and never
//! panics on empty buffers.

mod buffer;
mod fade;
mod limiter;
mod loudness;
mod pitch;
mod pitch_shift;
mod resample;
#[cfg(test)]
pub(crate) mod test_signals;
mod wav;

pub use buffer::Buffer;
pub use fade::{fade_edges, trim_silence};
pub use limiter::{context as limiter_context, leaves_untouched, limit};
pub(crate) use loudness::{LOUDNESS_TOLERANCE_LU, MAX_MAKEUP_DB, MAX_PASSES, TRIM_MARGIN_DB};
pub use loudness::{LoudnessMeter, LoudnessReport, integrated_loudness_of, measure, true_peak_of};
pub use pitch::median_f0;
pub use pitch_shift::{shift_pitch, shift_voice};
pub use resample::{resample, resampled_len};
pub use wav::{WavStream, read_wav, write_wav};

/// Everything that can go wrong in the audio module.
#[derive(Debug, thiserror::Error)]
pub enum AudioError {
    /// A sample rate of zero, or one the operation cannot handle.
    #[error("unsupported sample rate: {0} Hz")]
    InvalidRate(u32),
    /// Shorter than one 400 ms loudness gating block, so loudness is undefined.
    #[error("audio too short to measure loudness ({seconds:.3} s, need at least 0.4 s)")]
    TooShort { seconds: f64 },
    /// No gating block reaches the −70 LUFS absolute gate: loudness is undefined.
    #[error("audio is silent (below the -70 LUFS gate)")]
    Silent,
    #[error("resampler setup failed: {0}")]
    ResamplerSetup(#[from] rubato::ResamplerConstructionError),
    #[error("resampling failed: {0}")]
    Resample(#[from] rubato::ResampleError),
    #[error("resampler buffer size mismatch: {0}")]
    ResamplerBuffer(#[from] rubato::audioadapter_buffers::SizeError),
    #[error("loudness measurement failed: {0}")]
    Loudness(#[from] ebur128::Error),
    #[error("WAV I/O failed: {0}")]
    Wav(#[from] hound::Error),
    /// A WAV layout this module does not read (e.g. zero channels, 64-bit float).
    #[error("unsupported WAV format: {0}")]
    UnsupportedWav(String),
}
