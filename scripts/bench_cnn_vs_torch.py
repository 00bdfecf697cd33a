#!/usr/bin/env python3
"""One training epoch of the digits CNN here and in PyTorch, side by side.

The network of `sigmoid train --data digits --conv 8,16` (8×8×1 input;
Conv2D(8, 3×3, same, relu) → MaxPool 2×2 → Conv2D(16, 3×3, same, relu) →
MaxPool 2×2 → Flatten → Dense(1) with binary cross-entropy from the logits),
Adam lr 1e-3, batch 32, shuffled each epoch, on the same number of training
rows (the stratified 80% of the 1,797 bundled digits), on one thread each by
default (ours is single-threaded). Each side trains for --epochs epochs in
its own process; the printed figure is the median time per epoch and the
ratio torch / ours (> 1: ours is faster). Data loading and model building
are not timed; PyTorch is timed in its plain eager loop (no DataLoader, no
torch.compile), the way a small model is usually written.

Usage (outside CI; it makes its own virtualenv with torch and numpy from the
package registry, about 3 GB on first run, shared with bench_vs_torch.py):
    cargo build --release -p sigmoid-cli
    python3 scripts/bench_cnn_vs_torch.py [--epochs 20] [--threads 1] [--rounds 3]
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_vs_torch import ensure_venv  # noqa: E402  (the same target/bench-venv with torch)

ROOT = Path(__file__).resolve().parent.parent
DIGITS = ROOT / "crates" / "sigmoid-nn" / "data" / "digits.csv"
SIGMOID = ROOT / "target" / "release" / "sigmoid"


TORCH_RUN = r"""
import json, sys, time
import numpy as np
import torch
from torch import nn

path, epochs, threads, train_rows, seed = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
torch.set_num_threads(threads)
torch.manual_seed(seed)
data = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.float32)
rng = np.random.default_rng(seed)
rows = rng.permutation(len(data))[:train_rows]
# channels-last pixels to PyTorch's NCHW
x = torch.from_numpy(data[rows, :64] / 16.0).reshape(-1, 8, 8, 1).permute(0, 3, 1, 2).contiguous()
y = torch.from_numpy((data[rows, 64] % 2 == 1).astype(np.float32)).reshape(-1, 1)
model = nn.Sequential(
    nn.Conv2d(1, 8, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(8, 16, 3, padding="same"), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(64, 1),
)
opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
loss_fn = nn.BCEWithLogitsLoss()
times = []
for epoch in range(epochs):
    t0 = time.perf_counter()
    order = torch.randperm(len(x))
    total = 0.0
    for i in range(0, len(x), 32):
        b = order[i:i + 32]
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(model(x[b]), y[b])
        loss.backward()
        opt.step()
        total += loss.item() * len(b)
    times.append(time.perf_counter() - t0)
print(json.dumps({"epoch_ms": [t * 1e3 for t in times], "final_loss": total / len(x),
                  "torch": torch.__version__}))
"""


def ours(epochs: int, threads: int) -> dict:
    env = dict(os.environ, RAYON_NUM_THREADS=str(threads))
    cmd = [str(SIGMOID), "train", "--data", "digits", "--conv", "8,16", "--activation", "relu",
           "--optimizer", "adam", "--lr", "0.001", "--batch-size", "32",
           "--epochs", str(epochs), "--json"]
    if threads == 1:
        cmd = ["taskset", "-c", "0"] + cmd
    out = subprocess.run(cmd, capture_output=True, text=True, check=True, env=env).stdout
    return json.loads(out)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=20)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--rounds", type=int, default=3)
    args = parser.parse_args()
    if not SIGMOID.exists():
        sys.exit(f"{SIGMOID} is missing: run cargo build --release -p sigmoid-cli first")
    python = ensure_venv()
    ours_ms, torch_ms, train_rows, version = [], [], None, None
    for _ in range(args.rounds):
        r = ours(args.epochs, args.threads)
        train_rows = r["data"]["train_rows"]
        ours_ms.append(statistics.median(r["history"]["epoch_seconds"]) * 1e3)
        t = json.loads(subprocess.run(
            [str(python), "-c", TORCH_RUN, str(DIGITS), str(args.epochs), str(args.threads),
             str(train_rows), "0"],
            capture_output=True, text=True, check=True).stdout)
        version = t["torch"]
        torch_ms.append(statistics.median(t["epoch_ms"]))
    o, t = statistics.median(ours_ms), statistics.median(torch_ms)
    print(f"digits CNN, {train_rows} training rows, batch 32, Adam, {args.threads} thread(s), "
          f"median of {args.rounds} runs of {args.epochs} epochs")
    print(f"  sigmoid-nn     {o:8.2f} ms/epoch")
    print(f"  torch          {t:8.2f} ms/epoch  (torch {version})")
    print(f"  torch / ours   {t / o:8.2f}  (> 1: ours is faster)")


if __name__ == "__main__":
    main()
