"""The table of ``model.summary()`` laid out as Keras 3 lays it out: its rules for the columns' widths, then
those of the rich library that draws its table, so that nabla prints the same text without rich.

Keras 3 (``keras.src.utils.summary_utils.print_summary``):

- ``line_length`` defaults to 88 for a chain of layers and 108 for a graph (12 more with ``show_trainable``),
  but at most the terminal's width less 4 (``shutil.get_terminal_size``: 76 outside a terminal);
- ``positions`` are the columns' right ends as fractions of ``line_length`` (by default ``[0.45, 0.8, 1.0]``
  for a chain, ``[0.3, 0.56, 0.74, 1.0]`` for a graph); with ``show_trainable`` they are scaled by 0.9 and
  1.0 is appended for the "Trainable" column. A column is ``int(position * line_length)`` less the previous
  end wide, and must be 4 or more. (Keras 3 multiplies every position so: an absolute one, Keras 2's
  ``[30, 60, 70]``, gives columns wider than the table, which rich then narrows evenly.)

rich (``Table(width=line_length, show_lines=True)``, columns of fixed width, a space of padding each side):

- a column takes its width plus 2, at most the table's inner width (``line_length`` less its n + 1 borders);
  columns that overflow it lose the excess evenly (rich's ``ratio_reduce``); columns that fall short of it
  share the room left in proportion to their widths, rounding up (``ratio_distribute``): the table is
  ``line_length`` wide whatever the positions' last end;
- a cell wraps at spaces, a word longer than its column is cut with "…"; a header sits at the bottom of its
  row; centred text leaves the odd space on its right;
- the console crops each line at its own width: ``COLUMNS``, else the terminal's, else 80 (a ``line_length``
  above it is cut there, as Keras's is outside a terminal). Not followed: rich's width in Jupyter (115).
"""

from __future__ import annotations

import math
import os
import shutil
import textwrap

CHAIN_POSITIONS = (0.45, 0.80, 1.0)
GRAPH_POSITIONS = (0.3, 0.56, 0.74, 1.0)


def line_length_and_positions(chain: bool, show_trainable: bool, line_length, positions) -> tuple[int, list]:
    """Keras 3's ``line_length`` and column ends for the table (see the module docstring)."""
    default = 88 if chain else 108
    positions = list(positions or (CHAIN_POSITIONS if chain else GRAPH_POSITIONS))
    if show_trainable:
        default += 12
        positions = [p * 0.90 for p in positions] + [1.0]
    default = min(default, shutil.get_terminal_size().columns - 4)
    if line_length is not None and (isinstance(line_length, bool) or not isinstance(line_length, int)
                                    or line_length < 1):  # fmt: skip
        raise ValueError(f"summary: line_length must be a positive integer (characters), got {line_length!r}")
    return line_length or default, positions


def column_widths(line_length: int, positions: list, heads: list[str]) -> list[int]:
    """The widths of the columns' text: Keras's from ``positions``, then narrowed or widened as rich does."""
    if len(positions) < len(heads):
        raise ValueError(f"summary: positions needs a column end for each of the {len(heads)} columns "
                         f"({', '.join(heads)}), got {positions!r}")  # fmt: skip
    widths, current = [], 0
    for position in positions:
        width = int(position * line_length) - current
        if width < 4:
            raise ValueError(f"summary: positions {positions!r} on line_length={line_length} leave a column "
                             f"{width} characters wide, and Keras needs 4 or more: widen line_length or spread the "
                             "positions")  # fmt: skip
        widths.append(width)
        current += width
    inner = line_length - (len(heads) + 1)
    cells = [min(width + 2, inner) for width in widths[: len(heads)]]
    if sum(cells) > inner:
        cells = [max(cell, 0) for cell in _ratio_reduce(sum(cells) - inner, cells)]
    elif sum(cells) < inner:
        cells = [cell + extra for cell, extra in zip(cells, _ratio_distribute(inner - sum(cells), cells))]
    return [cell - 2 for cell in cells]


def _ratio_reduce(total: int, values: list[int]) -> list[int]:
    """rich's ``ratio_reduce`` with equal ratios: ``total`` taken from ``values`` in turn, each its share of
    what remains (Python's rounding), at most its own value."""
    result, remaining, count = [], total, sum(1 for value in values if value)
    for value in values:
        taken = min(value, round(remaining / count)) if value else 0
        result.append(value - taken)
        remaining -= taken
        count -= 1 if value else 0
    return result


def _ratio_distribute(total: int, ratios: list[int]) -> list[int]:
    """rich's ``ratio_distribute``: ``total`` shared in proportion to ``ratios``, each share rounded up."""
    shares, remaining, total_ratio = [], total, sum(ratios)
    for ratio in ratios:
        share = math.ceil(ratio * remaining / total_ratio) if total_ratio > 0 else remaining
        shares.append(share)
        total_ratio -= ratio
        remaining -= share
    return shares


def fit(text: str, width: int) -> list[str]:
    """A cell's lines: wrapped at spaces, a word longer than the column cut with "…" (rich's overflow)."""
    lines = textwrap.wrap(text, max(width, 1), break_long_words=False, break_on_hyphens=False) or [""]
    return [line if len(line) <= width else line[: max(width - 1, 0)] + "…" for line in lines]


def justify(text: str, width: int, how: str) -> str:
    """``text`` padded to ``width`` as rich justifies it ("left", "right", "center": odd space on the right)."""
    room = max(width - len(text), 0)
    left = {"left": 0, "right": room, "center": room // 2}[how]
    return " " * left + text + " " * (room - left)


def console_width() -> int:
    """The width of rich's console, at which it crops Keras's lines: COLUMNS, else the first terminal among
    stdin, stdout and stderr, else 80."""
    width = None
    for stream in (0, 1, 2):
        try:
            width = os.get_terminal_size(stream).columns
            break
        except (AttributeError, ValueError, OSError):
            continue
    columns = os.environ.get("COLUMNS", "")
    if columns.isdigit():
        width = int(columns)
    return width or 80


def draw(heads: list[str], rows: list[tuple], aligns: list[str], widths: list[int]) -> list[str]:
    """The table's lines: the header (bottom-aligned), a rule between rows, every line cropped at the console."""

    def rule(left: str, mid: str, right: str, fill: str) -> str:
        return left + mid.join(fill * (w + 2) for w in widths) + right

    def lines_of(cells: list, bar: str, bottom: bool = False) -> list[str]:
        wrapped = [fit(cell, width) for cell, width in zip(cells, widths)]
        height = max(map(len, wrapped))
        wrapped = [[""] * (height - len(w)) + w if bottom else w + [""] * (height - len(w)) for w in wrapped]
        return [f"{bar} " + f" {bar} ".join(justify(lines[k], width, how) for lines, width, how
                                            in zip(wrapped, widths, aligns)) + f" {bar}"  # fmt: skip
                for k in range(height)]  # fmt: skip

    out = [rule("┏", "┳", "┓", "━"), *lines_of(heads, "┃", bottom=True), rule("┡", "╇", "┩", "━")]
    for i, row in enumerate(rows):
        if i:
            out.append(rule("├", "┼", "┤", "─"))
        out += lines_of(list(row), "│")
    out.append(rule("└", "┴", "┘", "─"))
    crop = console_width()
    return [line[:crop] for line in out]
