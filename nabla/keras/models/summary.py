"""The text of ``model.summary()``: one row per layer, then the parameter totals (Keras's layout)."""

from __future__ import annotations

from collections import Counter

import numpy as np

from .._engine import no_grad
from ..layers import Layer
from ..symbolic import KerasTensor, Node, probe_calls
from . import summary_layout
from .data_adapter import blank_input, takes_text


def _size(n_bytes: int) -> str:
    size = float(n_bytes)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _weights(module) -> tuple[list, list]:
    """(trainable, non-trainable) weights: frozen parameters and float buffers (moving statistics) are non-trainable."""
    parameters = list(module.parameters())
    frozen = [p for p in parameters if not p.requires_grad] + [b for b in module.buffers() if b.dtype.kind == "f"]
    return [p for p in parameters if p.requires_grad], frozen


def _counts(module) -> tuple[int, int]:
    """(trainable, non-trainable) values."""
    trainable, frozen = _weights(module)
    return sum(w.size for w in trainable), sum(w.size for w in frozen)


def _totals(weights: list) -> str:
    """The values and their bytes ("15 (64.00 B)"), each weight's in its own dtype (an int64 count takes 8)."""
    return f"{sum(w.size for w in weights):,} ({_size(sum(w.size * w.dtype.itemsize for w in weights))})"


