//! Property tests: identities and contracts of the sigmoid family on random inputs.

use proptest::prelude::*;

/// f32 ULP distance between two finite values of the same sign.
fn ulps_f32(a: f32, b: f32) -> u32 {
    (a.to_bits() as i64 - b.to_bits() as i64).unsigned_abs() as u32
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    /// σ(−x) = 1 − σ(x): exact where 1 − σ(x) is representable (σ(x) ≥ 0.25).
    #[test]
    fn symmetry_f32(x in -16.0_f32..1.0) {
        let lhs = sigmoid::sigmoid(-x);
        let rhs = 1.0 - sigmoid::sigmoid(x);
        // 1 − σ(x) rounds once more, so allow that rounding plus σ's own bound.
        prop_assert!((lhs - rhs).abs() <= 2.0 * f32::EPSILON * lhs.max(rhs), "{x}: {lhs} vs {rhs}");
    }

    #[test]
    fn symmetry_f64(x in -30.0_f64..1.0) {
        let lhs = sigmoid::sigmoid(-x);
        let rhs = 1.0 - sigmoid::sigmoid(x);
        prop_assert!((lhs - rhs).abs() <= 2.0 * f64::EPSILON * lhs.max(rhs), "{x}: {lhs} vs {rhs}");
    }

    #[test]
    fn bounds_and_finiteness_f64(x in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO) {
        let s = sigmoid::sigmoid(x);
        prop_assert!((0.0..=1.0).contains(&s));
        let d = sigmoid::sigmoid_derivative(x);
        prop_assert!((0.0..=0.25).contains(&d));
        prop_assert!(sigmoid::softplus(x).is_finite() && sigmoid::softplus(x) >= 0.0);
        prop_assert!(sigmoid::log_sigmoid(x).is_finite() && sigmoid::log_sigmoid(x) <= 0.0);
        prop_assert!(sigmoid::bce_with_logits(x, 0.0).is_finite());
        prop_assert!(sigmoid::bce_with_logits(x, 1.0).is_finite());
    }

    #[test]
    fn monotone_f64(a in -800.0_f64..800.0, b in -800.0_f64..800.0) {
        let (lo, hi) = if a <= b { (a, b) } else { (b, a) };
        prop_assert!(sigmoid::sigmoid(lo) <= sigmoid::sigmoid(hi));
        prop_assert!(sigmoid::log_sigmoid(lo) <= sigmoid::log_sigmoid(hi));
        prop_assert!(sigmoid::softplus(lo) <= sigmoid::softplus(hi));
    }

    /// σ' against a central finite difference of σ. σ' is even, so the
    /// difference is taken at −|x|, where σ is small and has full relative
    /// precision (near 1 the rounding of σ would swamp the difference).
    #[test]
    fn derivative_matches_finite_difference(x in -30.0_f64..30.0) {
        let a = -x.abs();
        let h = 1e-5;
        let fd = (sigmoid::sigmoid(a + h) - sigmoid::sigmoid(a - h)) / (2.0 * h);
        let d = sigmoid::sigmoid_derivative(x);
        prop_assert!((fd - d).abs() <= 1e-8 * d, "{x}: {fd} vs {d}");
    }

    /// σ'(x) = σ(x)·σ(−x) and the backward pass from y agree in the middle.
    #[test]
    fn derivative_and_backward_agree_f32(x in -8.0_f32..8.0, dy in -4.0_f32..4.0) {
        let y = sigmoid::sigmoid(x);
        let backward = sigmoid::sigmoid_backward(y, dy);
        let direct = dy * sigmoid::sigmoid_derivative(x);
        // y carries half an ULP of rounding, which 1 − y (or y) amplifies by
        // 1/min(y, 1 − y): the reason the derivative is better taken from x.
        let amplification = 1.0 / y.min(1.0 - y);
        let tolerance = (4.0 + amplification) * f32::EPSILON * direct.abs() + f32::MIN_POSITIVE;
        prop_assert!((backward - direct).abs() <= tolerance, "{x}: {backward} vs {direct}");
    }

    /// logit inverts σ: within a few ULPs of x wherever σ(x) is not saturated.
    #[test]
    fn logit_inverts_sigmoid_f64(x in -30.0_f64..30.0) {
        let back = sigmoid::logit(sigmoid::sigmoid(x));
        // σ rounds to the nearest representable probability; its relative
        // resolution near 1 limits how well x can come back.
        let s = sigmoid::sigmoid(x);
        let tolerance = 4.0 * f64::EPSILON / (s * (1.0 - s)) * s.max(1.0 - s) + 4.0 * f64::EPSILON * x.abs();
        prop_assert!((back - x).abs() <= tolerance, "{x}: {back}");
    }

    /// σ(logit(p)) = p, up to the rounding of logit(p) = z: its relative
    /// error of half an ULP moves σ by about |z|·(1 − p) ULPs of p.
    #[test]
    fn sigmoid_of_logit_is_identity_f32(p in 0.0001_f32..0.9999) {
        let z = sigmoid::logit(p);
        let back = sigmoid::sigmoid(z);
        let allowed = 2 + (z.abs() * (1.0 - p)).ceil() as u32;
        prop_assert!(ulps_f32(back, p) <= allowed, "{p}: {back}");
    }

    /// log σ(x) = ln σ(x) where σ(x) is not tiny.
    #[test]
    fn log_sigmoid_is_log_of_sigmoid(x in -30.0_f64..30.0) {
        let direct = sigmoid::sigmoid(x).ln();
        let ours = sigmoid::log_sigmoid(x);
        // ln σ(x) inherits σ's rounding as an absolute error (≤ ε): near
        // σ = 1 that is large relative to the tiny result.
        prop_assert!((direct - ours).abs() <= 2.0 * f64::EPSILON + 4.0 * f64::EPSILON * ours.abs(),
            "{x}: {direct} vs {ours}");
    }

    /// BCE equals −(y ln σ(z) + (1−y) ln(1−σ(z))) where that form is accurate.
    #[test]
    fn bce_matches_definition(z in -15.0_f64..15.0, y in 0.0_f64..=1.0) {
        let ours = sigmoid::bce_with_logits(z, y);
        let naive = -(y * sigmoid::log_sigmoid(z) + (1.0 - y) * sigmoid::log_sigmoid(-z));
        prop_assert!((ours - naive).abs() <= 1e-12 * naive.abs().max(1.0), "{z} {y}: {ours} vs {naive}");
    }

    /// Slice forms agree with the scalar functions at any offset and length:
    /// the same bits, or (at the rare near-ties where the SIMD path rounds
    /// the other way) one ULP apart.
    #[test]
    fn slices_match_scalars(xs in proptest::collection::vec(-120.0_f32..120.0, 0..300), offset in 0usize..8) {
        let input = &xs[offset.min(xs.len())..];
        let mut out = vec![0.0_f32; input.len()];
        sigmoid::sigmoid_slice(input, &mut out);
        for (&x, &y) in input.iter().zip(&out) {
            prop_assert!(ulps_f32(y, sigmoid::sigmoid(x)) <= 1, "σ({x})");
        }
        sigmoid::log_sigmoid_slice(input, &mut out);
        for (&x, &y) in input.iter().zip(&out) {
            prop_assert!(ulps_f32(y, sigmoid::log_sigmoid(x)) <= 1, "log σ({x})");
        }
        let mut inplace = input.to_vec();
        sigmoid::sigmoid_derivative_inplace(&mut inplace);
        for (&x, &y) in input.iter().zip(&inplace) {
            prop_assert!(ulps_f32(y, sigmoid::sigmoid_derivative(x)) <= 1, "σ'({x})");
        }
        // Position independence: the same elements at another offset give the same bits.
        if input.len() > 1 {
            let mut shifted = vec![0.0_f32; input.len() - 1];
            sigmoid::sigmoid_slice(&input[1..], &mut shifted);
            let mut again = vec![0.0_f32; input.len()];
            sigmoid::sigmoid_slice(input, &mut again);
            prop_assert_eq!(&again[1..], &shifted[..]);
        }
    }
}

