"""The exact tier (``sigmoid::Accuracy::Exact``): the same ufuncs as the package root,
correctly rounded but for a handful of near-ties (float32 <= 0.5001 ULP, float64 <= 0.75 ULP;
logit float64 <= 3 ULP), with bit-identical results on every CPU.

A drop-in for the package root's ufuncs: ``from sigmoid.exact import expit``.
"""

from ._native import exact as _tier

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
