"""TensorFlow's text-file datasets: ``tf.data.TextLineDataset``, ``tf.data.experimental.CsvDataset`` and
``tf.data.experimental.make_csv_dataset``, as the "Load CSV data" tutorial uses them (the readers themselves:
:mod:`nabla.tf.data.text_files`).

``make_csv_dataset`` follows TensorFlow's recipe: the files matching ``file_pattern`` (a glob, or a list of
names), shuffled when ``shuffle``; column names from the header unless given; column dtypes inferred from the
first ``num_rows_for_inference`` records unless ``column_defaults`` are given (int32, then int64, float32,
float64, string: the first that every non-empty value parses as; a column without values is a string, and an
inferred column's default is 0 or ``""``); ``num_parallel_reads`` files read at a time; then ``shuffle``
(``shuffle_buffer_size``, ``shuffle_seed``), ``repeat(num_epochs)`` (None: forever) and ``batch`` (dropping a
last short batch when repeating forever). Each element is an ``OrderedDict`` of columns, with the label column
apart when ``label_name`` names one: ``(features, label)``. Shuffled orders are nabla's, not TensorFlow's.
"""

from __future__ import annotations

import collections
import csv
import glob
import os
from collections.abc import Sequence

import numpy as np

from ..errors import InvalidArgumentError
from ..string_tensor import text_data
from . import record_files, text_files
from .dataset import Dataset
from .sources import TensorSlices


