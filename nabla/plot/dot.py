"""The computational graph of a result, as Graphviz DOT text (like micrograd's ``draw_dot``).

Tensors are drawn as records (label or operation, shape and dtype, the
value of a scalar, and the gradient's norm once there is one), operations
as ellipses, with edges input -> operation -> output. The DOT text needs
nothing; turning it into a picture needs Graphviz's ``dot`` program, or
matplotlib (:meth:`GraphDrawing.figure`, a simpler layout of the same nodes).

``backward()`` frees the graph as it goes (the saved inputs of every
operation are dropped), so call :func:`graph` **before** backward, or
back-propagate with ``loss.backward(retain_graph=True)`` to draw the graph
with its gradients. Leaves (parameters, inputs) keep their ``.grad``; the
gradients of intermediate tensors are only kept by ``t.retain_grad()``, or
computed for the drawing with ``graph(loss, compute_grads=True)``.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from collections.abc import Mapping
from pathlib import Path

import numpy as np

from ..atomic import atomic_write
from ..engine.tensor import Tensor

FORMATS = ("svg", "png", "pdf", "dot")

_FREED_NOTE = "part of the graph was freed by backward(): call graph() before backward, or backward(retain_graph=True)"


def _escape_record(text: str) -> str:
    """Escape the characters that mean something inside a Graphviz record label."""
    for ch in ("\\", "{", "}", "|", "<", ">", '"'):
        text = text.replace(ch, "\\" + ch)
    return text


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace('"', '\\"')


def _fmt(v: float) -> str:
    return f"{v:.4g}"


class GraphDrawing:
    """The drawing of a computational graph: ``.dot`` holds the Graphviz text, ``render()`` makes a picture.

    Attributes:
        dot: the DOT source (always available, no Graphviz needed).
        nodes: ``{name: (kind, lines, fill)}``, kind "tensor", "op" or "constant", the lines of
            its label and its fill colour: what :meth:`figure` draws.
        edges: ``[(from, to), ...]`` between node names.
        format: the default output format of :meth:`render` ("svg", "png" or "pdf").
        freed: True when backward had already freed part of the graph.
        num_tensors, num_ops: how many tensor and operation nodes were drawn.

    In a notebook the drawing shows itself as SVG when ``dot`` is installed.
    """

    def __init__(
        self,
        dot: str,
        format: str = "svg",
        freed: bool = False,
        num_tensors: int = 0,
        num_ops: int = 0,
        nodes: dict | None = None,
        edges: list | None = None,
    ):
        self.dot = dot
        self.nodes = nodes or {}
        self.edges = edges or []
        self.format = _check_format(format)
        self.freed = freed
        self.num_tensors = num_tensors
        self.num_ops = num_ops

    def render(self, format: str | None = None) -> bytes:
        """The picture, as bytes of ``format`` (default ``self.format``), made by Graphviz's ``dot``."""
        format = _check_format(format or self.format)
        if format == "dot":
            return self.dot.encode()
        exe = shutil.which("dot")
        if exe is None:
            raise RuntimeError(
                "rendering a graph needs Graphviz's 'dot' program, which was not found on PATH: install Graphviz "
                "(apt-get install graphviz, brew install graphviz, conda install graphviz; "
                "https://graphviz.org/download/). "
                "The DOT text is available without it as drawing.dot, or save it with path='graph.dot'"
            )
        done = subprocess.run([exe, f"-T{format}"], input=self.dot.encode(), capture_output=True, check=False)
        if done.returncode != 0:
            raise RuntimeError(
                f"Graphviz's dot failed (exit {done.returncode}): {done.stderr.decode(errors='replace')}"
            )
        return done.stdout

    def figure(self, path: str | os.PathLike | None = None):
        """The drawing as a matplotlib Figure, laid out without Graphviz (inputs on the left, the result right).

        The same nodes and edges as the DOT text, in a plainer layout: every node in the column
        of its longest path from an input. For large graphs Graphviz's layout reads better.
        """
        from .graph_figure import draw_graph

        return draw_graph(self.nodes, self.edges, note=_FREED_NOTE if self.freed else None, path=path)

    def save(self, path: str | os.PathLike, format: str | None = None) -> Path:
        """Write the drawing to ``path``; the format is ``format``, else the file's extension, else ``self.format``.

        A ``.dot`` or ``.gv`` file gets the DOT text (no Graphviz needed).
        """
        path = Path(path)
        if format is None:
            suffix = path.suffix.lower().lstrip(".")
            format = "dot" if suffix == "gv" else suffix if suffix in FORMATS else self.format
        atomic_write(path, self.render(format))
        return path

    def _repr_svg_(self):
        if shutil.which("dot") is None:
            return None  # the notebook falls back to the text repr
        return self.render("svg").decode()

    def __str__(self) -> str:
        return self.dot

    def __repr__(self) -> str:
        freed = ", partly freed" if self.freed else ""
        return f"<GraphDrawing: {self.num_tensors} tensors, {self.num_ops} operations{freed}>"


