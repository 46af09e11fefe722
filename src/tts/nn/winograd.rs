//! Stride-1 1-D convolution by Winograd minimal filtering F(m, r): `m` outputs of an
//! `r`-tap filter from `α = m + r - 1` multiplications per channel pair instead of `m·r`.
//!
//! A tile of `m` outputs reads `α` consecutive inputs `d`. With the filter `g`,
//!
//! ```text
//! y = Aᵀ [(G g) ⊙ (Bᵀ d)]        Aᵀ: m × α,  G: α × r,  Bᵀ: α × α
//! ```
//!
//! Over channels the element-wise product becomes, for each of the `α` points, one GEMM of
//! `[tiles × in] · [in × out]` against the transformed weights `U_ξ = Σ_k G[ξ][k] W_k`
//! (computed once, at load, in f64). For the 7-tap layers of a HiFi-GAN residual block at
//! m = 4 that is 10 products where the direct convolution does 28: the GEMM work, which is
//! most of a vocoder's time, drops 2.8×, for an input and an output transform that cost a
//! few additions per value.
//!
//! The matrices come from Toom-Cook polynomial multiplication, of which correlation is the
//! transpose: with `V` the `α × α` matrix evaluating a polynomial of degree `α - 1` at `α`
//! points (the last "∞", which reads the leading coefficient) and `V_m`, `V_r` its first
//! `m`, `r` columns (∞ row: the leading coefficient of those degrees),
//! `Aᵀ = V_mᵀ`, `G = V_r`, `Bᵀ = V⁻ᵀ`. Each row of `Bᵀ` is scaled to a largest entry of 1,
//! the scale moved into `G`, so the transforms applied to activations in f32 stay small.
//! The points are the usual small ones (0, ±1, ±2, ±½, …): the error grows with α, which is
//! why tiles stay small (see [`WinogradConv1d::new`]).
//!
//! Dilated layers run per phase of the dilation, as [`super::conv::Conv1d`] does: every
//! `d`-th step is an undilated convolution. Results depend only on where a tile starts,
//! which depends on the input's length and never on threads: one chain of additions per
//! value, in a fixed order.

use super::gemm::RowsView;
use super::packed::{matmul_packed, Epilogue, PackedMatrix};

/// Finite interpolation points, taken in this order; the last point is always ∞.
const POINTS: [f64; 10] = [0.0, 1.0, -1.0, 2.0, -2.0, 0.5, -0.5, 3.0, -3.0, 1.0 / 3.0];

/// Largest α: one point per entry of [`POINTS`], and ∞.
const MAX_ALPHA: usize = POINTS.len() + 1;

/// Values of one tile batch's transformed input (and of its products): with both, a
/// quarter of L2, so the batch stays in cache from input transform to output transform.
const BATCH_VALUES: usize = 1 << 14;
/// Tiles per batch however wide the layer: the GEMM reuses each block of weights over up
/// to 48 rows, and fewer would make wide layers (192 → 384 channels) re-read them.
const MIN_BATCH_TILES: usize = 48;

/// Channels per block of the transforms: four AVX registers, four independent chains of
/// additions (one chain is bound by the adder's latency, not its throughput).
const LANES: usize = 32;

/// Calls `self.$method(args)`, compiled for AVX2 when the CPU has it. The transforms are
/// plain multiplications and additions (never fused), so both builds give the same bits;
/// AVX2 only does eight channels per instruction where SSE2 does four.
macro_rules! dispatch {
    ($self:ident . $method:ident ($($arg:expr),*)) => {{
        #[cfg(target_arch = "x86_64")]
        {
            #[target_feature(enable = "avx2")]
            unsafe fn avx2(conv: &WinogradConv1d, f: impl FnOnce(&WinogradConv1d)) {
                f(conv)
            }
            if std::arch::is_x86_feature_detected!("avx2") {
                // SAFETY: the CPU has AVX2.
                unsafe { avx2($self, |conv| conv.$method($($arg),*)) }
            } else {
                $self.$method($($arg),*)
            }
        }
        #[cfg(not(target_arch = "x86_64"))]
        $self.$method($($arg),*)
    }};
}

