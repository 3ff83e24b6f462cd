"""The one error a model file that ``load_model`` refuses raises, and the helpers that raise it."""

from __future__ import annotations

from ...schema import SchemaError, validate


class ModelFileError(ValueError):
    """A model file that ``load_model`` refuses; the message names the file and the field."""


def fail(path, where: str, what: str):
    raise ModelFileError(f"load_model: {path}: {where}: {what}")


def validate_at(value, schema: dict, where: str, path) -> None:
    """``value`` against ``schema``; a mismatch fails naming the file and the field (``where`` and below)."""
    try:
        validate(value, schema, where)
    except SchemaError as e:
        fail(path, e.where, str(e).split(": ", 1)[1])
