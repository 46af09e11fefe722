//! Minimal, bounds-checked reader for the tflite flatbuffer format.
//!
//! Only the parts of `schema.fbs` the engine needs are decoded: the first
//! subgraph's tensors (shape, type, buffer, name, quantization) and operators
//! (opcode, inputs, outputs, raw builtin-options table), plus the buffers.
//! Every read is checked against the file length, so a truncated or corrupt
//! file yields [`ModelError::Format`] instead of a panic.

use super::error::ModelError;

/// Element type of a tensor (`TensorType` in the schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DType {
    F32,
    I32,
    I64,
    I8,
    U8,
    Bool,
    /// Any other schema code (kept so unusual graphs still parse).
    Other(i8),
}

impl DType {
    fn from_code(code: i8) -> Self {
        match code {
            0 => DType::F32,
            2 => DType::I32,
            3 => DType::U8,
            4 => DType::I64,
            6 => DType::Bool,
            9 => DType::I8,
            other => DType::Other(other),
        }
    }
}

/// Affine quantization parameters: `real = scale[c] * (q - zero_point[c])`,
/// with `c` the index along `axis` (a single scale means per-tensor).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Quantization {
    pub scale: Vec<f32>,
    pub zero_point: Vec<i64>,
    pub axis: usize,
}

#[derive(Debug, Clone)]
pub struct TensorInfo {
    pub name: String,
    pub shape: Vec<usize>,
    pub dtype: DType,
    /// Byte range of the constant data inside the file, if the tensor is a constant.
    pub data: Option<std::ops::Range<usize>>,
    pub quantization: Option<Quantization>,
}

/// Builtin operator codes used by the loaders (`BuiltinOperator` in the schema).
pub mod opcode {
    pub const ADD: i32 = 0;
    pub const CONV_2D: i32 = 3;
    pub const FULLY_CONNECTED: i32 = 9;
    pub const TANH: i32 = 28;
    pub const EXP: i32 = 47;
    pub const LOG: i32 = 73;
    pub const MUL: i32 = 18;
    pub const RESHAPE: i32 = 22;
    pub const PAD: i32 = 34;
    pub const SPACE_TO_BATCH_ND: i32 = 38;
    pub const SUB: i32 = 41;
    pub const SQUEEZE: i32 = 43;
    pub const TRANSPOSE_CONV: i32 = 67;
    pub const BATCH_TO_SPACE_ND: i32 = 37;
    pub const EXPAND_DIMS: i32 = 70;
    pub const LEAKY_RELU: i32 = 98;
    pub const MIRROR_PAD: i32 = 100;
    pub const PACK: i32 = 83;
    pub const QUANTIZE: i32 = 114;
}

#[derive(Debug, Clone)]
pub struct OperatorInfo {
    /// Builtin operator code (see [`opcode`]); custom operators get -1.
    pub opcode: i32,
    /// Tensor indices; `None` marks an omitted optional input (-1 in the file).
    pub inputs: Vec<Option<usize>>,
    pub outputs: Vec<usize>,
    /// Position of the builtin-options table in the file, if present.
    options: Option<usize>,
}

/// A parsed tflite model: tensor and operator tables plus the raw file bytes.
pub struct TfliteModel {
    bytes: Vec<u8>,
    pub tensors: Vec<TensorInfo>,
    pub operators: Vec<OperatorInfo>,
}

fn format_err(what: impl Into<String>) -> ModelError {
    ModelError::Format(what.into())
}

/// Bounds-checked little-endian access to flatbuffer tables and vectors.
#[derive(Clone, Copy)]
struct Reader<'a> {
    buf: &'a [u8],
}

