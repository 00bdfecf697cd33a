"""PyTorch's reference tests for sigmoid / logsigmoid / logit, ported.

PyTorch's OpInfo tests (``test/test_unary_ufuncs.py``
``test_reference_numerics_{normal,small,large,extremal}``, values from
``torch/testing/_internal``: ``_small_float_vals``, ``_large_float_vals``,
``_float_extremals``) run on torch tensors and cannot target a NumPy ufunc, so
their inputs, shapes, layouts and tolerances are reproduced here with scipy as
the reference, as PyTorch itself does (``ref=scipy.special.expit`` /
``logit``; logsigmoid's reference is ``log(expit(x))`` computed stably).

Tolerances: ``torch.testing``'s defaults (rtol, atol) — float16 (1e-3, 1e-5),
float32 (1.3e-6, 1e-5), float64 (1e-7, 1e-7) — with the OpInfos'
``precisionOverride`` replacing atol for float16: sigmoid 1e-2,
logsigmoid 1e-2, logit 5e-1.
"""

import math

import numpy as np
import pytest
import scipy.special as sc

import sigmoid

SMALL = (0.0, -0.001, 0.001, -0.25, 0.25, -1.0, 1.0, -math.pi / 2, math.pi / 2,
         -math.pi + 0.00001, math.pi - 0.00001, -math.pi, math.pi,
         -math.pi - 0.00001, math.pi + 0.00001)
LARGE = (-501, 501, -1001.2, 1001.2, -13437.7, 13437.7, -4988429.2, 4988429.2,
         -1e20, 1e20)
LARGE_F16 = LARGE[:6]  # float16's range ends near 65504
EXTREMAL = (math.inf, -math.inf, math.nan)

DEFAULT_TOL = {np.float16: (1e-3, 1e-5), np.float32: (1.3e-6, 1e-5),
               np.float64: (1e-7, 1e-7)}
F16_ATOL = {"sigmoid": 1e-2, "logsigmoid": 1e-2, "logit": 5e-1}

OPS = {
    "sigmoid": (sigmoid.expit, sc.expit, None),
    "logsigmoid": (sigmoid.log_expit, sc.log_expit, None),
    "logit": (sigmoid.logit, sc.logit, (0.0, 1.0)),
}
SHAPES = [(1029, 917), (812,), (0,), (0, 3, 3), (1, 0, 5), (6, 0, 0, 0), (3, 0, 1, 0)]
DTYPES = [np.float16, np.float32, np.float64]


def tolerance(op, dtype):
    rtol, atol = DEFAULT_TOL[dtype]
    if dtype == np.float16:
        atol = F16_ATOL[op]
    return rtol, atol


def compare(op, x):
    ours, ref, _ = OPS[op]
    got = ours(x)
    assert got.dtype == x.dtype
    assert got.shape == x.shape
    with np.errstate(all="ignore"):
        # The reference runs in float64 and is rounded to the input's dtype,
        # as PyTorch does for reduced-precision dtypes.
        want = ref(x.astype(np.float64)).astype(x.dtype)
    rtol, atol = tolerance(op, x.dtype.type)
    np.testing.assert_allclose(got, want, rtol=rtol, atol=atol, equal_nan=True)


def make(shape, dtype, domain, rng):
    """opinfo's make_tensor: uniform in [-9, 9) or the op's domain."""
    low, high = domain if domain else (-9.0, 9.0)
    return rng.uniform(low, high, shape).astype(dtype)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_reference_numerics_normal(op, dtype):
    rng = np.random.default_rng(0)
    for shape in SHAPES:
        x = make(shape, dtype, OPS[op][2], rng)
        compare(op, x)
        if x.ndim >= 2 and x.size:
            compare(op, x.T)  # non-contiguous
            compare(op, x[::2, ::-3])  # strided, negative
            compare(op, x[..., 1::2])


def values_for(op, values):
    if OPS[op][2] is None:
        return values
    # logit's domain is [0, 1]; PyTorch maps the interesting values into it.
    return tuple(v for v in values if 0 <= v <= 1) + (0.0, 1.0, 0.5, 1e-4, 1 - 1e-4)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_reference_numerics_small(op, dtype):
    x = np.array(values_for(op, SMALL), dtype=dtype)
    compare(op, x)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", ["sigmoid", "logsigmoid"])
def test_reference_numerics_large(op, dtype):
    vals = LARGE_F16 if dtype == np.float16 else LARGE
    if dtype == np.float32:
        vals = tuple(v for v in vals if abs(v) < 3.4e38)
    compare(op, np.array(vals, dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_reference_numerics_extremal(op, dtype):
    compare(op, np.array(EXTREMAL, dtype=dtype))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("op", OPS)
def test_contiguous_vs_noncontiguous_and_batched(op, dtype):
    # test_contig_vs_every_other / test_non_contig: the same values through a
    # strided view give the same bits as through a contiguous copy.
    rng = np.random.default_rng(5)
    x = make((2 * 1031,), dtype, OPS[op][2], rng)
    ours = OPS[op][0]
    np.testing.assert_array_equal(ours(x[::2]), ours(x[::2].copy()))
    np.testing.assert_array_equal(ours(x)[::2], ours(x[::2]))
    y = make((7, 11, 13), dtype, OPS[op][2], rng)
    np.testing.assert_array_equal(
        ours(y.transpose(2, 0, 1)), ours(np.ascontiguousarray(y.transpose(2, 0, 1)))
    )
