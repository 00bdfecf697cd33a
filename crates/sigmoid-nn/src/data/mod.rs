//! Data sets from CSV files, with errors that name the file, row and column;
//! standardisation; the bundled breast-cancer data; images and the bundled
//! 8×8 digits.
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
//!
//! # Where things are
//! - `csv_text.rs`: [`CsvText`], a CSV file as text (the [`Delimiter`] given
//!   or detected, each row's line), and its columns as numbers.
//! - `table.rs`: [`Table`], a CSV file of numbers only.
//! - `dataset.rs`: [`Dataset`], features and a binary label, read as
//!   [`ReadOptions`] say, with the [`Labels`] rule for two-valued labels.
//! - `numeric_csv.rs`: the fast path of [`Dataset`]'s readers for files of
//!   numbers with a 0/1 label: [`LineBlocks`] of a few MiB (`line_blocks.rs`)
//!   parsed in parallel straight into the matrix.
//! - `csv_stream.rs`: [`CsvStream`], a file too large for memory, read in
//!   blocks each epoch, shuffled within a buffer, split by [`TestRows`].
//! - `standardizer.rs`: [`Standardizer`], `(x − mean) / std`.
//! - `images.rs`: [`ImageSet`], square images from pixel columns, and the
//!   bundled [`digits`].
//! - `stratified.rs`: [`stratified_split`].
//! - here: the bundled breast-cancer data, in the crate's `data/` folder.

mod csv_stream;
mod csv_text;
mod dataset;
mod images;
mod line_blocks;
mod numeric_csv;
mod standardizer;
mod stratified;
mod table;

pub use csv_stream::{CsvStream, StreamBatches, StreamPart, TestRows};
pub use csv_text::{CsvText, Delimiter, quote};
pub use dataset::{Dataset, Labels, ReadOptions};
pub use images::{DIGITS_CSV, ImageSet, digits};
pub use line_blocks::LineBlocks;
pub use numeric_csv::ProgressFn;
pub use standardizer::Standardizer;
pub use stratified::stratified_split;
pub use table::Table;

use csv_text::data_error;

use crate::NnError;

/// The bundled Wisconsin Diagnostic Breast Cancer data (569 rows, 30
/// features in original units, `target` last: 0 = malignant, 1 = benign).
pub const BREAST_CANCER_CSV: &str = include_str!("../../data/breast_cancer.csv");