/// A stride-1 convolution (optionally dilated and zero-padded) computed by F(m, r).
pub struct WinogradConv1d {
    /// `m`: outputs per tile.
    tile: usize,
    kernel: usize,
    dilation: usize,
    in_channels: usize,
    out_channels: usize,
    /// Zero steps before/after the input.
    padding: (usize, usize),
    /// Per point ξ, the nonzero entries `(j, Bᵀ[ξ][j])` of its input-transform row.
    input_transform: Vec<Vec<(usize, f32)>>,
    /// Per output i, the nonzero entries `(ξ, Aᵀ[i][ξ])` of its output-transform row.
    output_transform: Vec<Vec<(usize, f32)>>,
    /// Per point ξ, `U_ξ` (`in × out`).
    weights: Vec<PackedMatrix>,
    bias: Vec<f32>,
}

/// Buffers a caller keeps between calls so a convolution allocates nothing.
#[derive(Default)]
pub struct WinogradBuffers {
    /// A zero input row: padding.
    zeros: Vec<f32>,
    /// `[tile][ξ][in]`: the batch's transformed inputs.
    transformed: Vec<f32>,
    /// `[tile][ξ][out]`: their products with `U_ξ`.
    products: Vec<f32>,
}

impl WinogradConv1d {
    /// `weight` is laid out `[out][tap][in]` (as for [`super::conv::Conv1d::new`]); `tile`
    /// is `m`. Accuracy falls as `α = tile + kernel - 1` grows (the transforms' entries
    /// grow with the points): α ≤ 11 is supported and α ≤ 10 advised.
    pub fn new(weight: &[f32], bias: Vec<f32>, kernel: usize, dilation: usize, in_channels: usize, padding: (usize, usize), tile: usize) -> Self {
        let out_channels = bias.len();
        let alpha = tile + kernel - 1;
        assert!(tile >= 1 && kernel >= 1 && alpha <= MAX_ALPHA, "F({tile}, {kernel}) is not supported");
        debug_assert_eq!(weight.len(), out_channels * kernel * in_channels);
        let (bt, g, at) = transforms(tile, kernel);
        let weights = (0..alpha)
            .map(|xi| {
                let mut u = vec![0.0f32; in_channels * out_channels];
                for c in 0..in_channels {
                    for o in 0..out_channels {
                        let sum: f64 = (0..kernel).map(|k| g[xi * kernel + k] * f64::from(weight[(o * kernel + k) * in_channels + c])).sum();
                        u[c * out_channels + o] = sum as f32;
                    }
                }
                PackedMatrix::new(&u, in_channels, out_channels)
            })
            .collect();
        let nonzero = |row: &[f64]| row.iter().enumerate().filter(|(_, v)| **v != 0.0).map(|(j, &v)| (j, v as f32)).collect();
        let input_transform = bt.chunks_exact(alpha).map(nonzero).collect();
        let output_transform = at.chunks_exact(alpha).map(nonzero).collect();
        WinogradConv1d {
            tile,
            kernel,
            dilation: dilation.max(1),
            in_channels,
            out_channels,
            padding,
            input_transform,
            output_transform,
            weights,
            bias,
        }
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

    /// The convolution of `x` (rows of `in_channels` values, zero-padded by the layer's
    /// padding) written into `out`, or added to it if `accumulate`. `out` holds
    /// `out_channels` values per step and fixes the step count, at most the padded input's
    /// steps less `(kernel - 1) · dilation`.
    pub fn forward_into(&self, x: &[f32], out: &mut [f32], accumulate: bool, buffers: &mut WinogradBuffers) {
        let (cin, cout, d, m) = (self.in_channels, self.out_channels, self.dilation, self.tile);
        let alpha = self.weights.len();
        let steps = out.len() / cout;
        debug_assert!(steps + (self.kernel - 1) * d <= self.padding.0 + x.len() / cin + self.padding.1);
        let batch = (BATCH_VALUES / (alpha * cin.max(cout))).max(MIN_BATCH_TILES);
        buffers.zeros.resize(cin, 0.0);
        for p in 0..d.min(steps) {
            // Phase p: outputs p, p + d, p + 2d, …, in tiles of m.
            let outputs = (steps - p).div_ceil(d);
            let tiles = outputs.div_ceil(m);
            for first in (0..tiles).step_by(batch) {
                let count = batch.min(tiles - first);
                let tiles = Tiles { first_step: p + first * m * d, count, outputs: outputs - first * m };
                buffers.transformed.resize(count * alpha * cin, 0.0);
                buffers.products.resize(count * alpha * cout, 0.0);
                dispatch!(self.input_tiles(x, tiles, &buffers.zeros, &mut buffers.transformed));
                for (xi, u) in self.weights.iter().enumerate() {
                    let view = RowsView { data: &buffers.transformed[xi * cin..], rows: count, k: cin, row_stride: alpha * cin };
                    let products = &mut buffers.products[xi * cout..][..(count - 1) * alpha * cout + cout];
                    matmul_packed(view, u, products, alpha * cout, Epilogue::default());
                }
                dispatch!(self.output_tiles(&buffers.products, tiles, out, accumulate));
            }
        }
    }

    /// `Bᵀ d` for each tile of `tiles`, into `transformed` (`[tile][ξ][in]`).
    #[inline(always)]
    fn input_tiles(&self, x: &[f32], tiles: Tiles, zeros: &[f32], transformed: &mut [f32]) {
        let cin = self.in_channels;
        for (t, out) in transformed.chunks_exact_mut(self.weights.len() * cin).enumerate() {
            let rows = self.tile_input(x, tiles.first_step + t * self.tile * self.dilation, zeros);
            for block in 0..cin / LANES {
                self.input_block::<LANES>(&rows, block * LANES, out);
            }
            for c in cin / LANES * LANES..cin {
                self.input_block::<1>(&rows, c, out);
            }
        }
    }

    /// The first `α` of the rows returned are a tile's input: the padded input steps from
    /// `start` on, `d` apart; `zeros` before and after `x` (padding, and past the end for a
    /// last tile that is not full).
    #[inline(always)]
    fn tile_input<'a>(&self, x: &'a [f32], start: usize, zeros: &'a [f32]) -> [&'a [f32]; MAX_ALPHA] {
        let cin = self.in_channels;
        let steps = x.len() / cin;
        let mut rows = [zeros; MAX_ALPHA];
        for (j, row) in rows.iter_mut().enumerate().take(self.weights.len()) {
            if let Some(i) = (start + j * self.dilation).checked_sub(self.padding.0).filter(|&i| i < steps) {
                *row = &x[i * cin..(i + 1) * cin];
            }
        }
        rows
    }

