//! Pure-Rust inference for Piper voices: VITS models exported to ONNX by Piper's trainer
//! (text encoder with relative-position attention, stochastic duration predictor, residual
//! coupling flow, HiFi-GAN decoder). Weights are read from the ONNX protobuf at load; the
//! network is re-expressed with the GEMM-based layers of [`crate::tts::nn`].
//!
//! The model's two Gaussian draws (duration noise, prior sample) come from a ChaCha
//! generator seeded by the caller, so output depends only on ids, scales and seed.

mod decoder;
mod duration;
mod encoder;
mod error;
mod flow;
mod norm;
mod onnx;
mod spline;

pub use error::VitsError;

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
    encoder: encoder::TextEncoder,
    durations: duration::DurationPredictor,
    flow: flow::Flow,
    decoder: decoder::Decoder,
}

impl Vits {
    /// Loads a Piper `.onnx` file.
    pub fn open(path: &Path) -> Result<Self, VitsError> {
        let weights = onnx::Weights::open(path)?;
        Ok(Vits {
            encoder: encoder::TextEncoder::load(&weights)?,
            durations: duration::DurationPredictor::load(&weights)?,
            flow: flow::Flow::load(&weights)?,
            decoder: decoder::Decoder::load(&weights)?,
        })
    }

    /// Audio samples per frame.
    pub fn hop(&self) -> usize {
        self.decoder.hop()
    }

    /// Runs the model on one sentence's phoneme ids.
    pub fn synthesize(&self, ids: &[usize], scales: Scales, seed: u64) -> Result<Synthesis, VitsError> {
        if ids.is_empty() {
            return Err(VitsError::InvalidInput("no phoneme ids".into()));
        }
        let mut rng = ChaCha8Rng::seed_from_u64(seed);
        let mut gaussian = |n: usize, scale: f32| -> Vec<f32> {
            (0..n).map(|_| StandardNormal.sample(&mut rng)).map(|v: f32| v * scale).collect()
        };
        let encoded = self.encoder.encode(ids)?;
        let duration_noise = Seq::from_vec(ids.len(), 2, gaussian(ids.len() * 2, scales.noise_w));
        let log_durations = self.durations.log_durations(&encoded.hidden, duration_noise);
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
        let decoder_input = self.flow.reverse(prior);
        let audio = self.decoder.forward(&decoder_input);
        Ok(Synthesis { durations, decoder_input, audio })
    }
}
