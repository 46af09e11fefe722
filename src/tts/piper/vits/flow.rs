//! The normalizing flow between the prior and the decoder, run in reverse: residual
//! coupling layers (mean-only, WaveNet-style conditioning stacks) with channel flips
//! between them.
//!
//! ```text
//! for each coupling layer (last first): z = flip(z); z1 -= post(WN(pre(z0)))
//! ```

use super::error::{shape_error, VitsError};
use super::onnx::{Padding, Weights};
use crate::tts::nn::conv::{Conv1d, FusedActivation};
use crate::tts::nn::fast_conv::FastConv1d;
use crate::tts::nn::winograd::WinogradBuffers;
use crate::tts::nn::tensor::Seq;

pub struct Flow {
    /// Coupling layers in the order the reverse pass applies them.
    couplings: Vec<Coupling>,
}

struct Coupling {
    pre: Conv1d,
    wavenet: WaveNet,
    post: Conv1d,
}

/// Gated dilated convolutions with residual and skip outputs (VITS `WN`).
struct WaveNet {
    input_layers: Vec<FastConv1d>,
    res_skip_layers: Vec<Conv1d>,
    /// Multi-speaker voices: the speaker embedding's offset to every gate input
    /// (`2·hidden` values per layer, layer after layer).
    speaker_cond: Option<Conv1d>,
    hidden: usize,
}

const MAX_FLOWS: usize = 32;

impl Flow {
    pub fn load(weights: &Weights) -> Result<Self, VitsError> {
        let mut couplings = Vec::new();
        for i in (0..MAX_FLOWS).rev() {
            let scope = format!("/flow/flows.{i}");
            if weights.node(&format!("{scope}/pre/Conv")).is_ok() {
                couplings.push(Coupling::load(weights, &scope)?);
            }
        }
        if couplings.is_empty() {
            return Err(VitsError::Missing("flow coupling layers".into()));
        }
        Ok(Flow { couplings })
    }

    /// Channels of the speaker embedding each coupling layer reads (`None`: single-speaker voice).
    pub fn speaker_channels(&self) -> Vec<Option<usize>> {
        self.couplings.iter().map(|c| c.wavenet.speaker_cond.as_ref().map(Conv1d::in_channels)).collect()
    }

    /// Decoder input from a prior sample `[frames, channels]`, for the speaker whose
    /// embedding is `speaker` (multi-speaker voices).
    pub fn reverse(&self, mut z: Seq, speaker: Option<&Seq>) -> Seq {
        for coupling in &self.couplings {
            for row in z.rows_mut() {
                row.reverse();
            }
            coupling.reverse_inplace(&mut z, speaker);
        }
        z
    }
}

impl Coupling {
    fn load(weights: &Weights, scope: &str) -> Result<Self, VitsError> {
        let conv = |name: &str| weights.conv(&format!("{scope}/{name}/Conv"), Padding::FromNode, FusedActivation::None);
        let pre = conv("pre")?;
        let post = conv("post")?;
        let mut input_layers = Vec::new();
        let mut res_skip_layers = Vec::new();
        while weights.node(&format!("{scope}/enc/in_layers.{}/Conv", input_layers.len())).is_ok() {
            let i = input_layers.len();
            input_layers.push(weights.fast_conv(&format!("{scope}/enc/in_layers.{i}/Conv"))?);
            res_skip_layers.push(conv(&format!("enc/res_skip_layers.{i}"))?);
        }
        let speaker_cond = weights.speaker_cond(&format!("{scope}/enc/cond_layer/Conv"))?;
        let hidden = pre.out_channels();
        let shapes_fit = !input_layers.is_empty()
            && speaker_cond.as_ref().is_none_or(|c| c.out_channels() == 2 * hidden * input_layers.len())
            && post.out_channels() == pre.in_channels()
            && input_layers.iter().all(|l| l.out_channels() == 2 * hidden && l.in_channels() == hidden)
            && res_skip_layers.iter().enumerate().all(|(i, l)| {
                l.out_channels() == if i + 1 == input_layers.len() { hidden } else { 2 * hidden }
            });
        if !shapes_fit {
            return Err(shape_error(scope, "coupling layer shapes do not fit together"));
        }
        Ok(Coupling { pre, wavenet: WaveNet { input_layers, res_skip_layers, speaker_cond, hidden }, post })
    }

    fn reverse_inplace(&self, z: &mut Seq, speaker: Option<&Seq>) {
        let half = self.pre.in_channels();
        let mut x0 = Seq::zeros(z.steps, half);
        for (dst, src) in x0.rows_mut().zip(z.data.chunks_exact(z.channels)) {
            dst.copy_from_slice(&src[..half]);
        }
        let h = self.wavenet.forward(self.pre.forward(&x0), speaker);
        let mean = self.post.forward(&h);
        for (row, m) in z.rows_mut().zip(mean.data.chunks_exact(half)) {
            for (v, m) in row[half..].iter_mut().zip(m) {
                *v -= m;
            }
        }
    }
}

impl WaveNet {
    fn forward(&self, mut x: Seq, speaker: Option<&Seq>) -> Seq {
        let n = self.hidden;
        let offsets = super::speaker_offset(self.speaker_cond.as_ref(), speaker);
        let mut output = Seq::zeros(x.steps, n);
        let last = self.input_layers.len() - 1;
        let mut acts = Seq::zeros(x.steps, n);
        let mut pre = Seq::zeros(x.steps, 2 * n);
        let (mut prepared, mut buffers) = (Vec::new(), WinogradBuffers::default());
        for (i, (input, res_skip)) in self.input_layers.iter().zip(&self.res_skip_layers).enumerate() {
            input.prepare_input(&x.data, |v| v, &mut prepared);
            input.forward_prepared_into(&prepared, &mut pre.data, false, &mut buffers);
            if let Some(offsets) = &offsets {
                pre.add_bias(&offsets[i * 2 * n..][..2 * n]);
            }
            for (a, p) in acts.rows_mut().zip(pre.data.chunks_exact(2 * n)) {
                for (j, v) in a.iter_mut().enumerate() {
                    *v = tanh_via_sigmoid(p[j]) * sigmoid(p[n + j]);
                }
            }
            let rs = res_skip.forward(&acts);
            if i < last {
                for ((xr, or), r) in x.rows_mut().zip(output.rows_mut()).zip(rs.data.chunks_exact(2 * n)) {
                    for (v, r) in xr.iter_mut().zip(&r[..n]) {
                        *v += r;
                    }
                    for (v, r) in or.iter_mut().zip(&r[n..]) {
                        *v += r;
                    }
                }
            } else {
                output.add_assign(&rs);
            }
        }
        output
    }
}

fn sigmoid(x: f32) -> f32 {
    1.0 / (1.0 + (-x).exp())
}

/// `tanh(x) = 2σ(2x) − 1`: one `exp` instead of libm's `tanhf` (absolute error below 1e-7,
/// well inside the flow's tolerance, and this gate runs on every frame of every layer).
fn tanh_via_sigmoid(x: f32) -> f32 {
    2.0 * sigmoid(2.0 * x) - 1.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tanh_via_sigmoid_matches_tanh() {
        for i in -400..=400 {
            let x = i as f32 * 0.05;
            assert!((tanh_via_sigmoid(x) - x.tanh()).abs() < 2e-7, "x={x}");
        }
    }
}
