//! The stochastic duration predictor, run in reverse: Gaussian noise (scaled by noise_w) is
//! carried through the inverse of its flows — coupling layers with rational-quadratic
//! splines conditioned on the encoder's states — to a log-duration per phoneme.
//!
//! ```text
//! g = Conv1x1(DDS(Conv1x1(hidden) [+ Cond1x1(speaker)]))
//! z = noise · noise_w                       [steps, 2]
//! for each conv flow (last first): z = flip(z); z1 = spline⁻¹(z1; DDS(Conv1x1(z0) + g))
//! z = flip(z);  logw = (z0 - m) · exp(-logs)
//! ```

use super::error::{shape_error, VitsError};
use super::norm::{gelu, LayerNorm};
use super::onnx::{DepthwiseConv, Padding, Weights};
use super::spline;
use crate::tts::nn::conv::{Conv1d, FusedActivation};
use crate::tts::nn::tensor::Seq;

pub struct DurationPredictor {
    pre: Conv1d,
    /// Multi-speaker voices: the speaker embedding's offset to `pre`'s output.
    speaker_cond: Option<Conv1d>,
    convs: DilatedSeparableConvs,
    projection: Conv1d,
    /// Coupling flows in the order the reverse pass applies them.
    flows: Vec<ConvFlow>,
    /// The element-wise affine flow: `m` and `exp(-logs)` for the two channels.
    affine_mean: [f32; 2],
    affine_inverse_scale: [f32; 2],
}

/// Residual stack of depthwise dilated convolutions (dilation kernelⁱ) and pointwise ones,
/// each followed by layer norm and GELU.
struct DilatedSeparableConvs {
    layers: Vec<SeparableLayer>,
}

struct SeparableLayer {
    depthwise: DepthwiseConv,
    norm_1: LayerNorm,
    pointwise: Conv1d,
    norm_2: LayerNorm,
}

/// A coupling flow: channel 1 goes through a monotonic spline whose knots are computed
/// from channel 0 and the conditioning.
struct ConvFlow {
    pre: Conv1d,
    convs: DilatedSeparableConvs,
    projection: Conv1d,
    bins: usize,
    /// √filter_channels: the bin widths and heights are divided by it.
    scale: f32,
}

/// Highest flow index looked for in the graph.
const MAX_FLOWS: usize = 32;

impl DurationPredictor {
    pub fn load(weights: &Weights) -> Result<Self, VitsError> {
        let mut flows = Vec::new();
        for i in (0..MAX_FLOWS).rev() {
            let scope = format!("dp/flows.{i}");
            if weights.node(&format!("/{scope}/pre/Conv")).is_ok() {
                flows.push(ConvFlow::load(weights, &scope)?);
            }
        }
        if flows.is_empty() {
            return Err(VitsError::Missing("duration predictor flows".into()));
        }
        let mean = weights.input_of("/dp/flows.0/Sub", 1)?;
        let inverse_scale = weights.constant_input_of("/dp/flows.0/Mul", 1)?;
        let pair = |t: &super::onnx::Tensor, name: &str| -> Result<[f32; 2], VitsError> {
            t.data[..].try_into().map_err(|_| shape_error(name, format!("{:?}, expected [2, 1]", t.dims)))
        };
        Ok(DurationPredictor {
            pre: weights.conv("/dp/pre/Conv", Padding::FromNode, FusedActivation::None)?,
            speaker_cond: weights.speaker_cond("/dp/cond/Conv")?,
            convs: DilatedSeparableConvs::load(weights, "dp/convs")?,
            projection: weights.conv("/dp/proj/Conv", Padding::FromNode, FusedActivation::None)?,
            flows,
            affine_mean: pair(&mean, "dp.flows.0.m")?,
            affine_inverse_scale: pair(&inverse_scale, "dp.flows.0.logs")?,
        })
    }

    /// Channels of the speaker embedding it reads (`None`: single-speaker voice).
    pub fn speaker_channels(&self) -> Option<usize> {
        self.speaker_cond.as_ref().map(Conv1d::in_channels)
    }

