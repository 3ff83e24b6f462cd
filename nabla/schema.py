"""Checking what a file holds against a schema written as data, before anything is built from it.

A schema is a dict of JSON Schema keywords (a subset of draft 2020-12, so it reads as JSON Schema does):

    type                     "object", "array", "string", "integer", "number", "boolean", "null",
                             or "tensor" (below); or a list of them, any of which will do
    properties, required,    for objects (dicts with string keys); ``additionalProperties`` is a
    additionalProperties,    bool or a schema for the keys not in ``properties``; ``propertyNames``
    propertyNames            a schema for every key (and then keys need not be strings)
    items, minItems,         for arrays (lists; tuples too)
    maxItems
    minimum, maximum,        for numbers
    exclusiveMinimum,
    exclusiveMaximum
    maxLength                for strings
    enum, const, anyOf       for any value

Stricter than JSON Schema in two places, so that a value that passes can be used as it is:
"integer" is a Python ``int`` (not ``1.0``) and "number" is finite (not NaN or inf); neither
accepts ``True``/``False``. One addition: "tensor" is a nabla Tensor or a NumPy array, with
``dtypeKinds`` (NumPy kind letters it may have, e.g. ``"f"`` or ``"biuf"``) and ``ndim``.

:func:`validate` raises :class:`SchemaError` (a ``ValueError``) at the first wrong value,
naming its place (``config.layers[2].config.units``), what was expected and what was found.

Example::

    >>> validate({"units": -3}, {"type": "object", "properties": {"units": {"type": "integer", "minimum": 1}}})
    Traceback (most recent call last):
    SchemaError: units: expected an integer >= 1, got -3
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np

from .engine.tensor import Tensor

__all__ = ["SchemaError", "validate"]


class SchemaError(ValueError):
    """A value does not match its schema; ``where`` is the path to it, ``str()`` says what is wrong."""

    def __init__(self, where: str, message: str):
        super().__init__(f"{where or '<root>'}: {message}")
        self.where = where


def _is_tensor(value) -> bool:
    return isinstance(value, (Tensor, np.ndarray))


def _shown(value) -> str:
    """A short description of a found value (a file can hold a 100 MB string)."""
    if _is_tensor(value):
        return f"a {type(value).__name__} of shape {tuple(value.shape)} ({value.dtype})"
    if isinstance(value, Mapping):
        return f"an object with keys {_clip(repr(sorted(map(str, value))), 80)}"
    text = " ".join(repr(value).split())  # one line, whatever the value's repr (arrays inside lists have newlines)
    return _clip(text, 60) if not isinstance(value, (list, tuple)) else f"{_clip(text, 60)} (length {len(value)})"


def _clip(text: str, n: int) -> str:
    return text if len(text) <= n else text[: n - 3] + "..."


def _type_ok(value, kind: str, schema: Mapping) -> bool:
    if kind == "object":
        return isinstance(value, Mapping)
    if kind == "array":
        return isinstance(value, (list, tuple))
    if kind == "string":
        return isinstance(value, str)
    if kind == "boolean":
        return isinstance(value, (bool, np.bool_))
    if kind == "null":
        return value is None
    if kind == "integer":
        return isinstance(value, (int, np.integer)) and not isinstance(value, bool)
    if kind == "number":
        return (
            isinstance(value, (int, float, np.integer, np.floating))
            and not isinstance(value, bool)
            and (math.isfinite(value))
        )
    if kind == "tensor":
        return _is_tensor(value)
    raise ValueError(f"schema: unknown type {kind!r}")


def describe(schema: Mapping) -> str:
    """What a schema accepts, in words (for error messages)."""
    if "const" in schema:
        return repr(schema["const"])
    if "enum" in schema:
        options = ", ".join(repr(v) for v in schema["enum"][:12])
        return f"one of {options}" + (", ..." if len(schema["enum"]) > 12 else "")
    if "anyOf" in schema:
        return " or ".join(describe(s) for s in schema["anyOf"])
    kinds = schema.get("type")
    if kinds is None:
        return "any value"
    if isinstance(kinds, list):
        return " or ".join(describe({**schema, "type": k}) for k in kinds)
    words = {
        "object": "an object",
        "array": "a list",
        "string": "a string",
        "integer": "an integer",
        "number": "a finite number",
        "boolean": "true or false",
        "null": "null",
        "tensor": "a tensor",
    }
    text = words[kinds]
    bounds = [
        (k, op)
        for k, op in (("minimum", ">="), ("exclusiveMinimum", ">"), ("maximum", "<="), ("exclusiveMaximum", "<"))
        if k in schema
    ]
    text += "".join(f" {op} {schema[k]}" for k, op in bounds[:1]) + "".join(
        f" and {op} {schema[k]}" for k, op in bounds[1:]
    )
    if kinds == "array":
        lo, hi = schema.get("minItems"), schema.get("maxItems")
        if lo is not None and lo == hi:
            text = f"a list of {lo}"
        elif lo is not None or hi is not None:
            text += f" of {lo or 0} to {hi if hi is not None else 'any number of'}"
        if "items" in schema:
            text += f", each {describe(schema['items'])}"
    if kinds == "tensor" and "dtypeKinds" in schema:
        text += f" of dtype kind {schema['dtypeKinds']!r}"
    return text


def validate(value, schema: Mapping, where: str = "") -> None:
    """Check ``value`` against ``schema``; raise :class:`SchemaError` at the first value that does not fit.

    Args:
        value: what was read (dicts, lists, strings, numbers, None, Tensors).
        schema: the schema, as described in this module's docstring.
        where: the path of ``value`` itself, prefixed to every path in messages.
    """
    if "anyOf" in schema:
        errors = []
        for option in schema["anyOf"]:
            try:
                validate(value, option, where)
                break
            except SchemaError as e:
                errors.append(e)
        else:
            # NOTE: an option that failed inside the value (deeper than here) is the one the value meant to be.
            deepest = max(errors, key=lambda e: len(e.where))
            if len(deepest.where) > len(where):
                raise deepest
            raise SchemaError(where, f"expected {describe(schema)}, got {_shown(value)}")
    if "const" in schema and not _equal(value, schema["const"]):
        raise SchemaError(where, f"expected {schema['const']!r}, got {_shown(value)}")
    if "enum" in schema and not any(_equal(value, v) for v in schema["enum"]):
        raise SchemaError(where, f"expected {describe({'enum': schema['enum']})}, got {_shown(value)}")
    kinds = schema.get("type")
    if kinds is None:
        return
    kinds = [kinds] if isinstance(kinds, str) else kinds
    kind = next((k for k in kinds if _type_ok(value, k, schema)), None)
    if kind is None:
        raise SchemaError(where, f"expected {describe(schema)}, got {_shown(value)}")
    if kind in ("integer", "number"):
        _check_bounds(value, schema, where)
    elif kind == "string" and len(value) > schema.get("maxLength", math.inf):
        raise SchemaError(where, f"expected a string of at most {schema['maxLength']} characters, got {len(value):,}")
    elif kind == "array":
        _check_array(value, schema, where)
    elif kind == "object":
        _check_object(value, schema, where)
    elif kind == "tensor":
        _check_tensor(value, schema, where)


_SCALARS = (str, int, float, type(None), np.generic)


def _equal(a, b) -> bool:
    """JSON equality: ``True`` is not ``1``, lists compare by items, anything else (arrays, objects) by identity."""
    if isinstance(a, (bool, np.bool_)) or isinstance(b, (bool, np.bool_)):
        return isinstance(a, (bool, np.bool_)) and isinstance(b, (bool, np.bool_)) and bool(a) == bool(b)
    if isinstance(a, _SCALARS) and isinstance(b, _SCALARS):
        return a == b
    if isinstance(a, (list, tuple)) and isinstance(b, (list, tuple)):
        return len(a) == len(b) and all(_equal(x, y) for x, y in zip(a, b))
    return a is b


def _check_bounds(value, schema: Mapping, where: str) -> None:
    bad = (
        ("minimum" in schema and value < schema["minimum"])
        or ("maximum" in schema and value > schema["maximum"])
        or ("exclusiveMinimum" in schema and value <= schema["exclusiveMinimum"])
        or ("exclusiveMaximum" in schema and value >= schema["exclusiveMaximum"])
    )
    if bad:
        kind = "number" if isinstance(value, (float, np.floating)) else "integer"
        raise SchemaError(where, f"expected {describe({**schema, 'type': kind})}, got {_shown(value)}")


def _check_array(value, schema: Mapping, where: str) -> None:
    lo, hi = schema.get("minItems", 0), schema.get("maxItems", math.inf)
    if not lo <= len(value) <= hi:
        raise SchemaError(where, f"expected {describe({**schema, 'type': 'array'})}, got {_shown(value)}")
    if "items" in schema:
        for i, item in enumerate(value):
            validate(item, schema["items"], f"{where}[{i}]")


def _check_object(value: Mapping, schema: Mapping, where: str) -> None:
    prefix = f"{where}." if where else ""
    names = schema.get("propertyNames")
    for key in value:
        if names is not None:
            validate(key, names, f"{where}[key {_clip(repr(key), 40)}]")
        elif not isinstance(key, str):
            raise SchemaError(where, f"expected an object with string keys, got the key {_shown(key)}")
    properties = schema.get("properties", {})
    for key in schema.get("required", ()):
        if key not in value:
            expected = describe(properties[key]) if key in properties else "a value"
            raise SchemaError(f"{prefix}{key}", f"missing (expected {expected})")
    extra = schema.get("additionalProperties", True)
    for key, item in value.items():
        at = prefix + _clip(key, 60) if isinstance(key, str) else f"{where}[{_clip(repr(key), 40)}]"
        if key in properties:
            validate(item, properties[key], at)
        elif extra is False:
            known = ", ".join(sorted(properties))
            raise SchemaError(at, f"unexpected field (the known ones are {known})")
        elif isinstance(extra, Mapping):
            validate(item, extra, at)


def _check_tensor(value, schema: Mapping, where: str) -> None:
    kinds = schema.get("dtypeKinds")
    if kinds is not None and value.dtype.kind not in kinds:
        raise SchemaError(where, f"expected {describe({**schema, 'type': 'tensor'})}, got {_shown(value)}")
    if "ndim" in schema and value.ndim != schema["ndim"]:
        raise SchemaError(where, f"expected a tensor with {schema['ndim']} dimensions, got {_shown(value)}")