impl<'a> Reader<'a> {
    fn bytes<const N: usize>(&self, pos: usize) -> Result<[u8; N], ModelError> {
        let end = pos.checked_add(N).ok_or_else(|| format_err("offset overflow"))?;
        let slice = self
            .buf
            .get(pos..end)
            .ok_or_else(|| format_err(format!("read of {N} bytes at {pos} past end of file")))?;
        let mut out = [0u8; N];
        out.copy_from_slice(slice);
        Ok(out)
    }
    fn u8(&self, pos: usize) -> Result<u8, ModelError> {
        Ok(self.bytes::<1>(pos)?[0])
    }
    fn u16(&self, pos: usize) -> Result<u16, ModelError> {
        Ok(u16::from_le_bytes(self.bytes(pos)?))
    }
    fn u32(&self, pos: usize) -> Result<u32, ModelError> {
        Ok(u32::from_le_bytes(self.bytes(pos)?))
    }
    fn i32(&self, pos: usize) -> Result<i32, ModelError> {
        Ok(i32::from_le_bytes(self.bytes(pos)?))
    }
    fn i64(&self, pos: usize) -> Result<i64, ModelError> {
        Ok(i64::from_le_bytes(self.bytes(pos)?))
    }
    fn f32(&self, pos: usize) -> Result<f32, ModelError> {
        Ok(f32::from_le_bytes(self.bytes(pos)?))
    }

    /// Follows a `uoffset_t` stored at `pos`.
    fn deref(&self, pos: usize) -> Result<usize, ModelError> {
        let off = self.u32(pos)? as usize;
        pos.checked_add(off).ok_or_else(|| format_err("offset overflow"))
    }

    /// Position of field `index` of the table at `table`, or `None` if absent.
    fn field(&self, table: usize, index: usize) -> Result<Option<usize>, ModelError> {
        let soffset = self.i32(table)? as i64;
        let vtable = usize::try_from(table as i64 - soffset)
            .map_err(|_| format_err("vtable offset out of range"))?;
        let vtable_len = self.u16(vtable)? as usize;
        let entry = 4 + 2 * index;
        if entry + 2 > vtable_len {
            return Ok(None);
        }
        match self.u16(vtable + entry)? {
            0 => Ok(None),
            off => Ok(Some(table + off as usize)),
        }
    }

    fn table_field(&self, table: usize, index: usize) -> Result<Option<usize>, ModelError> {
        self.field(table, index)?.map(|p| self.deref(p)).transpose()
    }

    /// Returns (element start, length) of the vector referenced by field `index`.
    fn vector_field(&self, table: usize, index: usize) -> Result<Option<(usize, usize)>, ModelError> {
        match self.table_field(table, index)? {
            None => Ok(None),
            Some(vec) => {
                let len = self.u32(vec)? as usize;
                Ok(Some((vec + 4, len)))
            }
        }
    }

    fn scalar_i32(&self, table: usize, index: usize, default: i32) -> Result<i32, ModelError> {
        self.field(table, index)?.map_or(Ok(default), |p| self.i32(p))
    }
    fn scalar_u32(&self, table: usize, index: usize, default: u32) -> Result<u32, ModelError> {
        self.field(table, index)?.map_or(Ok(default), |p| self.u32(p))
    }
    fn scalar_i8(&self, table: usize, index: usize, default: i8) -> Result<i8, ModelError> {
        self.field(table, index)?.map_or(Ok(default), |p| Ok(self.u8(p)? as i8))
    }

    fn string_field(&self, table: usize, index: usize) -> Result<String, ModelError> {
        match self.vector_field(table, index)? {
            None => Ok(String::new()),
            Some((start, len)) => {
                let raw = self
                    .buf
                    .get(start..start + len)
                    .ok_or_else(|| format_err("string past end of file"))?;
                Ok(String::from_utf8_lossy(raw).into_owned())
            }
        }
    }

    fn i32_vector(&self, table: usize, index: usize) -> Result<Vec<i32>, ModelError> {
        match self.vector_field(table, index)? {
            None => Ok(Vec::new()),
            Some((start, len)) => (0..len).map(|i| self.i32(start + 4 * i)).collect(),
        }
    }

    fn table_vector(&self, table: usize, index: usize) -> Result<Vec<usize>, ModelError> {
        match self.vector_field(table, index)? {
            None => Ok(Vec::new()),
            Some((start, len)) => (0..len).map(|i| self.deref(start + 4 * i)).collect(),
        }
    }
}

