"""``SigmoidClassifier``: a scikit-learn estimator over sigmoid-nn's ``Sequential``.

With ``hidden_layer_sizes=()`` (the default) it is a logistic regression;
with hidden layers, a small MLP. Training (mini-batch SGD or Adam, or
full-batch L-BFGS, on binary cross-entropy from the logits, in float32) runs in
Rust with the GIL released.
Binary classification only (declared through the estimator tags).
"""

from __future__ import annotations

import warnings

import numpy as np
from sklearn.base import BaseEstimator, ClassifierMixin
from sklearn.exceptions import ConvergenceWarning
from sklearn.utils import check_random_state
from sklearn.utils.metaestimators import available_if
from sklearn.utils.multiclass import check_classification_targets, type_of_target
from sklearn.utils.validation import (
    _check_sample_weight,
    check_is_fitted,
    validate_data,
)

from . import _native

__all__ = ["SigmoidClassifier"]


def _incremental(estimator):
    """``partial_fit`` exists for the mini-batch optimizers only, as in
    ``MLPClassifier``: L-BFGS trains on all rows at once."""
    if estimator.optimizer == "lbfgs":
        raise AttributeError("partial_fit is not available with optimizer='lbfgs'")
    return True


class SigmoidClassifier(ClassifierMixin, BaseEstimator):
    """Binary classifier: ``Dense`` layers ending in one sigmoid unit.

    Parameters
    ----------
    hidden_layer_sizes : tuple of int, default=()
        Units of each hidden layer; ``()`` gives a logistic regression.
    activation : str, default="relu"
        Hidden layers' activation: "relu", "sigmoid", "tanh", "linear", ...
    optimizer : {"adam", "sgd", "lbfgs"}, default="adam"
        "lbfgs" trains on all rows at once until ``tol`` (scikit-learn's
        solver for ``LogisticRegression``); it has no ``partial_fit``.
    learning_rate : float, default=0.01
        Of "adam" and "sgd".
    epochs : int, default=50
        Passes over the data in ``fit``; ``partial_fit`` makes one pass. With
        "lbfgs", the most iterations.
    tol : float, default=1e-4
        "lbfgs" stops when every component of the objective's gradient is at
        most this.
    alpha : float, default=1e-4
        "lbfgs": L2 penalty on the weights (not the biases), as
        ``MLPClassifier``'s: ``alpha / (2 n) · Σ w²`` added to the mean loss,
        n the sum of the sample weights (the rows without them);
        ``alpha=1`` is ``LogisticRegression(C=1)``.
    batch_size : int, default=32
    random_state : int, RandomState or None, default=None
        Seeds the initial weights and the shuffling; an int makes ``fit``
        deterministic.

    Attributes
    ----------
    classes_ : ndarray of shape (2,)
    n_features_in_ : int
    n_iter_ : int
        Epochs run (in total, counting ``partial_fit`` calls).
    loss_curve_ : list of float
        The mean training loss of each epoch.

    Notes
    -----
    Pickling stores the weights as safetensors bytes; the optimizer's state
    (Adam's moments) is not kept, so ``partial_fit`` after unpickling starts
    the optimizer afresh.
    """

    def __init__(
        self,
        hidden_layer_sizes=(),
        activation="relu",
        optimizer="adam",
        learning_rate=0.01,
        epochs=50,
        batch_size=32,
        random_state=None,
        tol=1e-4,
        alpha=1e-4,
    ):
        self.hidden_layer_sizes = hidden_layer_sizes
        self.activation = activation
        self.optimizer = optimizer
        self.learning_rate = learning_rate
        self.epochs = epochs
        self.batch_size = batch_size
        self.random_state = random_state
        self.tol = tol
        self.alpha = alpha

    def __sklearn_tags__(self):
        tags = super().__sklearn_tags__()
        tags.classifier_tags.multi_class = False
        return tags

    # ----------------------------------------------------------------- fitting

    def fit(self, X, y, sample_weight=None):
        """Trains a new network for ``epochs`` passes over (X, y); returns self."""
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64], reset=True)
        classes = self._binary_classes(y)
        self._check_params()
        rng = check_random_state(self.random_state)
        self._seed = int(rng.randint(np.iinfo(np.int32).max))
        self.classes_ = classes
        self._model = self._new_model(X.shape[1], self._seed)
        self.n_iter_ = 0
        self.loss_curve_ = []
        self._train(X, y, sample_weight, self.epochs)
        return self

    @available_if(_incremental)
    def partial_fit(self, X, y, classes=None, sample_weight=None):
        """One pass over (X, y), continuing from the current weights.

        ``classes`` (both labels) is required on the first call, as for
        scikit-learn's other incremental estimators.
        """
        first = not hasattr(self, "_model")
        X, y = validate_data(self, X, y, dtype=[np.float32, np.float64], reset=first)
        if first:
            if classes is None:
                raise ValueError(
                    "classes must be passed on the first call to partial_fit "
                    "(the two labels, e.g. classes=[0, 1])"
                )
            self._check_params()
            classes = self._binary_classes(np.asarray(classes))
            rng = check_random_state(self.random_state)
            self._seed = int(rng.randint(np.iinfo(np.int32).max))
            self.classes_ = classes
            self._model = self._new_model(X.shape[1], self._seed)
            self.n_iter_ = 0
            self.loss_curve_ = []
        else:
            if classes is not None and not np.array_equal(
                np.unique(classes), self.classes_
            ):
                raise ValueError(
                    f"classes={classes!r} differs from the first call's {self.classes_!r}"
                )
        check_classification_targets(y)
        unknown = np.setdiff1d(np.unique(y), self.classes_)
        if unknown.size:
            raise ValueError(
                f"y contains labels {unknown.tolist()} not in classes {self.classes_.tolist()}"
            )
        self._train(X, y, sample_weight, 1)
        return self

    def _binary_classes(self, y):
        check_classification_targets(y)
        y_type = type_of_target(y, input_name="y", raise_unknown=True)
        if y_type != "binary":
            raise ValueError(
                "Only binary classification is supported. The type of the target "
                f"is {y_type}."
            )
        classes = np.unique(y)
        if classes.size != 2:
            raise ValueError(
                "SigmoidClassifier needs samples of 2 classes; the data contain only "
                f"one class: {classes.tolist()}"
            )
        return classes

    def _check_params(self):
        sizes = self.hidden_layer_sizes
        if isinstance(sizes, (int, np.integer)):
            sizes = (sizes,)
        try:
            sizes = tuple(int(h) for h in sizes)
        except TypeError:
            raise ValueError(
                f"hidden_layer_sizes must be a tuple of ints, not {self.hidden_layer_sizes!r}"
            ) from None
        if any(h < 1 for h in sizes):
            raise ValueError(f"hidden_layer_sizes must be positive, not {sizes!r}")
        if not (isinstance(self.epochs, (int, np.integer)) and self.epochs >= 1):
            raise ValueError(f"epochs must be a positive integer, not {self.epochs!r}")
        if not (isinstance(self.batch_size, (int, np.integer)) and self.batch_size >= 1):
            raise ValueError(
                f"batch_size must be a positive integer, not {self.batch_size!r}"
            )
        if not (np.isfinite(self.tol) and self.tol > 0):
            raise ValueError(f"tol must be a positive number, not {self.tol!r}")
        if not (np.isfinite(self.alpha) and self.alpha >= 0):
            raise ValueError(f"alpha must be a number >= 0, not {self.alpha!r}")
        self._sizes = sizes

    def _new_model(self, n_features, seed):
        return _native.Model(
            n_features,
            list(self._sizes),
            str(self.activation),
            str(self.optimizer),
            float(self.learning_rate),
            seed,
        )

    def _train(self, X, y, sample_weight, epochs):
        if sample_weight is not None:
            sample_weight = _check_sample_weight(sample_weight, X, dtype=np.float64)
            if not np.all(np.isfinite(sample_weight)) or np.any(sample_weight < 0):
                raise ValueError("sample_weight must be finite and not negative")
            sample_weight = np.ascontiguousarray(sample_weight, dtype=np.float32)
        with np.errstate(over="ignore"):  # reported just below, as an error
            X32 = np.asarray(X, dtype=np.float32)
        if not np.all(np.isfinite(X32)):
            raise ValueError(
                "X has values too large for float32 (the network computes in float32)"
            )
        target = (y == self.classes_[1]).astype(np.float32)
        if self.optimizer == "lbfgs":
            # Per unit of weight, so that a weight of 2 is a repeated row.
            total = X32.shape[0] if sample_weight is None else float(np.sum(sample_weight))
            l2 = float(self.alpha) / max(total, np.finfo(np.float32).tiny)
            iterations, loss, converged = self._model.fit_lbfgs(
                X32, target, sample_weight, int(epochs), float(self.tol), l2
            )
            if not converged:
                warnings.warn(
                    f"L-BFGS stopped after {iterations} iterations without reaching "
                    f"tol={self.tol}; raise epochs (the most iterations)",
                    ConvergenceWarning,
                )
            self.n_iter_ += iterations
            self.loss_curve_.append(loss)
            return
        # A different shuffle each call, reproducible from random_state.
        shuffle_seed = self._seed + self.n_iter_
        losses = self._model.fit(
            X32, target, sample_weight, int(epochs), int(self.batch_size), shuffle_seed
        )
        self.n_iter_ += len(losses)
        self.loss_curve_.extend(losses)

    # -------------------------------------------------------------- prediction

    def _check_X(self, X):
        check_is_fitted(self)
        X = validate_data(self, X, dtype=[np.float32, np.float64], reset=False)
        return np.asarray(X, dtype=np.float32)

    def decision_function(self, X):
        """The logit of class ``classes_[1]`` for each row, shape (n,)."""
        X = self._check_X(X)
        return self._model.decision_function(X).astype(np.float64)

    def predict_proba(self, X):
        """Probabilities of ``classes_[0]`` and ``classes_[1]``, shape (n, 2)."""
        X = self._check_X(X)
        p = self._model.predict_proba(X).astype(np.float64)
        return np.column_stack([1.0 - p, p])

    def predict(self, X):
        """The more probable class of each row, shape (n,)."""
        positive = self.decision_function(X) > 0  # checks fitted before classes_ is read
        return self.classes_[positive.astype(np.intp)]

    # ---------------------------------------------------------------- pickling

    def __getstate__(self):
        # A copy: object.__getstate__ returns the instance's own __dict__.
        state = dict(super().__getstate__())
        model = state.pop("_model", None)
        if model is not None:
            state["_model_bytes"] = bytes(model.to_bytes())
        return state

    def __setstate__(self, state):
        state = dict(state)
        data = state.pop("_model_bytes", None)
        super().__setstate__(state)
        if data is not None:
            self._model = _native.Model.from_bytes(
                data, str(self.optimizer), float(self.learning_rate)
            )
