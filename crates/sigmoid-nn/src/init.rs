//! Keras' `glorot_uniform` initialisation, seeded per (model seed, layer index).

use ndarray::Array2;
use rand::{RngExt, SeedableRng};
use rand_chacha::ChaCha8Rng;

/// A (rows × cols) array from U(−l, l), l = √(6 / (fan_in + fan_out)); the
/// stream depends only on (seed, layer index), as [`Dense`](crate::Dense)'s,
/// so equal seeds and shapes give equal kernels.
pub(crate) fn glorot_uniform(
    shape: (usize, usize),
    fan_in: usize,
    fan_out: usize,
    seed: u64,
    layer_index: usize,
) -> Array2<f32> {
    let mut key = [0_u8; 32];
    key[..8].copy_from_slice(&seed.to_le_bytes());
    key[8..16].copy_from_slice(&(layer_index as u64).to_le_bytes());
    key[16..24].copy_from_slice(b"glorot_u");
    let mut rng = ChaCha8Rng::from_seed(key);
    let limit = (6.0 / (fan_in + fan_out) as f64).sqrt() as f32;
    Array2::from_shape_simple_fn(shape, || rng.random_range(-limit..limit))
}
