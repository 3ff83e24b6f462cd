"""What a layer's ``get_config`` and ``from_config`` are made of, as Keras 3 makes them.

- ``dtype``: Keras 3 writes a layer's dtype as the config of its ``DTypePolicy``
  (``{"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, ...}``) and takes
  that back, or a plain name, as the ``dtype`` argument. nabla's policies are plain dtypes (weights and
  computation in the same dtype), so the two forms carry the same information.
- The automatic config: a layer or model class of yours that writes no ``get_config`` still gets one
  with the arguments its ``__init__`` was called with (defaults filled in), as Keras records them when
  the object is made, provided they are plain JSON values (numbers, strings, booleans, None, and lists
  and dicts of them); otherwise only the base config, as in Keras.
- ``from_config``'s default is ``cls(**config)``; the base keys (``name``, ``trainable``, ``dtype``) are
  left out for an ``__init__`` that takes none of them and no ``**kwargs`` (Keras fails there instead),
  so that a class whose config is the base one plus its own arguments round-trips.
"""

from __future__ import annotations

import functools
import inspect
import numbers

import numpy as np

from .. import activations, constraints, initializers, regularizers
from .._engine import dtypes
from ..dtype_policies import DTypePolicy
from ..utils.object_registration import get_registered_name

BASE_KEYS = ("name", "trainable", "dtype")


def dtype_config(dtype: np.dtype) -> dict:
    """A layer's dtype as Keras 3's ``get_config`` writes it: its ``DTypePolicy``'s config."""
    return {"module": "keras", "class_name": "DTypePolicy", "config": {"name": dtype.name}, "registered_name": None}


def resolve_dtype(dtype) -> np.dtype | None:
    """A layer's ``dtype`` argument: a name or a dtype, a ``DTypePolicy`` or its config (:func:`dtype_config`)."""
    if isinstance(dtype, str) and dtype.startswith("mixed_"):
        dtype = DTypePolicy(dtype)  # (a mixed policy is refused there, with what to do instead)
    if isinstance(dtype, DTypePolicy):
        return dtypes.resolve(dtype.compute_dtype)
    if isinstance(dtype, dict):
        config = dtype.get("config")
        if dtype.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy") or not isinstance(config, dict):
            raise ValueError(f"a layer's dtype must be a dtype name or a DTypePolicy config, got {dtype!r}")
        dtype = config.get("name")
    return dtypes.resolve(dtype)


def weight_shape(shape, layer: str) -> tuple[int, ...]:
    """``add_weight``'s ``shape`` as a tuple of sizes: None is a scalar's ``()``, a bare int a vector's (Keras 2
    took ``shape=784``, Géron's tied autoencoder; Keras 3 refuses it); anything else not a sequence of known
    sizes is a one-line error."""
    if shape is None:
        return ()
    if isinstance(shape, numbers.Integral) and not isinstance(shape, bool):
        return (int(shape),)
    sizes = tuple(shape) if hasattr(shape, "__iter__") and not isinstance(shape, (str, bytes)) else None
    if sizes is None or not all(s is None or isinstance(s, numbers.Integral) for s in sizes):
        raise TypeError(f"{layer}.add_weight: shape must be a tuple of sizes, got {shape!r}")
    if any(s is None for s in sizes):
        raise ValueError(f"{layer}.add_weight: the shape must be fully known, got {sizes}")
    return sizes


def _plain(value) -> bool:
    """Whether ``value`` is a JSON value (what a config may hold as it is)."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return True
    if isinstance(value, (list, tuple)):
        return all(_plain(v) for v in value)
    return isinstance(value, dict) and all(isinstance(k, str) and _plain(v) for k, v in value.items())


@functools.cache
def _signature(cls: type) -> inspect.Signature:
    return inspect.signature(cls.__init__)


def init_arguments(cls: type, args: tuple, kwargs: dict) -> dict | None:
    """The arguments of ``cls(*args, **kwargs)`` by name, defaults filled in and ``**kwargs`` spread, for the
    automatic config; None when they do not bind, or one is not a plain JSON value."""
    signature = _signature(cls)
    try:
        bound = signature.bind(None, *args, **kwargs)
    except TypeError:
        return None
    bound.apply_defaults()
    arguments = {}
    for name, value in list(bound.arguments.items())[1:]:
        kind = signature.parameters[name].kind
        if kind is inspect.Parameter.VAR_POSITIONAL:
            if value:
                return None
        elif kind is inspect.Parameter.VAR_KEYWORD:
            arguments.update(value)
        else:
            arguments[name] = value
    return arguments if _plain(arguments) else None


def accepted(cls: type, config: dict) -> dict:
    """``config`` without the base keys that ``cls.__init__`` cannot take (see the module's docstring)."""
    parameters = _signature(cls).parameters
    if any(p.kind is inspect.Parameter.VAR_KEYWORD for p in parameters.values()):
        return config
    return {k: v for k, v in config.items() if k not in BASE_KEYS or k in parameters}


def config_value(value):
    """An activation, initializer, regularizer or constraint as a JSON-able value for get_config (an initializer
    instance as Keras 3 writes it: ``{"module": "keras.initializers", "class_name": ..., "config": ...}``)."""
    if value is None or isinstance(value, (str, int, float)):
        return value
    if isinstance(value, initializers.Initializer):
        return value.config_name or initializers.serialize(value)
    if isinstance(value, regularizers.Regularizer):
        return regularizers.serialize(value)
    if isinstance(value, constraints.Constraint):
        return constraints.serialize(value)
    name = activations.name_of(value)
    if name is not None:
        return name
    registered = get_registered_name(value)
    if registered != getattr(value, "__name__", None):  # a function of yours, registered: Keras 3's form of it
        return {"module": "builtins", "class_name": "function", "config": registered, "registered_name": "function"}
    raise ValueError(
        f"cannot save {value!r} in a config: use a name (a string) for it, or register the function with "
        "@keras.saving.register_keras_serializable()"
    )
