//! 1-D convolution and transposed convolution over a time-major [`Seq`], both computed as
//! GEMMs. Weights are rearranged once, at construction, into the `k × n` row-major matrix
//! the GEMM wants, so inference never transposes weights.

use super::gemm::{matmul, matmul_strided, RowsView};
use super::tensor::Seq;
use rayon::prelude::*;

/// Row-major `rows × cols` → row-major `cols × rows`.
pub fn transpose(data: &[f32], rows: usize, cols: usize) -> Vec<f32> {
    let mut out = vec![0.0; data.len()];
    for r in 0..rows {
        for c in 0..cols {
            out[c * rows + r] = data[r * cols + c];
        }
    }
    out
}

/// Activation applied right after the bias.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FusedActivation {
    None,
    Relu,
}

/// 1-D convolution over time, stride 1, with optional dilation and zero padding, computed
/// as one GEMM over an im2col view of the padded input (dilated: one GEMM per phase of the
/// dilation, each an undilated convolution of every `dilation`-th step).
pub struct Conv1d {
    /// `(kernel * in_channels) × out_channels`, row-major; row index = tap * in + channel.
    weight: Vec<f32>,
    bias: Vec<f32>,
    kernel: usize,
    dilation: usize,
    in_channels: usize,
    out_channels: usize,
    /// Zero steps added before/after the input; (0, 0) when the caller pads.
    padding: (usize, usize),
    activation: FusedActivation,
}

