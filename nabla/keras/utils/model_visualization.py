"""``keras.utils.plot_model``: a picture of a model's layers and how data flows between them (Graphviz).

A functional model (and a Sequential model that knows its input shape) is drawn from its graph of calls on
``keras.Input`` tensors, with their shapes (an axis of unknown length shows as None, as Keras draws it).
Any other model's flow is found by running one sample of zeros (one per input) through it and recording,
for every layer directly inside it, which tensors it received and which it returned; a layer whose input
came from another layer's output (directly, or through plain operations in a subclassed ``call``, found by
walking the tensor's graph) gets an edge from it. So a ``Sequential`` draws as a chain, and a functional or
subclassed model with branches draws its branches. The DOT text is turned into a picture by the same
:class:`nabla.plot.GraphDrawing` that draws computational graphs (``nabla.plot.graph``).
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from ...nn import Module
from .. import activations
from .._engine import Tensor
from ..symbolic import KerasTensor, nodes_between


def _tensors(value) -> list[Tensor]:
    """The tensors in a layer's argument or result (a tensor, or a list/tuple/dict of them)."""
    if isinstance(value, Tensor):
        return [value]
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _tensors(v)]
    return []


def _producers(tensor: Tensor, made_by: dict[int, int]) -> set[int]:
    """The layers (indices) whose outputs ``tensor`` was computed from, through operations between layers."""
    found, stack, seen = set(), [tensor], set()
    while stack:
        t = stack.pop()
        if id(t) in made_by:
            found.add(made_by[id(t)])
            continue
        if id(t) in seen or t.grad_fn is None:
            continue
        seen.add(id(t))
        stack.extend(x for x in t.grad_fn.input_tensors() if isinstance(x, Tensor))
    return found


def _input_specs(model) -> list[tuple[tuple, np.dtype, str]]:
    """``(shape, dtype, name)`` of each of the model's inputs; an error that says what to do when unknown."""
    try:
        inputs = getattr(model, "inputs", None)
    except ValueError:  # a Sequential model with no input shape yet: said below
        inputs = None
    if inputs:
        return [(tuple(t.shape), np.dtype(t.dtype), t.name) for t in inputs]
    shape = getattr(model, "input_shape", None) or getattr(model, "_build_input_shape", None)
    if shape is None:
        raise ValueError(
            f"plot_model: the input shape of model '{getattr(model, 'name', type(model).__name__)}' is unknown, so "
            "its layers cannot be traced: give input_shape= to the first layer, start with Input(shape=...), "
            "call model.build((None, features)), or call it on data first"
        )
    return [(tuple(shape), np.dtype(getattr(model, "dtype", np.float32)), "Input")]


def _symbolic_graph(model) -> tuple[list, list] | None:
    """The model's ``keras.Input`` tensors and outputs, or None when it has none (a subclassed model, or a
    Sequential model without an input shape)."""
    try:
        inputs, outputs = getattr(model, "inputs", None), getattr(model, "outputs", None)
    except ValueError:
        return None
    if not inputs or not outputs or not all(isinstance(t, KerasTensor) for t in [*inputs, *outputs]):
        return None
    return list(inputs), list(outputs)


def _walk(inputs: list, outputs: list) -> tuple[list[Module], list[tuple[int, int]], list[tuple]]:
    """What :func:`_trace` finds, read from the graph of calls between ``inputs`` and ``outputs``: a call of a
    function between layers (``x + y``) passes on where its inputs came from."""
    layers: list[Module] = []
    shapes: list[tuple] = []
    edges: set[tuple[int, int]] = set()
    came_from: dict[int, set[int]] = {id(t): {-1 - k} for k, t in enumerate(inputs)}
    for node in nodes_between(set(came_from), outputs):
        sources = set().union(*(came_from.get(id(t), set()) for t in node.inputs()))
        if not isinstance(node.fn, Module):
            came_from.update((id(t), sources) for t in node.outputs)
            continue
        if node.fn not in layers:
            layers.append(node.fn)
            shapes.append(([], []))
        index = layers.index(node.fn)
        edges.update((p, index) for p in sources)
        shapes[index][0].extend(t.shape for t in node.inputs())
        shapes[index][1].extend(t.shape for t in node.outputs)
        came_from.update((id(t), {index}) for t in node.outputs)
    return layers, sorted(edges), shapes


def _trace(model: Module, specs: list) -> tuple[list[Module], list[tuple[int, int]], list[tuple]]:
    """Run one sample through ``model``: its layers in call order, the edges between them (input ``k`` is
    ``-1 - k``), and each layer's (input shapes, output shapes)."""
    layers: list[Module] = []
    shapes: list[tuple] = []
    # an axis of unknown length (a sequence of any length) gets one step
    samples = [Tensor._make(np.zeros([1] + [n or 1 for n in shape[1:]], dtype=dtype)) for shape, dtype, _ in specs]
    made_by: dict[int, int] = {id(t): -1 - k for k, t in enumerate(samples)}
    edges: set[tuple[int, int]] = set()
    children = list(model.children())

    def recorder(layer: Module, forward):
        def record(*args, **kwargs):
            out = forward(*args, **kwargs)
            if layer not in layers:
                layers.append(layer)
                shapes.append(([], []))
            index = layers.index(layer)
            for t in _tensors(args):
                # (a tensor traced to no layer comes from the input, when there is one input)
                found = _producers(t, made_by) or ({-1} if len(samples) == 1 else set())
                edges.update((p, index) for p in found)
                shapes[index][0].append((None, *t.shape[1:]))
            for t in _tensors(out):
                made_by[id(t)] = index
                shapes[index][1].append((None, *t.shape[1:]))
            return out

        return record

    for child in children:
        child.forward = recorder(child, child.forward)  # an instance attribute: shadows the class's forward
    mode = model.training
    model.eval()
    try:
        # NOTE: gradients stay on (no no_grad) so that operations between layers leave a graph to follow.
        model(samples[0] if len(samples) == 1 else samples)
    finally:
        model.train(mode)
        for child in children:
            del child.forward
    return layers, sorted(edges), shapes


