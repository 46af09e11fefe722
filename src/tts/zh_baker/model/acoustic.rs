//! FastSpeech2 acoustic model: phoneme ids → mel spectrogram.
//!
//! Data flow, following `fastspeech2_quan.tflite` op by op:
//!
//! 1. `x = token_embedding[id] + position_embedding[1..=N]`, mask = `id != 0`
//! 2. encoder layers ([`TransformerLayer`])
//! 3. duration, f0, energy predictors on the (masked) encoder output;
//!    `durations = round_half_even(relu(exp(d) - 1) * speed)`,
//!    `f0 = f0_pred * f0_ratio`, `energy = energy_pred * energy_ratio`
//! 4. `h = encoder_out + conv9(f0) + conv9(energy)` (the graph's dropout on
//!    those embeddings is identity at inference)
//! 5. length regulator: repeat each token's row `duration` times → T frames
//! 6. `+ position_embedding[1..=T]`, decoder layers, dense → `mel_before`
//! 7. postnet: 5 × (conv5 → batch-norm affine → tanh except last);
//!    `mel_after = mel_before + postnet`
//!
//! The graph takes a speaker id but never reads it (single-speaker model).

use super::error::ModelError;
use super::graph::Graph;
use super::layers::{single_value, Conv1d, Dense};
use super::tensor::Seq;
use super::tflite::opcode;
use super::transformer::{apply_mask, TransformerLayer};
use super::variance::VariancePredictor;
use std::path::Path;

/// Prosody controls, the model's `speed_ratios`, `f0_ratios` and `energy_ratios` inputs.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Controls {
    /// Multiplies every predicted duration: 1.25 makes speech 25 % longer (slower).
    pub speed: f32,
    /// Multiplies the predicted (normalized) f0 before it is embedded.
    pub f0: f32,
    /// Added to the (normalized, scaled) f0 before it is embedded, in the training
    /// set's standard deviations: negative values lower the voice. Not a model input.
    pub f0_shift: f32,
    /// Multiplies the predicted (normalized) energy before it is embedded.
    pub energy: f32,
}

impl Default for Controls {
    fn default() -> Self {
        Controls {
            speed: 1.0,
            f0: 1.0,
            f0_shift: 0.0,
            energy: 1.0,
        }
    }
}

/// Everything the acoustic model returns for one utterance.
#[derive(Debug, Clone, PartialEq)]
pub struct AcousticOutput {
    /// `[frames, 80]` row-major, before the postnet.
    pub mel_before: Vec<f32>,
    /// `[frames, 80]` row-major, after the postnet: the vocoder input.
    pub mel_after: Vec<f32>,
    pub frames: usize,
    /// Frames per input id.
    pub durations: Vec<i32>,
    /// Predicted f0 per input id (normalized, after `Controls::f0`).
    pub f0: Vec<f32>,
    /// Predicted energy per input id (normalized, after `Controls::energy`).
    pub energy: Vec<f32>,
}

/// One postnet stage: conv, inference batch-norm as `x * scale + shift`, optional tanh.
struct PostnetStage {
    conv: Conv1d,
    scale: Vec<f32>,
    shift: Vec<f32>,
    tanh: bool,
}

/// The FastSpeech2 acoustic model with its weights dequantized to f32.
pub struct AcousticModel {
    token_embedding: Seq,
    position_embedding: Seq,
    encoder: Vec<TransformerLayer>,
    duration_predictor: VariancePredictor,
    f0_predictor: VariancePredictor,
    energy_predictor: VariancePredictor,
    f0_embedding: Conv1d,
    energy_embedding: Conv1d,
    /// Subtracted from `exp(log_duration)` before the ReLU (1.0: log(1 + d) targets).
    duration_offset: f32,
    decoder: Vec<TransformerLayer>,
    mel_projection: Dense,
    postnet: Vec<PostnetStage>,
}

