//! 1-D convolution and transposed convolution over a time-major [`Seq`], both computed as
//! GEMMs. Weights are rearranged once, at construction, into the `k × n` row-major matrix
//! the GEMM wants, so inference never transposes weights.

use super::gemm::RowsView;
use super::packed::{matmul_packed, Epilogue, PackedMatrix};
use super::tensor::Seq;

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
    /// `(kernel * in_channels) × out_channels`; row index = tap * in + channel.
    weight: PackedMatrix,
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
            weight: PackedMatrix::new(&transpose(weight, out_channels, kernel * in_channels), kernel * in_channels, out_channels),
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

    /// Zero steps added before and after the input.
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
        a.accumulate_valid(&x.data, &mut out.data, Epilogue { bias: Some(&a.bias), ..Epilogue::default() });
        b.accumulate_valid(&y.data, &mut out.data, Epilogue { bias: Some(&b.bias), accumulate: true, relu: false });
        out
    }

    /// Writes (or, if `accumulate`, adds) the VALID convolution of `x` plus the bias into
    /// `out`. `x` holds rows of `in_channels` values, already padded; `out` holds
    /// `out_channels` values per step and fixes the step count (`x` needs `reach()` more).
    pub fn forward_valid_into(&self, x: &[f32], out: &mut [f32], accumulate: bool) {
        self.accumulate_valid(x, out, self.epilogue(accumulate));
    }

    /// Writes `f(x)`, zero-padded by the layer's padding, into `prepared` in the order
    /// [`Conv1d::forward_prepared_into`] reads it: time order when undilated, else one
    /// dilation phase after another (steps p, p+d, p+2d, … for p = 0..d), so that each
    /// phase is a contiguous undilated input. Folding this reordering into the pass that
    /// applies the activation saves dilated layers a copy of their input.
    pub fn prepare_input(&self, x: &[f32], f: impl Fn(f32) -> f32, prepared: &mut Vec<f32>) {
        write_phases(x, self.in_channels, self.padding, self.dilation, f, prepared);
    }

    /// [`Conv1d::forward_valid_into`] on an input laid out by [`Conv1d::prepare_input`];
    /// padding is already in it. This is the allocation-free entry point for layers that
    /// keep their own buffers.
    pub fn forward_prepared_into(&self, prepared: &[f32], out: &mut [f32], accumulate: bool) {
        self.accumulate_phases(prepared, out, self.epilogue(accumulate));
    }

    /// Bias and fused activation, applied as the GEMM stores each sum.
    fn epilogue(&self, accumulate: bool) -> Epilogue<'_> {
        Epilogue { bias: Some(&self.bias), accumulate, relu: self.activation == FusedActivation::Relu }
    }

    /// The VALID convolution of `x` (time order, padded), stored into `out` through
    /// `epilogue`.
    fn accumulate_valid(&self, x: &[f32], out: &mut [f32], epilogue: Epilogue<'_>) {
        if self.dilation == 1 {
            self.accumulate_phases(x, out, epilogue);
            return;
        }
        PHASE_INPUT.with(|cell| {
            let mut owned = Vec::new();
            let mut borrowed = cell.try_borrow_mut();
            let phases = match borrowed.as_mut() {
                Ok(buffer) => &mut **buffer,
                Err(_) => &mut owned, // re-entered on this thread (work stealing): use a fresh one
            };
            write_phases(x, self.in_channels, (0, 0), self.dilation, |v| v, phases);
            self.accumulate_phases(phases, out, epilogue);
        });
    }

    /// The convolution of an input in [`Conv1d::prepare_input`]'s layout: one GEMM over an
    /// im2col view per dilation phase, each writing every `d`-th output row.
    fn accumulate_phases(&self, prepared: &[f32], out: &mut [f32], epilogue: Epilogue<'_>) {
        let (cin, cout, d) = (self.in_channels, self.out_channels, self.dilation);
        let steps = out.len() / cout;
        if steps == 0 {
            return;
        }
        let in_steps = prepared.len() / cin;
        debug_assert!(in_steps >= steps + self.reach());
        let mut phase_start = 0;
        for p in 0..d.min(in_steps) {
            let phase_steps = (in_steps - p).div_ceil(d);
            if p < steps {
                let out_rows = (steps - p).div_ceil(d);
                // Row t of the phase's im2col matrix is its input steps t .. t+kernel flattened.
                let view = RowsView { data: &prepared[phase_start * cin..], rows: out_rows, k: self.kernel * cin, row_stride: cin };
                let rows_out = &mut out[p * cout..p * cout + (out_rows - 1) * d * cout + cout];
                matmul_packed(view, &self.weight, rows_out, d * cout, epilogue);
            }
            phase_start += phase_steps;
        }
    }
}