def _check_format(format: str) -> str:
    if format not in FORMATS:
        raise ValueError(f"graph: format must be one of {', '.join(FORMATS)}, got {format!r}")
    return format


def _label_table(labels) -> dict[int, str]:
    """``{tensor: "x"}`` or ``{"x": tensor}`` (e.g. ``dict(model.named_parameters())``) as ``{id(tensor): "x"}``."""
    table = {}
    for key, value in (labels or {}).items():
        if isinstance(key, Tensor) and isinstance(value, str):
            table[id(key)] = value
        elif isinstance(key, str) and isinstance(value, Tensor):
            table[id(value)] = key
        else:
            raise TypeError(
                f"graph: labels maps tensors to names ({{x: 'x'}}) or names to tensors ({{'x': x}}); "
                f"got an entry {type(key).__name__} -> {type(value).__name__}"
            )
    return table


def _params_text(params: dict) -> str:
    parts = []
    for key, value in params.items():
        if value is None or value is False or isinstance(value, np.ndarray) or callable(value):
            continue  # defaults (keepdims=False) and arrays say little in a drawing
        text = f"{key}={value}"
        if len(text) <= 28:
            parts.append(text)
    return ", ".join(parts)


def _collect_grads(root: Tensor, tensors: list[Tensor]) -> dict[int, np.ndarray]:
    """The gradient of ``root`` (summed, if not a scalar) with respect to every tensor drawn, by ``nb.grad``."""
    from ..engine.backward import grad

    wanted = [t for t in tensors if t.requires_grad]
    if not root.requires_grad or not wanted:
        return {}
    seed = Tensor._make(np.ones(root.shape, dtype=root.dtype))
    grads = grad(root, wanted, grad_outputs=seed, retain_graph=True, allow_unused=True)
    return {id(t): np.asarray(g._data) for t, g in zip(wanted, grads) if g is not None}


