//! What the reference-check examples share: the correlation of two signals and the verdict.

use std::process::ExitCode;

/// Pearson correlation over the two signals' common length.
pub fn correlation(a: &[f32], b: &[f32]) -> f64 {
    let n = a.len().min(b.len()) as f64;
    let mean = |x: &[f32]| x.iter().map(|&v| v as f64).sum::<f64>() / n;
    let (ma, mb) = (mean(a), mean(b));
    let (mut sab, mut saa, mut sbb) = (0.0, 0.0, 0.0);
    for (&x, &y) in a.iter().zip(b) {
        let (x, y) = (x as f64 - ma, y as f64 - mb);
        sab += x * y;
        saa += x * x;
        sbb += y * y;
    }
    sab / (saa * sbb).sqrt()
}

/// Prints PASS or FAIL (or the error) and gives the exit code.
pub fn verdict(outcome: Result<bool, String>) -> ExitCode {
    match outcome {
        Ok(true) => {
            println!("reference check: PASS");
            ExitCode::SUCCESS
        }
        Ok(false) => {
            println!("reference check: FAIL");
            ExitCode::FAILURE
        }
        Err(e) => {
            eprintln!("reference check error: {e}");
            ExitCode::FAILURE
        }
    }
}
