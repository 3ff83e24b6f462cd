"""The text of ``model.summary()``: one row per layer, then the parameter totals (Keras's layout)."""

from __future__ import annotations

import textwrap

import numpy as np

from .._engine import no_grad
from ..layers import Layer
from ..symbolic import KerasTensor


def _size(n_params: int, itemsize: int = 4) -> str:
    size = float(n_params * itemsize)
    for unit in ("B", "KB", "MB", "GB"):
        if size < 1024 or unit == "GB":
            return f"{size:.2f} {unit}"
        size /= 1024
    return f"{size:.2f} GB"


def _counts(module) -> tuple[int, int]:
    """(trainable, non-trainable) values: frozen parameters and float buffers (moving statistics) are non-trainable."""
    trainable = sum(p.size for p in module.parameters() if p.requires_grad)
    frozen = sum(p.size for p in module.parameters() if not p.requires_grad)
    frozen += sum(b.size for b in module.buffers() if b.dtype.kind == "f")
    return trainable, frozen


def _optimizer_count(model) -> int | None:
    """The values the optimizer keeps, as Keras 3 counts ``optimizer.variables`` once it is built (after the
    first update; None before): ``iterations``, the rate unless a schedule gives it, and the slots (Adam's
    two moments per weight, SGD's momentum...), here the state arrays shaped like their weights."""
    optimizer = getattr(model, "optimizer", None)
    if optimizer is None or not (getattr(optimizer, "_step_calls", 0) or getattr(optimizer, "state", None)):
        return None
    slots = sum(
        v.size for p, state in optimizer.state.items() for v in state.values() if getattr(v, "shape", None) == p.shape
    )
    return 1 + (getattr(optimizer, "_schedule", None) is None) + slots


def _unknown_lengths(model) -> bool:
    """Whether an input of the model leaves an axis besides the batch axis unknown (``keras.Input(shape=(None,))``)."""
    shape = getattr(model, "input_shape", None)
    shapes = shape if isinstance(shape, list) else [shape]
    return any(s is not None and None in tuple(s)[1:] for s in shapes)


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
    if shape is None:
        if not any(True for _ in model.parameters()):
            raise ValueError(
                f"model '{model.name}' has not been built yet, so its weights do not exist: give input_shape= to "
                "the first layer, start with Input(shape=...), call model.build((None, features)), or fit it first"
            )
        return
    mode = model.training
    model.eval()
    with no_grad():
        model(np.zeros((1,) + tuple(shape[1:]), dtype=model.dtype))
    model.train(mode)


def summary_table(model) -> str:
    model._maybe_build()
    _trace_shapes(model)
    variable = _unknown_lengths(model)
    rows = []
    children = list(model.named_children())
    for position, layer in sorted(getattr(model, "_input_positions", {}).items()):  # a functional model's inputs
        children.insert(position, (layer.name, layer))
    for name, layer in children:
        label = (
            f"{layer.name} ({type(layer).__name__})" if isinstance(layer, Layer) else f"{name} ({type(layer).__name__})"
        )
        shape = _symbolic_shape(layer) if variable else getattr(layer, "output_shape_seen", None)
        trainable, frozen = _counts(layer)
        rows.append((label, "?" if shape is None else str(shape), f"{trainable + frozen:,}"))
    widths = [31, 22, 13]  # Keras 3's columns (of its 88 characters); longer cells wrap at spaces, as its table's
    heads = ("Layer (type)", "Output Shape", "Param #")

    def line(left, mid, right, fill="━"):
        return left + mid.join(fill * (w + 2) for w in widths) + right

    out = [
        f'Model: "{model.name}"',
        line("┏", "┳", "┓"),
        "┃ " + " ┃ ".join([heads[0].ljust(widths[0]), heads[1].ljust(widths[1]), heads[2].rjust(widths[2])]) + " ┃",
        line("┡", "╇", "┩"),
    ]
    for i, row in enumerate(rows):
        if i:  # a rule between the rows, as Keras 3 draws them
            out.append(line("├", "┼", "┤", "─"))
        cells = [textwrap.wrap(cell, width, break_on_hyphens=False) or [""] for cell, width in zip(row, widths)]
        for k in range(max(map(len, cells))):
            label, shape, params = (lines[k] if k < len(lines) else "" for lines in cells)
            texts = [label.ljust(widths[0]), shape.ljust(widths[1]), params.rjust(widths[2])]
            out.append("│ " + " │ ".join(texts) + " │")
    out.append(line("└", "┴", "┘", "─"))
    trainable, frozen = _counts(model)
    optimizer = _optimizer_count(model)
    total = trainable + frozen + (optimizer or 0)
    out += [
        f" Total params: {total:,} ({_size(total)})",
        f" Trainable params: {trainable:,} ({_size(trainable)})",
        f" Non-trainable params: {frozen:,} ({_size(frozen)})",
    ]
    if optimizer is not None:
        out.append(f" Optimizer params: {optimizer:,} ({_size(optimizer)})")
    return "\n".join(out)
