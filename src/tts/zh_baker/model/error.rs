//! Error type shared by the model loaders and the inference code.

use std::path::PathBuf;

/// Everything that can go wrong while loading or running the zh-baker models.
#[derive(Debug, thiserror::Error)]
pub enum ModelError {
    /// The model file could not be read.
    #[error("cannot read model file {path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The file is not a well-formed tflite flatbuffer (truncated, bad offsets, ...).
    #[error("malformed tflite file: {0}")]
    Format(String),
    /// A tensor or operator the loader expects in the graph is absent.
    #[error("tensor or operator not found in the graph: {0}")]
    MissingTensor(String),
    /// The graph holds something this engine does not implement (other dtype,
    /// activation, padding mode, ...), so running it would not be faithful.
    #[error("unsupported graph feature: {0}")]
    Unsupported(String),
    /// A weight tensor has a shape that does not fit the layer it feeds.
    #[error("shape mismatch for {name}: {detail}")]
    Shape { name: String, detail: String },
    /// The caller's input cannot be run (empty, out-of-vocabulary id, bad mel size, ...).
    #[error("invalid input: {0}")]
    InvalidInput(String),
    /// The input is longer than the model's position table allows; split it
    /// (e.g. per sentence) and synthesize the parts separately.
    #[error("input too long: {what} is {len}, the model supports at most {max}")]
    InputTooLong {
        what: &'static str,
        len: usize,
        max: usize,
    },
}
