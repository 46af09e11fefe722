//! Weight-bearing layers read out of the tflite graph: dense and layer norm (defined
//! here), 1-D convolution and transposed convolution (the shared kernels in
//! [`crate::tts::nn::conv`], loaded here).
//!
//! Weights are rearranged once at load into the `k × n` row-major matrix the
//! GEMM wants, so inference never transposes weights.

use super::error::ModelError;
use super::gemm::{matmul, RowsView};
use super::graph::{ConstF32, Graph, ACT_NONE, ACT_RELU};
use super::tensor::Seq;
use super::tflite::{opcode, OperatorInfo};
use crate::tts::nn::conv::transpose;
pub use crate::tts::nn::conv::{Conv1d, ConvTranspose1d, FusedActivation};

// Option field indices from schema.fbs (Conv2DOptions / TransposeConvOptions).
const CONV_PADDING: usize = 0;
const CONV_STRIDE_W: usize = 1;
const CONV_STRIDE_H: usize = 2;
const CONV_ACTIVATION: usize = 3;
const CONV_DILATION_W: usize = 4;
const PADDING_SAME: i8 = 0;
const PADDING_VALID: i8 = 1;

fn shape_error(name: &str, detail: impl Into<String>) -> ModelError {
    ModelError::Shape {
        name: name.to_string(),
        detail: detail.into(),
    }
}

/// Sum of the bias given to the op itself (often all zeros) and the bias-add
/// after it (if any), with the activation fused into that add.
fn combined_bias(graph: &Graph, op: &OperatorInfo, own_bias_slot: usize, channels: usize, name: &str) -> Result<(Vec<f32>, i8), ModelError> {
    let mut bias = vec![0.0; channels];
    let mut activation = ACT_NONE;
    let own = op.inputs.get(own_bias_slot).copied().flatten().map(|t| graph.f32_const(t)).transpose()?;
    let after = graph.bias_after(op)?.map(|(bias, act)| {
        activation = act;
        bias
    });
    // The op adds its own bias first, then the bias-add adds the other; the
    // fused biases in these files are all zero, so the sum rounds the same.
    for part in own.iter().chain(after.iter()) {
        if part.data.len() != channels {
            return Err(shape_error(name, format!("bias of {} values for {channels} channels", part.data.len())));
        }
        for (b, p) in bias.iter_mut().zip(&part.data) {
            *b += p;
        }
    }
    Ok((bias, activation))
}

/// Fully connected layer: `y = x · W + b`.
pub struct Dense {
    /// `inputs × outputs`, row-major.
    weight: Vec<f32>,
    bias: Vec<f32>,
    inputs: usize,
    outputs: usize,
}

impl Dense {
    /// Loads the FULLY_CONNECTED op whose output name starts with `scope`, and the bias-add after it.
    pub fn load(graph: &Graph, scope: &str) -> Result<Self, ModelError> {
        let op = graph.op_with_prefix(opcode::FULLY_CONNECTED, scope)?;
        let w = graph.f32_const(graph.input(op, 1)?)?;
        let [outputs, inputs] = w.shape[..] else {
            return Err(shape_error(scope, format!("dense weight shape {:?}", w.shape)));
        };
        let (bias, activation) = combined_bias(graph, op, 2, outputs, scope)?;
        if activation != ACT_NONE {
            return Err(ModelError::Unsupported(format!("activation {activation} after {scope}")));
        }
        Ok(Dense {
            weight: transpose(&w.data, outputs, inputs),
            bias,
            inputs,
            outputs,
        })
    }

    pub fn outputs(&self) -> usize {
        self.outputs
    }

    pub fn forward(&self, x: &Seq) -> Seq {
        debug_assert_eq!(x.channels, self.inputs);
        let mut out = Seq::zeros(x.steps, self.outputs);
        let view = RowsView {
            data: &x.data,
            rows: x.steps,
            k: self.inputs,
            row_stride: self.inputs,
        };
        matmul(view, &self.weight, self.outputs, &mut out.data, false);
        out.add_bias(&self.bias);
        out
    }
}

impl Conv1d {
    /// Loads the CONV_2D op whose output name starts with `scope` (a 1-D conv
    /// expressed as a 2-D conv with height 1), its bias-add, and its dilation
    /// (from the op options or from the SPACE_TO_BATCH_ND tflite uses for dilated convs).
    pub fn load(graph: &Graph, scope: &str) -> Result<Self, ModelError> {
        let op = graph.op_with_prefix(opcode::CONV_2D, scope)?;
        Self::from_op(graph, op, scope)
    }