// Field indices from tflite's schema.fbs.
const MODEL_OPERATOR_CODES: usize = 1;
const MODEL_SUBGRAPHS: usize = 2;
const MODEL_BUFFERS: usize = 4;
const OPCODE_DEPRECATED_BUILTIN: usize = 0;
const OPCODE_BUILTIN: usize = 3;
const SUBGRAPH_TENSORS: usize = 0;
const SUBGRAPH_OPERATORS: usize = 3;
const TENSOR_SHAPE: usize = 0;
const TENSOR_TYPE: usize = 1;
const TENSOR_BUFFER: usize = 2;
const TENSOR_NAME: usize = 3;
const TENSOR_QUANTIZATION: usize = 4;
const QUANT_SCALE: usize = 2;
const QUANT_ZERO_POINT: usize = 3;
const QUANT_DIMENSION: usize = 6;
const OPERATOR_OPCODE_INDEX: usize = 0;
const OPERATOR_INPUTS: usize = 1;
const OPERATOR_OUTPUTS: usize = 2;
const OPERATOR_BUILTIN_OPTIONS: usize = 4;
const BUFFER_DATA: usize = 0;
/// `BuiltinOperator.CUSTOM`.
const CUSTOM_OPCODE: i32 = 32;

impl TfliteModel {
    /// Parses a tflite flatbuffer held in memory.
    pub fn parse(bytes: Vec<u8>) -> Result<Self, ModelError> {
        let r = Reader { buf: &bytes };
        if bytes.get(4..8) != Some(b"TFL3".as_slice()) {
            return Err(format_err("missing TFL3 file identifier"));
        }
        let model = r.deref(0)?;

        let opcodes = r
            .table_vector(model, MODEL_OPERATOR_CODES)?
            .into_iter()
            .map(|t| {
                let deprecated = r.scalar_i8(t, OPCODE_DEPRECATED_BUILTIN, 0)? as i32;
                let builtin = r.scalar_i32(t, OPCODE_BUILTIN, 0)?;
                // Old files only fill the deprecated i8 field; new ones both.
                let code = deprecated.max(builtin);
                Ok(if code == CUSTOM_OPCODE { -1 } else { code })
            })
            .collect::<Result<Vec<i32>, ModelError>>()?;

        let buffers = r
            .table_vector(model, MODEL_BUFFERS)?
            .into_iter()
            .map(|b| Ok(r.vector_field(b, BUFFER_DATA)?.map(|(start, len)| start..start + len)))
            .collect::<Result<Vec<_>, ModelError>>()?;

        let subgraphs = r.table_vector(model, MODEL_SUBGRAPHS)?;
        let graph = *subgraphs
            .first()
            .ok_or_else(|| format_err("model has no subgraph"))?;

        let tensors = r
            .table_vector(graph, SUBGRAPH_TENSORS)?
            .into_iter()
            .map(|t| Self::parse_tensor(&r, t, &buffers))
            .collect::<Result<Vec<_>, _>>()?;

        let operators = r
            .table_vector(graph, SUBGRAPH_OPERATORS)?
            .into_iter()
            .map(|op| Self::parse_operator(&r, op, &opcodes, tensors.len()))
            .collect::<Result<Vec<_>, _>>()?;

        Ok(TfliteModel {
            bytes,
            tensors,
            operators,
        })
    }

    fn parse_tensor(
        r: &Reader,
        t: usize,
        buffers: &[Option<std::ops::Range<usize>>],
    ) -> Result<TensorInfo, ModelError> {
        let name = r.string_field(t, TENSOR_NAME)?;
        let shape = r
            .i32_vector(t, TENSOR_SHAPE)?
            .into_iter()
            .map(|d| usize::try_from(d).map_err(|_| format_err(format!("negative dim in {name}"))))
            .collect::<Result<Vec<_>, _>>()?;
        let dtype = DType::from_code(r.scalar_i8(t, TENSOR_TYPE, 0)?);
        let buffer = r.scalar_u32(t, TENSOR_BUFFER, 0)? as usize;
        let data = match buffers.get(buffer) {
            Some(range) => range.clone().filter(|range| !range.is_empty()),
            None => return Err(format_err(format!("tensor {name} refers to missing buffer {buffer}"))),
        };
        if let Some(range) = &data
            && range.end > r.buf.len()
        {
            return Err(format_err(format!("data of {name} runs past end of file")));
        }
        let quantization = match r.table_field(t, TENSOR_QUANTIZATION)? {
            None => None,
            Some(q) => {
                let scale = match r.vector_field(q, QUANT_SCALE)? {
                    None => Vec::new(),
                    Some((start, len)) => (0..len).map(|i| r.f32(start + 4 * i)).collect::<Result<_, _>>()?,
                };
                let zero_point = match r.vector_field(q, QUANT_ZERO_POINT)? {
                    None => Vec::new(),
                    Some((start, len)) => (0..len).map(|i| r.i64(start + 8 * i)).collect::<Result<_, _>>()?,
                };
                let axis = r.scalar_i32(q, QUANT_DIMENSION, 0)?;
                let axis = usize::try_from(axis).map_err(|_| format_err("negative quantized_dimension"))?;
                (!scale.is_empty()).then_some(Quantization {
                    scale,
                    zero_point,
                    axis,
                })
            }
        };
        Ok(TensorInfo {
            name,
            shape,
            dtype,
            data,
            quantization,
        })
    }

