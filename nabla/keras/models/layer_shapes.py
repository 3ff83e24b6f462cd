"""How each built-in layer that holds no other layer changes one sample's shape, from its config alone.

Each ``rule(config, input_shape) -> Effect`` gives the weights the layer would create (names and shapes),
its output shape, the largest array it makes for one sample and its multiply-adds;
:data:`nabla.keras.models.file_shapes.SHAPE_RULES` names them by layer class, with the rules of the layers
that hold others (recurrent cells, wrappers).

Shapes are one sample's (no batch axis); None stands for a shape that is not known (after a layer of
your own). A merging layer's rule takes the list of its inputs' shapes.
"""

from __future__ import annotations

import math
from typing import NamedTuple

import numpy as np

from ..layers.convolutional_transpose import keras_crops

Shape = tuple  # one sample's shape (no batch axis); None where unknown (after a layer of your own)


class Effect(NamedTuple):
    """What a layer does to one sample: the weights it creates, its output shape, its largest array, its work."""

    weights: dict  # name -> shape (None for a size that is not known; the shape None when even its rank is not)
    output: Shape | None
    values: int = 0  # the largest array it makes (output, padded input, unfolded windows)
    operations: int = 0  # multiply-adds


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
    strides = kernel if c.get("strides") is None and who == "pooling" else _pair(c.get("strides", 1))
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


def _flatten(c: dict, s: Shape | None) -> Effect:
    return Effect({}, None if s is None else (math.prod(s),))


def _translation(c: dict, s: Shape | None) -> Effect:
    if s is not None and len(s) not in (2, 3):
        raise ValueError(f"a random image layer needs (height, width, channels) images, but its input has shape {s}")
    return _elementwise({}, s)


def _inputs(s, who: str, count: int | None = None) -> list:
    """The shapes a merging layer receives: a list of at least two (exactly ``count`` if given)."""
    if not isinstance(s, list) or len(s) < 2:
        raise ValueError(f"{who} merges a list of at least 2 inputs (a layer of functional models), got one input")
    if count is not None and len(s) != count:
        raise ValueError(f"{who} takes exactly {count} inputs, got {len(s)}")
    return s


def _broadcast(shapes: list, who: str) -> Shape | None:
    """The shape elementwise operations give (NumPy's broadcasting, as nabla's operations do)."""
    if any(s is None for s in shapes):
        return None
    try:
        return tuple(int(n) for n in np.broadcast_shapes(*shapes))
    except ValueError:
        raise ValueError(f"{who}: inputs of shapes {[list(s) for s in shapes]} do not broadcast together") from None


def _merge(who: str, count: int | None = None):
    def rule(c: dict, s) -> Effect:
        out = _broadcast(_inputs(s, who, count), who)
        return _elementwise({}, out)

    return rule


def _concatenate(c: dict, s) -> Effect:
    shapes = _inputs(s, "Concatenate")
    if any(shape is None for shape in shapes):
        return Effect({}, None)
    rank = len(shapes[0]) + 1  # Keras's axis counts the batch axis
    axis = c.get("axis", -1)
    if not -rank <= axis < rank or any(len(shape) + 1 != rank for shape in shapes):
        raise ValueError(f"Concatenate: axis {axis} does not fit inputs of shapes {[list(t) for t in shapes]}")
    axis %= rank
    if axis == 0:  # along the batch: the samples keep their shape
        out = shapes[0] if len(set(shapes)) == 1 else None
    else:
        rest = {shape[: axis - 1] + shape[axis:] for shape in shapes}
        out = (*shapes[0][: axis - 1], sum(shape[axis - 1] for shape in shapes), *shapes[0][axis:])
        out = out if len(rest) == 1 else None
    if out is None:
        raise ValueError(f"Concatenate: inputs of shapes {[list(t) for t in shapes]} differ besides axis {axis}")
    return _elementwise({}, out)


