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
are and the shapes after them are not predicted.
"""

from __future__ import annotations

import math

import numpy as np

from ...schema import SchemaError, validate
from ..symbolic import PROBE_LENGTHS
from . import file_schema as fs
from . import file_schema_training as ts
from .file_shapes import SHAPE_RULES, Effect, Shape, state_shapes
from .file_vocabulary import vocabulary_problem

MAX_SAMPLE_VALUES = 2**26
"""The most values one sample may have at any layer while the model is built (64 Mi, 256 MB in float32)."""
MAX_BUILD_OPERATIONS = 2**32
"""The most multiply-adds building may take: one sample through every layer (seconds in NumPy)."""


class ModelFileError(ValueError):
    """A model file that ``load_model`` refuses; the message names the file and the field."""


def _fail(path, where: str, what: str):
    raise ModelFileError(f"load_model: {path}: {where}: {what}")


def _input_shape(payload: dict, config: dict, layers: list, path, custom: dict) -> Shape | None:
    """One sample's input shape, from every place a file may give it (they must agree); None if none does."""
    found = []
    for where, shape in (("build_input_shape", payload.get("build_input_shape")),
                         ("config.build_input_shape", config.get("build_input_shape"))):  # fmt: skip
        if shape is not None:
            if shape[0] is not None:
                _fail(path, where, f"expected [null, size, ...] (a null batch size, then sizes), got {shape}")
            found.append((where, tuple(shape[1:])))
    first = layers[0]["class_name"] if layers and not _is_custom(layers[0], custom) else None
    if first == "InputLayer":
        if "shape" in layers[0]["config"] and "input_shape" in layers[0]["config"]:
            _fail(path, "config.layers[0].config.input_shape", "an Input takes shape or input_shape, not both")
        shape = layers[0]["config"].get("shape", layers[0]["config"].get("input_shape"))  # ([]: scalars)
        if shape is None:
            _fail(path, "config.layers[0].config.shape", "missing (an Input needs the shape of one sample)")
        found.append(("config.layers[0].config.shape", tuple(shape)))
    elif first is not None and layers[0]["config"].get("input_shape") is not None:
        found.append(("config.layers[0].config.input_shape", tuple(layers[0]["config"]["input_shape"])))
    for where, shape in found[1:]:
        if shape != found[0][1]:
            _fail(path, where, f"the input shape {list(shape)} disagrees with {found[0][0]} ({list(found[0][1])})")
    return _building_lengths(found[0][1]) if found else None


def _building_lengths(shape: tuple) -> tuple:
    """One sample's shape with each unknown length (``keras.Input(shape=(None,))``) as long as building the
    model makes it: the longer of the two lengths the functional probe runs (see ``symbolic.py``)."""
    return tuple(max(PROBE_LENGTHS) if n is None else n for n in shape)


def _check_values(path, where: str, values: int) -> None:
    if values > MAX_SAMPLE_VALUES:
        _fail(path, where, f"building the model would hold {values:,} values for one sample, more than the "
                           f"{MAX_SAMPLE_VALUES:,} a model file may ask for")  # fmt: skip


