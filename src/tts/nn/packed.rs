//! Matrix product `C = A · W` against a constant right operand — a layer's weights — packed
//! once, at load, into the column panels the micro-kernel reads, with the bias, the
//! accumulation into `C` and a ReLU applied as the kernel stores its results.
//!
//! General-purpose GEMMs ([`super::gemm`]) pack both operands on every call; for the
//! convolutions of a vocoder, where `A` is an im2col view read straight out of the input
//! and `W` never changes, that packing was a seventh of the run time. Here `A` is read in
//! place (rows may overlap) and `W` is never touched again after [`PackedMatrix::new`].
//!
//! Determinism: every output element is one chain of multiply-adds over `k` in order,
//! followed by the same epilogue, whatever block or thread its row lands in, so results
//! are bit-identical for any thread count (a unit test checks this). On x86-64 with AVX2
//! and FMA the kernel uses fused multiply-adds; elsewhere a portable kernel of the same
//! shape runs (results then differ in the last bits, as any two BLAS builds would).

use super::gemm::{split_rows, RowsView};

/// Columns per panel: two AVX registers.
const PANEL: usize = 16;
/// Rows per micro-kernel call: 6 × 2 accumulators leave registers for the operands.
const MICRO_ROWS: usize = 6;
/// Rows computed against every panel before moving on, so the rows' inputs stay in L1/L2
/// while all panels pass over them.
const BLOCK_ROWS: usize = 8 * MICRO_ROWS;
/// Minimum rows handed to one task.
const MIN_ROWS_PER_TASK: usize = 32;

/// A row-major `k × n` matrix stored as `ceil(n / 16)` panels of `k × 16` values (columns
/// past `n` are zero), each panel read front to back by the kernel. A single column
/// (`n == 1`, e.g. a vocoder's output layer) is kept as it is: its products are dot
/// products, which a 16-wide panel would compute with 15 wasted lanes in 16.
#[derive(Debug, Clone)]
pub struct PackedMatrix {
    k: usize,
    n: usize,
    panels: Vec<f32>,
}

impl PackedMatrix {
    /// Packs the row-major `k × n` matrix `b`.
    pub fn new(b: &[f32], k: usize, n: usize) -> Self {
        debug_assert_eq!(b.len(), k * n);
        if n == 1 {
            return PackedMatrix { k, n, panels: b.to_vec() };
        }
        let count = n.div_ceil(PANEL);
        let mut panels = vec![0.0; count * k * PANEL];
        for (p, panel) in panels.chunks_exact_mut((k * PANEL).max(1)).enumerate().take(count) {
            let cols = (n - p * PANEL).min(PANEL);
            for (row, dst) in panel.chunks_exact_mut(PANEL).enumerate() {
                dst[..cols].copy_from_slice(&b[row * n + p * PANEL..][..cols]);
            }
        }
        PackedMatrix { k, n, panels }
    }

    pub fn k(&self) -> usize {
        self.k
    }

    pub fn n(&self) -> usize {
        self.n
    }

    fn panel(&self, p: usize) -> &[f32] {
        &self.panels[p * self.k * PANEL..][..self.k * PANEL]
    }
}

/// What the kernel does with a finished sum `s` before storing it at `c`:
/// `c = relu?((s + bias) + (c if accumulate))`.
#[derive(Clone, Copy, Default)]
pub struct Epilogue<'a> {
    /// One value per column.
    pub bias: Option<&'a [f32]>,
    pub accumulate: bool,
    pub relu: bool,
}

/// `out` row `r` (at `out[r * out_stride..][..n]`) gets row `r` of `a · b`, finished by
/// `epilogue`. `out` must end right after the last row: `(rows - 1) * out_stride + n` values.
pub fn matmul_packed(a: RowsView<'_>, b: &PackedMatrix, out: &mut [f32], out_stride: usize, epilogue: Epilogue<'_>) {
    let n = b.n;
    debug_assert_eq!(a.k, b.k);
    debug_assert!(out_stride >= n);
    debug_assert!(epilogue.bias.is_none_or(|bias| bias.len() == n));
    if a.rows == 0 || n == 0 {
        return;
    }
    debug_assert_eq!(out.len(), (a.rows - 1) * out_stride + n);
    debug_assert!(a.data.len() >= (a.rows - 1) * a.row_stride + a.k);
    split_rows(a, n, out, out_stride, MIN_ROWS_PER_TASK, |view, out| matmul_serial(view, b, out, out_stride, epilogue));
}

