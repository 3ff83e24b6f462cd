"""Checking a whole-model file before ``load_model`` builds anything from it.

:func:`check_model_file` applies the schemas (:mod:`~nabla.keras.models.file_schema`, the architecture;
:mod:`~nabla.keras.models.file_schema_training`, the compile settings and optimizer state), then walks
the layers' shapes without allocating anything: from the input shape, each layer's weight shapes and
output shape follow from its config (:data:`~nabla.keras.models.file_shapes.SHAPE_RULES`), and

* every weight a layer would create must be stored in the file with that shape, and every stored
  weight must belong to a layer: so a size in a config (``units = 10**9``) can only be as large
  as the weights the file really holds;
* one sample's values at any layer (and a convolution's unfolded input) stay within
  :data:`MAX_SAMPLE_VALUES`, since building runs one sample through the model.

Any failure is a ``ValueError`` naming the file and the field: ``load_model: m.nabla:
config.layers[1].config.units: 1000000000 does not match the stored weight 1.kernel of shape (4, 2)``.
Layers and models from ``custom_objects`` are your own code: their configs are passed on as they
are and the shapes after them are not predicted. A Sequential or functional model nested as a layer is
walked in turn, from the shapes it is called on; its weights are those under its name (``encoder.0.kernel``).
"""

from __future__ import annotations

import math

import numpy as np

from ..symbolic import PROBE_LENGTHS
from . import file_schema_training as ts
from .file_check_configs import MERGING_LAYERS, MODEL_CONFIGS, check_model_config, is_custom
from .file_check_training import check_compile, check_optimizer_state
from .file_errors import ModelFileError, fail, validate_at
from .file_schema_types import FORMAT
from .file_shapes import SHAPE_RULES, Effect, Shape, returned_states, state_shapes

__all__ = ["MAX_BUILD_OPERATIONS", "MAX_SAMPLE_VALUES", "ModelFileError", "check_model_file"]

MAX_SAMPLE_VALUES = 2**26
"""The most values one sample may have at any layer while the model is built (64 Mi, 256 MB in float32)."""
MAX_BUILD_OPERATIONS = 2**32
"""The most multiply-adds building may take: one sample through every layer (seconds in NumPy)."""
UNCHECKED_CALLS = {"MultiHeadAttention"}
"""Layers whose configs are checked but whose calls (several tensors, masks) the shape walk cannot follow yet."""
ATTENTION_LAYERS = {"Attention", "AdditiveAttention"}  # (called on [query, value(, key)], as the merges on lists)


def _declared_shape(payload: dict, config: dict, where: str, path, custom: dict) -> Shape | None:
    """One sample's input shape as a Sequential's file gives it, from every place that may (they must agree),
    unknown lengths as None; None if no place does."""
    layers, found = config["layers"], []
    for at, shape in (("build_input_shape", payload.get("build_input_shape")),
                      (f"{where}.build_input_shape", config.get("build_input_shape"))):  # fmt: skip
        if shape is not None:  # (the batch size, null or that of the first call, as Keras 3 writes it, is no check)
            found.append((at, tuple(shape[1:])))
    first = layers[0]["class_name"] if layers and not is_custom(layers[0], custom) else None
    if first == "InputLayer":
        if "shape" in layers[0]["config"] and "input_shape" in layers[0]["config"]:
            fail(path, f"{where}.layers[0].config.input_shape", "an Input takes shape or input_shape, not both")
        shape = layers[0]["config"].get("shape", layers[0]["config"].get("input_shape"))  # ([]: scalars)
        if shape is None:
            fail(path, f"{where}.layers[0].config.shape", "missing (an Input needs the shape of one sample)")
        found.append((f"{where}.layers[0].config.shape", tuple(shape)))
    elif first is not None and first not in MODEL_CONFIGS and layers[0]["config"].get("input_shape") is not None:
        found.append((f"{where}.layers[0].config.input_shape", tuple(layers[0]["config"]["input_shape"])))
    for at, shape in found[1:]:
        if shape != found[0][1]:
            fail(path, at, f"the input shape {list(shape)} disagrees with {found[0][0]} ({list(found[0][1])})")
    return found[0][1] if found else None