/// `f(x)` (rows of `cin` values) with `left`/`right` zero rows around it, written into `out`
/// one dilation phase after another: rows p, p+d, p+2d, … of the padded input for p = 0..d.
fn write_phases(x: &[f32], cin: usize, (left, right): (usize, usize), d: usize, f: impl Fn(f32) -> f32, out: &mut Vec<f32>) {
    let steps = x.len() / cin;
    let padded_steps = left + steps + right;
    out.resize(padded_steps * cin, 0.0);
    let mut rows = out.chunks_exact_mut(cin);
    for p in 0..d.min(padded_steps) {
        for (t, row) in (p..padded_steps).step_by(d).zip(rows.by_ref()) {
            match t.checked_sub(left).filter(|&i| i < steps) {
                Some(i) => {
                    for (o, &v) in row.iter_mut().zip(&x[i * cin..(i + 1) * cin]) {
                        *o = f(v);
                    }
                }
                None => row.fill(0.0),
            }
        }
    }
}

thread_local! {
    /// A dilated convolution's input reordered by phase, kept between calls so large
    /// convolutions do not allocate (and page-fault) a fresh buffer each time.
    static PHASE_INPUT: std::cell::RefCell<Vec<f32>> = const { std::cell::RefCell::new(Vec::new()) };
}

