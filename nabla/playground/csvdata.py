"""A CSV file uploaded from the page: checked, parsed, and put in the playground's frame.

What is accepted (anything else gets a one-line message that says what was wrong and where):

- one or two numeric feature columns, then a label column; a header row is optional (it is
  recognised by a feature cell that is not a number); commas, semicolons or tabs; blank lines and
  lines starting with ``#`` are skipped; a column whose header is ``split`` (as in the playground's
  own CSV export) is ignored: the playground draws its own train/test split from the seed;
- labels that are names (``setosa``) or whole numbers with at most :data:`MAX_CLASSES` distinct values
  are classes (names are numbered in sorted order); other numbers are values (regression);
- between :data:`MIN_ROWS` and ``max_points`` rows, no NaN or infinity, at most :data:`MAX_BYTES` of text.

The features are standardised (mean 0, standard deviation 1 over all the uploaded points; the labels
play no part), and so are regression values, so that the page's learning rates and the heatmap's
frame suit any units. The page says so, with the means and deviations, and the CSV export writes
the points as the network sees them.
"""

from __future__ import annotations

import csv
import dataclasses
import math
from dataclasses import dataclass

import numpy as np

from .errors import PlaygroundError

MAX_BYTES = 1_000_000
MIN_ROWS = 10
MAX_CLASSES = 10


@dataclass(frozen=True)
class Upload:
    """Uploaded data, standardised. ``y``: int64 class indices or float32 values, shape ``(N,)``."""

    name: str
    X: np.ndarray
    y: np.ndarray
    task: str
    columns: tuple[str, ...]
    class_names: tuple[str, ...] | None
    mean: tuple[float, ...]
    std: tuple[float, ...]
    y_mean: float = 0.0
    y_std: float = 1.0

    @property
    def dims(self) -> int:
        return self.X.shape[1]

    @property
    def classes(self) -> int:
        return len(self.class_names) if self.class_names else 0

    def summary(self) -> str:
        """One line for the page: what was read and how it was scaled."""
        what = f"{self.classes} classes ({', '.join(self.class_names)})" if self.class_names else "values (regression)"
        scaled = ", ".join(f"{c}: mean {m:.4g}, std {s:.4g}" for c, m, s in zip(self.columns, self.mean, self.std))
        if self.task == "regression":
            scaled += f"; {self.columns[-1]}: mean {self.y_mean:.4g}, std {self.y_std:.4g}"
        return f"{self.name}: {len(self.y)} points, {self.dims} feature(s), {what}; standardised ({scaled})"


def _number(text: str) -> float | None:
    try:
        return float(text)
    except ValueError:
        return None


def _rows(text: str) -> tuple[list[list[str]], list[int]]:
    """The non-empty, non-comment rows and their line numbers (1-based)."""
    lines = text.splitlines()
    sample = "\n".join(line for line in lines[:20] if line.strip() and not line.lstrip().startswith("#"))
    try:
        delimiter = csv.Sniffer().sniff(sample, delimiters=",;\t").delimiter
    except csv.Error:
        delimiter = ","
    rows, numbers = [], []
    # NOTE: the lines of splitlines, so that old Mac files (CR alone) read as lines too; csv refuses them
    reader = csv.reader(lines, delimiter=delimiter)
    try:
        for row in reader:
            cells = [c.strip() for c in row]
            if not any(cells) or cells[0].startswith("#"):
                continue
            rows.append(cells)
            numbers.append(reader.line_num)
    except csv.Error as e:  # a cell over csv's limit of 131,072 characters, an unclosed quote at the end
        raise PlaygroundError(f"CSV upload: line {reader.line_num}: {_shortened(str(e))}") from None
    return rows, numbers


def _shortened(text: str, limit: int = 80) -> str:
    """``text`` cut to ``limit`` characters, so that a message never echoes a huge cell or header."""
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _standardised(values: np.ndarray, names: tuple[str, ...]) -> tuple[np.ndarray, np.ndarray]:
    """The mean and standard deviation of each column of ``values`` ``(N, C)``; refuses what float64 cannot hold."""
    with np.errstate(over="ignore", invalid="ignore"):  # NOTE: |x| near 1e308 overflows the squares: refused below
        mean, std = values.mean(axis=0), values.std(axis=0)
    for j, name in enumerate(names):
        if not (math.isfinite(mean[j]) and math.isfinite(std[j])):
            largest = float(np.max(np.abs(values[:, j])))
            raise PlaygroundError(
                f"CSV upload: the column {_shortened(name)!r} holds numbers too large to standardise (up to "
                f"{largest:.3g}); divide it by a power of ten"
            )
    return mean, std


