"""Two micro-benchmarks: the machine's float32 matmul throughput, and the cost of one tiny operation.

The matmul throughput is the ceiling of any dense MLP step on this machine:
a step cannot go faster than its FLOPs at this rate, so each MLP workload is
also reported as a fraction of it.

The per-operation overhead is ``a * b + c`` on 4-element float32 arrays,
10,000 times: the arithmetic is nothing, so the time is each library's fixed
cost per call (argument checks, dispatch, allocating the result, and with
gradient tracking, recording the graph).
"""

from __future__ import annotations

import statistics
import time

import numpy as np


def matmul_gflops(n: int = 2048, repeats: int = 5, settle=lambda: None) -> dict:
    """GFLOP/s of ``np.matmul`` on two n x n float32 matrices (2 n^3 FLOPs each).

    ``settle()`` runs before each timed call (the suite waits there for a quiet machine).
    """
    rng = np.random.default_rng(0)
    a, b = rng.random((n, n), dtype=np.float32), rng.random((n, n), dtype=np.float32)
    c = np.empty((n, n), np.float32)
    np.matmul(a, b, out=c)  # warm-up: threads started, pages touched
    rates = []
    for _ in range(repeats):
        settle()
        start = time.perf_counter()
        np.matmul(a, b, out=c)
        rates.append(2.0 * n**3 / (time.perf_counter() - start) / 1e9)
    return {"n": n, "median": statistics.median(rates), "max": max(rates), "min": min(rates)}


def _time_loop(fn, iterations: int, repeats: int, settle) -> dict:
    fn(min(iterations, 100))  # warm-up
    per_op = []
    for _ in range(repeats):
        settle()
        start = time.perf_counter()
        fn(iterations)
        per_op.append((time.perf_counter() - start) / iterations * 1e6)
    return {"median_us": statistics.median(per_op), "min_us": min(per_op), "max_us": max(per_op)}


def op_overhead(iterations: int = 10_000, repeats: int = 5, settle=lambda: None) -> dict:
    """Microseconds per ``a * b + c`` (two operations) on 4-element float32 tensors."""
    import torch

    import nabla as nb

    values = [np.arange(4, dtype=np.float32) + k for k in range(3)]

    def loop(a, b, c):
        def run(n):
            for _ in range(n):
                _ = a * b + c

        return run

    a, b, c = values
    cases = {"numpy": loop(a, b, c)}
    na, nb_, nc = (nb.tensor(v) for v in values)
    cases["nabla"] = loop(na, nb_, nc)
    cases["nabla (requires_grad)"] = loop(nb.tensor(values[0], requires_grad=True), nb_, nc)
    ta, tb, tc = (torch.from_numpy(v.copy()) for v in values)
    cases["torch"] = loop(ta, tb, tc)
    cases["torch (requires_grad)"] = loop(torch.from_numpy(values[0].copy()).requires_grad_(), tb, tc)
    out = {name: _time_loop(fn, iterations, repeats, settle) for name, fn in cases.items()}
    out["iterations"] = iterations
    return out
