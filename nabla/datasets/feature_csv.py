"""Reading a model's inputs from a CSV file someone hands you: every row read, or one clear error.

The reader trusts nothing in the file. It reads UTF-8 (a byte-order mark is allowed) and stops
with one line naming the file and the line at the first problem: text that is not UTF-8,
a field longer than 131,072 characters, a row of the wrong width, a value that is not a plain
decimal number, NaN or infinity, an unknown category. It never drops a row: a first row is
read as a header only when every field has a letter in it and none is a number or one of the
model's categories, and a row with every field empty is skipped with a note that says so.

Categorical columns: a model trained on one-hot features names them ``COLUMN=VALUE``
(``Species=Bream, Species=Roach, ...``, as :func:`nabla.datasets.fish_market` does); such a
model also takes the raw column (``Species``) holding one of the values, and the reader
encodes it.
"""

from __future__ import annotations

import array
import codecs
import csv
import io
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

from .catalog import name_key

__all__ = ["FeatureCsv", "FeatureCsvError", "RawColumn", "raw_columns", "read_features_csv"]

_NUMBER = re.compile(r"[+-]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")  # ASCII digits only
_NON_FINITE = {"nan", "+nan", "-nan", "inf", "+inf", "-inf", "infinity", "+infinity", "-infinity"}
_FIELD_LIMIT = 131_072  # Python's csv default, kept: a longer field is not a number
_FLOAT32_MAX = float(np.finfo(np.float32).max)
_SHOWN = 40  # characters of a bad value echoed in a message
_LINE_BASE = 1 << 20  # characters a line may hold, plus _LINE_PER_FEATURE per feature the model takes
_LINE_PER_FEATURE = 64


class FeatureCsvError(ValueError):
    """The CSV cannot be read as a model's inputs; the message is one line naming the file, the line and the fix."""


class RawColumn(NamedTuple):
    """One raw column of a model's inputs: a number, or a category one-hot encoded over ``categories``."""

    name: str
    categories: tuple[str, ...] = ()


class FeatureCsv(NamedTuple):
    """What :func:`read_features_csv` read: the float32 rows ``x`` and notes for the user (skipped rows...)."""

    x: np.ndarray
    notes: list[str]


def raw_columns(feature_names: Sequence[str]) -> list[RawColumn]:
    """The raw columns behind a model's feature names: each run of ``NAME=VALUE`` features is one categorical column.

    Example::

        >>> raw_columns(["Length1", "Species=Bream", "Species=Roach"])
        [RawColumn(name='Length1', categories=()), RawColumn(name='Species', categories=('Bream', 'Roach'))]
    """
    columns: list[RawColumn] = []
    for feature in feature_names:
        name, sep, value = feature.partition("=")
        if sep and columns and columns[-1].categories and columns[-1].name == name:
            columns[-1] = RawColumn(name, (*columns[-1].categories, value))
        elif sep:
            columns.append(RawColumn(name, (value,)))
        else:
            columns.append(RawColumn(feature))
    return columns


def _shown(text: str) -> str:
    text = text if len(text) <= _SHOWN else text[:_SHOWN] + "..."
    return repr(text)


def _listing(names: Sequence[str], limit: int = 14) -> str:
    if len(names) <= limit:
        return ", ".join(names)
    return ", ".join(names[: limit - 2]) + f", ... ({len(names) - limit + 1} more), " + names[-1]


def _is_number(text: str) -> bool:
    return bool(_NUMBER.fullmatch(text)) or text.lower() in _NON_FINITE


class _Reading(NamedTuple):
    """How the fields of a row become the model's features: the columns read, and each one's field index."""

    columns: list[RawColumn]
    picks: list[int]
    width: int  # fields a row must have


