"""A small saved run with a categorical input, like the fish-market model, built without the real data.

The model takes ``a, kind=x, kind=y, kind=z`` (one number and a one-hot ``kind``); its run record says
so, and that the dataset's own file has the columns ``kind, target, a``.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np

import nabla as nb
from nabla import layers, models

FEATURES = ["a", "kind=x", "kind=y", "kind=z"]
FILE_COLUMNS = ["kind", "target", "a"]
KINDS = ["x", "y", "z"]


def make_tabular_run(folder: Path) -> Path:
    """Write ``model.nabla`` (a regression on 4 inputs) and its ``metrics.json`` into ``folder``; return its path."""
    nb.manual_seed(0)
    model = models.Sequential([layers.Input(shape=(4,)), layers.Dense(3, activation="tanh"), layers.Dense(1)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(np.eye(4, dtype=np.float32), np.arange(4, dtype=np.float32)[:, None], epochs=1, verbose=0)
    model.save(folder / "model.nabla")
    record = {
        "dataset": "fish_market",
        "task": "regression",
        "seed": 0,
        "model": {"features": FEATURES, "file_columns": FILE_COLUMNS, "target": "target"},
    }
    (folder / "metrics.json").write_text(json.dumps(record))
    return folder / "model.nabla"


def encode(a: float, kind: str) -> list[float]:
    return [a, *(float(kind == k) for k in KINDS)]
