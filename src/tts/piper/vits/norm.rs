//! Channel layer norm and GELU as the VITS modules apply them.

use super::error::{shape_error, VitsError};
use super::onnx::Weights;
use crate::tts::nn::tensor::Seq;

/// Layer normalization over the channels of each step (eps 1e-5, as VITS uses).
pub struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
}

const EPSILON: f32 = 1e-5;

impl LayerNorm {
    /// Loads `<prefix>.gamma` and `<prefix>.beta`.
    pub fn load(weights: &Weights, prefix: &str) -> Result<Self, VitsError> {
        let gamma = weights.tensor(&format!("{prefix}.gamma"))?.data;
        let beta = weights.tensor(&format!("{prefix}.beta"))?.data;
        if gamma.len() != beta.len() {
            return Err(shape_error(prefix, "gamma and beta sizes differ"));
        }
        Ok(LayerNorm { gamma, beta })
    }

    pub fn forward_inplace(&self, x: &mut Seq) {
        debug_assert_eq!(x.channels, self.gamma.len());
        // Sums in f64: the flow downstream magnifies the encoder's rounding errors (about
        // 100× at some channels), so the encoder keeps them as small as it cheaply can.
        let n = x.channels as f64;
        for row in x.rows_mut() {
            let mean = row.iter().map(|&v| v as f64).sum::<f64>() / n;
            let var = row.iter().map(|&v| (v as f64 - mean).powi(2)).sum::<f64>() / n;
            let sd = (var + EPSILON as f64).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                *v = ((*v as f64 - mean) / sd * *g as f64 + *b as f64) as f32;
            }
        }
    }
}

/// GELU with the exact error function (PyTorch's default).
pub fn gelu(x: f32) -> f32 {
    0.5 * x * (1.0 + libm::erff(x * std::f32::consts::FRAC_1_SQRT_2))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gelu_matches_known_values() {
        assert_eq!(gelu(0.0), 0.0);
        assert!((gelu(1.0) - 0.841_344_7).abs() < 1e-6);
        assert!((gelu(-1.0) + 0.158_655_3).abs() < 1e-6);
    }

    #[test]
    fn layer_norm_centers_and_scales() {
        let norm = LayerNorm { gamma: vec![2.0; 4], beta: vec![1.0; 4] };
        let mut x = Seq::from_vec(1, 4, vec![1.0, 2.0, 3.0, 4.0]);
        norm.forward_inplace(&mut x);
        let sd = (1.25f32 + EPSILON).sqrt();
        for (got, v) in x.data.iter().zip([1.0f32, 2.0, 3.0, 4.0]) {
            assert!((got - ((v - 2.5) / sd * 2.0 + 1.0)).abs() < 1e-6);
        }
    }
}
