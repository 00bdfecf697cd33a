//! Data sets from CSV files, with errors that name the file, row and column;
//! standardisation; and the bundled breast-cancer data.
//!
//! ```
//! use sigmoid_nn::data::{Standardizer, breast_cancer_split};
//!
//! let (train, test) = breast_cancer_split();
//! assert_eq!((train.len(), test.len()), (455, 114));
//! let scaler = Standardizer::fit(&train.features);
//! let x_train = scaler.transform(&train.features);
//! assert!(x_train.column(0).mean().unwrap().abs() < 1e-5);
//! ```

use std::path::Path;

use ndarray::{Array1, Array2, ArrayView2, AsArray, Axis, Ix2};
use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;
use serde::{Deserialize, Serialize};

use crate::NnError;

/// The bundled Wisconsin Diagnostic Breast Cancer data (569 rows, 30
/// features in original units, `target` last: 0 = malignant, 1 = benign).
pub const BREAST_CANCER_CSV: &str = include_str!("../data/breast_cancer.csv");

/// The 0-based rows of the 114-row test split the Keras reference runs used
/// (scikit-learn `train_test_split(test_size=0.2, random_state=0)`), one a line.
pub const BREAST_CANCER_TEST_ROWS: &str = include_str!("../data/breast_cancer_test_rows.txt");

/// A numeric table read from CSV: the header and the values.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The column names, from the header row.
    pub columns: Vec<String>,
    /// The values, (rows × columns).
    pub values: Array2<f32>,
    /// The first line of each row in the file (for error messages).
    lines: Vec<u64>,
    source: String,
}

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
}

fn data_error(
    file: &str,
    row: Option<usize>,
    line: Option<u64>,
    column: Option<(usize, &str)>,
    message: impl Into<String>,
) -> NnError {
    NnError::Data {
        file: file.to_string(),
        row,
        line,
        column: column.map(|(i, name)| format!("{} ({name:?})", i + 1)),
        message: message.into(),
    }
}

impl Table {
    /// Reads a CSV file with a header row; every cell must be a finite number.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::Data`] naming
    /// the file (and row and column) for an empty file, a header without
    /// rows, a row with the wrong number of fields, a cell that is empty,
    /// not a number, NaN or infinite.
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, NnError> {
        let path = path.as_ref();
        let bytes = std::fs::read(path).map_err(|e| NnError::io(path, e))?;
        Self::from_csv_bytes(&bytes, &path.display().to_string())
    }

    /// [`from_csv_path`](Table::from_csv_path) on text in memory; `source`
    /// names it in errors.
    ///
    /// # Errors
    /// As [`from_csv_path`](Table::from_csv_path), without the I/O errors.
    pub fn from_csv_bytes(bytes: &[u8], source: &str) -> Result<Self, NnError> {
        if bytes.iter().all(u8::is_ascii_whitespace) {
            return Err(data_error(source, None, None, None, "the file is empty"));
        }
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(true)
            .flexible(true)
            .trim(csv::Trim::All)
            .from_reader(bytes);
        let csv_err = |e: csv::Error| {
            let line = e.position().map(csv::Position::line);
            data_error(source, None, line, None, format!("not valid CSV: {e}"))
        };
        let columns: Vec<String> = reader
            .headers()
            .map_err(csv_err)?
            .iter()
            .map(str::to_string)
            .collect();
        if let Some(i) = columns.iter().position(String::is_empty) {
            return Err(data_error(
                source,
                None,
                Some(1),
                Some((i, "")),
                "the header has an empty column name",
            ));
        }
        let width = columns.len();
        let mut values = Vec::new();
        let mut lines = Vec::new();
        let mut record = csv::StringRecord::new();
        let mut row = 0;
        while reader.read_record(&mut record).map_err(csv_err)? {
            row += 1;
            let line = record
                .position()
                .map_or(row as u64 + 1, csv::Position::line);
            if record.len() == 1 && record[0].is_empty() {
                continue; // a blank line
            }
            if record.len() != width {
                return Err(data_error(
                    source,
                    Some(row),
                    Some(line),
                    None,
                    format!("{} fields, but the header has {width}", record.len()),
                ));
            }
            for (i, cell) in record.iter().enumerate() {
                let at = Some((i, columns[i].as_str()));
                if cell.is_empty() {
                    return Err(data_error(source, Some(row), Some(line), at, "empty cell"));
                }
                let v: f32 = cell.parse().map_err(|_| {
                    data_error(
                        source,
                        Some(row),
                        Some(line),
                        at,
                        format!("{cell:?} is not a number"),
                    )
                })?;
                if !v.is_finite() {
                    return Err(data_error(
                        source,
                        Some(row),
                        Some(line),
                        at,
                        format!("{cell:?} is not finite (NaN and infinities are not allowed)"),
                    ));
                }
                values.push(v);
            }
            lines.push(line);
        }
        if lines.is_empty() {
            return Err(data_error(
                source,
                None,
                None,
                None,
                "no data rows (only a header)",
            ));
        }
        let values = Array2::from_shape_vec((lines.len(), width), values)
            .expect("every row has `width` values");
        Ok(Table {
            columns,
            values,
            lines,
            source: source.to_string(),
        })
    }

