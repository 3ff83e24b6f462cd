"""Keras 3's build configs in a model file: what a layer's ``get_build_config()`` returns at save comes back
to its ``build_from_config(config)`` at load, before the weights are loaded.

Only a class of yours that writes one of the two hooks has its build config kept (nabla's own layers are
rebuilt from their configs and the model's input shape, which the file check bounds by the stored weights). It
sits beside the layer's config, where Keras 3 writes it: ``{"class_name": "Scaled", "config": {...},
"build_config": {"input_shape": [null, 4], "scale": 2.5}}`` in a Sequential's or functional model's layers
(so ``get_config()`` and ``to_json()`` carry it too), and as the file's ``build_config`` for a subclassed model
whose own class writes the hooks. A build config holds JSON values only (numbers, strings, booleans, null,
lists, dicts with string keys, at most :data:`MAX_DEPTH` deep): what a file gives is checked against
``file_schema_types.BUILD_CONFIG`` before anything is built.

As in Keras 3: ``build_from_config`` runs when the layer is made from its config (a Sequential's layer before
the model builds, a functional model's before it is called on the new inputs), only on a layer not built yet,
and the layer counts as built afterwards; then the weights are loaded, then ``load_own_variables``. The layers
inside a subclassed model are built by the model's own build, as Keras 3 builds them: their hooks are not
called, unless the model's ``get_config`` serializes them (``keras.saving.serialize_keras_object`` writes the
build config, ``deserialize_keras_object`` calls the hook).
"""

from __future__ import annotations

import math

import numpy as np

from ..layers.build_config import has_build_hooks

MAX_DEPTH = 8
"""How deep the lists and dicts of a build config may nest in a model file."""


def saved_build_config(layer, owner: str) -> dict | None:
    """``layer.get_build_config()`` as a model file keeps it (tuples as lists), when the class of ``layer``
    writes a hook and the layer reports a config; None otherwise. ``owner`` names the layer in messages.

    Raises ``TypeError`` for a config that is not a dict of JSON values."""
    if not has_build_hooks(type(layer)):
        return None
    config = layer.get_build_config()
    if config is None:
        return None
    if not isinstance(config, dict):
        raise TypeError(f"get_build_config of '{owner}' returned a {type(config).__name__}; return a dict "
                        "(or None), as Keras 3 asks")  # fmt: skip
    return _json(config, f"get_build_config of '{owner}'", 0)


def _json(value, where: str, depth: int):
    """``value`` as plain JSON values (NumPy scalars as Python's), or a one-line TypeError naming ``where``."""
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float) and math.isfinite(value):
        return value
    if depth < MAX_DEPTH and isinstance(value, (list, tuple)):
        return [_json(v, f"{where}[{i}]", depth + 1) for i, v in enumerate(value)]
    if depth < MAX_DEPTH and isinstance(value, dict) and all(isinstance(k, str) for k in value):
        return {k: _json(v, f"{where}[{k!r}]", depth + 1) for k, v in value.items()}
    what = f"nests deeper than {MAX_DEPTH}" if isinstance(value, (list, tuple, dict)) and depth >= MAX_DEPTH else (
        f"holds {' '.join(repr(value).split())[:60]} ({type(value).__name__})")
    raise TypeError(f"{where} {what}; a model file keeps a build config of JSON values (numbers, strings, "
                    "lists, dicts with string keys): save arrays with save_own_variables")  # fmt: skip


def build_from_saved(layer, config: dict) -> None:
    """Call ``layer.build_from_config(config)`` as Keras 3 does when it loads a layer: only if the layer is not
    built yet; it is marked built afterwards (frozen weights stay frozen).

    Raises ``ValueError`` for a layer whose class writes neither hook (a file that does not fit the code)."""
    if not has_build_hooks(type(layer)):
        raise ValueError(
            f"the file holds a build config for '{getattr(layer, 'name', type(layer).__name__)}', whose class "
            f"{type(layer).__name__} does not override get_build_config / build_from_config"
        )
    if layer.built:
        return
    layer.build_from_config(config)
    if not layer.built:
        layer.built = True
        if not getattr(layer, "_trainable", True):
            layer.trainable = False