def graph(
    tensor: Tensor,
    path: str | os.PathLike | None = None,
    format: str = "svg",
    labels: Mapping | None = None,
    compute_grads: bool = False,
    rankdir: str = "LR",
) -> GraphDrawing:
    """Draw the computational graph that produced ``tensor``.

    Nodes: every tensor (a record: its label or the operation that made it,
    its shape and dtype, its value if it is a scalar, and ``‖grad‖`` when it
    has a gradient) and every operation (an ellipse with the primitive's
    name and parameters). Edges go input -> operation -> output. Leaves that
    require grad (parameters) are blue, other inputs grey, the result yellow;
    plain Python numbers used by an operation are small text nodes.

    Call it **before** ``backward()``, which frees the graph (the drawing
    then stops at the result, with a note), or back-propagate with
    ``backward(retain_graph=True)``: leaves then show their ``.grad``.
    ``compute_grads=True`` instead computes d(sum of tensor)/d(every tensor
    drawn) with ``nb.grad`` (``.grad`` is left untouched), like micrograd's
    drawings, where every node shows its gradient.

    Args:
        tensor: the result whose graph to draw (e.g. a loss).
        path: file to write (.svg, .png, .pdf need Graphviz's ``dot``; .dot/.gv get the text).
        format: the default format of ``render()`` and of a ``path`` without a known extension.
        labels: names for tensors: ``{x: "x", w: "w"}`` or ``{"x": x, "w": w}``
            (``dict(model.named_parameters())`` names a model's weights).
        compute_grads: compute and show every tensor's gradient (the graph must not be freed).
        rankdir: Graphviz's direction, "LR" (left to right, default) or "TB".

    Returns:
        A :class:`GraphDrawing`: ``.dot`` is the DOT text, ``.render()`` the picture's bytes.

    Example::

        x = nb.tensor([1.0, 2.0], requires_grad=True)
        w = nb.tensor([0.5, -1.0], requires_grad=True)
        loss = (x * w).sum().tanh()
        drawing = nabla.plot.graph(loss, labels={x: "x", w: "w"})
        loss.backward(retain_graph=True)
        nabla.plot.graph(loss, labels={x: "x", w: "w"}, path="graph.svg")   # now with gradients
    """
    if not isinstance(tensor, Tensor):
        raise TypeError(f"graph: expected a Tensor, got {type(tensor).__name__}")
    _check_format(format)
    names = _label_table(labels)

    # Walk the graph from the result, iteratively (deep graphs must not hit the recursion limit).
    # DOT names: t0, t1... for tensors and op0, op1... for operations, in the order they are met.
    tensors: dict[int, Tensor] = {id(tensor): tensor}
    tnum: dict[int, str] = {id(tensor): "t0"}
    ops: dict[int, object] = {}
    onum: dict[int, str] = {}
    edges: list[tuple[str, str]] = []
    constants: list[tuple[str, str]] = []
    freed = False
    stack = [tensor]
    while stack:
        t = stack.pop()
        node = t._node
        if node is None:
            continue
        seen = id(node) in onum
        if not seen:
            onum[id(node)] = f"op{len(onum)}"
            ops[id(node)] = node
        op_id = onum[id(node)]
        edges.append((op_id, tnum[id(t)]))
        if seen:
            continue
        if node.inputs is None:
            freed = True
            continue
        for x in node.input_tensors():
            if isinstance(x, Tensor):
                if id(x) not in tensors:
                    tensors[id(x)] = x
                    tnum[id(x)] = f"t{len(tnum)}"
                    stack.append(x)
                edges.append((tnum[id(x)], op_id))
            elif x is not None:
                const_id = f"c{len(constants)}"
                shape = np.shape(x)
                constants.append((const_id, _fmt(float(x)) if shape == () else f"constant {shape}"))
                edges.append((const_id, op_id))

    grads = {}
    if compute_grads:
        if freed:
            raise RuntimeError(
                "graph(compute_grads=True): the graph was freed by backward(); call graph() before backward, "
                "or backward(retain_graph=True)"
            )
        grads = _collect_grads(tensor, list(tensors.values()))

    nodes: dict[str, tuple[str, list[str], str]] = {}
    lines = ["digraph nabla {", f"  rankdir={rankdir};", '  node [fontname="Helvetica", fontsize=11];']
    lines.append('  edge [color="#555555", arrowsize=0.7];')
    if freed:
        lines.append(f'  label="{_escape(_FREED_NOTE)}"; labelloc=b; fontname="Helvetica"; fontsize=10;')
    for tid, t in tensors.items():
        fields = []
        title = names.get(tid)
        if title is None:
            title = t._node.name if t._node is not None else ("param" if t.requires_grad else "input")
        elif t._node is not None:
            title = f"{title} = {t._node.name}"
        fields.append(title)
        fields.append(f"{tuple(t.shape)} {t.dtype}")
        if t.size == 1:
            fields.append(f"value {_fmt(float(t._data.reshape(-1)[0]))}")
        g = grads.get(tid)
        if g is None and t.grad is not None:
            g = np.asarray(t.grad._data)
        if g is not None:
            fields.append(
                f"grad {_fmt(float(g.reshape(-1)[0]))}" if g.size == 1 else f"‖grad‖ {_fmt(np.linalg.norm(g))}"
            )
        if tid == id(tensor):
            fill = "#fff2b3"
        elif t._node is None:
            fill = "#cfe3f7" if t.requires_grad else "#e6e6e6"
        else:
            fill = "white"
        nodes[tnum[tid]] = ("tensor", fields, fill)
        label = "{ " + " | ".join(_escape_record(f) for f in fields) + " }"
        # NOTE: _escape_record already escapes quotes; a second pass would double the record's backslashes.
        lines.append(f'  {tnum[tid]} [shape=record, style="rounded,filled", fillcolor="{fill}", label="{label}"];')
    for nid, node in ops.items():
        params = _params_text(node.params or {})
        parts = [node.name] + ([params] if params else []) + (["(freed)"] if node.inputs is None else [])
        text = "\\n".join(_escape(p) for p in parts)  # DOT's \n: a centred line break
        style = "dashed" if node.inputs is None else "filled"
        nodes[onum[nid]] = ("op", parts, "#f3e0f7")
        lines.append(f'  {onum[nid]} [shape=ellipse, style="{style}", fillcolor="#f3e0f7", label="{text}"];')
    for cid, text in constants:
        nodes[cid] = ("constant", [text], "none")
        lines.append(f'  {cid} [shape=plaintext, fontsize=10, label="{_escape(text)}"];')
    unique = list(dict.fromkeys(edges))  # x * x uses x twice: one edge is enough to read the picture
    lines += [f"  {a} -> {b};" for a, b in unique]
    lines.append("}")
    drawing = GraphDrawing("\n".join(lines) + "\n", format, freed, len(tensors), len(ops), nodes, unique)
    if path is not None:
        drawing.save(path)
    return drawing


__all__ = ["FORMATS", "GraphDrawing", "graph"]
