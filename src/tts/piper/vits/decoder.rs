//! The HiFi-GAN generator: from the flow's output (one step per frame) to audio samples,
//! through transposed-convolution upsampling stages, each followed by the average of
//! multi-receptive-field residual blocks.
//!
//! ```text
//! x = Conv7(z) [+ Cond1x1(speaker)]
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
    /// Multi-speaker voices: the speaker embedding's offset to `input`'s output.
    speaker_cond: Option<Conv1d>,
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
        let speaker_cond = weights.speaker_cond("/dec/cond/Conv")?;
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
        Ok(Decoder { input, speaker_cond, stages, output })
    }

    /// Channels of the speaker embedding it reads (`None`: single-speaker voice).
    pub fn speaker_channels(&self) -> Option<usize> {
        self.speaker_cond.as_ref().map(Conv1d::in_channels)
    }

    /// Output samples per input frame.
    pub fn hop(&self) -> usize {
        self.stages.iter().map(|s| s.upsample.stride()).product()
    }

    /// Audio samples (`hop` per frame) from the decoder input `[frames, channels]`, for the
    /// speaker whose embedding is `speaker` (multi-speaker voices).
    pub fn forward(&self, z: &Seq, speaker: Option<&Seq>) -> Vec<f32> {
        let mut scratch = Scratch::default();
        let mut x = self.input.forward(z);
        super::add_speaker_offset(&mut x, self.speaker_cond.as_ref(), speaker);
        for stage in &self.stages {
            x.map_inplace(|v| leaky(v, LEAKY_SLOPE));
            let mut up = stage.upsample.forward(&x);
            // The sum reuses the stage input's buffer; the first block runs in it, the last in
            // `up` itself (no longer needed then), the others in `scratch.work`.
            let channels = up.channels;
            let Some((last, middle)) = stage.blocks.split_last() else {
                x = up; // not reached: `load` gives every stage at least one block
                continue;
            };
            let Some((first, middle)) = middle.split_first() else {
                last.forward_in_place(&mut up.data, channels, &mut scratch);
                x = up;
                continue;
            };
            let mut sum = std::mem::take(&mut x.data);
            sum.clear();
            sum.extend_from_slice(&up.data);
            first.forward_in_place(&mut sum, channels, &mut scratch);
            for block in middle {
                let mut work = std::mem::take(&mut scratch.work);
                work.clear();
                work.extend_from_slice(&up.data);
                block.forward_in_place(&mut work, channels, &mut scratch);
                add_into(&mut sum, &work);
                scratch.work = work;
            }
            last.forward_in_place(&mut up.data, channels, &mut scratch);
            add_into(&mut sum, &up.data);
            let n = stage.blocks.len() as f32;
            sum.iter_mut().for_each(|v| *v /= n);
            x = Seq::from_vec(up.steps, channels, sum);
        }
        self.output.prepare_input(&x.data, |v| leaky(v, FINAL_LEAKY_SLOPE), &mut scratch.padded);
        let mut audio = vec![0.0; x.steps * self.output.out_channels()];
        self.output.forward_prepared_into(&scratch.padded, &mut audio, false);
        audio.iter_mut().for_each(|v| *v = v.tanh());
        audio
    }
}

/// Buffers the residual blocks reuse from layer to layer, so a stage allocates nothing
/// per convolution.
#[derive(Default)]
struct Scratch {
    /// A convolution's input: `lrelu(x)` with its zero padding, in the layer's phase order.
    padded: Vec<f32>,
    /// The hidden activation between the two convolutions of a ResBlock1 unit.
    hidden: Vec<f32>,
    /// A residual block's copy of the stage input, for blocks other than the first and last.
    work: Vec<f32>,
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

    /// `x` (rows of `channels` values) through every unit, in place.
    fn forward_in_place(&self, x: &mut [f32], channels: usize, scratch: &mut Scratch) {
        for unit in &self.units {
            let Some((last, firsts)) = unit.split_last() else { continue };
            let mut input: &[f32] = x;
            for conv in firsts {
                conv.prepare_input(input, |v| leaky(v, LEAKY_SLOPE), &mut scratch.padded);
                scratch.hidden.resize(x.len() / channels * conv.out_channels(), 0.0);
                conv.forward_prepared_into(&scratch.padded, &mut scratch.hidden, false);
                input = &scratch.hidden;
            }
            last.prepare_input(input, |v| leaky(v, LEAKY_SLOPE), &mut scratch.padded);
            last.forward_prepared_into(&scratch.padded, x, true);
        }
    }
}

fn add_into(sum: &mut [f32], x: &[f32]) {
    for (s, v) in sum.iter_mut().zip(x) {
        *s += v;
    }
}

fn leaky(v: f32, slope: f32) -> f32 {
    if v >= 0.0 { v } else { v * slope }
}
