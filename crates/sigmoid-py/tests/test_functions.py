"""bce_with_logits, sigmoid_backward and loss_grad."""

import numpy as np
import pytest
import scipy.special as sc

import sigmoid


def bce_reference(z, y):
    """max(z, 0) - z*y + log1p(exp(-|z|)) in np.longdouble."""
    z, y = np.asarray(z, np.longdouble), np.asarray(y, np.longdouble)
    return np.maximum(z, 0) - z * y + np.log1p(np.exp(-np.abs(z)))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_values_and_reductions(dtype):
    rng = np.random.default_rng(0)
    z = (rng.standard_normal(1000) * 20).astype(dtype)
    y = rng.random(1000).astype(dtype)
    loss = sigmoid.bce_with_logits(z, y, reduction="none")
    assert loss.dtype == dtype and loss.shape == (1000,)
    want = bce_reference(z, y)
    rtol = 4 * np.finfo(dtype).eps
    np.testing.assert_allclose(loss, want.astype(dtype), rtol=rtol, atol=np.finfo(dtype).tiny)
    total = sigmoid.bce_with_logits(z, y, reduction="sum")
    assert type(total) is dtype
    np.testing.assert_allclose(total, want.sum(), rtol=rtol)
    np.testing.assert_allclose(sigmoid.bce_with_logits(z, y), want.mean(), rtol=rtol)


def test_bce_with_logits_is_finite_for_huge_logits_and_broadcasts():
    z = np.array([-1e30, -800.0, 800.0, 1e30])
    assert np.isfinite(sigmoid.bce_with_logits(z, 0.5, reduction="none")).all()
    assert sigmoid.bce_with_logits(np.inf, 1.0, reduction="none") == 0.0
    out = sigmoid.bce_with_logits(np.zeros((3, 1)), np.array([0.0, 1.0]), reduction="none")
    assert out.shape == (3, 2)
    np.testing.assert_allclose(out, np.log(2.0))
    assert sigmoid.bce_with_logits(np.float16(0), np.float16(1)).dtype == np.float16
    assert np.isnan(sigmoid.bce_with_logits(np.zeros(0), np.zeros(0)))


def test_bce_with_logits_bad_input():
    with pytest.raises(ValueError, match="reduction must be"):
        sigmoid.bce_with_logits([0.0], [1.0], reduction="avg")
    with pytest.raises(ValueError, match=r"logits of shape \(3,\) and labels of shape \(2,\)"):
        sigmoid.bce_with_logits(np.zeros(3), np.zeros(2))
    with pytest.raises(TypeError, match="labels has dtype complex128"):
        sigmoid.bce_with_logits([0.0], [1j])
    with pytest.raises(TypeError, match="longdouble"):
        sigmoid.bce_with_logits(np.zeros(2, np.longdouble), np.zeros(2))


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_backward(dtype):
    rng = np.random.default_rng(1)
    y = sc.expit(rng.standard_normal((40, 3)) * 5).astype(dtype)
    dy = rng.standard_normal((40, 3)).astype(dtype)
    dx = sigmoid.sigmoid_backward(y, dy)
    assert dx.dtype == dtype and dx.shape == (40, 3)
    want = (np.longdouble(1) * dy * y * (1 - np.longdouble(1) * y)).astype(dtype)
    np.testing.assert_allclose(dx, want, rtol=2 * np.finfo(dtype).eps)
    assert sigmoid.sigmoid_backward(0.5, 2.0) == 0.5
    with pytest.raises(ValueError, match="cannot be broadcast"):
        sigmoid.sigmoid_backward(np.zeros(3), np.zeros(4))


def numpy_loss_grad(params, X, y, w):
    z = X @ params[:-1] + params[-1]
    loss = np.sum(w * (np.logaddexp(0, z) - z * y))
    r = w * (sc.expit(z) - y)
    return loss, np.append(X.T @ r, r.sum()), w.sum()


