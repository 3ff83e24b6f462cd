"""A computational graph drawn with matplotlib alone: the picture when Graphviz is not installed.

The layout is the simple one Graphviz's ``dot`` starts from: each node goes in the column of its
longest path from an input (the result right), an input just before its first use (a layer's
weights beside that layer), and within a column nodes are ordered by the mean row of the nodes
feeding them, so that most edges run straight.
"""

from __future__ import annotations

import os
from collections import defaultdict

from ._common import require_matplotlib, save

_CHAR = 0.075  # inches per character at 8 points
_LINE = 0.17  # inches per line of text
_COLUMN_GAP = 0.55
_ROW_GAP = 0.3
_STYLES = {
    "tensor": {"boxstyle": "round,pad=0.25", "edgecolor": "0.35"},
    "op": {"boxstyle": "round4,pad=0.3", "edgecolor": "#8e5aa8"},
    "constant": {"boxstyle": "square,pad=0.1", "edgecolor": "none"},
}


def _columns(names: list[str], edges: list[tuple[str, str]]) -> list[list[str]]:
    """Nodes by column (longest path from a source), each column ordered by its inputs' mean row."""
    inputs: dict[str, list[str]] = defaultdict(list)
    outputs: dict[str, list[str]] = defaultdict(list)
    for a, b in edges:
        inputs[b].append(a)
        outputs[a].append(b)
    waiting = {n: len(inputs[n]) for n in names}
    rank = dict.fromkeys(names, 0)
    ready = [n for n in names if waiting[n] == 0]
    while ready:  # Kahn's topological order, iterative (deep graphs must not hit the recursion limit)
        n = ready.pop()
        for m in outputs[n]:
            rank[m] = max(rank[m], rank[n] + 1)
            waiting[m] -= 1
            if waiting[m] == 0:
                ready.append(m)
    for n in names:  # an input sits just before its first use (a layer's weights beside that layer)
        if not inputs[n] and outputs[n]:
            rank[n] = min(rank[m] for m in outputs[n]) - 1
    columns: list[list[str]] = [[] for _ in range(max(rank.values(), default=0) + 1)]
    for n in names:
        columns[rank[n]].append(n)
    first_seen = {n: i for i, n in enumerate(names)}
    row: dict[str, float] = {}
    for column in columns:
        column.sort(key=lambda n: sum(row[a] for a in inputs[n]) / len(inputs[n]) if inputs[n] else first_seen[n])
        row.update({n: float(i) for i, n in enumerate(column)})
    return columns


def draw_graph(nodes: dict, edges: list, note: str | None = None, path: str | os.PathLike | None = None):
    """Draw ``nodes`` (``{name: (kind, lines, fill)}``) and ``edges`` left to right; return the Figure."""
    require_matplotlib()
    from matplotlib.figure import Figure

    names = list(nodes)
    columns = _columns(names, edges)
    size = {n: (max(map(len, lines)) * _CHAR + 0.3, len(lines) * _LINE + 0.2) for n, (_, lines, _) in nodes.items()}
    widths = [max(size[n][0] for n in column) for column in columns]
    heights = [sum(size[n][1] + _ROW_GAP for n in column) for column in columns]
    total_w = sum(widths) + _COLUMN_GAP * (len(columns) - 1) + 0.4
    total_h = max(heights, default=1.0) + (0.5 if note else 0.2)
    # NOTE: one axes filling the figure, 1 data unit = 1 inch, so the boxes' estimated sizes hold.
    fig = Figure(figsize=(max(total_w, 3.0), max(total_h, 1.5)))
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_xlim(0, max(total_w, 3.0))
    ax.set_ylim(-max(total_h, 1.5), 0)
    ax.axis("off")
    texts = {}
    x = 0.2
    for column, width, height in zip(columns, widths, heights):
        y = -(total_h - height) / 2 - _ROW_GAP / 2
        for n in column:
            kind, lines, fill = nodes[n]
            h = size[n][1]
            style = dict(_STYLES[kind], facecolor=fill if fill != "none" else "white")
            texts[n] = ax.text(
                x + width / 2,
                y - h / 2,
                "\n".join(lines),
                ha="center",
                va="center",
                fontsize=8,
                family="DejaVu Sans",
                bbox=style,
                zorder=2,
            )
            y -= h + _ROW_GAP
        x += width + _COLUMN_GAP
    for a, b in edges:
        ax.annotate(
            "",
            xy=texts[b].get_position(),
            xytext=texts[a].get_position(),
            arrowprops={
                "arrowstyle": "-|>",
                "color": "#555555",
                "lw": 0.9,
                "shrinkA": 0,
                "shrinkB": 0,
                "patchA": texts[a].get_bbox_patch(),
                "patchB": texts[b].get_bbox_patch(),
            },
            zorder=3,  # NOTE: after the boxes, whose outlines (which clip the arrows) are placed when drawn
        )
    if note:
        ax.text(0.2, -total_h + 0.15, note, fontsize=8, color="0.3", va="bottom")
    return save(fig, path)


__all__ = ["draw_graph"]
