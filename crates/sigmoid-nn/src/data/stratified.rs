//! [`stratified_split`]: a seeded test split that keeps each class's share.

use rand::SeedableRng;
use rand::seq::SliceRandom;
use rand_chacha::ChaCha8Rng;

use super::Dataset;
use crate::NnError;

/// Splits `data` into (train, test) with about `fraction` of each class in
/// the test set (the class's rows times `fraction`, rounded), as
/// scikit-learn's `train_test_split(stratify=y)`; the rows of each class are
/// drawn by a generator seeded with `seed`.
///
/// ```
/// use sigmoid_nn::data::{digits, stratified_split};
/// let data = digits().to_dataset(&[1.0, 3.0, 5.0, 7.0, 9.0]);
/// let (train, test) = stratified_split(&data, 0.2, 0)?;
/// assert_eq!(train.len() + test.len(), 1797);
/// let share = |d: &sigmoid_nn::data::Dataset| d.class_counts()[1] as f64 / d.len() as f64;
/// assert!((share(&train) - share(&test)).abs() < 0.01);
/// # Ok::<(), sigmoid_nn::NnError>(())
/// ```
///
/// # Errors
/// [`NnError::InvalidArgument`] if `fraction` is not in (0, 1) or leaves no
/// rows on either side.
pub fn stratified_split(
    data: &Dataset,
    fraction: f64,
    seed: u64,
) -> Result<(Dataset, Dataset), NnError> {
    if !(fraction > 0.0 && fraction < 1.0) {
        return Err(NnError::InvalidArgument(format!(
            "the test fraction must be between 0 and 1, not {fraction}"
        )));
    }
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut test = Vec::new();
    for class in [0.0_f32, 1.0] {
        let mut rows: Vec<usize> = (0..data.len())
            .filter(|&i| data.targets[[i, 0]] == class)
            .collect();
        rows.shuffle(&mut rng);
        let n = (rows.len() as f64 * fraction).round() as usize;
        test.extend_from_slice(&rows[..n]);
    }
    if test.is_empty() || test.len() == data.len() {
        return Err(NnError::InvalidArgument(format!(
            "a test fraction of {fraction} of {} rows leaves no rows for {}",
            data.len(),
            if test.is_empty() {
                "testing"
            } else {
                "training"
            }
        )));
    }
    test.sort_unstable();
    data.split_rows(&test)
}
