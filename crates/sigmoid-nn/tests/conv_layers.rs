//! Conv2D, MaxPooling2D, Flatten and image-shaped Sequential models: shapes,
//! errors, the summary, and the forward pass against the definitions.

use ndarray::{Array2, Array4};
use sigmoid_nn::{
    Activation, Conv2D, Dense, Flatten, Layer, MaxPooling2D, NnError, Padding, Sequential,
};

/// Deterministic values in [-1, 1).
fn values(n: usize, salt: usize) -> Vec<f32> {
    (0..n)
        .map(|i| (((i * 37 + salt * 101) % 97) as f32 / 48.5) - 1.0)
        .collect()
}

fn digits_cnn() -> Sequential {
    let mut model = Sequential::with_input_shape(&[8, 8, 1], 42).unwrap();
    model
        .add(
            Conv2D::new(8, (3, 3))
                .padding(Padding::Same)
                .activation(Activation::Relu),
        )
        .add(MaxPooling2D::new((2, 2)))
        .add(
            Conv2D::new(16, (3, 3))
                .padding(Padding::Same)
                .activation(Activation::Relu),
        )
        .add(MaxPooling2D::new((2, 2)))
        .add(Flatten::new())
        .add(Dense::new(1).activation(Activation::Sigmoid));
    model
}

#[test]
fn output_shapes_and_parameter_counts_follow_keras() {
    let model = digits_cnn();
    let shapes: Vec<Vec<usize>> = model.layers().iter().map(Layer::output_shape).collect();
    assert_eq!(
        shapes,
        [
            vec![8, 8, 8],
            vec![4, 4, 8],
            vec![4, 4, 16],
            vec![2, 2, 16],
            vec![64],
            vec![1]
        ]
    );
    let params: Vec<usize> = model.layers().iter().map(Layer::param_count).collect();
    assert_eq!(params, [80, 0, 1168, 0, 0, 65]);
    assert_eq!(model.param_count(), 1313);
    assert_eq!(
        model.layer_names(),
        [
            "conv2d",
            "max_pooling2d",
            "conv2d_1",
            "max_pooling2d_1",
            "flatten",
            "dense"
        ]
    );
    let p = model.predict(&Array2::<f32>::zeros((3, 64))).unwrap();
    assert_eq!(p.dim(), (3, 1));
}

#[test]
fn summary_lists_layers_shapes_and_parameters() {
    let s = digits_cnn().summary();
    assert!(
        s.contains("│ conv2d (Conv2D)                 │ (None, 8, 8, 8)        │            80 │"),
        "{s}"
    );
    assert!(
        s.contains("│ max_pooling2d_1 (MaxPooling2D)  │ (None, 2, 2, 16)       │             0 │"),
        "{s}"
    );
    assert!(
        s.contains("│ flatten (Flatten)               │ (None, 64)             │             0 │"),
        "{s}"
    );
    assert!(s.contains("Total params: 1313 (5.13 KB)"), "{s}");
}

#[test]
fn shapes_that_do_not_fit_are_errors_naming_layer_and_shapes() {
    let mut model = Sequential::with_input_shape(&[8, 8, 1], 0).unwrap();
    model.try_add(Conv2D::new(4, (3, 3))).unwrap();
    let e = model.try_add(Dense::new(1)).unwrap_err();
    assert!(matches!(e, NnError::Shape(_)));
    assert_eq!(
        e.to_string(),
        "shape mismatch: layer 1 (dense) cannot take the shape (None, 6, 6, 4) it receives: it \
         needs a flat input (None, features); add a Flatten before it"
    );
    assert_eq!(model.layers().len(), 1, "the model is unchanged on error");
    model.try_add(MaxPooling2D::new((4, 4))).unwrap();
    let e = model.try_add(MaxPooling2D::new((2, 2))).unwrap_err();
    assert!(
        e.to_string().contains(
            "layer 2 (max_pooling2d_1) cannot take the shape (None, 1, 1, 4) it receives: the \
             pool (2, 2) is larger than the input"
        ),
        "{e}"
    );
    let e = model.try_add(Conv2D::new(2, (3, 3))).unwrap_err();
    assert!(e.to_string().contains("layer 2 (conv2d_1)"), "{e}");
    assert!(e.to_string().contains("kernel (3, 3) is larger"), "{e}");
    // Same padding never runs out of input.
    model
        .try_add(Conv2D::new(2, (3, 3)).padding(Padding::Same))
        .unwrap();
    assert_eq!(model.output_shape(), [1, 1, 2]);

    let mut flat = Sequential::new(64);
    let e = flat.try_add(Conv2D::new(2, (3, 3))).unwrap_err();
    assert!(
        e.to_string().contains("(None, 64)")
            && e.to_string().contains("(None, height, width, channels)"),
        "{e}"
    );
    for bad in [&[8, 8][..], &[8, 0, 1], &[]] {
        assert!(Sequential::with_input_shape(bad, 0).is_err(), "{bad:?}");
    }
    // x with the wrong number of columns names the input shape.
    let e = digits_cnn()
        .predict(&Array2::<f32>::zeros((1, 63)))
        .unwrap_err();
    assert!(e.to_string().contains("input shape (None, 8, 8, 1)"), "{e}");
}

