//! Multi-band MelGAN vocoder: mel `[T, 80]` → 24 kHz audio (`300 * T` samples).
//!
//! Generator, following `mb_melgan.tflite`:
//!
//! ```text
//! x = conv7(reflect_pad3(mel))
//! per stage (×3, upsampling ×3, ×5, ×5):
//!     x = upsample(leaky(x))                       transposed conv, kernel 2·stride
//!     per residual block (dilation 1, 3, 9, 27):
//!         x = conv1(x) + conv1(leaky(conv3_dilated(reflect_pad(leaky(x)))))
//! bands = tanh(conv7(reflect_pad3(leaky(x))))      4 sub-bands
//! bands = dequantize(quantize_int8(bands))         the graph stores them as int8
//! audio = PQMF synthesis(bands)
//! ```

use super::error::ModelError;
use super::graph::Graph;
use super::layers::{Conv1d, ConvTranspose1d};
use super::pqmf::Pqmf;
use super::tensor::Seq;
use super::tflite::{opcode, OperatorInfo};
use std::path::Path;

/// Shortest mel the graph supports (the reflection paddings need enough
/// steps); shorter inputs are padded and the output trimmed.
const MIN_FRAMES: usize = 10;

/// Field index of `alpha` in LeakyReluOptions and of `mode` in MirrorPadOptions.
const LEAKY_ALPHA: usize = 0;
const MIRROR_PAD_MODE: usize = 0;
const MIRROR_PAD_REFLECT: i8 = 0;

struct ResidualBlock {
    shortcut: Conv1d,
    /// Reflection padding before the dilated conv.
    pad: usize,
    dilated: Conv1d,
    pointwise: Conv1d,
}

struct Stage {
    upsample: ConvTranspose1d,
    blocks: Vec<ResidualBlock>,
}

/// Uniform int8 quantization applied to the sub-band signals.
struct Int8Quantizer {
    scale: f32,
    zero_point: i32,
}

impl Int8Quantizer {
    /// `scale * (clamp(round(x / scale) + zp, -128, 127) - zp)`, rounding
    /// half to even like the reference runtime.
    fn round_trip(&self, x: f32) -> f32 {
        let q = ((x / self.scale).round_ties_even() as i32 + self.zero_point).clamp(-128, 127);
        self.scale * (q - self.zero_point) as f32
    }
}

/// The MB-MelGAN vocoder with its weights in f32.
pub struct Vocoder {
    mel_channels: usize,
    input_pad: usize,
    input_conv: Conv1d,
    stages: Vec<Stage>,
    output_pad: usize,
    output_conv: Conv1d,
    leaky_alpha: f32,
    quantizer: Int8Quantizer,
    pqmf: Pqmf,
}

impl Vocoder {
    pub const SAMPLE_RATE: u32 = 24_000;

