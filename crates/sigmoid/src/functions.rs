//! The public scalar functions, generic over [`Float`].

use crate::{Error, Float, Function};

/// The logistic sigmoid σ(x) = 1 / (1 + e^-x).
///
/// Accuracy: ≤ 1 ULP. In f32 the error is below 0.5001 ULP on every one of
/// the 2^32 inputs, on every SIMD path (checked exhaustively): the correctly
/// rounded result except for 12–20 near-ties. f64 results are correctly
/// rounded but for rare near-ties, except subnormal results (x < −708.4),
/// which may round twice (measured max 0.75 ULP over 10^7 inputs against
/// 192-bit arithmetic).
///
/// Special values: σ(NaN) = NaN, σ(+∞) = 1, σ(−∞) = +0, σ(±0) = 0.5. The
/// result is always in [0, 1] and monotone in x. There is no early
/// saturation: in f32, σ(x) < 1 up to x ≈ 17.33 and σ(x) > 0 down to
/// x ≈ −103.97 (subnormal results), as correct rounding demands.
///
/// ```
/// assert_eq!(sigmoid::sigmoid(0.0), 0.5);
/// assert_eq!(sigmoid::sigmoid(0.0_f32), 0.5);
/// assert!(sigmoid::sigmoid(17.0_f32) < 1.0); // TensorFlow returns 1.0 here
/// approx::assert_relative_eq!(sigmoid::sigmoid(2.0), 0.8807970779778823);
/// ```
/// # Accuracy tiers (slice forms)
/// Measured maxima over all 2^32 f32 inputs (AVX2 path) and 10^7 f64 inputs:
/// exact tier (`sigmoid::exact`) as above; default tier (the crate root's
/// `sigmoid_slice`) f32 0.7720 ULP, f64 0.7483 ULP, monotone; reaches 1 no earlier than the correctly rounded σ; fast tier
/// (`sigmoid::fast`) f32 2.5576 ULP (3.8521 on AVX-512; bound 4), f64 as default, not monotone (298,837 one-step reversals in f32); never reaches 1 early. Every
/// tier keeps the special values. This scalar form returns the exact tier's
/// result.
#[inline]
pub fn sigmoid<T: Float>(x: T) -> T {
    T::scalar(Function::Sigmoid, x)
}

/// σ'(x) = σ(x)·(1 − σ(x)) = σ(x)·σ(−x), computed from x.
///
/// Accurate in both tails: where peers' f32 σ has saturated to 1 (x ≳ 16.6),
/// their `s*(1-s)` is exactly 0, while this stays within 1 ULP everywhere.
/// Accuracy: ≤ 1 ULP (f32: < 0.5001 ULP on every input; f64: measured
/// max 0.75 ULP, in the subnormal range). σ'(NaN) = NaN, σ'(±∞) = 0, σ'(0) = 0.25.
///
/// ```
/// assert_eq!(sigmoid::sigmoid_derivative(0.0), 0.25);
/// assert!(sigmoid::sigmoid_derivative(20.0_f32) > 0.0);
/// ```
/// # Accuracy tiers (slice forms)
/// Measured maxima over all 2^32 f32 inputs (AVX2 path) and 10^7 f64 inputs:
/// exact tier (`sigmoid::exact`) as above; default tier (the crate root's
/// `sigmoid_derivative_slice`) f32 0.7654 ULP, f64 0.7507 ULP, non-increasing in |x|; fast tier
/// (`sigmoid::fast`) f32 3.7368 ULP (3.2208 on AVX-512; bound 4), f64 as default, not monotone in |x|. Every
/// tier keeps the special values. This scalar form returns the exact tier's
/// result.
#[inline]
pub fn sigmoid_derivative<T: Float>(x: T) -> T {
    T::scalar(Function::SigmoidDerivative, x)
}

/// The backward pass of σ: `dy · y · (1 − y)`, from the forward output `y`
/// and the upstream gradient `dy`, as backpropagation uses it.
///
/// Accuracy: f32 ≤ 0.5 + 2^-28 ULP; f64 ≤ 1 ULP. NaN in either argument gives NaN.
/// Note that when `y` has rounded to exactly 1 the result is 0; use
/// [`sigmoid_derivative`] when x is at hand.
///
/// ```
/// assert_eq!(sigmoid::sigmoid_backward(0.5, 2.0), 0.5);
/// ```
#[inline]
pub fn sigmoid_backward<T: Float>(y: T, dy: T) -> T {
    T::sigmoid_backward_scalar(y, dy)
}

/// log σ(x) = −softplus(−x), without overflow or cancellation.
///
/// Accuracy: ≤ 1 ULP (f32: < 0.5001 ULP on every input; f64: measured
/// max 0.75 ULP, in the subnormal range). log σ(NaN) = NaN, log σ(−∞) = −∞, log σ(+∞) = −0, log σ(0) = −ln 2.
///
/// ```
/// assert_eq!(sigmoid::log_sigmoid(-1000.0), -1000.0);
/// approx::assert_relative_eq!(sigmoid::log_sigmoid(0.0), -std::f64::consts::LN_2);
/// ```
/// # Accuracy tiers (slice forms)
/// Measured maxima over all 2^32 f32 inputs (AVX2 path) and 10^7 f64 inputs:
/// exact tier (`sigmoid::exact`) as above; default tier (the crate root's
/// `log_sigmoid_slice`) f32 0.7654 ULP, f64 0.7507 ULP, not monotone near 0 (153,615 reversals of < 1 ULP); fast tier
/// (`sigmoid::fast`) f32 2.8622 ULP (bound 4), f64 as default, not monotone. Every
/// tier keeps the special values. This scalar form returns the exact tier's
/// result.
#[inline]
pub fn log_sigmoid<T: Float>(x: T) -> T {
    T::scalar(Function::LogSigmoid, x)
}