def test_loss_grad_matches_numpy_and_finite_differences():
    rng = np.random.default_rng(2)
    X = rng.standard_normal((500, 6))
    y = (rng.random(500) < 0.4).astype(float)
    w = rng.random(500) * 2
    params = rng.standard_normal(7) * 0.3
    loss, grad, weight = sigmoid.loss_grad(params, X, y, sample_weight=w)
    want = numpy_loss_grad(params, X, y, w)
    np.testing.assert_allclose(loss, want[0], rtol=1e-12)
    np.testing.assert_allclose(grad, want[1], rtol=1e-10, atol=1e-12)
    assert weight == pytest.approx(want[2], rel=1e-14)
    eps = 1e-6
    for k in range(7):
        e = np.zeros(7)
        e[k] = eps
        fd = (sigmoid.loss_grad(params + e, X, y, w)[0]
              - sigmoid.loss_grad(params - e, X, y, w)[0]) / (2 * eps)
        assert fd == pytest.approx(grad[k], rel=1e-6, abs=1e-6)
    # No weights = weights of one; float32 X is widened exactly.
    a = sigmoid.loss_grad(params, X, y)
    b = sigmoid.loss_grad(params, X, y, np.ones(500))
    assert a[0] == b[0] and a[2] == 500.0
    np.testing.assert_array_equal(a[1], b[1])
    X32 = X.astype(np.float32)
    c = sigmoid.loss_grad(params, X32, y)
    d = sigmoid.loss_grad(params, X32.astype(np.float64), y)
    assert c[0] == d[0]


def test_loss_grad_partitions_add_up():
    rng = np.random.default_rng(3)
    X = rng.standard_normal((300, 4))
    y = (rng.random(300) < 0.5).astype(float)
    params = rng.standard_normal(5)
    whole = sigmoid.loss_grad(params, X, y)
    parts = [sigmoid.loss_grad(params, X[i:i + 70], y[i:i + 70]) for i in range(0, 300, 70)]
    assert sum(p[0] for p in parts) == pytest.approx(whole[0], rel=1e-13)
    np.testing.assert_allclose(sum(p[1] for p in parts), whole[1], rtol=1e-12, atol=1e-12)
    assert sum(p[2] for p in parts) == whole[2]


def test_loss_grad_zero_weight_rows_are_absent():
    X = np.array([[1.0], [1e300]])
    y = np.array([1.0, 0.0])
    loss, grad, weight = sigmoid.loss_grad([1.0, 0.0], X[:1], y[:1])
    loss2, grad2, weight2 = sigmoid.loss_grad([1.0, 0.0], np.array([[1.0], [2.0]]), y, [1.0, 0.0])
    assert (loss, weight) == (loss2, weight2)
    np.testing.assert_array_equal(grad, grad2)


@pytest.mark.parametrize(
    "args, message",
    [
        (([0.0, 0.0], np.zeros((3, 2)), np.zeros(3)), "params has 2 values but X has 2 features: expected 3"),
        (([0.0, 0.0], np.zeros(3), np.zeros(3)), "X must be 2-D"),
        (([0.0, 0.0], np.zeros((3, 1)), np.zeros(4)), "X has 3 rows but y has 4 values"),
        (([0.0, 0.0], np.zeros((3, 1)), np.zeros((3, 1))), "y must be 1-D"),
        (([0.0, 0.0], np.zeros((2, 1)), [0.0, 2.0]), r"y\[1\] is 2; labels must be in \[0, 1\]"),
        (([0.0, 0.0], np.zeros((2, 1)), [0.0, np.nan]), r"y\[1\] is NaN"),
        (([0.0, np.inf], np.zeros((2, 1)), [0.0, 1.0]), r"params\[1\] is inf"),
        (([0.0, 0.0], [[0.0], [np.nan]], [0.0, 1.0]), r"X\[1, 0\] is NaN; X must be finite"),
        (([0.0, 0.0], np.zeros((2, 1)), [0.0, 1.0], [1.0, -1.0]), r"sample_weight\[1\] is -1"),
        (([0.0, 0.0], np.zeros((2, 1)), [0.0, 1.0], [1.0]), "sample_weight has 1 values"),
    ],
)
def test_loss_grad_bad_input_is_a_clear_value_error(args, message):
    with pytest.raises(ValueError, match=message):
        sigmoid.loss_grad(*args)


def test_loss_grad_rejects_complex_and_strings():
    with pytest.raises(TypeError, match="X has dtype complex128"):
        sigmoid.loss_grad([0.0, 0.0], np.zeros((2, 1), complex), [0.0, 1.0])
    with pytest.raises(TypeError, match="y has dtype <U1"):
        sigmoid.loss_grad([0.0, 0.0], np.zeros((2, 1)), ["a", "b"])


