//! [`Dataset`]: features and a binary label column read from CSV, with
//! [`ReadOptions`] (delimiter, label column, positive label) and the
//! [`Labels`] rule that maps a two-valued label column to 0 and 1.

use std::path::Path;

use ndarray::{Array2, Axis};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::csv_text::{CsvText, Delimiter, data_error, quote};
use super::numeric_csv::{self, ProgressFn};
use crate::NnError;

/// Features and binary (0/1) targets.
#[derive(Clone, Debug, PartialEq)]
pub struct Dataset {
    /// (rows × features).
    pub features: Array2<f32>,
    /// (rows × outputs), each 0 or 1.
    pub targets: Array2<f32>,
    /// The feature column names.
    pub feature_names: Vec<String>,
    /// The target column names.
    pub target_names: Vec<String>,
    /// Which label value became 0 and which 1.
    pub labels: Labels,
}

/// How to read a data set: the delimiter, the label column and its positive value.
///
/// ```
/// use sigmoid_nn::data::{Dataset, Delimiter, ReadOptions};
///
/// let csv = "x;y;ok\n1;2;no\n3;4;yes\n";
/// let options = ReadOptions::new().delimiter(Delimiter::Semicolon).target("ok");
/// let data = Dataset::from_csv_bytes_with(csv.as_bytes(), "mem.csv", &options)?;
/// assert_eq!(data.labels.positive, "yes"); // the later of the two values, sorted
/// assert_eq!(data.targets.column(0).to_vec(), vec![0.0, 1.0]);
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ReadOptions {
    /// The field separator [default: detected from the header, see [`Delimiter::detect`]].
    pub delimiter: Option<Delimiter>,
    /// The label column [default: the last column].
    pub target: Option<String>,
    /// The label value that becomes 1 [default: see [`Labels`]].
    pub positive: Option<String>,
}

impl ReadOptions {
    /// Detected delimiter, the last column as label, the default label rule.
    pub fn new() -> Self {
        Self::default()
    }
    /// Sets the delimiter.
    #[must_use]
    pub fn delimiter(mut self, delimiter: Delimiter) -> Self {
        self.delimiter = Some(delimiter);
        self
    }
    /// Sets the label column.
    #[must_use]
    pub fn target(mut self, name: impl Into<String>) -> Self {
        self.target = Some(name.into());
        self
    }
    /// Sets the label value that becomes 1.
    #[must_use]
    pub fn positive(mut self, value: impl Into<String>) -> Self {
        self.positive = Some(value.into());
        self
    }
}

/// The two values of a label column, as written in the file: `negative`
/// became 0 and `positive` became 1.
///
/// The rule, when no positive value is given:
/// - numbers 0 and 1 (also `0.0`, `1.0`) stay 0 and 1; other numbers are
///   an error (a continuous column is not a label) unless the positive
///   value is named;
/// - two strings: sorted by Unicode code points, the later one is 1, as
///   scikit-learn's `LabelEncoder` does: `no`/`yes` → `yes`, `False`/`True` →
///   `True`, `B`/`M` → `M`, `negative`/`positive` → `positive`.
///
/// A column with more than two values is not a binary label. A column with
/// one value (all 0 or all 1) is read, as Keras would train on it; the
/// `sigmoid` command warns about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Labels {
    /// The value that became 0.
    pub negative: String,
    /// The value that became 1.
    pub positive: String,
}

impl Default for Labels {
    fn default() -> Self {
        Labels {
            negative: "0".into(),
            positive: "1".into(),
        }
    }
}

impl Labels {
    /// Whether the label column held something other than the numbers 0 and 1.
    pub fn were_mapped(&self) -> bool {
        *self != Labels::default()
    }

    /// Maps the cells of the label column to 0 and 1; `column` is (index, name).
    fn infer(
        text: &CsvText,
        column: (usize, &str),
        positive: Option<&str>,
    ) -> Result<(Labels, Vec<f32>), NnError> {
        let cells: Vec<&str> = text.column(column.0).collect();
        let mut distinct: Vec<&str> = Vec::new();
        for &c in &cells {
            if !distinct.contains(&c) {
                distinct.push(c);
                if distinct.len() > 2 {
                    break;
                }
            }
        }
        let labels = match positive {
            Some(p) => Self::with_positive(text, column, &distinct, p)?,
            None => Self::by_rule(text, column, &cells, &distinct)?,
        };
        let values = cells
            .iter()
            .map(|&c| f32::from(u8::from(labels.is_positive(c))))
            .collect();
        Ok((labels, values))
    }

