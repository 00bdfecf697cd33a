//! [`Table`]: a CSV file whose every cell is a number.

use std::path::Path;

use ndarray::{Array1, Array2, Axis};

use super::csv_text::{CsvText, Delimiter};
use crate::NnError;

/// A numeric table read from CSV: the header and the values.
#[derive(Clone, Debug, PartialEq)]
pub struct Table {
    /// The column names, from the header row.
    pub columns: Vec<String>,
    /// The values, (rows × columns).
    pub values: Array2<f32>,
}

impl Table {
    /// Reads a CSV file with a header row (the delimiter detected, see
    /// [`Delimiter::detect`]); every cell must be a finite number.
    ///
    /// # Errors
    /// [`NnError::Io`] if the file cannot be read; [`NnError::Data`] naming
    /// the file (and row and column) for an empty file, a header without
    /// rows, a row with the wrong number of fields, a cell that is empty,
    /// not a number, NaN or infinite.
    pub fn from_csv_path(path: impl AsRef<Path>) -> Result<Self, NnError> {
        Self::from_text(&CsvText::from_path(path, None)?)
    }

    /// [`from_csv_path`](Table::from_csv_path) on text in memory; `source`
    /// names it in errors.
    ///
    /// # Errors
    /// As [`from_csv_path`](Table::from_csv_path), without the I/O errors.
    pub fn from_csv_bytes(bytes: &[u8], source: &str) -> Result<Self, NnError> {
        Self::from_text(&CsvText::from_bytes(bytes, source, None::<Delimiter>)?)
    }

    /// Every column of `text` as numbers.
    ///
    /// # Errors
    /// As [`CsvText::numbers`].
    pub fn from_text(text: &CsvText) -> Result<Self, NnError> {
        let all: Vec<usize> = (0..text.columns.len()).collect();
        Ok(Table {
            columns: text.columns.clone(),
            values: text.numbers(&all)?,
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