    /// Removes the column `name` and returns its values, if there is one.
    pub fn take_column(&mut self, name: &str) -> Option<Array1<f32>> {
        let i = self.columns.iter().position(|c| c == name)?;
        let col = self.values.column(i).to_owned();
        self.values.remove_index(Axis(1), i);
        self.columns.remove(i);
        Some(col)
    }

    /// The number of rows.
    pub fn len(&self) -> usize {
        self.values.nrows()
    }

    /// Whether there are no rows (never true for a table read from CSV).
    pub fn is_empty(&self) -> bool {
        self.values.nrows() == 0
    }
}

impl Dataset {
    /// Reads a CSV file with a header row; the column `target` (default: the
    /// last column) is the 0/1 label, the others are the features.
    ///
    /// # Errors
    /// Those of [`Table::from_csv_path`]; [`NnError::Data`] if the target
    /// column does not exist, there is no feature column, or a label is not 0 or 1.
    pub fn from_csv_path(path: impl AsRef<Path>, target: Option<&str>) -> Result<Self, NnError> {
        Self::from_table(Table::from_csv_path(path)?, target)
    }

    /// [`from_csv_path`](Dataset::from_csv_path) on text in memory; `source` names it in errors.
    ///
    /// # Errors
    /// As [`from_csv_path`](Dataset::from_csv_path), without the I/O errors.
    pub fn from_csv_str(text: &str, source: &str, target: Option<&str>) -> Result<Self, NnError> {
        Self::from_table(Table::from_csv_bytes(text.as_bytes(), source)?, target)
    }

    /// Splits a table into features and the 0/1 target column.
    ///
    /// # Errors
    /// As [`from_csv_path`](Dataset::from_csv_path).
    pub fn from_table(mut table: Table, target: Option<&str>) -> Result<Self, NnError> {
        let name = match target {
            Some(t) => t.to_string(),
            None => table.columns.last().cloned().unwrap_or_default(),
        };
        let Some(index) = table.columns.iter().position(|c| *c == name) else {
            return Err(data_error(
                &table.source,
                None,
                None,
                None,
                format!(
                    "no target column {name:?} (the columns are {})",
                    preview(&table.columns)
                ),
            ));
        };
        if table.columns.len() < 2 {
            return Err(data_error(
                &table.source,
                None,
                None,
                None,
                "no feature columns besides the target",
            ));
        }
        for (row, &v) in table.values.column(index).iter().enumerate() {
            if v != 0.0 && v != 1.0 {
                return Err(data_error(
                    &table.source,
                    Some(row + 1),
                    Some(table.lines[row]),
                    Some((index, &name)),
                    format!("the label {v} is not 0 or 1"),
                ));
            }
        }
        let targets = table.take_column(&name).expect("found above");
        let n = targets.len();
        Ok(Dataset {
            features: table.values,
            targets: targets.into_shape_with_order((n, 1)).expect("n values"),
            feature_names: table.columns,
            target_names: vec![name],
        })
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
        }
    }

    /// (train, test): `test_rows` in their order, and the other rows in file order.
    ///
    /// # Errors
    /// [`NnError::InvalidArgument`] if a test row is out of range or repeated,
    /// or no rows are left on either side.
    pub fn split_rows(&self, test_rows: &[usize]) -> Result<(Dataset, Dataset), NnError> {
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
        let train: Vec<usize> = (0..self.len()).filter(|&r| !is_test[r]).collect();
        if train.is_empty() || test_rows.is_empty() {
            return Err(NnError::InvalidArgument(
                "the split leaves no training rows or no test rows".into(),
            ));
        }
        Ok((self.select(&train), self.select(test_rows)))
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
        if !(fraction > 0.0 && fraction < 1.0) {
            return Err(NnError::InvalidArgument(format!(
                "the test fraction must be between 0 and 1, not {fraction}"
            )));
        }
        let n_test = (self.len() as f64 * fraction).ceil() as usize;
        let mut rows: Vec<usize> = (0..self.len()).collect();
        rows.shuffle(&mut ChaCha8Rng::seed_from_u64(seed));
        self.split_rows(&rows[..n_test.min(self.len())])
    }
}