    /// Channels `c..c + W` of one tile's `Bᵀ d`, summed in registers.
    #[inline(always)]
    fn input_block<const W: usize>(&self, rows: &[&[f32]; MAX_ALPHA], c: usize, out: &mut [f32]) {
        let mut d = [[0.0f32; W]; MAX_ALPHA];
        for (d, row) in d.iter_mut().zip(rows).take(self.weights.len()) {
            d.copy_from_slice(&row[c..c + W]);
        }
        for (terms, out) in self.input_transform.iter().zip(out.chunks_exact_mut(self.in_channels)) {
            let mut sum = [0.0f32; W];
            for &(j, b) in terms {
                sum.iter_mut().zip(&d[j]).for_each(|(s, &v)| *s += b * v);
            }
            out[c..c + W].copy_from_slice(&sum);
        }
    }

    /// `Aᵀ M` for each tile of `tiles`, from the products `[tile][ξ][out]`, plus the bias,
    /// stored in (or added to) the tile's output steps.
    #[inline(always)]
    fn output_tiles(&self, products: &[f32], tiles: Tiles, out: &mut [f32], accumulate: bool) {
        let (cout, m) = (self.out_channels, self.tile);
        for (t, products) in products.chunks_exact(self.weights.len() * cout).enumerate().take(tiles.count) {
            let valid = m.min(tiles.outputs - t * m);
            let first = tiles.first_step + t * m * self.dilation;
            for block in 0..cout / LANES {
                self.output_block::<LANES>(products, valid, first, block * LANES, out, accumulate);
            }
            for c in cout / LANES * LANES..cout {
                self.output_block::<1>(products, valid, first, c, out, accumulate);
            }
        }
    }

