//! One FastSpeech2 encoder/decoder layer ("FFT block"), as laid out in the graph:
//!
//! ```text
//! a  = softmax(Q·Kᵀ/√d + (1 - key_mask)·(-1e9)) · V      (multi-head)
//! h1 = LayerNorm(Dense(a) + x) · mask
//! f  = Conv(mish(Conv(h1))) · mask                         (kernel-3 "SAME" convs)
//! y  = LayerNorm(f + h1) · mask
//! ```

use super::error::ModelError;
use super::gemm::{matmul, RowsView};
use super::graph::Graph;
use super::layers::{single_value, Conv1d, Dense, LayerNorm};
use super::tensor::{mish, Seq};
use super::tflite::opcode;
use rayon::prelude::*;

pub struct TransformerLayer {
    query: Dense,
    key: Dense,
    value: Dense,
    attention_output: Dense,
    attention_norm: LayerNorm,
    heads: usize,
    head_size: usize,
    /// Added to the scores of masked keys (times 1 - mask).
    mask_penalty: f32,
    conv1: Conv1d,
    conv2: Conv1d,
    output_norm: LayerNorm,
}

impl TransformerLayer {
    /// Loads the layer whose ops live under `scope` (e.g. `encoder/layer_._0`).
    pub fn load(graph: &Graph, scope: &str) -> Result<Self, ModelError> {
        let query = Dense::load(graph, &format!("{scope}/attention/self/query/"))?;
        let key = Dense::load(graph, &format!("{scope}/attention/self/key/"))?;
        let value = Dense::load(graph, &format!("{scope}/attention/self/value/"))?;
        let attention_output = Dense::load(graph, &format!("{scope}/attention/output/dense/"))?;
        // The head split is a reshape to [B, T, heads, head_size]; its shape
        // is packed from (batch, -1, heads, head_size) constants.
        let pack = graph.op_with_prefix(opcode::PACK, &format!("{scope}/attention/self/Reshape/shape"))?;
        let heads = pack_constant(graph, pack, 2)?;
        let head_size = pack_constant(graph, pack, 3)?;
        if heads * head_size != query.outputs() || key.outputs() != query.outputs() || value.outputs() != query.outputs() {
            return Err(ModelError::Shape {
                name: scope.to_string(),
                detail: format!("{heads} heads of {head_size} for projections of {}", query.outputs()),
            });
        }
        let mask_penalty = mask_penalty(graph, scope)?;
        let activation = format!("{scope}/intermediate/activation");
        let is_mish = [opcode::EXP, opcode::LOG, opcode::TANH]
            .iter()
            .all(|&code| graph.has_op(code, &activation));
        if !is_mish {
            return Err(ModelError::Unsupported(format!("{scope}: feed-forward activation is not mish")));
        }
        Ok(TransformerLayer {
            query,
            key,
            value,
            attention_output,
            attention_norm: LayerNorm::load(graph, &format!("{scope}/attention/output/LayerNorm"))?,
            heads,
            head_size,
            mask_penalty,
            conv1: Conv1d::load(graph, &format!("{scope}/intermediate/conv1d_1/"))?,
            conv2: Conv1d::load(graph, &format!("{scope}/intermediate/conv1d_2/"))?,
            output_norm: LayerNorm::load(graph, &format!("{scope}/output/LayerNorm"))?,
        })
    }

    /// `mask[t]` is 1.0 for real steps and 0.0 for padding.
    pub fn forward(&self, x: &Seq, mask: &[f32]) -> Seq {
        let context = self.attention(x, mask);
        let mut h1 = self.attention_output.forward(&context);
        h1.add_assign(x);
        self.attention_norm.forward_inplace(&mut h1);
        apply_mask(&mut h1, mask);

        let mut f = self.conv1.forward(&h1);
        f.map_inplace(mish);
        let mut y = self.conv2.forward(&f);
        apply_mask(&mut y, mask);
        y.add_assign(&h1);
        self.output_norm.forward_inplace(&mut y);
        apply_mask(&mut y, mask);
        y
    }