fn preview(columns: &[String]) -> String {
    let shown: Vec<String> = columns.iter().take(6).map(|c| format!("{c:?}")).collect();
    let more = columns.len().saturating_sub(6);
    if more > 0 {
        format!("{} and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

/// Per-feature standardisation `(x − mean) / std`, with the population
/// standard deviation of the rows it was fit on (a constant feature gets std 1).
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
        let (mut mean, mut std) = (Vec::new(), Vec::new());
        for col in x.columns() {
            let m = col.iter().map(|&v| f64::from(v)).sum::<f64>() / n;
            let var = col.iter().map(|&v| (f64::from(v) - m).powi(2)).sum::<f64>() / n;
            let s = var.sqrt();
            mean.push(m as f32);
            std.push(if s > 0.0 && s.is_finite() {
                s as f32
            } else {
                1.0
            });
        }
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
        for mut row in out.rows_mut() {
            for ((v, &m), &s) in row.iter_mut().zip(&self.mean).zip(&self.std) {
                *v = ((f64::from(*v) - f64::from(m)) / f64::from(s)) as f32;
            }
        }
        out
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

/// Parses a list of 0-based row numbers, one a line (blank lines ignored).
///
/// # Errors
/// [`NnError::Data`] naming `source` and the line of a bad entry.
pub fn parse_row_list(text: &str, source: &str) -> Result<Vec<usize>, NnError> {
    text.lines()
        .enumerate()
        .filter(|(_, l)| !l.trim().is_empty())
        .map(|(i, l)| {
            l.trim().parse().map_err(|_| {
                data_error(
                    source,
                    None,
                    Some(i as u64 + 1),
                    None,
                    format!("{:?} is not a row number", l.trim()),
                )
            })
        })
        .collect()
}

/// The bundled breast-cancer data, in original units.
pub fn breast_cancer() -> Dataset {
    Dataset::from_csv_str(BREAST_CANCER_CSV, "breast_cancer.csv", None)
        .expect("the bundled data is valid")
}

/// The bundled breast-cancer data split as in the Keras reference runs:
/// (train: 455 rows, test: 114 rows), in original units; standardise with
/// `Standardizer::fit(&train.features)`.
pub fn breast_cancer_split() -> (Dataset, Dataset) {
    let rows = parse_row_list(BREAST_CANCER_TEST_ROWS, "breast_cancer_test_rows.txt")
        .expect("the bundled split is valid");
    breast_cancer()
        .split_rows(&rows)
        .expect("the bundled split is valid")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_split_standardises_like_the_keras_files() {
        let (train, test) = breast_cancer_split();
        let scaler = Standardizer::fit(&train.features);
        let x = scaler.transform(&test.features);
        let keras = Dataset::from_csv_str(
            include_str!("../tests/data/breast_cancer_test.csv"),
            "keras test",
            None,
        )
        .unwrap();
        assert_eq!(keras.targets, test.targets);
        let worst = x
            .iter()
            .zip(&keras.features)
            .map(|(a, b)| (a - b).abs())
            .fold(0.0_f32, f32::max);
        assert!(worst < 1e-5, "worst difference {worst}");
    }

    #[test]
    fn errors_name_file_row_and_column() {
        let e = Dataset::from_csv_str("a,b,t\n1,2,0\n1,x,1\n", "f.csv", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.csv: row 2 (line 3), column 2 (\"b\"): \"x\" is not a number"
        );
        let e = Dataset::from_csv_str("a,b,t\n1,2,0\n1,2\n", "f.csv", None).unwrap_err();
        assert!(
            e.to_string()
                .contains("row 2 (line 3): 2 fields, but the header has 3")
        );
        let e = Dataset::from_csv_str("a,b,t\n1,2,0.5\n", "f.csv", None).unwrap_err();
        assert!(
            e.to_string()
                .contains("column 3 (\"t\"): the label 0.5 is not 0 or 1")
        );
        let e = Dataset::from_csv_str("a,b,t\n1,NaN,0\n", "f.csv", None).unwrap_err();
        assert!(e.to_string().contains("not finite"));
        let e = Dataset::from_csv_str("a,b,t\n", "f.csv", None).unwrap_err();
        assert!(e.to_string().contains("no data rows"));
        let e = Dataset::from_csv_str("", "f.csv", None).unwrap_err();
        assert_eq!(e.to_string(), "f.csv: the file is empty");
        let e = Dataset::from_csv_str("a,b,t\n1,2,0\n", "f.csv", Some("y")).unwrap_err();
        assert!(e.to_string().contains("no target column \"y\""));
    }
}
