"""A model's config, the architecture part of a model file: what ``get_config`` writes and ``from_config`` reads.

A functional model's config lists its inputs, its layers (each once, however many times it is called:
a shared layer keeps one set of weights), and its calls in the order they run::

    {"name": "model", "trainable": true,
     "input_specs": [{"name": "input_layer", "batch_shape": [null, 3], "dtype": "float32"}],
     "layers": [{"class_name": "Dense", "config": {...}, "module": "dense"}, ...],
     "nodes": [{"layer": 0, "args": [{"input": 0}], "kwargs": {}, "outputs": 1},
               {"op": "add", "args": [{"node": 0, "output": 0}, 1.0], "kwargs": {}, "outputs": 1}, ...],
     "inputs": {"input": 0}, "outputs": [{"node": 1, "output": 0}]}

A tensor is named by where it comes from: ``{"input": i}`` (the i-th of ``input_specs``) or
``{"node": k, "output": j}`` (the j-th output of the k-th call). ``inputs`` and ``outputs`` keep the
structure the model was made with (one tensor, a list, or ``{"dict": {key: ...}}``). ``module`` is the
name the layer's weights carry in the model's ``state_dict`` (``"dense.kernel"``). Calls are layers, or
Python's arithmetic on symbolic tensors (:data:`OPERATORS`). A model used as a layer is an entry like any
other, its own config nested in it (``{"class_name": "Sequential", "config": {"layers": [...]}, "module":
"encoder"}``, as Keras 3 nests it), its weights under ``encoder.``. ``keras.ops`` functions and ``Lambda``
layers are Python code, which a model file does not hold: such models are refused when saved. A layer of
yours whose class writes ``get_build_config`` / ``build_from_config`` has its ``"build_config"`` beside its
config, as Keras 3 writes it (:mod:`nabla.keras.models.build_configs`).
The schema of this config is ``FUNCTIONAL_CONFIG`` in :mod:`nabla.keras.models.file_schema`.
"""

from __future__ import annotations

import inspect
import operator

from ...nn import Module
from ..layers import LAYERS, Input, Layer
from ..strings import dtype_name
from ..symbolic import KerasTensor, flatten
from ..utils.object_registration import CustomObjectScope, classes_by_name
from ..utils.serialization_lib import serialize_keras_object
from .build_configs import build_from_saved, saved_build_config

#: The arithmetic of symbolic tensors (``x + 1.0``, ``a * b``) that a config may hold, by name.
OPERATORS = {
    "add": operator.add,
    "sub": operator.sub,
    "mul": operator.mul,
    "truediv": operator.truediv,
    "pow": operator.pow,
    "neg": operator.neg,
}


def _operator_name(fn) -> str | None:
    """The name of one of :data:`OPERATORS` (compared by identity: ``fn`` may be unhashable), else None."""
    return next((name for name, python in OPERATORS.items() if fn is python), None)


def _refuse(model, why: str, what: str = "save the weights (model.save_weights) and rebuild the model in code"):
    raise TypeError(f"cannot save model '{model.name}' with its config: {why}; {what}")


def layer_entry(model, layer) -> dict:
    """``{"class_name": ..., "config": ...}`` of one layer of ``model``; refuses what a model file cannot hold.

    A model used as a layer (a Sequential, a functional model, or a subclassed one with a config) nests its
    whole config there, as Keras 3 nests it; a subclassed one loads with its class in ``custom_objects``."""
    from .model import Model  # (model.py imports the models that import this module)

    if isinstance(layer, Model):
        check_subclass_config(layer)
        layer._maybe_build()
        return _with_build_config({"class_name": type(layer).__name__, "config": layer.get_config()}, layer)
    if not isinstance(layer, Layer):
        _refuse(model, f"it holds a {type(layer).__name__}, and only Keras-style layers (nabla.layers) have a config")
    if getattr(layer, "return_state", False) and type(getattr(layer, "cell", None)).__name__ == "StackedRNNCells":
        _refuse(model, f"its layer '{layer.name}' returns the states of a stack of cells (return_state=True), "
                "which nabla's model files do not hold")  # fmt: skip
    if getattr(layer, "merge_mode", "concat") is None:
        _refuse(model, f"its layer '{layer.name}' returns both directions (merge_mode=None), a layer of two "
                "outputs, which nabla's model files do not hold")  # fmt: skip
    # (the objects in a config of yours, a layer it was given, serialized as Keras 3 does: its from_config gets dicts)
    return _with_build_config({"class_name": type(layer).__name__,
                               "config": serialize_keras_object(layer.get_config())}, layer)  # fmt: skip


