"""``serialize_keras_object`` / ``deserialize_keras_object``: any Keras object as a JSON-able dict, and back.

Keras 3's format: an object with a config is ``{"module": "keras.layers", "class_name": "Dense",
"config": {...}, "registered_name": None}``, the objects in its config serialized in turn; one of a class of
yours has its module (None in ``__main__``) and its registered name (``"package>Name"``, else its class name);
a function is ``{"module": "builtins", "class_name": "function", "config": "relu", "registered_name":
"function"}``; lists, tuples, dicts and plain values are kept, NumPy arrays and tensors
are ``{"class_name": "__numpy__" | "__tensor__", "config": {"value": [...], "dtype": "float32"}}``.
As Keras 3, a built layer or model has its ``get_build_config()`` beside its config (``"build_config":
{"input_shape": (None, 3)}``) and a model its ``get_compile_config()`` (``"compile_config"``, ``{}`` until
compiled); deserializing calls ``build_from_config`` on the new object (when not built yet) and
``compile_from_config`` (when the compile config is not empty), so a built Dense comes back built with new
weights, a compiled model compiled.

What deserializing may build, and nothing else (never code from the config: no lambdas, no pickle):
the registered objects and scopes of :mod:`.object_registration`, ``custom_objects`` and
``module_objects``, and the classes of nabla's own Keras modules (:data:`MODULES`), found by name.
"""

from __future__ import annotations

import importlib
import inspect

import numpy as np

from .._engine import Tensor
from .object_registration import get_registered_name, get_registered_object

#: The Keras modules whose classes a config may name, as Keras names them (``"module"``).
MODULES = (
    "keras.layers", "keras.initializers", "keras.regularizers", "keras.constraints", "keras.losses",
    "keras.metrics", "keras.optimizers", "keras.optimizers.schedules", "keras.models", "keras.callbacks",
    "keras.random",
)  # fmt: skip


def _keras_module(cls: type) -> str:
    """``"keras.layers"`` for a class of ``nabla.keras.layers.core``; the module of a class of yours."""
    module = cls.__module__
    if module.startswith("nabla.keras."):
        return max((m for m in MODULES if module[len("nabla."):].startswith(m)), key=len, default=module)
    return module


def serialize_keras_object(obj):
    """``obj`` as Keras 3 serializes it (see the module's documentation); a one-line TypeError otherwise."""
    if obj is None or isinstance(obj, (bool, int, float, str)):
        return obj
    if isinstance(obj, (list, tuple)):
        items = [serialize_keras_object(x) for x in obj]
        return tuple(items) if isinstance(obj, tuple) else items
    if isinstance(obj, dict):
        return {key: serialize_keras_object(value) for key, value in obj.items()}
    if isinstance(obj, (np.ndarray, np.generic, Tensor)):
        array = obj.numpy() if isinstance(obj, Tensor) else np.asarray(obj)
        kind = "__tensor__" if isinstance(obj, Tensor) else "__numpy__"
        return {"class_name": kind, "config": {"value": array.tolist(), "dtype": str(array.dtype)}}
    if inspect.isfunction(obj) or inspect.isbuiltin(obj):
        registered = get_registered_name(obj)
        return {"module": "builtins", "class_name": "function", "config": obj.__name__,
                "registered_name": registered if registered != obj.__name__ else "function"}  # fmt: skip
    if hasattr(obj, "get_config") and not inspect.isclass(obj):
        # As Keras 3: the objects in the config serialized in turn (a layer's regularizer, a nested layer); a
        # class of yours has its registered name ("package>Name", else its class name), and no module in __main__.
        ours = type(obj).__module__.startswith("nabla.")
        module = _keras_module(type(obj))
        serialized = {"module": None if module == "__main__" else module, "class_name": type(obj).__name__,
                      "config": serialize_keras_object(obj.get_config()),
                      "registered_name": None if ours else get_registered_name(obj)}  # fmt: skip
        _add_build_and_compile_configs(obj, serialized)
        return serialized
    raise TypeError(f"serialize_keras_object: cannot serialize {obj!r} of type {type(obj).__name__} (it has no "
                    "get_config)")  # fmt: skip