def _reshape(c: dict, s: Shape | None) -> Effect:
    target = list(c["target_shape"])
    if target.count(-1) > 1:
        raise ValueError(f"Reshape: at most one size of target_shape may be -1, got {target}")
    if s is None:
        return Effect({}, None if -1 in target else tuple(target))
    size, known = math.prod(s), math.prod(n for n in target if n != -1)
    if -1 in target and size % known == 0:
        target[target.index(-1)] = size // known
    if math.prod(target) != size:
        raise ValueError(f"Reshape: samples of shape {s} cannot take the shape {c['target_shape']}")
    return _elementwise({}, tuple(target))


def _permute(c: dict, s: Shape | None) -> Effect:
    dims = c["dims"]
    if sorted(dims) != list(range(1, len(dims) + 1)) or (s is not None and len(s) != len(dims)):
        raise ValueError(f"Permute: dims {dims} is not an order of the {'' if s is None else len(s)} sample axes")
    return _elementwise({}, None if s is None else tuple(s[d - 1] for d in dims))


def _global_pooling(rank: int, layout: str):
    def rule(c: dict, s: Shape | None) -> Effect:
        if s is not None and len(s) != rank:
            raise ValueError(f"global pooling needs {layout} inputs, but its input has shape {s}")
        if s is None:
            return Effect({}, None)
        out = (*(1,) * (rank - 1), s[-1]) if c.get("keepdims", False) else (s[-1],)
        return Effect({}, out, math.prod(s), math.prod(s))

    return rule


#: Layer class -> f(config, one sample's input shape or None; a list of them for a merge) -> its Effect.
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


def _conv_transpose(c: dict, s: Shape | None, rank: int) -> Effect:
    """Conv2DTranspose and Conv1DTranspose: the natural output ``(size - 1) * stride + span``, less Keras's crops."""
    if s is not None and len(s) != rank + 1:
        layout = "(height, width, channels) images" if rank == 2 else "(steps, channels) sequences"
        raise ValueError(f"a transposed convolution needs {layout}, but its input has shape {s}")
    sizes = (lambda v: (_one(v),)) if rank == 1 else _pair
    kernel, strides, dilation = sizes(c["kernel_size"]), sizes(c.get("strides", 1)), sizes(c.get("dilation_rate", 1))
    extra = (None,) * rank if c.get("output_padding") is None else sizes(c["output_padding"])
    filters, channels = c["filters"], None if s is None else s[-1]
    weights = {"kernel": (*kernel, filters, channels)}
    if c.get("use_bias", True):
        weights["bias"] = (filters,)
    if s is None:
        return Effect(weights, None)
    out = []
    for size, k, st, d, p in zip(s[:-1], kernel, strides, dilation, extra):
        before, after = keras_crops(k, st, d, c.get("padding", "valid"), p)
        out.append((size - 1) * st + (k - 1) * d + 1 - before - after)
    if min(out) <= 0:
        raise ValueError(f"a transposed convolution's padding leaves nothing of inputs of shape {s}")
    full = math.prod(out) * filters
    return Effect(weights, (*out, filters), full, math.prod(s) * math.prod(kernel) * filters)


def _to_size(c: dict, s: Shape | None) -> Effect:
    """Resizing, CenterCrop, RandomCrop: (H, W, C) images to (height, width, C)."""
    channels = _image(s, "a resizing layer")[2]
    return Effect({}, None) if s is None else _elementwise({}, (c["height"], c["width"], channels))


def _steps(c: dict, s: Shape | None, who: str) -> Effect:
    """UpSampling1D, ZeroPadding1D, Cropping1D: (steps, features) sequences to another number of steps."""
    if s is not None and len(s) != 2:
        raise ValueError(f"{who} needs (steps, features) sequences, but its input has shape {s}")
    if s is None:
        return Effect({}, None)
    if who == "UpSampling1D":
        steps = s[0] * _one(c.get("size", 2))
    else:
        ends = _pair(c.get("padding" if who == "ZeroPadding1D" else "cropping", 1))
        steps = s[0] + (1 if who == "ZeroPadding1D" else -1) * sum(ends)
        if steps <= 0:
            raise ValueError(f"{who}: the cropping leaves nothing of sequences of shape {s}")
    return _elementwise({}, (steps, s[1]))


