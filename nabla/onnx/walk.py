"""Walking a model into the graph: containers layer after layer, functional models call after call.

:func:`walk` converts one module applied to a Value (a list of Values for a merging layer): a
container (``Sequential`` of either API) by walking its layers, a functional model by
:func:`walk_functional`, any other layer by its converter from :mod:`nabla.onnx.table`. Each layer
also runs in nabla on a sample batch alongside, which gives its output shape.

A functional model's calls run in the order the model runs them; each reads the Values its
arguments name. Python's arithmetic on symbolic tensors (``x * 0.5 + h``) exports as ONNX's
elementwise operators (:data:`OPERATORS`); other Python code (``Lambda``, ``keras.ops`` calls) is
refused, naming the call.
"""

from __future__ import annotations

import operator

import numpy as np

from nabla import layers
from nabla.keras.models.functional import Functional
from nabla.keras.symbolic import KerasTensor
from nabla.nn import Module

from .graph import ExportError, Graph, Value
from .table import CONTAINERS, converter_for, exportable

#: Python's operators on symbolic tensors -> the ONNX operator.
OPERATORS = [
    (operator.add, "Add"),
    (operator.sub, "Sub"),
    (operator.mul, "Mul"),
    (operator.truediv, "Div"),
    (operator.pow, "Pow"),
    (operator.neg, "Neg"),
]


def _onnx_operator(fn) -> str | None:
    """The ONNX operator of one of Python's operator functions (compared by identity: ``fn`` may be unhashable)."""
    return next((op_type for python, op_type in OPERATORS if fn is python), None)


def label(module, where: str) -> str:
    name = getattr(module, "name", None)
    if isinstance(name, str):
        return f"layer '{name}' ({type(module).__name__})"
    return f"layer '{where}' ({type(module).__name__})" if where else f"the {type(module).__name__}"


def _refuse(module, where: str):
    cls = type(module).__name__
    register = f"nabla.onnx.register({cls}, converter)"
    if isinstance(module, layers.Lambda):
        raise ExportError(
            f"cannot export {label(module, where)}: a Lambda runs Python code, which has no ONNX form; write it "
            "with built-in layers (Activation, Add, Reshape, ...) or as a layer class of your own with a "
            "converter: nabla.onnx.register(MyLayer, converter)"
        )
    if type(module).__module__.split(".")[0] == "nabla":
        why = "it has no ONNX form in nabla.onnx"
    elif any(True for _ in module.children()):
        why = (
            "it is a model with its own call()/forward(), which the exporter cannot see into; "
            "build it as a Sequential or a functional model of layers"
        )
    else:
        why = "it is a layer of your own"
    raise ExportError(
        f"cannot export {label(module, where)}: {why}. Layers that export: {', '.join(exportable())}; "
        f"for a layer of your own, register a converter: {register}"
    )


def refuse_unwalkable(module) -> None:
    """Refuse, as :func:`walk` would, a top-level module that nothing converts (a model subclass with its own
    ``call``): before the exporter asks for its input shape, which such a model may not record."""
    if type(module) not in CONTAINERS and type(module) is not Functional and converter_for(type(module)) is None:
        _refuse(module, "")


def walk(graph: Graph, module, x, sample, where: str):
    """Convert ``module`` applied to ``x`` (a Value, or a list for a merge); ``sample`` runs alongside in nabla.

    Returns ``(Value, nabla output)``.
    """
    if type(module) in CONTAINERS:
        for name, child in module.named_children():
            x, sample = walk(graph, child, x, sample, f"{where}.{name}" if where else name)
        return x, sample
    if type(module) is Functional and converter_for(Functional) is None:
        if len(module.inputs) != 1 or len(module.outputs) != 1:
            raise ExportError(f"cannot export {label(module, where)} inside another model: it has several inputs "
                              "or outputs; export it on its own")  # fmt: skip
        (y,), (out,) = walk_functional(graph, module, [x], [sample], where)
        return y, out
    convert = converter_for(type(module))
    if convert is None:
        _refuse(module, where)
    out = module(sample, training=False) if isinstance(module, layers.Layer) else module(sample)
    return convert(graph, module, x, (None, *out.shape[1:])), out


def walk_functional(graph: Graph, model, xs: list, samples: list, where: str = ""):
    """Convert a functional model on ``xs`` (one Value per input): ``([output Values], [nabla outputs])``."""
    known = {id(t): pair for t, pair in zip(model.inputs, zip(xs, samples))}

    def values(arg, i: int):
        if isinstance(arg, KerasTensor):
            return known[id(arg)][i]
        if isinstance(arg, (list, tuple)):
            return [values(a, i) for a in arg]
        return arg

    for k, node in enumerate(model._nodes):
        at = f"{where}.call {k}" if where else f"call {k}"
        args, sample_args = values(list(node.args), 0), values(list(node.args), 1)
        op_type = _onnx_operator(node.fn)
        if op_type is not None:
            out = node.fn(*sample_args)
            results = [(_operator(graph, op_type, args, (None, *out.shape[1:]), f"{node.fn.__name__}_{k}"), out)]
        elif isinstance(node.fn, Module) and len(node.args) == 1 and set(node.kwargs) <= {"training"}:
            results = [walk(graph, node.fn, args[0], sample_args[0], at)]
        elif isinstance(node.fn, Module):
            raise ExportError(
                f"cannot export {label(node.fn, at)}: it is called with more than its inputs ({len(node.args)} "
                f"arguments, keywords {sorted(node.kwargs)}), which the export does not carry"
            )
        else:
            name = getattr(node.fn, "name", None) or getattr(node.fn, "__name__", type(node.fn).__name__)
            raise ExportError(
                f"cannot export {at} of '{model.name}': it calls {name}, Python code with no ONNX form; write it "
                "with layers (keras.layers.Activation, Add, Reshape, ...) or Python's arithmetic (+, -, *, /)"
            )
        for t, pair in zip(node.outputs, results):
            known[id(t)] = pair
    outputs = [known[id(t)] for t in model.outputs]
    return [y for y, _ in outputs], [out for _, out in outputs]


def _operator(graph: Graph, op_type: str, operands: list, out_shape: tuple, hint: str) -> Value:
    """Python's arithmetic on tensors and numbers: both tensors in nabla's axis order, numbers as constants."""
    tensors = [v for v in operands if isinstance(v, Value)]
    like = tensors[0]
    names = [graph.logical(v, hint).name if isinstance(v, Value) else graph.scalar(v, like, f"{hint}/constant")
             for v in operands]  # fmt: skip
    return Value(graph.op(op_type, names, hint), out_shape, np.dtype(like.dtype))
