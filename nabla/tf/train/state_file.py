"""The ``checkpoint`` file of a folder of checkpoints: which is the latest, which are kept.

TensorFlow's text format (a ``CheckpointState`` protocol buffer), which nabla.tf writes and reads too::

    model_checkpoint_path: "ckpt-5"
    all_model_checkpoint_paths: "ckpt-4"
    all_model_checkpoint_paths: "ckpt-5"
    all_model_checkpoint_timestamps: 1796508196.15
    ...

Paths are relative to the folder when they lie in it. The file is replaced atomically; a line that is not
one of these fields makes the file unreadable (a ``ValueError`` naming it), never a guess.
"""

from __future__ import annotations

import json
import os
import re

from ...atomic import atomic_write
from .checkpoint_file import SUFFIX

STATE_FILE = "checkpoint"
_LINE = re.compile(r'(\w+): ("(?:[^"\\]|\\.)*"|[-+0-9.eE]+)')
_FIELDS = {"model_checkpoint_path", "all_model_checkpoint_paths", "all_model_checkpoint_timestamps",
           "last_preserved_timestamp"}  # fmt: skip


def _relative(directory: str, path: str) -> str:
    inside = os.path.dirname(os.path.abspath(path)) == os.path.abspath(directory)
    return os.path.basename(path) if inside else path


def write_state(directory: str, paths: list[str], timestamps: list[float], last_preserved: float) -> None:
    """Record ``paths`` (oldest first; the last is the latest) as the checkpoints of ``directory``."""
    lines = [f"model_checkpoint_path: {json.dumps(_relative(directory, paths[-1]), ensure_ascii=False)}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(_relative(directory, p), ensure_ascii=False)}" for p in paths]
    lines += [f"all_model_checkpoint_timestamps: {t!r}" for t in timestamps]
    lines.append(f"last_preserved_timestamp: {last_preserved!r}")
    atomic_write(os.path.join(directory, STATE_FILE), ("\n".join(lines) + "\n").encode())


def read_state(directory: str) -> dict | None:
    """The fields of ``directory``'s state file (paths joined to the folder), or None without one."""
    path = os.path.join(directory, STATE_FILE)
    if not os.path.isfile(path):
        return None
    fields: dict = {"model_checkpoint_path": None, "all_model_checkpoint_paths": [],
                    "all_model_checkpoint_timestamps": [], "last_preserved_timestamp": None}  # fmt: skip
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            match = _LINE.fullmatch(line.strip())
            if not match or match[1] not in _FIELDS:
                raise ValueError(f"{path}, line {number}: not a checkpoint state field: {line.strip()[:80]!r}")
            name, text = match[1], match[2]
            try:
                value = os.path.join(directory, json.loads(text)) if text.startswith('"') else float(text)
            except ValueError:
                raise ValueError(f"{path}, line {number}: cannot read the value {text[:80]!r}") from None
            wants_path = "path" in name
            if isinstance(value, str) != wants_path:
                raise ValueError(f"{path}, line {number}: {name} takes a {'path' if wants_path else 'number'}")
            if name.startswith("all_"):
                fields[name].append(value)
            else:
                fields[name] = value
    return fields


def latest_checkpoint(checkpoint_dir, latest_filename=None) -> str | None:
    """``tf.train.latest_checkpoint(dir)``: the prefix of the latest checkpoint saved in ``dir`` (by
    ``Checkpoint.save`` or a ``CheckpointManager``), or None when there is none (or its file is gone)."""
    directory = os.fspath(checkpoint_dir)
    state = read_state(directory)
    latest = state and state["model_checkpoint_path"]
    if not isinstance(latest, str) or not os.path.isfile(latest + SUFFIX):
        return None
    return latest