    /// Loads `mb_melgan.tflite`.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let graph = Graph::load(path)?;
        Self::from_graph(&graph)
    }

    fn from_graph(graph: &Graph) -> Result<Self, ModelError> {
        let input_conv = Conv1d::load(graph, "sequential_4/conv1d/")?;
        let mut stages = Vec::new();
        for s in 0.. {
            let upsample_scope = format!("sequential_4/conv_transpose_._{s}/");
            if !graph.has_op(opcode::TRANSPOSE_CONV, &upsample_scope) {
                break;
            }
            let mut blocks = Vec::new();
            for b in 0.. {
                let scope = format!("sequential_4/residual_stack_._{s}._._{b}/");
                if !graph.has_op(opcode::CONV_2D, &scope) {
                    break;
                }
                blocks.push(load_block(graph, &scope)?);
            }
            stages.push(Stage {
                upsample: ConvTranspose1d::load(graph, &upsample_scope, true)?,
                blocks,
            });
        }
        if stages.is_empty() {
            return Err(ModelError::MissingTensor("generator upsampling stages".into()));
        }
        let leaky_alphas: Vec<f32> = graph
            .ops_where(opcode::LEAKY_RELU, |_| true)
            .map(|op| graph.model().option_f32(op, LEAKY_ALPHA, 0.0))
            .collect::<Result<_, _>>()?;
        let leaky_alpha = match leaky_alphas.first() {
            Some(&a) if leaky_alphas.iter().all(|&b| b == a) => a,
            _ => return Err(ModelError::Unsupported("leaky ReLUs with different slopes".into())),
        };
        let quantize = graph.ops_where(opcode::QUANTIZE, |_| true).next().ok_or_else(|| {
            ModelError::MissingTensor("QUANTIZE of the sub-band signals".into())
        })?;
        let q = graph
            .tensor(graph.output(quantize)?)
            .quantization
            .clone()
            .ok_or_else(|| ModelError::MissingTensor("sub-band quantization parameters".into()))?;
        let quantizer = Int8Quantizer {
            scale: q.scale[0],
            zero_point: q.zero_point.first().copied().unwrap_or(0) as i32,
        };
        let output_conv = Conv1d::load(graph, "sequential_4/conv1d_")?;
        let pqmf = Pqmf::load(graph)?;
        if output_conv.out_channels() != pqmf.bands() {
            return Err(ModelError::Shape {
                name: "sequential_4/conv1d_".into(),
                detail: format!("{} sub-bands for a {}-band PQMF", output_conv.out_channels(), pqmf.bands()),
            });
        }
        let mels = graph.tensor(graph.input(graph.op_with_prefix(opcode::MIRROR_PAD, "sequential_4/first_reflect_padding")?, 0)?);
        let mel_channels = mels.shape.last().copied().unwrap_or(0);
        Ok(Vocoder {
            mel_channels,
            input_pad: reflect_pad(graph, "sequential_4/first_reflect_padding")?,
            input_conv,
            stages,
            output_pad: reflect_pad(graph, "sequential_4/last_reflect_padding")?,
            output_conv,
            leaky_alpha,
            quantizer,
            pqmf,
        })
    }

    /// Audio samples per mel frame (300).
    pub fn hop_length(&self) -> usize {
        self.stages.iter().map(|s| s.upsample.stride()).product::<usize>() * self.pqmf.bands()
    }

    /// Vocodes `frames` mel frames (`mel` is `[frames, 80]` row-major) into
    /// `hop_length() * frames` samples at [`Vocoder::SAMPLE_RATE`].
    pub fn vocode(&self, mel: &[f32], frames: usize) -> Result<Vec<f32>, ModelError> {
        if mel.len() != frames * self.mel_channels {
            return Err(ModelError::InvalidInput(format!(
                "mel has {} values, expected {frames} frames × {}",
                mel.len(),
                self.mel_channels
            )));
        }
        if frames == 0 {
            return Ok(Vec::new());
        }
        let mut input = mel.to_vec();
        // Short inputs: repeat the last frame up to the minimum length.
        let last_frame = mel[(frames - 1) * self.mel_channels..].to_vec();
        for _ in frames..MIN_FRAMES {
            input.extend_from_slice(&last_frame);
        }
        let padded_frames = frames.max(MIN_FRAMES);
        let leaky = |x: f32| if x > 0.0 { x } else { self.leaky_alpha * x };

        let mel = Seq::from_vec(padded_frames, self.mel_channels, input);
        let mut x = self.input_conv.forward_valid(&mel.pad_reflect(self.input_pad));
        for stage in &self.stages {
            x.map_inplace(leaky);
            x = stage.upsample.forward(&x);
            for block in &stage.blocks {
                let mut y = x.clone();
                y.map_inplace(leaky);
                let mut y = block.dilated.forward_valid(&y.pad_reflect(block.pad));
                y.map_inplace(leaky);
                x = Conv1d::sum_of(&block.shortcut, &x, &block.pointwise, &y);
            }
        }
        x.map_inplace(leaky);
        let mut bands = self.output_conv.forward_valid(&x.pad_reflect(self.output_pad));
        bands.map_inplace(|v| self.quantizer.round_trip(v.tanh()));
        let mut audio = self.pqmf.synthesize(&bands);
        audio.truncate(frames * self.hop_length());
        Ok(audio)
    }
}

