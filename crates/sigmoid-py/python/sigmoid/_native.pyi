# Type stubs for the extension module sigmoid._native (Rust, PyO3).
from types import ModuleType

import numpy as np
from numpy.typing import NDArray

expit: np.ufunc
sigmoid: np.ufunc
log_expit: np.ufunc
log_sigmoid: np.ufunc
logit: np.ufunc
softplus: np.ufunc
sigmoid_derivative: np.ufunc
tanh: np.ufunc
fast: ModuleType  # the same ufuncs, sigmoid::Accuracy::Fast
exact: ModuleType  # the same ufuncs, sigmoid::Accuracy::Exact

def get_parallel_threshold() -> int: ...
def set_parallel_threshold(elements: int | None) -> None: ...
isa: str

def _bce_with_logits_f32(logits: NDArray[np.float32], labels: NDArray[np.float32], /) -> NDArray[np.float32]: ...
def _bce_with_logits_f64(logits: NDArray[np.float64], labels: NDArray[np.float64], /) -> NDArray[np.float64]: ...
def _sigmoid_backward_f32(y: NDArray[np.float32], dy: NDArray[np.float32], /) -> NDArray[np.float32]: ...
def _sigmoid_backward_f64(y: NDArray[np.float64], dy: NDArray[np.float64], /) -> NDArray[np.float64]: ...
def _loss_grad(
    params: NDArray[np.float64],
    x: NDArray[np.float64],
    y: NDArray[np.float64],
    sample_weight: NDArray[np.float64] | None = None,
) -> tuple[float, NDArray[np.float64], float]: ...
def _network_loss_grad(
    params: NDArray[np.float64],
    x: NDArray[np.float32],
    y: NDArray[np.float32],
    sample_weight: NDArray[np.float32] | None,
    hidden_layer_sizes: list[int],
    activation: str,
) -> tuple[float, NDArray[np.float64], float]: ...

class Model:
    def __init__(
        self,
        n_features: int,
        hidden_layer_sizes: list[int],
        activation: str,
        optimizer: str,
        learning_rate: float,
        seed: int,
    ) -> None: ...
    @property
    def n_features(self) -> int: ...
    def fit(
        self,
        x: NDArray[np.float32],
        y: NDArray[np.float32],
        sample_weight: NDArray[np.float32] | None,
        epochs: int,
        batch_size: int,
        shuffle_seed: int,
    ) -> list[float]: ...
    def fit_lbfgs(
        self,
        x: NDArray[np.float32],
        y: NDArray[np.float32],
        sample_weight: NDArray[np.float32] | None,
        max_iter: int,
        tol: float,
        l2: float,
    ) -> tuple[int, float, bool]: ...
    def predict_proba(self, x: NDArray[np.float32]) -> NDArray[np.float32]: ...
    def decision_function(self, x: NDArray[np.float32]) -> NDArray[np.float32]: ...
    def to_bytes(self) -> bytes: ...
    @staticmethod
    def from_bytes(data: bytes, optimizer: str, learning_rate: float) -> Model: ...