def numpy_network_loss_grad(params, X, y, w, hidden, activation):
    """The network's loss and gradient sums by hand, in float64."""
    act, dact = {
        "relu": (lambda z: np.maximum(z, 0), lambda z, a: (z > 0).astype(float)),
        "tanh": (np.tanh, lambda z, a: 1 - a * a),
    }[activation]
    sizes = [X.shape[1], *hidden, 1]
    layers, at = [], 0
    for i, o in zip(sizes[:-1], sizes[1:]):
        kernel = params[at:at + i * o].reshape(i, o)
        bias = params[at + i * o:at + i * o + o]
        layers.append((kernel, bias))
        at += i * o + o
    inputs, pres, a = [], [], X
    for k, (kernel, bias) in enumerate(layers):
        inputs.append(a)
        z = a @ kernel + bias
        pres.append(z)
        a = act(z) if k + 1 < len(layers) else z
    z = a[:, 0]
    loss = np.sum(w * (np.logaddexp(0, z) - z * y))
    d = (w * (sc.expit(z) - y))[:, None]
    grads = []
    for k in reversed(range(len(layers))):
        kernel, _ = layers[k]
        grads.append(np.concatenate([(inputs[k].T @ d).ravel(), d.sum(axis=0)]))
        if k > 0:
            d = (d @ kernel.T) * dact(pres[k - 1], act(pres[k - 1]))
    return loss, np.concatenate(grads[::-1]), w.sum()


@pytest.mark.parametrize("hidden, activation", [((8,), "relu"), ((5, 3), "tanh")])
def test_network_loss_grad_matches_numpy_and_partitions_add_up(hidden, activation):
    rng = np.random.default_rng(5)
    X = rng.standard_normal((3000, 6)).astype(np.float32)
    y = (rng.random(3000) < 0.5).astype(float)
    w = rng.random(3000) * 2
    sizes = [6, *hidden, 1]
    count = sum(i * o + o for i, o in zip(sizes[:-1], sizes[1:]))
    params = (rng.standard_normal(count) * 0.5).astype(np.float32).astype(np.float64)
    loss, grad, weight = sigmoid.loss_grad(
        params, X, y, w, hidden_layer_sizes=hidden, activation=activation
    )
    want = numpy_network_loss_grad(params, X.astype(np.float64), y, w, hidden, activation)
    assert grad.dtype == np.float64 and grad.shape == (count,)
    # float32 forward and backward passes, float64 sums.
    assert loss == pytest.approx(want[0], rel=1e-5)
    np.testing.assert_allclose(grad, want[1], rtol=1e-3, atol=1e-3 * np.abs(want[1]).max())
    assert weight == pytest.approx(want[2], rel=1e-6)
    # Two partitions add up to the whole (as a Dask reduction adds them).
    a = sigmoid.loss_grad(params, X[:1000], y[:1000], w[:1000], hidden_layer_sizes=hidden,
                          activation=activation)
    b = sigmoid.loss_grad(params, X[1000:], y[1000:], w[1000:], hidden_layer_sizes=hidden,
                          activation=activation)
    assert a[0] + b[0] == pytest.approx(loss, rel=1e-9)
    np.testing.assert_allclose(a[1] + b[1], grad, rtol=1e-6, atol=1e-6 * np.abs(grad).max())


def test_network_loss_grad_bad_input():
    X, y = np.zeros((3, 2)), np.zeros(3)
    with pytest.raises(ValueError, match=r"params has 4 values, but a network of 2 features.*has 13"):
        sigmoid.loss_grad(np.zeros(4), X, y, hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="hidden_layer_sizes must be positive"):
        sigmoid.loss_grad(np.zeros(4), X, y, hidden_layer_sizes=(0,))
    with pytest.raises(ValueError, match="activation"):
        sigmoid.loss_grad(np.zeros(13), X, y, hidden_layer_sizes=(3,), activation="bogus")
    with pytest.raises(ValueError, match=r"y\[1\] is 2"):
        sigmoid.loss_grad(np.zeros(13), X, [0.0, 2.0, 0.0], hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match=r"X\[2, 1\] is NaN"):
        sigmoid.loss_grad(np.zeros(13), [[0, 0], [0, 0], [0, np.nan]], y, hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match=r"sample_weight\[0\] is -1"):
        sigmoid.loss_grad(np.zeros(13), X, y, [-1.0, 1, 1], hidden_layer_sizes=(3,))
    with pytest.raises(ValueError, match="overflows float32"):
        sigmoid.loss_grad(np.full(13, 1e300), X, y, hidden_layer_sizes=(3,))