    /// Channels `c..c + W` of a tile's first `valid` outputs (at steps `first`, `first + d`,
    /// …), summed in registers, then stored as the direct convolution's epilogue does:
    /// `(sum + bias) (+ out)`.
    #[inline(always)]
    fn output_block<const W: usize>(&self, products: &[f32], valid: usize, first: usize, c: usize, out: &mut [f32], accumulate: bool) {
        let cout = self.out_channels;
        let alpha = self.weights.len();
        let mut mv = [[0.0f32; W]; MAX_ALPHA];
        for (mv, products) in mv.iter_mut().zip(products.chunks_exact(cout)).take(alpha) {
            mv.copy_from_slice(&products[c..c + W]);
        }
        let bias = &self.bias[c..c + W];
        for (i, terms) in self.output_transform.iter().enumerate().take(valid) {
            let mut sum = [0.0f32; W];
            for &(xi, a) in terms {
                sum.iter_mut().zip(&mv[xi]).for_each(|(s, &v)| *s += a * v);
            }
            sum.iter_mut().zip(bias).for_each(|(s, b)| *s += b);
            let row = &mut out[(first + i * self.dilation) * cout + c..][..W];
            if accumulate {
                row.iter_mut().zip(sum).for_each(|(o, s)| *o += s);
            } else {
                row.copy_from_slice(&sum);
            }
        }
    }
}

/// A batch of consecutive tiles of one phase.
#[derive(Clone, Copy)]
struct Tiles {
    /// Output step of the first tile's first output.
    first_step: usize,
    count: usize,
    /// Outputs of the phase from the first tile on (the last tile may have fewer than m).
    outputs: usize,
}

/// `(Bᵀ, G, Aᵀ)` for F(m, r), row-major, in f64 (see the module documentation).
fn transforms(m: usize, r: usize) -> (Vec<f64>, Vec<f64>, Vec<f64>) {
    let alpha = m + r - 1;
    let finite = &POINTS[..alpha - 1];
    // Row ξ of the evaluation matrix with `cols` columns: powers of the point, or, for ∞,
    // the leading coefficient.
    let evaluation = |cols: usize| -> Vec<f64> {
        let mut v = vec![0.0; alpha * cols];
        for (xi, row) in v.chunks_exact_mut(cols).enumerate() {
            match finite.get(xi) {
                Some(&a) => row.iter_mut().enumerate().for_each(|(k, e)| *e = a.powi(k as i32)),
                None => row[cols - 1] = 1.0,
            }
        }
        v
    };
    let mut g = evaluation(r);
    let vm = evaluation(m);
    let inverse = invert(&evaluation(alpha), alpha);
    // Bᵀ = V⁻ᵀ: row ξ of Bᵀ is column ξ of V⁻¹.
    let mut bt: Vec<f64> = (0..alpha * alpha).map(|i| inverse[(i % alpha) * alpha + i / alpha]).collect();
    for xi in 0..alpha {
        let row = &mut bt[xi * alpha..(xi + 1) * alpha];
        let scale = row.iter().fold(0.0f64, |s, v| s.max(v.abs()));
        // Entries that are zero but for rounding in the inversion.
        row.iter_mut().for_each(|v| *v = if v.abs() < 1e-12 * scale { 0.0 } else { *v / scale });
        g[xi * r..(xi + 1) * r].iter_mut().for_each(|v| *v *= scale);
    }
    let at = (0..m * alpha).map(|i| vm[(i % alpha) * m + i / alpha]).collect();
    (bt, g, at)
}