    fn parse_operator(
        r: &Reader,
        op: usize,
        opcodes: &[i32],
        tensor_count: usize,
    ) -> Result<OperatorInfo, ModelError> {
        let index = r.scalar_u32(op, OPERATOR_OPCODE_INDEX, 0)? as usize;
        let opcode = *opcodes
            .get(index)
            .ok_or_else(|| format_err(format!("operator uses missing opcode {index}")))?;
        let check = |i: i32| -> Result<Option<usize>, ModelError> {
            match i {
                -1 => Ok(None),
                i if i >= 0 && (i as usize) < tensor_count => Ok(Some(i as usize)),
                i => Err(format_err(format!("operator refers to missing tensor {i}"))),
            }
        };
        let inputs = r
            .i32_vector(op, OPERATOR_INPUTS)?
            .into_iter()
            .map(check)
            .collect::<Result<Vec<_>, _>>()?;
        let outputs = r
            .i32_vector(op, OPERATOR_OUTPUTS)?
            .into_iter()
            .map(|i| check(i)?.ok_or_else(|| format_err("operator output is -1")))
            .collect::<Result<Vec<_>, _>>()?;
        let options = r.table_field(op, OPERATOR_BUILTIN_OPTIONS)?;
        Ok(OperatorInfo {
            opcode,
            inputs,
            outputs,
            options,
        })
    }

    /// Raw bytes of a constant tensor (empty for non-constant tensors).
    pub fn tensor_bytes(&self, tensor: &TensorInfo) -> &[u8] {
        tensor
            .data
            .as_ref()
            .and_then(|range| self.bytes.get(range.clone()))
            .unwrap_or(&[])
    }

    /// Integer field `index` of the operator's builtin-options table.
    pub fn option_i32(&self, op: &OperatorInfo, index: usize, default: i32) -> Result<i32, ModelError> {
        let r = Reader { buf: &self.bytes };
        op.options.map_or(Ok(default), |t| r.scalar_i32(t, index, default))
    }

    /// Byte-sized (enum) field `index` of the operator's builtin-options table.
    pub fn option_i8(&self, op: &OperatorInfo, index: usize, default: i8) -> Result<i8, ModelError> {
        let r = Reader { buf: &self.bytes };
        op.options.map_or(Ok(default), |t| r.scalar_i8(t, index, default))
    }