impl Conv1d {
    /// `weight` is laid out `[out][tap][in]` (`out_channels * kernel * in_channels` values).
    #[allow(clippy::too_many_arguments)]
    pub fn new(
        weight: &[f32],
        bias: Vec<f32>,
        kernel: usize,
        dilation: usize,
        in_channels: usize,
        padding: (usize, usize),
        activation: FusedActivation,
    ) -> Self {
        let out_channels = bias.len();
        debug_assert_eq!(weight.len(), out_channels * kernel * in_channels);
        Conv1d {
            weight: transpose(weight, out_channels, kernel * in_channels),
            bias,
            kernel,
            dilation: dilation.max(1),
            in_channels,
            out_channels,
            padding,
            activation,
        }
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

    pub fn in_channels(&self) -> usize {
        self.in_channels
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    /// Zero steps the layer adds before and after its input in [`Conv1d::forward`].
    pub fn padding(&self) -> (usize, usize) {
        self.padding
    }

    /// Steps the input loses to the kernel's reach when not padded.
    pub fn reach(&self) -> usize {
        (self.kernel - 1) * self.dilation
    }

    /// Convolution of `x` (zero-padded first by the layer's padding).
    pub fn forward(&self, x: &Seq) -> Seq {
        if self.padding == (0, 0) {
            self.forward_valid(x)
        } else {
            self.forward_valid(&x.pad_zero(self.padding.0, self.padding.1))
        }
    }

    /// Convolution without padding: output has `steps - (kernel-1)*dilation` steps.
    pub fn forward_valid(&self, x: &Seq) -> Seq {
        let steps = x.steps.saturating_sub(self.reach());
        debug_assert_eq!(x.channels, self.in_channels);
        let mut out = Seq::zeros(steps, self.out_channels);
        self.forward_valid_into(&x.data, &mut out.data, false);
        out
    }

    /// `a(x) + b(y)` for two unpadded convs with the same output shape and no
    /// fused activation (a residual block's shortcut and main branch), summed
    /// inside one output buffer.
    pub fn sum_of(a: &Conv1d, x: &Seq, b: &Conv1d, y: &Seq) -> Seq {
        let steps = x.steps.saturating_sub(a.reach());
        debug_assert_eq!(steps, y.steps.saturating_sub(b.reach()));
        debug_assert_eq!(a.out_channels, b.out_channels);
        debug_assert!(a.activation == FusedActivation::None && b.activation == FusedActivation::None);
        let mut out = Seq::zeros(steps, a.out_channels);
        a.accumulate_valid(&x.data, &mut out.data, false);
        b.accumulate_valid(&y.data, &mut out.data, true);
        for row in out.rows_mut() {
            for ((v, ba), bb) in row.iter_mut().zip(&a.bias).zip(&b.bias) {
                *v += ba + bb;
            }
        }
        out
    }

    /// Writes (or, if `accumulate`, adds) the VALID convolution of `x` plus the bias into
    /// `out`. `x` holds rows of `in_channels` values, already padded; `out` holds
    /// `out_channels` values per step and fixes the step count (`x` needs `reach()` more).
    /// This is the allocation-free entry point for layers that keep their own buffers.
    pub fn forward_valid_into(&self, x: &[f32], out: &mut [f32], accumulate: bool) {
        self.accumulate_valid(x, out, accumulate);
        for row in out.chunks_exact_mut(self.out_channels) {
            for (v, b) in row.iter_mut().zip(&self.bias) {
                *v += b;
            }
        }
        if self.activation == FusedActivation::Relu {
            for v in out.iter_mut() {
                *v = super::tensor::relu(*v);
            }
        }
    }

    /// Writes (or adds, if `accumulate`) the bias-free VALID convolution of `x` into `out`.
    fn accumulate_valid(&self, x: &[f32], out: &mut [f32], accumulate: bool) {
        let (cin, cout, d) = (self.in_channels, self.out_channels, self.dilation);
        let steps = out.len() / cout;
        if steps == 0 {
            return;
        }
        debug_assert!(x.len() >= (steps + self.reach()) * cin);
        if d == 1 {
            // Row t of the im2col matrix is x[t .. t+kernel] flattened: a contiguous slice.
            let view = RowsView { data: x, rows: steps, k: self.kernel * cin, row_stride: cin };
            matmul(view, &self.weight, cout, out, accumulate);
            return;
        }
        // Dilated: steps p, p+d, p+2d, … form an undilated convolution of their own. Gather
        // each phase's input contiguously and let one GEMM write every d-th output row.
        let in_steps = x.len() / cin;
        PHASE_INPUT.with(|cell| {
            let mut owned = Vec::new();
            let mut borrowed = cell.try_borrow_mut();
            let phase_in = match borrowed.as_mut() {
                Ok(buffer) => &mut **buffer,
                Err(_) => &mut owned, // re-entered on this thread (work stealing): use a fresh one
            };
            for p in 0..d.min(steps) {
                let out_rows = (steps - p).div_ceil(d);
                phase_in.clear();
                for t in (p..in_steps).step_by(d) {
                    phase_in.extend_from_slice(&x[t * cin..(t + 1) * cin]);
                }
                let view = RowsView { data: phase_in, rows: out_rows, k: self.kernel * cin, row_stride: cin };
                let rows_out = &mut out[p * cout..p * cout + (out_rows - 1) * d * cout + cout];
                matmul_strided(view, &self.weight, cout, rows_out, d * cout, accumulate);
            }
        });
    }
}

thread_local! {
    /// One dilation phase of a convolution's input, kept between calls so large
    /// convolutions do not allocate (and page-fault) a fresh buffer each time.
    static PHASE_INPUT: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
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
    /// `weight` is laid out `[in][tap][out]`.
    pub fn new(weight: Vec<f32>, bias: Vec<f32>, kernel: usize, stride: usize, in_channels: usize, same_crop: Option<usize>) -> Self {
        let out_channels = bias.len();
        debug_assert_eq!(weight.len(), in_channels * kernel * out_channels);
        ConvTranspose1d { weight, bias, kernel, stride, in_channels, out_channels, same_crop }
    }

    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    pub fn forward(&self, x: &Seq) -> Seq {
        debug_assert_eq!(x.channels, self.in_channels);
        let (k, s, cout) = (self.kernel, self.stride, self.out_channels);
        // taps[i][tap][o]: contribution of input step i to output step i*s + tap - crop.
        let mut taps = vec![0.0; x.steps * k * cout];
        let view = RowsView { data: &x.data, rows: x.steps, k: self.in_channels, row_stride: self.in_channels };
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

#[cfg(test)]
mod tests {
    use super::*;

    fn conv(weight_oki: &[f32], out: usize, kernel: usize, cin: usize, dilation: usize, padding: (usize, usize)) -> Conv1d {
        let bias = (0..out).map(|o| o as f32 * 0.5).collect();
        Conv1d::new(weight_oki, bias, kernel, dilation, cin, padding, FusedActivation::None)
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
    fn dilated_conv_with_channels_matches_direct_sum() {
        let (cin, cout, kernel, dilation, steps) = (3, 2, 5, 3, 29);
        let w: Vec<f32> = (0..cout * kernel * cin).map(|i| ((i * 7) % 11) as f32 - 5.0).collect();
        let x = Seq::from_vec(steps, cin, (0..steps * cin).map(|i| ((i * 13) % 17) as f32 * 0.25).collect());
        let layer = conv(&w, cout, kernel, cin, dilation, (6, 6));
        let y = layer.forward(&x);
        assert_eq!(y.steps, steps);
        for t in 0..steps {
            for o in 0..cout {
                let mut want = o as f32 * 0.5;
                for tap in 0..kernel {
                    let src = t as isize + (tap * dilation) as isize - 6;
                    if (0..steps as isize).contains(&src) {
                        for c in 0..cin {
                            want += w[(o * kernel + tap) * cin + c] * x.data[src as usize * cin + c];
                        }
                    }
                }
                assert!((y.data[t * cout + o] - want).abs() < 1e-3, "t={t} o={o}");
            }
        }
    }

    #[test]
    fn transposed_conv_same_padding_matches_hand_computation() {
        // 1 in, 1 out, kernel 4, stride 2 → crop 1; taps (1, 2, 3, 4)
        let layer = ConvTranspose1d::new(vec![1.0, 2.0, 3.0, 4.0], vec![0.0], 4, 2, 1, Some(1));
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
}
