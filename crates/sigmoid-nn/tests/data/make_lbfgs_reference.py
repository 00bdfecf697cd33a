#!/usr/bin/env python3
"""Writes lbfgs_sklearn_reference.json, the reference of the `lbfgs` test.

scikit-learn's LogisticRegression(C=1) on the bundled breast-cancer training
split (the 455 rows not listed in data/breast_cancer_test_rows.txt),
standardised as `sigmoid train` does (mean, population std, 1 for a
constant column), solved to a tight tolerance (tol=1e-10) so that the
coefficients are the optimum itself, not a stopping point.

Run (scikit-learn from PyPI, e.g. in target/ref-venv):
    python3 -m venv target/ref-venv && target/ref-venv/bin/pip install scikit-learn
    target/ref-venv/bin/python crates/sigmoid-nn/tests/data/make_lbfgs_reference.py
"""

import json
from pathlib import Path

import numpy as np
import sklearn
from sklearn.linear_model import LogisticRegression

HERE = Path(__file__).resolve().parent
CRATE = HERE.parent.parent

data = np.genfromtxt(CRATE / "data" / "breast_cancer.csv", delimiter=",", skip_header=1)
test_rows = {int(line) for line in (CRATE / "data" / "breast_cancer_test_rows.txt").read_text().split()}
train = data[[i for i in range(len(data)) if i not in test_rows]]
x, y = train[:, :-1], train[:, -1]
std = x.std(axis=0)
std[std == 0] = 1.0
x = (x - x.mean(axis=0)) / std

C = 1.0
model = LogisticRegression(C=C, tol=1e-10, max_iter=100_000).fit(x, y)
w, b = model.coef_[0], model.intercept_[0]
z = x @ w + b
mean_loss = float(np.mean(np.logaddexp(0, z) - y * z))
objective = mean_loss + 0.5 / (C * len(y)) * float(w @ w)
(HERE / "lbfgs_sklearn_reference.json").write_text(
    json.dumps(
        {
            "about": "LogisticRegression(C=1, tol=1e-10) on the standardised breast-cancer "
            "training split; written by make_lbfgs_reference.py",
            "sklearn_version": sklearn.__version__,
            "C": C,
            "rows": len(y),
            "coef": w.tolist(),
            "intercept": float(b),
            "objective": objective,
            "train_accuracy": float(model.score(x, y)),
        },
        indent=1,
    )
    + "\n"
)
print("objective", objective, "accuracy", model.score(x, y))
