//! Neural-network kernels shared by the native engines (zh-baker's FastSpeech2 + MelGAN,
//! piper's VITS): the time-major activation type, a GEMM split over the rayon pool, and the
//! convolutions built on it. Engines load their own weights (tflite, ONNX) into these layers.

pub mod conv;
pub mod fast_conv;
pub mod gemm;
pub mod packed;
pub mod tensor;
pub mod winograd;

/// Inputs for the kernels' tests: the same pseudo-random values on every machine.
#[cfg(test)]
pub(crate) mod test_data {
    /// `len` values in [-0.5, 0.5) from a linear congruential generator seeded with `seed`.
    pub fn pseudo_random(len: usize, seed: u32) -> Vec<f32> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s.wrapping_mul(1664525).wrapping_add(1013904223);
                (s >> 8) as f32 / (1u32 << 24) as f32 - 0.5
            })
            .collect()
    }
}