#[test]
fn length_mismatch_panics_with_a_message() {
    let result = std::panic::catch_unwind(|| {
        let mut out = [0.0_f32; 2];
        sigmoid::sigmoid_slice(&[1.0_f32, 2.0, 3.0], &mut out);
    });
    let message = result.expect_err("must panic");
    let text = message.downcast_ref::<String>().expect("formatted message");
    assert!(
        text.contains("sigmoid_slice") && text.contains("3") && text.contains("2"),
        "{text}"
    );
}

#[test]
fn try_logit_rejects_bad_probabilities() {
    let err = sigmoid::try_logit(f64::NAN).unwrap_err();
    assert!(matches!(
        err,
        sigmoid::Error::ProbabilityOutOfRange { index: 0, .. }
    ));
    let mut out = [0.0_f32; 3];
    let err = sigmoid::try_logit_slice(&[0.5_f32, 1.5, 0.2], &mut out).unwrap_err();
    assert_eq!(
        err.to_string(),
        "probability 1.5 at index 1 is not in [0, 1]"
    );
    sigmoid::try_logit_slice(&[0.5_f32, 1.0, 0.0], &mut out).unwrap();
    assert_eq!(out, [0.0, f32::INFINITY, f32::NEG_INFINITY]);
}

#[test]
fn bce_mean_is_accurate_and_handles_empty() {
    let z = vec![2.0_f32; 1_000_001];
    let y = vec![1.0_f32; 1_000_001];
    let mean = sigmoid::bce_with_logits_mean(&z, &y);
    assert_eq!(mean, sigmoid::bce_with_logits(2.0_f32, 1.0));
    assert!(sigmoid::bce_with_logits_mean::<f64>(&[], &[]).is_nan());
}

#[test]
fn backward_slice_matches_scalar() {
    let y: Vec<f64> = (0..=100).map(|i| f64::from(i) / 100.0).collect();
    let dy: Vec<f64> = (0..=100).map(|i| 1.0 - f64::from(i) / 37.0).collect();
    let mut dx = vec![0.0; y.len()];
    sigmoid::sigmoid_backward_slice(&y, &dy, &mut dx);
    for i in 0..y.len() {
        assert_eq!(dx[i], sigmoid::sigmoid_backward(y[i], dy[i]));
    }
    let mut grad = dy.clone();
    sigmoid::sigmoid_backward_inplace(&y, &mut grad);
    assert_eq!(grad, dx);
}
