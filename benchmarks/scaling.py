"""Data-parallel nabla at 8, 64 and 512 workers, on paper, from this machine's measurements.

The model (weak scaling: each worker keeps its batch ``b``, the global batch is ``N b``):

- a worker's step computes for ``T_c = b P c`` seconds, ``P`` the parameters and ``c`` the seconds
  per sample and parameter, measured here on one core (one process, one BLAS thread);
- then the gradients (``4P`` bytes in float32) are all-reduced by a ring: every worker sends and
  receives ``2 (N-1)/N`` times them, in ``2 (N-1)`` messages, ``T_a = 2 (N-1)/N * 4P / B + 2 (N-1) a``
  over links of bandwidth ``B`` and latency ``a``;
- nabla averages after the backward pass, not during it, so nothing overlaps:
  efficiency ``E = T_c / (T_c + T_a)``.

``E >= 80%`` needs ``T_a <= T_c / 4``. The bandwidth part of ``T_a`` grows with ``P`` as ``T_c``
does, so it sets a minimum batch per worker, ``b >= 4 * 8 (N-1)/N / (B c)``, whatever the model's
size; the latency part does not grow with ``P``, so it sets a minimum model size for a given batch.
"""

from __future__ import annotations

import math

# Typical links between machines: (name, bandwidth in bytes/s, one MPI message's latency in s). Assumed, not
# measured here (this machine has no network): vendor figures for TCP on Ethernet and for InfiniBand verbs.
NETWORKS = (
    ("1 Gb/s Ethernet", 1e9 / 8, 50e-6),
    ("10 Gb/s Ethernet", 10e9 / 8, 20e-6),
    ("100 Gb/s InfiniBand", 100e9 / 8, 2e-6),
)
WORKERS = (8, 64, 512)
TARGET = 0.8  # the efficiency called "scales"
LARGE_BATCH = 8192  # the global batch up to which SGD keeps its accuracy with the usual recipes (Goyal et al. 2017)


def allreduce_s(p: int, n: int, bandwidth: float, latency: float) -> float:
    """Ring all-reduce of ``p`` float32 values over ``n`` workers."""
    return 2 * (n - 1) / n * 4 * p / bandwidth + 2 * (n - 1) * latency


def efficiency(c: float, p: int, b: int, n: int, bandwidth: float, latency: float) -> float:
    compute = b * p * c
    return compute / (compute + allreduce_s(p, n, bandwidth, latency))


def batch_for(c: float, p: int, n: int, bandwidth: float, latency: float, target: float = TARGET) -> int:
    """The smallest batch per worker with efficiency ``target``."""
    return math.ceil(target / (1 - target) * allreduce_s(p, n, bandwidth, latency) / (p * c))


def size_for(c: float, b: int, n: int, bandwidth: float, latency: float, target: float = TARGET) -> float | None:
    """The smallest model (parameters) with efficiency ``target`` at batch ``b`` per worker; None: no size does."""
    k = target / (1 - target)
    spare = b * c - k * 8 * (n - 1) / n / bandwidth
    return None if spare <= 0 else k * 2 * (n - 1) * latency / spare


def fit(result: dict) -> dict:
    """The model's constants from the measurements: ``c`` per model, and this machine's shared-memory link."""
    constants: dict = {"c": {}}
    bare = []
    for key, m in result["models"].items():
        one = next(s for name, s in m["setups"].items() if s["ranks"] == 1 and "1 thread" in name)
        c = one["step_s"] / (one["global_batch"] * one["parameters"])
        constants["c"][key] = {"c": c, "parameters": one["parameters"], "batch": one["global_batch"]}
        two = next(s for s in m["setups"].values() if s["ranks"] == 2)
        bare.append((4 * two["parameters"], two["allreduce_s"]))
    # Two ranks: t = S / B + 2 a. Two buffer sizes give B and a (with one, or inconsistent timings: a = 0).
    (s1, t1), (s2, t2) = sorted(bare)[-1], sorted(bare)[0]
    if s1 > s2 and t1 > t2 and t1 - s1 * (t1 - t2) / (s1 - s2) > 0:
        bandwidth = (s1 - s2) / (t1 - t2)
        latency = (t1 - s1 / bandwidth) / 2
    else:
        bandwidth, latency = s1 / t1 if t1 > 0 else math.inf, 0.0
    constants["shared_memory"] = {"bandwidth": bandwidth, "latency": latency}
    return constants


def _size(p: float | None) -> str:
    if p is None:
        return "none"
    return f"{p / 1e6:.1f}M" if p >= 1e6 else f"{p / 1e3:.0f}K" if p >= 1e3 else f"{p:.0f}"


