"""The training run the data-parallel tests repeat on 1, 2 and 3 processes, in float64.

Run as a script under ``mpiexec`` (``dp_workload.py OUT MODE...``), each rank trains on its part of
every batch (``np.array_split``: 32 samples on 3 ranks are 11, 11 and 10) with a
DistributedOptimizer weighting each rank by its batch size, and saves its final parameters. The
test imports the same functions and trains one process on the whole batches: the reference.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.distributed as dist

STEPS, BATCH = 20, 32
RUNS = [(kind, opt) for kind in ("mlp", "cnn") for opt in ("sgd", "adam")]


def build(kind: str):
    """The MLP, or the benchmarks' CNN (W6's layers) on small 1x12x12 images; float64."""
    nb.manual_seed(0)
    nn = nb.nn
    if kind == "mlp":
        model = nn.Sequential(nn.Linear(6, 16), nn.Tanh(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 3))
    else:
        model = nn.Sequential(
            nn.Conv2d(1, 4, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(4, 8, 3), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(8, 3),
        )  # fmt: skip
    return model.double()


def data(kind: str) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(1)
    shape = (STEPS * BATCH, 6) if kind == "mlp" else (STEPS * BATCH, 1, 12, 12)
    x = rng.normal(size=shape)
    y = rng.integers(0, 3, STEPS * BATCH)
    return x, y


def optimizer(name: str, model):
    if name == "sgd":
        return nb.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)
    return nb.optim.Adam(model.parameters(), lr=0.01)


def train(model, opt, kind: str, steps: range, weighted: bool = True) -> None:
    """Steps over the fixed batches; with several ranks, each takes its part of every batch."""
    x, y = data(kind)
    for step in steps:
        batch = slice(step * BATCH, (step + 1) * BATCH)
        xb = np.array_split(x[batch], dist.size())[dist.rank()]
        yb = np.array_split(y[batch], dist.size())[dist.rank()]
        loss = nb.cross_entropy(model(nb.tensor(xb)), nb.tensor(yb))
        opt.zero_grad()
        loss.backward()
        if hasattr(opt, "synchronize"):
            opt.step(weight=len(xb) if weighted else None)
        else:
            opt.step()


def params(model) -> dict[str, np.ndarray]:
    return {name: t.numpy().copy() for name, t in model.state_dict().items()}


def reference(kind: str, opt_name: str) -> dict[str, np.ndarray]:
    """One process, whole batches."""
    model = build(kind)
    train(model, optimizer(opt_name, model), kind, range(STEPS))
    return params(model)


def _distributed(kind: str, opt_name: str):
    model = build(kind)
    opt = dist.DistributedOptimizer(optimizer(opt_name, model))
    dist.broadcast_parameters(model.state_dict(), root=0)
    return model, opt


def main(out: Path, modes: list[str]) -> None:
    dist.init()
    for mode in modes:
        run(out, mode, dist.rank())
        dist.print(f"{mode} done on {dist.size()} ranks")


def run(out: Path, mode: str, rank: int) -> None:
    if mode == "train":
        for kind, opt_name in RUNS:
            model, opt = _distributed(kind, opt_name)
            train(model, opt, kind, range(STEPS))
            np.savez(out / f"{kind}-{opt_name}-rank{rank}.npz", **params(model))
        model, opt = _distributed("mlp", "sgd")
        train(model, opt, "mlp", range(STEPS), weighted=False)
        np.savez(out / f"mlp-sgd-unweighted-rank{rank}.npz", **params(model))
    elif mode == "checkpoint":  # the first half of the MLP + Adam run, saved by rank 0
        model, opt = _distributed("mlp", "adam")
        train(model, opt, "mlp", range(STEPS // 2))
        dist.save({"model": model.state_dict(), "optim": opt.state_dict()}, out / "half.nabla")
    elif mode == "resume":  # the second half, on however many ranks this run has
        model, opt = _distributed("mlp", "adam")
        if rank == 0:
            state = nb.load(out / "half.nabla")
            model.load_state_dict(state["model"])
            opt.load_state_dict(state["optim"])
        dist.broadcast_parameters(model.state_dict(), root=0)
        dist.broadcast_optimizer_state(opt, root=0)
        train(model, opt, "mlp", range(STEPS // 2, STEPS))
        np.savez(out / f"resumed-rank{rank}.npz", **params(model))
    else:
        raise ValueError(f"unknown mode {mode!r}")


if __name__ == "__main__":
    main(Path(sys.argv[1]), sys.argv[2:])