class _Schema:
    """The ways a row may give the model's inputs: encoded, raw, or in the order of the dataset's own file."""

    def __init__(self, n_features: int, feature_names: list[str] | None, source_columns: list[str] | None):
        self.n_features = n_features
        self.names = feature_names
        numeric = [RawColumn(n) for n in feature_names] if feature_names else [RawColumn("")] * n_features
        self.encoded = _Reading(numeric, list(range(n_features)), n_features)
        raw = raw_columns(feature_names) if feature_names else numeric
        self.raw = _Reading(raw, list(range(len(raw))), len(raw)) if len(raw) < n_features else None
        self.source = None
        if source_columns and self.raw is not None:
            where = {name_key(c): i for i, c in enumerate(source_columns)}
            if all(name_key(c.name) in where for c in raw):
                self.source = _Reading(raw, [where[name_key(c.name)] for c in raw], len(source_columns))
                self.source_columns = list(source_columns)

    def expected(self) -> str:
        if self.names is None:
            return f"{self.n_features} numbers per row"
        text = f"{self.n_features} features ({_listing(self.names)})"
        if self.raw is not None:
            raw = [c.name + (f" (one of {', '.join(c.categories)})" if c.categories else "") for c in self.raw.columns]
            text += f", or the {len(raw)} raw columns {_listing(raw)}"
        if self.source is not None:
            text += f", or the dataset file's {len(self.source_columns)} columns {_listing(self.source_columns)}"
        return text

    def is_header(self, fields: list[str]) -> bool:
        """A first row is a header when every field has a letter in it, and none is a number or a category."""
        categories = {name_key(v) for c in (self.raw.columns if self.raw else []) for v in c.categories}
        return all(
            any(ch.isalpha() for ch in v) and not _is_number(v) and name_key(v) not in categories for v in fields
        )

    def by_width(self, width: int) -> list[_Reading]:
        """The readings whose rows have ``width`` fields, most specific first."""
        return [r for r in (self.encoded, self.raw, self.source) if r is not None and r.width == width]


def _open_text(path: Path) -> io.TextIOBase:
    raw = path.open("rb")
    head = raw.peek(4)[:4] if hasattr(raw, "peek") else b""
    for bom, name in ((codecs.BOM_UTF32_LE, "UTF-32"), (codecs.BOM_UTF32_BE, "UTF-32")):
        if head.startswith(bom):
            raw.close()
            raise FeatureCsvError(f"{path} is {name} text: save it as UTF-8 CSV")
    for bom in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        if head.startswith(bom):
            raw.close()
            raise FeatureCsvError(f"{path} is UTF-16 text: save it as UTF-8 CSV (in Excel: 'CSV UTF-8')")
    # NOTE: utf-8-sig drops a leading byte-order mark, which would otherwise glue itself to the first value.
    return io.TextIOWrapper(raw, encoding="utf-8-sig", errors="strict", newline="")


def read_features_csv(
    path: str | os.PathLike,
    n_features: int,
    feature_names: Sequence[str] | None = None,
    source_columns: Sequence[str] | None = None,
) -> FeatureCsv:
    """Read the rows of a CSV file as a model's inputs: float32 ``(N, n_features)``.

    Without ``feature_names`` every row holds ``n_features`` numbers, in the model's order.
    With them (the names the model was trained on), a header row picks the columns by name
    (letter case and separators do not matter; columns the model does not take are ignored,
    with a note), and a row may give a categorical column raw (``Bream``) instead of its
    one-hot features (see :func:`raw_columns`).

    Args:
        path: the CSV file (UTF-8, comma-separated; a header row is optional).
        n_features: how many inputs the model takes.
        feature_names: the names of those inputs, or None when unknown.
        source_columns: the columns of the dataset's own file, in its order (Fish.csv's
            ``Species, Weight, Length1, ...``), or None.

    Returns:
        A :class:`FeatureCsv`: ``x`` float32 ``(N, n_features)`` (one row per data line, none
        dropped) and ``notes``, lines to show the user (ignored columns, skipped empty rows).

    Raises:
        FeatureCsvError: one line naming the file, the line and what is wrong.

    Example::

        >>> read_features_csv("points.csv", 2).x          # "x1,x2\\n0.5,1\\n-1,0.25\\n"
        array([[ 0.5 ,  1.  ],
               [-1.  ,  0.25]], dtype=float32)
    """
    path = Path(path)
    names = list(feature_names) if feature_names is not None else None
    if names is not None and len(names) != n_features:
        raise ValueError(f"read_features_csv: {len(names)} feature names for {n_features} features")
    schema = _Schema(n_features, names, list(source_columns) if source_columns else None)
    if not path.is_file():
        raise FeatureCsvError(f"no input file at {path}" if not path.exists() else f"{path} is not a file")
    try:
        with _open_text(path) as text:
            return _read(path, text, schema)
    except UnicodeDecodeError:
        raise FeatureCsvError(f"{path}{_first_bad_byte(path)} is not UTF-8 text: save it as UTF-8 CSV") from None
    except OSError as e:
        raise FeatureCsvError(f"cannot read {path}: {e.strerror or e}") from None