def _shape_text(shapes: list) -> str:
    if not shapes:
        return "?"
    return str(shapes[0]) if len(shapes) == 1 else "[" + ", ".join(str(s) for s in shapes) + "]"


def _escape(text: str) -> str:
    for ch in ("\\", "{", "}", "|", "<", ">", '"'):
        text = text.replace(ch, "\\" + ch)
    return text


def model_to_dot(
    model,
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
) -> str:
    """The Graphviz DOT text of :func:`plot_model`'s picture (no Graphviz needed)."""
    if rankdir not in ("TB", "LR"):
        raise ValueError(f"plot_model: rankdir must be 'TB' (top to bottom) or 'LR' (left to right), got {rankdir!r}")
    if hasattr(model, "_maybe_build"):
        model._maybe_build()
    specs = _input_specs(model)
    graph = _symbolic_graph(model)
    layers, edges, shapes = _walk(*graph) if graph is not None else _trace(model, specs)
    lines = [
        "digraph model {",
        f'  graph [rankdir={rankdir}, dpi={int(dpi)}, label="{getattr(model, "name", "")}"];',
        '  node [shape=record, style="rounded,filled", fillcolor="#ffffff", fontname="Helvetica"];',
    ]
    for k, (shape, _, name) in enumerate(specs):
        rows = [name if len(specs) > 1 else "Input"] + ([_shape_text([shape])] if show_shapes else [])
        lines.append(f'  n_in{k} [label="{{{"|".join(_escape(r) for r in rows)}}}", fillcolor="#e8e8e8"];')
    for i, layer in enumerate(layers):
        title = type(layer).__name__
        if show_layer_names and getattr(layer, "name", None):
            title = f"{layer.name} ({title})"
        rows = [title]
        activation = getattr(layer, "activation", None)
        if show_layer_activations and activation is not None:
            rows.append(f"activation: {activations.name_of(activation) or type(activation).__name__}")
        if show_shapes:
            rows.append(f"input: {_shape_text(shapes[i][0])}|output: {_shape_text(shapes[i][1])}")
        if show_dtype:
            rows.append(f"dtype: {np.dtype(getattr(layer, 'dtype', np.float32)).name}")
        if show_trainable:
            frozen = not any(p.requires_grad for p in layer.parameters())
            rows.append("trainable: " + ("N" if frozen else "Y"))
        label = "|".join(r if r.startswith("input: ") else _escape(r) for r in rows)
        lines.append(f'  n{i} [label="{{{label}}}"];')
    lines += [f"  {f'n_in{-1 - a}' if a < 0 else f'n{a}'} -> n{b};" for a, b in edges]
    lines.append("}")
    return "\n".join(lines) + "\n"


def plot_model(
    model,
    to_file: str | os.PathLike = "model.png",
    show_shapes: bool = False,
    show_dtype: bool = False,
    show_layer_names: bool = False,
    rankdir: str = "TB",
    expand_nested: bool = False,
    dpi: int = 200,
    show_layer_activations: bool = False,
    show_trainable: bool = False,
    **kwargs,
):
    """Draw the model's layers as boxes joined by arrows in the direction data flows, and save the picture.

    Keras's arguments and defaults: ``show_shapes`` adds each layer's input and output shapes
    (channels-last, batch axis ``None``), ``show_layer_names`` its name, ``show_dtype``,
    ``show_layer_activations`` and ``show_trainable`` those; ``rankdir`` is "TB" (top to bottom) or "LR".
    The model must know its input shape (``input_shape=`` on the first layer, ``Input``, ``build`` or a first
    call). ``expand_nested`` is accepted and draws a nested model as one box (as Keras does when False).

    The format follows ``to_file``'s extension: ``.png``, ``.svg``, ``.pdf`` (these need Graphviz's ``dot``
    program; the error says how to install it) or ``.dot``/``.gv`` (the text, no Graphviz needed).

    Returns:
        A :class:`nabla.plot.GraphDrawing` (``.dot`` holds the text); in a notebook it shows itself, as the
        image Keras returns does.

    Example:
        >>> keras.utils.plot_model(model, to_file="model.png", show_shapes=True)
    """
    if kwargs:
        raise TypeError(f"plot_model: unexpected arguments {sorted(kwargs)}")
    from ...plot.dot import GraphDrawing  # nabla.plot sits beside the Keras side; imported when used

    dot = model_to_dot(
        model, show_shapes, show_dtype, show_layer_names, rankdir, dpi, show_layer_activations, show_trainable
    )
    suffix = Path(to_file).suffix.lower().lstrip(".")
    drawing = GraphDrawing(dot, format=suffix if suffix in ("svg", "png", "pdf") else "png")
    drawing.save(to_file)
    return drawing
