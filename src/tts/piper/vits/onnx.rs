//! Weights of an exported Piper model, read from the ONNX protobuf. Initializers are found
//! by their name where PyTorch kept it (`enc_p.encoder.attn_layers.0.emb_rel_k`) and through
//! the node that consumes them where the export made them anonymous (`onnx::Conv_8168` feeds
//! `/flow/flows.6/enc/in_layers.0/Conv`): layers are always loaded by node name.

use super::error::{shape_error, VitsError};
use crate::tts::nn::conv::{Conv1d, ConvTranspose1d, FusedActivation};
use crate::tts::nn::fast_conv::FastConv1d;
use onnx_protobuf::{Message, ModelProto, NodeProto, TensorProto};
use std::collections::HashMap;
use std::path::Path;

/// ONNX `TensorProto.DataType.FLOAT`.
const FLOAT: i32 = 1;

/// A float tensor: dimensions and row-major values.
pub struct Tensor {
    pub dims: Vec<usize>,
    pub data: Vec<f32>,
}

/// Where a convolution's zero padding comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Padding {
    /// The node's `pads` attribute.
    FromNode,
    /// Output as long as the input, (kernel-1)/2 steps on the left: for convs whose input
    /// the model pads with a separate `Pad` node (the text encoder's FFN).
    Same,
}

/// A `Conv` node's weights (`[out][tap][in]`) and shape.
struct ConvParts {
    weight: Vec<f32>,
    bias: Vec<f32>,
    kernel: usize,
    dilation: usize,
    in_channels: usize,
    padding: (usize, usize),
}

/// The graph's nodes and float initializers.
pub struct Weights {
    initializers: HashMap<String, TensorProto>,
    nodes: HashMap<String, NodeProto>,
}

impl Weights {
    pub fn open(path: &Path) -> Result<Self, VitsError> {
        let bytes = std::fs::read(path).map_err(|source| VitsError::Io { path: path.into(), source })?;
        let model = ModelProto::parse_from_bytes(&bytes).map_err(|e| VitsError::Format(e.to_string()))?;
        drop(bytes);
        let graph = model.graph.into_option().ok_or_else(|| VitsError::Format("no graph".into()))?;
        let initializers = graph.initializer.into_iter().map(|t| (t.name.clone(), t)).collect();
        let nodes = graph.node.into_iter().map(|n| (n.name.clone(), n)).collect();
        Ok(Weights { initializers, nodes })
    }

    pub fn node(&self, name: &str) -> Result<&NodeProto, VitsError> {
        self.nodes.get(name).ok_or_else(|| VitsError::Missing(format!("node {name}")))
    }

