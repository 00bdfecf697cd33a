"""The elementwise family as NumPy ufuncs: values against a higher-precision
reference, and everything NumPy's ufunc machinery must give."""

import pickle

import numpy as np
import pytest
import scipy.special as sc

import sigmoid
import sigmoid.exact
import sigmoid.fast

TIERS = {"default": sigmoid, "fast": sigmoid.fast, "exact": sigmoid.exact}

LD = np.longdouble
HAS_EXTENDED = np.finfo(LD).nmant > np.finfo(np.float64).nmant

# name -> reference computed in np.longdouble (80-bit on x86-64), for float64
# and float32 results; scipy's expit/log_expit/logit have longdouble loops.
REFERENCE = {
    "expit": lambda x: sc.expit(x),
    "log_expit": lambda x: sc.log_expit(x),
    "logit": lambda x: sc.logit(x),
    "softplus": lambda x: np.logaddexp(LD(0), x),
    "sigmoid_derivative": lambda x: sc.expit(x) * sc.expit(-x),
    "tanh": lambda x: np.tanh(x),
}
# Documented error bounds in ULPs (float32 < 0.5001 everywhere, so <= 1 after
# comparing with a rounded reference; logit's float64 bound is 3).
ULPS = {
    np.float32: dict.fromkeys(REFERENCE, 1),
    np.float64: {**dict.fromkeys(REFERENCE, 1), "logit": 3},
}
FAST_F32_ULPS = 4
NAMES = list(REFERENCE)


def ulp_distance(a, b):
    """|a - b| in units in the last place: the number of floats between them."""
    a, b = np.asarray(a), np.asarray(b)
    itype = {2: np.int16, 4: np.int32, 8: np.int64}[a.itemsize]
    mask = np.int64(2 ** (8 * a.itemsize - 1) - 1)

    def ordered(v):
        # Sign-magnitude bit patterns onto a monotone integer line.
        bits = v.view(itype).astype(np.int64)
        magnitude = bits & mask
        return np.where(bits < 0, -magnitude, magnitude)

    return np.abs(ordered(a) - ordered(b))


