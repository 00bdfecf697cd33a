//! im2col and its adjoint col2im: a convolution as one GEMM.
//!
//! For a batch of images (batch × h·w·c, channels last), `im2col` writes one
//! row per output position (batch·out_h·out_w rows, in row-major order of
//! (image, y, x)) holding the window's values in `[kh, kw, c]` row-major
//! order (zeros in the padding). That order is the row order of a Keras
//! kernel `[kh, kw, in, out]` seen as a (kh·kw·in × out) matrix, so
//! `cols · kernel` is the convolution, and its (batch·positions × out) result
//! is already the channels-last output (batch × out_h·out_w·out).

use ndarray::{Array2, ArrayView2, ArrayViewMut2};

use crate::padding::Window;

/// Fills `cols` ((batch·positions) × (kh·kw·c)) with the windows of `x`
/// (batch × h·w·c). Every element of `cols` is written (padding as 0).
///
/// A window row `ky` reads consecutive input columns, and the channels of
/// consecutive columns are adjacent in memory, so each (position, ky) is one
/// slice copy of the columns inside the image, with zeros either side.
pub(crate) fn im2col_into(x: ArrayView2<'_, f32>, w: &Window, mut cols: ArrayViewMut2<'_, f32>) {
    let x = x.as_standard_layout();
    let c = w.channels;
    let positions = w.positions();
    let cols = cols.as_slice_mut().expect("cols is contiguous");
    let k = w.kh * w.kw * c;
    let images = x.as_slice().expect("standard layout");
    for (b, image) in images.chunks_exact(w.input_len()).enumerate() {
        for oy in 0..w.out_h {
            for ox in 0..w.out_w {
                let r = b * positions + oy * w.out_w + ox;
                let row = &mut cols[r * k..(r + 1) * k];
                let (kx_lo, kx_hi) = w.columns_inside(ox);
                for ky in 0..w.kh {
                    let dst = &mut row[ky * w.kw * c..(ky + 1) * w.kw * c];
                    match Window::source(oy, ky, w.sh, w.pad_top, w.in_h) {
                        Some(iy) if kx_lo < kx_hi => {
                            let ix = ox * w.sw + kx_lo - w.pad_left;
                            let at = (iy * w.in_w + ix) * c;
                            dst[..kx_lo * c].fill(0.0);
                            dst[kx_lo * c..kx_hi * c]
                                .copy_from_slice(&image[at..at + (kx_hi - kx_lo) * c]);
                            dst[kx_hi * c..].fill(0.0);
                        }
                        _ => dst.fill(0.0),
                    }
                }
            }
        }
    }
}

/// The windows of `x` as a new ((batch·positions) × (kh·kw·c)) matrix.
pub(crate) fn im2col(x: ArrayView2<'_, f32>, w: &Window) -> Array2<f32> {
    let mut cols = Array2::zeros((x.nrows() * w.positions(), w.kh * w.kw * w.channels));
    im2col_into(x, w, cols.view_mut());
    cols
}

/// The adjoint of [`im2col`]: adds each row of `cols` back onto the input
/// positions its window read, giving (batch × h·w·c).
pub(crate) fn col2im(cols: ArrayView2<'_, f32>, w: &Window, batch: usize) -> Array2<f32> {
    let cols = cols.as_standard_layout();
    let cols = cols.as_slice().expect("standard layout");
    let c = w.channels;
    let k = w.kh * w.kw * c;
    let positions = w.positions();
    let mut out = Array2::<f32>::zeros((batch, w.input_len()));
    let out_s = out.as_slice_mut().expect("standard layout");
    for (b, image) in out_s.chunks_exact_mut(w.input_len()).enumerate() {
        for oy in 0..w.out_h {
            for ox in 0..w.out_w {
                let r = b * positions + oy * w.out_w + ox;
                let row = &cols[r * k..(r + 1) * k];
                let (kx_lo, kx_hi) = w.columns_inside(ox);
                if kx_lo >= kx_hi {
                    continue;
                }
                for ky in 0..w.kh {
                    let Some(iy) = Window::source(oy, ky, w.sh, w.pad_top, w.in_h) else {
                        continue;
                    };
                    let ix = ox * w.sw + kx_lo - w.pad_left;
                    let at = (iy * w.in_w + ix) * c;
                    let len = (kx_hi - kx_lo) * c;
                    let src = &row[(ky * w.kw + kx_lo) * c..(ky * w.kw + kx_lo) * c + len];
                    for (o, v) in image[at..at + len].iter_mut().zip(src) {
                        *o += v;
                    }
                }
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::Padding;

    /// ⟨im2col(x), y⟩ = ⟨x, col2im(y)⟩ for any x, y: col2im is im2col's adjoint.
    #[test]
    fn col2im_is_the_adjoint_of_im2col() {
        for (padding, strides, kernel) in [
            (Padding::Same, (2, 1), (3, 2)),
            (Padding::Valid, (1, 2), (2, 3)),
            (Padding::Same, (1, 1), (4, 4)),
        ] {
            let w = Window::new([5, 6, 2], kernel, strides, padding).unwrap();
            let x = Array2::from_shape_fn((2, w.input_len()), |(i, j)| {
                ((i * 31 + j * 7) % 13) as f32 - 6.0
            });
            let cols = im2col(x.view(), &w);
            let y =
                Array2::from_shape_fn(cols.raw_dim(), |(i, j)| ((i * 5 + j * 11) % 9) as f32 - 4.0);
            let lhs: f32 = (&cols * &y).sum();
            let rhs: f32 = (&x * &col2im(y.view(), &w, 2)).sum();
            assert_eq!(lhs, rhs, "{padding:?} {strides:?} {kernel:?}");
        }
    }
}
