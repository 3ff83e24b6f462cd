"""``nabla.onnx.export``: a model to an ONNX file that runs where nabla is not installed.

The exporter walks the model's layers in order (a ``Sequential`` of either
API, nested ones included, a functional model call after call, or a single
layer: :mod:`nabla.onnx.walk`), runs each on a sample batch in inference
mode to learn its output shape, and writes the layer's ONNX form (see
:mod:`nabla.onnx.table`). Nothing is written until the whole graph
is built and has passed ``onnx.checker.check_model(full_check=True)``; the
file is then written atomically.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

import nabla as nb
from nabla import models
from nabla.atomic import atomic_write
from nabla.keras.models.functional import Functional

from .graph import ExportError, Graph, Value
from .walk import refuse_unwalkable, walk, walk_functional

#: The lowest opset the exporter writes (LayerNormalization's); the highest is the installed onnx package's.
MIN_OPSET = 17


def require_onnx():
    """The ``onnx`` package, or an ImportError naming the extra to install."""
    try:
        import onnx
        import onnx.checker
        import onnx.helper
        import onnx.numpy_helper
    except ImportError:
        raise ImportError("ONNX export needs the onnx package: pip install 'nabla[onnx]'") from None
    return onnx


def export(model, example_input=None, path=None, *, opset_version: int | None = 17, input_shape=None):
    """Export ``model`` to ONNX; write it to ``path`` (atomically) if given; return the ``onnx.ModelProto``.

    Args:
        model: a Keras-style ``Sequential`` (nabla.models), a functional model (``keras.Model(inputs,
            outputs)``), an ``nn.Sequential``, or one layer; nested models are walked. Every layer must
            have an ONNX form (Dense/Linear, the activations, Conv2D/Conv2d, pooling, BatchNormalization/
            BatchNorm in inference form, LayerNormalization, Flatten, Embedding, the merging, reshaping and
            global pooling layers, ...); dropout, noise and augmentation layers export as nothing. Anything
            else (a Lambda, a keras.ops call) is refused, naming the layer, before anything is written.
        example_input: a batch of inputs (array or Tensor, batch axis first): fixes the input's shape and
            dtype (integer inputs, for Embedding, give an int64 input). Optional for a Keras-style model
            whose input shape is known. A list of batches, one per input, for a functional model with
            several inputs (``input_shape`` then a list of shapes too).
        path: the ``.onnx`` file to write (folders that do not exist yet are created), or None to only
            build and check the model.
        opset_version: the ONNX opset, 17 (the default; None too, as in Keras) or later.
        input_shape: one sample's shape (no batch axis; an int for one axis), instead of ``example_input``.
            Either must agree with the input shape the model already knows, and may fill its unknown sizes.

    The input is named ``"input"`` and the output ``"output"`` (a functional model's several inputs
    take their ``keras.Input`` names, its several outputs ``"output_0"``, ``"output_1"``, ... in the order
    of ``model.outputs``); their first axis is the symbolic ``"batch"``, so one file serves any batch
    size. The graph computes in float32 and gives :meth:`predict`'s outputs to float32 rounding.
    Keras-style convnets keep their channels-last input and flatten order: the graph transposes to
    ONNX's channels-first layout around the convolutions and back before Flatten or Dense. The model
    is left as it was found (each layer's training mode included).

    Example::

        >>> model = nabla.models.Sequential([nabla.layers.Input((4,)), nabla.layers.Dense(3, activation="softmax")])
        >>> proto = nabla.onnx.export(model, path="model.onnx")  # doctest: +SKIP
    """
    onnx = require_onnx()
    opset_version = _opset(onnx, opset_version)
    if not isinstance(model, nb.nn.Module):
        raise TypeError(f"export: expected a nabla model or module, got {type(model).__name__}")
    if path is not None and Path(path).is_dir():
        raise IsADirectoryError(f"export: {path} is a folder; give the file to write, e.g. {Path(path) / 'model.onnx'}")
    refuse_unwalkable(model)
    _check_dtypes(model)
    several = isinstance(model, Functional)
    samples = functional_samples(model, example_input, input_shape) if several else [
        _sample(model, example_input, input_shape)]  # fmt: skip

    graph = Graph(onnx, opset_version)
    names = input_names(model) if several else ["input"]
    xs = [Value(graph.fresh(name), (None, *s.shape[1:]), s.dtype) for name, s in zip(names, samples)]
    count = len(model.outputs) if several else 1
    outputs = ["output"] if count == 1 else [f"output_{i}" for i in range(count)]
    for name in outputs:
        graph.fresh(name)  # reserved for the graph's outputs
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with nb.no_grad():
            tensors = [nb.from_numpy(s) for s in samples]
            if several:
                ys, outs = walk_functional(graph, model, xs, tensors)
            else:
                y, out = walk(graph, model, xs[0], tensors[0], "")
                ys, outs = [y], [out]
    finally:
        for module, mode in modes:  # parents first: each child's own mode is set after its parent's
            module.train(mode)
    proto = _assemble(onnx, graph, xs, [graph.logical(y, name) for y, name in zip(ys, outputs)], outputs, outs,
                      opset_version, model)  # fmt: skip
    onnx.checker.check_model(proto, full_check=True)
    if path is not None:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        atomic_write(path, proto.SerializeToString())
    return proto


def _opset(onnx, opset_version) -> int:
    """The opset to write: ``opset_version`` checked, None meaning the default (Keras's convention)."""
    if opset_version is None:
        return MIN_OPSET
    if isinstance(opset_version, bool) or not isinstance(opset_version, numbers.Integral):
        raise TypeError(f"export: opset_version must be an integer, got {opset_version!r}")
    latest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset_version <= latest:
        raise ValueError(f"export: opset_version must be in {MIN_OPSET}..{latest}, got {opset_version}")
    return int(opset_version)


def _sample(model, example_input, input_shape) -> np.ndarray:
    """A batch of inputs to run the model on: the example, or zeros of one sample's shape.

    Either must agree with the input shape the model already knows (a Keras-style model's ``input_shape``,
    batch axis first): nabla builds a layer's weights at its first call, so a disagreeing shape would
    otherwise build the user's model for the wrong input.
    """
    known = getattr(model, "input_shape", None)
    known = None if known is None else tuple(known)
    name = getattr(model, "name", type(model).__name__)
    if example_input is not None:
        data = example_input.detach().numpy() if isinstance(example_input, nb.Tensor) else np.asarray(example_input)
        if data.ndim == 0:
            raise ValueError("export: example_input must be a batch of inputs (batch axis first), got a scalar")
        _check_agrees(known, data.shape[1:], f"example_input's samples, of shape {data.shape[1:]},", name)
        return data.astype(np.int64 if data.dtype.kind in "iub" else np.float32)
    if input_shape is None:
        if known is None and not isinstance(model, models.Model):
            raise ExportError(
                f"cannot export the {name}: a module does not record the shape of its input; pass an example "
                "batch, nabla.onnx.export(module, example_input, path), or the shape of one sample: input_shape=(...)"
            )
        if known is None:
            raise ExportError(
                f"cannot export '{name}': its input shape is not known yet. Build it first (input_shape=... on "
                "its first layer, an Input(shape=...) first, model.build((None, ...)), or a call on data), or "
                "pass the shape of one sample: input_shape=(...) (or an example_input batch)"
            )
        if None in known[1:]:
            sizes = ", ".join("n" if n is None else str(n) for n in known[1:])
            raise ExportError(
                f"cannot export '{name}': its input shape {known} leaves sizes besides the batch unknown, and the "
                f"graph needs them: pass input_shape=({sizes}{',' if len(known) == 2 else ''}) with each n a number"
            )
        return np.zeros((1, *known[1:]), dtype=np.float32)
    shape = (input_shape,) if isinstance(input_shape, numbers.Integral) else tuple(input_shape)
    if not all(isinstance(n, numbers.Integral) and not isinstance(n, bool) and n > 0 for n in shape):
        raise ValueError(
            f"export: input_shape must be the positive sizes of one sample (no batch axis), got {input_shape!r}"
        )
    _check_agrees(known, shape, f"input_shape {shape}", name)
    return np.zeros((1, *shape), dtype=np.float32)


def input_names(model) -> list[str]:
    """A functional model's ONNX input names: "input" for one input, else its ``keras.Input`` names."""
    if len(model.inputs) == 1:
        return ["input"]
    return [t.name if isinstance(t.name, str) and t.name else f"input_{i}" for i, t in enumerate(model.inputs)]


def functional_samples(model, example_input, input_shape) -> list[np.ndarray]:
    """One batch per input of a functional model: the examples (a list, one per input), or zeros of each shape."""
    inputs = model.inputs
    given = example_input if example_input is not None else input_shape
    if given is not None and len(inputs) > 1 and (not isinstance(given, (list, tuple)) or len(given) != len(inputs)):
        what = "example_input" if example_input is not None else "input_shape"
        raise ValueError(f"export: '{model.name}' has {len(inputs)} inputs: give {what} as a list of {len(inputs)}")
    if given is not None and len(inputs) == 1:
        given = [given]
    samples = []
    for i, t in enumerate(inputs):
        if example_input is not None:
            sample = _sample(_Known(t.shape, model.name), given[i], None)
        else:
            sample = _sample(_Known(t.shape, model.name), None, None if given is None else given[i])
        samples.append(sample.astype(np.int64) if t.dtype.kind in "iub" else sample)
    return samples


class _Known:
    """What ``_sample`` reads of a model: its input shape and name (for one input of a functional model)."""

    def __init__(self, input_shape: tuple, name: str):
        self.input_shape, self.name = input_shape, name


def _check_agrees(known: tuple | None, sample_shape: tuple, what: str, name: str) -> None:
    """Refuse a sample shape that differs from the model's known ``input_shape`` (whose None sizes match any)."""
    if known is None:
        return
    if len(known) != len(sample_shape) + 1 or any(k is not None and k != n for k, n in zip(known[1:], sample_shape)):
        raise ExportError(
            f"cannot export '{name}': {what} does not match the model's input shape {known}; leave it out (the "
            "model knows its input shape) or give one that matches"
        )


def _check_dtypes(model) -> None:
    # (np.dtype: a Keras Variable names its dtype with a str that hashes as the name, not as NumPy's dtype)
    kinds = {np.dtype(t.dtype) for t in (*model.parameters(), *model.buffers()) if t.dtype.kind == "f"}
    if kinds - {np.dtype(np.float32)}:
        raise ExportError(
            f"export: the graph computes in float32, but the model holds {', '.join(sorted(map(str, kinds)))} "
            "weights; build it in float32 (nabla's default), or convert it first: model.float() (in place)"
        )


def _assemble(onnx, graph: Graph, xs: list, ys: list, names: list, outs: list, opset: int, model):
    helper = onnx.helper
    consumed = {name for node in graph.nodes for name in node.input}
    for y, name in zip(ys, names):
        producer = next((node for node in graph.nodes if y.name in node.output), None)
        if producer is None or y.name in consumed or sum(v.name == y.name for v in ys) > 1:
            # an input, a value other nodes read too, or one given twice: the output is a copy of it
            graph.nodes.append(helper.make_node("Identity", [y.name], [name], name=graph.fresh(name)))
        else:  # the last node's output takes the name a user of the file sees
            producer.output[list(producer.output).index(y.name)] = name

    def info(name: str, dtype, shape: tuple):
        dims = ["batch" if n is None else int(n) for n in shape]
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), dims)

    body = helper.make_graph(
        graph.nodes,
        getattr(model, "name", None) or type(model).__name__,
        [info(x.name, x.dtype, x.shape) for x in xs],
        [info(name, out.dtype, y.shape) for y, name, out in zip(ys, names, outs)],
        initializer=graph.initializers,
    )
    opsets = [helper.make_opsetid("", opset)]
    return helper.make_model(
        body,
        opset_imports=opsets,
        producer_name="nabla",
        producer_version=nb.__version__,
        ir_version=helper.find_min_ir_version_for(opsets),
    )
