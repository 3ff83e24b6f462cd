"""Keras-style ``fit(..., distributed=True)`` runs, repeated on 1, 2 and 3 processes (``fit_workload.py OUT``).

Each rank saves its final weights and its History to ``OUT/<run>-rank<r>.npz``; the test runs the same
functions in one process (no launcher) as the reference.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.distributed as dist
from nabla import callbacks, layers, models


def data(n: int = 100):
    rng = np.random.default_rng(3)
    x = rng.normal(size=(n, 4)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] > 0).astype(np.int64)
    return x, y


def build(jit: bool | str = "auto", saturated: bool = False):
    """The model of a run; ``saturated``: a softmax output so confident that its wrong answers are probabilities
    below float32's 1e-7, whose cross-entropy metric Keras computes from the logits (activation_logits.py)."""
    nb.manual_seed(1 + dist.rank())  # each rank starts elsewhere: fit must copy rank 0's weights
    hidden = layers.Dense(16, activation="tanh", input_shape=(4,))
    if saturated:
        big = nb.initializers.RandomNormal(stddev=40.0)
        model = models.Sequential([hidden, layers.Dense(2, activation="softmax", kernel_initializer=big)])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy",
                      metrics=["sparse_categorical_crossentropy", "accuracy"], jit_compile=jit)  # fmt: skip
        return model
    model = models.Sequential([hidden, layers.Dense(2)])
    model.compile(optimizer="adam", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True),
                  metrics=["accuracy"], jit_compile=jit)  # fmt: skip
    return model


RUNS = {
    # name: (fit arguments, jit_compile)
    "adam": ({"batch_size": 32, "epochs": 3, "validation_split": 0.2}, "auto"),
    "eager": ({"batch_size": 32, "epochs": 2, "shuffle": False}, False),
    "tiny-batches": ({"batch_size": 2, "epochs": 1}, "auto"),  # 2 samples on 3 ranks: one rank idles
    "early-stop": ({"batch_size": 25, "epochs": 50, "callbacks": "early"}, "auto"),
    "on-disk": ({"batch_size": 32, "epochs": 2}, "auto"),  # a ChunkedDataset, shuffled chunk-wise
    # the metric from the logits gathered with the outputs (on an idle rank too: batches of 2 on 3 ranks)
    "saturated": ({"batch_size": 2, "epochs": 1, "validation_split": 0.5}, "auto"),
}


def on_disk(folder: Path):
    """The data of the runs as a chunked file in ``folder`` (written once, by rank 0)."""
    path = folder / "data.nbd"
    if dist.rank() == 0 and not path.exists():
        nb.data.write_chunked(path, data(), chunk_rows=16)
    dist.barrier()
    return nb.data.ChunkedDataset(path, shuffle_buffer=32)


def run(name: str, folder: Path, distributed: bool = True):
    kwargs, jit = RUNS[name]
    kwargs = dict(kwargs)
    if kwargs.get("callbacks") == "early":
        kwargs["callbacks"] = [callbacks.EarlyStopping(monitor="loss", min_delta=0.05, patience=1)]
    n = 6 if name in ("tiny-batches", "saturated") else 100
    x, y = (on_disk(folder), None) if name == "on-disk" else data(n)
    model = build(jit, saturated=name == "saturated")
    nb.manual_seed(0)  # the generator that draws the epochs' orders: the same on rank 0 and in one process
    history = model.fit(x, y, verbose=2 if name == "adam" else 0, distributed=distributed, **kwargs)
    return model, history


def main(out: Path) -> None:
    dist.init()
    for name in RUNS:
        model, history = run(name, out)
        weights = {f"w{i}": w for i, w in enumerate(model.get_weights())}
        np.savez(out / f"{name}-rank{dist.rank()}.npz", **weights)
        (out / f"{name}-rank{dist.rank()}.json").write_text(json.dumps(history.history))
        assert not isinstance(model.optimizer, dist.optimizer._Distributed), "fit kept the wrapped optimizer"


if __name__ == "__main__":
    main(Path(sys.argv[1]))