impl AcousticModel {
    /// Loads `fastspeech2_quan.tflite`.
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let graph = Graph::load(path)?;
        Self::from_graph(&graph)
    }

    fn from_graph(graph: &Graph) -> Result<Self, ModelError> {
        let table = |name: &str| -> Result<Seq, ModelError> {
            let c = graph.f32_const(graph.tensor_named(name)?)?;
            match c.shape[..] {
                [rows, cols] => Ok(Seq::from_vec(rows, cols, c.data)),
                _ => Err(ModelError::Shape {
                    name: name.to_string(),
                    detail: format!("embedding table shape {:?}", c.shape),
                }),
            }
        };
        let token_embedding = table("embeddings/Gather/resource")?;
        let position_embedding = table("embeddings/position_embeddings/Gather/resource")?;
        if position_embedding.channels != token_embedding.channels {
            return Err(ModelError::Shape {
                name: "embeddings".into(),
                detail: "token and position embedding widths differ".into(),
            });
        }
        let layers = |stack: &str| -> Result<Vec<TransformerLayer>, ModelError> {
            (0..)
                .map(|i| format!("{stack}/layer_._{i}"))
                .take_while(|scope| graph.has_op(opcode::FULLY_CONNECTED, &format!("{scope}/attention/self/query/")))
                .map(|scope| TransformerLayer::load(graph, &scope))
                .collect()
        };
        let encoder = layers("encoder")?;
        let decoder = layers("decoder")?;
        if encoder.is_empty() || decoder.is_empty() {
            return Err(ModelError::MissingTensor("encoder/decoder layers".into()));
        }
        let duration_offset = single_value(graph.const_of_op_named(opcode::SUB, "Relu;sub")?, "Relu;sub")?;

        let mut postnet = Vec::new();
        for i in 0.. {
            let scope = format!("postnet/conv_._{i}/");
            if !graph.has_op(opcode::CONV_2D, &scope) {
                break;
            }
            let norm = format!("postnet/batch_norm_._{i}/batchnorm");
            postnet.push(PostnetStage {
                conv: Conv1d::load(graph, &scope)?,
                scale: graph.const_of_op_named(opcode::MUL, &format!("{norm}/mul_1"))?.data,
                shift: graph.const_of_op_named(opcode::ADD, &format!("{norm}/add_1"))?.data,
                tanh: false,
            });
        }
        // The graph has a tanh after every postnet stage but the last.
        let tanh_count = graph.ops_where(opcode::TANH, |name| name.starts_with("postnet/Tanh")).count();
        if postnet.is_empty() || tanh_count != postnet.len() - 1 {
            return Err(ModelError::Unsupported(format!(
                "postnet with {} convs and {tanh_count} tanh",
                postnet.len()
            )));
        }
        for stage in postnet.iter_mut().take(tanh_count) {
            stage.tanh = true;
        }

        Ok(AcousticModel {
            token_embedding,
            position_embedding,
            encoder,
            duration_predictor: VariancePredictor::load(graph, "duration_predictor")?,
            f0_predictor: VariancePredictor::load(graph, "f0_predictor")?,
            energy_predictor: VariancePredictor::load(graph, "energy_predictor")?,
            f0_embedding: Conv1d::load(graph, "f0_embeddings/")?,
            energy_embedding: Conv1d::load(graph, "energy_embeddings/")?,
            duration_offset,
            decoder,
            mel_projection: Dense::load(graph, "mel_before/")?,
            postnet,
        })
    }

    /// Number of input symbols the embedding table knows (ids are `0..vocabulary()`).
    pub fn vocabulary(&self) -> usize {
        self.token_embedding.steps
    }

    /// Longest input (in ids) and output (in frames) the position table allows.
    pub fn max_length(&self) -> usize {
        self.position_embedding.steps - 1
    }

    /// Runs the model on one utterance (`input_ids` from the baker symbol table, speaker 0).
    pub fn infer(&self, input_ids: &[i32], controls: &Controls) -> Result<AcousticOutput, ModelError> {
        self.check_input(input_ids, controls)?;
        let width = self.token_embedding.channels;
        let mask: Vec<f32> = input_ids.iter().map(|&id| if id != 0 { 1.0 } else { 0.0 }).collect();

        // Embeddings: positions count from 1.
        let mut x = Seq::zeros(input_ids.len(), width);
        for (t, (row, &id)) in x.rows_mut().zip(input_ids).enumerate() {
            let token = self.token_embedding.row(id as usize);
            let position = self.position_embedding.row(t + 1);
            for ((v, a), b) in row.iter_mut().zip(token).zip(position) {
                *v = a + b;
            }
        }
        for layer in &self.encoder {
            x = layer.forward(&x, &mask);
        }
        let encoded = x;
        let mut predictor_input = encoded.clone();
        apply_mask(&mut predictor_input, &mask);

        let durations: Vec<i32> = self
            .duration_predictor
            .forward(&predictor_input, &mask)
            .iter()
            .map(|&log_d| {
                let d = (log_d.exp() - self.duration_offset).max(0.0) * controls.speed;
                d.round_ties_even() as i32
            })
            .collect();
        let f0: Vec<f32> = self
            .f0_predictor
            .forward(&predictor_input, &mask)
            .iter()
            .map(|v| v * controls.f0 + controls.f0_shift)
            .collect();
        let energy: Vec<f32> = self
            .energy_predictor
            .forward(&predictor_input, &mask)
            .iter()
            .map(|v| v * controls.energy)
            .collect();

        let mut prosody = self.f0_embedding.forward(&Seq::from_vec(f0.len(), 1, f0.clone()));
        prosody.add_assign(&self.energy_embedding.forward(&Seq::from_vec(energy.len(), 1, energy.clone())));
        let mut hidden = encoded;
        hidden.add_assign(&prosody);

        let frames: usize = durations.iter().map(|&d| d.max(0) as usize).sum();
        if frames > self.max_length() {
            return Err(ModelError::InputTooLong {
                what: "predicted frame count",
                len: frames,
                max: self.max_length(),
            });
        }
        let mut y = length_regulate(&hidden, &durations);
        for (t, row) in y.rows_mut().enumerate() {
            for (v, p) in row.iter_mut().zip(self.position_embedding.row(t + 1)) {
                *v += p;
            }
        }
        let frame_mask = vec![1.0f32; frames];
        for layer in &self.decoder {
            y = layer.forward(&y, &frame_mask);
        }
        let mel_before = self.mel_projection.forward(&y);
        let mel_after = self.postnet(&mel_before);
        Ok(AcousticOutput {
            mel_before: mel_before.data,
            mel_after: mel_after.data,
            frames,
            durations,
            f0,
            energy,
        })
    }

    fn check_input(&self, input_ids: &[i32], controls: &Controls) -> Result<(), ModelError> {
        if input_ids.is_empty() {
            return Err(ModelError::InvalidInput("no input ids".into()));
        }
        if input_ids.len() > self.max_length() {
            return Err(ModelError::InputTooLong {
                what: "input id count",
                len: input_ids.len(),
                max: self.max_length(),
            });
        }
        if let Some(&bad) = input_ids.iter().find(|&&id| id < 0 || id as usize >= self.vocabulary()) {
            return Err(ModelError::InvalidInput(format!(
                "input id {bad} outside 0..{}",
                self.vocabulary()
            )));
        }
        let Controls { speed, f0, f0_shift, energy } = *controls;
        if !(speed.is_finite() && speed >= 0.0 && f0.is_finite() && f0_shift.is_finite() && energy.is_finite()) {
            return Err(ModelError::InvalidInput(format!("controls {controls:?}")));
        }
        Ok(())
    }

    /// Postnet residual: `mel + stages(mel)` (the frame mask is all ones for one utterance).
    fn postnet(&self, mel: &Seq) -> Seq {
        let mut h = mel.clone();
        for stage in &self.postnet {
            h = stage.conv.forward(&h);
            for row in h.rows_mut() {
                for ((v, s), b) in row.iter_mut().zip(&stage.scale).zip(&stage.shift) {
                    *v = *v * s + b;
                    if stage.tanh {
                        *v = v.tanh();
                    }
                }
            }
        }
        h.add_assign(mel);
        h
    }
}