fn load_block(graph: &Graph, scope: &str) -> Result<ResidualBlock, ModelError> {
    let shortcut = Conv1d::load(graph, &format!("{scope}shortcut/"))?;
    // The main branch: a dilated kernel-3 conv, then a pointwise conv, in graph order.
    let main: Vec<&OperatorInfo> = graph
        .ops_where(opcode::CONV_2D, |name| name.starts_with(scope) && !name.contains("/shortcut/"))
        .collect();
    let [dilated, pointwise] = main[..] else {
        return Err(ModelError::Unsupported(format!("{scope}: {} convs in the main branch", main.len())));
    };
    let dilated = Conv1d::from_op(graph, dilated, scope)?;
    let pointwise = Conv1d::from_op(graph, pointwise, scope)?;
    if pointwise.kernel() != 1 || shortcut.kernel() != 1 || !pointwise.is_plain() || !shortcut.is_plain() {
        return Err(ModelError::Unsupported(format!("{scope}: expected plain pointwise shortcut and output convs")));
    }
    Ok(ResidualBlock {
        shortcut,
        pad: reflect_pad(graph, &format!("{scope}tf_reflection_pad1d"))?,
        dilated,
        pointwise,
    })
}

/// Time-axis padding of the REFLECT-mode MIRROR_PAD whose output starts with `prefix`.
fn reflect_pad(graph: &Graph, prefix: &str) -> Result<usize, ModelError> {
    let op = graph.op_with_prefix(opcode::MIRROR_PAD, prefix)?;
    if graph.model().option_i8(op, MIRROR_PAD_MODE, MIRROR_PAD_REFLECT)? != MIRROR_PAD_REFLECT {
        return Err(ModelError::Unsupported(format!("{prefix}: symmetric mirror padding")));
    }
    let paddings = graph.i32_const(graph.input(op, 1)?)?;
    match paddings[..] {
        [0, 0, before, after, 0, 0] if before == after && before >= 0 => Ok(before as usize),
        _ => Err(ModelError::Unsupported(format!("{prefix}: padding {paddings:?}"))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantizer_round_trip_snaps_to_grid_and_clamps() {
        let q = Int8Quantizer {
            scale: 1.0 / 128.0,
            zero_point: 0,
        };
        assert_eq!(q.round_trip(0.5), 0.5);
        assert_eq!(q.round_trip(0.503), 64.0 / 128.0);
        assert_eq!(q.round_trip(1.0), 127.0 / 128.0);
        assert_eq!(q.round_trip(-1.0), -1.0);
        // ties go to even
        assert_eq!(q.round_trip(2.5 / 128.0), 2.0 / 128.0);
    }

    #[test]
    fn short_mel_is_padded_and_output_trimmed() {
        let Some(dir) = std::env::var_os("ZH_BAKER_DIR") else {
            eprintln!("note: ZH_BAKER_DIR not set, skipping vocoder test");
            return;
        };
        let vocoder = Vocoder::load(&Path::new(&dir).join("mb_melgan.tflite")).expect("load");
        assert_eq!(vocoder.hop_length(), 300);
        let mel = vec![-1.0f32; 3 * 80];
        let audio = vocoder.vocode(&mel, 3).expect("vocode");
        assert_eq!(audio.len(), 900);
        assert!(audio.iter().all(|v| v.is_finite()));
        assert!(matches!(vocoder.vocode(&mel, 4), Err(ModelError::InvalidInput(_))));
    }

    #[test]
    fn output_is_identical_for_any_thread_count() {
        let Some(dir) = std::env::var_os("ZH_BAKER_DIR") else {
            eprintln!("note: ZH_BAKER_DIR not set, skipping vocoder determinism test");
            return;
        };
        let vocoder = Vocoder::load(&Path::new(&dir).join("mb_melgan.tflite")).expect("load");
        let frames = 60;
        let mel: Vec<f32> = (0..frames * 80).map(|i| ((i * 7919) % 1000) as f32 / 250.0 - 4.0).collect();
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            pool.install(|| vocoder.vocode(&mel, frames).expect("vocode"))
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(4));
    }
}
