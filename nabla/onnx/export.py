"""``nabla.onnx.export``: a model to an ONNX file that runs where nabla is not installed.

The exporter walks the model's layers in order (a ``Sequential`` of either
API, nested ones included, or a single layer), runs each on a sample batch
in inference mode to learn its output shape, and writes the layer's ONNX
form (see :mod:`nabla.onnx.table`). Nothing is written until the whole graph
is built and has passed ``onnx.checker.check_model(full_check=True)``; the
file is then written atomically.
"""

from __future__ import annotations

import numbers
from pathlib import Path

import numpy as np

import nabla as nb
from nabla import layers, models
from nabla.atomic import atomic_write

from .graph import ExportError, Graph, Value
from .table import CONTAINERS, converter_for, exportable

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
        model: a Keras-style ``Sequential`` (nabla.models), an ``nn.Sequential``, or one layer; nested
            Sequentials are walked. Every layer must have an ONNX form (Dense/Linear, the activations,
            Conv2D/Conv2d, pooling, BatchNormalization/BatchNorm in inference form, LayerNormalization,
            Flatten, Embedding, ...); dropout, noise and augmentation layers export as nothing. Anything
            else is refused, naming the layer, before anything is written.
        example_input: a batch of inputs (array or Tensor, batch axis first): fixes the input's shape and
            dtype (integer inputs, for Embedding, give an int64 input). Optional for a Keras-style model
            whose input shape is known.
        path: the ``.onnx`` file to write (folders that do not exist yet are created), or None to only
            build and check the model.
        opset_version: the ONNX opset, 17 (the default; None too, as in Keras) or later.
        input_shape: one sample's shape (no batch axis; an int for one axis), instead of ``example_input``.
            Either must agree with the input shape the model already knows, and may fill its unknown sizes.

    The input is named ``"input"`` and the output ``"output"``; their first axis is the symbolic
    ``"batch"``, so one file serves any batch size. The graph computes in float32 and gives
    :meth:`predict`'s outputs to float32 rounding. Keras-style convnets keep their channels-last
    input and flatten order: the graph transposes to ONNX's channels-first layout around the
    convolutions and back before Flatten or Dense. The model is left as it was found (each layer's
    training mode included).

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
    _check_dtypes(model)
    sample = _sample(model, example_input, input_shape)

    graph = Graph(onnx, opset_version)
    x = Value(graph.fresh("input"), (None, *sample.shape[1:]), sample.dtype)
    graph.fresh("output")  # reserved for the graph's output
    modes = [(m, m.training) for m in model.modules()]
    model.eval()
    try:
        with nb.no_grad():
            y, out = _walk(graph, model, x, nb.from_numpy(sample), "")
    finally:
        for module, mode in modes:  # parents first: each child's own mode is set after its parent's
            module.train(mode)
    y = graph.logical(y, "output")
    proto = _assemble(onnx, graph, x, y, out.dtype, opset_version, model)
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


def _label(module, where: str) -> str:
    name = getattr(module, "name", None)
    if isinstance(name, str):
        return f"layer '{name}' ({type(module).__name__})"
    return f"layer '{where}' ({type(module).__name__})" if where else f"the {type(module).__name__}"


def _walk(graph: Graph, module, x: Value, sample, where: str):
    """Convert ``module`` (a container: each of its layers) applied to ``x``; ``sample`` runs alongside in nabla."""
    if type(module) in CONTAINERS:
        for name, child in module.named_children():
            x, sample = _walk(graph, child, x, sample, f"{where}.{name}" if where else name)
        return x, sample
    convert = converter_for(type(module))
    if convert is None:
        cls = type(module).__name__
        if type(module).__module__.split(".")[0] == "nabla":
            why = "it has no ONNX form in nabla.onnx"
        elif any(True for _ in module.children()):
            why = (
                "it is a model with its own call()/forward(), which the exporter cannot see into; "
                "build it as a Sequential of layers"
            )
        else:
            why = "it is a layer of your own"
        raise ExportError(
            f"cannot export {_label(module, where)}: {why}. Layers that export: {', '.join(exportable())}; "
            f"for a layer of your own, register a converter: nabla.onnx.register({cls}, converter)"
        )
    out = module(sample, training=False) if isinstance(module, layers.Layer) else module(sample)
    return convert(graph, module, x, (None, *out.shape[1:])), out


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
    kinds = {t.dtype for t in (*model.parameters(), *model.buffers()) if t.dtype.kind == "f"}
    if kinds - {np.dtype(np.float32)}:
        raise ExportError(
            f"export: the graph computes in float32, but the model holds {', '.join(sorted(map(str, kinds)))} "
            "weights; build it in float32 (nabla's default), or convert it first: model.float() (in place)"
        )


def _assemble(onnx, graph: Graph, x: Value, y: Value, out_dtype, opset: int, model):
    helper = onnx.helper
    producer = next((node for node in graph.nodes if y.name in node.output), None)
    if producer is None:  # the model is nothing but identities: the graph still needs a node
        graph.nodes.append(helper.make_node("Identity", [y.name], ["output"], name="output"))
    else:  # the last node's output takes the name a user of the file sees
        producer.output[list(producer.output).index(y.name)] = "output"

    def info(name: str, dtype, shape: tuple):
        dims = ["batch" if n is None else int(n) for n in shape]
        return helper.make_tensor_value_info(name, helper.np_dtype_to_tensor_dtype(np.dtype(dtype)), dims)

    body = helper.make_graph(
        graph.nodes,
        getattr(model, "name", None) or type(model).__name__,
        [info(x.name, x.dtype, x.shape)],
        [info("output", out_dtype, y.shape)],
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
