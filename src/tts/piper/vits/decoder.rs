//! The HiFi-GAN generator: from the flow's output (one step per frame) to audio samples,
//! through transposed-convolution upsampling stages, each followed by the average of
//! multi-receptive-field residual blocks.
//!
//! ```text
//! x = Conv7(z)
//! per stage: x = Up(lrelu(x));  x = mean_k ResBlock_k(x)
//! audio = tanh(Conv7(lrelu₀.₀₁(x)))
//! ```

use super::error::{shape_error, VitsError};
use super::onnx::{Padding, Weights};
use crate::tts::nn::conv::{Conv1d, ConvTranspose1d, FusedActivation};
use crate::tts::nn::tensor::Seq;

/// Slope of the leaky ReLUs inside the generator.
const LEAKY_SLOPE: f32 = 0.1;
/// Slope of the leaky ReLU before the output convolution (PyTorch's default).
const FINAL_LEAKY_SLOPE: f32 = 0.01;

pub struct Decoder {
    input: Conv1d,
    stages: Vec<Stage>,
    output: Conv1d,
}

struct Stage {
    upsample: ConvTranspose1d,
    blocks: Vec<ResBlock>,
}

/// A residual block: each unit is `x += conv(lrelu(x))` (HiFi-GAN "ResBlock2") or
/// `x += conv₂(lrelu(conv₁(lrelu(x))))` ("ResBlock1").
struct ResBlock {
    units: Vec<Vec<Conv1d>>,
}

const MAX_LAYERS: usize = 64;

impl Decoder {
    pub fn load(weights: &Weights) -> Result<Self, VitsError> {
        let input = weights.conv("/dec/conv_pre/Conv", Padding::FromNode, FusedActivation::None)?;
        let output = weights.conv("/dec/conv_post/Conv", Padding::FromNode, FusedActivation::None)?;
        let mut upsamples = Vec::new();
        while weights.node(&format!("/dec/ups.{}/ConvTranspose", upsamples.len())).is_ok() {
            upsamples.push(weights.conv_transpose(&format!("/dec/ups.{}/ConvTranspose", upsamples.len()))?);
        }
        let mut blocks = Vec::new();
        while let Some(block) = ResBlock::load(weights, blocks.len())? {
            blocks.push(block);
        }
        if upsamples.is_empty() || blocks.is_empty() || blocks.len() % upsamples.len() != 0 {
            return Err(shape_error("dec", format!("{} upsampling layers, {} residual blocks", upsamples.len(), blocks.len())));
        }
        let per_stage = blocks.len() / upsamples.len();
        let mut blocks = blocks.into_iter();
        let stages = upsamples
            .into_iter()
            .map(|upsample| Stage { upsample, blocks: blocks.by_ref().take(per_stage).collect() })
            .collect();
        Ok(Decoder { input, stages, output })
    }

    /// Output samples per input frame.
    pub fn hop(&self) -> usize {
        self.stages.iter().map(|s| s.upsample.stride()).product()
    }

    /// Audio samples (`hop` per frame) from the decoder input `[frames, channels]`.
    pub fn forward(&self, z: &Seq) -> Vec<f32> {
        let mut x = self.input.forward(z);
        for stage in &self.stages {
            x.map_inplace(|v| leaky(v, LEAKY_SLOPE));
            let up = stage.upsample.forward(&x);
            let mut sum = Seq::zeros(up.steps, up.channels);
            for block in &stage.blocks {
                sum.add_assign(&block.forward(&up));
            }
            let n = stage.blocks.len() as f32;
            sum.map_inplace(|v| v / n);
            x = sum;
        }
        let audio = self.output.forward_valid(&leaky_padded(&x, FINAL_LEAKY_SLOPE, self.output.padding()));
        audio.data.into_iter().map(f32::tanh).collect()
    }
}

impl ResBlock {
    /// `dec.resblocks.{index}`, if the graph has it.
    fn load(weights: &Weights, index: usize) -> Result<Option<Self>, VitsError> {
        let scope = format!("/dec/resblocks.{index}");
        let conv = |name: String| weights.conv(&name, Padding::FromNode, FusedActivation::None);
        let mut units = Vec::new();
        for m in 0..MAX_LAYERS {
            let single = format!("{scope}/convs.{m}/Conv");
            let first = format!("{scope}/convs1.{m}/Conv");
            if weights.node(&single).is_ok() {
                units.push(vec![conv(single)?]);
            } else if weights.node(&first).is_ok() {
                units.push(vec![conv(first)?, conv(format!("{scope}/convs2.{m}/Conv"))?]);
            } else {
                break;
            }
        }
        Ok((!units.is_empty()).then_some(ResBlock { units }))
    }

    fn forward(&self, x: &Seq) -> Seq {
        let mut x = x.clone();
        for unit in &self.units {
            let mut y = None::<Seq>;
            for conv in unit {
                let input = y.as_ref().unwrap_or(&x);
                y = Some(conv.forward_valid(&leaky_padded(input, LEAKY_SLOPE, conv.padding())));
            }
            if let Some(y) = y {
                x.add_assign(&y);
            }
        }
        x
    }
}

fn leaky(v: f32, slope: f32) -> f32 {
    if v >= 0.0 { v } else { v * slope }
}

/// `lrelu(x)` with `left`/`right` zero steps around it, in one copy.
fn leaky_padded(x: &Seq, slope: f32, (left, right): (usize, usize)) -> Seq {
    let mut out = Seq::zeros(x.steps + left + right, x.channels);
    let start = left * x.channels;
    for (o, v) in out.data[start..start + x.data.len()].iter_mut().zip(&x.data) {
        *o = leaky(*v, slope);
    }
    out
}
