//! Numbers typed on the command line or read from stdin.
//!
//! Self-contained (it uses only the `sigmoid` and `half` crates) because the
//! `fuzz/` crate compiles this file on its own, without the CLI's other
//! dependencies.

use std::fmt;

use half::{bf16, f16};

/// A token that is not a number.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseNumberError;

impl fmt::Display for ParseNumberError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("not a number (expected e.g. 2.5, -1e3, inf, -inf, nan)")
    }
}

impl std::error::Error for ParseNumberError {}

/// A floating-point type that [`parse_number`] can produce.
pub trait ParseFloat: sigmoid::Float {
    /// The nearest value of this type to the decimal `text` (already
    /// normalised: no spaces, lower case, no sign on `nan`), or `None`.
    fn from_decimal(text: &str) -> Option<Self>;
}

impl ParseFloat for f32 {
    /// Correctly rounded (the standard library's parser).
    fn from_decimal(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

impl ParseFloat for f64 {
    /// Correctly rounded (the standard library's parser).
    fn from_decimal(text: &str) -> Option<Self> {
        text.parse().ok()
    }
}

/// The decimal rounded to the nearest `f64`, then to the nearest half type.
/// That is the correctly rounded half value except for a decimal within
/// 2⁻⁵³ (relative) of a point halfway between two half values, where the two
/// roundings can go the other way; `half`'s own parser rounds through `f32`,
/// which widens that window to 2⁻²⁴.
fn via_f64<T: sigmoid::Float>(text: &str) -> Option<T> {
    text.parse::<f64>().ok().map(T::from_f64)
}

impl ParseFloat for f16 {
    /// Through `f64`: see the module's notes on double rounding.
    fn from_decimal(text: &str) -> Option<Self> {
        via_f64(text)
    }
}

impl ParseFloat for bf16 {
    /// Through `f64`: see the module's notes on double rounding.
    fn from_decimal(text: &str) -> Option<Self> {
        via_f64(text)
    }
}

/// Parses one number: a decimal (`2.5`, `-1e3`, `.5`, `+7`), or `inf`,
/// `infinity`, `nan`, each with an optional sign and in any case, with
/// surrounding whitespace ignored. `-nan` and `+nan` are NaN. The value is
/// the nearest of type `T` (for `f16` and `bf16`, see [`ParseFloat`]'s
/// implementations).
///
/// # Errors
/// [`ParseNumberError`] for anything else, including an empty token.
///
/// # Examples
/// ```
/// use sigmoid_cli::parse::parse_number;
///
/// assert_eq!(parse_number::<f64>("-1e5"), Ok(-1e5));
/// assert_eq!(parse_number::<f64>("-Infinity"), Ok(f64::NEG_INFINITY));
/// assert!(parse_number::<f32>("-nan").unwrap().is_nan());
/// assert_eq!(parse_number::<half::f16>("70000"), Ok(half::f16::INFINITY));
/// assert!(parse_number::<f64>("1e").is_err());
/// ```
pub fn parse_number<T: ParseFloat>(token: &str) -> Result<T, ParseNumberError> {
    let lowered = token.trim().to_ascii_lowercase();
    let normalised = match lowered.as_str() {
        "+nan" | "-nan" => "nan",
        other => other,
    };
    T::from_decimal(normalised).ok_or(ParseNumberError)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn signs_and_special_values() {
        for (token, value) in [
            ("-inf", f64::NEG_INFINITY),
            ("+inf", f64::INFINITY),
            ("INF", f64::INFINITY),
            ("-Infinity", f64::NEG_INFINITY),
            ("-1", -1.0),
            ("-1e5", -1e5),
            ("  .5\t", 0.5),
        ] {
            assert_eq!(parse_number::<f64>(token), Ok(value), "{token}");
        }
        for token in ["nan", "-nan", "+NaN"] {
            assert!(parse_number::<f64>(token).unwrap().is_nan(), "{token}");
            assert!(parse_number::<bf16>(token).unwrap().is_nan(), "{token}");
        }
        for token in ["", " ", "1e", "abc", "--1", "1,5", "0x10", "nan1"] {
            assert_eq!(
                parse_number::<f64>(token),
                Err(ParseNumberError),
                "{token:?}"
            );
        }
    }

    #[test]
    fn half_types_round_to_nearest() {
        assert_eq!(parse_number::<f16>("0.1"), Ok(f16::from_f64(0.1)));
        assert_eq!(parse_number::<f16>("65520"), Ok(f16::INFINITY));
        assert_eq!(parse_number::<f16>("65519"), Ok(f16::MAX));
        assert_eq!(parse_number::<bf16>("-3.0e38"), Ok(bf16::from_f64(-3.0e38)));
        // 1 + 2^-11 + 2^-40 is just above the midpoint between 1 and the next
        // f16: through f32 (half's parser) it rounds to the midpoint and then
        // to even (1); through f64 it rounds up, as it should.
        let above_midpoint = "1.0004882812509094947017729282379150390625";
        assert_eq!(
            parse_number::<f16>(above_midpoint),
            Ok(f16::from_bits(0x3c01))
        );
        assert_eq!(above_midpoint.parse::<f16>(), Ok(f16::ONE));
    }
}
