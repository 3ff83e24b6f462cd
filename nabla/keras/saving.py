"""``keras.saving``: Keras 3's names for model files, weight files and the registry of your own objects.

``keras.saving.save_model(model, "m.keras")`` is ``model.save("m.keras")``; ``keras.saving.load_model``
is ``keras.models.load_model``; ``save_weights(model, path)`` / ``load_weights(model, path)`` are the
model's methods. ``@keras.saving.register_keras_serializable()``, ``custom_object_scope`` and
``get_custom_objects`` let ``load_model`` and ``model_from_json`` find a layer or model class of yours
without ``custom_objects`` (:mod:`nabla.keras.utils.object_registration`); ``serialize_keras_object`` /
``deserialize_keras_object`` write any Keras object as a JSON-able dict and back
(:mod:`nabla.keras.utils.serialization_lib`). The files are nabla's own (one safetensors file, checked
against a schema before anything is built): a model file's name ends in ``.keras``, ``.h5`` or ``.nabla``
(another is refused, as Keras 3 refuses it), a weight file's may be any name.
"""

from __future__ import annotations

from pathlib import Path

from .models.saving import load_model, save_model
from .utils.object_registration import (
    CustomObjectScope,
    custom_object_scope,
    get_custom_objects,
    get_registered_name,
    get_registered_object,
    register_keras_serializable,
)
from .utils.serialization_lib import deserialize_keras_object, serialize_keras_object


def save_weights(model, filepath, overwrite: bool = True, **kwargs) -> None:
    """``model.save_weights(filepath)``; with ``overwrite=False`` an existing file is refused.

    Keras 3 asks for a ``.weights.h5`` name; nabla writes its safetensors weight file under any name.
    """
    if kwargs:
        raise TypeError(f"save_weights: unexpected arguments {sorted(kwargs)}")
    if not overwrite and Path(filepath).exists():
        raise FileExistsError(f"save_weights: {filepath} exists; pass overwrite=True to replace it")
    model.save_weights(filepath)


def load_weights(model, filepath, skip_mismatch: bool = False, **kwargs) -> None:
    """``model.load_weights(filepath)``: weights written by ``save_weights``, into a model of the same layers.

    ``skip_mismatch=True`` (Keras: skip the layers whose weights do not fit) is not offered: a file that
    does not fit is refused whole, leaving the model unchanged.
    """
    if kwargs:
        raise TypeError(f"load_weights: unexpected arguments {sorted(kwargs)}")
    if skip_mismatch:
        raise ValueError("load_weights: skip_mismatch=True is not offered by nabla; the whole file must fit the model")
    model.load_weights(filepath)


__all__ = [
    "CustomObjectScope",
    "custom_object_scope",
    "deserialize_keras_object",
    "get_custom_objects",
    "get_registered_name",
    "get_registered_object",
    "load_model",
    "load_weights",
    "register_keras_serializable",
    "save_model",
    "save_weights",
    "serialize_keras_object",
]