def _building_lengths(shape: tuple) -> tuple:
    """One sample's shape with each unknown length (``keras.Input(shape=(None,))``) as long as building the
    model makes it: the longer of the two lengths the functional probe runs (see ``symbolic.py``)."""
    return tuple(max(PROBE_LENGTHS) if n is None else n for n in shape)


def _check_values(path, where: str, values: int) -> None:
    if values > MAX_SAMPLE_VALUES:
        fail(path, where, f"building the model would hold {values:,} values for one sample, more than the "
                          f"{MAX_SAMPLE_VALUES:,} a model file may ask for")  # fmt: skip


def _called_on(path, where: str, declared: tuple | None, shape: Shape | None) -> Shape | None:
    """The shape a nested model builds from: the one it is called on, which must fit the one its config
    declares (None there: any length); the declared one when the incoming one is not known."""
    if shape is None:
        return None if declared is None else _building_lengths(declared)
    fits = declared is None or (len(declared) == len(shape) and all(d in (None, n) for d, n in zip(declared, shape)))
    if not fits:
        fail(path, where, f"the model takes samples of shape {list(declared)}, but is called on {list(shape)}")
    return shape


class _Walk:
    """One walk of a model file's layers from its input shapes: the weights they need (each checked against
    the file's as it is met), the weights owned by layers of yours, and the work of building so far."""

    def __init__(self, path, custom: dict, weights: dict | None):
        self.path, self.custom, self.weights = path, custom, weights
        self.expected: dict[str, tuple] = {}
        self.owned_by_custom: list[str] = []
        self.operations = 0

    def layer(self, entry: dict, shape, prefix: str, where: str, config_where: str) -> list:
        """The output shapes of the layer (or nested model) ``entry`` called on ``shape``, its weights named
        ``prefix + weight``; ``where`` names the call in messages, ``config_where`` the entry's config."""
        name = entry["class_name"]
        if name == "Sequential":
            return [self.sequential(entry["config"], config_where, shape, prefix)]
        if name == "Functional":
            return self.functional(entry["config"], config_where, shape, prefix)
        try:
            effect = SHAPE_RULES[name](entry["config"], shape)
            states = returned_states(name, entry["config"])
        except ValueError as e:
            fail(self.path, where, str(e))
        own = {prefix + weight: weight_shape for weight, weight_shape in effect.weights.items()}
        _check_weights(self.path, self.weights, own, config_where)
        self.expected.update(own)
        self.count(f"{where} ({name})", effect)
        return [effect.output, *states]

    def count(self, where: str, effect: Effect) -> None:
        _check_values(self.path, where, effect.values)
        self.operations += effect.operations
        if self.operations > MAX_BUILD_OPERATIONS:
            fail(self.path, where, f"building the model would take {self.operations:,} multiply-adds for one "
                                   f"sample, more than the {MAX_BUILD_OPERATIONS:,} a model file may ask "
                                   "for")  # fmt: skip

    def sequential(self, config: dict, where: str, shape: Shape | None, prefix: str) -> Shape | None:
        """A nested Sequential's layers in turn from the shape it is called on; its output shape."""
        declared = _declared_shape({}, config, where, self.path, self.custom)
        return self.layers(config, where, _called_on(self.path, where, declared, shape), prefix)

    def layers(self, config: dict, where: str, shape: Shape | None, prefix: str) -> Shape | None:
        """A Sequential's layers in turn from one sample's ``shape`` (None: not known); its output shape."""
        index = 0
        for i, entry in enumerate(config["layers"]):
            name, at = entry["class_name"], f"{where}.layers[{i}]"
            custom = is_custom(entry, self.custom)
            if name == "InputLayer" and not custom:
                continue  # not a layer of the model: it only declares the input shape
            hint = None if custom else entry["config"].get("input_shape")
            if i > 0 and hint is not None and shape is not None and tuple(hint) != shape:
                fail(self.path, f"{at}.config.input_shape", f"{hint} disagrees with the shape reaching the layer, "
                                                            f"{list(shape)}")  # fmt: skip
            if custom:
                self.owned_by_custom.append(f"{prefix}{index}.")
                shape = None  # your layer: its output shape is not predicted
            else:
                outputs = self.layer(entry, shape, f"{prefix}{index}.", at, f"{at}.config")
                if len(outputs) != 1:
                    fail(self.path, at, f"a layer of a Sequential gives one output, this model gives {len(outputs)}")
                shape = outputs[0]
            index += 1
        return shape

    def functional(self, config: dict, where: str, given, prefix: str) -> list:
        """A functional model's calls in order, each reading tensors made before it; its output shapes.

        ``given``: the shapes it is called on (one, or a list for several inputs); None for the file's own model."""
        specs, layers = config["input_specs"], config["layers"]
        if given is not None and isinstance(given, list) != (len(specs) > 1):
            fail(self.path, where, f"the model takes {len(specs)} inputs, called on "
                                   f"{len(given) if isinstance(given, list) else 1}")  # fmt: skip
        given = given if isinstance(given, list) else [given]
        inputs = []
        for i, spec in enumerate(specs):
            at, declared = f"{where}.input_specs[{i}]", tuple(spec["batch_shape"][1:])
            shape = _called_on(self.path, at, declared, given[i] if len(given) == len(specs) else None)
            _check_values(self.path, at, math.prod(shape))
            inputs.append(shape)
        made: list[list] = []  # each call's output shapes (None: not known)

        def shape_of(ref, at: str):
            if isinstance(ref, list):
                return [shape_of(item, at) for item in ref]
            if not isinstance(ref, dict):
                return ()  # a number: a scalar
            if "input" in ref:
                if ref["input"] >= len(inputs):
                    fail(self.path, at, f"input {ref['input']} does not exist: the model has {len(inputs)} inputs")
                return inputs[ref["input"]]
            if ref["node"] >= len(made) or ref["output"] >= len(made[ref["node"]]):
                fail(self.path, at, f"reads output {ref['output']} of call {ref['node']}, which is not made before it")
            return made[ref["node"]][ref["output"]]

        modules = [entry["module"] for entry in layers]
        self.owned_by_custom += [f"{prefix}{modules[i]}." for i, e in enumerate(layers) if is_custom(e, self.custom)]
        for k, node in enumerate(config["nodes"]):
            made.append(self._node(node, f"{where}.nodes[{k}]", where, layers, shape_of, prefix))
        for ref in _refs(config["inputs"]):
            if "input" not in ref:
                fail(self.path, f"{where}.inputs", "the model's inputs must be keras.Input tensors ({\"input\": i})")
        return [shape_of(ref, f"{where}.outputs ({i})") for i, ref in enumerate(_refs(config["outputs"]))]

    def _node(self, node: dict, where: str, config_where: str, layers: list, shape_of, prefix: str) -> list:
        """The output shapes of one call of a functional model (a layer's, a nested model's, or arithmetic)."""
        if ("layer" in node) == ("op" in node):
            fail(self.path, where, "a call names either a layer or an op")
        args = [shape_of(a, f"{where}.args[{i}]") for i, a in enumerate(node["args"])]
        for key, value in node["kwargs"].items():
            shape_of(value, f"{where}.kwargs.{key}")
        if "layer" not in node:
            return [self._arithmetic(node, where, args)]
        j = node["layer"]
        if j >= len(layers):
            fail(self.path, f"{where}.layer", f"layer {j} does not exist: the config has {len(layers)}")
        entry, name = layers[j], layers[j]["class_name"]
        if is_custom(entry, self.custom):
            return [None] * node["outputs"]
        try:
            outputs = (
                len(_refs(entry["config"]["outputs"]))
                if name == "Functional"
                else 1 + len(returned_states(name, entry["config"]))
            )
        except ValueError as e:
            fail(self.path, where, str(e))
        if node["outputs"] != outputs:
            fail(self.path, f"{where}.outputs", f"{name} gives {outputs} output(s), not {node['outputs']}")
        if name in UNCHECKED_CALLS:
            fail(self.path, where, f"this file check does not follow {name}'s calls yet: load the model "
                                   f"with custom_objects={{{name!r}: keras.layers.{name}}} to skip it")  # fmt: skip
        states = state_shapes(name, entry["config"])
        extra = ("initial_state",) if states else ("use_causal_mask",) if name in ATTENTION_LAYERS else ()
        if len(args) != 1 or set(node["kwargs"]) - {"training", *extra}:
            what = f"(and training={''.join(f', {e}=' for e in extra)})"
            fail(self.path, where, f"a {name} layer is called on one argument {what}, got {len(args)}")
        given = node["kwargs"].get("initial_state")
        if given is not None:
            given = [shape_of(ref, f"{where}.kwargs.initial_state") for ref in _refs(given)]
            if None not in given and given != states:  # (None: after a layer of your own)
                fail(self.path, f"{where}.kwargs.initial_state", f"the {name} layer takes states of shapes "
                                                                 f"{states}, got {given}")  # fmt: skip
        takes_list = name in MERGING_LAYERS or name in ATTENTION_LAYERS or (
            name == "Functional" and len(entry["config"]["input_specs"]) > 1
        )
        if isinstance(args[0], list) != takes_list:
            fail(self.path, f"{where}.args[0]", f"a {name} layer is called on "
                                                f"{'a list of tensors' if takes_list else 'one tensor'}")  # fmt: skip
        at = f"{config_where}.layers[{j}]"
        return self.layer(entry, args[0], f"{prefix}{entry['module']}.", where, f"{at}.config")

    def _arithmetic(self, node: dict, where: str, operands: list) -> Shape | None:
        """The shape of Python's arithmetic on tensors: NumPy's broadcasting of its operands."""
        if node["outputs"] != 1:
            fail(self.path, f"{where}.outputs", f"{node['op']} gives one output, not {node['outputs']}")
        if len(operands) != (1 if node["op"] == "neg" else 2) or node["kwargs"]:
            fail(self.path, where, f"'{node['op']}' takes {1 if node['op'] == 'neg' else 2} operands")
        if any(isinstance(a, list) for a in operands):
            fail(self.path, where, f"'{node['op']}' takes tensors and numbers, not lists")
        if any(shape is None for shape in operands):
            return None
        try:
            out = tuple(int(n) for n in np.broadcast_shapes(*operands))
        except ValueError:
            fail(self.path, where, f"operands of shapes {[list(s) for s in operands]} do not broadcast together")
        size = math.prod(out)
        self.count(f"{where} ({node['op']})", Effect({}, out, size, size))
        return out

    def finish(self) -> None:
        """Every stored weight belongs to a layer the walk met."""
        for key in self.weights or {}:
            if key not in self.expected and not any(key.startswith(p) for p in self.owned_by_custom):
                fail(self.path, f"weights.{key}", "a weight that no layer of the config has")