fn matmul_serial(a: RowsView<'_>, b: &PackedMatrix, out: &mut [f32], out_stride: usize, epilogue: Epilogue<'_>) {
    matmul_with(Kernel::detect(), a, b, out, out_stride, epilogue);
}

fn matmul_with(kernel: Kernel, a: RowsView<'_>, b: &PackedMatrix, out: &mut [f32], out_stride: usize, epilogue: Epilogue<'_>) {
    if b.n == 1 {
        let bias = epilogue.bias.map_or(0.0, |b| b[0]);
        for (r, o) in out.iter_mut().step_by(out_stride).enumerate() {
            let sum = kernel.dot(&a.data[r * a.row_stride..][..a.k], &b.panels);
            let mut v = sum + bias;
            if epilogue.accumulate {
                v += *o;
            }
            *o = if epilogue.relu { v.max(0.0) } else { v };
        }
        return;
    }
    let panels = b.n.div_ceil(PANEL);
    for block in (0..a.rows).step_by(BLOCK_ROWS) {
        let block_end = (block + BLOCK_ROWS).min(a.rows);
        for p in 0..panels {
            let col = p * PANEL;
            let cols = (b.n - col).min(PANEL);
            let bias = epilogue.bias.map(|bias| &bias[col..col + cols]);
            kernel.run(Strip {
                a: &a.data[block * a.row_stride..],
                a_stride: a.row_stride,
                k: a.k,
                panel: b.panel(p),
                rows: block_end - block,
                cols,
                out: &mut out[block * out_stride + col..],
                out_stride,
                bias,
                accumulate: epilogue.accumulate,
                relu: epilogue.relu,
            });
        }
    }
}

/// `rows` rows of `A` against one panel, `cols` (≤ 16) of whose columns are stored: one
/// call into the kernel, which covers it in tiles of up to 6 rows.
struct Strip<'a> {
    a: &'a [f32],
    a_stride: usize,
    k: usize,
    panel: &'a [f32],
    rows: usize,
    cols: usize,
    out: &'a mut [f32],
    out_stride: usize,
    bias: Option<&'a [f32]>,
    accumulate: bool,
    relu: bool,
}

impl Strip<'_> {
    /// Applies the epilogue to the sums of row `i` and stores its `cols` values.
    fn store_row(&mut self, i: usize, sums: &[f32; PANEL]) {
        let cols = self.cols;
        let out = &mut self.out[i * self.out_stride..][..cols];
        for (j, (o, &s)) in out.iter_mut().zip(sums).enumerate() {
            let mut v = s + self.bias.map_or(0.0, |b| b[j]);
            if self.accumulate {
                v += *o;
            }
            *o = if self.relu { v.max(0.0) } else { v };
        }
    }
}

#[derive(Clone, Copy)]
enum Kernel {
    Portable,
    #[cfg(target_arch = "x86_64")]
    Fma,
}

impl Kernel {
    fn detect() -> Self {
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx2") && std::arch::is_x86_feature_detected!("fma") {
            return Kernel::Fma;
        }
        Kernel::Portable
    }

    /// `Σ a[i]·w[i]`, summed in an order that depends only on the length.
    fn dot(self, a: &[f32], w: &[f32]) -> f32 {
        debug_assert_eq!(a.len(), w.len());
        match self {
            Kernel::Portable => {
                let mut lanes = [0.0f32; 8];
                for (a, w) in a.chunks(8).zip(w.chunks(8)) {
                    for ((s, a), w) in lanes.iter_mut().zip(a).zip(w) {
                        *s += a * w;
                    }
                }
                lanes.iter().sum()
            }
            // SAFETY: `detect` saw AVX2 and FMA on this CPU; lengths are equal.
            #[cfg(target_arch = "x86_64")]
            Kernel::Fma => unsafe { fma::dot(a, w) },
        }
    }

    fn run(self, mut strip: Strip<'_>) {
        debug_assert!(strip.rows >= 1 && strip.cols >= 1 && strip.cols <= PANEL);
        assert!(strip.a.len() >= (strip.rows - 1) * strip.a_stride + strip.k);
        assert!(strip.panel.len() == strip.k * PANEL);
        assert!(strip.out.len() >= (strip.rows - 1) * strip.out_stride + strip.cols);
        match self {
            Kernel::Portable => {
                let rows = strip.rows;
                for row in (0..rows).step_by(MICRO_ROWS) {
                    portable(&mut strip, row, (rows - row).min(MICRO_ROWS));
                }
            }
            // SAFETY: `detect` saw AVX2 and FMA on this CPU; the slices' extents were
            // checked above and the kernel reads and writes only within them.
            #[cfg(target_arch = "x86_64")]
            Kernel::Fma => unsafe { fma::strip(strip) },
        }
    }
}

