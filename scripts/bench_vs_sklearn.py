#!/usr/bin/env python3
"""`sigmoid train` against scikit-learn on make_classification (issue 11's targets).

Generates `make_classification(n_samples=200000, n_features=50, random_state=0)`,
splits it 80/20 (`train_test_split(test_size=0.2, random_state=0)`), writes
train.csv and test.csv, then times, end to end (reading the CSV included):

- scikit-learn: `pandas.read_csv` + `StandardScaler` + `LogisticRegression()`;
- `sigmoid train --data train.csv --test test.csv --optimizer lbfgs`;
- `sigmoid train --data train.csv --test test.csv` (SGD, 100 epochs), unless
  --skip-sgd; and `--baseline BINARY` for the same with an older build.

and prints a table of wall time, training time (the solver alone: scikit-learn's
`fit`, sigmoid's epochs or L-BFGS) and test accuracy, with `uptime` (the load
of the machine while it ran).

Usage (from the repository root; creates target/bench-venv with scikit-learn
and pandas from PyPI the first time, re-running itself inside it):

    cargo build --release -p sigmoid-cli
    python3 scripts/bench_vs_sklearn.py [--rows 200000] [--skip-sgd] [--threads N]
"""

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"


def ensure_venv():
    """Re-runs this script inside target/bench-venv (made on first use)."""
    try:
        import pandas  # noqa: F401
        import sklearn  # noqa: F401

        return
    except ImportError:
        pass
    python = VENV / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True)
        subprocess.run(
            [str(python), "-m", "pip", "install", "-q", "scikit-learn", "pandas"],
            check=True,
        )
    os.execv(str(python), [str(python), *sys.argv])


def binary():
    path = ROOT / "target" / "release" / "sigmoid"
    if not path.exists():
        sys.exit(f"{path} not found: run `cargo build --release -p sigmoid-cli` first")
    return path


def generate(rows, folder):
    from sklearn.datasets import make_classification
    from sklearn.model_selection import train_test_split
    import pandas as pd

    train, test = folder / "train.csv", folder / "test.csv"
    if train.exists() and test.exists():
        return train, test
    x, y = make_classification(n_samples=rows, n_features=50, random_state=0)
    xtr, xte, ytr, yte = train_test_split(x, y, test_size=0.2, random_state=0)
    cols = [f"f{i}" for i in range(x.shape[1])]
    for path, xs, ys in [(train, xtr, ytr), (test, xte, yte)]:
        frame = pd.DataFrame(xs, columns=cols)
        frame["label"] = ys
        frame.to_csv(path, index=False)
    return train, test


def sklearn_run(train, test):
    import pandas as pd
    from sklearn.linear_model import LogisticRegression
    from sklearn.preprocessing import StandardScaler

    start = time.perf_counter()
    tr, te = pd.read_csv(train), pd.read_csv(test)
    xtr, ytr = tr.iloc[:, :-1].to_numpy(), tr.iloc[:, -1].to_numpy()
    xte, yte = te.iloc[:, :-1].to_numpy(), te.iloc[:, -1].to_numpy()
    scaler = StandardScaler().fit(xtr)
    xtr = scaler.transform(xtr)
    fit_start = time.perf_counter()
    model = LogisticRegression().fit(xtr, ytr)
    fit_seconds = time.perf_counter() - fit_start
    accuracy = model.score(scaler.transform(xte), yte)
    return time.perf_counter() - start, fit_seconds, accuracy


def sigmoid_run(exe, train, test, extra):
    start = time.perf_counter()
    out = subprocess.run(
        [str(exe), "train", "--data", str(train), "--test", str(test), "--json", *extra],
        check=True,
        capture_output=True,
        text=True,
    )
    seconds = time.perf_counter() - start
    report = json.loads(out.stdout)
    fit_seconds = report["epoch_ms"]["total"] / 1e3
    return seconds, fit_seconds, report["test"]["accuracy"]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=200_000)
    parser.add_argument("--skip-sgd", action="store_true", help="leave out the SGD runs")
    parser.add_argument("--threads", type=int, help="--threads for sigmoid train")
    parser.add_argument("--baseline", help="an older sigmoid binary to time SGD with")
    args = parser.parse_args()
    ensure_venv()
    folder = ROOT / "target" / "bench-data" / f"make_classification_{args.rows}x50"
    folder.mkdir(parents=True, exist_ok=True)
    train, test = generate(args.rows, folder)
    exe = binary()
    threads = ["--threads", str(args.threads)] if args.threads else []
    rows = [("scikit-learn read_csv+StandardScaler+LogisticRegression()", *sklearn_run(train, test))]
    rows.append(
        ("sigmoid train --optimizer lbfgs", *sigmoid_run(exe, train, test, ["--optimizer", "lbfgs", *threads]))
    )
    if not args.skip_sgd:
        rows.append(("sigmoid train (SGD, 100 epochs)", *sigmoid_run(exe, train, test, threads)))
        if args.baseline:
            rows.append(("baseline sigmoid train (SGD, 100 epochs)", *sigmoid_run(args.baseline, train, test, [])))
    print(f"make_classification({args.rows} x 50), 80/20 split, end to end including reading the CSV")
    print(f"{'run':<62} {'seconds':>8} {'training':>9} {'test accuracy':>14}")
    for name, seconds, fit_seconds, accuracy in rows:
        print(f"{name:<62} {seconds:>8.2f} {fit_seconds:>9.2f} {accuracy:>14.4f}")
    print("uptime:", subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip())


if __name__ == "__main__":
    main()
