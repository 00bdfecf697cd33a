#!/usr/bin/env python3
"""σ throughput of this crate next to torch.sigmoid, measured side by side.

Runs, in alternating processes (so neither warms the caches or the clock
for the other), for each size and round:
  * `torch.sigmoid(x, out=y)` on one thread, and a plain copy `y.copy_(x)`
    in the same process (the machine's speed at that moment);
  * `sigmoid bench` (this crate) at the same size, which times a copy too.
The printed ratio is torch's time per element over ours (> 1: ours is
faster), the median over rounds of the per-round ratio ("raw"): the
figure the issue's targets are stated in. Both sides use cache-line aligned
buffers (PyTorch's allocator aligns to 64 bytes; `sigmoid bench` does too).
The copy-normalised ratio (each side's σ time over its own copy's, then
torch's over ours) is printed as a check on machine drift between the
processes; at small sizes it understates us, because torch's `copy_` carries
about 1.5 µs of per-call dispatch that our copy does not, so prefer 64k to
compare kernels without that overhead.

Usage (outside CI; it makes its own virtualenv with torch and numpy from the
package registry, about 3 GB on first run):
    python3 scripts/bench_vs_torch.py [--sizes 16k,64k,64m] [--rounds 5]
        [--accuracy exact,default,fast] [--threads 1] [--isa avx2]

`--isa avx2` also runs torch with ATEN_CPU_CAPABILITY=avx2, to compare the
AVX2 paths.
"""

import argparse
import json
import os
import statistics
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENV = ROOT / "target" / "bench-venv"


def ensure_venv() -> Path:
    python = VENV / "bin" / "python3"
    if not python.exists():
        venv.create(VENV, with_pip=True)
    probe = subprocess.run([str(python), "-c", "import torch, numpy"], capture_output=True)
    if probe.returncode != 0:
        subprocess.run([str(python), "-m", "pip", "install", "-q", "torch", "numpy"], check=True)
    return python


TORCH_PROBE = r"""
import json, sys, time
import torch
torch.set_num_threads(int(sys.argv[2]))
n = int(sys.argv[1])
reps = int(sys.argv[3])
g = torch.Generator().manual_seed(0)
x = torch.rand(n, generator=g, dtype=torch.float32) * 40 - 20
y = torch.empty_like(x)
def per_elem(f):
    f(); f()
    t0 = time.perf_counter(); calls = 0
    while time.perf_counter() - t0 < 0.03:
        f(); calls += 1
    once = (time.perf_counter() - t0) / calls
    iters = max(1, int(1e-3 / max(once, 1e-9)))
    samples = []
    for _ in range(reps):
        t = time.perf_counter()
        for _ in range(iters):
            f()
        samples.append((time.perf_counter() - t) / (iters * n) * 1e9)
    return statistics.median(samples)
import statistics
sig = per_elem(lambda: torch.sigmoid(x, out=y))
copy = per_elem(lambda: y.copy_(x))
print(json.dumps({"torch": sig, "copy": copy, "capability": torch.backends.cpu.get_cpu_capability()}))
"""


def run_torch(python, size, threads, reps, isa):
    env = dict(os.environ)
    if isa == "avx2":
        env["ATEN_CPU_CAPABILITY"] = "avx2"
    out = subprocess.run(
        [str(python), "-c", TORCH_PROBE, str(size), str(threads), str(reps)],
        check=True, capture_output=True, text=True, env=env,
    )
    return json.loads(out.stdout)


def run_ours(binary, size, threads, reps, accuracy, isa):
    cmd = [str(binary), "bench", "--sizes", str(size), "--threads", str(threads),
           "--reps", str(reps), "--accuracy", accuracy, "--json"]
    if isa:
        cmd += ["--isa", isa]
    out = subprocess.run(cmd, check=True, capture_output=True, text=True)
    report = json.loads(out.stdout)
    results = report["runs"][0]["sizes"][0]["results"]
    times = {(r["case"], r["accuracy"]): r["ns_per_elem"] for r in results}
    return report["isa"], times


def parse_size(text):
    text = text.strip().lower()
    scale = {"k": 1 << 10, "m": 1 << 20}.get(text[-1:], 1)
    return int(text.rstrip("km")) * scale


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="16k,64k,64m")
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--reps", type=int, default=15)
    parser.add_argument("--threads", type=int, default=1)
    parser.add_argument("--accuracy", default="exact,default,fast")
    parser.add_argument("--isa", default=None)
    args = parser.parse_args()

    python = ensure_venv()
    subprocess.run(["cargo", "build", "--release", "--locked", "-q", "-p", "sigmoid-cli"],
                   cwd=ROOT, check=True)
    binary = ROOT / "target" / "release" / "sigmoid"
    tiers = args.accuracy.split(",")
    print(f"threads {args.threads}; {args.rounds} alternating rounds; medians; "
          "ratio = torch time / our time (> 1: ours faster)")
    for size in map(parse_size, args.sizes.split(",")):
        raw = {t: [] for t in tiers}
        normalised = {t: [] for t in tiers}
        our_copy_ratio = {t: [] for t in tiers}
        torch_copy_ratio = []
        capability = isa_name = None
        for _ in range(args.rounds):
            t = run_torch(python, size, args.threads, args.reps, args.isa)
            capability = t["capability"]
            isa_name, ours = run_ours(binary, size, args.threads, args.reps, ",".join(tiers), args.isa)
            torch_copy_ratio.append(t["torch"] / t["copy"])
            for tier in tiers:
                mine = ours[("sigmoid", tier)]
                raw[tier].append(t["torch"] / mine)
                normalised[tier].append((t["torch"] / t["copy"]) / (mine / ours[("copy", None)]))
                our_copy_ratio[tier].append(mine / ours[("copy", None)])
        med = statistics.median
        print(f"\nsize {size}: torch ({capability}) σ/copy {med(torch_copy_ratio):.2f}×; ours on {isa_name}:")
        for tier in tiers:
            print(f"  {tier:<8} σ/copy {med(our_copy_ratio[tier]):.2f}×   "
                  f"torch/ours {med(raw[tier]):.2f}× (raw), {med(normalised[tier]):.2f}× (copy-normalised)")


if __name__ == "__main__":
    sys.exit(main())