def _check_sequential(payload: dict, path, custom: dict) -> None:
    config = payload["config"]
    check_model_config("Sequential", config, "config", path, custom)
    shape = _declared_shape(payload, config, "config", path, custom)
    weights = payload["weights"]
    if shape is None:
        if weights:
            fail(path, "weights", "the file stores weights but no input shape to build the layers that hold them")
        return
    shape = _building_lengths(shape)
    _check_values(path, "the input shape", math.prod(shape))
    walk = _Walk(path, custom, weights)
    walk.layers(config, "config", shape, "")
    walk.finish()


def _check_functional(payload: dict, path, custom: dict) -> None:
    check_model_config("Functional", payload["config"], "config", path, custom)
    if payload.get("build_input_shape") is not None:
        fail(path, "build_input_shape", "expected null: a functional model's input shapes are in config.input_specs")
    walk = _Walk(path, custom, payload["weights"])
    walk.functional(payload["config"], "config", None, "")
    walk.finish()


def _refs(structure) -> list:
    """The tensor references in a model's ``inputs`` or ``outputs`` structure."""
    if isinstance(structure, list):
        return [ref for item in structure for ref in _refs(item)]
    if "dict" in structure:
        return [ref for item in structure["dict"].values() for ref in _refs(item)]
    return [structure]


