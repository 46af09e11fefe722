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
use crate::tts::nn::fast_conv::FastConv1d;
use crate::tts::nn::winograd::WinogradBuffers;

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
    units: Vec<Vec<FastConv1d>>,
    /// How far, in steps, an output depends on inputs on either side: the sum of its
    /// convolutions' paddings.
    reach: usize,
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
        SCRATCH.with(|cell| match cell.try_borrow_mut() {
            Ok(mut scratch) => self.forward_with(z, speaker, &mut scratch),
            // Re-entered on this thread (a rayon task waiting inside a GEMM picked up another
            // sentence): fresh buffers for this one.
            Err(_) => self.forward_with(z, speaker, &mut Scratch::default()),
        })
    }

    fn forward_with(&self, z: &Seq, speaker: Option<&Seq>, scratch: &mut Scratch) -> Vec<f32> {
        let mut input = self.input.forward(z);
        super::add_speaker_offset(&mut input, self.speaker_cond.as_ref(), speaker);
        let mut x = std::mem::take(&mut scratch.x);
        let mut up = std::mem::take(&mut scratch.up);
        x.clear();
        x.extend_from_slice(&input.data);
        for stage in &self.stages {
            stage.upsample.forward_into(&x, |v| leaky(v, LEAKY_SLOPE), &mut scratch.padded, &mut up);
            let channels = stage.upsample.out_channels();
            let steps = up.len() / channels;
            // The stage input is spent: its buffer takes the stage output, which the
            // residual blocks fill one window at a time, small enough to stay in L2.
            x.resize(up.len(), 0.0);
            let chunk = (CHUNK_VALUES / channels).max(1);
            for start in (0..steps).step_by(chunk) {
                let end = (start + chunk).min(steps);
                stage.forward_window(&up, channels, start..end, &mut x[start * channels..end * channels], scratch);
            }
        }
        self.output.prepare_input(&x, |v| leaky(v, FINAL_LEAKY_SLOPE), &mut scratch.padded);
        let mut audio = vec![0.0; x.len() / self.output.in_channels() * self.output.out_channels()];
        self.output.forward_prepared_into(&scratch.padded, &mut audio, false);
        audio.iter_mut().for_each(|v| *v = v.tanh());
        scratch.x = x;
        scratch.up = up;
        audio
    }
}

/// Values (steps × channels) of a residual-block window: with the buffers a window needs,
/// about half of L2.
const CHUNK_VALUES: usize = 1 << 16;

impl Stage {
    /// Steps `range` of the stage output: the mean of the residual blocks over the upsampled
    /// `up` (rows of `channels` values), written into `out`.
    ///
    /// Each block runs on a window reaching [`ResBlock::reach`] steps past the range on
    /// either side (clipped to the sequence), with its convolutions zero-padded at the
    /// window's edges as they are at the sequence's. A step's value depends only on inputs
    /// within `reach` of it, so inside the range every value is the one the whole sequence
    /// gives, up to rounding: the Winograd convolutions' tiles start where the window does
    /// (the windows, and so the result, depend only on the sequence, never on threads).
    fn forward_window(&self, up: &[f32], channels: usize, range: std::ops::Range<usize>, out: &mut [f32], scratch: &mut Scratch) {
        let steps = up.len() / channels;
        for (b, block) in self.blocks.iter().enumerate() {
            let first = range.start.saturating_sub(block.reach);
            let last = (range.end + block.reach).min(steps);
            let mut work = std::mem::take(&mut scratch.work);
            work.clear();
            work.extend_from_slice(&up[first * channels..last * channels]);
            block.forward_in_place(&mut work, channels, scratch);
            let valid = &work[(range.start - first) * channels..(range.end - first) * channels];
            if b == 0 {
                out.copy_from_slice(valid);
            } else {
                add_into(out, valid);
            }
            scratch.work = work;
        }
        let n = self.blocks.len() as f32;
        out.iter_mut().for_each(|v| *v /= n);
    }
}

/// Buffers reused from layer to layer and, through [`SCRATCH`], from sentence to sentence,
/// so the decoder allocates (and page-faults) almost nothing per call.
#[derive(Default)]
struct Scratch {
    /// The current stage's input, then its output (whole sequence).
    x: Vec<f32>,
    /// The upsampled stage input (whole sequence).
    up: Vec<f32>,
    /// A convolution's input: `lrelu(x)` with its zero padding, in the layer's phase order.
    padded: Vec<f32>,
    /// The hidden activation between the two convolutions of a ResBlock1 unit.
    hidden: Vec<f32>,
    /// One residual block's window.
    work: Vec<f32>,
    /// A Winograd convolution's tiles.
    winograd: WinogradBuffers,
}

thread_local! {
    static SCRATCH: std::cell::RefCell<Scratch> = std::cell::RefCell::new(Scratch::default());
}

impl ResBlock {
    /// `dec.resblocks.{index}`, if the graph has it.
    fn load(weights: &Weights, index: usize) -> Result<Option<Self>, VitsError> {
        let scope = format!("/dec/resblocks.{index}");
        let mut units = Vec::new();
        for m in 0..MAX_LAYERS {
            let single = format!("{scope}/convs.{m}/Conv");
            let first = format!("{scope}/convs1.{m}/Conv");
            if weights.node(&single).is_ok() {
                units.push(vec![weights.fast_conv(&single)?]);
            } else if weights.node(&first).is_ok() {
                units.push(vec![weights.fast_conv(&first)?, weights.fast_conv(&format!("{scope}/convs2.{m}/Conv"))?]);
            } else {
                break;
            }
        }
        let reach = units.iter().flatten().map(|conv| conv.padding().0.max(conv.padding().1)).sum();
        Ok((!units.is_empty()).then_some(ResBlock { units, reach }))
    }

    /// `x` (rows of `channels` values) through every unit, in place.
    fn forward_in_place(&self, x: &mut [f32], channels: usize, scratch: &mut Scratch) {
        let mut hidden = std::mem::take(&mut scratch.hidden);
        for unit in &self.units {
            let Some((last, firsts)) = unit.split_last() else { continue };
            let lrelu = |v| leaky(v, LEAKY_SLOPE);
            for (i, conv) in firsts.iter().enumerate() {
                conv.prepare_input(if i == 0 { x } else { &hidden }, lrelu, &mut scratch.padded);
                hidden.resize(x.len() / channels * conv.out_channels(), 0.0);
                conv.forward_prepared_into(&scratch.padded, &mut hidden, false, &mut scratch.winograd);
            }
            last.prepare_input(if firsts.is_empty() { x } else { &hidden }, lrelu, &mut scratch.padded);
            last.forward_prepared_into(&scratch.padded, x, true, &mut scratch.winograd);
        }
        scratch.hidden = hidden;
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
