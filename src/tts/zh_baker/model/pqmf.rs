//! PQMF synthesis: merges the generator's 4 sub-band signals into one
//! full-band signal. In the graph this is a stride-4 transposed conv
//! (upsampling by zero insertion, scaled by the band count), zero padding, and
//! a 63-tap VALID conv holding the synthesis filters; all of them constants.

use super::error::ModelError;
use super::graph::Graph;
use super::layers::{ConvTranspose1d, Conv1d};
use super::tensor::Seq;
use super::tflite::opcode;

pub struct Pqmf {
    upsample: ConvTranspose1d,
    /// Zero steps added on each side before the synthesis filter.
    pad: usize,
    filter: Conv1d,
}

impl Pqmf {
    pub fn load(graph: &Graph) -> Result<Self, ModelError> {
        let upsample = ConvTranspose1d::load(graph, "conv1d_transpose", false)?;
        let pad_op = graph.op_with_prefix(opcode::PAD, "Pad;")?;
        let paddings = graph.i32_const(graph.input(pad_op, 1)?)?;
        // [[0, 0], [p, p], [0, 0]]: pad the time axis only, symmetrically.
        let pad = match paddings[..] {
            [0, 0, before, after, 0, 0] if before == after && before >= 0 => before as usize,
            _ => return Err(ModelError::Unsupported(format!("PQMF padding {paddings:?}"))),
        };
        let filter = Conv1d::load(graph, "conv1d;")?;
        if filter.out_channels() != 1 {
            return Err(ModelError::Unsupported("PQMF filter with more than one output".into()));
        }
        Ok(Pqmf { upsample, pad, filter })
    }

    /// Output samples per sub-band sample.
    pub fn bands(&self) -> usize {
        self.upsample.stride()
    }

    /// `[steps, bands]` sub-band signals → `steps * bands` samples.
    pub fn synthesize(&self, subbands: &Seq) -> Vec<f32> {
        let upsampled = self.upsample.forward(subbands);
        self.filter.forward_valid(&upsampled.pad_zero(self.pad, self.pad)).data
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn impulse_response_is_the_scaled_synthesis_filter() {
        let Some(dir) = std::env::var_os("ZH_BAKER_DIR") else {
            eprintln!("note: ZH_BAKER_DIR not set, skipping PQMF test");
            return;
        };
        let graph = Graph::load(&std::path::Path::new(&dir).join("mb_melgan.tflite")).expect("load");
        let pqmf = Pqmf::load(&graph).expect("pqmf");
        let bands = pqmf.bands();
        assert_eq!(bands, 4);
        let op = graph.op_with_prefix(opcode::CONV_2D, "conv1d;").expect("filter op");
        let taps = graph.f32_const(graph.input(op, 1).expect("weights")).expect("taps"); // [1, 1, 63, 4]
        let kernel = taps.shape[2];
        let (steps, t0) = (30, 10);
        for band in 0..bands {
            let mut x = Seq::zeros(steps, bands);
            x.data[t0 * bands + band] = 1.0;
            let y = pqmf.synthesize(&x);
            assert_eq!(y.len(), steps * bands);
            // The upsampler puts 4·x at position 4·t0; the filter then spreads it backwards.
            for (n, &got) in y.iter().enumerate() {
                let j = (bands * t0 + pqmf.pad) as isize - n as isize;
                let want = if (0..kernel as isize).contains(&j) {
                    bands as f32 * taps.data[j as usize * bands + band]
                } else {
                    0.0
                };
                assert!((got - want).abs() < 1e-6, "band {band} n {n}: {got} vs {want}");
            }
        }
    }
}