/// The inverse of the `n × n` row-major matrix `a` (Gauss-Jordan with partial pivoting; the
/// Vandermonde matrices here are small and well conditioned).
fn invert(a: &[f64], n: usize) -> Vec<f64> {
    let mut a = a.to_vec();
    let mut inv: Vec<f64> = (0..n * n).map(|i| if i / n == i % n { 1.0 } else { 0.0 }).collect();
    for col in 0..n {
        let pivot = (col..n).max_by(|&i, &j| a[i * n + col].abs().total_cmp(&a[j * n + col].abs())).unwrap_or(col);
        for k in 0..n {
            a.swap(col * n + k, pivot * n + k);
            inv.swap(col * n + k, pivot * n + k);
        }
        let p = a[col * n + col];
        for k in 0..n {
            a[col * n + k] /= p;
            inv[col * n + k] /= p;
        }
        for row in (0..n).filter(|&row| row != col) {
            let factor = a[row * n + col];
            if factor != 0.0 {
                for k in 0..n {
                    a[row * n + k] -= factor * a[col * n + k];
                    inv[row * n + k] -= factor * inv[col * n + k];
                }
            }
        }
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::nn::test_data::pseudo_random;
    use crate::tts::nn::conv::{Conv1d, FusedActivation};

    fn leaky(v: f32) -> f32 {
        if v >= 0.0 { v } else { 0.1 * v }
    }

    /// Largest difference from the direct convolution (same input, activation, padding and
    /// accumulation), relative to the output's largest value.
    fn relative_error(m: usize, kernel: usize, dilation: usize, (cin, cout): (usize, usize), steps: usize) -> f32 {
        let pad = (kernel - 1) * dilation / 2;
        let weight = pseudo_random(cout * kernel * cin, 1);
        let bias = pseudo_random(cout, 2);
        let x: Vec<f32> = pseudo_random(steps * cin, 3).iter().map(|v| 4.0 * v).collect();
        let direct = Conv1d::new(&weight, bias.clone(), kernel, dilation, cin, (pad, pad), FusedActivation::None);
        let winograd = WinogradConv1d::new(&weight, bias, kernel, dilation, cin, (pad, pad), m);
        let start = pseudo_random(steps * cout, 4);
        let mut want = start.clone();
        let mut prepared = Vec::new();
        direct.prepare_input(&x, leaky, &mut prepared);
        direct.forward_prepared_into(&prepared, &mut want, true);
        let mut got = start;
        let activated: Vec<f32> = x.iter().map(|&v| leaky(v)).collect();
        winograd.forward_into(&activated, &mut got, true, &mut WinogradBuffers::default());
        let scale = want.iter().fold(0.0f32, |s, v| s.max(v.abs()));
        got.iter().zip(&want).map(|(a, b)| (a - b).abs()).fold(0.0, f32::max) / scale
    }

    #[test]
    fn matches_the_direct_convolution_for_the_decoder_layers() {
        // HiFi-GAN ResBlock2 layers (kernels 3, 5, 7; their dilations), over sequences long
        // and short: shorter than a tile, than a phase's tile, than the kernel's reach.
        for &(m, kernel, dilations) in &[(6, 3, [1, 2]), (4, 5, [2, 6]), (4, 7, [3, 12])] {
            for dilation in dilations {
                for steps in [1, 2, 3, 5, 13, 40, 301] {
                    // The direct convolution rounds at about 1e-7; α = 10 transforms at 1e-5.
                    let error = relative_error(m, kernel, dilation, (32, 32), steps);
                    assert!(error < 3e-5, "F({m}, {kernel}) dilation {dilation}, {steps} steps: {error}");
                }
            }
        }
    }

    #[test]
    fn matches_the_direct_convolution_for_other_tiles_and_channels() {
        for &(m, kernel) in &[(1, 3), (2, 3), (4, 3), (2, 5), (6, 5), (2, 7), (3, 1)] {
            let error = relative_error(m, kernel, 2, (19, 19), 57);
            assert!(error < 1e-5, "F({m}, {kernel}): {error}");
        }
    }

    #[test]
    fn matches_the_direct_convolution_for_the_flow_layers() {
        // A VITS WaveNet input layer (kernel 5, twice as many outputs as inputs), narrower.
        for steps in [1, 3, 4, 9, 250] {
            let error = relative_error(4, 5, 1, (48, 96), steps);
            assert!(error < 1e-5, "{steps} steps: {error}");
        }
    }

    #[test]
    fn result_is_identical_for_any_thread_count() {
        let (channels, kernel, dilation, steps) = (64, 7, 3, 2000);
        let weight = pseudo_random(channels * kernel * channels, 8);
        let x = pseudo_random(steps * channels, 9);
        let conv = WinogradConv1d::new(&weight, pseudo_random(channels, 10), kernel, dilation, channels, (9, 9), 4);
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            let mut out = vec![0.0; steps * channels];
            pool.install(|| conv.forward_into(&x, &mut out, false, &mut WinogradBuffers::default()));
            out
        };
        assert_eq!(run(1), run(2));
    }

    #[test]
    fn output_written_without_accumulating_and_with_uneven_padding() {
        let (cin, cout, kernel, steps) = (5, 3, 5, 23);
        let weight = pseudo_random(cout * kernel * cin, 5);
        let bias = pseudo_random(cout, 6);
        let x = pseudo_random(steps * cin, 7);
        let padding = (3, 1);
        let direct = Conv1d::new(&weight, bias.clone(), kernel, 1, cin, padding, FusedActivation::None);
        let want = direct.forward(&crate::tts::nn::tensor::Seq::from_vec(steps, cin, x.clone()));
        let winograd = WinogradConv1d::new(&weight, bias, kernel, 1, cin, padding, 4);
        let mut got = vec![f32::NAN; want.data.len()];
        winograd.forward_into(&x, &mut got, false, &mut WinogradBuffers::default());
        for (a, b) in got.iter().zip(&want.data) {
            assert!((a - b).abs() < 1e-5, "{a} vs {b}");
        }
    }

    #[test]
    fn transforms_multiply_polynomials_exactly() {
        // Aᵀ[(G g) ⊙ (Bᵀ d)] on integers is the correlation to rounding of f64.
        let (m, r) = (4, 7);
        let (bt, g, at) = transforms(m, r);
        let alpha = m + r - 1;
        let filter: Vec<f64> = (0..r).map(|k| k as f64 - 2.0).collect();
        let input: Vec<f64> = (0..alpha).map(|j| (j * j) as f64 % 7.0).collect();
        let gg: Vec<f64> = (0..alpha).map(|xi| (0..r).map(|k| g[xi * r + k] * filter[k]).sum()).collect();
        let bd: Vec<f64> = (0..alpha).map(|xi| (0..alpha).map(|j| bt[xi * alpha + j] * input[j]).sum()).collect();
        for i in 0..m {
            let y: f64 = (0..alpha).map(|xi| at[i * alpha + xi] * gg[xi] * bd[xi]).sum();
            let want: f64 = (0..r).map(|k| filter[k] * input[i + k]).sum();
            assert!((y - want).abs() < 1e-9, "output {i}: {y} vs {want}");
        }
    }
}
