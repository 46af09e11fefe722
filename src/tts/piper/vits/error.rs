//! Error type of the VITS loader and inference.

use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum VitsError {
    #[error("cannot read model file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not an ONNX protobuf.
    #[error("malformed ONNX file: {0}")]
    Format(String),
    /// A weight or node the Piper VITS graph has is absent: not a Piper voice.
    #[error("not a Piper VITS model: {0} not found in the graph")]
    Missing(String),
    /// The graph has a feature this engine does not implement.
    #[error("unsupported Piper model: {0}")]
    Unsupported(String),
    /// A weight has a shape that does not fit the layer it feeds.
    #[error("shape mismatch for {name}: {detail}")]
    Shape { name: String, detail: String },
    /// The caller's input cannot be run (empty, id out of range, …).
    #[error("invalid input: {0}")]
    InvalidInput(String),
}

pub(crate) fn shape_error(name: &str, detail: impl Into<String>) -> VitsError {
    VitsError::Shape { name: name.to_string(), detail: detail.into() }
}