    /// The initializer named `name`.
    pub fn tensor(&self, name: &str) -> Result<Tensor, VitsError> {
        let proto = self.initializers.get(name).ok_or_else(|| VitsError::Missing(format!("weight {name}")))?;
        if proto.data_type != FLOAT {
            return Err(VitsError::Unsupported(format!("{name} has data type {}, not float", proto.data_type)));
        }
        let dims: Vec<usize> = proto.dims.iter().map(|&d| usize::try_from(d).unwrap_or(0)).collect();
        let count: usize = dims.iter().product();
        let data: Vec<f32> = if !proto.raw_data.is_empty() {
            proto.raw_data.chunks_exact(4).map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]])).collect()
        } else {
            proto.float_data.clone()
        };
        if data.len() != count {
            return Err(shape_error(name, format!("{} values for dimensions {dims:?}", data.len())));
        }
        Ok(Tensor { dims, data })
    }

    /// The initializer feeding input `slot` of node `node`.
    pub fn input_of(&self, node: &str, slot: usize) -> Result<Tensor, VitsError> {
        let n = self.node(node)?;
        let name = n.input.get(slot).filter(|s| !s.is_empty()).ok_or_else(|| VitsError::Missing(format!("input {slot} of {node}")))?;
        self.tensor(name)
    }

    /// The constant feeding input `slot` of node `node`: an initializer, or `Exp` of one
    /// (exporters fold such chains into one initializer or keep the `Exp` node, depending on
    /// the PyTorch version).
    pub fn constant_input_of(&self, node: &str, slot: usize) -> Result<Tensor, VitsError> {
        let n = self.node(node)?;
        let name = n.input.get(slot).filter(|s| !s.is_empty()).ok_or_else(|| VitsError::Missing(format!("input {slot} of {node}")))?;
        if self.initializers.contains_key(name) {
            return self.tensor(name);
        }
        let producer = self.nodes.values().find(|p| p.output.iter().any(|o| o == name));
        match producer {
            Some(p) if p.op_type == "Exp" => {
                let mut t = self.input_of(&p.name, 0)?;
                t.data.iter_mut().for_each(|v| *v = v.exp());
                Ok(t)
            }
            _ => Err(VitsError::Missing(format!("constant input {slot} of {node}"))),
        }
    }

    fn ints(&self, node: &str, attribute: &str) -> Result<Vec<usize>, VitsError> {
        let n = self.node(node)?;
        Ok(n.attribute
            .iter()
            .find(|a| a.name == attribute)
            .map(|a| a.ints.iter().map(|&v| usize::try_from(v).unwrap_or(0)).collect())
            .unwrap_or_default())
    }

    fn int(&self, node: &str, attribute: &str, default: i64) -> Result<i64, VitsError> {
        let n = self.node(node)?;
        Ok(n.attribute.iter().find(|a| a.name == attribute).map_or(default, |a| a.i))
    }

    /// The `Conv` node `node` (groups = 1) as a layer.
    pub fn conv(&self, node: &str, padding: Padding, activation: FusedActivation) -> Result<Conv1d, VitsError> {
        let c = self.conv_parts(node, padding)?;
        Ok(Conv1d::new(&c.weight, c.bias, c.kernel, c.dilation, c.in_channels, c.padding, activation))
    }

    /// The `Conv` node `node` (groups = 1, padding from the node, no activation) as the
    /// fastest layer for its kernel.
    pub fn fast_conv(&self, node: &str) -> Result<FastConv1d, VitsError> {
        let c = self.conv_parts(node, Padding::FromNode)?;
        Ok(FastConv1d::new(&c.weight, c.bias, c.kernel, c.dilation, c.in_channels, c.padding))
    }

    /// The shape of the `Conv` node `node` (groups = 1), and its weights as `[out][tap][in]`.
    fn conv_parts(&self, node: &str, padding: Padding) -> Result<ConvParts, VitsError> {
        let w = self.input_of(node, 1)?;
        let [out, cin, kernel] = w.dims[..] else {
            return Err(shape_error(node, format!("conv weight {:?} is not [out, in, kernel]", w.dims)));
        };
        if self.int(node, "group", 1)? != 1 {
            return Err(VitsError::Unsupported(format!("{node}: grouped convolution")));
        }
        if self.ints(node, "strides")?.iter().any(|&s| s != 1) {
            return Err(VitsError::Unsupported(format!("{node}: strided convolution")));
        }
        let bias = self.bias(node, out)?;
        let dilation = self.ints(node, "dilations")?.first().copied().unwrap_or(1);
        let padding = match padding {
            Padding::Same => ((kernel - 1) * dilation / 2, (kernel - 1) * dilation - (kernel - 1) * dilation / 2),
            Padding::FromNode => match self.ints(node, "pads")?[..] {
                [] => (0, 0),
                [l, r] => (l, r),
                ref other => return Err(shape_error(node, format!("pads {other:?}"))),
            },
        };
        // [out][in][tap] → [out][tap][in]
        let mut weight = vec![0.0; w.data.len()];
        for o in 0..out {
            for c in 0..cin {
                for tap in 0..kernel {
                    weight[(o * kernel + tap) * cin + c] = w.data[(o * cin + c) * kernel + tap];
                }
            }
        }
        Ok(ConvParts { weight, bias, kernel, dilation, in_channels: cin, padding })
    }

    /// The 1×1 `Conv` node `node` that turns a multi-speaker voice's speaker embedding into a
    /// layer's offset, if the graph has it (single-speaker voices do not).
    pub fn speaker_cond(&self, node: &str) -> Result<Option<Conv1d>, VitsError> {
        if self.node(node).is_err() {
            return Ok(None);
        }
        let conv = self.conv(node, Padding::FromNode, FusedActivation::None)?;
        if conv.kernel() != 1 || self.ints(node, "pads")?.iter().any(|&p| p != 0) {
            return Err(shape_error(node, "a speaker conditioning layer must be a 1×1 convolution"));
        }
        Ok(Some(conv))
    }

    /// A depthwise (`group` = channels) `Conv` node.
    pub fn depthwise_conv(&self, node: &str) -> Result<DepthwiseConv, VitsError> {
        let w = self.input_of(node, 1)?;
        let [channels, 1, kernel] = w.dims[..] else {
            return Err(shape_error(node, format!("depthwise weight {:?} is not [channels, 1, kernel]", w.dims)));
        };
        if self.int(node, "group", 1)? != channels as i64 {
            return Err(VitsError::Unsupported(format!("{node}: groups other than channels")));
        }
        let dilation = self.ints(node, "dilations")?.first().copied().unwrap_or(1);
        let pad = self.ints(node, "pads")?.first().copied().unwrap_or(0);
        if pad * 2 != (kernel - 1) * dilation {
            return Err(VitsError::Unsupported(format!("{node}: padding {pad} is not 'same'")));
        }
        Ok(DepthwiseConv { weight: w.data, bias: self.bias(node, channels)?, kernel, dilation, channels })
    }

    /// A `ConvTranspose` node as a layer whose output is `stride` × its input.
    pub fn conv_transpose(&self, node: &str) -> Result<ConvTranspose1d, VitsError> {
        let w = self.input_of(node, 1)?;
        let [cin, out, kernel] = w.dims[..] else {
            return Err(shape_error(node, format!("weight {:?} is not [in, out, kernel]", w.dims)));
        };
        let stride = self.ints(node, "strides")?.first().copied().unwrap_or(1);
        let pads = self.ints(node, "pads")?;
        let crop = pads.first().copied().unwrap_or(0);
        if stride == 0 || pads.get(1) != Some(&crop) || kernel != stride + 2 * crop {
            return Err(VitsError::Unsupported(format!("{node}: kernel {kernel}, stride {stride}, pads {pads:?}")));
        }
        // [in][out][tap] → [in][tap][out]
        let mut weight = vec![0.0; w.data.len()];
        for c in 0..cin {
            for o in 0..out {
                for tap in 0..kernel {
                    weight[(c * kernel + tap) * out + o] = w.data[(c * out + o) * kernel + tap];
                }
            }
        }
        Ok(ConvTranspose1d::new(weight, self.bias(node, out)?, kernel, stride, cin, Some(crop)))
    }

    fn bias(&self, node: &str, channels: usize) -> Result<Vec<f32>, VitsError> {
        let has_bias = self.node(node)?.input.get(2).is_some_and(|s| !s.is_empty());
        if !has_bias {
            return Ok(vec![0.0; channels]);
        }
        let b = self.input_of(node, 2)?;
        if b.data.len() != channels {
            return Err(shape_error(node, format!("bias of {} values for {channels} channels", b.data.len())));
        }
        Ok(b.data)
    }
}

/// Convolution with one filter per channel (the duration predictor's separable convs),
/// "same" zero padding.
pub struct DepthwiseConv {
    /// `[channel][tap]`.
    weight: Vec<f32>,
    bias: Vec<f32>,
    kernel: usize,
    dilation: usize,
    channels: usize,
}

impl DepthwiseConv {
    pub fn forward(&self, x: &crate::tts::nn::tensor::Seq) -> crate::tts::nn::tensor::Seq {
        debug_assert_eq!(x.channels, self.channels);
        let c = self.channels;
        let half = (self.kernel - 1) * self.dilation / 2;
        let mut out = crate::tts::nn::tensor::Seq::zeros(x.steps, c);
        for (t, row) in out.rows_mut().enumerate() {
            row.copy_from_slice(&self.bias);
            for tap in 0..self.kernel {
                let Some(src) = (t + tap * self.dilation).checked_sub(half).filter(|&s| s < x.steps) else {
                    continue;
                };
                for ((y, v), w) in row.iter_mut().zip(x.row(src)).zip(self.weight.chunks_exact(self.kernel)) {
                    *y += v * w[tap];
                }
            }
        }
        out
    }
}
