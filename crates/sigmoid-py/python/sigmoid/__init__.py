"""The sigmoid family as NumPy ufuncs, over correctly rounded Rust kernels.

Elementwise functions are true ``numpy.ufunc`` objects named like scipy's, so
``from sigmoid import expit`` is a drop-in for ``scipy.special.expit``:
broadcasting, any strides, ``out=``, ``where=``, 0-d input, subclasses,
pickling and ``__array_ufunc__`` dispatch (Dask arrays stay lazy) all come
from NumPy. Loops exist for float16, float32 and float64; integers promote as
for ``np.exp``; ``np.longdouble`` raises ``TypeError`` (no silent precision
loss: pass ``dtype=np.float64`` to compute in double explicitly).

Error bounds (default tier, on every input): <= 1 ULP in float32 and float64
(``logit`` <= 3 ULP in float64); float16 results are correctly rounded.

Tiers: the root's ufuncs use the kernels' default tier; :mod:`sigmoid.fast`
(<= 4 ULP in float32, for throughput) and :mod:`sigmoid.exact` (correctly
rounded, bit-identical on every CPU) hold the same ufuncs in the other tiers.

Submodules: :mod:`sigmoid.sklearn` (``SigmoidClassifier``) and
:mod:`sigmoid.dask` (distributed L-BFGS over :func:`loss_grad`).
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from . import _native, exact, fast
from ._native import (
    expit,
    get_parallel_threshold,
    set_parallel_threshold,
    log_expit,
    log_sigmoid,
    logit,
    sigmoid,
    sigmoid_derivative,
    softplus,
    tanh,
)

__all__ = [
    "expit",
    "sigmoid",
    "log_expit",
    "log_sigmoid",
    "logit",
    "softplus",
    "sigmoid_derivative",
    "tanh",
    "bce_with_logits",
    "sigmoid_backward",
    "loss_grad",
    "isa",
    "get_parallel_threshold",
    "set_parallel_threshold",
]

# Pickle finds a ufunc by its __name__ in its __module__ (NumPy >= 2.1 lets
# a ufunc carry one); without it pickle searches every imported module.
for _ufunc in (expit, log_expit, logit, softplus, sigmoid_derivative, tanh):
    try:
        _ufunc.__module__ = __name__
    except (AttributeError, TypeError):  # NumPy < 2.1
        pass
del _ufunc

#: The instruction-set path the kernels use: "avx512", "avx2" or "portable"
#: (forced with the environment variable SIGMOID_ISA before import).
isa: str = _native.isa


def _real_array(value, what: str, name: str) -> np.ndarray:
    """``np.asarray(value)``, refusing dtypes that would lose information."""
    array = np.asarray(value)
    if array.dtype.kind not in "biuf":
        raise TypeError(
            f"{what}: {name} has dtype {array.dtype}; expected real numbers "
            "(bool, integer or float16/32/64)"
        )
    if array.dtype == np.longdouble and np.longdouble != np.float64:
        raise TypeError(
            f"{what}: {name} is np.longdouble, which the kernels do not compute in; "
            "convert it to float64 explicitly (x.astype(np.float64)) if that precision is enough"
        )
    return array


def _pair(a, b, what: str, names: tuple[str, str]):
    """Two arrays broadcast to one shape, contiguous, in float32 or float64.

    Returns (a, b, shape, result dtype). float16 inputs compute in float32 and
    round once to float16; integers and bools compute in float64 (as np.exp).
    """
    a = _real_array(a, what, names[0])
    b = _real_array(b, what, names[1])
    result = np.result_type(a.dtype, b.dtype, np.float16)
    compute = np.float32 if result in (np.float16, np.float32) else np.float64
    try:
        a, b = np.broadcast_arrays(a, b)
    except ValueError:
        raise ValueError(
            f"{what}: {names[0]} of shape {a.shape} and {names[1]} of shape {b.shape} "
            "cannot be broadcast to one shape"
        ) from None
    shape = a.shape
    a = np.ascontiguousarray(a, dtype=compute).reshape(-1)
    b = np.ascontiguousarray(b, dtype=compute).reshape(-1)
    return a, b, shape, result


def bce_with_logits(
    logits,
    labels,
    reduction: Literal["mean", "sum", "none"] = "mean",
):
    """Binary cross-entropy from logits: ``max(z, 0) - z*y + log1p(exp(-|z|))``.

    The equivalent of ``torch.nn.functional.binary_cross_entropy_with_logits``
    and Keras' ``BinaryCrossentropy(from_logits=True)``, finite for every
    finite logit (no overflow at large ``|z|``). ``logits`` and ``labels``
    broadcast together. ``reduction``: ``"mean"`` (default; NaN for empty
    input), ``"sum"``, or ``"none"`` (the elementwise losses, broadcast
    shape). Sums accumulate in float64 and round once to the result dtype.

    Error bound per element (labels in [0, 1]): float32 <= 0.5 + 2**-25 ULP;
    float64 <= 2 ULP. Dtypes: float32 and float64 compute in their own type;
    float16 computes in float32 and rounds once; integers compute in float64.
    At ``z = +-inf`` the limit is returned (0 or inf), where torch gives NaN.

    Raises ``TypeError`` for complex, object or longdouble input,
    ``ValueError`` for shapes that do not broadcast or an unknown reduction.

    >>> float(bce_with_logits([0.0], [1.0]))  # log(2)
    0.6931471805599453
    """
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(
            f"bce_with_logits: reduction must be 'mean', 'sum' or 'none', not {reduction!r}"
        )
    z, y, shape, result = _pair(logits, labels, "bce_with_logits", ("logits", "labels"))
    if z.dtype == np.float32:
        loss = _native._bce_with_logits_f32(z, y)
    else:
        loss = _native._bce_with_logits_f64(z, y)
    if reduction == "none":
        return loss.reshape(shape).astype(result, copy=False)
    total = loss.sum(dtype=np.float64)
    if reduction == "mean":
        total = total / loss.size if loss.size else np.float64(np.nan)
    return result.type(total)


def sigmoid_backward(y, dy):
    """The sigmoid's backward pass: ``dx = dy * y * (1 - y)``, from its output ``y``.

    ``y`` and ``dy`` broadcast together; the result has the broadcast shape.
    Error bound: float32 <= 0.5 + 2**-28 ULP; float64 <= 1 ULP. Dtypes as
    :func:`bce_with_logits`. For the derivative from the input ``x`` (exact
    also where ``y`` rounds to 1), use the ufunc :data:`sigmoid_derivative`.

    >>> sigmoid_backward(np.float64(0.5), np.float64(2.0))
    np.float64(0.5)
    """
    a, b, shape, result = _pair(y, dy, "sigmoid_backward", ("y", "dy"))
    if a.dtype == np.float32:
        dx = _native._sigmoid_backward_f32(a, b)
    else:
        dx = _native._sigmoid_backward_f64(a, b)
    dx = dx.reshape(shape).astype(result, copy=False)
    return dx[()] if dx.ndim == 0 else dx


def loss_grad(params, X, y, sample_weight=None, hidden_layer_sizes=(), activation="relu"):
    """Sums of a logistic regression's or network's binary cross-entropy and gradient over rows.

    ``params`` is ``[w_1, ..., w_d, b]`` (coefficients, then the intercept) for
    ``X`` of shape ``(n, d)``; ``y`` holds ``n`` labels in [0, 1];
    ``sample_weight`` (default all 1) ``n`` finite non-negative weights.
    Returns ``(loss_sum, grad_sum, weight_sum)``: ``sum(w_i * bce(x_i.w + b,
    y_i))``, its gradient with respect to ``params`` (float64 array of
    ``d + 1``), and ``sum(w_i)``. All arithmetic is float64 (float32 ``X`` is
    widened exactly). Results of partitions add up to the whole data set's,
    so any engine can reduce them; divide by the total weight for the mean
    loss, as :func:`sigmoid.dask.fit_logistic_lbfgs` does.

    With ``hidden_layer_sizes`` (e.g. ``(8,)``), the model is instead the
    network of :class:`sigmoid.sklearn.SigmoidClassifier`: ``Dense(h,
    activation)`` per hidden size (``activation`` a Keras name: relu, tanh,
    sigmoid, ...), then ``Dense(1, sigmoid)``. ``params`` is then flat, layer
    by layer: the kernel of shape ``(inputs, units)`` row by row, then the
    bias (``d*h1 + h1 + h1*h2 + h2 + ... + h_last + 1`` values). The network
    computes in float32 as it trains (``params`` and ``X`` are rounded to
    float32; the sums are float64), over row blocks on all cores, with a
    result that does not depend on the number of threads.

    Raises ``ValueError`` naming the argument for wrong shapes, non-finite
    ``params`` or ``X``, labels outside [0, 1] or NaN, negative or non-finite
    weights; ``TypeError`` for complex, object or longdouble input.

    >>> loss, grad, n = loss_grad([0.0, 0.0], [[1.0], [2.0]], [1.0, 0.0])
    >>> round(loss, 6), grad.tolist(), n
    (1.386294, [0.5, 0.0], 2.0)
    >>> loss, grad, n = loss_grad(np.zeros(7), [[1.0], [2.0]], [1.0, 0.0], hidden_layer_sizes=(2,))
    >>> round(loss, 6), grad.shape, n
    (1.386294, (7,), 2.0)
    """
    what = "loss_grad"
    params = _real_array(params, what, "params")
    X = _real_array(X, what, "X")
    y = _real_array(y, what, "y")
    if params.ndim != 1:
        raise ValueError(f"loss_grad: params must be 1-D, got shape {params.shape}")
    if X.ndim != 2:
        raise ValueError(
            f"loss_grad: X must be 2-D (rows x features), got shape {X.shape}"
        )
    if y.ndim != 1:
        raise ValueError(f"loss_grad: y must be 1-D, got shape {y.shape}")
    if sample_weight is not None:
        sample_weight = _real_array(sample_weight, what, "sample_weight")
        if sample_weight.ndim != 1:
            raise ValueError(
                f"loss_grad: sample_weight must be 1-D, got shape {sample_weight.shape}"
            )
        sample_weight = np.asarray(sample_weight, dtype=np.float64)
    hidden = [int(h) for h in hidden_layer_sizes]
    if hidden:
        if any(h < 1 for h in hidden):
            raise ValueError(
                f"loss_grad: hidden_layer_sizes must be positive, got {tuple(hidden)}"
            )
        return _native._network_loss_grad(
            np.asarray(params, dtype=np.float64),
            np.ascontiguousarray(X, dtype=np.float32),
            np.asarray(y, dtype=np.float32),
            None if sample_weight is None else sample_weight.astype(np.float32),
            hidden,
            str(activation),
        )
    return _native._loss_grad(
        np.asarray(params, dtype=np.float64),
        np.asarray(X, dtype=np.float64),
        np.asarray(y, dtype=np.float64),
        sample_weight,
    )