def sample_inputs(name, dtype, n=20_000, seed=0):
    rng = np.random.default_rng(seed)
    if name == "logit":
        x = np.concatenate([rng.random(n), 10.0 ** rng.uniform(-30, 0, n // 4),
                            1 - 10.0 ** rng.uniform(-15, -1, n // 4)])
    else:
        lim = 120 if dtype == np.float32 else 760
        x = np.concatenate([rng.uniform(-lim, lim, n), rng.standard_normal(n) * 4,
                            rng.uniform(-1e-6, 1e-6, n // 4)])
    return x.astype(dtype)


def test_they_are_true_ufuncs_with_three_loops():
    for name in NAMES:
        f = getattr(sigmoid, name)
        assert isinstance(f, np.ufunc), name
        assert (f.nin, f.nout) == (1, 1)
        assert f.types == ["e->e", "f->f", "d->d"]
        assert f.__name__ == name
        assert "ULP" in f.__doc__
    assert sigmoid.sigmoid is sigmoid.expit
    assert sigmoid.log_sigmoid is sigmoid.log_expit


@pytest.mark.parametrize("tier", TIERS)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("name", NAMES)
def test_values_within_documented_ulps(name, dtype, tier):
    if dtype == np.float64 and not HAS_EXTENDED:
        pytest.skip("np.longdouble is float64 here: no higher-precision reference")
    x = sample_inputs(name, dtype)
    got = getattr(TIERS[tier], name)(x)
    assert got.dtype == dtype
    with np.errstate(all="ignore"):
        want = REFERENCE[name](x.astype(LD)).astype(dtype)
    both_nan = np.isnan(got) & np.isnan(want)
    assert not np.any(np.isnan(got) ^ np.isnan(want)), name
    exact = (got == want) | both_nan
    ulps = ulp_distance(got[~exact], want[~exact])
    worst = int(ulps.max()) if ulps.size else 0
    bound = FAST_F32_ULPS if (tier, dtype) == ("fast", np.float32) else ULPS[dtype][name]
    assert worst <= bound, f"{tier} {name} {dtype.__name__}: {worst} ULP"


@pytest.mark.parametrize("tier", ["default", "exact"])
@pytest.mark.parametrize("name", NAMES)
def test_float16_is_correctly_rounded_on_every_input(name, tier):
    x = np.arange(2**16, dtype=np.uint16).view(np.float16)
    got = getattr(TIERS[tier], name)(x)
    assert got.dtype == np.float16
    with np.errstate(all="ignore"):
        # float16 -> longdouble is exact; the reference rounds once to float64
        # and again to float16, which can only differ from a single rounding
        # when the float64 value is a float16 midpoint: counted below.
        ref64 = REFERENCE[name](x.astype(LD)).astype(np.float64)
        want = ref64.astype(np.float16)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    bad = np.flatnonzero(~same)
    # Any difference must be a double-rounding case of the reference: the
    # float64 value lies exactly halfway between got and want.
    for i in bad:
        mid = (np.float64(got[i]) + np.float64(want[i])) / 2
        assert ref64[i] == mid, (name, x[i], got[i], want[i], ref64[i])


@pytest.mark.parametrize("name", NAMES)
def test_special_values(name):
    f = getattr(sigmoid, name)
    for dtype in (np.float16, np.float32, np.float64):
        x = np.array([np.nan, np.inf, -np.inf, 0.0, -0.0], dtype=dtype)
        with np.errstate(all="ignore"):
            got = f(x)
            want = REFERENCE[name](x.astype(np.float64)).astype(dtype)
        np.testing.assert_array_equal(got, want, err_msg=f"{name} {dtype}")


def test_no_early_saturation_float32():
    # Correctly rounded: sigma(17) < 1 in float32 (TensorFlow/PyTorch give 1).
    assert sigmoid.expit(np.float32(17.0)) < 1
    assert sigmoid.expit(np.float32(-103.0)) > 0


# --------------------------------------------------------------------------
# What NumPy's ufunc machinery provides.


def test_python_scalars_and_0d_give_numpy_scalars():
    r = sigmoid.expit(0.5)
    assert type(r) is np.float64
    assert r == sc.expit(0.5)
    assert type(sigmoid.expit(np.float32(0.5))) is np.float32
    assert sigmoid.expit(np.array(0.0)).shape == ()
    assert sigmoid.expit(0) == 0.5  # Python int -> float64 loop


@pytest.mark.parametrize("shape", [(0,), (3, 0, 1, 0), (1,), (5, 3), (2, 3, 4, 5)])
def test_any_shape(shape):
    x = np.random.default_rng(1).standard_normal(shape)
    y = sigmoid.expit(x)
    assert y.shape == shape
    np.testing.assert_array_equal(y, sigmoid.expit(x.ravel()).reshape(shape))


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_strided_negative_and_broadcast_views_match_contiguous(dtype):
    base = (np.random.default_rng(2).standard_normal((64, 130)) * 10).astype(dtype)
    views = [base[:, ::3], base[::-1, ::-2], base.T, base[5], base[:, 7:8],
             np.broadcast_to(base[3], (4, 130))]
    for v in views:
        got = sigmoid.expit(v)
        np.testing.assert_array_equal(got, sigmoid.expit(np.ascontiguousarray(v)))
    # A long strided row crosses several strided blocks (1024 elements).
    long = (np.random.default_rng(3).standard_normal(10_001 * 3) * 10).astype(dtype)
    np.testing.assert_array_equal(sigmoid.expit(long[::3]), sigmoid.expit(long[::3].copy()))
    np.testing.assert_array_equal(sigmoid.expit(long[::-1]), sigmoid.expit(long)[::-1])


def test_out_inplace_and_where():
    x = np.linspace(-5, 5, 11)
    out = np.empty_like(x)
    r = sigmoid.expit(x, out=out)
    assert r is out
    np.testing.assert_array_equal(out, sigmoid.expit(x))
    y = x.copy()
    sigmoid.expit(y, out=y)
    np.testing.assert_array_equal(y, sigmoid.expit(x))
    # In place on a strided view touches only that view.
    z = x.copy()
    sigmoid.expit(z[::2], out=z[::2])
    np.testing.assert_array_equal(z[::2], sigmoid.expit(x[::2]))
    np.testing.assert_array_equal(z[1::2], x[1::2])
    # Overlapping input and output: NumPy copies first.
    w = x.copy()
    sigmoid.expit(w[:-1], out=w[1:])
    np.testing.assert_array_equal(w[1:], sigmoid.expit(x[:-1]))
    # where=: untouched elements keep out's values.
    out = np.full_like(x, 7.0)
    sigmoid.expit(x, out=out, where=x > 0)
    np.testing.assert_array_equal(out[x > 0], sigmoid.expit(x[x > 0]))
    assert np.all(out[x <= 0] == 7.0)
    # out of another float dtype: cast on output.
    out32 = np.empty(11, dtype=np.float32)
    sigmoid.expit(x, out=out32)
    np.testing.assert_array_equal(out32, sigmoid.expit(x).astype(np.float32))


def test_dtype_promotion_like_np_exp():
    assert sigmoid.expit(np.arange(3, dtype=np.int8)).dtype == np.exp(np.int8(1)).dtype
    assert sigmoid.expit(np.arange(3, dtype=np.int16)).dtype == np.float32
    assert sigmoid.expit(np.arange(3, dtype=np.int64)).dtype == np.float64
    assert sigmoid.expit(np.array([True])).dtype == np.float16
    assert sigmoid.expit([1, 2]).dtype == np.float64


def test_longdouble_is_refused_and_explicit_float64_works():
    x = np.array([1.0, 2.0], dtype=np.longdouble)
    if not HAS_EXTENDED:
        pytest.skip("np.longdouble is float64 on this platform")
    with pytest.raises(TypeError, match="expit"):
        sigmoid.expit(x)
    r = sigmoid.expit(x, dtype=np.float64)
    assert r.dtype == np.float64
    np.testing.assert_array_equal(r, sigmoid.expit(x.astype(np.float64)))


@pytest.mark.parametrize("bad", [np.array([1 + 2j]), np.array(["a"]),
                                 np.array([object()], dtype=object), "text"])
def test_bad_dtypes_raise_type_error(bad):
    with pytest.raises(TypeError):
        sigmoid.expit(bad)


def test_read_only_and_memory_mapped_inputs(tmp_path):
    x = np.linspace(-3, 3, 1001)
    ro = x.copy()
    ro.flags.writeable = False
    np.testing.assert_array_equal(sigmoid.expit(ro), sigmoid.expit(x))
    with pytest.raises(ValueError, match="read-only"):
        sigmoid.expit(x, out=ro)
    path = tmp_path / "x.npy"
    np.save(path, x)
    mm = np.load(path, mmap_mode="r")
    np.testing.assert_array_equal(sigmoid.expit(mm), sigmoid.expit(x))


def test_subclasses_keep_their_type():
    m = np.ma.masked_array([0.0, 1.0, 2.0], mask=[False, True, False])
    r = sigmoid.expit(m)
    assert isinstance(r, np.ma.MaskedArray)
    assert r.mask.tolist() == [False, True, False]
    assert r[0] == 0.5


def test_pickle_round_trip_is_the_same_ufunc():
    for module in TIERS.values():
        for name in NAMES:
            f = getattr(module, name)
            assert pickle.loads(pickle.dumps(f)) is f


def test_tier_modules_hold_distinct_ufuncs():
    assert sigmoid.fast.expit is not sigmoid.expit
    assert sigmoid.exact.expit is not sigmoid.expit
    for tier, module in TIERS.items():
        assert isinstance(module.expit, np.ufunc)
        assert f"({tier} tier)" in module.expit.__doc__


@pytest.mark.parametrize("name", NAMES)
def test_fast_float16_within_one_ulp(name):
    x = np.arange(2**16, dtype=np.uint16).view(np.float16)
    x = x[np.isfinite(x)]
    got = getattr(sigmoid.fast, name)(x)
    want = getattr(sigmoid.exact, name)(x)
    same = (got == want) | (np.isnan(got) & np.isnan(want))
    assert not np.any(np.isnan(got) ^ np.isnan(want))
    assert int(ulp_distance(got[~same], want[~same]).max(initial=0)) <= 1


def test_unaligned_input():
    raw = np.zeros(8 * 100 + 1, dtype=np.uint8)
    x = raw[1:].view(np.float64)
    x[:] = np.linspace(-4, 4, 100)
    assert not x.flags.aligned
    np.testing.assert_array_equal(sigmoid.expit(x), sigmoid.expit(x.copy()))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_threaded_large_input_is_bit_identical_to_small_chunks(dtype):
    n = 3 * 65_536 + 12_345
    x = (np.random.default_rng(4).standard_normal(n) * 30).astype(dtype)
    sigmoid.set_parallel_threshold(1000)  # threads on a size cheap to test
    try:
        assert sigmoid.get_parallel_threshold() == 1000
        whole = sigmoid.expit(x)
        y = x.copy()
        sigmoid.expit(y, out=y)
    finally:
        sigmoid.set_parallel_threshold(None)
    pieces = np.concatenate([sigmoid.expit(c) for c in np.array_split(x, 97)])
    np.testing.assert_array_equal(whole, pieces)
    np.testing.assert_array_equal(y, whole)
    assert sigmoid.get_parallel_threshold() == 2**21


# --------------------------------------------------------------------------
# JAX's nn_test.py assertions on the family (testDtypeMatchesInput,
# testSoftplusZero, testSoftplusValue).


@pytest.mark.parametrize("dtype", [np.float16, np.float32, np.float64])
def test_jax_dtype_matches_input(dtype):
    for f in (sigmoid.expit, sigmoid.softplus):
        assert f(np.array(0.0, dtype=dtype)).dtype == dtype


def test_jax_softplus_zero_and_value():
    for dtype in (np.float32, np.float64):
        assert sigmoid.softplus(dtype(0.0)) == dtype(np.log(2.0))
    np.testing.assert_allclose(sigmoid.softplus(np.float32(89.0)), 89.0, rtol=1e-6)
