"""The fast tier (``sigmoid::Accuracy::Fast``): the same ufuncs as the package root,
within 4 ULP in float32 (1 ULP in float64) on every input, for throughput first;
never NaN for a finite input; float32 results need not be monotone, and float32 tanh
reaches +-1 from |x| = 8.6427 (expit never reaches 1 before the default tier does).

A drop-in for the package root's ufuncs: ``from sigmoid.fast import expit``.
"""

from ._native import fast as _tier

expit = sigmoid = _tier.expit
log_expit = log_sigmoid = _tier.log_expit
logit = _tier.logit
softplus = _tier.softplus
sigmoid_derivative = _tier.sigmoid_derivative
tanh = _tier.tanh

__all__ = ["expit", "sigmoid", "log_expit", "log_sigmoid", "logit", "softplus",
           "sigmoid_derivative", "tanh"]

# Pickle finds a ufunc by its __name__ in its __module__ (NumPy >= 2.1).
for _ufunc in (expit, log_expit, logit, softplus, sigmoid_derivative, tanh):
    try:
        _ufunc.__module__ = __name__
    except (AttributeError, TypeError):  # NumPy < 2.1
        pass
del _ufunc
