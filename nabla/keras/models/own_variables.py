"""Keras 3's variable hooks in a model file: a layer's ``save_own_variables(store)`` fills a dict of arrays that
its ``load_own_variables(store)`` reads back when the model is loaded.

Every weight is in the file's ``weights`` already (the model's ``state_dict``), so the hooks are called only
for the layers whose class overrides one of them: a layer of yours that keeps other state beside its weights
(a table as a NumPy array, a counter) saves it there. The file keeps each such layer's store under its path
in the model (``"0"``, ``"encoder.dense"``; ``""`` is the model itself): ``{"own_variables": {"0": {"0":
float32[...], "table": int64[...]}}}``. As in Keras 3, ``load_own_variables`` runs after the weights are loaded
(so an override may read them) and before ``load_assets``; it gets NumPy arrays.
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor
from ..layers import Layer


def _hooked(layer) -> bool:
    if not isinstance(layer, Layer):
        return False
    kind = type(layer)
    saves, loads = kind.save_own_variables, kind.load_own_variables
    return saves is not Layer.save_own_variables or loads is not Layer.load_own_variables


def saved_own_variables(model) -> dict:
    """``{layer path: {key: tensor}}`` from ``save_own_variables`` of each layer of ``model`` (itself included)
    that overrides a hook. Raises ``TypeError`` for a stored value that is not an array of numbers."""
    stores = {}
    for path, layer in model.named_modules():
        if not _hooked(layer):
            continue
        store: dict = {}
        layer.save_own_variables(store)
        kept = {}
        for key, value in store.items():
            array = np.asarray(value.numpy() if hasattr(value, "numpy") else value)
            if not isinstance(key, str) or array.dtype.kind not in "biuf":
                raise TypeError(
                    f"save_own_variables of '{path or type(model).__name__}' stored {key!r}: {array.dtype} values; "
                    "a model file keeps arrays of numbers under string keys (save text with save_assets)"
                )
            kept[key] = Tensor._make(np.ascontiguousarray(array))
        stores[path] = kept
    return stores


def load_own_variables(model, stores: dict) -> None:
    """Call ``load_own_variables`` of each layer of ``stores`` (see :func:`saved_own_variables`) with its arrays.
    Raises ``ValueError`` for a layer the model lacks or that has no hook of its own."""
    layers = dict(model.named_modules())
    for path, store in stores.items():
        layer = layers.get(path)
        if not _hooked(layer):
            raise ValueError(
                f"the file holds variables saved by save_own_variables of layer '{path}', which this model lacks "
                "or whose class does not override save_own_variables / load_own_variables"
            )
        layer.load_own_variables({key: np.array(value.numpy()) for key, value in store.items()})
