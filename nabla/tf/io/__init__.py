"""``tf.io``: reading and writing the data of input pipelines.

- CSV records: ``decode_csv`` (:mod:`.csv_ops`).
- TFRecord files: ``TFRecordWriter``, ``TFRecordOptions`` (:mod:`.tfrecord`; read them with
  ``tf.data.TFRecordDataset``).
- tensors as bytes: ``serialize_tensor``, ``parse_tensor`` (:mod:`.tensor_proto`).
- ``tf.train.Example``\\ s as tensors: ``parse_single_example``, ``parse_example``, ``FixedLenFeature``,
  ``VarLenFeature``, ``RaggedFeature`` (:mod:`.parsing`).
- ``tf.train.SequenceExample``\\ s as tensors: ``parse_single_sequence_example``, ``parse_sequence_example``,
  ``FixedLenSequenceFeature`` (:mod:`.sequence_parsing`).

Other ``tf.io`` names raise an ``AttributeError`` that says so.
"""

from .._missing import missing as _missing
from ..data.readers import matching_files as _matching_files
from .csv_ops import decode_csv
from .parsing import FixedLenFeature, RaggedFeature, VarLenFeature, parse_example, parse_single_example
from .sequence_parsing import FixedLenSequenceFeature, parse_sequence_example, parse_single_sequence_example
from .tensor_proto import parse_tensor, serialize_tensor
from .tfrecord import TFRecordOptions, TFRecordWriter


def matching_files(pattern, name=None):
    """``tf.io.matching_files(pattern)``: the names matching a glob (or a list of them), sorted, as a
    ``tf.string`` vector; none raises ``InvalidArgumentError``."""
    from ..string_tensor import StringTensor

    return StringTensor(_matching_files(pattern))


__all__ = [
    "FixedLenFeature",
    "FixedLenSequenceFeature",
    "RaggedFeature",
    "TFRecordOptions",
    "TFRecordWriter",
    "VarLenFeature",
    "decode_csv",
    "matching_files",
    "parse_example",
    "parse_sequence_example",
    "parse_single_example",
    "parse_single_sequence_example",
    "parse_tensor",
    "serialize_tensor",
]

for _implementation in ("csv_ops", "parsing", "sequence_parsing", "tensor_proto", "tfrecord", "wire"):
    globals().pop(_implementation, None)
del _implementation


def __getattr__(name: str):
    raise _missing("tf.io", name)
