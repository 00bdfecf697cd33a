"""Scale-out with Dask on a LocalCluster of 2 worker processes."""

import numpy as np
import pytest

da = pytest.importorskip("dask.array")
distributed = pytest.importorskip("distributed")
dask_ml_wrappers = pytest.importorskip("dask_ml.wrappers")

import sigmoid  # noqa: E402
from sigmoid.dask import fit_logistic_lbfgs  # noqa: E402
from sigmoid.sklearn import SigmoidClassifier  # noqa: E402


@pytest.fixture(scope="module")
def client():
    with distributed.LocalCluster(
        n_workers=2,
        threads_per_worker=1,
        processes=True,
        host="127.0.0.1",
        dashboard_address=None,
    ) as cluster, distributed.Client(cluster) as c:
        yield c


def workers_that_ran(task_stream):
    return {t["worker"] for t in task_stream.data}


def test_expit_on_dask_is_lazy():
    x = da.from_array(np.linspace(-5, 5, 1000), chunks=100)
    y = sigmoid.expit(x)
    assert isinstance(y, da.Array)  # a graph, nothing computed yet
    np.testing.assert_array_equal(y.compute(scheduler="sync"), sigmoid.expit(np.linspace(-5, 5, 1000)))


@pytest.mark.filterwarnings("ignore:Sending large graph")
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_expit_on_two_workers_is_bit_identical(client, dtype):
    x_np = (np.random.default_rng(0).standard_normal(500_003) * 40).astype(dtype)
    x = da.from_array(x_np, chunks=62_500)  # 9 chunks, a ragged tail
    with distributed.get_task_stream(client) as ts:
        y = sigmoid.expit(x).compute()
    assert workers_that_ran(ts) == set(client.scheduler_info()["workers"])
    assert y.dtype == dtype
    np.testing.assert_array_equal(y, sigmoid.expit(x_np))


def data(n=40_000, d=8, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.standard_normal((n, d))
    y = (X @ np.linspace(-1, 1, d) + rng.logistic(size=n) > 0).astype(np.float64)
    return X, y


def test_lbfgs_over_partitions_matches_in_memory(client):
    X, y = data()
    w = np.random.default_rng(2).random(len(y)) + 0.5
    Xd = da.from_array(X, chunks=(5_000, 8))
    yd = da.from_array(y, chunks=5_000)
    wd = da.from_array(w, chunks=5_000)
    with distributed.get_task_stream(client) as ts:
        dist = fit_logistic_lbfgs(Xd, yd, wd, l2=1e-3)
    mem = fit_logistic_lbfgs(X, y, w, l2=1e-3)
    assert len(workers_that_ran(ts)) == 2
    assert dist.success and mem.success, (dist.message, mem.message)
    np.testing.assert_allclose(dist.x, mem.x, rtol=1e-5, atol=1e-5)
    # And it is a real fit: close to the generating coefficients.
    np.testing.assert_allclose(mem.x[:8], np.linspace(-1, 1, 8), atol=0.1)


def test_incremental_partial_fit_per_block(client):
    X, y = data(8_000, 8, seed=3)
    X = X.astype(np.float32)
    Xd = da.from_array(X, chunks=(1_000, 8))
    yd = da.from_array(y.astype(np.int64), chunks=1_000)
    inc = dask_ml_wrappers.Incremental(
        SigmoidClassifier(optimizer="sgd", learning_rate=0.05, random_state=0)
    )
    with distributed.get_task_stream(client) as ts:
        inc.fit(Xd, yd, classes=[0, 1])
    assert len(ts.data) > 0
    est = inc.estimator_
    assert est.n_iter_ == 8  # one pass per block
    in_memory = SigmoidClassifier(random_state=0).fit(X, y.astype(np.int64))
    acc_inc = est.score(X, y.astype(np.int64))
    acc_mem = in_memory.score(X, y.astype(np.int64))
    assert acc_inc > acc_mem - 0.01, (acc_inc, acc_mem)
