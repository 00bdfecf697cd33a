//! Finite-difference checks of the gradients of Conv2D (odd sizes, stride 2,
//! `same` padding with even and odd kernels, `valid` padding), and of the
//! backward passes of MaxPooling2D and Flatten, which every gradient of an
//! earlier layer goes through.

use ndarray::Array2;
use sigmoid_nn::{Activation, Conv2D, Dense, Flatten, Layer, MaxPooling2D, Padding, Sequential};

fn data(rows: usize, cols: usize, outputs: usize) -> (Array2<f32>, Array2<f32>) {
    // Distinct values, so that no pooling window has a tie within the probe step.
    let x = Array2::from_shape_fn((rows, cols), |(i, j)| {
        (((i * cols + j) * 7919 % 1009) as f32 / 504.5) - 1.0
    });
    let y = Array2::from_shape_fn((rows, outputs), |(i, k)| {
        f32::from(u8::from((i + k) % 3 == 0))
    });
    (x, y)
}

/// Compares every kernel and bias gradient of the model's layers with
/// central differences of the loss.
fn check(model: &Sequential, x: &Array2<f32>, y: &Array2<f32>) -> usize {
    let grads = model.gradients(x, y).unwrap();
    let loss = |m: &Sequential| m.evaluate(x, y).unwrap().loss;
    let h = 1e-3_f32;
    let mut checked = 0;
    for (l, g) in grads.iter().enumerate() {
        let layer = &model.layers()[l];
        assert_eq!(g.kernel.dim(), layer.kernel().dim());
        assert_eq!(g.bias.dim(), layer.bias().dim());
        let entries = (0..g.kernel.len())
            .map(|i| (true, i))
            .chain((0..g.bias.len()).map(|i| (false, i)));
        for (is_kernel, i) in entries {
            let probe = |delta: f32| {
                let mut m = model.clone();
                let layer: &mut Layer = &mut m.layers_mut()[l];
                let (mut k, mut b) = (layer.kernel().clone(), layer.bias().clone());
                if is_kernel {
                    k.as_slice_mut().unwrap()[i] += delta;
                } else {
                    b[i] += delta;
                }
                layer.set_weights(k, b).unwrap();
                loss(&m)
            };
            let fd = (probe(h) - probe(-h)) / (2.0 * f64::from(h));
            let an = f64::from(if is_kernel {
                g.kernel.as_slice().unwrap()[i]
            } else {
                g.bias[i]
            });
            assert!(
                (fd - an).abs() < 1e-3 + 1e-2 * an.abs(),
                "layer {l} ({}) {} [{i}]: finite difference {fd}, analytic {an}",
                layer.class_name(),
                if is_kernel { "kernel" } else { "bias" }
            );
            checked += 1;
        }
    }
    checked
}

#[test]
fn same_padding_with_stride_two_and_even_and_odd_kernels() {
    let mut model = Sequential::with_input_shape(&[7, 5, 3], 11).unwrap();
    model
        .add(
            Conv2D::new(4, (3, 3))
                .strides((2, 2))
                .padding(Padding::Same)
                .activation(Activation::Tanh),
        )
        .add(
            Conv2D::new(3, (2, 2))
                .padding(Padding::Same)
                .activation(Activation::Sigmoid),
        )
        .add(MaxPooling2D::new((2, 2)).padding(Padding::Same))
        .add(Flatten::new())
        .add(Dense::new(2).activation(Activation::Sigmoid));
    assert_eq!(model.layers()[0].output_shape(), [4, 3, 4]);
    assert_eq!(model.layers()[2].output_shape(), [2, 2, 3]);
    let (x, y) = data(3, 7 * 5 * 3, 2);
    assert_eq!(check(&model, &x, &y), 112 + 51 + 26);
}

#[test]
fn valid_padding_odd_sizes_and_overlapping_pools() {
    let mut model = Sequential::with_input_shape(&[9, 7, 2], 5).unwrap();
    model
        .add(
            Conv2D::new(3, (4, 3))
                .strides((2, 1))
                .activation(Activation::Silu),
        )
        .add(MaxPooling2D::new((3, 2)).strides((1, 2)))
        .add(
            Conv2D::new(2, (1, 1))
                .strides((1, 2))
                .padding(Padding::Same)
                .activation(Activation::Tanh),
        )
        .add(Flatten::new())
        .add(Dense::new(1).activation(Activation::Sigmoid));
    assert_eq!(model.layers()[0].output_shape(), [3, 5, 3]);
    assert_eq!(model.layers()[1].output_shape(), [1, 2, 3]);
    assert_eq!(model.layers()[2].output_shape(), [1, 1, 2]);
    let (x, y) = data(4, 9 * 7 * 2, 1);
    assert_eq!(check(&model, &x, &y), 75 + 8 + 3);
}

#[test]
fn a_convolution_straight_into_the_output_with_even_same_kernel() {
    // Conv2D as the last layer: its output is the prediction (6 outputs).
    let mut model = Sequential::with_input_shape(&[4, 6, 1], 3).unwrap();
    model
        .add(
            Conv2D::new(2, (4, 2))
                .strides((2, 2))
                .padding(Padding::Same)
                .activation(Activation::Softplus),
        )
        .add(
            Conv2D::new(1, (3, 3))
                .padding(Padding::Same)
                .activation(Activation::Sigmoid),
        );
    assert_eq!(model.output_shape(), [2, 3, 1]);
    let (x, y) = data(2, 24, 6);
    assert_eq!(check(&model, &x, &y), 18 + 19);
}