    /// Log-durations (in frames) per phoneme from the encoder's states and `noise`
    /// (`[steps, 2]`, standard normal, already scaled by noise_w), for the speaker whose
    /// embedding is `speaker` (multi-speaker voices).
    pub fn log_durations(&self, hidden: &Seq, noise: Seq, speaker: Option<&Seq>) -> Vec<f32> {
        let mut g = self.pre.forward(hidden);
        super::add_speaker_offset(&mut g, self.speaker_cond.as_ref(), speaker);
        self.convs.forward_inplace(&mut g);
        let g = self.projection.forward(&g);
        let mut z = noise;
        for flow in &self.flows {
            flip_pairs(&mut z);
            flow.reverse_inplace(&mut z, &g);
        }
        flip_pairs(&mut z);
        z.data
            .chunks_exact(2)
            .map(|pair| (pair[0] - self.affine_mean[0]) * self.affine_inverse_scale[0])
            .collect()
    }
}

/// Reverses the channel order of a two-channel sequence.
fn flip_pairs(z: &mut Seq) {
    for pair in z.data.chunks_exact_mut(2) {
        pair.swap(0, 1);
    }
}

impl DilatedSeparableConvs {
    fn load(weights: &Weights, scope: &str) -> Result<Self, VitsError> {
        let mut layers = Vec::new();
        let dotted = scope.replace('/', ".");
        while weights.node(&format!("/{scope}/convs_sep.{}/Conv", layers.len())).is_ok() {
            let i = layers.len();
            layers.push(SeparableLayer {
                depthwise: weights.depthwise_conv(&format!("/{scope}/convs_sep.{i}/Conv"))?,
                norm_1: LayerNorm::load(weights, &format!("{dotted}.norms_1.{i}"))?,
                pointwise: weights.conv(&format!("/{scope}/convs_1x1.{i}/Conv"), Padding::FromNode, FusedActivation::None)?,
                norm_2: LayerNorm::load(weights, &format!("{dotted}.norms_2.{i}"))?,
            });
        }
        if layers.is_empty() {
            return Err(VitsError::Missing(format!("{scope} layers")));
        }
        Ok(DilatedSeparableConvs { layers })
    }

    fn forward_inplace(&self, x: &mut Seq) {
        for layer in &self.layers {
            let mut y = layer.depthwise.forward(x);
            layer.norm_1.forward_inplace(&mut y);
            y.map_inplace(gelu);
            let mut y = layer.pointwise.forward(&y);
            layer.norm_2.forward_inplace(&mut y);
            y.map_inplace(gelu);
            x.add_assign(&y);
        }
    }
}

impl ConvFlow {
    fn load(weights: &Weights, scope: &str) -> Result<Self, VitsError> {
        let pre = weights.conv(&format!("/{scope}/pre/Conv"), Padding::FromNode, FusedActivation::None)?;
        let projection = weights.conv(&format!("/{scope}/proj/Conv"), Padding::FromNode, FusedActivation::None)?;
        // widths and heights: `bins` each; inner derivatives: bins - 1.
        let bins = (projection.out_channels() + 1) / 3;
        if pre.in_channels() != 1 || bins < 2 || projection.out_channels() != 3 * bins - 1 {
            return Err(shape_error(scope, format!("{} spline parameters", projection.out_channels())));
        }
        Ok(ConvFlow {
            scale: (pre.out_channels() as f32).sqrt(),
            pre,
            convs: DilatedSeparableConvs::load(weights, &format!("{scope}/convs"))?,
            projection,
            bins,
        })
    }

    fn reverse_inplace(&self, z: &mut Seq, g: &Seq) {
        let x0 = Seq::from_vec(z.steps, 1, z.data.iter().step_by(2).copied().collect());
        let mut h = self.pre.forward(&x0);
        h.add_assign(g);
        self.convs.forward_inplace(&mut h);
        let h = self.projection.forward(&h);
        let b = self.bins;
        for (pair, params) in z.data.chunks_exact_mut(2).zip(h.data.chunks_exact(h.channels)) {
            let widths: Vec<f32> = params[..b].iter().map(|v| v / self.scale).collect();
            let heights: Vec<f32> = params[b..2 * b].iter().map(|v| v / self.scale).collect();
            pair[1] = spline::inverse(pair[1], &widths, &heights, &params[2 * b..]);
        }
    }
}