/// The convolution by its definition (Keras' `same` split, zero padding),
/// in f64, on a [batch, h, w, c] array and a [kh, kw, in, out] kernel.
fn direct_conv(
    x: &Array4<f32>,
    kernel: &Array4<f32>,
    bias: &[f32],
    strides: (usize, usize),
    same: bool,
) -> Array4<f64> {
    let (b, h, w, _) = x.dim();
    let (kh, kw, cin, cout) = kernel.dim();
    let axis = |n: usize, k: usize, s: usize| {
        if same {
            let out = n.div_ceil(s);
            let total = ((out - 1) * s + k).saturating_sub(n);
            (out, total / 2)
        } else {
            ((n - k) / s + 1, 0)
        }
    };
    let (oh, pt) = axis(h, kh, strides.0);
    let (ow, pl) = axis(w, kw, strides.1);
    Array4::from_shape_fn((b, oh, ow, cout), |(n, oy, ox, f)| {
        let mut sum = f64::from(bias[f]);
        for ky in 0..kh {
            for kx in 0..kw {
                let iy = (oy * strides.0 + ky) as isize - pt as isize;
                let ix = (ox * strides.1 + kx) as isize - pl as isize;
                if iy < 0 || ix < 0 || iy >= h as isize || ix >= w as isize {
                    continue;
                }
                for c in 0..cin {
                    sum += f64::from(x[[n, iy as usize, ix as usize, c]])
                        * f64::from(kernel[[ky, kx, c, f]]);
                }
            }
        }
        sum
    })
}

#[test]
fn convolution_matches_its_definition() {
    for (kernel_size, strides, padding) in [
        ((3, 3), (1, 1), Padding::Same),
        ((2, 2), (1, 1), Padding::Same),
        ((3, 2), (2, 2), Padding::Same),
        ((4, 3), (2, 1), Padding::Valid),
        ((1, 1), (3, 2), Padding::Same),
    ] {
        let (b, h, w, cin, cout) = (2, 7, 6, 3, 4);
        let x = Array4::from_shape_vec((b, h, w, cin), values(b * h * w * cin, 1)).unwrap();
        let mut model = Sequential::with_input_shape(&[h, w, cin], 5).unwrap();
        model.add(
            Conv2D::new(cout, kernel_size)
                .strides(strides)
                .padding(padding),
        );
        let bias = values(cout, 3);
        let layer = &mut model.layers_mut()[0];
        let k = layer.kernel().clone();
        layer.set_weights(k, bias.clone().into()).unwrap();
        let conv = model.layers()[0].as_conv2d().unwrap();
        let kernel = conv.kernel_4d().to_owned();
        let expected = direct_conv(&x, &kernel, &bias, strides, padding == Padding::Same);
        let flat = x.clone().into_shape_with_order((b, h * w * cin)).unwrap();
        let got = model.predict(&flat).unwrap();
        assert_eq!(
            got.len(),
            expected.len(),
            "{kernel_size:?} {strides:?} {padding:?}"
        );
        assert_eq!(
            conv.output_shape().unwrap(),
            [expected.dim().1, expected.dim().2, cout]
        );
        for (g, e) in got.iter().zip(&expected) {
            assert!(
                (f64::from(*g) - e).abs() < 1e-5,
                "{kernel_size:?} {strides:?} {padding:?}: {g} vs {e}"
            );
        }
    }
}

