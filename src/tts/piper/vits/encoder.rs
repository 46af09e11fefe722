//! The text encoder: phoneme embedding, transformer layers with windowed relative-position
//! self-attention and convolutional feed-forward blocks, and the projection to the prior's
//! mean and log-scale per phoneme.
//!
//! ```text
//! x = emb(ids) · √hidden
//! per layer:  x = LN(x + Attn(x));  x = LN(x + Conv(ReLU(Conv(x))))
//! m, logs = split(Conv1x1(x))
//! ```

use super::error::{shape_error, VitsError};
use super::norm::LayerNorm;
use super::onnx::{Padding, Weights};
use crate::tts::nn::conv::{transpose, Conv1d, FusedActivation};
use crate::tts::nn::gemm::RowsView;
use crate::tts::nn::packed::{matmul_packed, Epilogue, PackedMatrix};
use crate::tts::nn::tensor::Seq;

/// What the encoder hands on: its hidden states (the duration predictor's input) and the
/// prior's statistics, one step per phoneme id.
pub struct Encoded {
    pub hidden: Seq,
    pub mean: Seq,
    pub log_scale: Seq,
}

pub struct TextEncoder {
    /// `[symbol][hidden]`.
    embedding: Vec<f32>,
    symbols: usize,
    hidden: usize,
    layers: Vec<EncoderLayer>,
    projection: Conv1d,
}

struct EncoderLayer {
    attention: RelativeAttention,
    attention_norm: LayerNorm,
    expand: Conv1d,
    contract: Conv1d,
    ffn_norm: LayerNorm,
}

/// Multi-head self-attention with learned relative-position embeddings for keys and values
/// over a window of ±`window` steps (shared by the heads).
struct RelativeAttention {
    query: Conv1d,
    key: Conv1d,
    value: Conv1d,
    output: Conv1d,
    /// `head_size × (2·window+1)`: column `r` is the key embedding of relative position
    /// `r - window`.
    relative_keys: PackedMatrix,
    /// `(2·window+1) × head_size`: row `r` is the value embedding of position `r - window`.
    relative_values: PackedMatrix,
    heads: usize,
    head_size: usize,
    window: usize,
}

impl TextEncoder {
    pub fn load(weights: &Weights) -> Result<Self, VitsError> {
        let emb = weights.input_of("/enc_p/emb/Gather", 0)?;
        let [symbols, hidden] = emb.dims[..] else {
            return Err(shape_error("embedding", format!("{:?}", emb.dims)));
        };
        let mut layers = Vec::new();
        while weights.node(&format!("/enc_p/encoder/attn_layers.{}/conv_q/Conv", layers.len())).is_ok() {
            layers.push(EncoderLayer::load(weights, layers.len())?);
        }
        if layers.is_empty() {
            return Err(VitsError::Missing("text encoder layers".into()));
        }
        let projection = weights.conv("/enc_p/proj/Conv", Padding::FromNode, FusedActivation::None)?;
        if projection.out_channels() % 2 != 0 {
            return Err(shape_error("enc_p.proj", "odd number of outputs"));
        }
        Ok(TextEncoder { embedding: emb.data, symbols, hidden, layers, projection })
    }

    pub fn encode(&self, ids: &[usize]) -> Result<Encoded, VitsError> {
        let scale = (self.hidden as f32).sqrt();
        let mut x = Seq::zeros(ids.len(), self.hidden);
        for (row, &id) in x.rows_mut().zip(ids) {
            if id >= self.symbols {
                return Err(VitsError::InvalidInput(format!("phoneme id {id} is outside the model's {} symbols", self.symbols)));
            }
            for (v, e) in row.iter_mut().zip(&self.embedding[id * self.hidden..(id + 1) * self.hidden]) {
                *v = e * scale;
            }
        }
        for layer in &self.layers {
            let mut y = layer.attention.forward(&x);
            y.add_assign(&x);
            layer.attention_norm.forward_inplace(&mut y);
            x = y;
            let mut y = layer.contract.forward(&layer.expand.forward(&x));
            y.add_assign(&x);
            layer.ffn_norm.forward_inplace(&mut y);
            x = y;
        }
        let stats = self.projection.forward(&x);
        let half = stats.channels / 2;
        let mut mean = Seq::zeros(x.steps, half);
        let mut log_scale = Seq::zeros(x.steps, half);
        for ((row, m), s) in stats.data.chunks_exact(stats.channels).zip(mean.rows_mut()).zip(log_scale.rows_mut()) {
            m.copy_from_slice(&row[..half]);
            s.copy_from_slice(&row[half..]);
        }
        Ok(Encoded { hidden: x, mean, log_scale })
    }
}

impl EncoderLayer {
    fn load(weights: &Weights, i: usize) -> Result<Self, VitsError> {
        let scope = format!("/enc_p/encoder/ffn_layers.{i}");
        Ok(EncoderLayer {
            attention: RelativeAttention::load(weights, i)?,
            attention_norm: LayerNorm::load(weights, &format!("enc_p.encoder.norm_layers_1.{i}"))?,
            expand: weights.conv(&format!("{scope}/conv_1/Conv"), Padding::Same, FusedActivation::Relu)?,
            contract: weights.conv(&format!("{scope}/conv_2/Conv"), Padding::Same, FusedActivation::None)?,
            ffn_norm: LayerNorm::load(weights, &format!("enc_p.encoder.norm_layers_2.{i}"))?,
        })
    }
}

