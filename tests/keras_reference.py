"""Keras 3 on its PyTorch backend: the independent reference of the Keras side's tests."""

from __future__ import annotations

import os

from conftest import require


def keras_on_torch():
    """The ``keras`` module on the PyTorch backend, seeded; skips locally (fails in CI) when keras or torch is missing.

    Seeded on every call (as ``conftest`` seeds nabla before every test) so that a reference model's
    random initial weights, and whatever a test checks about training from them, are the same each run.
    """
    os.environ["KERAS_BACKEND"] = "torch"  # must be set before the first import of keras
    require("torch")
    keras = require("keras")
    assert keras.backend.backend() == "torch", "keras was imported earlier with another backend"
    keras.utils.set_random_seed(0)
    return keras
