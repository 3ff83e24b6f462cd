"""``keras.saving``: Keras 3's names for whole-model files, over :mod:`nabla.keras.models.saving`.

``keras.saving.save_model(model, "m.keras")`` is ``model.save("m.keras")``; ``keras.saving.load_model``
is ``keras.models.load_model``; ``@keras.saving.register_keras_serializable()`` lets ``load_model``
find a layer or model class of yours without ``custom_objects``. The files are nabla's own (one
safetensors file, checked against a schema before anything is built), whatever their name.
"""

from __future__ import annotations

from .models.saving import load_model, register_keras_serializable, save_model


def get_registered_name(obj) -> str:
    """``"package>name"`` of a class registered with :func:`register_keras_serializable`, else its class name."""
    cls = obj if isinstance(obj, type) else type(obj)
    return getattr(cls, "_registered_name", cls.__name__)


__all__ = ["get_registered_name", "load_model", "register_keras_serializable", "save_model"]