    fn is_positive(&self, cell: &str) -> bool {
        cell == self.positive || number(cell).is_some_and(|v| Some(v) == number(&self.positive))
    }

    fn with_positive(
        text: &CsvText,
        (index, name): (usize, &str),
        distinct: &[&str],
        positive: &str,
    ) -> Result<Labels, NnError> {
        let err =
            |message: String| data_error(text.source(), None, None, Some((index, name)), message);
        if distinct.len() > 2 {
            return Err(err(format!(
                "more than two label values ({}, ...): a binary label has two",
                list(distinct)
            )));
        }
        let is_it =
            |c: &&str| *c == positive || number(c).is_some_and(|v| Some(v) == number(positive));
        if !distinct.iter().any(is_it) {
            return Err(err(format!(
                "the positive label {} is not in the column (its values are {})",
                quote(positive),
                list(distinct)
            )));
        }
        let negative = distinct.iter().find(|c| !is_it(c)).map_or("", |c| c);
        Ok(Labels {
            negative: negative.to_string(),
            positive: positive.to_string(),
        })
    }

    fn by_rule(
        text: &CsvText,
        (index, name): (usize, &str),
        cells: &[&str],
        distinct: &[&str],
    ) -> Result<Labels, NnError> {
        let numbers: Option<Vec<f32>> = distinct.iter().map(|c| number(c)).collect();
        let at_row = |row: usize, message: String| {
            data_error(
                text.source(),
                Some(row + 1),
                Some(text.line(row)),
                Some((index, name)),
                message,
            )
        };
        if let Some(numbers) = &numbers {
            if numbers.iter().all(|&v| v == 0.0 || v == 1.0) {
                return Ok(Labels::default());
            }
            let row = cells
                .iter()
                .position(|c| number(c).is_some_and(|v| v != 0.0 && v != 1.0))
                .expect("a value other than 0 and 1 occurs");
            return Err(at_row(
                row,
                format!(
                    "the label {} is not 0 or 1 (the column has {}; to use two \
                     other values, name the positive one)",
                    cells[row],
                    count_distinct(cells)
                ),
            ));
        }
        match distinct {
            [a, b] => {
                let (negative, positive) = if a < b { (a, b) } else { (b, a) };
                Ok(Labels {
                    negative: negative.to_string(),
                    positive: positive.to_string(),
                })
            }
            [only] => Err(data_error(
                text.source(),
                None,
                None,
                Some((index, name)),
                format!(
                    "every label is {}: name the positive value to train on one class",
                    quote(only)
                ),
            )),
            _ => {
                let row = cells
                    .iter()
                    .position(|c| *c == distinct[2])
                    .expect("a distinct value occurs");
                Err(at_row(
                    row,
                    format!(
                        "a third label value {}: a binary label has two (the column has {})",
                        quote(distinct[2]),
                        count_distinct(cells)
                    ),
                ))
            }
        }
    }
}

fn number(cell: &str) -> Option<f32> {
    cell.parse::<f32>().ok().filter(|v| v.is_finite())
}

fn list(values: &[&str]) -> String {
    let quoted: Vec<String> = values.iter().map(|v| quote(v)).collect();
    quoted.join(", ")
}

fn count_distinct(cells: &[&str]) -> String {
    let mut seen: Vec<&str> = cells.to_vec();
    seen.sort_unstable();
    seen.dedup();
    format!("{} different values", seen.len())
}

impl Dataset {
    /// Reads a CSV file with a header row; the column `target` (default: the
    /// last column) is the 0/1 label, the others are the features.
    ///
    /// # Errors
    /// As [`from_csv_path_with`](Dataset::from_csv_path_with).
    pub fn from_csv_path(path: impl AsRef<Path>, target: Option<&str>) -> Result<Self, NnError> {
        let options = ReadOptions {
            target: target.map(str::to_string),
            ..ReadOptions::default()
        };
        Self::from_csv_path_with(path, &options)
    }

    /// [`from_csv_path`](Dataset::from_csv_path) on text in memory; `source` names it in errors.
    ///
    /// # Errors
    /// As [`from_csv_path`](Dataset::from_csv_path), without the I/O errors.
    pub fn from_csv_str(text: &str, source: &str, target: Option<&str>) -> Result<Self, NnError> {
        let options = ReadOptions {
            target: target.map(str::to_string),
            ..ReadOptions::default()
        };
        Self::from_csv_bytes_with(text.as_bytes(), source, &options)
    }