    pub fn from_op(graph: &Graph, op: &OperatorInfo, name: &str) -> Result<Self, ModelError> {
        let model = graph.model();
        let w = graph.f32_const(graph.input(op, 1)?)?;
        let [out_channels, 1, kernel, in_channels] = w.shape[..] else {
            return Err(shape_error(name, format!("conv weight shape {:?} is not [out, 1, k, in]", w.shape)));
        };
        let stride = (model.option_i32(op, CONV_STRIDE_W, 1)?, model.option_i32(op, CONV_STRIDE_H, 1)?);
        if stride != (1, 1) {
            return Err(ModelError::Unsupported(format!("{name}: conv stride {stride:?}")));
        }
        if model.option_i8(op, CONV_ACTIVATION, ACT_NONE)? != ACT_NONE {
            return Err(ModelError::Unsupported(format!("{name}: activation fused into the conv")));
        }
        let dilation = conv_dilation(graph, op)?;
        let padding = match model.option_i8(op, CONV_PADDING, PADDING_SAME)? {
            PADDING_SAME => {
                let total = (kernel - 1) * dilation;
                (total / 2, total - total / 2)
            }
            PADDING_VALID => (0, 0),
            other => return Err(ModelError::Unsupported(format!("{name}: padding mode {other}"))),
        };
        let (bias, activation) = combined_bias(graph, op, 2, out_channels, name)?;
        let activation = match activation {
            ACT_NONE => FusedActivation::None,
            ACT_RELU => FusedActivation::Relu,
            other => return Err(ModelError::Unsupported(format!("{name}: fused activation {other}"))),
        };
        debug_assert_eq!(bias.len(), out_channels);
        Ok(Conv1d::new(&w.data, bias, kernel, dilation, in_channels, padding, activation))
    }
}

/// Dilation of a conv: from its options, or from the SPACE_TO_BATCH_ND
/// (block size = dilation) that tflite puts in front of dilated convs.
fn conv_dilation(graph: &Graph, op: &OperatorInfo) -> Result<usize, ModelError> {
    let from_options = graph.model().option_i32(op, CONV_DILATION_W, 1)?;
    let mut tensor = graph.input(op, 0)?;
    // Skip the EXPAND_DIMS that turns [B, T, C] into [B, 1, T, C].
    while let Some(producer) = graph.producer(tensor) {
        match producer.opcode {
            opcode::SPACE_TO_BATCH_ND => {
                let block = graph.i32_const(graph.input(producer, 1)?)?;
                return match block[..] {
                    [d] if d >= 1 && from_options == 1 => Ok(d as usize),
                    _ => Err(ModelError::Unsupported(format!("space-to-batch block {block:?}"))),
                };
            }
            opcode::EXPAND_DIMS => tensor = graph.input(producer, 0)?,
            _ => break,
        }
    }
    usize::try_from(from_options)
        .ok()
        .filter(|&d| d >= 1)
        .ok_or_else(|| ModelError::Unsupported(format!("dilation {from_options}")))
}

