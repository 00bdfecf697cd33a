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
pub(crate) fn im2col_into(x: ArrayView2<'_, f32>, w: &Window, mut cols: ArrayViewMut2<'_, f32>) {
    let x = x.as_standard_layout();
    let c = w.channels;
    let positions = w.positions();
    let cols = cols.as_slice_mut().expect("cols is contiguous");
    let k = w.kh * w.kw * c;
    for (b, image) in x
        .as_slice()
        .expect("standard layout")
        .chunks_exact(w.input_len())
        .enumerate()
    {
        for oy in 0..w.out_h {
            for ox in 0..w.out_w {
                let r = b * positions + oy * w.out_w + ox;
                let row = &mut cols[r * k..(r + 1) * k];
                for ky in 0..w.kh {
                    let dst = &mut row[ky * w.kw * c..(ky + 1) * w.kw * c];
                    let Some(iy) = Window::source(oy, ky, w.sh, w.pad_top, w.in_h) else {
                        dst.fill(0.0);
                        continue;
                    };
                    for kx in 0..w.kw {
                        let cell = &mut dst[kx * c..(kx + 1) * c];
                        match Window::source(ox, kx, w.sw, w.pad_left, w.in_w) {
                            Some(ix) => {
                                let at = (iy * w.in_w + ix) * c;
                                cell.copy_from_slice(&image[at..at + c]);
                            }
                            None => cell.fill(0.0),
                        }
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
                for ky in 0..w.kh {
                    let Some(iy) = Window::source(oy, ky, w.sh, w.pad_top, w.in_h) else {
                        continue;
                    };
                    for kx in 0..w.kw {
                        if let Some(ix) = Window::source(ox, kx, w.sw, w.pad_left, w.in_w) {
                            let at = (iy * w.in_w + ix) * c;
                            let src = &row[(ky * w.kw + kx) * c..(ky * w.kw + kx + 1) * c];
                            for (o, v) in image[at..at + c].iter_mut().zip(src) {
                                *o += v;
                            }
                        }
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
