//! Matrix product `C (+)= A · B` on top of `matrixmultiply::sgemm`, split over
//! rows of `A`/`C` on the rayon pool.
//!
//! Determinism: each output element is computed by the same single-threaded
//! kernel with the same order of additions whichever chunk its row lands in
//! (the k-blocking does not depend on the row range, and only alpha = 1 and
//! beta in {0, 1} are used), so results are bit-identical for any thread count.
//! A unit test checks this.

use rayon::prelude::*;

/// Below this many multiply-adds a product is not worth splitting.
const PARALLEL_MIN_WORK: usize = 1 << 18;
/// Minimum rows handed to one task.
const MIN_ROWS_PER_TASK: usize = 16;

/// Left operand: `rows` rows of `k` values, row `r` starting at `data[r * row_stride]`.
/// Overlapping rows (`row_stride < k`) are allowed; that is how a convolution
/// reads its im2col matrix straight out of the padded input.
#[derive(Clone, Copy)]
pub struct RowsView<'a> {
    pub data: &'a [f32],
    pub rows: usize,
    pub k: usize,
    pub row_stride: usize,
}

/// `out[rows × n] = a · b` (or `+=` when `accumulate`), with `b` a row-major
/// `k × n` matrix.
pub fn matmul(a: RowsView<'_>, b: &[f32], n: usize, out: &mut [f32], accumulate: bool) {
    debug_assert_eq!(b.len(), a.k * n);
    if a.rows == 0 || n == 0 {
        return;
    }
    debug_assert_eq!(out.len(), a.rows * n);
    if a.k == 0 {
        if !accumulate {
            out.fill(0.0);
        }
        return;
    }
    debug_assert!(a.data.len() >= (a.rows - 1) * a.row_stride + a.k);
    split_rows(a, n, out, n, MIN_ROWS_PER_TASK, |view, out| matmul_serial(view, b, n, out, accumulate));
}

/// Runs `serial` on consecutive row ranges of `a` with the matching rows of `out` (row `r`
/// at `out[r * out_stride..][..n]`, `out` ending right after the last row), one range per
/// thread when the product is large enough to be worth splitting. Both GEMMs split this
/// way; as long as `serial` computes each row on its own, the split changes no result.
pub(super) fn split_rows(
    a: RowsView<'_>,
    n: usize,
    out: &mut [f32],
    out_stride: usize,
    min_rows_per_task: usize,
    serial: impl Fn(RowsView<'_>, &mut [f32]) + Sync,
) {
    let threads = rayon::current_num_threads();
    if threads <= 1 || a.rows * a.k * n < PARALLEL_MIN_WORK || a.rows < 2 * min_rows_per_task {
        serial(a, out);
        return;
    }
    // One task per thread: each has its own setup cost, so fewer is cheaper.
    let tasks = threads.min(a.rows / min_rows_per_task).max(1);
    let rows_per_task = a.rows.div_ceil(tasks);
    out.par_chunks_mut(rows_per_task * out_stride).enumerate().for_each(|(i, chunk)| {
        let first = i * rows_per_task;
        // Full chunks hold `rows_per_task` rows; the last ends right after its last row.
        let rows = (chunk.len() + out_stride - n) / out_stride;
        let view = RowsView { data: &a.data[first * a.row_stride..], rows, k: a.k, row_stride: a.row_stride };
        let used = (rows - 1) * out_stride + n;
        serial(view, &mut chunk[..used]);
    });
}

fn matmul_serial(a: RowsView<'_>, b: &[f32], n: usize, out: &mut [f32], accumulate: bool) {
    let beta = if accumulate { 1.0 } else { 0.0 };
    // SAFETY: the pointers cover the extents sgemm reads and writes: A reads
    // (rows-1)*row_stride + k values within `a.data` (checked by the debug assertion in
    // `matmul` and by callers sizing views from their buffers), B is k*n, C is rows*n,
    // and C does not alias A or B (it is `&mut`).
    unsafe {
        matrixmultiply::sgemm(
            a.rows,
            a.k,
            n,
            1.0,
            a.data.as_ptr(),
            a.row_stride as isize,
            1,
            b.as_ptr(),
            n as isize,
            1,
            beta,
            out.as_mut_ptr(),
            n as isize,
            1,
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::tts::nn::test_data::pseudo_random;

    fn naive(a: RowsView<'_>, b: &[f32], n: usize) -> Vec<f32> {
        let mut out = vec![0.0f32; a.rows * n];
        for r in 0..a.rows {
            for j in 0..n {
                let mut acc = 0.0f64;
                for kk in 0..a.k {
                    acc += a.data[r * a.row_stride + kk] as f64 * b[kk * n + j] as f64;
                }
                out[r * n + j] = acc as f32;
            }
        }
        out
    }

    #[test]
    fn overlapping_rows_match_naive_product() {
        let (rows, k, n, stride) = (37, 12, 5, 4);
        let data = pseudo_random((rows - 1) * stride + k, 1);
        let b = pseudo_random(k * n, 2);
        let view = RowsView { data: &data, rows, k, row_stride: stride };
        let mut out = vec![0.0; rows * n];
        matmul(view, &b, n, &mut out, false);
        for (x, y) in out.iter().zip(naive(view, &b, n)) {
            assert!((x - y).abs() < 1e-5);
        }
        // accumulate adds on top
        let mut twice = out.clone();
        matmul(view, &b, n, &mut twice, true);
        for (x, y) in twice.iter().zip(&out) {
            assert!((x - 2.0 * y).abs() < 1e-5);
        }
    }

    #[test]
    fn result_is_identical_for_any_thread_count() {
        let (rows, k, n) = (1000, 300, 48);
        let data = pseudo_random(rows * k, 3);
        let b = pseudo_random(k * n, 4);
        let view = RowsView { data: &data, rows, k, row_stride: k };
        let run = |threads: usize| {
            let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().expect("pool");
            let mut out = vec![0.0; rows * n];
            pool.install(|| matmul(view, &b, n, &mut out, false));
            out
        };
        let one = run(1);
        assert_eq!(one, run(2));
        assert_eq!(one, run(3));
    }
}
