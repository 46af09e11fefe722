//! The fastest exact-enough way to run a stride-1 convolution: Winograd minimal filtering
//! ([`super::winograd`]) for the kernel sizes that have a tile, the im2col GEMM
//! ([`super::conv::Conv1d`]) for the others.

use super::conv::{Conv1d, FusedActivation};
use super::winograd::{WinogradBuffers, WinogradConv1d};

/// Outputs per Winograd tile for a kernel size, `None` for a direct convolution: F(6, 3),
/// F(4, 5) and F(4, 7) (α = 8, 8, 10). Measured on the en-joe Piper voice (one thread):
/// F(4, 3) was about 3 % slower; F(6, 5) in the flow's 192 → 384-channel layers doubled
/// the decoder input's error against ONNX Runtime (6.1e-4 of the 1e-3 allowed, against
/// 2.7e-4) for no speed that could be measured; α = 11 was hardly faster for twice the
/// error. A kernel of 1 has nothing to save.
fn winograd_tile(kernel: usize) -> Option<usize> {
    match kernel {
        3 => Some(6),
        5 | 7 => Some(4),
        _ => None,
    }
}

/// A stride-1 convolution, optionally dilated and zero-padded, no fused activation.
pub enum FastConv1d {
    Winograd(WinogradConv1d),
    Direct(Conv1d),
}

impl FastConv1d {
    /// `weight` is laid out `[out][tap][in]`, as for [`Conv1d::new`].
    pub fn new(weight: &[f32], bias: Vec<f32>, kernel: usize, dilation: usize, in_channels: usize, padding: (usize, usize)) -> Self {
        match winograd_tile(kernel) {
            Some(tile) => FastConv1d::Winograd(WinogradConv1d::new(weight, bias, kernel, dilation, in_channels, padding, tile)),
            None => FastConv1d::Direct(Conv1d::new(weight, bias, kernel, dilation, in_channels, padding, FusedActivation::None)),
        }
    }

    pub fn in_channels(&self) -> usize {
        match self {
            FastConv1d::Winograd(conv) => conv.in_channels(),
            FastConv1d::Direct(conv) => conv.in_channels(),
        }
    }

    pub fn out_channels(&self) -> usize {
        match self {
            FastConv1d::Winograd(conv) => conv.out_channels(),
            FastConv1d::Direct(conv) => conv.out_channels(),
        }
    }

    /// Zero steps added before and after the input.
    pub fn padding(&self) -> (usize, usize) {
        match self {
            FastConv1d::Winograd(conv) => conv.padding(),
            FastConv1d::Direct(conv) => conv.padding(),
        }
    }

    /// Writes `f(x)` into `prepared`, laid out as [`FastConv1d::forward_prepared_into`]
    /// reads it. It is a copy, so the output may then overwrite (or add to) `x`.
    pub fn prepare_input(&self, x: &[f32], f: impl Fn(f32) -> f32, prepared: &mut Vec<f32>) {
        match self {
            FastConv1d::Winograd(_) => {
                prepared.clear();
                prepared.extend(x.iter().map(|&v| f(v)));
            }
            FastConv1d::Direct(conv) => conv.prepare_input(x, f, prepared),
        }
    }

    /// The convolution of the input [`FastConv1d::prepare_input`] left in `prepared`,
    /// written into `out` or added to it if `accumulate`; `out` fixes the step count.
    pub fn forward_prepared_into(&self, prepared: &[f32], out: &mut [f32], accumulate: bool, buffers: &mut WinogradBuffers) {
        match self {
            FastConv1d::Winograd(conv) => conv.forward_into(prepared, out, accumulate, buffers),
            FastConv1d::Direct(conv) => conv.forward_prepared_into(prepared, out, accumulate),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_kinds_compute_the_same_convolution() {
        let (cin, cout, steps) = (6, 10, 31);
        let x: Vec<f32> = (0..steps * cin).map(|i| ((i * 7) % 13) as f32 * 0.25 - 1.5).collect();
        for kernel in [1, 3, 5, 7, 9] {
            let weight: Vec<f32> = (0..cout * kernel * cin).map(|i| ((i * 5) % 11) as f32 * 0.1 - 0.5).collect();
            let bias: Vec<f32> = (0..cout).map(|o| o as f32 * 0.5).collect();
            let pad = kernel - 1;
            let fast = FastConv1d::new(&weight, bias.clone(), kernel, 2, cin, (pad, pad));
            assert_eq!(matches!(fast, FastConv1d::Winograd(_)), winograd_tile(kernel).is_some());
            let direct = Conv1d::new(&weight, bias, kernel, 2, cin, (pad, pad), FusedActivation::None);
            let relu = |v: f32| v.max(0.0);
            let (mut prepared, mut fast_prepared) = (Vec::new(), Vec::new());
            direct.prepare_input(&x, relu, &mut prepared);
            fast.prepare_input(&x, relu, &mut fast_prepared);
            let mut want = vec![1.0; steps * cout];
            direct.forward_prepared_into(&prepared, &mut want, true);
            let mut got = vec![1.0; steps * cout];
            fast.forward_prepared_into(&fast_prepared, &mut got, true, &mut WinogradBuffers::default());
            for (a, b) in got.iter().zip(&want) {
                assert!((a - b).abs() < 1e-4 * b.abs().max(1.0), "kernel {kernel}: {a} vs {b}");
            }
        }
    }
}