class TextLineDataset(Dataset):
    """``tf.data.TextLineDataset(filenames)``: the lines of the files, one ``tf.string`` scalar each."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        files = text_files.file_names(filenames)
        super().__init__(text_files.TextLines(files, num_parallel_reads or 1, compression_type))


class TFRecordDataset(Dataset):
    """``tf.data.TFRecordDataset(filenames, compression_type=None, num_parallel_reads=None)``: the records of
    TFRecord files (written by ``tf.io.TFRecordWriter`` or TensorFlow), one ``tf.string`` scalar each, each
    checked against its checksums (see :mod:`nabla.tf.io.tfrecord`); ``num_parallel_reads`` files are read at a
    time, one record from each in turn."""

    def __init__(self, filenames, compression_type=None, buffer_size=None, num_parallel_reads=None, name=None):
        files = text_files.file_names(filenames)
        super().__init__(record_files.TFRecords(files, num_parallel_reads or 1, compression_type))


class CsvDataset(Dataset):
    """``tf.data.experimental.CsvDataset(filenames, record_defaults)``: one tuple of scalars per CSV record (see
    :mod:`nabla.tf.data.text_files` for ``record_defaults`` and the errors)."""

    def __init__(self, filenames, record_defaults, compression_type=None, buffer_size=None, header=False,
                 field_delim=",", use_quote_delim=True, na_value="", select_cols=None, exclude_cols=None,
                 name=None):  # fmt: skip
        super().__init__(text_files.CsvRecords(
            text_files.file_names(filenames), record_defaults, header, field_delim, use_quote_delim, na_value,
            select_cols, exclude_cols, compression_type=compression_type,
        ))  # fmt: skip


def make_csv_dataset(file_pattern, batch_size: int, column_names: Sequence[str] | None = None, column_defaults=None,
                     label_name: str | None = None, select_columns=None, field_delim: str = ",",
                     use_quote_delim: bool = True, na_value: str = "", header: bool = True, num_epochs=None,
                     shuffle: bool = True, shuffle_buffer_size: int = 10000, shuffle_seed=None,
                     prefetch_buffer_size=None, num_parallel_reads=None, sloppy: bool = False,
                     num_rows_for_inference: int = 100, compression_type=None, ignore_errors: bool = False,
                     encoding: str = "utf-8") -> Dataset:  # fmt: skip
    """``tf.data.experimental.make_csv_dataset``: batches of CSV records as dicts of columns (see the module's
    documentation)."""
    if (column_names is None or column_defaults is None) and compression_type not in (None, "", "GZIP"):
        # (TensorFlow reads the files' first rows for names and dtypes with Python's gzip only)
        raise ValueError(f"Received unknown `compression_type` {compression_type}. Expected: GZIP, ZLIB or "
                         f"'' (empty string)." if compression_type != "ZLIB" else
                         f"`compression_type` {compression_type} is not supported for probing columns.")  # fmt: skip
    compression = text_files.compression(compression_type)
    filenames = _file_names(file_pattern)
    dialect = text_files.dialect(field_delim, use_quote_delim)
    if column_names is None:
        if not header:
            raise ValueError("Expected `column_names` or `header` arguments. Neither is provided.")
        column_names = _header(filenames, dialect, encoding, compression)
    column_names = list(column_names)
    if len(set(column_names)) != len(column_names):
        raise ValueError(f"Either `column_names` argument or CSV header row contains duplicate column names: "
                         f"{sorted(n for n in set(column_names) if column_names.count(n) > 1)}.")  # fmt: skip
    select = None if select_columns is None else _column_indices(select_columns, column_names)
    if column_defaults is None:
        rows = _rows(filenames, dialect, header, len(column_names), encoding, compression)
        column_defaults = _inferred_defaults(rows, select or range(len(column_names)), na_value, num_rows_for_inference)
    if select is not None:
        if len(column_defaults) != len(select):
            raise ValueError(
                "If specified, `column_defaults` and `select_columns` must have the same length: `column_defaults` "
                f"has length {len(column_defaults)}, `select_columns` has length {len(select)}."
            )
        column_names = [column_names[i] for i in select]
    if label_name is not None and label_name not in column_names:
        raise ValueError(f"`label_name` provided must be one of the columns: {column_names}. Received: {label_name}.")
    features = collections.OrderedDict((name, None) for name in column_names if name != label_name)
    template = features if label_name is None else (features, None)
    order = [column_names.index(name) for name in sorted(features)]  # (leaves: a dict's entries by sorted key)
    order += [] if label_name is None else [column_names.index(label_name)]

    files = Dataset(TensorSlices(np.array([name.encode("utf-8") for name in filenames], dtype=object)))
    if shuffle:
        files = files.shuffle(len(filenames), shuffle_seed)
    dataset = Dataset(text_files.CsvRecords(
        files._node, column_defaults, header, field_delim, use_quote_delim, na_value, select,
        cycle_length=num_parallel_reads if num_parallel_reads and num_parallel_reads > 0 else 1,
        ignore_errors=ignore_errors, template=template, order=order, compression_type=compression,
    ))  # fmt: skip
    if shuffle:
        dataset = dataset.shuffle(shuffle_buffer_size, shuffle_seed)
    if num_epochs != 1:
        dataset = dataset.repeat(num_epochs)
    return dataset.batch(batch_size, drop_remainder=num_epochs is None).prefetch(-1)  # (prefetch_buffer_size: accepted)


def matching_files(file_pattern) -> np.ndarray:
    """The files matching ``file_pattern`` (a glob, or a list of them: a name, bytes or a string tensor each), all
    sorted together, as TensorFlow's ``tf.io.matching_files``: an object array of ``bytes``; none raises
    ``InvalidArgumentError``."""
    patterns = text_data([file_pattern] if isinstance(file_pattern, (str, bytes, os.PathLike)) else file_pattern)
    if patterns is None:
        patterns = text_data([os.fspath(p) for p in file_pattern])
    patterns = [p.decode("utf-8") for p in patterns.reshape(-1)]
    names = sorted(name for pattern in patterns for name in glob.glob(pattern))
    if not names:
        raise InvalidArgumentError(f"No files matched pattern: {', '.join(patterns)}")
    return np.array([name.encode("utf-8") for name in names], dtype=object)


def _file_names(file_pattern) -> list[str]:
    patterns = [file_pattern] if isinstance(file_pattern, str) else list(file_pattern)
    names = [name for pattern in patterns for name in (sorted(glob.glob(pattern)) or [pattern])]
    missing = [name for name in names if not os.path.isfile(name)]
    if not names or missing:
        raise ValueError(f"No files match `file_pattern` {file_pattern}.")
    return names


def _header(filenames: list[str], dialect: dict, encoding: str, compression: str) -> list[str]:
    """The column names of the files' first lines, which must agree."""
    names = None
    for filename in filenames:
        with text_files.open_file(filename, "r", compression, newline="", encoding=encoding) as f:
            first = next(csv.reader(f, **dialect), None)
        if first is None:
            raise ValueError(f"Failed when reading the header line of {filename}. Is it an empty file?")
        if names is not None and first != names:
            raise ValueError(f"All input CSV files should have the same column names in the header row. "
                             f"File {filename} has different column names.")  # fmt: skip
        names = first
    return names


