"""``keras.models.clone_model``: a new model of the same architecture, with new weights."""

from __future__ import annotations

from .model_config import check_subclass_config


def clone_model(model, input_tensors=None, clone_function=None, call_function=None, recursive: bool = False, **kwargs):
    """A model built again from ``model.get_config()``: the same layers, freshly initialised weights (as Keras).

    Works for Sequential and functional models, and for subclassed ones with a ``get_config`` (or an
    ``__init__`` without arguments). A compiled model's clone is compiled from its compile config (a new
    optimizer of the same settings), as Keras 3's. The clone shares no weights with ``model``; copy the weights with
    ``clone.set_weights(model.get_weights())``. Keras's hooks to change layers while cloning
    (``input_tensors``, ``clone_function``, ``call_function``) are not offered.
    """
    given = {"input_tensors": input_tensors, "clone_function": clone_function, "call_function": call_function}
    unsupported = sorted(name for name, value in given.items() if value is not None) + sorted(kwargs)
    if unsupported:
        raise TypeError(f"clone_model: {', '.join(unsupported)} not offered: clone, then change the clone's layers")
    check_subclass_config(model)
    clone = type(model).from_config(model.get_config())
    clone._maybe_build()
    if model.compiled:  # (as Keras 3: compiled alike, with a new optimizer of the same config)
        clone.compile_from_config(model.get_compile_config())
    return clone