/// Transposed 1-D convolution (upsampling by `stride`), computed as `stride` ordinary
/// convolutions, one per output phase: output step `n = m·s + p` (before cropping) sums
/// tap `p + j·s` of input step `m - j` for every `j`, an undilated convolution over the
/// input with `ceil(kernel / stride)` taps. Each phase's GEMM writes every `s`-th output
/// row in place, so there is no per-tap buffer and no overlap-add pass.
pub struct ConvTranspose1d {
    /// Per phase, a `(taps * in_channels) × out_channels` matrix; row `(j', c)` holds tap
    /// `p + (taps-1-j')·s` (zero past the kernel's end).
    phases: Vec<PackedMatrix>,
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
        let stride = stride.max(1);
        let taps = kernel.div_ceil(stride);
        let phases = (0..stride)
            .map(|p| {
                let mut matrix = vec![0.0; taps * in_channels * out_channels];
                for j in 0..taps {
                    let tap = p + (taps - 1 - j) * stride;
                    if tap >= kernel {
                        continue;
                    }
                    for c in 0..in_channels {
                        let src = &weight[(c * kernel + tap) * out_channels..][..out_channels];
                        matrix[(j * in_channels + c) * out_channels..][..out_channels].copy_from_slice(src);
                    }
                }
                PackedMatrix::new(&matrix, taps * in_channels, out_channels)
            })
            .collect();
        ConvTranspose1d { phases, bias, kernel, stride, in_channels, out_channels, same_crop }
    }

    pub fn stride(&self) -> usize {
        self.stride
    }

    pub fn out_channels(&self) -> usize {
        self.out_channels
    }

    pub fn forward(&self, x: &Seq) -> Seq {
        debug_assert_eq!(x.channels, self.in_channels);
        let (mut padded, mut out) = (Vec::new(), Vec::new());
        self.forward_into(&x.data, |v| v, &mut padded, &mut out);
        Seq::from_vec(out.len() / self.out_channels, self.out_channels, out)
    }

    /// The transposed convolution of `f(x)` (rows of `in_channels` values) into `out`
    /// (resized), with `padded` as the buffer for the padded input: the allocation-free
    /// entry point for callers that keep their buffers, with an activation folded into
    /// the padding pass.
    pub fn forward_into(&self, x: &[f32], f: impl Fn(f32) -> f32, padded: &mut Vec<f32>, out: &mut Vec<f32>) {
        let (s, cin, cout) = (self.stride, self.in_channels, self.out_channels);
        let steps = x.len() / cin;
        let taps = self.kernel.div_ceil(s);
        let (out_steps, crop) = match self.same_crop {
            Some(crop) => (steps * s, crop),
            None => ((steps.max(1) - 1) * s + self.kernel, 0),
        };
        out.clear();
        out.resize(out_steps * cout, 0.0);
        if steps == 0 || out_steps == 0 {
            for row in out.chunks_exact_mut(cout) {
                row.copy_from_slice(&self.bias);
            }
            return;
        }
        // `taps - 1` zero steps before the input (m - j < 0), and after it as many as the
        // last phase row reads: m + taps - 1 < in_steps + taps - 1 + pad_right.
        let last_m = (crop + out_steps - 1) / s;
        write_phases(x, cin, (taps - 1, (last_m + 1).saturating_sub(steps)), 1, f, padded);
        // Every output step belongs to exactly one phase, whose GEMM stores it with the bias.
        for (p, weight) in self.phases.iter().enumerate() {
            let first_m = crop.saturating_sub(p).div_ceil(s);
            let first_out = first_m * s + p - crop;
            if first_out >= out_steps {
                continue;
            }
            let rows = (out_steps - 1 - first_out) / s + 1;
            let view = RowsView { data: &padded[first_m * cin..], rows, k: taps * cin, row_stride: cin };
            let rows_out = &mut out[first_out * cout..(first_out + (rows - 1) * s) * cout + cout];
            matmul_packed(view, weight, rows_out, s * cout, Epilogue { bias: Some(&self.bias), ..Epilogue::default() });
        }
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

    /// Transposed convolution by its definition: input step i, tap t feeds output i*s + t - crop.
    fn transposed_direct(w_itko: &[f32], bias: &[f32], kernel: usize, stride: usize, x: &Seq, crop: usize, out_steps: usize) -> Vec<f32> {
        let cout = bias.len();
        let mut out: Vec<f32> = (0..out_steps).flat_map(|_| bias.iter().copied()).collect();
        for i in 0..x.steps {
            for tap in 0..kernel {
                let Some(o) = (i * stride + tap).checked_sub(crop).filter(|&o| o < out_steps) else { continue };
                for c in 0..x.channels {
                    for k in 0..cout {
                        out[o * cout + k] += x.data[i * x.channels + c] * w_itko[(c * kernel + tap) * cout + k];
                    }
                }
            }
        }
        out
    }

    #[test]
    fn transposed_conv_matches_definition_for_any_kernel_and_stride() {
        for &(kernel, stride, same) in &[(16, 8, true), (8, 4, true), (4, 2, true), (5, 2, true), (3, 3, false), (7, 2, false), (2, 4, false)] {
            let (cin, cout, steps) = (3, 2, 11);
            let w: Vec<f32> = (0..cin * kernel * cout).map(|i| ((i * 7) % 13) as f32 * 0.25 - 1.5).collect();
            let bias = vec![0.5, -1.0];
            let x = Seq::from_vec(steps, cin, (0..steps * cin).map(|i| ((i * 5) % 9) as f32 - 4.0).collect());
            let crop = kernel.saturating_sub(stride) / 2;
            let layer = ConvTranspose1d::new(w.clone(), bias.clone(), kernel, stride, cin, same.then_some(crop));
            let y = layer.forward(&x);
            let (crop, out_steps) = if same { (crop, steps * stride) } else { (0, (steps - 1) * stride + kernel) };
            assert_eq!(y.steps, out_steps);
            let want = transposed_direct(&w, &bias, kernel, stride, &x, crop, out_steps);
            for (i, (a, b)) in y.data.iter().zip(&want).enumerate() {
                assert!((a - b).abs() < 1e-4, "kernel {kernel} stride {stride}: value {i}: {a} vs {b}");
            }
        }
    }

    #[test]
    fn prepared_input_gives_the_same_convolution() {
        let (cin, cout, kernel, steps) = (2, 3, 3, 17);
        let w: Vec<f32> = (0..cout * kernel * cin).map(|i| ((i * 3) % 7) as f32 - 3.0).collect();
        let x: Vec<f32> = (0..steps * cin).map(|i| ((i * 11) % 5) as f32 - 2.0).collect();
        for dilation in [1, 2, 5] {
            let pad = dilation * (kernel - 1) / 2;
            let layer = conv(&w, cout, kernel, cin, dilation, (pad, pad));
            let relu_x: Vec<f32> = x.iter().map(|&v| v.max(0.0)).collect();
            let want = layer.forward(&Seq::from_vec(steps, cin, relu_x));
            let mut prepared = Vec::new();
            layer.prepare_input(&x, |v| v.max(0.0), &mut prepared);
            let mut got = vec![0.0; steps * cout];
            layer.forward_prepared_into(&prepared, &mut got, false);
            assert_eq!(got, want.data, "dilation {dilation}");
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