def _with_build_config(entry: dict, layer) -> dict:
    """``entry`` with the layer's ``build_config`` beside its config when its class writes the hooks (see
    ``build_configs.py``), as Keras 3 writes one beside each layer's config."""
    config = saved_build_config(layer, layer.name)
    return entry if config is None else {**entry, "build_config": config}


def layers_from_entries(entries: list, custom_objects: dict | None) -> list[Layer]:
    """The layers ``{"class_name": ..., "config": ...}`` entries describe: nabla's, or yours, registered
    (``register_keras_serializable``, ``custom_object_scope``) or in ``custom_objects``, as Keras's ``from_config``;
    a nested Sequential or functional model from its config in turn. A layer of yours whose entry holds a
    ``build_config`` is built from it by its ``build_from_config`` (see ``build_configs.py``)."""
    from .functional import Functional  # (both import this module)
    from .sequential import Sequential

    models = {"Sequential": Sequential, "Functional": Functional}
    known = {**LAYERS, **models, **classes_by_name(custom_objects)}
    layers = []
    for entry in entries:
        name = entry["class_name"]
        if name not in known:
            raise ValueError(f"unknown layer class {name!r}; pass it in custom_objects={{'{name}': cls}}")
        with CustomObjectScope(custom_objects):  # (a layer that holds objects, RNN's cell, finds yours too)
            if known[name] is models.get(name):
                layer = known[name].from_config(entry["config"], custom_objects)
            else:
                layer = known[name].from_config(entry["config"])
            if "build_config" in entry:  # (before the model calls it, as Keras 3 builds a layer it deserializes)
                build_from_saved(layer, entry["build_config"])
        layers.append(layer)
    return layers


def check_subclass_config(model) -> None:
    """Refuse to save a subclassed model whose ``__init__`` takes arguments that its config does not record.

    As in Keras, a subclass without a ``get_config()`` of its own is saved with the arguments it was made
    with when they are plain JSON values (the automatic config, ``layers/layer_config.py``); otherwise it
    must write ``get_config()``. One whose ``__init__`` takes none needs nothing.
    """
    from .model import Model

    cls = type(model)
    if cls.get_config is not Model.get_config or model.__dict__.get("_auto_config") is not None:
        return
    own = [
        p.name
        for p in list(inspect.signature(cls.__init__).parameters.values())[1:]
        if p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD) and p.name not in ("name", "trainable", "dtype")
    ]
    if own:
        raise NotImplementedError(
            f"cannot save model '{model.name}' whole: it is a subclassed model ({cls.__name__}) whose __init__ takes "
            f"{', '.join(own)}, given values that a config cannot hold; save the weights (model.save_weights) and "
            f"rebuild the model in code, or give {cls.__name__} a get_config() that returns them (as Keras asks)"
        )


