//! Weight-bearing layers (dense, 1-D convolution, transposed convolution,
//! layer norm): how each is read out of the tflite graph and how it runs on a
//! [`Seq`].
//!
//! Weights are rearranged once at load into the `k × n` row-major matrix the
//! GEMM wants, so inference never transposes weights.

use super::error::ModelError;
use super::gemm::{matmul, RowsView};
use super::graph::{ConstF32, Graph, ACT_NONE, ACT_RELU};
use super::tensor::Seq;
use super::tflite::{opcode, OperatorInfo};
use rayon::prelude::*;

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

/// Row-major `rows × cols` → row-major `cols × rows`.
fn transpose(data: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; data.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = data[r * cols + c];
        }
    }
    out
}

/// Activation fused into the bias-add that follows a convolution.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FusedActivation {
    None,
    Relu,
}

/// 1-D convolution over time, stride 1, with optional dilation and zero
/// padding ("SAME"), computed as one GEMM over an im2col view of the padded
/// input (or one GEMM per tap when dilated).
pub struct Conv1d {
    /// `(kernel * in_channels) × out_channels`, row-major; row index = tap * in + channel.
    weight: Vec<f32>,
    bias: Vec<f32>,
    kernel: usize,
    dilation: usize,
    in_channels: usize,
    out_channels: usize,
    /// Zero steps added before/after the input ("SAME" padding); (0, 0) for "VALID".
    padding: (usize, usize),
    activation: FusedActivation,
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
        // [out][tap][in] → [(tap, in)][out]
        let weight = transpose(&w.data, out_channels, kernel * in_channels);
        Ok(Conv1d {
            weight,
            bias,
            kernel,
            dilation,
            in_channels,
            out_channels,
            padding,
            activation,
        })
    }

    pub fn kernel(&self) -> usize {
        self.kernel
    }

    pub fn activation(&self) -> FusedActivation {
        self.activation
    }

    /// No padding, no dilation, no fused activation: usable with [`Conv1d::sum_of`].
    pub fn is_plain(&self) -> bool {
        self.padding == (0, 0) && self.dilation == 1 && self.activation == FusedActivation::None
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    /// Convolution of `x` (zero-padded first if the layer is "SAME").
    pub fn forward(&self, x: &Seq) -> Seq {
        if self.padding == (0, 0) {
            self.forward_valid(x)
        } else {
            self.forward_valid(&x.pad_zero(self.padding.0, self.padding.1))
        }
    }

    /// Convolution without padding: output has `steps - (kernel-1)*dilation` steps.
    pub fn forward_valid(&self, x: &Seq) -> Seq {
        let steps = x.steps.saturating_sub((self.kernel - 1) * self.dilation);
        let mut out = Seq::zeros(steps, self.out_channels);
        self.accumulate_valid(x, &mut out, false);
        out.add_bias(&self.bias);
        if self.activation == FusedActivation::Relu {
            out.map_inplace(super::tensor::relu);
        }
        out
    }

    /// `a(x) + b(y)` for two unpadded convs with the same output shape and no
    /// fused activation (a residual block's shortcut and main branch), summed
    /// inside one output buffer.
    pub fn sum_of(a: &Conv1d, x: &Seq, b: &Conv1d, y: &Seq) -> Seq {
        let steps = x.steps.saturating_sub((a.kernel - 1) * a.dilation);
        debug_assert_eq!(steps, y.steps.saturating_sub((b.kernel - 1) * b.dilation));
        debug_assert_eq!(a.out_channels, b.out_channels);
        debug_assert!(a.activation == FusedActivation::None && b.activation == FusedActivation::None);
        let mut out = Seq::zeros(steps, a.out_channels);
        a.accumulate_valid(x, &mut out, false);
        b.accumulate_valid(y, &mut out, true);
        for row in out.rows_mut() {
            for ((v, ba), bb) in row.iter_mut().zip(&a.bias).zip(&b.bias) {
                *v += ba + bb;
            }
        }
        out
    }

    /// Writes (or adds, if `accumulate`) the bias-free VALID convolution of `x` into `out`.
    fn accumulate_valid(&self, x: &Seq, out: &mut Seq, accumulate: bool) {
        debug_assert_eq!(x.channels, self.in_channels);
        let steps = out.steps;
        if steps == 0 {
            return;
        }
        let cin = self.in_channels;
        if self.dilation == 1 {
            // Row t of the im2col matrix is x[t .. t+kernel] flattened: a contiguous slice.
            let view = RowsView {
                data: &x.data,
                rows: steps,
                k: self.kernel * cin,
                row_stride: cin,
            };
            matmul(view, &self.weight, self.out_channels, &mut out.data, accumulate);
        } else {
            // Dilated taps are not adjacent: gather them into an explicit im2col matrix.
            let k = self.kernel * cin;
            let mut columns = vec![0.0f32; steps * k];
            for (t, row) in columns.chunks_exact_mut(k).enumerate() {
                for tap in 0..self.kernel {
                    let src = (t + tap * self.dilation) * cin;
                    row[tap * cin..(tap + 1) * cin].copy_from_slice(&x.data[src..src + cin]);
                }
            }
            let view = RowsView {
                data: &columns,
                rows: steps,
                k,
                row_stride: k,
            };
            matmul(view, &self.weight, self.out_channels, &mut out.data, accumulate);
        }
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

/// Transposed 1-D convolution (upsampling by `stride`), computed as a GEMM
/// to per-input-step tap outputs followed by an overlap-add.
pub struct ConvTranspose1d {
    /// `in_channels × (kernel * out_channels)`, row-major; column = tap * out + channel.
    weight: Vec<f32>,
    bias: Vec<f32>,
    kernel: usize,
    stride: usize,
    in_channels: usize,
    out_channels: usize,
    /// Output steps cropped at the start ("SAME" padding); the output has `stride * steps` steps.
    /// `None` for "VALID" (full output, `(steps-1)*stride + kernel` steps).
    same_crop: Option<usize>,
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
        Ok(ConvTranspose1d {
            weight,
            bias,
            kernel,
            stride,
            in_channels,
            out_channels,
            same_crop,
        })
    }

    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn forward(&self, x: &Seq) -> Seq {
        debug_assert_eq!(x.channels, self.in_channels);
        let (k, s, cout) = (self.kernel, self.stride, self.out_channels);
        // taps[i][tap][o]: contribution of input step i to output step i*s + tap - crop.
        let mut taps = vec![0.0; x.steps * k * cout];
        let view = RowsView {
            data: &x.data,
            rows: x.steps,
            k: self.in_channels,
            row_stride: self.in_channels,
        };
        matmul(view, &self.weight, k * cout, &mut taps, false);
        let (out_steps, crop) = match self.same_crop {
            Some(crop) => (x.steps * s, crop),
            None => ((x.steps.max(1) - 1) * s + k, 0),
        };
        let mut out = Seq::zeros(out_steps, cout);
        let in_steps = x.steps;
        out.data.par_chunks_mut(cout * 256).enumerate().for_each(|(chunk, rows)| {
            for (r, row) in rows.chunks_exact_mut(cout).enumerate() {
                let n = chunk * 256 + r + crop; // position in the uncropped output
                // Input steps i with i*s <= n < i*s + k, in ascending order.
                let first = (n + 1).saturating_sub(k).div_ceil(s);
                let end = (n / s + 1).min(in_steps);
                for i in first..end {
                    let tap = n - i * s;
                    let src = &taps[(i * k + tap) * cout..(i * k + tap + 1) * cout];
                    for (y, v) in row.iter_mut().zip(src) {
                        *y += v;
                    }
                }
            }
        });
        out.add_bias(&self.bias);
        out
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

    fn conv(weight_oki: &[f32], out: usize, kernel: usize, cin: usize, dilation: usize, padding: (usize, usize)) -> Conv1d {
        Conv1d {
            weight: transpose(weight_oki, out, kernel * cin),
            bias: (0..out).map(|o| o as f32 * 0.5).collect(),
            kernel,
            dilation,
            in_channels: cin,
            out_channels: out,
            padding,
            activation: FusedActivation::None,
        }
    }

    #[test]
    fn conv_matches_hand_computation() {
        // 2 in channels, 1 out, kernel 3, SAME padding, bias 0.
        // w[0][tap][c]: tap0 = (1, 0), tap1 = (0, 1), tap2 = (2, 0)
        let w = [1.0, 0.0, 0.0, 1.0, 2.0, 0.0];
        let layer = conv(&w, 1, 3, 2, 1, (1, 1));
        let x = Seq::from_vec(3, 2, vec![1.0, 10.0, 2.0, 20.0, 3.0, 30.0]);
        // y[t] = x0[t-1] + x1[t] + 2*x0[t+1]
        let y = layer.forward(&x);
        assert_eq!(y.data, vec![0.0 + 10.0 + 4.0, 1.0 + 20.0 + 6.0, 2.0 + 30.0 + 0.0]);
    }

    #[test]
    fn dilated_conv_matches_hand_computation() {
        // 1 channel, kernel 3, dilation 2, VALID: y[t] = x[t] - x[t+4] + 3*x[t+2], bias 0
        let layer = conv(&[1.0, 3.0, -1.0], 1, 3, 1, 2, (0, 0));
        let x = Seq::from_vec(6, 1, vec![1.0, 2.0, 4.0, 8.0, 16.0, 32.0]);
        let y = layer.forward(&x);
        assert_eq!(y.data, vec![1.0 + 12.0 - 16.0, 2.0 + 24.0 - 32.0]);
    }

    #[test]
    fn transposed_conv_same_padding_matches_hand_computation() {
        // 1 in, 1 out, kernel 4, stride 2 → crop 1; taps (1, 2, 3, 4)
        let layer = ConvTranspose1d {
            weight: vec![1.0, 2.0, 3.0, 4.0],
            bias: vec![0.0],
            kernel: 4,
            stride: 2,
            in_channels: 1,
            out_channels: 1,
            same_crop: Some(1),
        };
        let x = Seq::from_vec(3, 1, vec![1.0, 10.0, 100.0]);
        // full output: n = 2i + tap
        let mut full = [0.0f32; 8];
        for (i, v) in [1.0f32, 10.0, 100.0].iter().enumerate() {
            for tap in 0..4 {
                full[2 * i + tap] += v * (tap + 1) as f32;
            }
        }
        let y = layer.forward(&x);
        assert_eq!(y.steps, 6);
        assert_eq!(y.data, full[1..7].to_vec());
    }

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