    /// Float field `index` of the operator's builtin-options table.
    pub fn option_f32(&self, op: &OperatorInfo, index: usize, default: f32) -> Result<f32, ModelError> {
        let r = Reader { buf: &self.bytes };
        match op.options {
            None => Ok(default),
            Some(t) => r.field(t, index)?.map_or(Ok(default), |p| r.f32(p)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds, by hand, a flatbuffer with one subgraph holding one int8 tensor
    /// (shape [2, 3], per-axis scales) and one ADD operator with options.
    fn tiny_model() -> Vec<u8> {
        // Layout is written front to back; all offsets are computed by hand.
        let mut b: Vec<u8> = Vec::new();
        let put_u32 = |b: &mut Vec<u8>, v: u32| b.extend_from_slice(&v.to_le_bytes());
        let put_u16 = |b: &mut Vec<u8>, v: u16| b.extend_from_slice(&v.to_le_bytes());
        let patch = |b: &mut Vec<u8>, at: usize, target: usize| {
            let v = (target - at) as u32;
            b[at..at + 4].copy_from_slice(&v.to_le_bytes());
        };
        // A table with only offset fields: vtable, then the table (soffset + slots).
        // Returns (table position, slot positions).
        fn table(b: &mut Vec<u8>, fields: &[(usize, usize)]) -> (usize, Vec<usize>) {
            // fields: (field index, size in bytes)
            let max_index = fields.iter().map(|f| f.0).max().unwrap_or(0);
            let vt = b.len();
            let vt_len = 4 + 2 * (max_index + 1);
            let mut table_len = 4;
            let mut offsets = vec![0u16; max_index + 1];
            for &(i, size) in fields {
                offsets[i] = table_len as u16;
                table_len += size;
            }
            b.extend_from_slice(&(vt_len as u16).to_le_bytes());
            b.extend_from_slice(&(table_len as u16).to_le_bytes());
            for o in &offsets {
                b.extend_from_slice(&o.to_le_bytes());
            }
            while !b.len().is_multiple_of(4) {
                b.push(0);
            }
            let t = b.len();
            b.extend_from_slice(&((t - vt) as i32).to_le_bytes());
            let slots = fields.iter().map(|&(i, _)| t + offsets[i] as usize).collect();
            b.resize(t + table_len, 0);
            while !b.len().is_multiple_of(4) {
                b.push(0);
            }
            (t, slots)
        }
        put_u32(&mut b, 0); // root offset, patched below
        b.extend_from_slice(b"TFL3");
        // Model: operator_codes(1), subgraphs(2), buffers(4)
        let (model, ms) = table(&mut b, &[(1, 4), (2, 4), (4, 4)]);
        patch(&mut b, 0, model);
        // operator_codes vector with one OperatorCode{deprecated=0 (ADD), builtin_code=0}
        let oc_vec = b.len();
        put_u32(&mut b, 1);
        let oc_slot = b.len();
        put_u32(&mut b, 0);
        patch(&mut b, ms[0], oc_vec);
        let (oc, _) = table(&mut b, &[(3, 4)]);
        patch(&mut b, oc_slot, oc);
        // buffers: [empty, data]
        let buf_vec = b.len();
        put_u32(&mut b, 2);
        let s0 = b.len();
        put_u32(&mut b, 0);
        let s1 = b.len();
        put_u32(&mut b, 0);
        patch(&mut b, ms[2], buf_vec);
        let (b0, _) = table(&mut b, &[]);
        patch(&mut b, s0, b0);
        let (b1, b1s) = table(&mut b, &[(0, 4)]);
        patch(&mut b, s1, b1);
        let data_vec = b.len();
        put_u32(&mut b, 6);
        b.extend_from_slice(&[1u8, 2, 3, 0xff, 0xfe, 0xfd]); // 1 2 3 -1 -2 -3
        while !b.len().is_multiple_of(4) {
            b.push(0);
        }
        patch(&mut b, b1s[0], data_vec);
        // subgraphs vector with one SubGraph{tensors(0), operators(3)}
        let sg_vec = b.len();
        put_u32(&mut b, 1);
        let sg_slot = b.len();
        put_u32(&mut b, 0);
        patch(&mut b, ms[1], sg_vec);
        let (sg, sgs) = table(&mut b, &[(0, 4), (3, 4)]);
        patch(&mut b, sg_slot, sg);
        // tensors: one Tensor{shape(0), type(1)=int8, buffer(2)=1, name(3), quantization(4)}
        let t_vec = b.len();
        put_u32(&mut b, 1);
        let t_slot = b.len();
        put_u32(&mut b, 0);
        patch(&mut b, sgs[0], t_vec);
        let (t, ts) = table(&mut b, &[(0, 4), (3, 4), (4, 4), (2, 4), (1, 1)]);
        patch(&mut b, t_slot, t);
        b[ts[4]] = 9; // int8
        b[ts[3]..ts[3] + 4].copy_from_slice(&1u32.to_le_bytes());
        let shape = b.len();
        put_u32(&mut b, 2);
        put_u32(&mut b, 2);
        put_u32(&mut b, 3);
        patch(&mut b, ts[0], shape);
        let name = b.len();
        put_u32(&mut b, 1);
        b.extend_from_slice(b"w\0\0\0");
        patch(&mut b, ts[1], name);
        let (q, qs) = table(&mut b, &[(2, 4), (3, 4), (6, 4)]);
        patch(&mut b, ts[2], q);
        b[qs[2]..qs[2] + 4].copy_from_slice(&0i32.to_le_bytes());
        let scales = b.len();
        put_u32(&mut b, 2);
        b.extend_from_slice(&0.5f32.to_le_bytes());
        b.extend_from_slice(&2.0f32.to_le_bytes());
        patch(&mut b, qs[0], scales);
        let zps = b.len();
        put_u32(&mut b, 2);
        b.extend_from_slice(&0i64.to_le_bytes());
        b.extend_from_slice(&1i64.to_le_bytes());
        patch(&mut b, qs[1], zps);
        // operators: one Operator{opcode_index(0)=0, inputs(1)=[0,-1], outputs(2)=[0], options(4)}
        let o_vec = b.len();
        put_u32(&mut b, 1);
        let o_slot = b.len();
        put_u32(&mut b, 0);
        patch(&mut b, sgs[1], o_vec);
        let (op, ops) = table(&mut b, &[(1, 4), (2, 4), (4, 4)]);
        patch(&mut b, o_slot, op);
        let ins = b.len();
        put_u32(&mut b, 2);
        put_u32(&mut b, 0);
        b.extend_from_slice(&(-1i32).to_le_bytes());
        patch(&mut b, ops[0], ins);
        let outs = b.len();
        put_u32(&mut b, 1);
        put_u32(&mut b, 0);
        patch(&mut b, ops[1], outs);
        // AddOptions{fused_activation_function(0) = 1 (RELU)}
        let (opt, opts) = table(&mut b, &[(0, 1)]);
        b[opts[0]] = 1;
        patch(&mut b, ops[2], opt);
        put_u16(&mut b, 0);
        b
    }

    #[test]
    fn parses_hand_built_flatbuffer() {
        let model = TfliteModel::parse(tiny_model()).expect("parse");
        assert_eq!(model.tensors.len(), 1);
        let t = &model.tensors[0];
        assert_eq!(t.name, "w");
        assert_eq!(t.shape, vec![2, 3]);
        assert_eq!(t.dtype, DType::I8);
        assert_eq!(model.tensor_bytes(t), &[1, 2, 3, 0xff, 0xfe, 0xfd]);
        let q = t.quantization.as_ref().expect("quantization");
        assert_eq!(q.scale, vec![0.5, 2.0]);
        assert_eq!(q.zero_point, vec![0, 1]);
        assert_eq!(model.operators.len(), 1);
        let op = &model.operators[0];
        assert_eq!(op.opcode, opcode::ADD);
        assert_eq!(op.inputs, vec![Some(0), None]);
        assert_eq!(op.outputs, vec![0]);
        assert_eq!(model.option_i8(op, 0, 0).expect("option"), 1);
        assert_eq!(model.option_i32(op, 5, 7).expect("default"), 7);
    }

    #[test]
    fn truncated_file_is_a_format_error() {
        let bytes = tiny_model();
        for cut in [3usize, 8, 40, bytes.len() / 2] {
            let result = TfliteModel::parse(bytes[..cut].to_vec());
            assert!(matches!(result, Err(ModelError::Format(_))), "cut at {cut}");
        }
    }

    #[test]
    fn parses_real_models_when_present() {
        let Some(dir) = std::env::var_os("ZH_BAKER_DIR") else {
            eprintln!("note: ZH_BAKER_DIR not set, skipping real-model parse test");
            return;
        };
        let dir = std::path::PathBuf::from(dir);
        for (file, ops, tensors) in [("fastspeech2_quan.tflite", 792, 985), ("mb_melgan.tflite", 358, 464)] {
            let bytes = std::fs::read(dir.join(file)).expect("read model");
            let model = TfliteModel::parse(bytes).expect("parse model");
            assert_eq!(model.operators.len(), ops, "{file}");
            assert_eq!(model.tensors.len(), tensors, "{file}");
        }
    }
}
