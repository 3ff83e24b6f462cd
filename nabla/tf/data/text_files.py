"""Datasets read from text files: ``tf.data.TextLineDataset`` and ``tf.data.experimental.CsvDataset``.

Both read the files named by an upstream stage (a dataset of file names: TensorFlow's readers take a name, a
list of names, or a ``tf.string`` dataset of them), one file after another, or ``cycle_length`` files at a time
taking one record from each in turn (what ``make_csv_dataset``'s ``num_parallel_reads`` asks for). Files are read
with Python's ``open`` and ``csv`` modules as the pipeline is iterated, so a pass rereads them.

- ``TextLineDataset``: one scalar ``tf.string`` per line, without its ``\\n`` (or ``\\r\\n``).
- ``CsvDataset``: one tuple of scalars per record, a column per entry of ``record_defaults``: a dtype
  (``tf.int32``, ``tf.int64``, ``tf.float32``, ``tf.float64``, ``tf.string``) makes the column required, a value
  (``0``, ``0.0``, ``""``, ``[0]``, a tensor) is its default and gives its dtype (Python ints int32, floats
  float32, as TensorFlow converts them). An empty field or ``na_value`` takes the default. As in TensorFlow a
  blank line is a record of one empty field, and a bad record (a wrong number of fields, a missing required
  field, a field that does not parse) raises ``InvalidArgumentError`` with TensorFlow's message when it is read.

``compression_type`` is TensorFlow's: ``""`` (or None) reads plain files, ``"GZIP"`` gzip files (the HIGGS
``.csv.gz`` of the "Overfit and underfit" tutorial) and ``"ZLIB"`` zlib streams, inflated as they are read
(:mod:`.compressed`: a stream without its end reads as far as it goes, bytes that do not inflate raise
``DataLossError``); another value is refused with TensorFlow's ``InvalidArgumentError`` ("Unsupported
compression_type"), here when the dataset is made.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator, Sequence

import numpy as np

from ..dtypes import as_dtype
from ..errors import InvalidArgumentError, NotFoundError
from ..string_tensor import text_data
from .compressed import WBITS, open_compressed
from .node import UNKNOWN, Node
from .sources import TensorSlices
from .structure import Spec

_INTEGERS = {np.dtype(np.int32): np.iinfo(np.int32), np.dtype(np.int64): np.iinfo(np.int64)}
_CSV_DTYPES = (np.dtype(np.float32), np.dtype(np.float64), *_INTEGERS, np.dtype(object))


def file_names(filenames) -> Node:
    """A stage of file names from what TensorFlow's readers take: a name (a ``str`` or a string scalar tensor), a
    list of names, a string tensor of them, or a dataset of names (a ``tf.data.Dataset``)."""
    node = getattr(filenames, "_node", None)
    if node is not None:
        return node
    names = text_data([filenames] if isinstance(filenames, (str, bytes)) else filenames)
    if names is not None and names.ndim == 0:  # a string scalar tensor (interleave's function gets one): one file
        names = names.reshape(1)
    if names is None or names.ndim != 1:
        raise TypeError(f"`filenames` must be a file name or a list of them, got {filenames!r}")
    return TensorSlices(names)


COMPRESSIONS = ("", "GZIP", "ZLIB")


def compression(compression_type) -> str:
    """``compression_type`` checked: ``""`` (for None too), ``"GZIP"`` or ``"ZLIB"``, spelt as TensorFlow spells
    them (it refuses ``"gzip"``)."""
    value = "" if compression_type is None else compression_type
    if value not in COMPRESSIONS:
        raise InvalidArgumentError(f"Unsupported compression_type: {compression_type!r}; use one of {COMPRESSIONS}")
    return value


def open_file(path: str, mode: str, compression_type: str = "", **kwargs):
    """``open(path, mode, **kwargs)`` through the decompression that ``compression_type`` names (see
    :func:`compression`); a missing file raises TensorFlow's ``NotFoundError``."""
    try:
        if compression_type in WBITS:  # (inflated as read: see :mod:`.compressed`)
            data = open_compressed(path, compression_type)
            return data if "b" in mode else io.TextIOWrapper(data, **kwargs)
        return open(path, mode, **kwargs)
    except FileNotFoundError:
        raise NotFoundError(f"{path}; No such file or directory") from None  # (TensorFlow's error and message)


class FileRecords(Node):
    """The records of the files an upstream stage names, ``cycle_length`` files at a time (one record from each in
    turn), decompressed as ``compression_type`` says. A subclass says what a file's records are (:meth:`records`)
    and what they look like (:meth:`_spec`)."""

    def __init__(self, files: Node, cycle_length: int = 1, compression_type=None):
        self.files, self.cycle_length = files, max(1, int(cycle_length))
        self.compression = compression(compression_type)

    def records(self, path: str) -> Iterator[tuple]:
        raise NotImplementedError

    def elements(self) -> Iterator[tuple]:
        # NOTE: TensorFlow's order: ``cycle_length`` slots visited in turn, one record each; a slot whose file ends
        # yields nothing this turn and takes the next file, read from its next turn (not appended at the end).
        names = (leaf.item().decode("utf-8") for (leaf,) in self.files.elements())
        slots: list[Iterator | None] = []
        while len(slots) < self.cycle_length and (name := next(names, None)) is not None:
            slots.append(self.records(name))
        while any(slot is not None for slot in slots):
            for i, records in enumerate(slots):
                if records is None:
                    continue
                record = next(records, None)
                if record is None:
                    name = next(names, None)
                    slots[i] = None if name is None else self.records(name)
                else:
                    yield record

    def cardinality(self) -> int:
        return UNKNOWN


