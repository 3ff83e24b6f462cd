"""Custom objects by name: ``register_keras_serializable``, ``custom_object_scope``, ``get_custom_objects``.

Keras 3's registry (``keras.saving`` and ``keras.utils`` offer these names): a class or function of yours
registered here is found by name when a saved model, a JSON architecture (``model_from_json``) or a
serialized config is read back, without ``custom_objects=``. Three places, looked in this order:

1. the objects of the innermost ``with keras.saving.custom_object_scope({...}):``;
2. the global dictionary, ``get_custom_objects()`` (``register_keras_serializable`` puts classes there
   under ``"package>name"``; you may add ``get_custom_objects()["MyLayer"] = MyLayer`` yourself);
3. the ``custom_objects=`` argument of the call.

nabla's model files name a layer by its class name (``"MyLayer"``, not Keras's ``"Custom>MyLayer"``), so
:func:`classes_by_name` also answers each registered class under its plain class name (when no other
registered class has that name).
"""

from __future__ import annotations

import inspect

GLOBAL_CUSTOM_OBJECTS: dict[str, object] = {}
_REGISTERED_NAMES: dict[object, str] = {}  # object -> "package>name"
_scopes: list[dict] = []  # the dictionaries of the custom_object_scope blocks being run, innermost last


class CustomObjectScope:
    """``with custom_object_scope({"MyLayer": MyLayer}):`` loads and deserializations inside find them by name.

    Args:
        custom_objects: a dictionary of names to classes or functions (None for an empty one).
    """

    def __init__(self, custom_objects: dict | None):
        if custom_objects is not None and not isinstance(custom_objects, dict):
            raise TypeError(f"custom_object_scope takes a dict of names to objects, got {custom_objects!r}")
        self.custom_objects = dict(custom_objects or {})

    def __enter__(self) -> CustomObjectScope:
        _scopes.append(self.custom_objects)
        return self

    def __exit__(self, *exc) -> None:
        _scopes.remove(self.custom_objects)


custom_object_scope = CustomObjectScope


def get_custom_objects() -> dict:
    """The global dictionary of registered objects (the objects of a scope are not in it), to read or change."""
    return GLOBAL_CUSTOM_OBJECTS


def register_keras_serializable(package: str = "Custom", name: str | None = None):
    """A decorator registering a class (which must have ``get_config``) or a function under ``"package>name"``.

    ``name`` defaults to the object's ``__name__``. Registering again under the same name replaces the
    entry, as in Keras (re-running a notebook cell).

    Example:
        >>> @keras.saving.register_keras_serializable(package="my_package")
        ... class MyDense(keras.layers.Dense):
        ...     pass
        >>> keras.saving.get_registered_name(MyDense)
        'my_package>MyDense'
    """
    if not isinstance(package, str) or (name is not None and not isinstance(name, str)):
        raise TypeError(f"register_keras_serializable: package and name are strings, got {package!r}, {name!r}")

    def register(obj):
        if inspect.isclass(obj) and not hasattr(obj, "get_config"):
            raise ValueError("Cannot register a class that does not have a get_config() method.")
        if not callable(obj):
            raise TypeError(f"register_keras_serializable: expected a class or a function, got {obj!r}")
        registered = f"{package}>{name if name is not None else obj.__name__}"
        GLOBAL_CUSTOM_OBJECTS[registered] = obj
        _REGISTERED_NAMES[obj] = registered
        return obj

    return register


def get_registered_name(obj) -> str:
    """``"package>name"`` of a registered class or function, else its ``__name__`` (an instance: its class's)."""
    if not (inspect.isclass(obj) or inspect.isfunction(obj) or inspect.isbuiltin(obj)):
        obj = type(obj)
    return _REGISTERED_NAMES.get(obj, obj.__name__)


def get_registered_object(name: str, custom_objects: dict | None = None, module_objects: dict | None = None):
    """The object registered as ``name``: in the active scopes, the global dictionary, ``custom_objects``,
    then ``module_objects``; None if none has it."""
    for place in (*reversed(_scopes), GLOBAL_CUSTOM_OBJECTS, custom_objects or {}, module_objects or {}):
        if name in place:
            return place[name]
    return None


def classes_by_name(custom_objects: dict | None = None) -> dict[str, type]:
    """Every class ``load_model`` may build by name: registered ones (under their registered and their class
    names), the scopes' and ``custom_objects``, later places taking precedence; a name given as a key wins
    over a class's own name (a registered ``"package>Scaled"`` does not shadow ``custom_objects={"Scaled": ...}``,
    even when the result is passed here again).

    Two different classes sharing a class name (``"pkg_a>Scaled"``, ``"pkg_b>Scaled"``) answer to neither
    under the plain name: a model file that names ``"Scaled"`` then asks for ``custom_objects`` instead of
    loading whichever was registered last."""
    by_class_name: dict[str, type] = {}
    ambiguous: set[str] = set()
    by_key: dict[str, type] = {}
    for place in (GLOBAL_CUSTOM_OBJECTS, *_scopes, custom_objects or {}):
        for key, obj in place.items():
            if inspect.isclass(obj):
                if by_class_name.get(obj.__name__, obj) is not obj:
                    ambiguous.add(obj.__name__)
                by_class_name[obj.__name__] = obj
                by_key[key] = obj
    return {**{k: v for k, v in by_class_name.items() if k not in ambiguous}, **by_key}