impl ConvTranspose1d {
    /// Loads the TRANSPOSE_CONV op whose output name starts with `scope`, and the bias-add after it if any.
    pub fn load(graph: &Graph, scope: &str, with_bias_add: bool) -> Result<Self, ModelError> {
        let op = graph.op_with_prefix(opcode::TRANSPOSE_CONV, scope)?;
        let model = graph.model();
        let w = graph.f32_const(graph.input(op, 1)?)?;
        let [out_channels, kh, kw, in_channels] = w.shape[..] else {
            return Err(shape_error(scope, format!("transposed conv weight shape {:?}", w.shape)));
        };
        let stride_h = model.option_i32(op, CONV_STRIDE_H, 1)?;
        let stride_w = model.option_i32(op, CONV_STRIDE_W, 1)?;
        // Time runs along whichever spatial axis is not the dummy one.
        let (kernel, stride) = if kw == 1 && stride_w == 1 {
            (kh, stride_h)
        } else if kh == 1 && stride_h == 1 {
            (kw, stride_w)
        } else {
            return Err(ModelError::Unsupported(format!("{scope}: 2-D transposed conv")));
        };
        let stride = usize::try_from(stride)
            .ok()
            .filter(|&s| s >= 1)
            .ok_or_else(|| ModelError::Unsupported(format!("{scope}: stride {stride}")))?;
        if model.option_i8(op, CONV_ACTIVATION, ACT_NONE)? != ACT_NONE {
            return Err(ModelError::Unsupported(format!("{scope}: activation fused into the conv")));
        }
        let same_crop = match model.option_i8(op, CONV_PADDING, PADDING_SAME)? {
            // tflite: total padding = kernel - stride when output = stride * input.
            PADDING_SAME => Some(kernel.saturating_sub(stride) / 2),
            PADDING_VALID => None,
            other => return Err(ModelError::Unsupported(format!("{scope}: padding mode {other}"))),
        };
        let bias = if with_bias_add {
            let (bias, activation) = combined_bias(graph, op, 3, out_channels, scope)?;
            if activation != ACT_NONE {
                return Err(ModelError::Unsupported(format!("{scope}: activation after bias")));
            }
            bias
        } else {
            vec![0.0; out_channels]
        };
        // [out][tap][in] → [in][(tap, out)]
        let mut weight = vec![0.0; w.data.len()];
        for o in 0..out_channels {
            for tap in 0..kernel {
                for c in 0..in_channels {
                    weight[c * kernel * out_channels + tap * out_channels + o] = w.data[(o * kernel + tap) * in_channels + c];
                }
            }
        }
        Ok(ConvTranspose1d::new(weight, bias, kernel, stride, in_channels, same_crop))
    }
}

/// Layer normalization over channels, computed the way the TF graph spells
/// it out: `m = gamma * rsqrt(var + eps)`, `y = x * m + (beta - mean * m)`.
pub struct LayerNorm {
    gamma: Vec<f32>,
    beta: Vec<f32>,
    epsilon: f32,
}

impl LayerNorm {
    /// Loads the `<scope>/batchnorm/{add,mul,sub}` constants.
    pub fn load(graph: &Graph, scope: &str) -> Result<Self, ModelError> {
        let epsilon = single_value(graph.const_of_op_named(opcode::ADD, &format!("{scope}/batchnorm/add"))?, scope)?;
        let gamma = graph.const_of_op_named(opcode::MUL, &format!("{scope}/batchnorm/mul"))?.data;
        let beta = graph.const_of_op_named(opcode::SUB, &format!("{scope}/batchnorm/sub"))?.data;
        if gamma.len() != beta.len() {
            return Err(shape_error(scope, "gamma and beta sizes differ"));
        }
        Ok(LayerNorm { gamma, beta, epsilon })
    }

    pub fn forward_inplace(&self, x: &mut Seq) {
        debug_assert_eq!(x.channels, self.gamma.len());
        let n = x.channels as f32;
        for row in x.rows_mut() {
            let mean = row.iter().sum::<f32>() / n;
            let var = row.iter().map(|v| (v - mean) * (v - mean)).sum::<f32>() / n;
            let inv = 1.0 / (var + self.epsilon).sqrt();
            for ((v, g), b) in row.iter_mut().zip(&self.gamma).zip(&self.beta) {
                let m = g * inv;
                *v = *v * m + (b - mean * m);
            }
        }
    }
}

/// The value of a scalar (or one-element) constant.
pub fn single_value(c: ConstF32, name: &str) -> Result<f32, ModelError> {
    match c.data[..] {
        [v] => Ok(v),
        _ => Err(shape_error(name, format!("expected a scalar, got {} values", c.data.len()))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layer_norm_normalizes_rows() {
        let ln = LayerNorm {
            gamma: vec![1.0; 4],
            beta: vec![0.5; 4],
            epsilon: 0.0,
        };
        let mut x = Seq::from_vec(1, 4, vec![1.0, 2.0, 3.0, 4.0]);
        ln.forward_inplace(&mut x);
        let sd = 1.25f32.sqrt();
        let want: Vec<f32> = [1.0f32, 2.0, 3.0, 4.0].iter().map(|v| (v - 2.5) / sd + 0.5).collect();
        for (a, b) in x.data.iter().zip(&want) {
            assert!((a - b).abs() < 1e-6);
        }
    }
}
