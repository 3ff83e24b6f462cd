"""``tf.io.decode_csv``: CSV records held in a string tensor, parsed into one tensor per column.

The parsing is :mod:`nabla.tf.data.text_files`' (``CsvDataset``'s), applied to each string of ``records``
instead of to each line of a file: ``record_defaults`` gives a column's dtype and default (a value: ``0.``,
``0``, ``""``, ``[0.]``, a one-element tensor; an empty tensor such as ``tf.constant([], dtype=tf.float32)``,
or a dtype, makes the column required), an empty field or ``na_value`` takes the default, quotes are honoured
when ``use_quote_delim``, and a bad record raises ``InvalidArgumentError`` with TensorFlow's message.

Shapes: ``records`` of shape ``S`` (a scalar in ``Dataset.map`` over lines, a vector after ``batch``) gives a
list of ``len(record_defaults)`` tensors of shape ``S``, float32 / float64 / int32 / int64 ``tf.Tensor``\\ s or
``tf.string`` tensors as the defaults say.
"""

from __future__ import annotations

import csv

import numpy as np

from ..data.structure import as_tensor
from ..data.text_files import _column, _value, dialect
from ..errors import InvalidArgumentError
from ..string_tensor import text_data


def decode_csv(records, record_defaults, field_delim: str = ",", use_quote_delim: bool = True, na_value: str = "",
               select_cols=None, name=None) -> list:  # fmt: skip
    """``tf.io.decode_csv(records, record_defaults)``: one tensor per column, each of ``records``' shape (see the
    module's documentation). ``select_cols`` (sorted column indices, one per default) keeps only those columns.

    Example: ``decode_csv("1,2.5,a", [0, 0.0, ""])`` is ``[1 (int32), 2.5 (float32), b"a"]``."""
    data = text_data(records.numpy() if hasattr(records, "numpy") and not isinstance(records, str) else records)
    if data is None:
        raise TypeError(f"decode_csv reads strings (a str, bytes or a tf.string tensor), got {type(records).__name__}")
    columns = [_column(default) for default in record_defaults]
    if not columns:
        raise ValueError("`record_defaults` must name at least one column")
    select = None if select_cols is None else [int(i) for i in select_cols]
    if select is not None and (select != sorted(set(select)) or len(select) != len(columns)):
        raise ValueError("`select_cols` must be sorted column indices without repeats, one per record default")
    options = dialect(field_delim, use_quote_delim)
    out = [np.empty(data.shape, dtype=dtype) for dtype, _ in columns]
    for n, (index, record) in enumerate(np.ndenumerate(data)):
        row = next(csv.reader([record.decode("utf-8")], **options), [])  # (an empty record has no field)
        if select is not None:
            if len(row) <= select[-1]:
                raise InvalidArgumentError(f"Expect {select[-1] + 1} fields but have {len(row)} in record {n}")
            row = [row[i] for i in select]
        if len(row) != len(columns):
            raise InvalidArgumentError(f"Expect {len(columns)} fields but have {len(row)} in record {n}")
        for i, (field, column) in enumerate(zip(row, columns)):
            try:
                out[i][index] = _value(field, i, column, na_value)[()]
            except InvalidArgumentError as error:  # (TensorFlow's message names the record)
                raise InvalidArgumentError(str(error).replace(" in record", f" in record {n}", 1)) from None
    return [as_tensor(column) for column in out]