/// The 0-based rows of the 114-row test split the Keras reference runs used
/// (scikit-learn `train_test_split(test_size=0.2, random_state=0)`), one a line.
pub const BREAST_CANCER_TEST_ROWS: &str = include_str!("../../data/breast_cancer_test_rows.txt");

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
            include_str!("../../tests/data/breast_cancer_test.csv"),
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
    fn consuming_splits_equal_the_borrowing_ones() {
        let all = breast_cancer();
        for seed in [0, 7] {
            let expected = all.train_test_split(0.25, seed).unwrap();
            assert_eq!(
                all.clone().into_train_test_split(0.25, seed).unwrap(),
                expected
            );
        }
        let rows = [5, 0, 568, 100];
        assert_eq!(
            all.clone().into_split_rows(&rows).unwrap(),
            all.split_rows(&rows).unwrap()
        );
        assert!(all.clone().into_split_rows(&[3, 3]).is_err());
        assert!(all.clone().into_split_rows(&[569]).is_err());
        assert!(all.into_split_rows(&[]).is_err());
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

    #[test]
    fn line_numbers_count_crlf_line_endings() {
        let e = Dataset::from_csv_str("a,b,t\r\n1,2,0\r\n1,2,1\r\n1,x,0\r\n", "f.csv", None)
            .unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.csv: row 3 (line 4), column 2 (\"b\"): \"x\" is not a number"
        );
        let e = Dataset::from_csv_str("a,b,t\r\n\r\n1,2,0\r\n1,2,7\r\n1,2,1\r\n", "f.csv", None)
            .unwrap_err();
        assert!(e.to_string().contains("row 2 (line 4)"), "{e}");
    }

    #[test]
    fn tab_and_semicolon_files_are_detected_or_named() {
        let tsv = Dataset::from_csv_str("a\tb\tt\n1\t2\t0\n3\t4\t1\n", "f.tsv", None).unwrap();
        assert_eq!(tsv.feature_names, ["a", "b"]);
        assert_eq!(tsv.features[[1, 1]], 4.0);
        let semi = Dataset::from_csv_str("a;b;t\n1;2;0\n3;4;1\n", "f.csv", None).unwrap();
        assert_eq!(semi.features[[1, 0]], 3.0);
        // Told a comma, a TSV fails with a short line that suggests the delimiter.
        let options = ReadOptions::new().delimiter(Delimiter::Comma);
        let header: Vec<String> = (0..300).map(|i| format!("feature_{i}")).collect();
        let text = format!("{}\n{}\n", header.join("\t"), vec!["1"; 300].join("\t"));
        let e = Dataset::from_csv_bytes_with(text.as_bytes(), "f.tsv", &options).unwrap_err();
        let message = e.to_string();
        assert!(message.len() < 200, "{} bytes: {message}", message.len());
        assert!(message.contains('…'), "{message}");
        assert!("tab".parse::<Delimiter>().unwrap() == Delimiter::Tab);
        assert!("pipe".parse::<Delimiter>().is_err());
    }

    #[test]
    fn two_valued_string_labels_map_by_the_documented_rule() {
        let d = Dataset::from_csv_str("x,y\n1,yes\n2,no\n3,yes\n", "f.csv", None).unwrap();
        assert_eq!(d.targets.column(0).to_vec(), [1.0, 0.0, 1.0]);
        assert_eq!(
            (d.labels.negative.as_str(), d.labels.positive.as_str()),
            ("no", "yes")
        );
        let d = Dataset::from_csv_str("x,y\n1,True\n2,False\n", "f.csv", None).unwrap();
        assert_eq!(d.labels.positive, "True");
        // Numbers other than 0/1 need the positive value named.
        assert!(Dataset::from_csv_str("x,y\n1,2\n2,4\n", "f.csv", None).is_err());
        let options = ReadOptions::new().positive("4");
        let d = Dataset::from_csv_bytes_with(b"x,y\n1,2\n2,4\n", "f.csv", &options).unwrap();
        assert_eq!(
            (d.labels.negative.as_str(), d.labels.positive.as_str()),
            ("2", "4")
        );
        let options = ReadOptions::new().positive("no");
        let d = Dataset::from_csv_bytes_with(b"x,y\n1,yes\n2,no\n", "f.csv", &options).unwrap();
        assert_eq!(d.targets.column(0).to_vec(), [0.0, 1.0]);
        let options = ReadOptions::new().positive("maybe");
        let e = Dataset::from_csv_bytes_with(b"x,y\n1,yes\n2,no\n", "f.csv", &options).unwrap_err();
        assert!(
            e.to_string().contains("\"maybe\" is not in the column"),
            "{e}"
        );
        let e = Dataset::from_csv_str("x,y\n1,a\n2,b\n3,c\n", "f.csv", None).unwrap_err();
        assert!(e.to_string().contains("row 3 (line 4)"), "{e}");
        assert!(e.to_string().contains("third label value \"c\""), "{e}");
        // 0/1 numbers stay as they are, also with a single class.
        let d = Dataset::from_csv_str("x,y\n1,1\n2,1\n", "f.csv", None).unwrap();
        assert!(!d.labels.were_mapped());
        assert_eq!(d.class_counts(), [0, 2]);
    }

    #[test]
    fn a_continuous_last_column_says_how_many_values_it_has() {
        let e = Dataset::from_csv_str("a,b\n1,0.5\n2,0.25\n3,0.125\n", "f.csv", None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "f.csv: row 1 (line 2), column 2 (\"b\"): the label 0.5 is not 0 or 1 \
             (the column has 3 different values; to use two other values, name the positive one)"
        );
    }
}
