//! The one activation layout used everywhere: a sequence of feature vectors,
//! time-major (`[steps, channels]`, row-major), plus padding and element-wise
//! helpers on it.

/// `steps` rows of `channels` values each, row-major.
#[derive(Debug, Clone, PartialEq)]
pub struct Seq {
    pub steps: usize,
    pub channels: usize,
    pub data: Vec<f32>,
}

impl Seq {
    pub fn zeros(steps: usize, channels: usize) -> Self {
        Seq {
            steps,
            channels,
            data: vec![0.0; steps * channels],
        }
    }

    /// Wraps `data`, which must hold `steps * channels` values.
    pub fn from_vec(steps: usize, channels: usize, data: Vec<f32>) -> Self {
        debug_assert_eq!(data.len(), steps * channels);
        Seq { steps, channels, data }
    }

    pub fn row(&self, t: usize) -> &[f32] {
        &self.data[t * self.channels..(t + 1) * self.channels]
    }

    pub fn rows_mut(&mut self) -> std::slice::ChunksExactMut<'_, f32> {
        self.data.chunks_exact_mut(self.channels.max(1))
    }

    /// Adds `bias` (one value per channel) to every step.
    pub fn add_bias(&mut self, bias: &[f32]) {
        debug_assert_eq!(bias.len(), self.channels);
        for row in self.rows_mut() {
            for (x, b) in row.iter_mut().zip(bias) {
                *x += b;
            }
        }
    }

    /// Element-wise `self += other` (same shape).
    pub fn add_assign(&mut self, other: &Seq) {
        debug_assert_eq!(self.data.len(), other.data.len());
        for (x, y) in self.data.iter_mut().zip(&other.data) {
            *x += y;
        }
    }

    pub fn map_inplace(&mut self, f: impl Fn(f32) -> f32) {
        for x in &mut self.data {
            *x = f(*x);
        }
    }

    /// Copy with `left` and `right` zero steps around the sequence.
    pub fn pad_zero(&self, left: usize, right: usize) -> Seq {
        let mut out = Seq::zeros(self.steps + left + right, self.channels);
        let start = left * self.channels;
        out.data[start..start + self.data.len()].copy_from_slice(&self.data);
        out
    }

    /// Copy with `pad` steps mirrored on both sides, edge excluded
    /// (tflite MIRROR_PAD in REFLECT mode). Needs `steps > pad`.
    pub fn pad_reflect(&self, pad: usize) -> Seq {
        debug_assert!(self.steps > pad);
        let c = self.channels;
        let mut out = Vec::with_capacity((self.steps + 2 * pad) * c);
        for t in (1..=pad).rev() {
            out.extend_from_slice(self.row(t));
        }
        out.extend_from_slice(&self.data);
        for t in (self.steps - 1 - pad..self.steps - 1).rev() {
            out.extend_from_slice(self.row(t));
        }
        Seq::from_vec(self.steps + 2 * pad, c, out)
    }
}

/// `x * tanh(softplus(x))`. Uses tanh(ln(1+e^x)) = n / (n + 2) with
/// n = e^x (e^x + 2), which needs one exp instead of exp, ln and tanh.
pub fn mish(x: f32) -> f32 {
    if x > 20.0 {
        // tanh(softplus(x)) rounds to 1 in f32 here (and n would overflow).
        return x;
    }
    let e = x.exp();
    let n = e * (e + 2.0);
    x * n / (n + 2.0)
}

pub fn relu(x: f32) -> f32 {
    x.max(0.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reflect_padding_mirrors_without_edge() {
        let s = Seq::from_vec(4, 1, vec![1.0, 2.0, 3.0, 4.0]);
        assert_eq!(s.pad_reflect(2).data, vec![3.0, 2.0, 1.0, 2.0, 3.0, 4.0, 3.0, 2.0]);
    }

    #[test]
    fn zero_padding_keeps_channels_together() {
        let s = Seq::from_vec(1, 2, vec![1.0, 2.0]);
        assert_eq!(s.pad_zero(1, 2).data, vec![0.0, 0.0, 1.0, 2.0, 0.0, 0.0, 0.0, 0.0]);
    }

    #[test]
    fn mish_matches_textbook_formula() {
        for &x in &[-30.0f32, -5.0, -1.0, -0.1, 0.0, 0.3, 1.0, 4.0, 15.0, 25.0, 100.0] {
            let reference = x as f64 * ((x as f64).exp().ln_1p()).tanh();
            let got = mish(x) as f64;
            assert!((got - reference).abs() <= 1e-6 * (1.0 + reference.abs()), "x={x} got {got} want {reference}");
        }
    }
}
