# Type stubs for the package sigmoid (see __init__.py for the documentation).
from collections.abc import Sequence
from typing import Literal

import numpy as np
from numpy.typing import ArrayLike, NDArray

expit: np.ufunc
sigmoid: np.ufunc
log_expit: np.ufunc
log_sigmoid: np.ufunc
logit: np.ufunc
softplus: np.ufunc
sigmoid_derivative: np.ufunc
tanh: np.ufunc
isa: str

def get_parallel_threshold() -> int: ...
def set_parallel_threshold(elements: int | None) -> None: ...

def bce_with_logits(
    logits: ArrayLike,
    labels: ArrayLike,
    reduction: Literal["mean", "sum", "none"] = "mean",
) -> np.floating | NDArray[np.floating]: ...
def sigmoid_backward(y: ArrayLike, dy: ArrayLike) -> np.floating | NDArray[np.floating]: ...
def loss_grad(
    params: ArrayLike,
    X: ArrayLike,
    y: ArrayLike,
    sample_weight: ArrayLike | None = None,
    hidden_layer_sizes: Sequence[int] = (),
    activation: str = "relu",
) -> tuple[float, NDArray[np.float64], float]: ...
