"""Checking a whole-model file before ``load_model`` builds anything from it.

:func:`check_model_file` applies the schemas of :mod:`nabla.keras.models.file_schema`, then walks the
layers' shapes without allocating anything: from the input shape, each layer's weight shapes and
output shape follow from its config (:data:`SHAPE_RULES`), and

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
from typing import NamedTuple

from ...schema import SchemaError, validate
from . import file_schema as fs

MAX_SAMPLE_VALUES = 2**26
"""The most values one sample may have at any layer while the model is built (64 Mi, 256 MB in float32)."""
MAX_BUILD_OPERATIONS = 2**32
"""The most multiply-adds building may take: one sample through every layer (seconds in NumPy)."""

Shape = tuple  # one sample's shape (no batch axis); None where unknown (after a layer of your own)


class ModelFileError(ValueError):
    """A model file that ``load_model`` refuses; the message names the file and the field."""


class Effect(NamedTuple):
    """What a layer does to one sample: the weights it creates, its output shape, its largest array, its work."""

    weights: dict  # name -> shape (None for a size that is not known; the shape None when even its rank is not)
    output: Shape | None
    values: int = 0  # the largest array it makes (output, padded input, unfolded windows)
    operations: int = 0  # multiply-adds


def _fail(path, where: str, what: str):
    raise ModelFileError(f"load_model: {path}: {where}: {what}")


def _window(size, k: int, stride: int, dilation: int, padding: str) -> tuple:
    """``(output size, padded input size)`` of a sliding window along one axis (Keras's "valid" and "same")."""
    if size is None:
        return None, None
    span = dilation * (k - 1) + 1
    if padding == "same":
        out = math.ceil(size / stride)
        return out, max(size, (out - 1) * stride + span)
    return ((size - span) // stride + 1 if size >= span else 0), size


def _pair(v) -> tuple[int, int]:
    return (v, v) if isinstance(v, int) else tuple(v)


def _image(shape: Shape | None, who: str) -> tuple:
    if shape is not None and len(shape) != 3:
        raise ValueError(f"{who} needs (height, width, channels) images, but its input has shape {shape}")
    return shape or (None, None, None)


def _known(*sizes) -> bool:
    return None not in sizes


def _dense(c: dict, s: Shape | None) -> Effect:
    if s is not None and len(s) < 1:
        raise ValueError("Dense needs inputs with a feature axis")
    units = c["units"]
    weights = {"kernel": (None if s is None else s[-1], units)}
    if c.get("use_bias", True):
        weights["bias"] = (units,)
    if s is None:
        return Effect(weights, None)
    out = (*s[:-1], units)
    return Effect(weights, out, math.prod(out), math.prod(s) * units)


def _sliding(c: dict, s: Shape | None, who: str, kernel, dilation) -> tuple:
    """Output and padded input sizes of a convolution or pooling window over (H, W, C) images."""
    h, w, channels = _image(s, who)
    strides = kernel if c.get("strides") is None and who != "Conv2D" else _pair(c.get("strides", 1))
    padding = c.get("padding", "valid")
    (oh, ph), (ow, pw) = (_window(n, k, st, d, padding) for n, k, st, d in zip((h, w), kernel, strides, dilation))
    if 0 in (oh, ow):
        size = f"{kernel[0]}x{kernel[1]}" + ("" if dilation == (1, 1) else f" (dilation {dilation[0]}x{dilation[1]})")
        raise ValueError(f"the {size} window does not fit in images of shape {s}")
    return oh, ow, ph, pw, channels


def _conv2d(c: dict, s: Shape | None) -> Effect:
    kernel, dilation = _pair(c["kernel_size"]), _pair(c.get("dilation_rate", 1))
    oh, ow, ph, pw, channels = _sliding(c, s, "Conv2D", kernel, dilation)
    filters = c["filters"]
    weights = {"kernel": (*kernel, channels, filters)}
    if c.get("use_bias", True):
        weights["bias"] = (filters,)
    if not _known(oh, ow, ph, pw, channels):
        return Effect(weights, None if s is None else (oh, ow, filters))
    unfolded = oh * ow * kernel[0] * kernel[1] * channels
    return Effect(weights, (oh, ow, filters), max(ph * pw * channels, unfolded, oh * ow * filters), unfolded * filters)


def _pooling(c: dict, s: Shape | None) -> Effect:
    pool = _pair(c.get("pool_size", 2))
    oh, ow, ph, pw, channels = _sliding(c, s, "pooling", pool, (1, 1))
    if not _known(oh, ow, ph, pw, channels):
        return Effect({}, None if s is None else (oh, ow, channels))
    return Effect({}, (oh, ow, channels), ph * pw * channels, oh * ow * channels * pool[0] * pool[1])


def _features(c: dict, s: Shape | None, who: str):
    """The size of the normalised axis (``axis`` counts the batch axis, as in Keras)."""
    axis = c.get("axis", -1)
    if s is None:
        return None
    rank = len(s) + 1
    if not (1 <= axis < rank or -rank < axis <= -1):
        raise ValueError(f"{who}: axis {axis} is not a feature axis of inputs with {rank} axes (batch first)")
    return s[axis - 1] if axis > 0 else s[axis]


def _normalization(c: dict, s: Shape | None, moving: bool) -> Effect:
    n = _features(c, s, "BatchNormalization" if moving else "LayerNormalization")
    weights = {}
    if c.get("scale", True):
        weights["gamma"] = (n,)
    if c.get("center", True):
        weights["beta"] = (n,)
    if moving:
        weights.update(moving_mean=(n,), moving_variance=(n,))
    return _elementwise(weights, s)


def _elementwise(weights: dict, s: Shape | None) -> Effect:
    return Effect(weights, s, 0 if s is None else math.prod(s), 0 if s is None else math.prod(s))


def _prelu(c: dict, s: Shape | None) -> Effect:
    """PReLU's alpha has one sample's shape, 1 along each shared axis (axes counted with the batch axis as 0)."""
    if s is None:
        return Effect({"alpha": None}, None)
    shape = list(s)
    for axis in c.get("shared_axes") or ():
        if axis > len(shape):
            raise ValueError(f"PReLU: shared axis {axis} is beyond inputs of shape {s}")
        shape[axis - 1] = 1
    return _elementwise({"alpha": tuple(shape)}, s)


def _normalization_statistics(c: dict, s: Shape | None) -> Effect:
    """Normalization adapted (no mean in its config) holds mean and variance of the kept axes' sizes, and a count."""
    if c.get("mean") is not None:
        return _elementwise({}, s)
    if s is None:
        return Effect({"mean": None, "variance": None, "count": ()}, None)
    axis = c.get("axis", -1)
    rank = len(s) + 1
    axes = [] if axis is None else [axis] if isinstance(axis, int) else axis
    if any(not -rank <= a < rank or a % rank == 0 for a in axes):
        raise ValueError(f"Normalization: axis {axis} is not a feature axis of inputs with {rank} axes (batch first)")
    kept = tuple(s[a % rank - 1] for a in sorted(a % rank for a in axes))
    return _elementwise({"mean": kept, "variance": kept, "count": ()}, s)


def _embedding(c: dict, s: Shape | None) -> Effect:
    weights = {"embeddings": (c["input_dim"], c["output_dim"])}
    return _elementwise(weights, None if s is None else (*s, c["output_dim"]))


def _sides(value) -> tuple:
    """(top, bottom, left, right) from ZeroPadding2D's padding or Cropping2D's cropping."""
    if isinstance(value, int):
        return (value,) * 4
    if all(isinstance(v, int) for v in value):
        return value[0], value[0], value[1], value[1]
    return (*value[0], *value[1])


def _resized(c: dict, s: Shape | None, who: str) -> Effect:
    """UpSampling2D, ZeroPadding2D, Cropping2D: (H, W, C) images to images of another height and width."""
    h, w, channels = _image(s, who)
    if s is None:
        return Effect({}, None)
    if who == "UpSampling2D":
        sh, sw = _pair(c.get("size", 2))
        out = (h * sh, w * sw, channels)
    else:
        top, bottom, left, right = _sides(c.get("padding" if who == "ZeroPadding2D" else "cropping", 1))
        sign = 1 if who == "ZeroPadding2D" else -1
        out = (h + sign * (top + bottom), w + sign * (left + right), channels)
        if min(out[:2]) <= 0:
            raise ValueError(f"{who}: the cropping leaves nothing of images of shape {s}")
    return Effect({}, out, math.prod(out), math.prod(out))


def _repeat_vector(c: dict, s: Shape | None) -> Effect:
    if s is not None and len(s) != 1:
        raise ValueError(f"RepeatVector needs (features,) inputs, but its input has shape {s}")
    return _elementwise({}, None if s is None else (c["n"], s[0]))


def _one(v) -> int:
    return v if isinstance(v, int) else v[0]


def _sequence(c: dict, s: Shape | None, who: str) -> Effect:
    """Conv1D and the 1-D poolings on (steps, channels) sequences, as their 2-D forms on images of height 1."""
    if s is not None and len(s) != 2:
        raise ValueError(f"{who} needs (steps, channels) sequences, but its input has shape {s}")
    image = None if s is None else (1, *s)
    if who == "Conv1D":
        k = _one(c["kernel_size"])
        padding = "valid" if c.get("padding") == "causal" else c.get("padding", "valid")
        config = {**c, "kernel_size": (1, k), "strides": (1, _one(c.get("strides", 1))), "padding": padding,
                  "dilation_rate": (1, _one(c.get("dilation_rate", 1)))}  # fmt: skip
        if c.get("padding") == "causal" and s is not None:  # the causal zeros keep the length (for stride 1)
            image = (1, s[0] + config["dilation_rate"][1] * (k - 1), s[1])
        effect = _conv2d(config, image)
        weights = {**effect.weights, "kernel": effect.weights["kernel"][1:]}  # (1, k, in, out) -> (k, in, out)
    else:
        size = _one(c.get("pool_size", 2))
        strides = None if c.get("strides") is None else (1, _one(c["strides"]))
        effect = _pooling({**c, "pool_size": (1, size), "strides": strides or (1, size)}, image)
        weights = {}
    return effect._replace(weights=weights, output=None if effect.output is None else effect.output[1:])


def _global_1d(c: dict, s: Shape | None) -> Effect:
    if s is not None and len(s) != 2:
        raise ValueError(f"a global 1-D pooling needs (steps, channels) sequences, but its input has shape {s}")
    return Effect({}, None if s is None else ((1, s[1]) if c.get("keepdims") else (s[1],)))


def _flatten(c: dict, s: Shape | None) -> Effect:
    return Effect({}, None if s is None else (math.prod(s),))


def _translation(c: dict, s: Shape | None) -> Effect:
    """The random image layers (RandomTranslation, RandomFlip...): one image in, one of the same shape out."""
    if s is not None and len(s) not in (2, 3):
        raise ValueError(f"a random image layer needs (height, width, channels) images, but its input has shape {s}")
    return _elementwise({}, s)


#: Layer class -> f(config, one sample's input shape or None) -> its Effect.
SHAPE_RULES = {
    "Dense": _dense,
    "Conv2D": _conv2d,
    "MaxPooling2D": _pooling,
    "AveragePooling2D": _pooling,
    "BatchNormalization": lambda c, s: _normalization(c, s, moving=True),
    "LayerNormalization": lambda c, s: _normalization(c, s, moving=False),
    "Flatten": _flatten,
    "Activation": lambda c, s: _elementwise({}, s),
    **dict.fromkeys(["Softmax", "ReLU", "LeakyReLU", "ELU", "Identity"], lambda c, s: _elementwise({}, s)),
    "PReLU": _prelu,
    "Rescaling": lambda c, s: _elementwise({}, s),
    "Embedding": _embedding,
    **{who: (lambda c, s, who=who: _sequence(c, s, who)) for who in ("Conv1D", "MaxPooling1D", "AveragePooling1D")},
    **dict.fromkeys(["GlobalAveragePooling1D", "GlobalMaxPooling1D"], _global_1d),
    **{who: (lambda c, s, who=who: _resized(c, s, who)) for who in ("UpSampling2D", "ZeroPadding2D", "Cropping2D")},
    "RepeatVector": _repeat_vector,
    **dict.fromkeys(["UnitNormalization", "ActivityRegularization", "SpatialDropout2D"],
                    lambda c, s: _elementwise({}, s)),  # fmt: skip
    "Normalization": _normalization_statistics,
    "Dropout": lambda c, s: _elementwise({}, s),
    "GaussianNoise": lambda c, s: _elementwise({}, s),
    "GaussianDropout": lambda c, s: _elementwise({}, s),
    "RandomTranslation": _translation,
    **dict.fromkeys(["RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast"], _translation),
}


def _input_shape(payload: dict, config: dict, layers: list, path, custom: dict) -> Shape | None:
    """One sample's input shape, from every place a file may give it (they must agree); None if none does."""
    found = []
    for where, shape in (("build_input_shape", payload.get("build_input_shape")),
                         ("config.build_input_shape", config.get("build_input_shape"))):  # fmt: skip
        if shape is not None:
            if shape[0] is not None or None in shape[1:]:
                _fail(path, where, f"expected [null, size, ...] (a null batch size, then positive sizes), got {shape}")
            found.append((where, tuple(shape[1:])))
    first = layers[0]["class_name"] if layers and layers[0]["class_name"] not in custom else None
    if first == "InputLayer":
        if "shape" in layers[0]["config"] and "input_shape" in layers[0]["config"]:
            _fail(path, "config.layers[0].config.input_shape", "an Input takes shape or input_shape, not both")
        shape = layers[0]["config"].get("shape") or layers[0]["config"].get("input_shape")
        if shape is None:
            _fail(path, "config.layers[0].config.shape", "missing (an Input needs the shape of one sample)")
        found.append(("config.layers[0].config.shape", tuple(shape)))
    elif first is not None and layers[0]["config"].get("input_shape") is not None:
        found.append(("config.layers[0].config.input_shape", tuple(layers[0]["config"]["input_shape"])))
    for where, shape in found[1:]:
        if shape != found[0][1]:
            _fail(path, where, f"the input shape {list(shape)} disagrees with {found[0][0]} ({list(found[0][1])})")
    return found[0][1] if found else None


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
        if name in custom:
            continue
        if name not in fs.LAYER_CONFIGS:
            _fail(path, f"{where}.class_name", f"unknown layer class {name!r}; if it is yours, pass it in "
                                               f"custom_objects={{{name!r}: cls}}")  # fmt: skip
        if name == "InputLayer" and i > 0:
            _fail(path, f"{where}.class_name", "an Input can only come first")
        _validate(entry["config"], fs.LAYER_CONFIGS[name], f"{where}.config", path)
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
        if name == "InputLayer" and name not in custom:
            continue  # not a layer of the model: it only declares the input shape
        hint = None if name in custom else layer_config.get("input_shape")
        if i > 0 and hint is not None and shape is not None and tuple(hint) != shape:
            _fail(path, f"{where}.config.input_shape", f"{hint} disagrees with the shape reaching the layer, "
                                                       f"{list(shape)}")  # fmt: skip
        if name in custom:
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
    for key in weights:
        if key not in expected and not any(key.startswith(p) for p in owned_by_custom):
            _fail(path, f"weights.{key}", "a weight that no layer of the config has")


def _check_weights(path, weights: dict, expected: dict, where: str) -> None:
    """The weights one layer will create (``expected``: name -> shape, None for unknown sizes) against the file's."""
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
        class_name = fs.OPTIMIZER_CLASSES[optimizer]
    else:
        class_name = optimizer["class_name"]
        _validate(optimizer["config"], _object(fs.OPTIMIZER_CONFIGS[class_name], False), "compile.optimizer.config",
                  path)  # fmt: skip
    loss = spec["loss"]
    if isinstance(loss, dict):
        options = {"name": fs.NAME, **fs.LOSS_CONFIGS[loss["class_name"]]}
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
    allowed = fs.OPTIMIZER_STATE_KEYS[class_name]
    per_parameter = _object({k: fs.STEP if k == "step" else fs.STATE_ARRAY for k in allowed}, False)
    for key, values in saved["state"]["state"].items():
        _validate(values, per_parameter, f"optimizer.state.state[{key}]", path)
    group = _object({**fs.OPTIMIZER_CONFIGS[class_name], "params": {"type": "array"}}, True)
    for i, values in enumerate(saved["state"]["param_groups"]):
        _validate(values, group, f"optimizer.state.param_groups[{i}]", path)


def check_model_file(payload, path, custom_objects: dict) -> None:
    """Check everything ``load_model`` will use from a decoded file; raise :class:`ModelFileError` if anything is off.

    Args:
        payload: what ``nb.load`` returned for the file.
        path: the file, for messages.
        custom_objects: class name -> your class, for layers and models of your own.
    """
    if not isinstance(payload, dict) or not isinstance(payload.get("format"), str) or payload["format"] != fs.FORMAT:
        raise ModelFileError(f"load_model: {path} is not a nabla model file (use nb.load for plain state dicts)")
    _validate(payload, fs.PAYLOAD, "", path)
    class_name = payload["class_name"]
    if class_name == "Sequential":
        _check_sequential(payload, path, custom_objects)
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
