//! Pure-Rust inference for Piper voices: VITS models exported to ONNX by Piper's trainer
//! (text encoder with relative-position attention, stochastic duration predictor, residual
//! coupling flow, HiFi-GAN decoder). Weights are read from the ONNX protobuf at load; the
//! network is re-expressed with the GEMM-based layers of [`crate::tts::nn`].
//!
//! The model's two Gaussian draws (duration noise, prior sample) come from a ChaCha
//! generator seeded by the caller, so output depends only on ids, scales and seed.
//!
//! Multi-speaker voices look up a speaker embedding `g` and feed it, through a 1×1
//! convolution each, to the duration predictor, every flow WaveNet layer and the decoder.
//! `g` is one vector for the whole utterance, so each of those is an offset added to every
//! step of one layer's output.

mod decoder;
mod duration;
mod encoder;
mod error;
mod flow;
mod norm;
mod onnx;
mod spline;

pub use error::VitsError;

use crate::tts::nn::conv::Conv1d;
use error::shape_error;

use crate::tts::nn::tensor::Seq;
use rand_chacha::rand_core::SeedableRng;
use rand_chacha::ChaCha8Rng;
use rand_distr::{Distribution, StandardNormal};
use std::path::Path;

/// The three `scales` inputs of a Piper model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Scales {
    /// Spread of the prior sample (variation in delivery).
    pub noise_scale: f32,
    /// Frames per predicted frame: above 1 speaks slower.
    pub length_scale: f32,
    /// Spread of the duration noise (variation in timing).
    pub noise_w: f32,
}

/// One model call's results.
pub struct Synthesis {
    /// Frames per input id.
    pub durations: Vec<usize>,
    /// The decoder's input, `[frames, channels]`.
    pub decoder_input: Seq,
    /// `hop` samples per frame, roughly within ±1 (not normalized).
    pub audio: Vec<f32>,
}

pub struct Vits {
    /// Multi-speaker voices: one embedding per speaker, `[speakers, channels]`.
    speaker_embeddings: Option<Seq>,
    encoder: encoder::TextEncoder,
    durations: duration::DurationPredictor,
    flow: flow::Flow,
    decoder: decoder::Decoder,
}

impl Vits {
    /// Loads a Piper `.onnx` file.
    pub fn open(path: &Path) -> Result<Self, VitsError> {
        let weights = onnx::Weights::open(path)?;
        let speaker_embeddings = if weights.node(SPEAKER_EMBEDDING).is_ok() {
            let table = weights.input_of(SPEAKER_EMBEDDING, 0)?;
            let [speakers, channels] = table.dims[..] else {
                return Err(shape_error("emb_g", format!("{:?} is not [speakers, channels]", table.dims)));
            };
            Some(Seq::from_vec(speakers, channels, table.data))
        } else {
            None
        };
        let vits = Vits {
            speaker_embeddings,
            encoder: encoder::TextEncoder::load(&weights)?,
            durations: duration::DurationPredictor::load(&weights)?,
            flow: flow::Flow::load(&weights)?,
            decoder: decoder::Decoder::load(&weights)?,
        };
        let channels = vits.speaker_embeddings.as_ref().map(|t| t.channels);
        let mut conds = vec![vits.durations.speaker_channels(), vits.decoder.speaker_channels()];
        conds.extend(vits.flow.speaker_channels());
        if let Some(mismatch) = conds.into_iter().find(|c| *c != channels) {
            return Err(shape_error("emb_g", format!("speaker embeddings of {channels:?} channels, a conditioning layer reads {mismatch:?}")));
        }
        Ok(vits)
    }

    /// How many speakers the voice has (1 for single-speaker voices).
    pub fn speakers(&self) -> usize {
        self.speaker_embeddings.as_ref().map_or(1, |t| t.steps)
    }

    /// Audio samples per frame.
    pub fn hop(&self) -> usize {
        self.decoder.hop()
    }

    /// Runs the model on one sentence's phoneme ids, read by `speaker` (multi-speaker
    /// voices; 0 when `None`, as Piper does).
    pub fn synthesize(&self, ids: &[usize], scales: Scales, seed: u64, speaker: Option<usize>) -> Result<Synthesis, VitsError> {
        if ids.is_empty() {
            return Err(VitsError::InvalidInput("no phoneme ids".into()));
        }
        let id = speaker.unwrap_or(0);
        let speaker = match &self.speaker_embeddings {
            None if id == 0 => None,
            Some(table) if id < table.steps => Some(Seq::from_vec(1, table.channels, table.row(id).to_vec())),
            _ => return Err(VitsError::InvalidInput(format!("speaker {id} requested; the voice has {} (numbered from 0)", self.speakers()))),
        };
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut gaussian = |n: usize, scale: f32| -> Vec<f32> {
            (0..n).map(|_| StandardNormal.sample(&mut rng)).map(|v: f32| v * scale).collect()
        };
        let encoded = self.encoder.encode(ids)?;
        let duration_noise = Seq::from_vec(ids.len(), 2, gaussian(ids.len() * 2, scales.noise_w));
        let log_durations = self.durations.log_durations(&encoded.hidden, duration_noise, speaker.as_ref());
        let durations: Vec<usize> = log_durations
            .iter()
            .map(|&logw| (logw.exp() * scales.length_scale).ceil().max(0.0) as usize)
            .collect();
        let frames: usize = durations.iter().sum();
        if frames == 0 {
            return Err(VitsError::InvalidInput("the model predicted no frames".into()));
        }
        // Prior sample: each phoneme's mean and scale repeated over its frames.
        let channels = encoded.mean.channels;
        let noise = gaussian(frames * channels, scales.noise_scale);
        let mut prior = Seq::zeros(frames, channels);
        let mut rows = prior.rows_mut().zip(noise.chunks_exact(channels));
        for (i, &d) in durations.iter().enumerate() {
            let (mean, log_scale) = (encoded.mean.row(i), encoded.log_scale.row(i));
            for (row, eps) in rows.by_ref().take(d) {
                for (((z, m), s), e) in row.iter_mut().zip(mean).zip(log_scale).zip(eps) {
                    *z = m + e * s.exp();
                }
            }
        }
        let decoder_input = self.flow.reverse(prior, speaker.as_ref());
        let audio = self.decoder.forward(&decoder_input, speaker.as_ref());
        Ok(Synthesis { durations, decoder_input, audio })
    }
}

/// The node that looks up a multi-speaker voice's speaker embedding.
const SPEAKER_EMBEDDING: &str = "/emb_g/Gather";

/// `cond(speaker)`: the offset a conditioning layer adds to every step, when the voice has
/// speakers and one was given.
fn speaker_offset(cond: Option<&Conv1d>, speaker: Option<&Seq>) -> Option<Vec<f32>> {
    Some(cond?.forward(speaker?).data)
}

/// Adds the speaker's offset (see [`speaker_offset`]) to every step of `x`.
fn add_speaker_offset(x: &mut Seq, cond: Option<&Conv1d>, speaker: Option<&Seq>) {
    if let Some(offset) = speaker_offset(cond, speaker) {
        x.add_bias(&offset);
    }
}
