"""Times sigmoid.expit against scipy.special.expit (and torch.sigmoid if installed).

    python crates/sigmoid-py/bench/bench_expit.py [--repeat N] [--sizes 1000,1000000] [--threads]

Contiguous 1-D float32 and float64 arrays of 1K, 1M and 64M elements; each
call writes into a preallocated output (``out=``) so allocation is not timed.
Prints the median time per call, elements per nanosecond, and the ratio
scipy / ours (above 1: ours is faster) measured in the same run. sigmoid runs
on one thread below ``sigmoid.get_parallel_threshold()`` elements and on rayon's
threads (one per core) from there on. torch runs on one thread up to 1M
elements (the issue's rule: one thread for ≤ 1M, threads allowed above) and on
its default thread count above; each row prints both thread counts. ``--threads`` also times ours forced to one thread at each
size and forced onto all cores at each size
(``sigmoid.set_parallel_threshold``), to show where threads start to pay.
"""

from __future__ import annotations

import argparse
import os
import statistics
import time

import numpy as np
import scipy.special

import sigmoid

try:
    import torch
except ImportError:  # optional
    torch = None


def median_seconds(fn, repeat: int, min_time: float = 0.2) -> float:
    fn()  # warm up (page faults, thread pool start)
    times = []
    deadline = time.perf_counter() + min_time
    while len(times) < repeat or time.perf_counter() < deadline:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 1000:
            break
    return statistics.median(times)


def with_threshold(elements, fn):
    def run():
        sigmoid.set_parallel_threshold(elements)
        try:
            fn()
        finally:
            sigmoid.set_parallel_threshold(None)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--sizes", default="1000,1000000,64000000")
    parser.add_argument("--threads", action="store_true",
                        help="also time ours forced to one thread")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    print(f"sigmoid isa={sigmoid.isa} threads from {sigmoid.get_parallel_threshold()} "
          f"elements; cpus={os.cpu_count()}; numpy {np.__version__}; scipy {scipy.__version__}"
          + (f"; torch {torch.__version__} ({torch.get_num_threads()} threads)" if torch else
             "; torch not installed"))
    header = f"{'dtype':8}{'n':>10}{'sigmoid ms':>12}{'scipy ms':>11}{'scipy/ours':>11}"
    if torch:
        header += f"{'torch ms':>10}{'torch/ours':>11}{'threads ours/torch':>20}"
    if args.threads:
        header += f"{'1-thread ms':>12}{'all-cores ms':>13}"
    print(header)
    rng = np.random.default_rng(0)
    default_torch_threads = torch.get_num_threads() if torch else 1
    for dtype in (np.float32, np.float64):
        for n in sizes:
            x = (rng.standard_normal(n) * 8).astype(dtype)
            out = np.empty_like(x)
            ours = median_seconds(lambda: sigmoid.expit(x, out=out), args.repeat)
            ref = median_seconds(lambda: scipy.special.expit(x, out=out), args.repeat)
            line = (f"{np.dtype(dtype).name:8}{n:>10}{ours * 1e3:>12.4f}{ref * 1e3:>11.4f}"
                    f"{ref / ours:>11.2f}")
            if torch:
                tx = torch.from_numpy(x)
                tout = torch.from_numpy(out)
                torch_threads = 1 if n <= 1_000_000 else default_torch_threads
                torch.set_num_threads(torch_threads)
                t = median_seconds(lambda: torch.sigmoid(tx, out=tout), args.repeat)
                torch.set_num_threads(default_torch_threads)
                our_threads = 1 if n < sigmoid.get_parallel_threshold() else os.cpu_count()
                line += f"{t * 1e3:>10.4f}{t / ours:>11.2f}{f'{our_threads}/{torch_threads}':>20}"
            if args.threads:
                call = lambda: sigmoid.expit(x, out=out)  # noqa: E731
                one = median_seconds(with_threshold(2**62, call), args.repeat)
                every = median_seconds(with_threshold(0, call), args.repeat)
                line += f"{one * 1e3:>12.4f}{every * 1e3:>13.4f}"
            print(line, flush=True)
            del x, out


if __name__ == "__main__":
    main()