def _dot(c: dict, s) -> Effect:
    """Dot: the first input's axes but the paired one, then the second's ((1,) for two vectors)."""
    shapes = _inputs(s, "Dot", 2)
    if any(shape is None for shape in shapes):
        return Effect({}, None)
    axes = _pair(c["axes"])
    picked = [a % (len(shape) + 1) for a, shape in zip(axes, shapes)]
    if 0 in picked or shapes[0][picked[0] - 1] != shapes[1][picked[1] - 1]:
        raise ValueError(f"Dot: axes {c['axes']} do not pair inputs of shapes {[list(t) for t in shapes]}")
    rest = [d for i, d in enumerate(shapes[0]) if i != picked[0] - 1] + \
        [d for i, d in enumerate(shapes[1]) if i != picked[1] - 1]  # fmt: skip
    return Effect({}, tuple(rest) or (1,), max(math.prod(shapes[0]), math.prod(shapes[1]), math.prod(rest)),
                  math.prod(rest) * shapes[0][picked[0] - 1])  # fmt: skip


def _attention(c: dict, s, additive: bool) -> Effect:
    """Attention, AdditiveAttention on [query (Tq, dim), value (Tv, dim)(, key (Tv, dim))]: (Tq, value's dim)."""
    who = "AdditiveAttention" if additive else "Attention"
    shapes = _inputs(s, who)
    if len(shapes) > 3:
        raise ValueError(f"{who} takes [query, value] or [query, value, key], got {len(shapes)} inputs")
    weights = {}
    if c.get("use_scale", additive):
        weights["scale"] = (None if shapes[0] is None else shapes[0][-1],) if additive else ()
    if not additive and c.get("score_mode", "dot") == "concat":
        weights["concat_score_weight"] = ()
    if any(shape is None for shape in shapes):
        return Effect(weights, None)
    query, value, key = shapes[0], shapes[1], shapes[-1]
    if len(query) != 2 or len(value) != 2 or key[0] != value[0] or query[-1] != key[-1]:
        raise ValueError(f"{who}: inputs of shapes {[list(t) for t in shapes]} are not query (Tq, dim), value "
                         "(Tv, dim) and key (Tv, dim)")  # fmt: skip
    scores, out = query[0] * key[0], (query[0], value[-1])
    pairs = additive or c.get("score_mode", "dot") == "concat"  # (a (Tq, Tv, dim) array of query + key)
    return Effect(weights, out, max(scores * query[-1] if pairs else scores, math.prod(out)),
                  scores * (query[-1] + value[-1]))  # fmt: skip


def _group_normalization(c: dict, s: Shape | None) -> Effect:
    channels = _features(c, s, "GroupNormalization")
    if channels is not None and (channels < c.get("groups", 32) or channels % c.get("groups", 32)):
        raise ValueError(f"GroupNormalization: groups={c.get('groups', 32)} must divide the {channels} channels")
    weights = {}
    if c.get("scale", True):
        weights["gamma"] = (channels,)
    if c.get("center", True):
        weights["beta"] = (channels,)
    return _elementwise(weights, s)


def _depthwise(c: dict, s: Shape | None, separable: bool) -> Effect:
    """DepthwiseConv2D and SeparableConv2D: Conv2D's sliding window, M kernels per channel (then a 1x1 mix)."""
    kernel, dilation = _pair(c["kernel_size"]), _pair(c.get("dilation_rate", 1))
    who = "SeparableConv2D" if separable else "DepthwiseConv2D"
    oh, ow, ph, pw, channels = _sliding(c, s, who, kernel, dilation)
    m = c.get("depth_multiplier", 1)
    depth = None if channels is None else channels * m
    out_channels = c["filters"] if separable else depth
    weights = {"depthwise_kernel" if separable else "kernel": (*kernel, channels, m)}
    if separable:
        weights["pointwise_kernel"] = (1, 1, depth, c["filters"])
    if c.get("use_bias", True):
        weights["bias"] = (out_channels,)
    if not _known(oh, ow, ph, pw, channels):
        return Effect(weights, None if s is None else (oh, ow, out_channels))
    unfolded = oh * ow * kernel[0] * kernel[1] * channels
    work = unfolded * m + (oh * ow * depth * out_channels if separable else 0)
    return Effect(weights, (oh, ow, out_channels), max(ph * pw * channels, unfolded, oh * ow * depth), work)