#[test]
fn max_pooling_and_flatten_match_their_definitions() {
    let (b, h, w, c) = (2, 5, 7, 3);
    let x = Array4::from_shape_vec((b, h, w, c), values(b * h * w * c, 2)).unwrap();
    for (pool, strides, padding) in [
        ((2, 2), None, Padding::Valid),
        ((3, 2), Some((1, 2)), Padding::Valid),
        ((2, 3), None, Padding::Same),
    ] {
        let mut model = Sequential::with_input_shape(&[h, w, c], 0).unwrap();
        let mut layer = MaxPooling2D::new(pool).padding(padding);
        if let Some(s) = strides {
            layer = layer.strides(s);
        }
        model.add(layer).add(Flatten::new());
        let [oh, ow, _] = model.layers()[0]
            .as_max_pooling2d()
            .unwrap()
            .output_shape()
            .unwrap();
        let (sh, sw) = strides.unwrap_or(pool);
        let (pt, pl) = if padding == Padding::Same {
            (
                ((oh - 1) * sh + pool.0).saturating_sub(h) / 2,
                ((ow - 1) * sw + pool.1).saturating_sub(w) / 2,
            )
        } else {
            (0, 0)
        };
        let got = model
            .predict(&x.clone().into_shape_with_order((b, h * w * c)).unwrap())
            .unwrap();
        assert_eq!(got.ncols(), oh * ow * c);
        for n in 0..b {
            for oy in 0..oh {
                for ox in 0..ow {
                    for ch in 0..c {
                        let mut best = f32::NEG_INFINITY;
                        for ky in 0..pool.0 {
                            for kx in 0..pool.1 {
                                let iy = (oy * sh + ky) as isize - pt as isize;
                                let ix = (ox * sw + kx) as isize - pl as isize;
                                if (0..h as isize).contains(&iy) && (0..w as isize).contains(&ix) {
                                    best = best.max(x[[n, iy as usize, ix as usize, ch]]);
                                }
                            }
                        }
                        // Flatten: channels-last order.
                        assert_eq!(
                            got[[n, (oy * ow + ox) * c + ch]],
                            best,
                            "{pool:?} {padding:?}"
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn weights_given_before_adding_are_kept_and_checked() {
    let mut conv = Conv2D::new(2, (2, 2));
    let kernel = Array2::from_shape_vec((2 * 2 * 3, 2), values(24, 4)).unwrap();
    conv.set_weights(kernel.clone(), vec![0.5, -0.5].into())
        .unwrap();
    let mut model = Sequential::with_input_shape(&[4, 4, 3], 0).unwrap();
    model.try_add(conv.clone()).unwrap();
    assert_eq!(model.layers()[0].kernel(), &kernel);
    let mut other = Sequential::with_input_shape(&[4, 4, 2], 0).unwrap();
    let e = other.try_add(conv).unwrap_err();
    assert!(
        e.to_string()
            .contains("weights for 3 input channels but receives 2"),
        "{e}"
    );
    let e = Conv2D::new(2, (2, 2))
        .set_weights(Array2::zeros((5, 2)), vec![0.0; 2].into())
        .unwrap_err();
    assert!(e.to_string().contains("[2, 2, inputs, 2]"), "{e}");
    let mut pool: Layer = MaxPooling2D::new((2, 2)).into();
    assert!(
        pool.set_weights(Array2::zeros((1, 1)), vec![].into())
            .is_err()
    );
}

#[test]
fn conv_models_round_trip_through_the_model_file() {
    let mut model = Sequential::with_input_shape(&[9, 7, 2], 8).unwrap();
    model
        .add(
            Conv2D::new(3, (4, 3))
                .strides((2, 1))
                .padding(Padding::Same)
                .activation(Activation::Tanh)
                .accuracy(sigmoid::Accuracy::Fast),
        )
        .add(
            MaxPooling2D::new((3, 2))
                .strides((1, 2))
                .padding(Padding::Same),
        )
        .add(Flatten::new())
        .add(Dense::new(2).activation(Activation::Sigmoid));
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cnn.safetensors");
    model.save(&path).unwrap();
    let back = Sequential::load(&path).unwrap();
    assert_eq!(back.input_shape(), [9, 7, 2]);
    assert_eq!(back.layers(), model.layers());
    let x = Array2::from_shape_vec((2, 126), values(252, 6)).unwrap();
    assert_eq!(back.predict(&x).unwrap(), model.predict(&x).unwrap());

    // The file: Keras' kernel shape [kh, kw, in, out]; no tensors for layers
    // without weights; tensors named by the layer's index.
    let bytes = std::fs::read(&path).unwrap();
    let file = safetensors::SafeTensors::deserialize(&bytes).unwrap();
    let mut names = file.names();
    names.sort();
    assert_eq!(
        names,
        [
            "layers.0.bias",
            "layers.0.kernel",
            "layers.3.bias",
            "layers.3.kernel"
        ]
    );
    assert_eq!(
        file.tensor("layers.0.kernel").unwrap().shape(),
        [4, 3, 2, 3]
    );
    assert_eq!(
        file.tensor("layers.3.kernel").unwrap().shape(),
        [5 * 4 * 3, 2]
    );
    let (_, header) = safetensors::SafeTensors::read_metadata(&bytes).unwrap();
    let arch = &header.metadata().as_ref().unwrap()[sigmoid_nn::ARCHITECTURE_KEY];
    let arch: serde_json::Value = serde_json::from_str(arch).unwrap();
    assert_eq!(arch["input_shape"], serde_json::json!([9, 7, 2]));
    assert_eq!(
        arch["layers"][0],
        serde_json::json!({"class_name": "Conv2D", "filters": 3, "kernel_size": [4, 3],
            "strides": [2, 1], "padding": "same", "activation": "tanh", "accuracy": "fast"})
    );
    assert_eq!(
        arch["layers"][1],
        serde_json::json!({"class_name": "MaxPooling2D", "pool_size": [3, 2], "strides": [1, 2],
            "padding": "same"})
    );
    assert_eq!(
        arch["layers"][2],
        serde_json::json!({"class_name": "Flatten"})
    );
}

#[test]
fn a_model_file_whose_layers_do_not_fit_is_an_error() {
    let mut model = Sequential::with_input_shape(&[4, 4, 1], 0).unwrap();
    model
        .add(Conv2D::new(2, (3, 3)))
        .add(Flatten::new())
        .add(Dense::new(1));
    let bytes = model.to_bytes().unwrap();
    // Blank out the Flatten in the architecture (same length, so the header
    // stays valid): the Dense then receives an image.
    let flatten = br#"{\"class_name\":\"Flatten\"},"#;
    let at = bytes
        .windows(flatten.len())
        .position(|w| w == flatten)
        .expect("the architecture JSON is where the test expects it");
    let mut new_bytes = bytes.clone();
    new_bytes[at..at + flatten.len()].fill(b' ');
    let e = Sequential::from_bytes(&new_bytes).unwrap_err().to_string();
    assert!(
        e.starts_with("model bytes: ")
            && e.contains("layer 1 (dense)")
            && e.contains("(None, 2, 2, 2)"),
        "{e}"
    );
}

/// Every single-byte change to a CNN model file's header (the architecture
/// JSON and the tensor table) decodes to a model or an error, never a panic:
/// a quick local stand-in for the `model_bytes` fuzz target.
#[test]
fn mutated_cnn_files_are_errors_not_panics() {
    let mut model = Sequential::with_input_shape(&[5, 5, 2], 1).unwrap();
    model
        .add(
            Conv2D::new(2, (3, 2))
                .strides((2, 1))
                .padding(Padding::Same),
        )
        .add(MaxPooling2D::new((2, 2)).padding(Padding::Same))
        .add(Flatten::new())
        .add(Dense::new(1));
    let bytes = model.to_bytes().unwrap();
    let header_end = 8 + u64::from_le_bytes(bytes[..8].try_into().unwrap()) as usize;
    let x = Array2::<f32>::ones((1, 50));
    for at in 8..header_end {
        for replacement in [b'0', b'9', b'"', b'}'] {
            let mut mutated = bytes.clone();
            mutated[at] = replacement;
            if let Ok(m) = Sequential::from_bytes(&mutated) {
                // Whatever decodes must also predict (or refuse) cleanly.
                let _ = m.predict(&x);
            }
        }
    }
}