def _optimizer_count(model) -> int | None:
    """The values the optimizer keeps, as Keras 3 counts ``optimizer.variables`` once it is built (after the
    first update; None before): ``iterations``, the rate unless a schedule gives it, and the slots (Adam's
    two moments per weight, SGD's momentum...), here the state arrays shaped like their weights."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not (getattr(optimizer, "_step_calls", 0) or getattr(optimizer, "state", None)):
        return None
    listed = getattr(type(optimizer), "variables", None)
    if isinstance(listed, property):  # (a Keras optimizer: its own list, Nadam's momentum product included)
        return sum(int(np.prod(v.shape)) for v in optimizer.variables)
    slots = sum(
        v.size for p, state in optimizer.state.items() for v in state.values() if getattr(v, "shape", None) == p.shape
    )
    return 1 + (getattr(optimizer, "_schedule", None) is None) + slots


def _unknown_lengths(model) -> bool:
    """Whether an input of the model leaves an axis besides the batch axis unknown (``keras.Input(shape=(None,))``),
    or is a string one (a text's number of words is unknown: ``TextVectorization`` gives ``(None, None)``)."""
    shape = getattr(model, "input_shape", None)
    shapes = shape if isinstance(shape, list) else [shape]
    return takes_text(model) is True or any(s is not None and None in tuple(s)[1:] for s in shapes)


def _batch_size(model) -> int | None:
    """The batch size of the call that built the model (Keras 3 shows it in the output shapes of a model built by
    its first call on data, ``(32, 14, 14, 8)``), None where the input shape was declared with the batch unknown."""
    shape = getattr(model, "input_shape", None) or model._build_input_shape
    if isinstance(shape, list):
        shape = shape[0]
    return shape[0] if shape else None


def _symbolic_shape(layer) -> tuple | None:
    """The shape of the layer's output in its first call on ``keras.Input`` tensors (None for an unknown
    length, as Keras's summary shows it), or None if it has no such call or several outputs."""
    first = getattr(layer, "_first_symbolic_call", None)
    return first[1].shape if first is not None and isinstance(first[1], KerasTensor) else None


def _trace_shapes(model) -> None:
    """Run one sample of zeros through the model so every layer records its output shape; with inputs of
    unknown lengths, call the layers on ``keras.Input`` tensors instead (a Sequential model's graph)."""
    shape = getattr(model, "input_shape", None) or model._build_input_shape
    if _unknown_lengths(model):
        if hasattr(model, "_symbolic_graph"):
            model._symbolic_graph()
        return
    if shape is None:  # never called, no input shape: Keras 3 shows "?" shapes and "0 (unbuilt)" counts
        return
    mode = model.training
    model.eval()
    with no_grad(), probe_calls():
        model(blank_input(model, (1,) + tuple(shape[1:])))
    model.train(mode)


def _graph_rows(model) -> tuple[list[tuple], bool]:
    """A functional model's rows, from its graph as Keras 3 draws them: every operation (the inputs'
    InputLayers, the layers, the calls of functions such as ``x + y``) in Keras's order with the shape of
    its last output in the model, and whether the graph is a chain (Keras's "sequential-like": one node
    at each depth, each node reading one tensor, no layer called twice). Otherwise each row also says what
    the operation is "Connected to": ``producer[node index][output index]`` for each tensor it reads."""
    from .functional import node_depths

    nodes_of: dict[int, list] = {}  # id(layer) -> its calls in this model
    for node in model._nodes:
        nodes_of.setdefault(id(node.fn), []).append(node)
    inputs = {id(t) for t in model.inputs}
    depth, _ = node_depths(model._nodes, inputs)
    at_depth = Counter(depth[id(node)] for node in model._nodes)
    at_depth.update(depth.get(id(t), 0) for t in model.inputs)
    chain = (max(at_depth.values()) == 1 and all(len(node.inputs()) == 1 for node in model._nodes)
             and all(len(calls) == 1 for calls in nodes_of.values()))  # fmt: skip
    rows = []
    for item in model._operations:
        if isinstance(item, KerasTensor):
            label, calls, params = f"{item.name} (InputLayer)", [], 0
            shape = str(item.shape)
        else:
            calls = [item] if isinstance(item, Node) else nodes_of[id(item)]
            label = f"{item.name} ({item.op_class})" if isinstance(item, Node) else _label(type(item).__name__, item)
            params = 0 if isinstance(item, Node) else sum(_counts(item))
            shapes = [str(t.shape) for t in calls[-1].outputs]
            shape = shapes[0] if len(shapes) == 1 else f"[{', '.join(shapes)}]"
        row = (label, shape, f"{params:,}")
        if not chain:
            row += (", ".join(_source(t, inputs) for node in calls for t in node.inputs()) or "-",)
        rows.append(row + (_trainable(item),))
    return rows, chain


def _source(t: KerasTensor, inputs: set) -> str:
    """Where a tensor comes from, as Keras's summary names it: ``dense[0][0]`` (the layer, which of its
    calls, which of that call's outputs); an input (``id`` in ``inputs``) is its InputLayer's only output."""
    if t.node is None or id(t) in inputs:
        return f"{t.name}[0][0]"
    producer = t.node.name or getattr(t.node.fn, "name", type(t.node.fn).__name__)
    output = next(k for k, o in enumerate(t.node.outputs) if o is t)
    return f"{producer}[{t.node.index}][{output}]"


def _trainable(item) -> str:
    """The "Trainable" cell: Y or N for a layer with weights (its ``trainable`` flag), - without (Keras's)."""
    if not isinstance(item, Layer) or not any(True for _ in item.parameters()):
        return "-"
    return "Y" if item.trainable else "N"


def _label(name: str, layer) -> str:
    return f"{layer.name} ({type(layer).__name__})" if isinstance(layer, Layer) else f"{name} ({type(layer).__name__})"


def _layer_rows(model) -> list[tuple]:
    """A Sequential or subclassed model's rows: its layers, with the output shapes one sample of zeros
    (or, for inputs of unknown lengths, keras.Input tensors) gave them. In a model never built, as in
    Keras 3, a shape is "?" and a layer that has weights to make shows "0 (unbuilt)" (Keras 2 refused
    the summary)."""
    _trace_shapes(model)
    variable = _unknown_lengths(model)
    batch = _batch_size(model)
    rows = []
    for name, layer in model.named_children():
        shape = _symbolic_shape(layer) if variable else getattr(layer, "output_shape_seen", None)
        if shape is not None and batch is not None:
            shape = (batch, *shape[1:])
        params = f"{sum(_counts(layer)):,}" if getattr(layer, "built", True) else "0 (unbuilt)"
        rows.append((_label(name, layer), "?" if shape is None else str(shape), params, _trainable(layer)))
    return rows


def summary_table(model, show_trainable: bool = False, line_length: int | None = None, positions=None) -> str:
    """The summary's text, laid out as Keras 3's (see :mod:`.summary_layout`)."""
    model._maybe_build()
    if hasattr(model, "_operations"):
        rows, chain = _graph_rows(model)
    else:
        rows, chain = _layer_rows(model), True
    heads = ["Layer (type)", "Output Shape", "Param #"] + ([] if chain else ["Connected to"])
    aligns = ["left", "left", "right"] + ([] if chain else ["left"])
    if show_trainable:
        heads, aligns = heads + ["Trainable"], aligns + ["center"]
    else:
        rows = [row[:-1] for row in rows]
    line_length, positions = summary_layout.line_length_and_positions(chain, show_trainable, line_length, positions)
    widths = summary_layout.column_widths(line_length, positions, heads)
    out = [f'Model: "{model.name}"', *summary_layout.draw(heads, rows, aligns, widths)]
    trainable, frozen = _weights(model)
    optimizer = _optimizer_count(model)  # (float32 values, 4 bytes each)
    total = sum(w.size for w in trainable + frozen) + (optimizer or 0)
    total_bytes = sum(w.size * w.dtype.itemsize for w in trainable + frozen) + 4 * (optimizer or 0)
    out += [
        f" Total params: {total:,} ({_size(total_bytes)})",
        f" Trainable params: {_totals(trainable)}",
        f" Non-trainable params: {_totals(frozen)}",
    ]
    if optimizer is not None:
        out.append(f" Optimizer params: {optimizer:,} ({_size(4 * optimizer)})")
    return "\n".join(out)


def print_summary(model, line_length=None, positions=None, print_fn=None, expand_nested: bool = False,
                  show_trainable: bool = False, layer_range=None) -> None:  # fmt: skip
    """``model.summary``: ``line_length`` (the table's width) and ``positions`` (the columns' right ends, as
    fractions of it) lay the columns out as Keras 3 does (see :mod:`.summary_layout`); ``show_trainable=True``
    adds Keras's "Trainable" column (Y, N, or - for a layer without weights). ``print_fn``, as Keras's, is
    called once with the whole text, ending in a newline; without it the text goes to standard output.
    ``expand_nested`` and ``layer_range`` are not offered (their defaults only)."""
    for name, value, default in (("expand_nested", expand_nested, False), ("layer_range", layer_range, None)):
        if value != default:
            raise ValueError(f"summary: {name}={value!r} is not offered by nabla; leave it out")
    text = summary_table(model, show_trainable, line_length, positions)
    if print_fn is None:
        print(text)
    else:
        print_fn(text + "\n")