def _add_build_and_compile_configs(obj, serialized: dict) -> None:
    """Keras 3's ``build_config`` (a built layer's, a model's) and ``compile_config`` (a model's: ``{}`` until
    it is compiled), written when the object reports one (not None)."""
    build = obj.get_build_config() if hasattr(obj, "get_build_config") else None
    if build is not None:
        serialized["build_config"] = serialize_keras_object(build)
    compiled = obj.get_compile_config() if hasattr(obj, "get_compile_config") else None
    if compiled is not None:
        serialized["compile_config"] = serialize_keras_object(compiled)


def deserialize_keras_object(config, custom_objects: dict | None = None, safe_mode: bool = True, **kwargs):
    """The object a :func:`serialize_keras_object` result (or a Keras 2 ``{"class_name", "config"}``) describes.

    ``custom_objects`` (and ``module_objects=``, Keras's keyword) map names to your classes and functions.
    ``safe_mode`` is accepted for Keras's signature: nabla never rebuilds code from a config in any mode.
    """
    module_objects = kwargs.pop("module_objects", None)
    if kwargs:
        raise TypeError(f"deserialize_keras_object: unexpected arguments {sorted(kwargs)}")
    if config is None or isinstance(config, (bool, int, float, str)):
        return config
    if isinstance(config, (list, tuple)):
        items = [deserialize_keras_object(x, custom_objects, safe_mode, module_objects=module_objects) for x in config]
        return tuple(items) if isinstance(config, tuple) else items
    if not isinstance(config, dict):
        raise TypeError(f"deserialize_keras_object: expected a dict, a list or a plain value, got {config!r}")
    if "class_name" not in config:
        return {k: deserialize_keras_object(v, custom_objects, safe_mode, module_objects=module_objects)
                for k, v in config.items()}  # fmt: skip
    class_name, inner = config["class_name"], config.get("config")
    if class_name in ("__numpy__", "__tensor__"):
        array = np.asarray(inner["value"], dtype=inner["dtype"])
        return Tensor._make(array) if class_name == "__tensor__" else array
    registered = config.get("registered_name")
    if class_name == "function":
        name = inner if registered in (None, "function") else registered
        return _function(name, inner, custom_objects, module_objects)
    found = _lookup(registered, custom_objects, module_objects) if registered else None
    found = found or _lookup(class_name, custom_objects, module_objects)
    found = found or _from_modules(class_name, config.get("module"))
    if not inspect.isclass(found):
        raise TypeError(
            f"deserialize_keras_object: could not locate class {class_name!r}; if it is yours, pass "
            f"custom_objects={{{class_name!r}: {class_name}}} or register it with "
            "@keras.saving.register_keras_serializable()"
        )
    # NOTE: Keras's base from_config is cls(**config); nabla's losses and metrics rely on that default.
    made = found.from_config(inner or {}) if hasattr(found, "from_config") else found(**(inner or {}))
    _apply_build_and_compile_configs(made, config)
    return made


def _apply_build_and_compile_configs(made, config: dict) -> None:
    """As Keras 3 after ``from_config``: ``build_from_config(build_config)`` on an object not built yet (then
    marked built), and ``compile_from_config(compile_config)`` when that is not empty."""
    build, compiled = config.get("build_config"), config.get("compile_config")
    for key, value in (("build_config", build), ("compile_config", compiled)):
        if value and not isinstance(value, dict):
            raise TypeError(f"deserialize_keras_object: {key} must be a dict, got {value!r}")
    if build and hasattr(made, "build_from_config") and not getattr(made, "built", False):
        made.build_from_config(build)
        made.built = True
    if compiled and hasattr(made, "compile_from_config"):
        made.compile_from_config(compiled)


def _lookup(name: str, custom_objects, module_objects):
    return get_registered_object(name, custom_objects, module_objects)


def _from_modules(class_name: str, module: str | None):
    """The class of one of nabla's Keras modules (``module``, else each of :data:`MODULES`) named ``class_name``."""
    for candidate in [module] if module in MODULES else MODULES:
        found = getattr(importlib.import_module(f"nabla.{candidate}"), class_name, None)
        if inspect.isclass(found):
            return found
    return None


def _function(name: str, plain: str, custom_objects, module_objects):
    found = _lookup(name, custom_objects, module_objects) or _lookup(plain, custom_objects, module_objects)
    if found is not None:
        return found
    activations = importlib.import_module("nabla.keras.activations")
    try:
        return activations.get(plain)
    except (ValueError, TypeError):
        raise TypeError(
            f"deserialize_keras_object: could not locate function {plain!r}; pass custom_objects={{{plain!r}: "
            f"{plain}}} or register it with @keras.saving.register_keras_serializable()"
        ) from None
