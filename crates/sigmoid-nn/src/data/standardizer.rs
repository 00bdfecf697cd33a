//! [`Standardizer`]: per-feature `(x − mean) / std`, the statistics a saved
//! model carries in its metadata.

use ndarray::{Array1, Array2, ArrayView2, AsArray, Ix2};
use serde::{Deserialize, Serialize};

use crate::NnError;

/// Per-feature standardisation `(x − mean) / std`, with the population
/// standard deviation (divided by n, not n − 1) of the rows it was fit on; a
/// constant feature gets std 1, so that it maps to 0 rather than NaN.
///
/// ```
/// use ndarray::array;
/// use sigmoid_nn::data::Standardizer;
///
/// let s = Standardizer::fit(&array![[1.0_f32, 5.0], [3.0, 5.0]]);
/// assert_eq!(s.mean.to_vec(), vec![2.0, 5.0]);
/// assert_eq!(s.std.to_vec(), vec![1.0, 1.0]); // population std of 1, 3; constant column
/// assert_eq!(s.transform(&array![[3.0_f32, 5.0]]), array![[1.0_f32, 0.0]]);
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct Standardizer {
    /// The mean of each feature.
    pub mean: Array1<f32>,
    /// The population standard deviation of each feature.
    pub std: Array1<f32>,
}

#[derive(Serialize, Deserialize)]
struct StandardizerJson {
    mean: Vec<f32>,
    std: Vec<f32>,
}

impl Standardizer {
    /// Fits on the rows of `x` (accumulating in f64).
    ///
    /// # Panics
    /// If `x` has no rows.
    pub fn fit<'a>(x: impl AsArray<'a, f32, Ix2>) -> Self {
        let x: ArrayView2<'a, f32> = x.into();
        assert!(x.nrows() > 0, "Standardizer::fit: no rows");
        let n = x.nrows() as f64;
        // Row by row with one accumulator per feature: each column is summed
        // in row order as a column-by-column loop would, but the matrix is
        // read in memory order, twice, instead of once per feature.
        let mut sums = vec![0.0_f64; x.ncols()];
        for row in x.rows() {
            for (s, &v) in sums.iter_mut().zip(row) {
                *s += f64::from(v);
            }
        }
        let means: Vec<f64> = sums.iter().map(|s| s / n).collect();
        let mut squares = vec![0.0_f64; x.ncols()];
        for row in x.rows() {
            for ((s, &v), m) in squares.iter_mut().zip(row).zip(&means) {
                *s += (f64::from(v) - m).powi(2);
            }
        }
        Self::from_sums(&means, &squares, n)
    }

    /// The standardizer of `n` rows with these means and sums of squared
    /// deviations from the mean, per feature (what [`fit`](Standardizer::fit)
    /// computes, for data that is read in parts).
    pub fn from_sums(means: &[f64], squares: &[f64], n: f64) -> Self {
        let mean: Vec<f32> = means.iter().map(|&m| m as f32).collect();
        let std: Vec<f32> = squares
            .iter()
            .map(|sq| {
                let s = (sq / n).sqrt();
                if s > 0.0 && s.is_finite() {
                    s as f32
                } else {
                    1.0
                }
            })
            .collect();
        Standardizer {
            mean: Array1::from_vec(mean),
            std: Array1::from_vec(std),
        }
    }

    /// `(x − mean) / std`, column by column.
    ///
    /// # Panics
    /// If `x` does not have as many columns as the standardizer has features.
    pub fn transform<'a>(&self, x: impl AsArray<'a, f32, Ix2>) -> Array2<f32> {
        let x: ArrayView2<'a, f32> = x.into();
        assert_eq!(
            x.ncols(),
            self.mean.len(),
            "Standardizer::transform: wrong number of columns"
        );
        let mut out = x.to_owned();
        self.transform_inplace(&mut out);
        out
    }

    /// [`transform`](Standardizer::transform) in place, without a copy of
    /// the matrix (rows in parallel; the result does not depend on it).
    ///
    /// ```
    /// use ndarray::array;
    /// use sigmoid_nn::data::Standardizer;
    ///
    /// let mut x = array![[1.0_f32, 5.0], [3.0, 5.0]];
    /// Standardizer::fit(&x).transform_inplace(&mut x);
    /// assert_eq!(x, array![[-1.0_f32, 0.0], [1.0, 0.0]]);
    /// ```
    ///
    /// # Panics
    /// If `x` does not have as many columns as the standardizer has features.
    pub fn transform_inplace(&self, x: &mut Array2<f32>) {
        use rayon::prelude::*;
        assert_eq!(
            x.ncols(),
            self.mean.len(),
            "Standardizer::transform: wrong number of columns"
        );
        x.axis_iter_mut(ndarray::Axis(0))
            .into_par_iter()
            .with_min_len(4096)
            .for_each(|mut row| {
                for ((v, &m), &s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                    *v = ((f64::from(*v) - f64::from(m)) / f64::from(s)) as f32;
                }
            });
    }

    /// The statistics as JSON, `{"mean": [...], "std": [...]}`.
    pub fn to_json(&self) -> String {
        serde_json::to_string(&StandardizerJson {
            mean: self.mean.to_vec(),
            std: self.std.to_vec(),
        })
        .expect("serialisable")
    }

    /// Reads [`to_json`](Standardizer::to_json)'s output.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] if the JSON is malformed, the lengths
    /// differ, or a value is not finite (or a std not positive).
    pub fn from_json(json: &str) -> Result<Self, NnError> {
        let s: StandardizerJson = serde_json::from_str(json)
            .map_err(|e| NnError::InvalidArgument(format!("standardisation statistics: {e}")))?;
        if s.mean.len() != s.std.len()
            || s.mean.iter().any(|v| !v.is_finite())
            || s.std.iter().any(|v| !(v.is_finite() && *v > 0.0))
        {
            return Err(NnError::InvalidArgument(
                "standardisation statistics: lengths differ or values are not finite".into(),
            ));
        }
        Ok(Standardizer {
            mean: Array1::from_vec(s.mean),
            std: Array1::from_vec(s.std),
        })
    }
}