def _check_weights(path, weights: dict, expected: dict, where: str) -> None:
    """The weights one layer will create (``expected``: name -> shape, None for unknown sizes) against the file's.

    ``weights`` None: a config alone (``model_from_json``), with no weights to compare."""
    if weights is None:
        return
    for key, shape in expected.items():
        stored = weights.get(key)
        if stored is None:
            fail(path, f"weights.{key}", f"missing: the layer at {where} needs a weight of shape {shape}")
        if shape is None:
            continue  # a weight of a layer whose input shape is not known (after a layer of your own)
        fits = len(stored.shape) == len(shape) and all(e is None or e == s for e, s in zip(shape, stored.shape))
        if not fits:
            shown = tuple("?" if e is None else e for e in shape)
            fail(path, where, f"the layer needs a weight {key} of shape {shown}, but the file stores "
                              f"{tuple(stored.shape)}: its config does not match its weights")  # fmt: skip


def check_model_file(payload, path, custom_objects: dict, config_only: bool = False) -> None:
    """Check everything ``load_model`` will use from a decoded file; raise :class:`ModelFileError` if anything is off.

    Args:
        payload: what ``nb.load`` returned for the file.
        path: the file, for messages.
        custom_objects: class name -> your class, for layers and models of your own.
        config_only: an architecture without weights (``model_from_json``): everything but the weights is
            checked, sizes included (bounded by :data:`MAX_SAMPLE_VALUES` and :data:`MAX_BUILD_OPERATIONS`
            instead of by stored weights).
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("format"), str) or payload["format"] != FORMAT:
        raise ModelFileError(f"load_model: {path} is not a nabla model file (use nb.load for plain state dicts)")
    validate_at(payload, ts.PAYLOAD, "", path)
    if config_only:
        payload = {**payload, "weights": None}
    class_name = payload["class_name"]
    if "build_config" in payload and class_name not in custom_objects:
        fail(path, "build_config", f"a build config is kept for a model class of yours only, not for {class_name} "
                                   "(its config and input shapes rebuild it)")  # fmt: skip
    if class_name == "Sequential":
        _check_sequential(payload, path, custom_objects)
    elif class_name == "Functional":
        _check_functional(payload, path, custom_objects)
    elif class_name in custom_objects:
        shape = payload.get("build_input_shape")  # your model's own code builds it, from a sample of this shape
        several = shape is not None and bool(shape) and isinstance(shape[0], list)  # one per input (a list of them)
        for i, one in enumerate(shape if several else [] if shape is None else [shape]):
            at = f"build_input_shape[{i}]" if several else "build_input_shape"
            if None in one[1:]:  # (the batch size: null, or that of the model's first call, as Keras 3 writes it)
                fail(path, at, f"expected [batch size or null, size, ...], got {one}")
            _check_values(path, at, math.prod(one[1:]))
    else:
        raise ModelFileError(
            f"load_model: {path} holds a subclassed model '{class_name}'; pass custom_objects={{'{class_name}': "
            f"{class_name}}} so that it can be rebuilt"
        )
    optimizer_class = check_compile(payload, path)
    check_optimizer_state(payload, path, optimizer_class)
