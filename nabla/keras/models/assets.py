"""Keras 3's asset hooks in a model file: a layer's ``save_assets(dir_path)`` writes files (a vocabulary, a
lookup table) that its ``load_assets(dir_path)`` reads back when the model is loaded.

Keras 3 keeps them in an ``assets/<layer path>/`` folder of its ``.keras`` zip; a nabla model file keeps
each file's bytes as a uint8 tensor, under the layer's path in the model (``"0"``, ``"encoder.dense"``;
``""`` is the model itself) and the file's name: ``{"assets": {"0": {"vocabulary.txt": uint8[...]}}}``.
Only plain files directly in the folder are kept (Keras's layers write no more). As in Keras 3,
``load_assets`` runs after the weights are loaded, on a fresh folder holding the same files.
"""

from __future__ import annotations

import os
import tempfile

import numpy as np

from .._engine import Tensor


def saved_assets(model) -> dict:
    """``{layer path: {file name: uint8 tensor}}`` for each layer of ``model`` (itself included) that has
    ``save_assets``: what it wrote into an empty folder. Raises ``ValueError`` for a sub-folder."""
    assets = {}
    for path, layer in model.named_modules():
        if not callable(getattr(layer, "save_assets", None)):
            continue
        with tempfile.TemporaryDirectory() as folder:
            layer.save_assets(folder)
            files = {}
            for name in sorted(os.listdir(folder)):
                where = os.path.join(folder, name)
                if not os.path.isfile(where):
                    raise ValueError(f"save_assets of '{path or type(model).__name__}' made {name!r}, not a file: "
                                     "a model file keeps the files of the folder, not sub-folders")  # fmt: skip
                with open(where, "rb") as f:
                    files[name] = Tensor._make(np.frombuffer(f.read(), np.uint8).copy())
        assets[path] = files
    return assets


def load_assets(model, assets: dict) -> None:
    """Give each layer of ``assets`` (see :func:`saved_assets`) a folder holding its files and call its
    ``load_assets``. Raises ``ValueError`` for a layer the model lacks or a name that is not a plain file name."""
    layers = dict(model.named_modules())
    for path, files in assets.items():
        layer = layers.get(path)
        if not callable(getattr(layer, "load_assets", None)):
            raise ValueError(f"the file holds assets of layer '{path}', which this model lacks or which has no "
                             "load_assets()")  # fmt: skip
        with tempfile.TemporaryDirectory() as folder:
            for name, data in files.items():
                if name in ("", ".", "..") or os.path.basename(name) != name or "/" in name or "\\" in name:
                    raise ValueError(f"asset {name!r} of layer '{path}' is not a plain file name")
                with open(os.path.join(folder, name), "wb") as f:
                    f.write(np.asarray(data.numpy() if isinstance(data, Tensor) else data, np.uint8).tobytes())
            layer.load_assets(folder)