class TextLines(FileRecords):
    """``tf.data.TextLineDataset``: see the module's documentation."""

    name = "TextLineDatasetV2"

    def records(self, path: str) -> Iterator[tuple]:
        with open_file(path, "rb", self.compression) as f:
            for line in f:
                line = line[:-1] if line.endswith(b"\n") else line
                yield (np.array(line[:-1] if line.endswith(b"\r") else line, dtype=object),)

    def _spec(self) -> Spec:
        return Spec(None, [()], [np.dtype(object)])


def dialect(field_delim: str, use_quote_delim: bool) -> dict:
    """The ``csv`` module's reader options for TensorFlow's ``field_delim`` and ``use_quote_delim``."""
    return {"delimiter": field_delim, "quoting": csv.QUOTE_MINIMAL if use_quote_delim else csv.QUOTE_NONE}


class CsvRecords(FileRecords):
    """``tf.data.experimental.CsvDataset``: see the module's documentation. ``ignore_errors`` drops a bad record
    instead of raising (``make_csv_dataset(ignore_errors=True)``); ``template`` and ``order`` give the records a
    structure (``make_csv_dataset``'s dict of columns): ``order[i]`` is the column of the i-th flattened leaf."""

    name = "CsvDatasetV2"

    def __init__(self, files: Node, record_defaults: Sequence, header: bool = False, field_delim: str = ",",
                 use_quote_delim: bool = True, na_value: str = "", select_cols=None, exclude_cols=None,
                 cycle_length: int = 1, ignore_errors: bool = False, template=None, order=None,
                 compression_type=None):  # fmt: skip
        super().__init__(files, cycle_length, compression_type)
        self.columns = [_column(default) for default in record_defaults]
        if not self.columns:
            raise ValueError("`record_defaults` must name at least one column")
        if select_cols is not None and exclude_cols is not None:
            raise ValueError("Either select_cols or exclude_cols should be empty")
        self.select = None if select_cols is None else [int(i) for i in select_cols]
        select = self.select
        if select is not None and (select != sorted(set(select)) or len(select) != len(self.columns)):
            raise ValueError("`select_cols` must be sorted column indices without repeats, one per record default")
        self.exclude = None if exclude_cols is None else {int(i) for i in exclude_cols}
        self.header, self.na_value = bool(header), na_value
        self.reader = dialect(field_delim, use_quote_delim)
        self.ignore_errors = ignore_errors
        self.structure = (None,) * len(self.columns) if template is None else template  # (a tuple of columns)
        self.order = order or list(range(len(self.columns)))

    def records(self, path: str) -> Iterator[tuple]:
        with open_file(path, "r", self.compression, newline="", encoding="utf-8") as f:
            rows = csv.reader(f, **self.reader)
            if self.header:
                next(rows, None)
            for row in rows:
                try:
                    values = self._parse(row or [""])  # (a blank line: one empty field, as TensorFlow reads it)
                except InvalidArgumentError:
                    if self.ignore_errors:
                        continue
                    raise
                yield tuple(values[i] for i in self.order)

    def _parse(self, row: list[str]) -> list[np.ndarray]:
        if self.select is not None:
            if len(row) <= self.select[-1]:
                raise InvalidArgumentError(f"Expect {self.select[-1] + 1} fields but have {len(row)} in record")
            row = [row[i] for i in self.select]
        elif self.exclude is not None:
            row = [field for i, field in enumerate(row) if i not in self.exclude]
        # (fields are read in order before the count is checked: TensorFlow's errors come in that order)
        values = [_value(field, i, column, self.na_value) for i, (field, column) in enumerate(zip(row, self.columns))]
        if len(row) != len(self.columns):
            raise InvalidArgumentError(f"Expect {len(self.columns)} fields but have {len(row)} in record")
        return values

    def _spec(self) -> Spec:
        return Spec(self.structure, [()] * len(self.order), [self.columns[i][0] for i in self.order])


def _column(default) -> tuple[np.dtype, np.ndarray | None]:
    """A record default as (dtype, default value or None where the column is required)."""
    if hasattr(default, "as_numpy_dtype"):  # (a DType: a required column)
        dtype, value = as_dtype(default).dtype, None
    else:
        data = default.numpy() if hasattr(default, "numpy") else default
        text = text_data(data)
        array = text if text is not None else np.asarray(data)
        if isinstance(data, (int, float)) or (isinstance(data, list) and data and isinstance(data[0], (int, float))):
            array = array.astype(np.int32 if array.dtype.kind == "i" else np.float32)  # (TensorFlow's conversion)
        if array.size > 1:
            raise ValueError(f"a record default holds one value (or none, for a required column), got {default!r}")
        dtype, value = array.dtype, (array.reshape(()) if array.size else None)
    if dtype not in _CSV_DTYPES:
        raise TypeError(f"CSV columns are float32, float64, int32, int64 or string, got a default of dtype {dtype}")
    return dtype, value


def _value(field: str, i: int, column: tuple, na_value: str) -> np.ndarray:
    dtype, default = column
    if field == "" or field == na_value:
        if default is None:
            raise InvalidArgumentError(f"Field {i} is required but missing in record!")
        return default
    if dtype.kind == "O":
        return np.array(field.encode("utf-8"), dtype=object)
    try:
        if dtype in _INTEGERS:
            number = int(field)
            if not _INTEGERS[dtype].min <= number <= _INTEGERS[dtype].max:
                raise ValueError
            return np.array(number, dtype)
        return np.array(float(field), dtype)
    except ValueError:
        raise InvalidArgumentError(f"Field {i} in record is not a valid {dtype.name}: {field}") from None
