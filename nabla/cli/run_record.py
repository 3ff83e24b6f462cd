"""``metrics.json``, the record ``nabla train`` writes beside the model, and its careful reading.

``nabla evaluate`` and ``nabla predict`` read the record beside the model they are given to
learn the dataset, the seed of its split and the names of its input features. The file may
have been edited or damaged, so every field is checked before use: a bad one is one line
naming the file and the field, never a traceback and never a silently different answer.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from .. import datasets
from .errors import UsageError

METRICS_FILE = "metrics.json"
_LARGEST = 1 << 20  # bytes: a record is a few kB; anything this big is not one


def record_path(model_path: str | Path) -> Path:
    return Path(model_path).with_name(METRICS_FILE)


def read_record(model_path: str | Path) -> dict[str, Any]:
    """The record beside ``model_path`` as a dict ({} when there is none), checked field by field.

    Checked: the JSON itself (UTF-8, an object); ``dataset`` (a known name or alias, returned
    canonical); ``seed`` (an integer >= 0); ``model.features`` and ``model.file_columns`` (lists
    of names, returned as ``features`` and ``file_columns``).
    """
    path = record_path(model_path)
    if not path.is_file():
        return {}
    where = f"{path} (written by nabla train beside the model)"
    try:
        if path.stat().st_size > _LARGEST:
            raise UsageError(f"{where} is over {_LARGEST:,} bytes: not a run record; remove it or give --dataset")
        record = json.loads(path.read_bytes().decode("utf-8"))
    except UnicodeDecodeError:
        raise UsageError(f"{where} is not UTF-8 text: restore it, or remove it and give --dataset") from None
    except (ValueError, RecursionError) as e:
        raise UsageError(
            f"{where} is not valid JSON ({_short(e)}): restore it, or remove it and give --dataset"
        ) from None
    except OSError as e:
        raise UsageError(f"cannot read {where}: {e.strerror or e}") from None
    if not isinstance(record, dict):
        raise UsageError(f"{where} holds a JSON {type(record).__name__}, not an object: restore it, or remove it")
    checked = dict(record)
    if "dataset" in record:
        checked["dataset"] = _dataset(record["dataset"], where)
    if "seed" in record:
        checked["seed"] = _seed(record["seed"], where)
    model = record.get("model")
    if model is not None and not isinstance(model, dict):
        raise UsageError(f"{where}: 'model' must be an object, got {json.dumps(model)[:60]}")
    for key in ("features", "file_columns"):
        names = _names((model or {}).get(key), f"model.{key}", where)
        if names is not None:
            checked[key] = names
    return checked


def _short(error: Exception) -> str:
    text = " ".join(str(error).split()) or type(error).__name__
    return text[:120]


def _dataset(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise UsageError(f"{where}: 'dataset' must be a dataset name, got {json.dumps(value)[:60]}")
    try:
        return datasets.lookup(value).name
    except ValueError:
        known = ", ".join(datasets.CATALOG)
        raise UsageError(f"{where}: unknown dataset {value[:60]!r}; known datasets: {known}") from None


def _seed(value: Any, where: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise UsageError(f"{where}: 'seed' must be an integer >= 0, got {json.dumps(value)[:60]}")
    return value


def _names(value: Any, field: str, where: str) -> list[str] | None:
    """A list of column names; None when absent or a summary such as "784 pixels" (names not recorded)."""
    if value is None or isinstance(value, str):
        return None
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise UsageError(f"{where}: '{field}' must be a list of column names")
    return value