    /// Reads a CSV file as `options` say: the label column is mapped to 0
    /// and 1 by the [`Labels`] rule, every other column must be numeric.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::Data`] naming
    /// the file (and row, line and column) for the errors of
    /// [`CsvText::from_bytes`] and [`CsvText::numbers`], a missing label
    /// column, no feature column, a label column with more than two values
    /// or one value only, a positive label that is not in the column.
    pub fn from_csv_path_with(
        path: impl AsRef<Path>,
        options: &ReadOptions,
    ) -> Result<Self, NnError> {
        Self::from_csv_path_with_progress(path, options, &mut |_, _| {})
    }

    /// [`from_csv_path_with`](Dataset::from_csv_path_with), calling
    /// `progress(bytes read, file size)` as a large file loads.
    ///
    /// A file of numbers whose label column holds 0 and 1 is read in blocks
    /// parsed in parallel straight into the matrix (its memory is about the
    /// matrix's); other files through [`CsvText`], with the same errors.
    ///
    /// # Errors
    /// As [`from_csv_path_with`](Dataset::from_csv_path_with).
    pub fn from_csv_path_with_progress(
        path: impl AsRef<Path>,
        options: &ReadOptions,
        progress: &mut ProgressFn<'_>,
    ) -> Result<Self, NnError> {
        let path = path.as_ref();
        let source = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| NnError::io(path, e))?;
        let total = file.metadata().map_or(0, |m| m.len());
        if let Some(data) = numeric_csv::read_dataset(file, total, &source, options, progress)? {
            return Ok(data);
        }
        Self::from_text(&CsvText::from_path(path, options.delimiter)?, options)
    }

    /// [`from_csv_path_with`](Dataset::from_csv_path_with) on bytes in memory.
    ///
    /// # Errors
    /// As [`from_csv_path_with`](Dataset::from_csv_path_with), without the I/O errors.
    pub fn from_csv_bytes_with(
        bytes: &[u8],
        source: &str,
        options: &ReadOptions,
    ) -> Result<Self, NnError> {
        let total = bytes.len() as u64;
        if let Some(data) =
            numeric_csv::read_dataset(bytes, total, source, options, &mut |_, _| {})?
        {
            return Ok(data);
        }
        Self::from_text(
            &CsvText::from_bytes(bytes, source, options.delimiter)?,
            options,
        )
    }

    /// Splits a CSV text into features and the label column.
    ///
    /// # Errors
    /// As [`from_csv_path_with`](Dataset::from_csv_path_with), without the I/O errors.
    pub fn from_text(text: &CsvText, options: &ReadOptions) -> Result<Self, NnError> {
        let name = match &options.target {
            Some(t) => t.clone(),
            None => text.columns.last().cloned().unwrap_or_default(),
        };
        let Some(index) = text.column_index(&name) else {
            return Err(data_error(
                text.source(),
                None,
                None,
                None,
                format!(
                    "no target column {} (the columns are {})",
                    quote(&name),
                    preview(&text.columns)
                ),
            ));
        };
        if text.columns.len() < 2 {
            return Err(data_error(
                text.source(),
                None,
                None,
                None,
                format!(
                    "no feature columns besides the target {} (the delimiter is {:?}; \
                     is it another one?)",
                    quote(&name),
                    char::from(text.delimiter().byte())
                ),
            ));
        }
        let (labels, targets) = Labels::infer(text, (index, &name), options.positive.as_deref())?;
        let feature_columns: Vec<usize> = (0..text.columns.len()).filter(|&i| i != index).collect();
        let features = text.numbers(&feature_columns)?;
        let n = targets.len();
        Ok(Dataset {
            features,
            targets: Array2::from_shape_vec((n, 1), targets).expect("n values"),
            feature_names: feature_columns
                .iter()
                .map(|&i| text.columns[i].clone())
                .collect(),
            target_names: vec![name],
            labels,
        })
    }

    /// The number of rows of each class: [label 0, label 1] for the first output.
    pub fn class_counts(&self) -> [usize; 2] {
        let ones = self.targets.column(0).iter().filter(|&&v| v > 0.5).count();
        [self.len() - ones, ones]
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.features.nrows()
    }

    /// Whether there are no rows.
    pub fn is_empty(&self) -> bool {
        self.features.nrows() == 0
    }

    /// The number of features.
    pub fn n_features(&self) -> usize {
        self.features.ncols()
    }

    /// These rows, in this order.
    ///
    /// # Panics
    /// If a row is out of range.
    pub fn select(&self, rows: &[usize]) -> Dataset {
        Dataset {
            features: self.features.select(Axis(0), rows),
            targets: self.targets.select(Axis(0), rows),
            feature_names: self.feature_names.clone(),
            target_names: self.target_names.clone(),
            labels: self.labels.clone(),
        }
    }

    /// (train, test): `test_rows` in their order, and the other rows in file order.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] if a test row is out of range or repeated,
    /// or no rows are left on either side.
    pub fn split_rows(&self, test_rows: &[usize]) -> Result<(Dataset, Dataset), NnError> {
        let is_test = self.test_mask(test_rows)?;
        let train: Vec<usize> = (0..self.len()).filter(|&r| !is_test[r]).collect();
        Ok((self.select(&train), self.select(test_rows)))
    }

    /// [`split_rows`](Dataset::split_rows) that consumes the data set: the
    /// training rows are moved together in place, so the split needs memory
    /// for the test rows only, not a second copy of the matrix.
    ///
    /// # Errors
    /// As [`split_rows`](Dataset::split_rows).
    pub fn into_split_rows(self, test_rows: &[usize]) -> Result<(Dataset, Dataset), NnError> {
        let is_test = self.test_mask(test_rows)?;
        let test = self.select(test_rows);
        let kept = is_test.iter().filter(|&&t| !t).count();
        let keep_rows = |matrix: Array2<f32>| {
            let width = matrix.ncols();
            let matrix = if matrix.is_standard_layout() {
                matrix
            } else {
                matrix.as_standard_layout().into_owned()
            };
            let (mut flat, offset) = matrix.into_raw_vec_and_offset();
            debug_assert_eq!(offset.unwrap_or(0), 0);
            let train_rows = (0..is_test.len()).filter(|&row| !is_test[row]);
            for (to, row) in train_rows.enumerate() {
                flat.copy_within(row * width..(row + 1) * width, to * width);
            }
            flat.truncate(kept * width);
            flat.shrink_to_fit();
            Array2::from_shape_vec((kept, width), flat).expect("kept rows")
        };
        let Dataset {
            features,
            targets,
            feature_names,
            target_names,
            labels,
        } = self;
        let train = Dataset {
            features: keep_rows(features),
            targets: keep_rows(targets),
            feature_names,
            target_names,
            labels,
        };
        Ok((train, test))
    }

    /// Which rows are test rows, checked.
    fn test_mask(&self, test_rows: &[usize]) -> Result<Vec<bool>, NnError> {
        let mut is_test = vec![false; self.len()];
        for &r in test_rows {
            if r >= self.len() || is_test[r] {
                return Err(NnError::InvalidArgument(format!(
                    "test row {r} is out of range (0..{}) or repeated",
                    self.len()
                )));
            }
            is_test[r] = true;
        }
        if test_rows.is_empty() || test_rows.len() == self.len() {
            return Err(NnError::InvalidArgument(
                "the split leaves no training rows or no test rows".into(),
            ));
        }
        Ok(is_test)
    }

    /// A seeded random split: `fraction` of the rows (rounded up, as
    /// scikit-learn) become the test set.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] if `fraction` is not in (0, 1) or leaves
    /// no rows on either side.
    pub fn train_test_split(
        &self,
        fraction: f64,
        seed: u64,
    ) -> Result<(Dataset, Dataset), NnError> {
        self.split_rows(&self.random_test_rows(fraction, seed)?)
    }

    /// [`train_test_split`](Dataset::train_test_split) that consumes the data
    /// set, without a second copy of the matrix (see
    /// [`into_split_rows`](Dataset::into_split_rows)); the same split.
    ///
    /// # Errors
    /// As [`train_test_split`](Dataset::train_test_split).
    pub fn into_train_test_split(
        self,
        fraction: f64,
        seed: u64,
    ) -> Result<(Dataset, Dataset), NnError> {
        let rows = self.random_test_rows(fraction, seed)?;
        self.into_split_rows(&rows)
    }

    fn random_test_rows(&self, fraction: f64, seed: u64) -> Result<Vec<usize>, NnError> {
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(NnError::InvalidArgument(format!(
                "the test fraction must be between 0 and 1, not {fraction}"
            )));
        }
        let n_test = (self.len() as f64 * fraction).ceil() as usize;
        let mut rows: Vec<usize> = (0..self.len()).collect();
        rows.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        rows.truncate(n_test.min(self.len()));
        Ok(rows)
    }
}

/// The first few column names, quoted, for an error message.
pub(crate) fn preview(columns: &[String]) -> String {
    let shown: Vec<String> = columns.iter().take(6).map(|c| quote(c)).collect();
    let more = columns.len().saturating_sub(6);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}
