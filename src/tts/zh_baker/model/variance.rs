//! FastSpeech2 variance predictor (duration, f0 or energy): two
//! conv→ReLU→LayerNorm stages and a dense layer to one value per token.

use super::error::ModelError;
use super::graph::Graph;
use super::layers::{Conv1d, Dense, FusedActivation, LayerNorm};
use super::tensor::Seq;
use super::tflite::opcode;

pub struct VariancePredictor {
    stages: Vec<(Conv1d, LayerNorm)>,
    projection: Dense,
}

impl VariancePredictor {
    /// Loads the predictor under `scope` (e.g. `duration_predictor`). Its
    /// convs are `<scope>/<seq>/conv_._<i>` with layer norms `<scope>/<seq>/LayerNorm_._<i>`,
    /// where `<seq>` is a Keras `sequential_N` name that differs per predictor.
    pub fn load(graph: &Graph, scope: &str) -> Result<Self, ModelError> {
        let mut stages = Vec::new();
        for i in 0.. {
            let marker = format!("/conv_._{i}/");
            let Some(op) = graph
                .ops_where(opcode::CONV_2D, |name| name.starts_with(scope) && name.contains(&marker))
                .next()
            else {
                break;
            };
            let conv_name = &graph.tensor(graph.output(op)?).name;
            let sequential = conv_name.split(&marker).next().unwrap_or(scope).to_string();
            let conv = Conv1d::from_op(graph, op, &format!("{sequential}{marker}"))?;
            if conv.activation() != FusedActivation::Relu {
                return Err(ModelError::Unsupported(format!("{sequential}{marker}: expected a fused ReLU")));
            }
            let norm = LayerNorm::load(graph, &format!("{sequential}/LayerNorm_._{i}"))?;
            stages.push((conv, norm));
        }
        if stages.is_empty() {
            return Err(ModelError::MissingTensor(format!("{scope} convolutions")));
        }
        let projection = Dense::load(graph, &format!("{scope}/dense"))?;
        if projection.outputs() != 1 {
            return Err(ModelError::Shape {
                name: scope.to_string(),
                detail: format!("projection to {} values per step", projection.outputs()),
            });
        }
        Ok(VariancePredictor { stages, projection })
    }

    /// One value per step, multiplied by `mask` (the graph's `mul_1`).
    pub fn forward(&self, x: &Seq, mask: &[f32]) -> Vec<f32> {
        let mut h = x.clone();
        for (conv, norm) in &self.stages {
            h = conv.forward(&h);
            norm.forward_inplace(&mut h);
        }
        self.projection
            .forward(&h)
            .data
            .iter()
            .zip(mask)
            .map(|(v, m)| v * m)
            .collect()
    }
}
