"""Keras 3 on its PyTorch backend: the independent reference of the Keras side's tests."""

from __future__ import annotations

import os

from conftest import require


def keras_on_torch():
    """The ``keras`` module on the PyTorch backend; skips locally (fails in CI) when keras or torch is missing."""
    os.environ["KERAS_BACKEND"] = "torch"  # must be set before the first import of keras
    require("torch")
    keras = require("keras")
    assert keras.backend.backend() == "torch", "keras was imported earlier with another backend"
    return keras
