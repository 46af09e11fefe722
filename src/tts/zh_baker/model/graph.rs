//! Queries over a parsed tflite graph: find operators by type and output name,
//! follow producer/consumer links, and read constants as `f32`/`i32`
//! (dequantizing int8 weights on the way).

use super::error::ModelError;
use super::tflite::{opcode, DType, OperatorInfo, Quantization, TensorInfo, TfliteModel};
use std::path::Path;

/// A constant tensor converted to `f32`, with its stored shape.
#[derive(Debug, Clone)]
pub struct ConstF32 {
    pub shape: Vec<usize>,
    pub data: Vec<f32>,
}

pub struct Graph {
    model: TfliteModel,
}

/// Fused activation codes (`ActivationFunctionType` in the schema).
pub const ACT_NONE: i8 = 0;
pub const ACT_RELU: i8 = 1;

/// Field index of `fused_activation_function` in Add/Sub options.
const ADD_OPTIONS_ACTIVATION: usize = 0;

impl Graph {
    pub fn load(path: &Path) -> Result<Self, ModelError> {
        let bytes = std::fs::read(path).map_err(|source| ModelError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Ok(Graph {
            model: TfliteModel::parse(bytes)?,
        })
    }

    pub fn model(&self) -> &TfliteModel {
        &self.model
    }

    pub fn tensor(&self, index: usize) -> &TensorInfo {
        &self.model.tensors[index]
    }

    fn output_name(&self, op: &OperatorInfo) -> &str {
        op.outputs.first().map_or("", |&t| self.tensor(t).name.as_str())
    }

    /// All operators of type `code` whose first output name satisfies `pred`, in graph order.
    pub fn ops_where<'a, 'p>(
        &'a self,
        code: i32,
        pred: impl Fn(&str) -> bool + 'p,
    ) -> impl Iterator<Item = &'a OperatorInfo> + 'p
    where
        'a: 'p,
    {
        self.model
            .operators
            .iter()
            .filter(move |op| op.opcode == code && pred(self.output_name(op)))
    }

    /// The first operator of type `code` whose output name starts with `prefix`.
    pub fn op_with_prefix(&self, code: i32, prefix: &str) -> Result<&OperatorInfo, ModelError> {
        self.ops_where(code, |name| name.starts_with(prefix))
            .next()
            .ok_or_else(|| ModelError::MissingTensor(format!("operator {code} with output {prefix}*")))
    }

    /// Whether an operator of type `code` with output name prefix `prefix` exists.
    pub fn has_op(&self, code: i32, prefix: &str) -> bool {
        self.ops_where(code, |name| name.starts_with(prefix)).next().is_some()
    }

    /// The operator that writes tensor `tensor`, if any.
    pub fn producer(&self, tensor: usize) -> Option<&OperatorInfo> {
        self.model.operators.iter().find(|op| op.outputs.contains(&tensor))
    }

    fn consumers(&self, tensor: usize) -> impl Iterator<Item = &OperatorInfo> {
        self.model
            .operators
            .iter()
            .filter(move |op| op.inputs.contains(&Some(tensor)))
    }

    pub fn input(&self, op: &OperatorInfo, slot: usize) -> Result<usize, ModelError> {
        op.inputs.get(slot).copied().flatten().ok_or_else(|| {
            ModelError::MissingTensor(format!("input {slot} of operator writing {}", self.output_name(op)))
        })
    }

    pub fn output(&self, op: &OperatorInfo) -> Result<usize, ModelError> {
        op.outputs
            .first()
            .copied()
            .ok_or_else(|| ModelError::Format("operator without output".into()))
    }

    /// Index of the tensor called exactly `name`.
    pub fn tensor_named(&self, name: &str) -> Result<usize, ModelError> {
        self.model
            .tensors
            .iter()
            .position(|t| t.name == name)
            .ok_or_else(|| ModelError::MissingTensor(name.to_string()))
    }

    /// The constant input of a binary operator (e.g. the bias of a bias-add).
    pub fn const_input(&self, op: &OperatorInfo) -> Result<usize, ModelError> {
        op.inputs
            .iter()
            .flatten()
            .copied()
            .find(|&t| self.tensor(t).data.is_some())
            .ok_or_else(|| ModelError::MissingTensor(format!("constant input of {}", self.output_name(op))))
    }

    /// The constant feeding the binary operator of type `code` that writes the tensor named `output`.
    pub fn const_of_op_named(&self, code: i32, output: &str) -> Result<ConstF32, ModelError> {
        let op = self
            .ops_where(code, |name| name == output)
            .next()
            .ok_or_else(|| ModelError::MissingTensor(output.to_string()))?;
        self.f32_const(self.const_input(op)?)
    }

    /// Follows the output of `op` through shape-only operators (reshape,
    /// squeeze, batch-to-space) to the ADD that applies a constant bias.
    /// Returns that bias and the ADD's fused activation, or `None` when the
    /// chain ends (a graph output) without a bias-add.
    pub fn bias_after(&self, op: &OperatorInfo) -> Result<Option<(ConstF32, i8)>, ModelError> {
        let mut tensor = self.output(op)?;
        loop {
            let Some(consumer) = self.consumers(tensor).next() else {
                return Ok(None);
            };
            match consumer.opcode {
                opcode::RESHAPE | opcode::SQUEEZE | opcode::BATCH_TO_SPACE_ND => {
                    tensor = self.output(consumer)?;
                }
                opcode::ADD => {
                    let bias = self.f32_const(self.const_input(consumer)?)?;
                    let activation = self.model.option_i8(consumer, ADD_OPTIONS_ACTIVATION, ACT_NONE)?;
                    return Ok(Some((bias, activation)));
                }
                other => {
                    return Err(ModelError::Unsupported(format!(
                        "operator {other} between {} and its bias add",
                        self.tensor(tensor).name
                    )))
                }
            }
        }
    }

    /// Reads a constant tensor as `f32`, dequantizing int8/uint8 data.
    pub fn f32_const(&self, index: usize) -> Result<ConstF32, ModelError> {
        let tensor = self.tensor(index);
        let bytes = self.model.tensor_bytes(tensor);
        if tensor.data.is_none() {
            return Err(ModelError::MissingTensor(format!("constant data of {}", tensor.name)));
        }
        let count: usize = tensor.shape.iter().product();
        let data = match tensor.dtype {
            DType::F32 => bytes
                .chunks_exact(4)
                .map(|c| f32::from_le_bytes([c[0], c[1], c[2], c[3]]))
                .collect::<Vec<_>>(),
            DType::I8 | DType::U8 => {
                let q = tensor.quantization.as_ref().ok_or_else(|| {
                    ModelError::Unsupported(format!("{} is integer without quantization", tensor.name))
                })?;
                let signed = tensor.dtype == DType::I8;
                let values: Vec<i32> = bytes
                    .iter()
                    .map(|&b| if signed { b as i8 as i32 } else { b as i32 })
                    .collect();
                dequantize(&values, &tensor.shape, q).map_err(|detail| ModelError::Shape {
                    name: tensor.name.clone(),
                    detail,
                })?
            }
            other => {
                return Err(ModelError::Unsupported(format!(
                    "constant {} has type {other:?}, expected a float or int8 weight",
                    tensor.name
                )))
            }
        };
        if data.len() != count {
            return Err(ModelError::Shape {
                name: tensor.name.clone(),
                detail: format!("{} values stored for shape {:?}", data.len(), tensor.shape),
            });
        }
        Ok(ConstF32 {
            shape: tensor.shape.clone(),
            data,
        })
    }

    /// Reads a constant int32 tensor.
    pub fn i32_const(&self, index: usize) -> Result<Vec<i32>, ModelError> {
        let tensor = self.tensor(index);
        if tensor.dtype != DType::I32 || tensor.data.is_none() {
            return Err(ModelError::Unsupported(format!("{} is not a constant int32 tensor", tensor.name)));
        }
        Ok(self
            .model
            .tensor_bytes(tensor)
            .chunks_exact(4)
            .map(|c| i32::from_le_bytes([c[0], c[1], c[2], c[3]]))
            .collect())
    }
}

/// `real = scale[c] * (q - zero_point[c])`, where `c` is the coordinate along
/// the quantized axis (one scale means per-tensor quantization).
pub fn dequantize(values: &[i32], shape: &[usize], q: &Quantization) -> Result<Vec<f32>, String> {
    let channels = q.scale.len();
    let zero_point = |c: usize| q.zero_point.get(c).or(q.zero_point.first()).copied().unwrap_or(0);
    if channels == 1 {
        let (scale, zp) = (q.scale[0], zero_point(0));
        return Ok(values.iter().map(|&v| scale * (v as i64 - zp) as f32).collect());
    }
    let axis_len = *shape
        .get(q.axis)
        .ok_or_else(|| format!("quantized axis {} outside shape {shape:?}", q.axis))?;
    if axis_len != channels {
        return Err(format!("{channels} scales for axis of length {axis_len}"));
    }
    let inner: usize = shape[q.axis + 1..].iter().product();
    Ok(values
        .iter()
        .enumerate()
        .map(|(i, &v)| {
            let c = (i / inner) % channels;
            q.scale[c] * (v as i64 - zero_point(c)) as f32
        })
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn per_tensor_dequantization() {
        let q = Quantization {
            scale: vec![0.5],
            zero_point: vec![0],
            axis: 0,
        };
        assert_eq!(dequantize(&[-4, 0, 3], &[3], &q).unwrap(), vec![-2.0, 0.0, 1.5]);
    }

    #[test]
    fn per_axis_dequantization_uses_channel_scale_and_zero_point() {
        // shape [2, 3], axis 0: row 0 scale 0.5 zp 0, row 1 scale 2 zp 1
        let q = Quantization {
            scale: vec![0.5, 2.0],
            zero_point: vec![0, 1],
            axis: 0,
        };
        let out = dequantize(&[1, 2, 3, -1, -2, -3], &[2, 3], &q).unwrap();
        assert_eq!(out, vec![0.5, 1.0, 1.5, -4.0, -6.0, -8.0]);
        // axis 1: column scales
        let q = Quantization {
            scale: vec![1.0, 10.0, 100.0],
            zero_point: vec![0, 0, 0],
            axis: 1,
        };
        let out = dequantize(&[1, 1, 1, 2, 2, 2], &[2, 3], &q).unwrap();
        assert_eq!(out, vec![1.0, 10.0, 100.0, 2.0, 20.0, 200.0]);
    }

    #[test]
    fn mismatched_scale_count_is_rejected() {
        let q = Quantization {
            scale: vec![1.0, 2.0],
            zero_point: vec![0, 0],
            axis: 0,
        };
        assert!(dequantize(&[1, 2, 3], &[3], &q).is_err());
    }
}