def _first_bad_byte(path: Path, limit: int = 1 << 26) -> str:
    """``", line L"`` of the first byte that is not UTF-8 (the text reader decodes in chunks, so it cannot say)."""
    with path.open("rb") as f:
        data = f.read(limit)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        line = data.count(b"\n", 0, e.start) + 1
        return f", line {line} (byte 0x{data[e.start]:02x})"
    return ""


def _lines(path: Path, text: io.TextIOBase, longest: int):
    """The file's lines, refusing one longer than ``longest`` before it is all in memory."""
    number = 0
    while True:
        line = text.readline(longest + 1)
        if not line:
            return
        number += 1
        if len(line) > longest:
            raise FeatureCsvError(
                f"{path}, line {number}: longer than {longest:,} characters: not a row of the model's inputs"
            )
        yield line


def _read(path: Path, text: io.TextIOBase, schema: _Schema) -> FeatureCsv:
    reader = csv.reader(_lines(path, text, _LINE_BASE + _LINE_PER_FEATURE * schema.n_features))
    values = array.array("f")  # NOTE: 4 bytes a value, whatever the number of rows (no list of small arrays)
    rows = 0
    notes: list[str] = []
    reading: _Reading | None = None  # fixed by the header, or by the first data row
    header = False
    skipped = 0
    limit = csv.field_size_limit()
    try:
        csv.field_size_limit(_FIELD_LIMIT)
        for record in reader:
            line = reader.line_num
            fields = [v.strip() for v in record]
            if any("\x00" in v for v in fields):
                raise FeatureCsvError(
                    f"{path}, line {line}: the file holds NUL bytes: is it UTF-16 or binary? Save it as UTF-8 CSV"
                )
            if not any(fields):
                skipped += bool(record)  # a blank line is no row; a row of empty fields is, and is told
                continue
            if not rows and not header and schema.is_header(fields):
                reading, header = _header(path, line, fields, schema, notes), True
                continue
            if reading is None:
                reading = _first_row(path, line, fields, schema, notes)
            values.frombytes(_row(path, line, fields, reading, schema).tobytes())
            rows += 1
    except csv.Error as e:
        line = reader.line_num
        if "field larger than field limit" in str(e):
            raise FeatureCsvError(
                f"{path}, line {line}: a field is longer than {_FIELD_LIMIT:,} characters: this is not a CSV of numbers"
            ) from None
        raise FeatureCsvError(f"{path}, line {line}: not valid CSV ({_shown(str(e))})") from None
    finally:
        csv.field_size_limit(limit)
    if skipped:
        notes.append(f"skipped {skipped} empty row{'s' * (skipped > 1)} (every field empty)")
    if not rows:
        raise FeatureCsvError(f"{path} holds no data rows: expected {schema.expected()}")
    return FeatureCsv(np.frombuffer(values, dtype=np.float32).reshape(rows, schema.n_features).copy(), notes)


def _separator_hint(fields: list[str]) -> str:
    if len(fields) == 1 and any(sep in fields[0] for sep in ";\t"):
        return " (is it separated by ';' or tabs? nabla reads comma-separated values)"
    return ""


def _count(items: Sequence, noun: str) -> str:
    return f"{len(items)} {noun}{_plural(items)}"


def _plural(items: Sequence) -> str:
    return "s" * (len(items) > 1)


