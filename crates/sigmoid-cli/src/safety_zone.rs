//! The "safety zone" {x : σ'(x) > c} and the chart of σ and σ' with it
//! shaded: drawn by `sigmoid plot` and by `sigmoid explain all`.
//!
//! Since σ' = σ(1 − σ), σ'(x) > c ⇔ σ ∈ ((1 − r)/2, (1 + r)/2) with
//! r = √(1 − 4c), that is |x| < ln((1 + r)/(1 − r)).

use anyhow::{Result, bail};
use serde::Serialize;

use crate::charts::{self, LineChart, Series, Strip, Style};

/// The safety zone {x : σ'(x) > c}.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct SafetyZone {
    /// The threshold c.
    pub threshold: f64,
    /// The zone is |x| < x_bound.
    pub x_bound: f64,
    /// σ(−x_bound) = (1 − r)/2.
    pub sigmoid_low: f64,
    /// σ(x_bound) = (1 + r)/2.
    pub sigmoid_high: f64,
}

/// The safety zone for threshold `c`, in closed form.
///
/// # Errors
/// If `c` is not in (0, 0.25) (σ' has its maximum 0.25 at 0).
pub fn safety_zone(c: f64) -> Result<SafetyZone> {
    if !(c > 0.0 && c < 0.25) {
        bail!("--zone must be in (0, 0.25) (the maximum of σ' is 0.25), got {c}");
    }
    let r = (1.0 - 4.0 * c).sqrt();
    // ln((1 + r)/(1 − r)) with 1 − r = 4c/(1 + r), free of cancellation for small c.
    let x_bound = 2.0 * r.ln_1p() - (4.0 * c).ln();
    // (1 − r)/2 = 2c/(1 + r), again without cancellation.
    let sigmoid_low = 2.0 * c / (1.0 + r);
    Ok(SafetyZone {
        threshold: c,
        x_bound,
        sigmoid_low,
        sigmoid_high: 1.0 - sigmoid_low,
    })
}

/// The chart of σ and σ' over [from, to] with the zone shaded.
pub fn sigmoid_chart(from: f64, to: f64, zone: &SafetyZone) -> LineChart {
    const N: usize = 800;
    let xs: Vec<f64> = (0..=N)
        .map(|i| from + (to - from) * i as f64 / N as f64)
        .collect();
    let sig = xs.iter().map(|&x| (x, sigmoid::sigmoid(x))).collect();
    let der = xs
        .iter()
        .map(|&x| (x, sigmoid::sigmoid_derivative(x)))
        .collect();
    let mut chart = LineChart::new(
        "The sigmoid σ(x) = 1/(1+e^-x) and its derivative σ'(x) = σ(x)(1−σ(x))",
        "x",
        "value",
    );
    chart.series = vec![
        Series::new("σ(x)", charts::BLUE, Style::Line).points(sig),
        Series::new("σ'(x)", charts::ORANGE, Style::Line).points(der),
    ];
    let (x0, x1) = ((-zone.x_bound).max(from), zone.x_bound.min(to));
    if x0 < x1 {
        chart.strips.push(Strip {
            label: format!(
                "safety zone σ'(x) > {}: |x| < {:.3}",
                zone.threshold, zone.x_bound
            ),
            color: charts::GREEN,
            x0,
            x1,
        });
    }
    chart.hlines = vec![0.0, zone.threshold, 0.5, 1.0];
    chart.x_range = (from, to);
    chart.y_range = (-0.03, 1.05);
    chart
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zone_closed_form() {
        let z = safety_zone(0.01).unwrap();
        assert!((z.x_bound - 4.585).abs() < 5e-4, "{}", z.x_bound);
        let r = 0.96_f64.sqrt();
        assert!((z.x_bound - ((1.0 + r) / (1.0 - r)).ln()).abs() < 1e-12);
        assert!((sigmoid::sigmoid_derivative(z.x_bound) - 0.01).abs() < 1e-15);
        assert!((sigmoid::sigmoid(z.x_bound) - z.sigmoid_high).abs() < 1e-15);
        assert!((z.sigmoid_low - 0.0101).abs() < 1e-4);
        for c in [1e-12, 1e-6, 0.1, 0.2499] {
            let z = safety_zone(c).unwrap();
            let rel = (sigmoid::sigmoid_derivative(z.x_bound) - c).abs() / c;
            assert!(rel < 1e-9, "c = {c}: {rel}");
        }
        assert!(safety_zone(0.0).is_err());
        assert!(safety_zone(0.25).is_err());
        assert!(safety_zone(f64::NAN).is_err());
    }
}