def _check_sequential(payload: dict, path, custom: dict) -> None:
    config = payload["config"]
    try:
        validate(config, fs.SEQUENTIAL_CONFIG, "config")
    except SchemaError as e:
        _fail(path, e.where, str(e).split(": ", 1)[1])
    layers = config["layers"]
    for i, entry in enumerate(layers):
        name = entry["class_name"]
        where = f"config.layers[{i}]"
        if _is_custom(entry, custom):
            continue
        if name not in fs.LAYER_CONFIGS:
            _fail(path, f"{where}.class_name", f"unknown layer class {name!r}; if it is yours, pass it in "
                                               f"custom_objects={{{name!r}: cls}}")  # fmt: skip
        if name == "InputLayer" and i > 0:
            _fail(path, f"{where}.class_name", "an Input can only come first")
        _validate_layer(name, entry["config"], f"{where}.config", path)
    shape = _input_shape(payload, config, layers, path, custom)
    weights = payload["weights"]
    if shape is None:
        if weights:
            _fail(path, "weights", "the file stores weights but no input shape to build the layers that hold them")
        return
    _check_values(path, "the input shape", math.prod(shape))
    expected: dict[str, tuple] = {}
    operations = 0
    owned_by_custom = []
    index = 0
    for i, entry in enumerate(layers):
        name, layer_config, where = entry["class_name"], entry["config"], f"config.layers[{i}]"
        if name == "InputLayer" and not _is_custom(entry, custom):
            continue  # not a layer of the model: it only declares the input shape
        hint = None if _is_custom(entry, custom) else layer_config.get("input_shape")
        if i > 0 and hint is not None and shape is not None and tuple(hint) != shape:
            _fail(path, f"{where}.config.input_shape", f"{hint} disagrees with the shape reaching the layer, "
                                                       f"{list(shape)}")  # fmt: skip
        if _is_custom(entry, custom):
            owned_by_custom.append(f"{index}.")
            shape = None  # your layer: its output shape is not predicted
        else:
            try:
                effect = SHAPE_RULES[name](layer_config, shape)
            except ValueError as e:
                _fail(path, where, str(e))
            layer_weights = {f"{index}.{weight}": weight_shape for weight, weight_shape in effect.weights.items()}
            _check_weights(path, weights, layer_weights, f"{where}.config")
            _check_values(path, f"{where} ({name})", effect.values)
            operations += effect.operations
            if operations > MAX_BUILD_OPERATIONS:
                _fail(path, f"{where} ({name})", f"building the model would take {operations:,} multiply-adds for "
                                                 f"one sample, more than the {MAX_BUILD_OPERATIONS:,} a model file "
                                                 "may ask for")  # fmt: skip
            expected.update(layer_weights)
            shape = effect.output
        index += 1
    for key in weights or {}:
        if key not in expected and not any(key.startswith(p) for p in owned_by_custom):
            _fail(path, f"weights.{key}", "a weight that no layer of the config has")


