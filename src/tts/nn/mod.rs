//! Neural-network kernels shared by the native engines (zh-baker's FastSpeech2 + MelGAN,
//! piper's VITS): the time-major activation type, a GEMM split over the rayon pool, and the
//! convolutions built on it. Engines load their own weights (tflite, ONNX) into these layers.

pub mod conv;
pub mod fast_conv;
pub mod gemm;
pub mod packed;
pub mod tensor;
pub mod winograd;
