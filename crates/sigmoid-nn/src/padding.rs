//! [`Padding`] and the sliding-window geometry shared by [`Conv2D`](crate::Conv2D)
//! and [`MaxPooling2D`](crate::MaxPooling2D).
//!
//! # Keras' (TensorFlow's) `same` rule
//! Along each spatial axis with input length `n`, window `k` and stride `s`:
//! the output length is `ceil(n / s)`; the total padding is
//! `max((ceil(n / s) − 1)·s + k − n, 0)`; `floor(total / 2)` goes before
//! (top / left) and the rest after (bottom / right). So an even kernel, or an
//! odd one with a stride that does not divide `n`, pads one more row at the
//! bottom and one more column at the right than at the top and left.
//! `valid` pads nothing: the output length is `floor((n − k) / s) + 1`, and a
//! window larger than the input is an error.

use std::fmt;
use std::str::FromStr;

use crate::NnError;

/// How a window treats the borders of its input, as Keras' `padding=`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum Padding {
    /// No padding: only windows that fit inside the input (Keras' default).
    #[default]
    Valid,
    /// Zero padding (for pooling: padding that never wins the max) so that the
    /// output has `ceil(input / stride)` positions, split as the module
    /// documentation says.
    Same,
}

impl Padding {
    /// The Keras name: `valid` or `same`.
    pub fn name(self) -> &'static str {
        match self {
            Padding::Valid => "valid",
            Padding::Same => "same",
        }
    }
}

impl fmt::Display for Padding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

impl FromStr for Padding {
    type Err = NnError;
    fn from_str(s: &str) -> Result<Self, NnError> {
        match s.trim() {
            "valid" => Ok(Padding::Valid),
            "same" => Ok(Padding::Same),
            other => Err(NnError::InvalidArgument(format!(
                "unknown padding {other:?} (expected \"valid\" or \"same\")"
            ))),
        }
    }
}

/// One axis of a sliding window: the output length and the padding before.
/// `None` when a `valid` window is longer than the input.
pub(crate) fn axis(
    input: usize,
    window: usize,
    stride: usize,
    padding: Padding,
) -> Option<(usize, usize)> {
    match padding {
        Padding::Valid => (window <= input).then(|| ((input - window) / stride + 1, 0)),
        Padding::Same => {
            let out = input.div_ceil(stride);
            let total = ((out - 1) * stride + window).saturating_sub(input);
            Some((out, total / 2))
        }
    }
}

/// Where every window of a 2-D sliding operation reads, for one image of
/// shape (height, width, channels), channels last.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Window {
    pub(crate) in_h: usize,
    pub(crate) in_w: usize,
    pub(crate) channels: usize,
    pub(crate) kh: usize,
    pub(crate) kw: usize,
    pub(crate) sh: usize,
    pub(crate) sw: usize,
    pub(crate) out_h: usize,
    pub(crate) out_w: usize,
    pub(crate) pad_top: usize,
    pub(crate) pad_left: usize,
}

impl Window {
    /// The geometry, or `None` when a `valid` window does not fit.
    pub(crate) fn new(
        input: [usize; 3],
        window: (usize, usize),
        strides: (usize, usize),
        padding: Padding,
    ) -> Option<Self> {
        let [in_h, in_w, channels] = input;
        let (out_h, pad_top) = axis(in_h, window.0, strides.0, padding)?;
        let (out_w, pad_left) = axis(in_w, window.1, strides.1, padding)?;
        Some(Window {
            in_h,
            in_w,
            channels,
            kh: window.0,
            kw: window.1,
            sh: strides.0,
            sw: strides.1,
            out_h,
            out_w,
            pad_top,
            pad_left,
        })
    }

    /// Values in one input image.
    pub(crate) fn input_len(&self) -> usize {
        self.in_h * self.in_w * self.channels
    }

    /// Output positions per image.
    pub(crate) fn positions(&self) -> usize {
        self.out_h * self.out_w
    }

    /// The window columns `kx_lo..kx_hi` of output column `ox` that fall
    /// inside the input (the others are padding); empty when none does.
    #[inline]
    pub(crate) fn columns_inside(&self, ox: usize) -> (usize, usize) {
        Self::inside(ox * self.sw, self.pad_left, self.in_w, self.kw)
    }

    /// The window rows `ky_lo..ky_hi` of output row `oy` inside the input.
    #[inline]
    pub(crate) fn rows_inside(&self, oy: usize) -> (usize, usize) {
        Self::inside(oy * self.sh, self.pad_top, self.in_h, self.kh)
    }

    #[inline]
    fn inside(start: usize, pad: usize, len: usize, window: usize) -> (usize, usize) {
        let lo = pad.saturating_sub(start).min(window);
        let hi = (pad + len).saturating_sub(start).min(window);
        (lo, hi.max(lo))
    }

    /// The input row (or column) read by output position `o` at window
    /// offset `k` along an axis, or `None` in the padding.
    #[inline]
    pub(crate) fn source(
        o: usize,
        k: usize,
        stride: usize,
        pad: usize,
        len: usize,
    ) -> Option<usize> {
        (o * stride + k).checked_sub(pad).filter(|&i| i < len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_padding_follows_the_tensorflow_rule() {
        // n = 8, k = 3, s = 1: out 8, total 2, 1 before.
        assert_eq!(axis(8, 3, 1, Padding::Same), Some((8, 1)));
        // Even kernel: total 1, 0 before, 1 after.
        assert_eq!(axis(8, 2, 1, Padding::Same), Some((8, 0)));
        // n = 7, k = 3, s = 2: out 4, total (3·2 + 3 − 7) = 2, 1 before.
        assert_eq!(axis(7, 3, 2, Padding::Same), Some((4, 1)));
        // n = 8, k = 3, s = 2: out 4, total 1, 0 before (the extra at the end).
        assert_eq!(axis(8, 3, 2, Padding::Same), Some((4, 0)));
        // n = 5, k = 4, s = 2: out 3, total 3, 1 before, 2 after.
        assert_eq!(axis(5, 4, 2, Padding::Same), Some((3, 1)));
        assert_eq!(axis(5, 1, 3, Padding::Same), Some((2, 0)));
    }

    #[test]
    fn valid_padding_fits_or_fails() {
        assert_eq!(axis(8, 3, 1, Padding::Valid), Some((6, 0)));
        assert_eq!(axis(7, 3, 2, Padding::Valid), Some((3, 0)));
        assert_eq!(axis(2, 3, 1, Padding::Valid), None);
        assert_eq!("same".parse::<Padding>().unwrap(), Padding::Same);
        assert!("full".parse::<Padding>().is_err());
    }
}