def _header(path: Path, line: int, fields: list[str], schema: _Schema, notes: list[str]) -> _Reading | None:
    """How to read the rows under a header: its columns picked by name; None to read them by position."""
    if schema.names is None:
        return None
    where: dict[str, int] = {}
    for i, field in enumerate(fields):
        where.setdefault(name_key(field), i)
    best, best_found = None, []
    for candidate in (schema.encoded, schema.raw):
        if candidate is None:
            continue
        found = [name_key(c.name) in where for c in candidate.columns]
        if all(found):
            picks = [where[name_key(c.name)] for c in candidate.columns]
            ignored = [fields[i] for i in range(len(fields)) if i not in set(picks)]
            if ignored:
                notes.append(f"ignored the column{_plural(ignored)} {_listing(ignored)}: not an input of the model")
            return _Reading(candidate.columns, picks, len(fields))
        if sum(found) > sum(best_found):
            best, best_found = candidate, found
    if best is None:  # the header names none of the model's columns
        if schema.by_width(len(fields)):
            notes.append(f"the header on line {line} names none of the model's columns: reading them by position")
            return None
        raise FeatureCsvError(
            f"{path}, line {line}: the header names none of the model's columns; expected {schema.expected()}"
            + _separator_hint(fields)
        )
    missing = [c.name for c, ok in zip(best.columns, best_found) if not ok]
    raise FeatureCsvError(
        f"{path}, line {line}: the header lacks the column{_plural(missing)} {_listing(missing)}; "
        f"expected {schema.expected()}"
    )


def _first_row(path: Path, line: int, fields: list[str], schema: _Schema, notes: list[str]) -> _Reading:
    """How to read headerless rows: the reading of the first row's width under which it parses."""
    readings = schema.by_width(len(fields))
    if not readings:
        raise FeatureCsvError(
            f"{path}, line {line}: {_count(fields, 'value')}, but the model takes {schema.expected()}"
            + _separator_hint(fields)
        )
    first_error = None
    for reading in readings:  # widths may coincide (4 features, or a 4-column file): the one that parses
        try:
            _row(path, line, fields, reading, schema)
        except FeatureCsvError as e:
            first_error = first_error or e
            continue
        if reading is schema.source:
            ignored = [c for i, c in enumerate(schema.source_columns) if i not in set(reading.picks)]
            notes.append(
                f"read the rows as the dataset file's columns ({_listing(schema.source_columns)}); "
                f"ignored {_listing(ignored)}: not an input of the model"
            )
        return reading
    raise first_error


def _row(path: Path, line: int, fields: list[str], reading: _Reading, schema: _Schema) -> np.ndarray:
    if len(fields) != reading.width:
        raise FeatureCsvError(
            f"{path}, line {line}: {_count(fields, 'value')}, but the rows above have {reading.width}; "
            f"expected {schema.expected()}"
        )
    out = np.empty(schema.n_features, dtype=np.float32)
    k = 0
    for pick, column in zip(reading.picks, reading.columns):
        value = fields[pick]
        label = f" ({column.name})" if column.name else ""
        if column.categories:
            index = _category(value, column)
            if index is None:
                raise FeatureCsvError(
                    f"{path}, line {line}: {_shown(value)} is not a {column.name}; "
                    f"expected one of {', '.join(column.categories)}"
                )
            out[k : k + len(column.categories)] = 0.0
            out[k + index] = 1.0
            k += len(column.categories)
            continue
        if value == "":
            raise FeatureCsvError(f"{path}, line {line}: a value is missing{label}")
        if not _NUMBER.fullmatch(value):
            what = "NaN or infinite" if value.lower() in _NON_FINITE else "not a number"
            order = ""
            if any(_category(value, c) is not None for c in reading.columns if c.categories):
                order = f"; the columns are, in order: {_listing([c.name for c in reading.columns])}"
            raise FeatureCsvError(f"{path}, line {line}: {_shown(value)}{label} is {what}{order}")
        number = float(value)
        if abs(number) > _FLOAT32_MAX:
            raise FeatureCsvError(f"{path}, line {line}: {_shown(value)}{label} is too large for float32")
        out[k] = number
        k += 1
    return out


def _category(value: str, column: RawColumn) -> int | None:
    if value in column.categories:
        return column.categories.index(value)
    keys = [name_key(c) for c in column.categories]
    key = name_key(value)
    return keys.index(key) if keys.count(key) == 1 else None