def parse_csv(name: str, text: str, max_points: int) -> Upload:
    """Parse and check an uploaded CSV; raises :class:`PlaygroundError` with a one-line reason."""
    if not isinstance(text, str) or len(text.encode("utf-8", "replace")) > MAX_BYTES:
        raise PlaygroundError(f"CSV upload: the file must be text of at most {MAX_BYTES // 1000} kB")
    if "\x00" in text:
        raise PlaygroundError("CSV upload: this is not a text file; upload a CSV of numbers (x1, x2, label)")
    rows, line_numbers = _rows(text)
    if not rows:
        raise PlaygroundError("CSV upload: the file is empty; it needs columns x1, x2, label (or x, value)")
    header = None
    if _number(rows[0][0]) is None:
        header, rows, line_numbers = rows[0], rows[1:], line_numbers[1:]
    keep = list(range(len(header) if header else len(rows[0] if rows else [])))
    if header:
        keep = [i for i, h in enumerate(header) if h.lower() != "split"]
    width = len(keep)
    if width not in (2, 3):
        raise PlaygroundError(
            f"CSV upload: expected 2 or 3 columns (x1, x2, label or x, value), got {width}"
            f"{' (' + _shortened(', '.join(header)) + ')' if header else ''}"
        )
    if not MIN_ROWS <= len(rows) <= max_points:
        raise PlaygroundError(f"CSV upload: need between {MIN_ROWS} and {max_points} data rows, got {len(rows)}")
    features, labels = [], []
    for cells, line in zip(rows, line_numbers):
        if header and len(cells) != len(header) or not header and len(cells) != width:
            raise PlaygroundError(f"CSV upload: line {line} has {len(cells)} cells, the others {width}")
        cells = [cells[i] for i in keep]
        values = [_number(c) for c in cells[:-1]]
        for column, (cell, value) in enumerate(zip(cells, values), start=1):
            if value is None:
                raise PlaygroundError(f"CSV upload: line {line}, column {column}: {cell[:20]!r} is not a number")
            if not math.isfinite(value):
                raise PlaygroundError(
                    f"CSV upload: line {line}, column {column}: {_shortened(cell, 20)!r} is not finite; remove or fill "
                    "such rows"
                )
        features.append(values)
        labels.append(cells[-1])
    X = np.asarray(features, dtype=np.float64)
    columns = tuple(header[i] for i in keep) if header else (("x1", "x2", "label") if width == 3 else ("x", "value"))
    y, task, class_names = _labels(labels, line_numbers)
    mean, std = _standardised(X, columns[:-1])
    if np.any(std == 0):
        raise PlaygroundError(
            f"CSV upload: the column {_shortened(columns[int(np.argmin(std))])!r} holds one value only"
        )
    scaled = Upload(
        name=str(name)[:80] or "upload.csv",
        X=((X - mean) / std).astype(np.float32),
        y=y,
        task=task,
        columns=columns,
        class_names=class_names,
        mean=tuple(float(m) for m in mean),
        std=tuple(float(s) for s in std),
    )
    if task == "regression":
        y_mean, y_std = (float(v[0]) for v in _standardised(y.astype(np.float64)[:, None], columns[-1:]))
        if y_std == 0:
            raise PlaygroundError("CSV upload: every value of the label column is the same; nothing to learn")
        scaled = dataclasses.replace(scaled, y=((y - y_mean) / y_std).astype(np.float32), y_mean=y_mean, y_std=y_std)
    return scaled


def _labels(labels: list[str], line_numbers: list[int]) -> tuple[np.ndarray, str, tuple[str, ...] | None]:
    """Class indices (with the classes' names) or values (regression) from the label column."""
    numbers = [_number(v) for v in labels]
    if all(v is not None for v in numbers):
        bad = [line for v, line in zip(numbers, line_numbers) if not math.isfinite(v)]
        if bad:
            raise PlaygroundError(f"CSV upload: line {bad[0]}: the label is NaN or infinite; remove or fill such rows")
        values = np.asarray(numbers, dtype=np.float64)
        distinct = np.unique(values)
        if np.all(values == np.round(values)) and len(distinct) <= MAX_CLASSES:
            if len(distinct) < 2:
                raise PlaygroundError("CSV upload: the label column holds one class only; a classifier needs two")
            names = tuple(str(int(v)) for v in distinct)
            return np.searchsorted(distinct, values).astype(np.int64), "classification", names
        return values, "regression", None  # float64 until standardised: 1e300 is a value float32 cannot hold
    names = tuple(sorted(set(labels)))
    if "" in names:
        line = line_numbers[labels.index("")]
        raise PlaygroundError(f"CSV upload: line {line} has no label")
    if not 2 <= len(names) <= MAX_CLASSES:
        raise PlaygroundError(
            f"CSV upload: the label column has {len(names)} different names; "
            f"a classifier here takes 2 to {MAX_CLASSES} classes"
        )
    index = {n: i for i, n in enumerate(names)}
    return np.asarray([index[v] for v in labels], dtype=np.int64), "classification", names