/// Repeats row `i` of `x` `durations[i]` times (negative counts as 0).
fn length_regulate(x: &Seq, durations: &[i32]) -> Seq {
    let mut data = Vec::new();
    for (t, &d) in durations.iter().enumerate() {
        for _ in 0..d.max(0) {
            data.extend_from_slice(x.row(t));
        }
    }
    Seq::from_vec(data.len() / x.channels.max(1), x.channels, data)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn length_regulator_repeats_rows() {
        let x = Seq::from_vec(3, 2, vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0]);
        let y = length_regulate(&x, &[2, 0, 1]);
        assert_eq!(y.steps, 3);
        assert_eq!(y.data, vec![1.0, 2.0, 1.0, 2.0, 5.0, 6.0]);
    }

    #[test]
    fn real_model_runs_when_present() {
        let Some(dir) = std::env::var_os("ZH_BAKER_DIR") else {
            eprintln!("note: ZH_BAKER_DIR not set, skipping acoustic model test");
            return;
        };
        let model = AcousticModel::load(&std::path::Path::new(&dir).join("fastspeech2_quan.tflite")).expect("load");
        // "你好。" from the reference cases.
        let ids = [1, 18, 80, 2, 13, 50, 1, 218];
        let out = model.infer(&ids, &Controls::default()).expect("infer");
        assert_eq!(out.durations.len(), ids.len());
        assert_eq!(out.frames as i32, out.durations.iter().sum::<i32>());
        assert_eq!(out.mel_after.len(), out.frames * 80);
        assert!(matches!(model.infer(&[1, 999], &Controls::default()), Err(ModelError::InvalidInput(_))));
        // Same result whatever the thread count.
        let single = rayon::ThreadPoolBuilder::new().num_threads(1).build().expect("pool");
        let again = single.install(|| model.infer(&ids, &Controls::default())).expect("infer");
        assert_eq!(out, again);
    }
}
