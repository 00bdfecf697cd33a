#!/usr/bin/env python3
"""Reading a large CSV, and training on one larger than the memory limit.

1. Reading: `make_classification(n_samples=987215, n_features=30)` written as
   a CSV (about 270 MB, the shape of issue 11's 200 MB file), read
   `--rounds` times by `pandas.read_csv` and by `sigmoid train` (its reported
   load time: reading, splitting and standardising), in alternating
   processes; medians, their ratio, and sigmoid's peak memory against the
   f32 matrix.
2. With `--stream-gb G`: the same rows repeated into a file of about G GB,
   trained on for `--epochs` epochs in memory and with
   `--stream --memory-limit 256M`: wall time, time per epoch, peak memory
   and test accuracy of each.

Peak memory is GNU time's maximum resident set size (/usr/bin/time).

Usage (from the repository root; makes target/bench-venv with scikit-learn and
pandas the first time):

    cargo build --release -p sigmoid-cli
    python3 scripts/bench_csv.py [--rounds 3] [--stream-gb 2 --epochs 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_sklearn import ROOT, binary, ensure_venv  # noqa: E402

DATA = ROOT / "target" / "bench-data"


def make_file(rows, features):
    path = DATA / f"classification_{rows}x{features}.csv"
    if not path.exists():
        import numpy as np
        import pandas as pd
        from sklearn.datasets import make_classification

        DATA.mkdir(parents=True, exist_ok=True)
        x, y = make_classification(n_samples=rows, n_features=features, random_state=0)
        frame = pd.DataFrame(x.astype(np.float32), columns=[f"f{i}" for i in range(features)])
        frame["label"] = y
        frame.to_csv(path.with_suffix(".tmp"), index=False, float_format="%.6g")
        path.with_suffix(".tmp").rename(path)
    return path


def repeat_file(source, gigabytes):
    path = DATA / f"{source.stem}_{gigabytes}gb.csv"
    if not path.exists():
        lines = source.read_bytes().split(b"\n", 1)
        header, body = lines[0] + b"\n", lines[1]
        with open(path.with_suffix(".tmp"), "wb") as out:
            out.write(header)
            written = 0
            while written < gigabytes * 1e9:
                out.write(body)
                written += len(body)
        path.with_suffix(".tmp").rename(path)
    return path


def timed(command):
    """(wall seconds, peak RSS in MB, stdout) of a command under GNU time."""
    start = time.perf_counter()
    done = subprocess.run(
        ["/usr/bin/time", "-f", "%M", *command], capture_output=True, text=True, check=True
    )
    wall = time.perf_counter() - start
    peak_kb = int(done.stderr.strip().splitlines()[-1])
    return wall, peak_kb / 1024, done.stdout


PANDAS = (
    "import sys, time, pandas; t = time.perf_counter(); f = pandas.read_csv(sys.argv[1]); "
    "print(time.perf_counter() - t, f.shape[0])"
)


def reading(path, rounds, features):
    pandas_s, ours_s, ours_mb = [], [], []
    for _ in range(rounds):
        _, _, out = timed([sys.executable, "-c", PANDAS, str(path)])
        pandas_s.append(float(out.split()[0]))
        _, peak, out = timed([str(binary()), "train", "--data", str(path), "--epochs", "1", "--json"])
        report = json.loads(out)
        ours_s.append(report["data"]["load_ms"] / 1e3)
        ours_mb.append(peak)
        rows = report["data"]["train_rows"] + report["data"]["test_rows"]
    matrix_mb = rows * features * 4 / 2**20
    p, o = statistics.median(pandas_s), statistics.median(ours_s)
    print(f"\nReading {path.name} ({path.stat().st_size / 1e6:.0f} MB, {rounds} rounds, medians)")
    print(f"  pandas.read_csv            {p:6.2f} s")
    print(f"  sigmoid train (load)       {o:6.2f} s   {p / o:.2f}x pandas' speed")
    print(
        f"  sigmoid peak memory        {statistics.median(ours_mb):6.0f} MB "
        f"({statistics.median(ours_mb) / matrix_mb:.2f}x the {matrix_mb:.0f} MB f32 matrix)"
    )


def streaming(path, epochs):
    print(f"\nTraining on {path.name} ({path.stat().st_size / 1e9:.2f} GB), {epochs} epochs")
    print(f"  {'how':<34}{'wall s':>8}{'epoch s':>9}{'peak MB':>9}{'test acc':>10}")
    for name, extra in [
        ("in memory", []),
        ("--stream --memory-limit 256M", ["--stream", "--memory-limit", "256M"]),
    ]:
        command = [str(binary()), "train", "--data", str(path), "--epochs", str(epochs), "--json"]
        wall, peak, out = timed(command + extra)
        r = json.loads(out)
        epoch = r["epoch_ms"]["median"] / 1e3
        print(f"  {name:<34}{wall:8.1f}{epoch:9.2f}{peak:9.0f}{r['test']['accuracy']:10.4f}")


def main():
    ensure_venv()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=987215)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--stream-gb", type=float, default=0)
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    path = make_file(args.rows, args.features)
    print(f"machine: {os.cpu_count()} cores; load: {os.getloadavg()[0]:.1f}")
    reading(path, args.rounds, args.features)
    if args.stream_gb > 0:
        streaming(repeat_file(path, args.stream_gb), args.epochs)
    print(f"load at the end: {os.getloadavg()[0]:.1f}")


if __name__ == "__main__":
    main()