def functional_config(model) -> dict:
    """The config of a functional model (the format above)."""
    # the layers in the model's (Keras's) order, each call naming its layer by its place in that list
    called = {id(node.fn) for node in model._nodes}
    registered = [(key, module) for key, module in model._modules.items() if id(module) in called]
    layers = [{**layer_entry(model, module), "module": key} for key, module in registered]
    layer_index = {id(module): i for i, (_, module) in enumerate(registered)}
    refs = {id(t): {"input": i} for i, t in enumerate(model.inputs)}
    nodes = []
    for k, node in enumerate(model._nodes):
        if isinstance(node.fn, Module):
            call = {"layer": layer_index[id(node.fn)]}
        elif _operator_name(node.fn) is not None:
            call = {"op": _operator_name(node.fn)}
        else:
            name = getattr(node.fn, "name", None) or getattr(node.fn, "__name__", type(node.fn).__name__)
            _refuse(model, f"it calls {name} on symbolic tensors, Python code that a model file does not hold",
                    "write it with layers (keras.layers.Activation, Add, Reshape, ...), or save the weights "
                    "(model.save_weights) and rebuild the model in code")  # fmt: skip
        args = [_argument(model, refs, a) for a in node.args]
        kwargs = {key: _argument(model, refs, v) for key, v in node.kwargs.items()}
        nodes.append({**call, "args": args, "kwargs": kwargs, "outputs": len(node.outputs)})
        for j, t in enumerate(node.outputs):
            refs[id(t)] = {"node": k, "output": j}
    specs = [{"name": t.name, "batch_shape": list(t.shape), "dtype": dtype_name(t.dtype)} for t in model.inputs]
    return {
        "name": model.name,
        "trainable": model.trainable,
        "input_specs": specs,
        "layers": layers,
        "nodes": nodes,
        "inputs": _structure(model._inputs, refs),
        "outputs": _structure(model._outputs, refs),
    }


def _argument(model, refs: dict, value):
    if isinstance(value, KerasTensor):
        return refs[id(value)]
    if isinstance(value, (list, tuple)):
        return [_argument(model, refs, v) for v in value]
    if value is None or isinstance(value, (bool, int, float)):
        return value
    _refuse(model, f"a call takes a {type(value).__name__} argument, which a model file does not hold")


def _structure(structure, refs: dict):
    if isinstance(structure, dict):
        return {"dict": {key: _structure(value, refs) for key, value in structure.items()}}
    if isinstance(structure, (list, tuple)):
        return [_structure(value, refs) for value in structure]
    return refs[id(structure)]


def functional_from_config(config: dict, custom_objects: dict | None = None):
    """A functional model from its config: the layers made again and called again on new ``keras.Input`` s."""
    from .functional import Functional

    inputs = [Input(batch_shape=spec["batch_shape"], dtype=spec["dtype"], name=spec["name"])
              for spec in config["input_specs"]]  # fmt: skip
    layers = layers_from_entries(config["layers"], custom_objects)
    outputs: list[list[KerasTensor]] = []

    def tensor(value):
        if isinstance(value, dict) and "dict" in value:
            return {key: tensor(v) for key, v in value["dict"].items()}
        if isinstance(value, dict):
            return inputs[value["input"]] if "input" in value else outputs[value["node"]][value["output"]]
        if isinstance(value, list):
            return [tensor(v) for v in value]
        return value

    for node in config["nodes"]:
        fn = layers[node["layer"]] if "layer" in node else OPERATORS[node["op"]]
        out = flatten(fn(*tensor(node["args"]), **{key: tensor(v) for key, v in node["kwargs"].items()}))
        if len(out) != node["outputs"]:
            raise ValueError(f"{type(fn).__name__} gave {len(out)} outputs; the config says {node['outputs']}")
        outputs.append(out)
    model = Functional(tensor(config["inputs"]), tensor(config["outputs"]), name=config.get("name"))
    model.trainable = config.get("trainable", True)
    # A layer whose get_config() leaves out "name" is made with a new one (custom_dense_1), as in Keras 3;
    # load_model then gives it its weights by position. (As sets: files written before 2026-12-05 list the
    # layers in the order they run, not in Keras's.)
    saved = [entry["module"] if "name" in entry["config"] else layer.name
             for entry, layer in zip(config["layers"], layers)]  # fmt: skip
    made = list(model._modules)
    if sorted(saved) != sorted(made):
        raise ValueError(f"the layers are registered as {made}, but the config names them {saved}")
    return model
