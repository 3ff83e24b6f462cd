"""``tf.data``: input pipelines (``tf.data.Dataset``) as TensorFlow's tutorials build them.

``from_tensor_slices``, ``from_tensors``, ``from_generator``, ``range``, ``zip``; ``batch``, ``padded_batch``,
``unbatch``, ``shuffle``, ``map``, ``filter``, ``flat_map``, ``interleave``, ``take``, ``skip``, ``repeat``, ``shard``,
``concatenate``, ``enumerate``, ``cache``, ``prefetch``; iteration, ``as_numpy_iterator``, ``element_spec``,
``cardinality`` and ``len``; ``tf.data.AUTOTUNE`` (accepted: the pipelines run serially). nabla.keras's
``fit``, ``evaluate`` and ``predict`` take such a dataset of batches. See :mod:`nabla.tf.data.dataset`
``TextLineDataset`` reads text files (CSV files: ``tf.data.experimental``), ``TFRecordDataset`` TFRecord files,
``Dataset.list_files`` the names matching a glob. See docs/tf.md, which also lists what is not offered
(``group_by_window``...).
"""

from .._missing import missing as _missing
from . import experimental
from .dataset import Dataset, OwnedIterator
from .node import AUTOTUNE
from .node import INFINITE as INFINITE_CARDINALITY
from .node import UNKNOWN as UNKNOWN_CARDINALITY
from .readers import TextLineDataset, TFRecordDataset

DatasetV2 = Dataset
Iterator = OwnedIterator

__all__ = [
    "AUTOTUNE",
    "INFINITE_CARDINALITY",
    "UNKNOWN_CARDINALITY",
    "Dataset",
    "DatasetV2",
    "Iterator",
    "TFRecordDataset",
    "TextLineDataset",
    "experimental",
]


def __getattr__(name: str):
    raise _missing("tf.data", name)