impl RelativeAttention {
    fn load(weights: &Weights, i: usize) -> Result<Self, VitsError> {
        let scope = format!("/enc_p/encoder/attn_layers.{i}");
        let conv = |name: &str| weights.conv(&format!("{scope}/{name}/Conv"), Padding::FromNode, FusedActivation::None);
        let query = conv("conv_q")?;
        let rel_k = weights.tensor(&format!("enc_p.encoder.attn_layers.{i}.emb_rel_k"))?;
        let rel_v = weights.tensor(&format!("enc_p.encoder.attn_layers.{i}.emb_rel_v"))?;
        let [1, positions, head_size] = rel_k.dims[..] else {
            return Err(shape_error("emb_rel_k", format!("{:?} (heads must share it)", rel_k.dims)));
        };
        if rel_v.dims != rel_k.dims || positions % 2 == 0 || head_size == 0 || query.out_channels() % head_size != 0 {
            return Err(shape_error("emb_rel_v", format!("{:?} against keys {:?}", rel_v.dims, rel_k.dims)));
        }
        Ok(RelativeAttention {
            heads: query.out_channels() / head_size,
            query,
            key: conv("conv_k")?,
            value: conv("conv_v")?,
            output: conv("conv_o")?,
            relative_keys: PackedMatrix::new(&transpose(&rel_k.data, positions, head_size), head_size, positions),
            relative_values: PackedMatrix::new(&rel_v.data, positions, head_size),
            head_size,
            window: positions / 2,
        })
    }

    /// Per head: scores `Q·Kᵀ/√d` plus the relative-key term, softmax, then `P·V` plus the
    /// relative-value term, each product a GEMM (keys and values packed per sentence, the
    /// relative tables once at load).
    fn forward(&self, x: &Seq) -> Seq {
        let (steps, d, w) = (x.steps, self.head_size, self.window);
        let mut q = self.query.forward(x);
        let k = self.key.forward(x);
        let v = self.value.forward(x);
        let channels = q.channels;
        let norm = (d as f32).sqrt();
        q.map_inplace(|v| v / norm);
        let positions = 2 * w + 1;
        let mut context = Seq::zeros(steps, channels);
        let mut scores = vec![0.0f32; steps * steps];
        let mut relative = vec![0.0f32; steps * positions];
        let mut head_rows = vec![0.0f32; steps * d];
        let mut exps = vec![0.0f64; steps];
        for h in 0..self.heads {
            let query = RowsView { data: &q.data[h * d..], rows: steps, k: d, row_stride: channels };
            // Kᵀ of this head, `d × steps`.
            for (j, key) in k.data.chunks_exact(channels).enumerate() {
                for (c, &value) in key[h * d..(h + 1) * d].iter().enumerate() {
                    head_rows[c * steps + j] = value;
                }
            }
            matmul_packed(query, &PackedMatrix::new(&head_rows, d, steps), &mut scores, steps, Epilogue::default());
            matmul_packed(query, &self.relative_keys, &mut relative, positions, Epilogue::default());
            for (i, (row, rel)) in scores.chunks_exact_mut(steps).zip(relative.chunks_exact_mut(positions)).enumerate() {
                // The relative terms in the window, then that row's softmax weights for them.
                for (r, rel) in rel.iter_mut().enumerate() {
                    if let Some(j) = (i + r).checked_sub(w).filter(|&j| j < steps) {
                        row[j] += *rel;
                    }
                }
                softmax64(row, &mut exps);
                for (r, rel) in rel.iter_mut().enumerate() {
                    *rel = (i + r).checked_sub(w).filter(|&j| j < steps).map_or(0.0, |j| row[j]);
                }
            }
            for (dst, value) in head_rows.chunks_exact_mut(d).zip(v.data.chunks_exact(channels)) {
                dst.copy_from_slice(&value[h * d..(h + 1) * d]);
            }
            let out = &mut context.data[h * d..(steps - 1) * channels + (h + 1) * d];
            let weights = RowsView { data: &scores, rows: steps, k: steps, row_stride: steps };
            matmul_packed(weights, &PackedMatrix::new(&head_rows, steps, d), out, channels, Epilogue::default());
            let window = RowsView { data: &relative, rows: steps, k: positions, row_stride: positions };
            matmul_packed(window, &self.relative_values, out, channels, Epilogue { accumulate: true, ..Epilogue::default() });
        }
        self.output.forward(&context)
    }
}

/// Softmax of `x` in place, summed in f64 (`exps` holds `x.len()` values of scratch).
fn softmax64(x: &mut [f32], exps: &mut [f64]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max) as f64;
    let mut sum = 0.0;
    for (e, &v) in exps.iter_mut().zip(x.iter()) {
        *e = (v as f64 - max).exp();
        sum += *e;
    }
    for (v, e) in x.iter_mut().zip(exps.iter()) {
        *v = (e / sum) as f32;
    }
}

pub(crate) fn softmax(x: &mut [f32]) {
    let max = x.iter().copied().fold(f32::NEG_INFINITY, f32::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
    }
}