MERGING_LAYERS = {"Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "Dot"}


def _check_layer_entries(path, entries: list, custom: dict, where: str) -> None:
    """Each ``{"class_name", "config"}`` names a layer class of the allow-list (or yours) and fits its schema."""
    for i, entry in enumerate(entries):
        name = entry["class_name"]
        if _is_custom(entry, custom):
            continue
        if name not in fs.LAYER_CONFIGS:
            _fail(path, f"{where}[{i}].class_name", f"unknown layer class {name!r}; if it is yours, pass it in "
                                                    f"custom_objects={{{name!r}: cls}}")  # fmt: skip
        _validate_layer(name, entry["config"], f"{where}[{i}].config", path)


def _wrapped_entries(name: str, config: dict, where: str):
    """``(field, where, entry)`` for each layer entry a wrapper's config holds (a list field: one per item)."""
    for field in fs.WRAPPED_FIELDS.get(name, ()):
        value = config.get(field)
        for i, entry in enumerate(value if isinstance(value, list) else [] if value is None else [value]):
            yield field, f"{where}.{field}" + (f"[{i}]" if isinstance(value, list) else ""), entry


def _is_custom(entry: dict, custom: dict) -> bool:
    """A layer of yours, or an RNN of a cell of yours (its weights and output are the cell's: not predicted)."""
    if entry["class_name"] in custom:
        return True
    config = entry.get("config")
    if entry["class_name"] not in ("RNN", "StackedRNNCells") or not isinstance(config, dict):
        return False
    inner = config.get("cell") if entry["class_name"] == "RNN" else config.get("cells")
    inner = inner if isinstance(inner, list) else [inner]
    return any(isinstance(e, dict) and "class_name" in e and _is_custom(e, custom) for e in inner)


def _validate_layer(name: str, config: dict, where: str, path, depth: int = 0) -> None:
    """A layer's config against its schema; a wrapper's layers in turn (nabla's own only: ``from_config``
    makes a wrapped layer from nabla's layers), at most ``fs.MAX_WRAPPING`` wrappers deep."""
    _validate(config, fs.LAYER_CONFIGS[name], where, path)
    problem = vocabulary_problem(name, config) if name in fs.VOCABULARY_CONFIGS else None
    if problem is not None:
        _fail(path, f"{where}.{problem[0]}", problem[1])
    for _field, at, entry in _wrapped_entries(name, config, where):
        inner = entry["class_name"]
        allowed = fs.WRAPPABLE.get(name)
        if allowed is not None and inner not in allowed:
            yours = f"; if it is yours, pass it in custom_objects={{{inner!r}: cls}}" if name in fs.CELL_HOLDERS else ""
            _fail(path, f"{at}.class_name", f"a {name} wraps one of {', '.join(allowed)}, not {inner!r}{yours}")
        if inner not in fs.LAYER_CONFIGS or inner == "InputLayer" or inner in MERGING_LAYERS:
            _fail(path, f"{at}.class_name", f"a {name} wraps one of nabla's layers of one input, not {inner!r}")
        if depth + 1 >= fs.MAX_WRAPPING:
            _fail(path, at, f"wrappers nest at most {fs.MAX_WRAPPING} deep in a model file")
        _validate_layer(inner, entry["config"], f"{at}.config", path, depth + 1)


def _check_functional(payload: dict, path, custom: dict) -> None:
    """A functional model's graph: each call reads tensors made before it; shapes walk the calls in order."""
    config = payload["config"]
    _validate(config, fs.FUNCTIONAL_CONFIG, "config", path)
    if payload.get("build_input_shape") is not None:
        _fail(path, "build_input_shape", "expected null: a functional model's input shapes are in config.input_specs")
    layers = config["layers"]
    _check_layer_entries(path, layers, custom, "config.layers")
    modules = [entry["module"] for entry in layers]
    for i, module in enumerate(modules):
        if not module.isidentifier() or module in modules[:i]:
            _fail(path, f"config.layers[{i}].module", f"{module!r} is not a name of its own (a Python identifier)")
        if layers[i]["class_name"] == "InputLayer" and not _is_custom(layers[i], custom):
            _fail(path, f"config.layers[{i}].class_name", "a functional model's inputs are in config.input_specs")
    inputs = []
    for i, spec in enumerate(config["input_specs"]):
        shape = _building_lengths(spec["batch_shape"][1:])
        _check_values(path, f"config.input_specs[{i}]", math.prod(shape))
        inputs.append(shape)
    made: list[list] = []  # each call's output shapes (None: not known)

    def shape_of(ref, where: str):
        if isinstance(ref, list):
            return [shape_of(item, where) for item in ref]
        if not isinstance(ref, dict):
            return ()  # a number: a scalar
        if "input" in ref:
            if ref["input"] >= len(inputs):
                _fail(path, where, f"input {ref['input']} does not exist: the model has {len(inputs)} inputs")
            return inputs[ref["input"]]
        if ref["node"] >= len(made) or ref["output"] >= len(made[ref["node"]]):
            _fail(path, where, f"reads output {ref['output']} of call {ref['node']}, which is not made before it")
        return made[ref["node"]][ref["output"]]

    weights, expected, operations = payload["weights"], {}, 0
    owned_by_custom = [f"{modules[i]}." for i, entry in enumerate(layers) if _is_custom(entry, custom)]
    for k, node in enumerate(config["nodes"]):
        where = f"config.nodes[{k}]"
        if ("layer" in node) == ("op" in node):
            _fail(path, where, "a call names either a layer or an op")
        args = [shape_of(a, f"{where}.args[{i}]") for i, a in enumerate(node["args"])]
        for key, value in node["kwargs"].items():
            shape_of(value, f"{where}.kwargs.{key}")
        if "layer" in node and node["layer"] >= len(layers):
            _fail(path, f"{where}.layer", f"layer {node['layer']} does not exist: the config has {len(layers)}")
        name = layers[node["layer"]]["class_name"] if "layer" in node else None
        if "layer" in node and _is_custom(layers[node["layer"]], custom):
            made.append([None] * node["outputs"])
            continue
        if node["outputs"] != 1:
            _fail(path, f"{where}.outputs", f"{name or node['op']} gives one output, not {node['outputs']}")
        if name is None:  # arithmetic: NumPy's broadcasting of its operands
            if len(args) != (1 if node["op"] == "neg" else 2) or node["kwargs"]:
                _fail(path, where, f"'{node['op']}' takes {1 if node['op'] == 'neg' else 2} operands")
            if any(isinstance(a, list) for a in args):
                _fail(path, where, f"'{node['op']}' takes tensors and numbers, not lists")
            effect = _arithmetic(path, where, args)
        else:
            layer_config = layers[node["layer"]]["config"]
            states = state_shapes(name, layer_config)
            if len(args) != 1 or set(node["kwargs"]) - {"training", *(("initial_state",) if states else ())}:
                what = "(and training=, initial_state=)" if states else "(and training=)"
                _fail(path, where, f"a {name} layer is called on one argument {what}, got {len(args)}")
            given = node["kwargs"].get("initial_state")
            if given is not None:
                given = [shape_of(ref, f"{where}.kwargs.initial_state") for ref in _refs(given)]
                if None not in given and given != states:  # (None: after a layer of your own)
                    _fail(path, f"{where}.kwargs.initial_state", f"the {name} layer takes states of shapes "
                                                                 f"{states}, got {given}")  # fmt: skip
            if isinstance(args[0], list) != (name in MERGING_LAYERS):
                what = "a list of tensors" if name in MERGING_LAYERS else "one tensor"
                _fail(path, f"{where}.args[0]", f"a {name} layer is called on {what}")
            try:
                effect = SHAPE_RULES[name](layer_config, args[0])
            except ValueError as e:
                _fail(path, where, str(e))
            own = {f"{modules[node['layer']]}.{weight}": shape for weight, shape in effect.weights.items()}
            _check_weights(path, weights, own, f"config.layers[{node['layer']}].config")
            expected.update(own)
        _check_values(path, f"{where} ({name or node['op']})", effect.values)
        operations += effect.operations
        if operations > MAX_BUILD_OPERATIONS:
            _fail(path, where, f"building the model would take {operations:,} multiply-adds for one sample, more "
                               f"than the {MAX_BUILD_OPERATIONS:,} a model file may ask for")  # fmt: skip
        made.append([effect.output])
    for i, ref in enumerate(_refs(config["outputs"])):
        shape_of(ref, f"config.outputs ({i})")
    for ref in _refs(config["inputs"]):
        if "input" not in ref:
            _fail(path, "config.inputs", "the model's inputs must be keras.Input tensors ({\"input\": i})")
    for key in weights or {}:
        if key not in expected and not any(key.startswith(p) for p in owned_by_custom):
            _fail(path, f"weights.{key}", "a weight that no layer of the config has")


def _refs(structure) -> list:
    """The tensor references in a model's ``inputs`` or ``outputs`` structure."""
    if isinstance(structure, list):
        return [ref for item in structure for ref in _refs(item)]
    if "dict" in structure:
        return [ref for item in structure["dict"].values() for ref in _refs(item)]
    return [structure]


def _arithmetic(path, where: str, operands: list) -> Effect:
    if any(shape is None for shape in operands):
        return Effect({}, None)
    try:
        out = tuple(int(n) for n in np.broadcast_shapes(*operands))
    except ValueError:
        _fail(path, where, f"operands of shapes {[list(s) for s in operands]} do not broadcast together")
    size = math.prod(out)
    return Effect({}, out, size, size)


def _check_weights(path, weights: dict, expected: dict, where: str) -> None:
    """The weights one layer will create (``expected``: name -> shape, None for unknown sizes) against the file's.

    ``weights`` None: a config alone (``model_from_json``), with no weights to compare."""
    if weights is None:
        return
    for key, shape in expected.items():
        stored = weights.get(key)
        if stored is None:
            _fail(path, f"weights.{key}", f"missing: the layer at {where} needs a weight of shape {shape}")
        if shape is None:
            continue  # a weight of a layer whose input shape is not known (after a layer of your own)
        fits = len(stored.shape) == len(shape) and all(e is None or e == s for e, s in zip(shape, stored.shape))
        if not fits:
            shown = tuple("?" if e is None else e for e in shape)
            _fail(path, where, f"the layer needs a weight {key} of shape {shown}, but the file stores "
                               f"{tuple(stored.shape)}: its config does not match its weights")  # fmt: skip


def _validate(value, schema: dict, where: str, path) -> None:
    try:
        validate(value, schema, where)
    except SchemaError as e:
        _fail(path, e.where, str(e).split(": ", 1)[1])


def _object(properties: dict, required: bool) -> dict:
    return {"type": "object", "properties": properties, "additionalProperties": False,
            "required": sorted(properties) if required else []}  # fmt: skip


def _check_compile(payload: dict, path) -> str | None:
    """The compile settings' optimizer and loss configs; returns the optimizer's class name."""
    spec = payload.get("compile")
    if spec is None:
        return None
    optimizer = spec["optimizer"]
    if isinstance(optimizer, str):
        class_name = ts.OPTIMIZER_CLASSES[optimizer]
    else:
        class_name = optimizer["class_name"]
        configs = ts.KERAS_OPTIMIZER_CONFIGS if "module" in optimizer else ts.OPTIMIZER_CONFIGS
        _validate(optimizer["config"], _object(configs[class_name], False), "compile.optimizer.config", path)
    loss = spec["loss"]
    if isinstance(loss, dict):
        options = {"name": fs.NAME, **ts.LOSS_CONFIGS[loss["class_name"]]}
        _validate(loss["config"], _object(options, False), "compile.loss.config", path)
    return class_name


def _check_optimizer_state(payload: dict, path, class_name: str | None) -> None:
    saved = payload.get("optimizer")
    if saved is None:
        return
    if class_name is None:
        _fail(path, "optimizer", "optimizer state without compile settings to rebuild the optimizer from")
    if saved["class_name"] != class_name:
        _fail(path, "optimizer.class_name", f"{saved['class_name']!r}, but the model was compiled with {class_name}")
    allowed = ts.OPTIMIZER_STATE_KEYS[class_name]
    per_parameter = _object({k: ts.STEP if k == "step" else ts.STATE_ARRAY for k in allowed}, False)
    for key, values in saved["state"]["state"].items():
        _validate(values, per_parameter, f"optimizer.state.state[{key}]", path)
    group = _object({**ts.OPTIMIZER_CONFIGS[class_name], "params": {"type": "array"}}, True)
    for i, values in enumerate(saved["state"]["param_groups"]):
        _validate(values, group, f"optimizer.state.param_groups[{i}]", path)


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
    if not isinstance(payload, dict) or not isinstance(payload.get("format"), str) or payload["format"] != fs.FORMAT:
        raise ModelFileError(f"load_model: {path} is not a nabla model file (use nb.load for plain state dicts)")
    _validate(payload, ts.PAYLOAD, "", path)
    if config_only:
        payload = {**payload, "weights": None}
    class_name = payload["class_name"]
    if class_name == "Sequential":
        _check_sequential(payload, path, custom_objects)
    elif class_name == "Functional":
        _check_functional(payload, path, custom_objects)
    elif class_name in custom_objects:
        shape = payload.get("build_input_shape")  # your model's own code builds it, from a sample of this shape
        if shape is not None:
            if shape[0] is not None or None in shape[1:]:
                _fail(path, "build_input_shape", f"expected [null, size, ...], got {shape}")
            _check_values(path, "build_input_shape", math.prod(shape[1:]))
    else:
        raise ModelFileError(
            f"load_model: {path} holds a subclassed model '{class_name}'; pass custom_objects={{'{class_name}': "
            f"{class_name}}} so that it can be rebuilt"
        )
    optimizer_class = _check_compile(payload, path)
    _check_optimizer_state(payload, path, optimizer_class)