# The rules by layer class (those of the recurrent layers and wrappers are added in .file_shapes).
RULES = {
    "Dense": _dense,
    "Conv2D": _conv2d,
    "MaxPooling2D": _pooling,
    "AveragePooling2D": _pooling,
    "BatchNormalization": lambda c, s: _normalization(c, s, moving=True),
    "LayerNormalization": lambda c, s: _normalization(c, s, moving=False),
    "Flatten": _flatten,
    "Activation": lambda c, s: _elementwise({}, s),
    "Dropout": lambda c, s: _elementwise({}, s),
    "Masking": lambda c, s: _elementwise({}, s),
    "GaussianNoise": lambda c, s: _elementwise({}, s),
    "GaussianDropout": lambda c, s: _elementwise({}, s),
    "RandomTranslation": _translation,
    "GlobalAveragePooling1D": _global_pooling(2, "(steps, features)"),
    "GlobalMaxPooling1D": _global_pooling(2, "(steps, features)"),
    "GlobalAveragePooling2D": _global_pooling(3, "(height, width, channels)"),
    "GlobalMaxPooling2D": _global_pooling(3, "(height, width, channels)"),
    "Add": _merge("Add"),
    "Subtract": _merge("Subtract", 2),
    "Multiply": _merge("Multiply"),
    "Average": _merge("Average"),
    "Maximum": _merge("Maximum"),
    "Minimum": _merge("Minimum"),
    "Concatenate": _concatenate,
    "Reshape": _reshape,
    "Permute": _permute,
    **dict.fromkeys(["Softmax", "ReLU", "LeakyReLU", "ELU", "Identity"], lambda c, s: _elementwise({}, s)),
    "PReLU": _prelu,
    "Rescaling": lambda c, s: _elementwise({}, s),
    "Embedding": _embedding,
    **{who: (lambda c, s, who=who: _sequence(c, s, who)) for who in ("Conv1D", "MaxPooling1D", "AveragePooling1D")},
    **{who: (lambda c, s, who=who: _resized(c, s, who)) for who in ("UpSampling2D", "ZeroPadding2D", "Cropping2D")},
    "RepeatVector": _repeat_vector,
    **{who: (lambda c, s, who=who: _steps(c, s, who)) for who in ("UpSampling1D", "ZeroPadding1D", "Cropping1D")},
    "Dot": _dot,
    "Attention": lambda c, s: _attention(c, s, additive=False),
    "AdditiveAttention": lambda c, s: _attention(c, s, additive=True),
    "GroupNormalization": _group_normalization,
    "DepthwiseConv2D": lambda c, s: _depthwise(c, s, separable=False),
    "SeparableConv2D": lambda c, s: _depthwise(c, s, separable=True),
    "SpatialDropout1D": lambda c, s: _elementwise({}, s),
    "AlphaDropout": lambda c, s: _elementwise({}, s),
    "SpatialDropout3D": lambda c, s: _elementwise({}, s),
    **dict.fromkeys(["Resizing", "CenterCrop", "RandomCrop"], _to_size),
    "Conv2DTranspose": lambda c, s: _conv_transpose(c, s, 2),
    "Conv1DTranspose": lambda c, s: _conv_transpose(c, s, 1),
    **dict.fromkeys(["UnitNormalization", "ActivityRegularization", "SpatialDropout2D"],
                    lambda c, s: _elementwise({}, s)),  # fmt: skip
    "Normalization": _normalization_statistics,
    **dict.fromkeys(["RandomFlip", "RandomRotation", "RandomZoom", "RandomContrast", "RandomBrightness"], _translation),
}
