"""Training on data beyond one machine with Dask.

Elementwise functions need nothing from here: ``sigmoid.expit(dask_array)``
returns a lazy Dask array (NumPy's ``__array_ufunc__`` protocol) whose chunks
the workers compute with our kernels. Incremental training needs nothing
either: ``dask_ml.wrappers.Incremental(SigmoidClassifier())`` calls
``partial_fit`` on each block.

This module adds a full-batch optimiser: :func:`fit_logistic_lbfgs` runs
scipy's L-BFGS on the client, and each of its loss/gradient evaluations is one
Dask task per row block calling :func:`sigmoid.loss_grad`, whose sums the client
adds (the pattern of Spark MLlib's ``RDDLossFunction`` and dask-glm's
``lbfgs``). The blocks stay on the workers between iterations (persisted);
only ``d + 3`` numbers per block travel each iteration.
"""

from __future__ import annotations

import dask
import dask.array as da
import numpy as np
from scipy.optimize import OptimizeResult, minimize

from . import loss_grad

__all__ = ["fit_logistic_lbfgs"]


def _row_blocks(X, y, sample_weight):
    """Lists of row blocks (delayed for Dask input, arrays otherwise)."""
    if not isinstance(X, da.Array):
        return [(np.asarray(X), np.asarray(y), sample_weight)], False
    if X.ndim != 2:
        raise ValueError(f"fit_logistic_lbfgs: X must be 2-D, got shape {X.shape}")
    X = X.rechunk({1: -1})  # whole rows in each block
    rows = X.chunks[0]
    y = da.asarray(y).rechunk((rows,))
    blocks_x = X.to_delayed().ravel().tolist()
    blocks_y = y.to_delayed().ravel().tolist()
    if sample_weight is None:
        blocks_w = [None] * len(blocks_x)
    else:
        blocks_w = da.asarray(sample_weight).rechunk((rows,)).to_delayed().ravel().tolist()
    # Keep the blocks in the workers' memory for all iterations.
    persisted = dask.persist(*blocks_x, *blocks_y, *[w for w in blocks_w if w is not None])
    n = len(blocks_x)
    blocks_x, blocks_y = list(persisted[:n]), list(persisted[n : 2 * n])
    if sample_weight is not None:
        blocks_w = list(persisted[2 * n :])
    return list(zip(blocks_x, blocks_y, blocks_w)), True


def fit_logistic_lbfgs(
    X,
    y,
    sample_weight=None,
    *,
    l2: float = 0.0,
    max_iter: int = 200,
    gtol: float = 1e-10,
    ftol: float = 1e-15,
    x0=None,
) -> OptimizeResult:
    """Fits a logistic regression by L-BFGS, the data split over Dask workers.

    Minimises ``sum_i w_i * bce(x_i.coef + intercept, y_i) / sum_i w_i +
    l2 / 2 * |coef|^2`` with ``scipy.optimize.minimize(method="L-BFGS-B")``.
    ``X`` (``n x d``), ``y`` (labels in [0, 1]) and ``sample_weight`` may be
    Dask arrays (computed block by block, with the current Dask scheduler, e.g.
    a ``distributed.Client``) or NumPy arrays (computed in this process).

    Returns scipy's ``OptimizeResult``: ``.x`` is ``[coef..., intercept]``,
    ``.fun`` the objective, ``.success``/``.message`` as scipy reports them.

    Raises ``ValueError`` as :func:`sigmoid.loss_grad` for bad shapes or values.
    """
    if not (l2 >= 0 and np.isfinite(l2)):
        raise ValueError(f"fit_logistic_lbfgs: l2 must be finite and >= 0, not {l2!r}")
    blocks, distributed = _row_blocks(X, y, sample_weight)
    d = X.shape[1]

    def objective(params):
        if distributed:
            parts = dask.compute(
                *[dask.delayed(loss_grad)(params, xb, yb, wb) for xb, yb, wb in blocks]
            )
        else:
            parts = [loss_grad(params, xb, yb, wb) for xb, yb, wb in blocks]
        loss = sum(p[0] for p in parts)
        grad = np.sum([p[1] for p in parts], axis=0)
        weight = sum(p[2] for p in parts)
        if weight <= 0:
            raise ValueError("fit_logistic_lbfgs: the sample weights sum to 0")
        coef = params[:d]
        value = loss / weight + 0.5 * l2 * float(coef @ coef)
        grad = grad / weight
        grad[:d] += l2 * coef
        return value, grad

    start = np.zeros(d + 1) if x0 is None else np.asarray(x0, dtype=np.float64)
    return minimize(
        objective,
        start,
        jac=True,
        method="L-BFGS-B",
        options={"maxiter": max_iter, "gtol": gtol, "ftol": ftol},
    )
