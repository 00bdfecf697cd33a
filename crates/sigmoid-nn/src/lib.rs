//! Keras-style neural networks (in progress).
