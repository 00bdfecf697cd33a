"""A pytest plugin that runs scipy's own test_logit.py against our ufuncs.

Used by test_scipy_suite.py in a separate interpreter:
    python -m pytest -p scipy_suite_plugin --pyargs scipy.special.tests.test_logit
It swaps scipy.special's expit/log_expit/logit for ours before the test
module imports them (``from scipy.special import logit, expit, log_expit``),
so the file runs unchanged, then checks that the swap took.
"""

import sys

import pytest


def pytest_configure(config):
    import scipy.special as sc

    import sigmoid

    sc.expit, sc.log_expit, sc.logit = sigmoid.expit, sigmoid.log_expit, sigmoid.logit


def pytest_collection_modifyitems(config, items):
    import sigmoid

    module = sys.modules["scipy.special.tests.test_logit"]
    for name in ("expit", "log_expit", "logit"):
        assert getattr(module, name) is getattr(sigmoid, name), name
    for item in items:
        if item.nodeid.endswith("TestExpit::test_large"):
            # The test loops over float32, float64, then np.longdouble; ours
            # refuses longdouble with TypeError (no silent precision loss).
            # strict + raises=TypeError: an assertion failure in the float32
            # or float64 rounds, which come first, still fails the run.
            item.add_marker(
                pytest.mark.xfail(
                    raises=TypeError,
                    strict=True,
                    reason="np.longdouble input is refused by design",
                )
            )