    fn attention(&self, x: &Seq, mask: &[f32]) -> Seq {
        let steps = x.steps;
        let q = self.query.forward(x);
        let k = self.key.forward(x);
        let v = self.value.forward(x);
        let width = q.channels;
        let d = self.head_size;
        let scale = 1.0 / (d as f32).sqrt();
        let key_penalty: Vec<f32> = mask.iter().map(|m| (1.0 - m) * self.mask_penalty).collect();
        let mut context = Seq::zeros(steps, width);
        let mut scores = vec![0.0f32; steps * steps];
        let mut head_out = vec![0.0f32; steps * d];
        for h in 0..self.heads {
            // Kᵀ and V of this head as row-major matrices.
            let mut k_t = vec![0.0f32; d * steps];
            let mut v_h = vec![0.0f32; steps * d];
            for t in 0..steps {
                for i in 0..d {
                    k_t[i * steps + t] = k.data[t * width + h * d + i];
                    v_h[t * d + i] = v.data[t * width + h * d + i];
                }
            }
            let q_view = RowsView {
                data: &q.data[h * d..],
                rows: steps,
                k: d,
                row_stride: width,
            };
            matmul(q_view, &k_t, steps, &mut scores, false);
            scores.par_chunks_mut(steps.max(1)).for_each(|row| {
                for (s, p) in row.iter_mut().zip(&key_penalty) {
                    *s = *s * scale + p;
                }
                softmax_inplace(row);
            });
            let p_view = RowsView {
                data: &scores,
                rows: steps,
                k: steps,
                row_stride: steps,
            };
            matmul(p_view, &v_h, d, &mut head_out, false);
            for t in 0..steps {
                context.data[t * width + h * d..t * width + (h + 1) * d].copy_from_slice(&head_out[t * d..(t + 1) * d]);
            }
        }
        context
    }
}

/// The constant in `(1 - mask) * penalty`, the term added to the attention
/// scores (`<scope>/attention/self/add`). Layers share that term, so it is
/// found through the add's input rather than by name.
fn mask_penalty(graph: &Graph, scope: &str) -> Result<f32, ModelError> {
    let name = format!("{scope}/attention/self/add");
    let add = graph
        .ops_where(opcode::ADD, |n| n == name)
        .next()
        .ok_or_else(|| ModelError::MissingTensor(name.clone()))?;
    let mask_term = graph.input(add, 1)?;
    let mul = graph
        .producer(mask_term)
        .filter(|op| op.opcode == opcode::MUL)
        .ok_or_else(|| ModelError::MissingTensor(format!("mask multiply feeding {name}")))?;
    single_value(graph.f32_const(graph.const_input(mul)?)?, &name)
}

/// Integer constant at input `slot` of a PACK op.
fn pack_constant(graph: &Graph, pack: &super::tflite::OperatorInfo, slot: usize) -> Result<usize, ModelError> {
    let values = graph.i32_const(graph.input(pack, slot)?)?;
    match values[..] {
        [v] if v > 0 => Ok(v as usize),
        _ => Err(ModelError::Unsupported(format!("head reshape constant {values:?}"))),
    }
}

/// Multiplies every step by its mask value.
pub fn apply_mask(x: &mut Seq, mask: &[f32]) {
    for (row, m) in x.rows_mut().zip(mask) {
        for v in row {
            *v *= m;
        }
    }
}

/// Numerically stable softmax: `exp(x - max) / sum`.
pub fn softmax_inplace(row: &mut [f32]) {
    let max = row.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0f32;
    for v in row.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    let inv = 1.0 / sum;
    for v in row.iter_mut() {
        *v *= inv;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn softmax_sums_to_one_and_ignores_huge_penalties() {
        let mut row = vec![1.0, 2.0, 3.0 - 1e9];
        softmax_inplace(&mut row);
        let e = [1.0f32.exp(), 2.0f32.exp()];
        assert!((row[0] - e[0] / (e[0] + e[1])).abs() < 1e-6);
        assert!((row[1] - e[1] / (e[0] + e[1])).abs() < 1e-6);
        assert_eq!(row[2], 0.0);
    }
}
