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
use crate::tts::nn::conv::{Conv1d, FusedActivation};
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
    /// `[2·window+1][head_size]`, relative position -window..=window.
    relative_keys: Vec<f32>,
    relative_values: Vec<f32>,
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
            relative_keys: rel_k.data,
            relative_values: rel_v.data,
            head_size,
            window: positions / 2,
        })
    }

    /// Attention with f64 sums (scores, softmax, weighted values): cheap at phoneme rate,
    /// and it keeps the encoder's rounding well below what the flow would magnify.
    fn forward(&self, x: &Seq) -> Seq {
        let (steps, d, w) = (x.steps, self.head_size, self.window);
        let q = self.query.forward(x);
        let k = self.key.forward(x);
        let v = self.value.forward(x);
        let norm = (d as f32).sqrt();
        let mut context = Seq::zeros(steps, q.channels);
        let mut scores = vec![0.0f64; steps];
        let mut sums = vec![0.0f64; d];
        let mut query = vec![0.0f32; d];
        for h in 0..self.heads {
            let head = h * d..(h + 1) * d;
            for i in 0..steps {
                for (s, v) in query.iter_mut().zip(&q.row(i)[head.clone()]) {
                    *s = v / norm;
                }
                for (j, s) in scores.iter_mut().enumerate() {
                    *s = dot(&query, &k.row(j)[head.clone()]);
                    if let Some(r) = relative_index(i, j, w) {
                        *s += dot(&query, &self.relative_keys[r * d..(r + 1) * d]);
                    }
                }
                softmax64(&mut scores);
                sums.fill(0.0);
                for (j, &p) in scores.iter().enumerate() {
                    for (o, vj) in sums.iter_mut().zip(&v.row(j)[head.clone()]) {
                        *o += p * *vj as f64;
                    }
                }
                for j in i.saturating_sub(w)..(i + w + 1).min(steps) {
                    let r = relative_index(i, j, w).expect("inside the window");
                    let p = scores[j];
                    for (o, e) in sums.iter_mut().zip(&self.relative_values[r * d..(r + 1) * d]) {
                        *o += p * *e as f64;
                    }
                }
                let out = &mut context.data[i * q.channels..(i + 1) * q.channels][head.clone()];
                for (o, s) in out.iter_mut().zip(&sums) {
                    *o = *s as f32;
                }
            }
        }
        self.output.forward(&context)
    }
}

/// Row of the relative-position tables for query `i` and key `j`, if within the window.
fn relative_index(i: usize, j: usize, window: usize) -> Option<usize> {
    let r = j as isize - i as isize + window as isize;
    (0..=2 * window as isize).contains(&r).then_some(r as usize)
}

/// f64 dot product of f32 vectors, kept in four partial sums so that it vectorizes (a
/// single running sum has to be added in order); f64 rounding stays far below f32's.
fn dot(a: &[f32], b: &[f32]) -> f64 {
    const LANES: usize = 4;
    let mut partial = [0.0f64; LANES];
    let (a_tail, b_tail) = (a.chunks_exact(LANES).remainder(), b.chunks_exact(LANES).remainder());
    for (x, y) in a.chunks_exact(LANES).zip(b.chunks_exact(LANES)) {
        for ((p, &x), &y) in partial.iter_mut().zip(x).zip(y) {
            *p += x as f64 * y as f64;
        }
    }
    let tail: f64 = a_tail.iter().zip(b_tail).map(|(&x, &y)| x as f64 * y as f64).sum();
    (partial[0] + partial[1]) + (partial[2] + partial[3]) + tail
}

fn softmax64(x: &mut [f64]) {
    let max = x.iter().copied().fold(f64::NEG_INFINITY, f64::max);
    let mut sum = 0.0;
    for v in x.iter_mut() {
        *v = (*v - max).exp();
        sum += *v;
    }
    for v in x.iter_mut() {
        *v /= sum;
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
