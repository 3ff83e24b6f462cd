"""``tf.io``: reading and writing the data of input pipelines.

- CSV records: ``decode_csv`` (:mod:`.csv_ops`).
- TFRecord files: ``TFRecordWriter``, ``TFRecordOptions`` (:mod:`.tfrecord`; read them with
  ``tf.data.TFRecordDataset``).
- tensors as bytes: ``serialize_tensor``, ``parse_tensor`` (:mod:`.tensor_proto`).
- ``tf.train.Example``\\ s as tensors: ``parse_single_example``, ``parse_example``, ``FixedLenFeature``,
  ``VarLenFeature``, ``RaggedFeature`` (:mod:`.parsing`).
- files and images: ``read_file``, ``write_file`` (:mod:`.files`), ``gfile`` (local files); ``decode_jpeg``,
  ``decode_png``, ``decode_bmp``, ``decode_gif``, ``decode_image``, ``encode_png``, ``encode_jpeg``
  (:mod:`.image_codecs`).
- ``tf.train.SequenceExample``\\ s as tensors: ``parse_single_sequence_example``, ``parse_sequence_example``,
  ``FixedLenSequenceFeature`` (:mod:`.sequence_parsing`).

Other ``tf.io`` names raise an ``AttributeError`` that says so.
"""

from .._missing import missing as _missing
from ..data.readers import matching_files as _matching_files
from . import gfile
from .csv_ops import decode_csv
from .files import read_file, write_file
from .image_codecs import decode_bmp, decode_gif, decode_image, decode_jpeg, decode_png, encode_jpeg, encode_png
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
    "decode_bmp",
    "decode_csv",
    "decode_gif",
    "decode_image",
    "decode_jpeg",
    "decode_png",
    "encode_jpeg",
    "encode_png",
    "gfile",
    "matching_files",
    "parse_example",
    "parse_sequence_example",
    "parse_single_example",
    "parse_single_sequence_example",
    "parse_tensor",
    "read_file",
    "serialize_tensor",
    "write_file",
]

_IMPLEMENTATIONS = ("csv_ops", "files", "image_codecs", "parsing", "sequence_parsing", "tensor_proto", "tfrecord")
for _implementation in (*_IMPLEMENTATIONS, "wire"):
    globals().pop(_implementation, None)
del _implementation, _IMPLEMENTATIONS


def __getattr__(name: str):
    raise _missing("tf.io", name)
