"""Opening a model file handed to ``nabla evaluate`` or ``nabla predict``: any failure is one line."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from .errors import UsageError, one_line


def open_model(path: str):
    """The model saved at ``path`` (``models.load_model``), or a UsageError saying why not."""
    from ..models import load_model

    p = Path(path)
    if not p.is_file():
        raise UsageError(f"no model file at {path}" if not p.exists() else f"{path} is not a file")
    try:
        return load_model(p)
    except Exception as e:  # a damaged or foreign file: whatever the reader says, in one line
        raise UsageError(f"cannot load the model {path}: {one_line(e)}") from None


def input_width(model) -> int:
    """How many numbers one sample of the model's input holds (784 for a 28x28 image)."""
    shape = model.input_shape
    if shape is None:
        raise UsageError("the model does not record its input shape")
    if any(not isinstance(d, int) for d in shape[1:]):
        raise UsageError(f"the model takes inputs of shape {tuple(shape)}: only a fixed number of features can be read")
    return int(np.prod(shape[1:]))