/// softplus(x) = ln(1 + e^x), the antiderivative of σ.
///
/// Accuracy: ≤ 1 ULP (f32: < 0.5001 ULP on every input; f64: measured
/// max 0.75 ULP, in the subnormal range). softplus(NaN) = NaN, softplus(−∞) = +0, softplus(+∞) = +∞, softplus(0) = ln 2.
/// Subnormal results are kept (no flush to zero).
///
/// ```
/// assert_eq!(sigmoid::softplus(1000.0), 1000.0);
/// approx::assert_relative_eq!(sigmoid::softplus(0.0), std::f64::consts::LN_2);
/// ```
/// # Accuracy tiers (slice forms)
/// Measured maxima over all 2^32 f32 inputs (AVX2 path) and 10^7 f64 inputs:
/// exact tier (`sigmoid::exact`) as above; default tier (the crate root's
/// `softplus_slice`) f32 0.7654 ULP, f64 0.7483 ULP, not monotone near 0 (153,615 reversals of < 1 ULP); fast tier
/// (`sigmoid::fast`) f32 2.8622 ULP (bound 4), f64 as default, not monotone. Every
/// tier keeps the special values. This scalar form returns the exact tier's
/// result.
#[inline]
pub fn softplus<T: Float>(x: T) -> T {
    T::scalar(Function::Softplus, x)
}

/// logit(p) = ln(p / (1 − p)), the inverse of σ.
///
/// logit(0) = −∞, logit(1) = +∞, and NaN for NaN or p outside [0, 1]; use
/// [`try_logit`] for user-supplied probabilities. Accuracy: f32 < 0.5001 ULP
/// on every input; f64 ≤ 3 ULP (measured max 2.32 ULP).
///
/// ```
/// assert_eq!(sigmoid::logit(0.5), 0.0);
/// approx::assert_relative_eq!(sigmoid::logit(sigmoid::sigmoid(3.0)), 3.0, max_relative = 1e-15);
/// ```
#[inline]
pub fn logit<T: Float>(p: T) -> T {
    T::scalar(Function::Logit, p)
}

/// [`logit`] for user-supplied probabilities: an error instead of NaN.
///
/// # Errors
/// [`Error::ProbabilityOutOfRange`] if `p` is NaN or outside [0, 1].
///
/// ```
/// assert!(sigmoid::try_logit(1.5).is_err());
/// assert_eq!(sigmoid::try_logit(0.5).unwrap(), 0.0);
/// ```
pub fn try_logit<T: Float>(p: T) -> Result<T, Error> {
    check_probability(p, 0)?;
    Ok(T::scalar(Function::Logit, p))
}

pub(crate) fn check_probability<T: Float>(p: T, index: usize) -> Result<(), Error> {
    if p >= T::ZERO && p <= T::ONE {
        Ok(())
    } else {
        Err(Error::ProbabilityOutOfRange {
            value: p.to_f64(),
            index,
        })
    }
}

/// Binary cross-entropy from a logit `z` and a target `y`:
/// `max(z, 0) − z·y + ln(1 + e^−|z|)`, the stable form of
/// `−(y·ln σ(z) + (1 − y)·ln(1 − σ(z)))` that Keras and TensorFlow use.
///
/// Finite for every finite `z` (also `|z|` = `MAX`). At `z = ±∞` it returns
/// the limit with 0·∞ = 0: bce(+∞, 1) = 0, bce(+∞, y < 1) = +∞,
/// bce(−∞, 0) = 0, bce(−∞, y > 0) = +∞ (TensorFlow and PyTorch give NaN).
/// NaN in either argument gives NaN. Accuracy for y in [0, 1]: f32 ≤ 0.5 +
/// 2^-25 ULP (computed in f64, rounded once); f64 ≤ 2 ULP (measured max 1.24 ULP).
///
/// ```
/// approx::assert_relative_eq!(sigmoid::bce_with_logits(0.0, 1.0), std::f64::consts::LN_2);
/// assert_eq!(sigmoid::bce_with_logits(f64::INFINITY, 1.0), 0.0);
/// ```
#[inline]
pub fn bce_with_logits<T: Float>(z: T, y: T) -> T {
    T::bce_with_logits_scalar(z, y)
}

/// ReLU, max(x, 0), for comparison: exact; relu(NaN) = NaN, relu(−0) = +0.
///
/// ```
/// assert_eq!(sigmoid::relu(-2.0), 0.0);
/// assert_eq!(sigmoid::relu(3.0_f32), 3.0);
/// ```
#[inline]
pub fn relu<T: Float>(x: T) -> T {
    T::scalar(Function::Relu, x)
}

/// tanh, for comparison. f32: < 0.5001 ULP on every input; f64: ≤ 1 ULP
/// (double-double evaluation; measured max 0.5014 ULP).
///
/// ```
/// assert_eq!(sigmoid::tanh(0.0), 0.0);
/// ```
/// # Accuracy tiers (slice forms)
/// Measured maxima over all 2^32 f32 inputs (AVX2 path) and 10^7 f64 inputs:
/// exact tier (`sigmoid::exact`) as above; default tier (the crate root's
/// `tanh_slice`) f32 0.6778 ULP, f64 0.7902 ULP (0.7457 on the SIMD paths), monotone; fast tier
/// (`sigmoid::fast`) f32 3.8740 ULP (bound 4), f64 as default, 44 reversals; ±1 from |x| = 8.6427. Every
/// tier keeps the special values. This scalar form returns the exact tier's
/// result.
#[inline]
pub fn tanh<T: Float>(x: T) -> T {
    T::scalar(Function::Tanh, x)
}