def _column_indices(select_columns, column_names: list[str]) -> list[int]:
    """``select_columns`` (names or indices) as sorted column indices."""
    indices = []
    for column in select_columns:
        if isinstance(column, (int, np.integer)):
            if not 0 <= column < len(column_names):
                raise ValueError(f"Column index {column} specified in `select_columns` should be >= 0 and < "
                                 f"{len(column_names)}, which is the number of columns.")  # fmt: skip
            indices.append(int(column))
        elif column in column_names:
            indices.append(column_names.index(column))
        else:
            raise ValueError(f"Column {column} specified in `select_columns` must be of one of the columns: "
                             f"{column_names}.")  # fmt: skip
    if len(set(indices)) != len(indices):
        raise ValueError(f"The `select_columns` argument contains duplicate columns: {select_columns}.")
    return sorted(indices)


def _rows(filenames: list[str], dialect: dict, header: bool, width: int, encoding: str, compression: str):
    """The records of the files in order, each checked to have ``width`` fields."""
    for filename in filenames:
        with text_files.open_file(filename, "r", compression, newline="", encoding=encoding) as f:
            reader = csv.reader(f, **dialect)
            if header:
                next(reader, None)
            for number, row in enumerate(reader, start=2 if header else 1):
                if len(row) != width:
                    raise ValueError(f"Problem inferring types: CSV row {number} has {len(row)} number of fields. "
                                     f"Expected: {width}.")  # fmt: skip
                yield row


# The dtypes make_csv_dataset infers, narrowest first, and whether a field's text parses as each.
_INFERRED = (
    (np.int32, lambda text: _fits_integer(text, np.int32)),
    (np.int64, lambda text: _fits_integer(text, np.int64)),
    (np.float32, lambda text: _finite_float(text, np.float32)),
    (np.float64, lambda text: _finite_float(text, np.float64)),
    (object, lambda text: True),
)


def _fits_integer(text: str, dtype) -> bool:
    try:
        return bool(np.iinfo(dtype).min <= int(text) <= np.iinfo(dtype).max)
    except ValueError:
        return False


def _finite_float(text: str, dtype) -> bool:
    try:
        return bool(np.isfinite(dtype(float(text))))
    except (ValueError, OverflowError):
        return False


def _inferred_defaults(rows, select, na_value: str, limit: int | None) -> list[np.ndarray]:
    """Each selected column's default (0 or ``""``, in its inferred dtype) from the first ``limit`` rows."""
    kinds = [0] * len(select)  # (an index into _INFERRED: the narrowest dtype every value so far parses as)
    seen = [False] * len(select)
    for number, row in enumerate(rows):
        if limit and number >= limit:  # (0 or None: every row, as TensorFlow's reader)
            break
        for j, column in enumerate(select):
            text = row[column]
            if text in ("", na_value):
                continue
            seen[j] = True
            kinds[j] = next(k for k in range(kinds[j], len(_INFERRED)) if _INFERRED[k][1](text))
    dtypes = [_INFERRED[k][0] if was_seen else object for k, was_seen in zip(kinds, seen)]
    return [np.array(b"" if dtype is object else 0, dtype=dtype) for dtype in dtypes]
