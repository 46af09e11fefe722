//! Inverse of the monotonic rational-quadratic spline (Durkan et al., "Neural Spline
//! Flows") with linear tails, as the VITS duration predictor's coupling flows use it.

use super::encoder::softmax;

/// Half-width of the interval the spline covers; outside it the map is the identity.
const TAIL_BOUND: f32 = 5.0;
const MIN_BIN_WIDTH: f32 = 1e-3;
const MIN_BIN_HEIGHT: f32 = 1e-3;
const MIN_DERIVATIVE: f32 = 1e-3;

/// Knot positions from unnormalized bin sizes: softmax, floor at `min`, cumulative sum
/// scaled to [-B, B], ends pinned.
fn knots(unnormalized: &[f32], min: f32) -> Vec<f32> {
    let mut sizes = unnormalized.to_vec();
    softmax(&mut sizes);
    let n = sizes.len();
    let mut knots = Vec::with_capacity(n + 1);
    knots.push(-TAIL_BOUND);
    let mut sum = 0.0f32;
    for s in &sizes {
        sum += min + (1.0 - min * n as f32) * s;
        knots.push(2.0 * TAIL_BOUND * sum - TAIL_BOUND);
    }
    knots[n] = TAIL_BOUND;
    knots
}

fn softplus(x: f32) -> f32 {
    if x > 20.0 { x } else { x.exp().ln_1p() }
}

/// The `x` that the spline maps to `y`. `widths` and `heights` hold one unnormalized value
/// per bin, `derivatives` one per inner knot (the outer ones are 1, matching the tails).
pub fn inverse(y: f32, widths: &[f32], heights: &[f32], derivatives: &[f32]) -> f32 {
    if !(-TAIL_BOUND..=TAIL_BOUND).contains(&y) {
        return y;
    }
    let bins = widths.len();
    let xs = knots(widths, MIN_BIN_WIDTH);
    let ys = knots(heights, MIN_BIN_HEIGHT);
    let derivative = |k: usize| {
        if k == 0 || k == bins { 1.0 } else { MIN_DERIVATIVE + softplus(derivatives[k - 1]) }
    };
    // Bin whose [ys[k], ys[k+1]) holds y; the last knot is nudged up so y = B falls inside.
    let bin = (0..=bins)
        .filter(|&k| {
            let knot = if k == bins { ys[k] + 1e-6 } else { ys[k] };
            y >= knot
        })
        .count()
        .saturating_sub(1)
        .min(bins - 1);
    let (x0, width) = (xs[bin], xs[bin + 1] - xs[bin]);
    let (y0, height) = (ys[bin], ys[bin + 1] - ys[bin]);
    let delta = height / width;
    let (d0, d1) = (derivative(bin), derivative(bin + 1));
    let dy = y - y0;
    let a = dy * (d0 + d1 - 2.0 * delta) + height * (delta - d0);
    let b = height * d0 - dy * (d0 + d1 - 2.0 * delta);
    let c = -delta * dy;
    let discriminant = b * b - 4.0 * a * c;
    let root = (2.0 * c) / (-b - discriminant.max(0.0).sqrt());
    root * width + x0
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The forward spline, written out, to check `inverse` against.
    fn forward(x: f32, widths: &[f32], heights: &[f32], derivatives: &[f32]) -> f32 {
        let bins = widths.len();
        let xs = knots(widths, MIN_BIN_WIDTH);
        let ys = knots(heights, MIN_BIN_HEIGHT);
        let d = |k: usize| if k == 0 || k == bins { 1.0 } else { MIN_DERIVATIVE + softplus(derivatives[k - 1]) };
        let bin = (0..bins).rfind(|&k| x >= xs[k]).unwrap_or(0);
        let (w, h) = (xs[bin + 1] - xs[bin], ys[bin + 1] - ys[bin]);
        let s = h / w;
        let theta = (x - xs[bin]) / w;
        let t1 = theta * (1.0 - theta);
        let num = h * (s * theta * theta + d(bin) * t1);
        let den = s + (d(bin) + d(bin + 1) - 2.0 * s) * t1;
        ys[bin] + num / den
    }

    #[test]
    fn inverse_undoes_the_forward_spline_and_tails_are_identity() {
        let widths = [0.3, -1.0, 2.0, 0.0, 0.5];
        let heights = [1.0, 0.2, -0.7, 0.4, 0.0];
        let derivatives = [0.1, -2.0, 1.5, 0.3];
        for &x in &[-4.9f32, -2.0, -0.3, 0.0, 0.7, 3.3, 4.95] {
            let y = forward(x, &widths, &heights, &derivatives);
            let back = inverse(y, &widths, &heights, &derivatives);
            assert!((back - x).abs() < 1e-4, "x={x} y={y} back={back}");
        }
        assert_eq!(inverse(7.5, &widths, &heights, &derivatives), 7.5);
        assert_eq!(inverse(-5.5, &widths, &heights, &derivatives), -5.5);
    }
}