def section(d: dict) -> list[str]:
    k = d["model"]
    shm = k["shared_memory"]
    names = {key: m["name"] for key, m in d["models"].items()}
    lines = [
        "## Scaling out, on paper",
        "",
        "What the numbers above predict for data-parallel nabla on many machines (one worker per core, "
        "each with its own batch of `b` samples; the global batch is `N b`). A worker's step computes for "
        "`T_c = b P c` seconds (`P` parameters, `c` seconds per sample and parameter, measured above on one core); "
        "the gradients, `4P` bytes, are then averaged by a ring all-reduce, which sends and receives "
        "`2 (N-1)/N x 4P` bytes per worker in `2 (N-1)` messages: `T_a = 2 (N-1)/N x 4P / B + 2 (N-1) a` over links "
        "of bandwidth `B` and latency `a`. nabla averages after the backward pass (Horovod and PyTorch's DDP "
        "start during it, bucket by bucket), so nothing overlaps and the efficiency is `E = T_c / (T_c + T_a)`. "
        "We call `E >= 80%` *scaling*.",
        "",
        "Measured here: "
        + "; ".join(
            f"{names[key]}: `c` = {v['c']:.2e} s ({v['parameters']:,} parameters, batch {v['batch']})"
            for key, v in k["c"].items()
        )  # fmt: skip
        + f". The two processes' shared-memory link, fitted from the bare all-reduces: `B` = "
        f"{shm['bandwidth'] / 1e9:.1f} GB/s, `a` = {shm['latency'] * 1e6:.1f} us. The networks below are assumed "
        "(typical MPI figures; this machine has none): "
        + ", ".join(f"{name} (`B` = {bw * 8 / 1e9:.0f} Gb/s, `a` = {lat * 1e6:.0f} us)" for name, bw, lat in NETWORKS)
        + ".",
        "",
    ]

    def cell_batch(v: dict, n: int, bw: float, lat: float) -> str:
        b = batch_for(v["c"], v["parameters"], n, bw, lat)
        return f"{efficiency(v['c'], v['parameters'], v['batch'], n, bw, lat):.0%} / {b:,} ({n * b:,})"

    lines += _table(
        "Efficiency at the benchmark's batch per worker / smallest batch per worker that scales (the global "
        "batch it makes):",
        "model",
        k,
        names,
        cell_batch,
    )
    lines += _table(
        "Smallest model (parameters) that scales with 128 samples per worker, at the measured compute per "
        "parameter (*none*: the bandwidth term alone costs more than a quarter of the step, at any size):",
        "compute like",
        k,
        names,
        lambda v, n, bw, lat: _size(size_for(v["c"], 128, n, bw, lat)),
    )
    lines += _reading(k, names)
    return lines


def _table(caption: str, first: str, k: dict, names: dict, cell) -> list[str]:
    """A table of ``cell(constants, N, bandwidth, latency)`` for each measured model and network (rows), N (columns)."""
    from .report import markdown_table

    rows = [
        [names[key], net] + [cell(v, n, bw, lat) for n in WORKERS]
        for key, v in k["c"].items()
        for net, bw, lat in NETWORKS
    ]
    return [caption, "", markdown_table([first, "network"] + [f"N = {n}" for n in WORKERS], rows), ""]


def _reading(k: dict, names: dict) -> list[str]:
    mlp, cnn = k["c"].get("mlp"), k["c"].get("cnn")
    lines = ["Reading the tables:", ""]
    if mlp:
        b10 = batch_for(mlp["c"], mlp["parameters"], 512, NETWORKS[1][1], 0.0)
        lines.append(
            f"- The bandwidth term sets a batch per worker that no model size escapes, `b >= 4 x 8 (N-1)/N / (B c)`: "
            f"a dense MLP costs `c` = {mlp['c']:.1e} s per sample and parameter (6 flops at the BLAS's rate), so on "
            f"10 Gb/s Ethernet it needs about {b10:,} samples per worker, {max(1, LARGE_BATCH // b10):,} workers "
            f"before the global batch passes the {LARGE_BATCH:,} up to which large-batch SGD keeps its accuracy "
            "(linear learning-rate scaling with warm-up; LARS/LAMB reach about 32K). That is where data-parallel "
            "training of an MLP stops scaling: on slow links by bandwidth, then by the statistics of large batches, "
            "not by the all-reduce."
        )
    if cnn and mlp:
        worst = batch_for(cnn["c"], cnn["parameters"], WORKERS[-1], NETWORKS[0][1], NETWORKS[0][2])
        lines.append(
            f"- A convolution reuses each weight at every position: {names['cnn']} costs "
            f"{cnn['c'] / mlp['c']:.0f} times more compute per parameter than the MLP, so its all-reduce is "
            f"comparatively small: even {WORKERS[-1]} workers on {NETWORKS[0][0]} need only {worst:,} samples per "
            "worker. Convolutional networks are the easy case, as in Horovod's ResNet results."
        )
    lines += [
        "- The latency term, `2 (N-1) a`, grows with the number of workers and not with the model: at 512 workers "
        "and 20 us it is 20 ms per step, so small models stop scaling there whatever the bandwidth (second table). "
        "MPICH switches to recursive halving and doubling for such cases, `2 log2(N)` messages instead of "
        "`2 (N-1)`, which moves that wall far out; the ring is the pessimistic bound.",
        "- Not in the model: packing and unpacking the flat buffer (two memory copies of `4P` bytes per step), "
        "Python's per-step overhead, stragglers (a step waits for the slowest worker: on this shared machine the "
        "*averaging per step* above is mostly that wait), and the benefit a faster engine would have (a smaller `c` "
        "makes the compute shorter and the all-reduce relatively dearer).",
        "",
    ]
    return lines
