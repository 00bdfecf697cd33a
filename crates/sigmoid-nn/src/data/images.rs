//! [`ImageSet`]: square grayscale images from a CSV file of pixel columns
//! and a class label, and the bundled 8×8 digits.

use ndarray::{Array1, Array2, Axis};

use super::csv_text::{CsvText, data_error};
use super::{Dataset, Labels, Table, quote};
use crate::NnError;

/// The bundled 8×8 handwritten digits (UCI "Optical Recognition of
/// Handwritten Digits", the copy scikit-learn ships): 1,797 images, pixel
/// columns `px0` … `px63` in row-major order with values 0–16, and `digit`
/// (0–9) last.
pub const DIGITS_CSV: &str = include_str!("../../data/digits.csv");

/// Square single-channel images, one a row: `pixels` (rows × side²) in
/// row-major order, and each image's class in `labels`.
///
/// ```
/// let digits = sigmoid_nn::data::digits();
/// assert_eq!((digits.len(), digits.side), (1797, 8));
/// assert_eq!(digits.shape(), [8, 8, 1]);
/// let odd = digits.binary_targets(&[1.0, 3.0, 5.0, 7.0, 9.0]);
/// assert_eq!(odd.dim(), (1797, 1));
/// ```
#[derive(Clone, Debug, PartialEq)]
pub struct ImageSet {
    /// (rows × side²), row-major pixels.
    pub pixels: Array2<f32>,
    /// Each image's class, as in the file.
    pub labels: Array1<f32>,
    /// The image height and width.
    pub side: usize,
    /// The pixel column names.
    pub pixel_names: Vec<String>,
    /// The label column's name.
    pub label_name: String,
}

impl ImageSet {
    /// Reads images from CSV text: the column `target` (default: the last)
    /// is the class; every other column is a pixel, in row-major order, and
    /// their count must be a square (side × side, one channel).
    ///
    /// # Errors
    /// The [`Table`] errors (a cell that is not a number, …);
    /// [`NnError::Data`] naming the source for a missing target column or a
    /// pixel count that is not a square.
    pub fn from_text(text: &CsvText, target: Option<&str>) -> Result<Self, NnError> {
        let mut table = Table::from_text(text)?;
        let label_name = match target {
            Some(name) => name.to_string(),
            None => table.columns.last().cloned().unwrap_or_default(),
        };
        let labels = table.take_column(&label_name).ok_or_else(|| {
            data_error(
                text.source(),
                None,
                None,
                None,
                format!("no target column {}", quote(&label_name)),
            )
        })?;
        let n = table.columns.len();
        let side = n.isqrt();
        if n == 0 || side * side != n {
            return Err(data_error(
                text.source(),
                None,
                None,
                None,
                format!(
                    "{n} pixel columns (every column but the label {}) do not make a square \
                     image: an image needs side × side pixel columns in row-major order \
                     ({} or {} would)",
                    quote(&label_name),
                    side * side,
                    (side + 1) * (side + 1)
                ),
            ));
        }
        Ok(ImageSet {
            pixels: table.values,
            labels,
            side,
            pixel_names: table.columns,
            label_name,
        })
    }

    /// The number of images.
    pub fn len(&self) -> usize {
        self.pixels.nrows()
    }

    /// Whether there are no images.
    pub fn is_empty(&self) -> bool {
        self.pixels.nrows() == 0
    }

    /// The input shape of one image, `[side, side, 1]` (channels last).
    pub fn shape(&self) -> [usize; 3] {
        [self.side, self.side, 1]
    }

    /// 1 for images whose class is in `positive`, else 0, as (rows × 1).
    pub fn binary_targets(&self, positive: &[f32]) -> Array2<f32> {
        self.labels
            .mapv(|l| f32::from(u8::from(positive.contains(&l))))
            .insert_axis(Axis(1))
    }

    /// The images as a binary [`Dataset`]: the pixels as features, 1 for the
    /// classes in `positive`. The labels read `in {…}` and `not in {…}`.
    pub fn to_dataset(&self, positive: &[f32]) -> Dataset {
        let set: Vec<String> = positive.iter().map(f32::to_string).collect();
        let set = format!("{{{}}}", set.join(", "));
        Dataset {
            features: self.pixels.clone(),
            targets: self.binary_targets(positive),
            feature_names: self.pixel_names.clone(),
            target_names: vec![self.label_name.clone()],
            labels: Labels {
                negative: format!("{} not in {set}", self.label_name),
                positive: format!("{} in {set}", self.label_name),
            },
        }
    }
}

/// The bundled digits (see [`DIGITS_CSV`]).
pub fn digits() -> ImageSet {
    let text = CsvText::from_bytes(DIGITS_CSV.as_bytes(), "digits.csv", None)
        .expect("the bundled data is valid");
    ImageSet::from_text(&text, None).expect("the bundled data is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_bundled_digits_are_8_by_8_with_ten_classes() {
        let d = digits();
        assert_eq!(d.pixels.dim(), (1797, 64));
        assert_eq!(d.label_name, "digit");
        assert_eq!(d.pixel_names[63], "px63");
        assert!(d.pixels.iter().all(|&v| (0.0..=16.0).contains(&v)));
        let mut counts = [0_usize; 10];
        for &l in &d.labels {
            counts[l as usize] += 1;
        }
        assert!(
            counts.iter().all(|&c| (170..=185).contains(&c)),
            "{counts:?}"
        );
        let odd = d.to_dataset(&[1.0, 3.0, 5.0, 7.0, 9.0]);
        assert_eq!(
            odd.class_counts()[1],
            counts[1] + counts[3] + counts[5] + counts[7] + counts[9]
        );
        assert_eq!(odd.labels.positive, "digit in {1, 3, 5, 7, 9}");
    }

    #[test]
    fn pixel_counts_that_are_not_square_are_errors() {
        let text = CsvText::from_bytes(b"a,b,c,label\n1,2,3,0\n", "img.csv", None).unwrap();
        let e = ImageSet::from_text(&text, None).unwrap_err().to_string();
        assert_eq!(
            e,
            "img.csv: 3 pixel columns (every column but the label \"label\") do not make a square \
             image: an image needs side × side pixel columns in row-major order (1 or 4 would)"
        );
        let text = CsvText::from_bytes(b"a,b,c,d,y\n1,2,3,4,0\n", "img.csv", None).unwrap();
        let images = ImageSet::from_text(&text, None).unwrap();
        assert_eq!((images.side, images.pixels[[0, 3]]), (2, 4.0));
        let e = ImageSet::from_text(&text, Some("z"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("no target column \"z\""), "{e}");
    }
}
