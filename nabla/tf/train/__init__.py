"""``tf.train``: checkpoints of variables, modules, models and optimizers.

``Checkpoint`` (``write`` / ``read``, ``save`` / ``restore``, ``save_counter``), ``CheckpointManager``,
``latest_checkpoint``, ``list_variables`` and ``load_checkpoint`` (a reader of the saved values by key); the
protocol buffers of TFRecord files of features: ``Example``, ``Features``, ``Feature``, ``BytesList``,
``FloatList``, ``Int64List``, ``SequenceExample``, ``FeatureList``, ``FeatureLists`` (:mod:`.example`).
TensorFlow's other ``tf.train`` names (the TF 1 optimizers) raise an ``AttributeError`` that says so.
"""

from __future__ import annotations

import os

from .._missing import missing as _missing
from .checkpoint import Checkpoint, CheckpointLoadStatus
from .checkpoint_file import GRAPH_KEY as _GRAPH_KEY
from .checkpoint_file import CheckpointReader
from .example import (
    BytesList,
    Example,
    Feature,
    FeatureList,
    FeatureLists,
    Features,
    FloatList,
    Int64List,
    SequenceExample,
)
from .manager import CheckpointManager
from .state_file import latest_checkpoint


def _prefix(ckpt_dir_or_file) -> str:
    """A checkpoint's prefix, or the latest checkpoint of a folder."""
    path = os.fspath(ckpt_dir_or_file)
    if os.path.isdir(path):
        latest = latest_checkpoint(path)
        if latest is None:
            raise ValueError(f"Couldn't find 'checkpoint' file or checkpoints in given directory {path}")
        return latest
    return path


def load_checkpoint(ckpt_dir_or_file) -> CheckpointReader:
    """``tf.train.load_checkpoint(path_or_folder)``: a reader of a checkpoint's values (``get_tensor(key)``,
    ``get_variable_to_shape_map()``, ``get_variable_to_dtype_map()``)."""
    return CheckpointReader(_prefix(ckpt_dir_or_file))


def list_variables(ckpt_dir_or_file) -> list[tuple[str, list]]:
    """``tf.train.list_variables(path_or_folder)``: ``(key, shape)`` of every saved value, sorted by key."""
    shapes = load_checkpoint(ckpt_dir_or_file).get_variable_to_shape_map()
    return sorted(shapes.items())


__all__ = [
    "BytesList",
    "Example",
    "Feature",
    "FeatureList",
    "FeatureLists",
    "Features",
    "FloatList",
    "Int64List",
    "SequenceExample",
    "Checkpoint",
    "CheckpointLoadStatus",
    "CheckpointManager",
    "CheckpointReader",
    "latest_checkpoint",
    "list_variables",
    "load_checkpoint",
]

# The modules implementing the names above are not TensorFlow names.
for _implementation in (
    *("checkpoint", "checkpoint_file", "example", "manager"),
    *("object_graph", "restoring", "state_file"),
):
    globals().pop(_implementation, None)
del _implementation


def __getattr__(name: str):
    raise _missing("tf.train", name)
