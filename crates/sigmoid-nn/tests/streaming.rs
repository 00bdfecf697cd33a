//! Training on a file read in blocks (`CsvStream` + `fit_batches`) against
//! training on the same file in memory.

use std::path::Path;

use sigmoid_nn::data::{CsvStream, Dataset, ReadOptions, Standardizer, StreamPart, TestRows};
use sigmoid_nn::{Activation, Dense, FitOptions, Loss, Metric, NnError, Sequential, Sgd};

/// `rows` rows of 4 features and a label that a linear rule mostly predicts.
fn write_file(path: &Path, rows: usize) {
    let mut text = String::from("a,b,c,d,label\n");
    let mut state = 12345_u64;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((state >> 33) as f64 / (1u64 << 31) as f64) * 2.0 - 1.0
    };
    for _ in 0..rows {
        let x: Vec<f64> = (0..4).map(|_| next() * 3.0 + 1.0).collect();
        let score = x[0] - 2.0 * x[1] + 0.5 * x[2] + 0.3 * next();
        let cells: Vec<String> = x.iter().map(|v| format!("{v:.5}")).collect();
        text += &format!("{},{}\n", cells.join(","), u8::from(score > 0.0));
    }
    std::fs::write(path, text).unwrap();
}

fn model() -> Sequential {
    let mut m = Sequential::with_seed(4, 3);
    m.add(Dense::new(3).activation(Activation::Tanh));
    m.add(Dense::new(1).activation(Activation::Sigmoid));
    m.compile(Sgd::new(0.1), Loss::BinaryCrossentropy, &[Metric::Accuracy])
        .unwrap();
    m
}

#[test]
fn a_buffer_holding_the_file_without_shuffling_trains_the_in_memory_model() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    write_file(&path, 3000);

    let data = Dataset::from_csv_path(&path, None).unwrap();
    let scaler = Standardizer::fit(&data.features);
    let x = scaler.transform(&data.features);
    let mut in_memory = model();
    let options = FitOptions::new().epochs(3).batch_size(32).shuffle(false);
    let h1 = in_memory.fit(&x, &data.targets, options).unwrap();

    // Small blocks, so that the file is read in many windows.
    let stream = CsvStream::open_with_block_bytes(&path, &ReadOptions::new(), None, 4096).unwrap();
    assert_eq!(stream.standardizer(), &scaler);
    assert_eq!(stream.train_rows(), 3000);
    let mut streamed = model();
    let batches = |_| Ok(stream.batches(StreamPart::Train, 32, 1 << 20, None));
    let h2 = streamed
        .fit_batches(batches, FitOptions::new().epochs(3))
        .unwrap();
    assert_eq!(h1.loss, h2.loss);
    assert_eq!(in_memory.parameters(), streamed.parameters());
}

#[test]
fn a_small_shuffled_buffer_sees_every_row_and_learns() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    write_file(&path, 4000);
    let split = TestRows::new(0.25, 9);
    let stream =
        CsvStream::open_with_block_bytes(&path, &ReadOptions::new(), Some(split), 2048).unwrap();
    let (train, test) = (stream.train_rows(), stream.test_rows());
    assert_eq!(train + test, 4000);
    assert!((800..1200).contains(&test), "{test} test rows");
    let expected_test = (0..4000).filter(|&r| split.contains(r)).count();
    assert_eq!(test, expected_test);

    let mut m = model();
    let mut rows_per_epoch = Vec::new();
    let batches = |epoch: usize| {
        let b = stream.batches(StreamPart::Train, 32, 300, Some(epoch as u64));
        rows_per_epoch.push(b.size_hint().0);
        Ok(b)
    };
    let history = m.fit_batches(batches, FitOptions::new().epochs(5)).unwrap();
    assert_eq!(rows_per_epoch, vec![train.div_ceil(32); 5]);
    let counted: usize = stream
        .batches(StreamPart::Train, 32, 300, Some(1))
        .map(|b| b.unwrap().len())
        .sum();
    assert_eq!(counted, train);

    let (mut correct, mut seen) = (0.0, 0);
    stream
        .for_each_chunk(StreamPart::Test, |x, y| {
            let e = m.evaluate(x, y)?;
            correct += e.accuracy * x.nrows() as f64;
            seen += x.nrows();
            Ok(())
        })
        .unwrap();
    assert_eq!(seen, test);
    assert!(
        correct / seen as f64 > 0.9,
        "test accuracy {}",
        correct / seen as f64
    );
    assert!(history.accuracy[4] > 0.9);
}

#[test]
fn a_bad_row_in_the_middle_is_named_as_in_memory_and_trains_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    write_file(&path, 2000);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut lines: Vec<&str> = text.lines().collect();
    lines[1500] = "0.1,0.2,oops,0.4,1";
    std::fs::write(&path, lines.join("\n") + "\n").unwrap();

    let in_memory = Dataset::from_csv_path(&path, None).unwrap_err().to_string();
    assert!(
        in_memory.contains("row 1500 (line 1501), column 3 (\"c\")"),
        "{in_memory}"
    );
    let streamed = CsvStream::open_with_block_bytes(&path, &ReadOptions::new(), None, 1000)
        .unwrap_err()
        .to_string();
    assert_eq!(streamed, in_memory);

    // A batch source that fails mid-epoch leaves the model as it was.
    let mut m = model();
    let before = m.parameters();
    let good = CsvStream::open(dir.path().join("missing.csv"), &ReadOptions::new(), None);
    assert!(matches!(good, Err(NnError::Io { .. })));
    let x = sigmoid_nn::ndarray::Array2::<f32>::zeros((4, 4));
    let y = sigmoid_nn::ndarray::Array2::<f32>::zeros((4, 1));
    let batches = |_| {
        Ok(vec![
            Ok(sigmoid_nn::Batch::new(x.clone(), y.clone())),
            Err(NnError::InvalidArgument("the source failed".into())),
        ])
    };
    let e = m
        .fit_batches(batches, FitOptions::new().epochs(2))
        .unwrap_err();
    assert!(e.to_string().contains("the source failed"));
    assert_eq!(m.parameters(), before);
}

#[test]
fn string_labels_are_refused_with_a_hint() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("d.csv");
    std::fs::write(&path, "x,y\n1,yes\n2,no\n").unwrap();
    let e = CsvStream::open(&path, &ReadOptions::new(), None)
        .unwrap_err()
        .to_string();
    assert!(e.contains("read this one in memory"), "{e}");
}
