//! [`Sequential::parameters`] and [`Sequential::set_parameters`]: every
//! weight of a model as one flat vector, for optimizers that work on vectors
//! (L-BFGS) and for engines that ship parameters between processes.
//!
//! The order, used everywhere a flat vector appears (also by
//! [`Sequential::loss_grad`](crate::Sequential::loss_grad)'s gradient): layer
//! by layer, first to last; within a layer, the kernel (inputs × units) row
//! by row, then the bias.

use ndarray::{Array1, Array2};

use crate::{NnError, Sequential};

impl Sequential {
    /// Every parameter, flat: per layer, the kernel row-major, then the bias.
    /// Its length is [`param_count`](Sequential::param_count).
    ///
    /// ```
    /// use sigmoid_nn::{Activation, Dense, Sequential};
    /// let mut model = Sequential::new(2);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// let p = model.parameters();
    /// assert_eq!(p.len(), 3); // kernel[0,0], kernel[1,0], bias[0]
    /// assert_eq!(p[2], 0.0); // the bias starts at zero
    /// ```
    pub fn parameters(&self) -> Vec<f32> {
        let mut out = Vec::with_capacity(self.param_count());
        for layer in self.layers() {
            out.extend(layer.kernel().iter());
            out.extend(layer.bias().iter());
        }
        out
    }

    /// Replaces every parameter from a flat vector in the order of
    /// [`parameters`](Sequential::parameters).
    ///
    /// # Errors
    /// [`NnError::Shape`] if `params` does not have
    /// [`param_count`](Sequential::param_count) values;
    /// [`NnError::InvalidArgument`] if one is NaN or infinite. The model is
    /// unchanged on error.
    ///
    /// ```
    /// use sigmoid_nn::{Activation, Dense, Sequential};
    /// let mut model = Sequential::new(2);
    /// model.add(Dense::new(1).activation(Activation::Sigmoid));
    /// model.set_parameters(&[0.5, -1.0, 0.25])?;
    /// assert_eq!(model.layers()[0].bias()[0], 0.25);
    /// assert!(model.set_parameters(&[1.0]).is_err());
    /// # Ok::<(), sigmoid_nn::NnError>(())
    /// ```
    pub fn set_parameters(&mut self, params: &[f32]) -> Result<(), NnError> {
        let expected = self.param_count();
        if params.len() != expected {
            return Err(NnError::Shape(format!(
                "set_parameters: expected {expected} parameters for this model, got {}",
                params.len()
            )));
        }
        if let Some(i) = params.iter().position(|v| !v.is_finite()) {
            return Err(NnError::InvalidArgument(format!(
                "set_parameters: parameter {i} is {}; every parameter must be finite",
                params[i]
            )));
        }
        let mut rest = params;
        for layer in self.layers_mut() {
            let (inputs, units) = layer.kernel().dim();
            let (kernel, tail) = rest.split_at(inputs * units);
            let (bias, tail) = tail.split_at(units);
            rest = tail;
            let kernel = Array2::from_shape_vec((inputs, units), kernel.to_vec())
                .expect("the length was checked");
            layer
                .set_weights(kernel, Array1::from(bias.to_vec()))
                .expect("shapes and values were checked");
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use crate::{Activation, Dense, NnError, Sequential};

    fn mlp() -> Sequential {
        let mut model = Sequential::with_seed(3, 5);
        model
            .add(Dense::new(4).activation(Activation::Relu))
            .add(Dense::new(1).activation(Activation::Sigmoid));
        model
    }

    #[test]
    fn order_is_kernel_row_major_then_bias_per_layer() {
        let model = mlp();
        let p = model.parameters();
        assert_eq!(p.len(), model.param_count());
        let l0 = &model.layers()[0];
        assert_eq!(p[1], l0.kernel()[[0, 1]]);
        assert_eq!(p[4], l0.kernel()[[1, 0]]);
        assert_eq!(&p[12..16], l0.bias().as_slice().unwrap());
        assert_eq!(p[16], model.layers()[1].kernel()[[0, 0]]);
        assert_eq!(p[20], model.layers()[1].bias()[0]);
    }

    #[test]
    fn set_then_get_round_trips_and_changes_predictions() {
        let mut model = mlp();
        let x = ndarray::array![[1.0_f32, -2.0, 0.5]];
        let before = model.predict(&x).unwrap();
        let new: Vec<f32> = (0..model.param_count())
            .map(|i| (i as f32 * 0.37).sin())
            .collect();
        model.set_parameters(&new).unwrap();
        assert_eq!(model.parameters(), new);
        assert_ne!(model.predict(&x).unwrap(), before);
    }

    #[test]
    fn wrong_length_names_expected_and_got_and_keeps_the_model() {
        let mut model = mlp();
        let before = model.parameters();
        let err = model.set_parameters(&[0.0; 5]).unwrap_err();
        assert!(matches!(err, NnError::Shape(_)));
        let text = err.to_string();
        assert!(
            text.contains("expected 21") && text.contains("got 5"),
            "{text}"
        );
        let mut bad = before.clone();
        bad[7] = f32::NAN;
        let err = model.set_parameters(&bad).unwrap_err().to_string();
        assert!(err.contains("parameter 7 is NaN"), "{err}");
        assert_eq!(model.parameters(), before);
    }
}