/// Rows `first..first + rows` (at most 6) of the strip in plain Rust (the compiler
/// vectorizes the 16-wide rows).
fn portable(strip: &mut Strip<'_>, first: usize, rows: usize) {
    let mut sums = [[0.0f32; PANEL]; MICRO_ROWS];
    for (kk, w) in strip.panel.chunks_exact(PANEL).enumerate() {
        for (i, row) in sums.iter_mut().enumerate().take(rows) {
            let a = strip.a[(first + i) * strip.a_stride + kk];
            for (s, &w) in row.iter_mut().zip(w) {
                *s += a * w;
            }
        }
    }
    for (i, row) in sums.iter().enumerate().take(rows) {
        strip.store_row(first + i, row);
    }
}

#[cfg(target_arch = "x86_64")]
mod fma {
    use super::{Strip, MICRO_ROWS, PANEL};
    use std::arch::x86_64::*;

    /// [`super::Kernel::dot`] with fused multiply-adds.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA; `a` and `w` must have the same length.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn dot(a: &[f32], w: &[f32]) -> f32 {
        let whole = a.len() / 8 * 8;
        let mut lanes = [0.0f32; 8];
        // SAFETY: every load reads 8 values below `whole` ≤ the slices' length.
        unsafe {
            let load = |s: &[f32], i: usize| _mm256_loadu_ps(s.as_ptr().add(i));
            // Four independent chains over blocks of 32 values, so the adds overlap; the
            // remaining whole vectors go to the first.
            let (mut c0, mut c1, mut c2, mut c3) = (_mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps(), _mm256_setzero_ps());
            let blocks = a.len() / 32 * 32;
            for i in (0..blocks).step_by(32) {
                c0 = _mm256_fmadd_ps(load(a, i), load(w, i), c0);
                c1 = _mm256_fmadd_ps(load(a, i + 8), load(w, i + 8), c1);
                c2 = _mm256_fmadd_ps(load(a, i + 16), load(w, i + 16), c2);
                c3 = _mm256_fmadd_ps(load(a, i + 24), load(w, i + 24), c3);
            }
            for i in (blocks..whole).step_by(8) {
                c0 = _mm256_fmadd_ps(load(a, i), load(w, i), c0);
            }
            let sum = _mm256_add_ps(_mm256_add_ps(c0, c1), _mm256_add_ps(c2, c3));
            _mm256_storeu_ps(lanes.as_mut_ptr(), sum);
        }
        for (s, (a, w)) in lanes.iter_mut().zip(a[whole..].iter().zip(&w[whole..])) {
            *s = a.mul_add(*w, *s);
        }
        lanes.iter().sum()
    }

    /// The strip in tiles of 6 rows, then one of the rows left.
    ///
    /// # Safety
    /// The CPU must have AVX2 and FMA, and the slices must be as large as
    /// [`super::Kernel::run`] checks.
    #[target_feature(enable = "avx2,fma")]
    pub(super) unsafe fn strip(mut strip: Strip<'_>) {
        let whole = strip.rows / MICRO_ROWS * MICRO_ROWS;
        // SAFETY: forwarded from the caller; every tile lies within the strip.
        unsafe {
            for row in (0..whole).step_by(MICRO_ROWS) {
                tile::<MICRO_ROWS>(&mut strip, row);
            }
            match strip.rows - whole {
                5 => tile::<5>(&mut strip, whole),
                4 => tile::<4>(&mut strip, whole),
                3 => tile::<3>(&mut strip, whole),
                2 => tile::<2>(&mut strip, whole),
                1 => tile::<1>(&mut strip, whole),
                _ => {}
            }
        }
    }

    /// Rows `first..first + M` × 16 columns in 2·M accumulator registers: per step of `k`,
    /// two loads of the panel row and `M` broadcasts of `A`, each feeding two fused
    /// multiply-adds.
    ///
    /// # Safety
    /// As [`strip`], and `first + M <= strip.rows`.
    #[inline]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn tile<const M: usize>(strip: &mut Strip<'_>, first: usize) {
        // SAFETY: see the function's contract.
        unsafe {
            let mut lo = [_mm256_setzero_ps(); M];
            let mut hi = [_mm256_setzero_ps(); M];
            let a = strip.a.as_ptr().add(first * strip.a_stride);
            let mut w = strip.panel.as_ptr();
            let rows: [*const f32; M] = std::array::from_fn(|i| a.add(i * strip.a_stride));
            let step = |kk: usize, w: *const f32, lo: &mut [__m256; M], hi: &mut [__m256; M]| {
                let w_lo = _mm256_loadu_ps(w);
                let w_hi = _mm256_loadu_ps(w.add(8));
                for i in 0..M {
                    let x = _mm256_broadcast_ss(&*rows[i].add(kk));
                    lo[i] = _mm256_fmadd_ps(x, w_lo, lo[i]);
                    hi[i] = _mm256_fmadd_ps(x, w_hi, hi[i]);
                }
            };
            // Two steps of `k` per iteration: less loop overhead between the FMAs.
            let pairs = strip.k / 2 * 2;
            for kk in (0..pairs).step_by(2) {
                step(kk, w, &mut lo, &mut hi);
                step(kk + 1, w.add(PANEL), &mut lo, &mut hi);
                w = w.add(2 * PANEL);
            }
            if pairs < strip.k {
                step(pairs, w, &mut lo, &mut hi);
            }
            if strip.cols < PANEL {
                for i in 0..M {
                    let mut sums = [0.0f32; PANEL];
                    _mm256_storeu_ps(sums.as_mut_ptr(), lo[i]);
                    _mm256_storeu_ps(sums.as_mut_ptr().add(8), hi[i]);
                    strip.store_row(first + i, &sums);
                }
                return;
            }
            let zero = _mm256_setzero_ps();
            let bias = strip.bias.map(|b| (_mm256_loadu_ps(b.as_ptr()), _mm256_loadu_ps(b.as_ptr().add(8))));
            let out = strip.out.as_mut_ptr().add(first * strip.out_stride);
            for i in 0..M {
                let out = out.add(i * strip.out_stride);
                let (mut v_lo, mut v_hi) = (lo[i], hi[i]);
                if let Some((b_lo, b_hi)) = bias {
                    v_lo = _mm256_add_ps(v_lo, b_lo);
                    v_hi = _mm256_add_ps(v_hi, b_hi);
                }
                if strip.accumulate {
                    v_lo = _mm256_add_ps(v_lo, _mm256_loadu_ps(out));
                    v_hi = _mm256_add_ps(v_hi, _mm256_loadu_ps(out.add(8)));
                }
                if strip.relu {
                    v_lo = _mm256_max_ps(v_lo, zero);
                    v_hi = _mm256_max_ps(v_hi, zero);
                }
                _mm256_storeu_ps(out, v_lo);
                _mm256_storeu_ps(out.add(8), v_hi);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::nn::test_data::pseudo_random;

    fn naive(a: RowsView<'_>, b: &[f32], n: usize) -> Vec<f64> {
        let mut out = vec![0.0f64; a.rows * n];
        for r in 0..a.rows {
            for j in 0..n {
                out[r * n + j] = (0..a.k).map(|kk| a.data[r * a.row_stride + kk] as f64 * b[kk * n + j] as f64).sum();
            }
        }
        out
    }

    #[test]
    fn matches_naive_product_for_ragged_shapes() {
        // Rows and columns that are not multiples of the tile, overlapping rows.
        for &(rows, k, n, stride) in &[(37, 12, 5, 4), (61, 40, 33, 40), (6, 3, 16, 3), (1, 7, 1, 7), (100, 96, 32, 32)] {
            let data = pseudo_random((rows - 1) * stride + k, 1);
            let b = pseudo_random(k * n, 2);
            let bias = pseudo_random(n, 3);
            let view = RowsView { data: &data, rows, k, row_stride: stride };
            let packed = PackedMatrix::new(&b, k, n);
            let want = naive(view, &b, n);
            let mut out = vec![0.0; rows * n];
            matmul_packed(view, &packed, &mut out, n, Epilogue { bias: Some(&bias), ..Epilogue::default() });
            for (i, (x, y)) in out.iter().zip(&want).enumerate() {
                assert!((*x as f64 - (y + bias[i % n] as f64)).abs() < 1e-4, "{rows}×{k}×{n}: value {i}");
            }
            // accumulate adds on top; relu clamps the total
            let before = out.clone();
            matmul_packed(view, &packed, &mut out, n, Epilogue { bias: None, accumulate: true, relu: true });
            for (i, (x, y)) in out.iter().zip(&before).enumerate() {
                let total = (*y as f64 + want[i]).max(0.0);
                assert!((*x as f64 - total).abs() < 1e-4, "{rows}×{k}×{n}: accumulated value {i}");
            }
        }
    }

    #[test]
    fn portable_kernel_matches_the_detected_one() {
        let (rows, k, n, stride) = (53, 45, 37, 9);
        let data = pseudo_random((rows - 1) * stride + k, 7);
        let b = pseudo_random(k * n, 8);
        let bias = pseudo_random(n, 9);
        let view = RowsView { data: &data, rows, k, row_stride: stride };
        for n in [n, 1] {
            let packed = PackedMatrix::new(&b[..k * n], k, n);
            let epilogue = Epilogue { bias: Some(&bias[..n]), accumulate: true, relu: true };
            let mut portable = vec![0.5; rows * n];
            matmul_with(Kernel::Portable, view, &packed, &mut portable, n, epilogue);
            let mut detected = vec![0.5; rows * n];
            matmul_with(Kernel::detect(), view, &packed, &mut detected, n, epilogue);
            for (x, y) in portable.iter().zip(&detected) {
                assert!((x - y).abs() < 1e-5, "{x} vs {y}");
            }
        }
    }

    #[test]
    fn strided_output_leaves_the_rows_between_alone() {
        let (rows, k, n) = (40, 6, 3);
        let data = pseudo_random(rows * k, 5);
        let b = pseudo_random(k * n, 6);
        let packed = PackedMatrix::new(&b, k, n);
        let view = RowsView { data: &data, rows, k, row_stride: k };
        let mut dense = vec![0.0; rows * n];
        matmul_packed(view, &packed, &mut dense, n, Epilogue::default());
        let stride = 2 * n;
        let mut out = vec![7.0; (rows - 1) * stride + n];
        matmul_packed(view, &packed, &mut out, stride, Epilogue::default());
        for r in 0..rows {
            assert_eq!(&out[r * stride..r * stride + n], &dense[r * n..(r + 1) * n]);
            if r + 1 < rows {
                assert!(out[r * stride + n..(r + 1) * stride].iter().all(|&v| v == 7.0));
            }
        }
    }

    #[test]
    fn result_is_identical_for_any_thread_count_and_row_offset() {
        let (rows, k, n) = (1000, 300, 48);
        let data = pseudo_random(rows * k, 3);
        let b = pseudo_random(k * n, 4);
        let packed = PackedMatrix::new(&b, k, n);
        let view = RowsView { data: &data, rows, k, row_stride: k };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            let mut out = vec![0.0; rows * n];
            pool.install(|| matmul_packed(view, &packed, &mut out, n, Epilogue::default()));
            out
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
        // A row computed as part of a different block gives the same bits.
        let tail = RowsView { data: &data[13 * k..], rows: rows - 13, k, row_stride: k };
        let mut out = vec![0.0; (rows - 13) * n];
        matmul_packed(tail, &packed, &mut out, n, Epilogue::default());
        assert_eq!(&out[..], &one[13 * n..]);
    }
}
