"""Keras's weight initialisers: ``Dense(4, kernel_initializer="he_normal")`` or ``kernel_initializer=HeNormal(seed=1)``.

Each is a class, as in Keras 3 (``keras.initializers.GlorotUniform(seed=None)``), called as
``init(shape, dtype=None)`` to give a tensor (float32 unless ``dtype`` says otherwise); the names
(``"glorot_uniform"``) build the class with its defaults. Fans follow Keras's layout: a Dense kernel
is (in, units) and a Conv2D kernel (kh, kw, in, out), so ``fan_in = prod(shape[:-1])`` and
``fan_out = prod(shape[:-2]) * shape[-1]``.

Seeds: as in Keras 3, an initialiser given a ``seed`` gives the same values at every call (its own
generator, restarted per call). One without a seed draws new values at every call from nabla's
generator, so that ``nb.manual_seed`` (or ``keras.utils.set_random_seed``) makes a whole model
reproducible. This differs from Keras 3 on purpose: Keras 3 fixes a seed when an unseeded initialiser
is made, so one instance repeats its values (two layers sharing it start equal); nabla does as Keras 2
and tf.keras did. The values drawn for a seed are nabla's (NumPy's PCG64), not Keras's.

Names are Keras 3's (its class names, their snake_case, and "normal", "uniform", "one", "zero"); a layer
writes a name it was given as its snake_case name (:func:`standardize`) and an instance as Keras 3 does
(:func:`serialize`). Keras's ``STFT`` is not offered.
"""

from __future__ import annotations

import inspect
import math

import numpy as np

from ._engine import Tensor, dtypes
from ._engine import random as _random
from ._missing import missing

# Keras truncates normals at 2 std; this is the std of a unit normal so truncated.
_TRUNCATED_STD = 0.87962566103423978


def _fans(shape: tuple, input_axes=None, output_axes=None) -> tuple[int, int]:
    """(fan_in, fan_out): the products over ``input_axes`` / ``output_axes`` when both are given, else
    Keras's layout rule (a scalar 1, 1; a vector its length twice; otherwise the receptive field times
    the last two axes)."""
    if input_axes is not None and output_axes is not None:
        return math.prod(shape[a] for a in input_axes), math.prod(shape[a] for a in output_axes)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    receptive = math.prod(shape[:-2])
    return receptive * shape[-2], receptive * shape[-1]


def _truncated_normal(rng: np.random.Generator, shape, std: float) -> np.ndarray:
    """A normal of standard deviation ``std`` before truncation, redrawn where it falls beyond 2 std."""
    out = rng.standard_normal(shape)
    bad = np.abs(out) > 2
    while bad.any():
        out[bad] = rng.standard_normal(int(bad.sum()))
        bad = np.abs(out) > 2
    return out * std


class Initializer:
    """The base class: ``init(shape, dtype=None)`` -> a tensor of ``shape`` (float32 unless ``dtype``).

    A subclass writes :meth:`draw` (a float64 NumPy array from a generator) and keeps its arguments as
    attributes named as in its constructor, which :meth:`get_config` returns.
    """

    seed: int | None = None
    draws_random = False  # whether draw reads the generator (Zeros, Constant... do not touch it)
    config_name: str | None = None  # the name a layer was given it by, which the layer's config writes

    def draw(self, rng: np.random.Generator, shape: tuple) -> np.ndarray:
        raise NotImplementedError(f"{type(self).__name__} must define draw(rng, shape)")

    def values(self, shape) -> np.ndarray:
        """The float64 values for ``shape``, from the initialiser's own seed or from nabla's generator."""
        shape = tuple(int(s) for s in shape)
        rng = None
        if self.draws_random:
            rng = _random.generator() if self.seed is None else np.random.default_rng(self.seed)
        return np.asarray(self.draw(rng, shape), dtype=np.float64)

    def __call__(self, shape, dtype=None) -> Tensor:
        """A tensor of ``shape``, of ``dtype`` (default float32, Keras's floatx)."""
        return Tensor(self.values(shape), dtype=dtypes.resolve(dtype) or dtypes.default_float)

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Initializer:
        """The initialiser that :meth:`get_config` described; unknown keys raise naming the known ones."""
        parameters = inspect.signature(cls).parameters
        known = [name for name, p in parameters.items() if p.kind is not inspect.Parameter.VAR_KEYWORD]
        unknown = sorted(set(config) - set(known))
        if unknown and len(known) == len(parameters):  # a subclass taking **kwargs checks its own
            raise ValueError(f"{cls.__name__}: unknown config keys {unknown}; it takes {known}")
        return cls(**config)

    def __repr__(self) -> str:
        arguments = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({arguments})"


def _check_seed(seed) -> int | None:
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, (int, np.integer)) or seed < 0):
        raise ValueError(f"an initializer's seed must be None or a non-negative integer, got {seed!r}")
    return None if seed is None else int(seed)


def _number(value, owner: str, argument: str) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float, np.number)) or not abs(value) < math.inf:
        raise ValueError(f"{owner}: {argument} must be a finite number, got {value!r}")
    return float(value)


def _axes(value, owner: str, argument: str) -> list[int] | None:
    if value is None:
        return None
    if not isinstance(value, (list, tuple)) or not all(isinstance(a, int) and not isinstance(a, bool) for a in value):
        raise ValueError(f"{owner}: {argument} must be None or a list of axes (integers), got {value!r}")
    return list(value)


class Zeros(Initializer):
    """All zeros."""

    def draw(self, rng, shape):
        return np.zeros(shape)


class Ones(Initializer):
    """All ones."""

    def draw(self, rng, shape):
        return np.ones(shape)


class Constant(Initializer):
    """Every value ``value``: a number, or (as Keras 3) an array, a list or a tensor of numbers broadcast to
    the shape asked for, as TensorFlow's "imbalanced data" tutorial sets an output bias:
    ``Dense(1, bias_initializer=Constant(np.log([pos / neg])))``.

    Its config keeps a number as a number and an array in Keras 3's form,
    ``{"class_name": "__numpy__", "config": {"value": [...], "dtype": "float64"}}``, which
    :meth:`from_config` reads back (the values checked: finite numbers, a float or integer dtype).
    """

    def __init__(self, value=0.0):
        self.value = _constant_value(value)

    def draw(self, rng, shape):
        try:
            return np.broadcast_to(self.value, shape).copy()
        except ValueError:
            raise ValueError(
                f"Constant: its value of shape {np.shape(self.value)} cannot fill a weight of shape {shape}; "
                "give a number, or an array whose shape broadcasts to the weight's"
            ) from None

    def get_config(self) -> dict:
        if isinstance(self.value, float):
            return {"value": self.value}
        return {"value": {"class_name": "__numpy__",
                          "config": {"value": self.value.tolist(), "dtype": str(self.value.dtype)}}}  # fmt: skip


# The dtypes of an array that a Constant's config may name (Keras 3 writes the array's own).
_CONSTANT_DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8")


def _constant_value(value) -> float | np.ndarray:
    """A Constant's value: a float for a number (or a 0-d array), else a finite numeric array; Keras 3's
    ``__numpy__`` config form is read back into its array."""
    if isinstance(value, dict):
        config = value.get("config") if value.get("class_name") == "__numpy__" else None
        if not isinstance(config, dict) or config.get("dtype") not in _CONSTANT_DTYPES:
            raise ValueError(
                'Constant: a value given as a dict must be Keras 3\'s {"class_name": "__numpy__", "config": '
                f'{{"value": [...], "dtype": one of {list(_CONSTANT_DTYPES)}}}}}, got {value!r:.200}'
            )
        value = np.asarray(_finite_values(config.get("value")), dtype=config["dtype"])
    if isinstance(value, (int, float, np.number)) and not isinstance(value, bool):
        return _number(value, "Constant", "value")
    array = np.asarray(_finite_values(value._data if isinstance(value, Tensor) else value))
    return float(array) if array.ndim == 0 else array


def _finite_values(value) -> np.ndarray:
    try:
        array = np.asarray(value)
    except ValueError:  # ragged lists
        array = None
    if array is None or array.dtype.kind not in "fiu" or not np.isfinite(array).all():
        raise ValueError(f"Constant: value must be a finite number or an array of them, got {value!r:.200}")
    return array


class RandomNormal(Initializer):
    """Normal draws, ``mean`` and ``stddev`` (Keras's defaults: 0 and 0.05)."""

    draws_random = True

    def __init__(self, mean: float = 0.0, stddev: float = 0.05, seed: int | None = None):
        owner = type(self).__name__
        self.mean, self.stddev = _number(mean, owner, "mean"), _number(stddev, owner, "stddev")
        self.seed = _check_seed(seed)

    def draw(self, rng, shape):
        return self.mean + self.stddev * rng.standard_normal(shape)

    def get_config(self) -> dict:
        return {"mean": self.mean, "stddev": self.stddev, "seed": self.seed}


class TruncatedNormal(RandomNormal):
    """Normal draws redrawn beyond 2 ``stddev`` of ``mean`` (so their final std is ~0.88 ``stddev``)."""

    def draw(self, rng, shape):
        return self.mean + _truncated_normal(rng, shape, self.stddev)


class RandomUniform(Initializer):
    """Uniform draws in [``minval``, ``maxval``) (Keras's defaults: -0.05, 0.05)."""

    draws_random = True

    def __init__(self, minval: float = -0.05, maxval: float = 0.05, seed: int | None = None):
        self.minval = _number(minval, "RandomUniform", "minval")
        self.maxval = _number(maxval, "RandomUniform", "maxval")
        self.seed = _check_seed(seed)

    def draw(self, rng, shape):
        return rng.uniform(self.minval, self.maxval, size=shape)

    def get_config(self) -> dict:
        return {"minval": self.minval, "maxval": self.maxval, "seed": self.seed}


class VarianceScaling(Initializer):
    """Draws of variance ``scale / n``, n the fan in, the fan out or their mean (``mode``).

    ``distribution``: ``"truncated_normal"`` (std ``sqrt(scale / n) / 0.8796``, truncated at 2 std, so
    the final std is ``sqrt(scale / n)``), ``"untruncated_normal"`` (std ``sqrt(scale / n)``) or
    ``"uniform"`` (in ``±sqrt(3 scale / n)``). Keras 2's ``"normal"`` is read as ``"truncated_normal"``.
    ``input_axes`` and ``output_axes`` (Keras 3.13+; both or neither) name the axes whose sizes multiply
    into fan_in and fan_out, instead of the layout rule (see the module's notes).
    """

    draws_random = True
    _MODES = ("fan_in", "fan_out", "fan_avg")
    _DISTRIBUTIONS = ("truncated_normal", "untruncated_normal", "uniform")

    def __init__(self, scale: float = 1.0, mode: str = "fan_in", distribution: str = "truncated_normal",
                 seed: int | None = None, input_axes: list[int] | None = None,
                 output_axes: list[int] | None = None):  # fmt: skip
        owner = type(self).__name__
        scale = _number(scale, owner, "scale")
        if not scale > 0:
            raise ValueError(f"{owner}: scale must be positive, got {scale!r}")
        if mode not in self._MODES:
            raise ValueError(f"{owner}: mode must be one of {', '.join(self._MODES)}, got {mode!r}")
        if isinstance(distribution, str) and distribution.lower() in ("normal", *self._DISTRIBUTIONS):
            distribution = "truncated_normal" if distribution.lower() == "normal" else distribution.lower()
        else:
            valid = ", ".join(self._DISTRIBUTIONS)
            raise ValueError(f"{owner}: distribution must be one of {valid}, got {distribution!r}")
        self.scale, self.mode, self.distribution, self.seed = scale, mode, distribution, _check_seed(seed)
        self.input_axes = _axes(input_axes, owner, "input_axes")
        self.output_axes = _axes(output_axes, owner, "output_axes")

    def draw(self, rng, shape):
        for axis in (self.input_axes or []) + (self.output_axes or []):
            if not -len(shape) <= axis < len(shape):
                raise ValueError(f"{type(self).__name__}: axis {axis} is outside a shape of {len(shape)} axes, {shape}")
        fan_in, fan_out = _fans(shape, self.input_axes, self.output_axes)
        n = max(1.0, {"fan_in": fan_in, "fan_out": fan_out, "fan_avg": (fan_in + fan_out) / 2}[self.mode])
        if self.distribution == "uniform":
            limit = math.sqrt(3.0 * self.scale / n)
            return rng.uniform(-limit, limit, size=shape)
        if self.distribution == "untruncated_normal":
            return math.sqrt(self.scale / n) * rng.standard_normal(shape)
        return _truncated_normal(rng, shape, math.sqrt(self.scale / n) / _TRUNCATED_STD)

    def get_config(self) -> dict:
        return {"scale": self.scale, "mode": self.mode, "distribution": self.distribution, "seed": self.seed,
                "input_axes": self.input_axes, "output_axes": self.output_axes}  # fmt: skip


def _variance_scaling_preset(name: str, scale: float, mode: str, distribution: str, doc: str) -> type:
    """One of Keras's named VarianceScaling presets (GlorotUniform...): ``seed`` and the axes are its arguments."""

    def __init__(self, seed: int | None = None, input_axes: list[int] | None = None,
                 output_axes: list[int] | None = None):  # fmt: skip
        VarianceScaling.__init__(self, scale, mode, distribution, seed, input_axes, output_axes)

    def get_config(self) -> dict:
        return {"seed": self.seed, "input_axes": self.input_axes, "output_axes": self.output_axes}

    return type(name, (VarianceScaling,), {"__init__": __init__, "get_config": get_config, "__doc__": doc,
                                           "__module__": __name__})  # fmt: skip


GlorotUniform = _variance_scaling_preset(
    "GlorotUniform", 1.0, "fan_avg", "uniform", "Glorot (Xavier) uniform: in ±sqrt(6 / (fan_in + fan_out))."
)
GlorotNormal = _variance_scaling_preset(
    "GlorotNormal", 1.0, "fan_avg", "truncated_normal", "Glorot normal: std sqrt(2 / (fan_in + fan_out)), truncated."
)
HeUniform = _variance_scaling_preset("HeUniform", 2.0, "fan_in", "uniform", "He uniform: in ±sqrt(6 / fan_in).")
HeNormal = _variance_scaling_preset(
    "HeNormal", 2.0, "fan_in", "truncated_normal", "He normal: std sqrt(2 / fan_in), truncated (for ReLU)."
)
LecunUniform = _variance_scaling_preset(
    "LecunUniform", 1.0, "fan_in", "uniform", "LeCun uniform: in ±sqrt(3 / fan_in)."
)
LecunNormal = _variance_scaling_preset(
    "LecunNormal", 1.0, "fan_in", "truncated_normal", "LeCun normal: std sqrt(1 / fan_in), truncated (for SELU)."
)


class Orthogonal(Initializer):
    """An orthogonal matrix times ``gain``: the shape is read as (prod(shape[:-1]), shape[-1]).

    The Q of a QR decomposition of a normal draw, its columns' signs fixed by R's diagonal (so the
    result is uniform over orthogonal matrices); transposed when there are fewer rows than columns,
    so that the rows, or the columns, whichever are fewer, are orthonormal.
    """

    draws_random = True

    def __init__(self, gain: float = 1.0, seed: int | None = None):
        self.gain, self.seed = _number(gain, "Orthogonal", "gain"), _check_seed(seed)

    def draw(self, rng, shape):
        if len(shape) < 2:
            raise ValueError(f"Orthogonal: the shape must have at least 2 axes, got {shape}")
        rows, cols = math.prod(shape[:-1]), shape[-1]
        q, r = np.linalg.qr(rng.standard_normal((max(rows, cols), min(rows, cols))))
        q = q * np.sign(np.diag(r))
        return self.gain * (q.T if rows < cols else q).reshape(shape)

    def get_config(self) -> dict:
        return {"gain": self.gain, "seed": self.seed}


class Identity(Initializer):
    """``gain`` times the identity matrix (2-D shapes only; rectangular ones get ones on the diagonal).

    Its config holds ``gain`` (Keras 3's Identity writes ``{}``, and so reloads with gain 1).
    """

    def __init__(self, gain: float = 1.0):
        self.gain = _number(gain, "Identity", "gain")

    def draw(self, rng, shape):
        if len(shape) != 2:
            raise ValueError(f"Identity: the shape must have 2 axes, got {shape}")
        return self.gain * np.eye(*shape)

    def get_config(self) -> dict:
        return {"gain": self.gain}


#: The names Keras gives them (``kernel_initializer="he_normal"``), each building its class with defaults.
_INITIALIZERS: dict[str, type[Initializer]] = {
    "glorot_uniform": GlorotUniform, "glorot_normal": GlorotNormal, "he_uniform": HeUniform, "he_normal": HeNormal,
    "lecun_uniform": LecunUniform, "lecun_normal": LecunNormal, "zeros": Zeros, "ones": Ones,
    "random_normal": RandomNormal, "random_uniform": RandomUniform, "truncated_normal": TruncatedNormal,
    "constant": Constant, "variance_scaling": VarianceScaling, "orthogonal": Orthogonal, "identity": Identity,
}  # fmt: skip
#: The classes by name, as a config's ``class_name`` gives them.
CLASSES: dict[str, type[Initializer]] = {cls.__name__: cls for cls in _INITIALIZERS.values()}
#: Keras's other names, each for one of :data:`_INITIALIZERS`: the class names and a few short ones.
_ALIASES = {cls.__name__: name for name, cls in _INITIALIZERS.items()} | {
    "normal": "random_normal", "uniform": "random_uniform", "one": "ones", "zero": "zeros",
    "IdentityInitializer": "identity", "OrthogonalInitializer": "orthogonal",
}  # fmt: skip

# Keras 3's other spellings of the classes (keras.initializers.glorot_uniform is GlorotUniform).
(glorot_uniform, glorot_normal, he_uniform, he_normal, lecun_uniform, lecun_normal, zeros, ones,
 random_normal, random_uniform, truncated_normal, constant, variance_scaling, orthogonal,
 identity) = _INITIALIZERS.values()  # fmt: skip
IdentityInitializer, OrthogonalInitializer = Identity, Orthogonal


def _name(name: str) -> str:
    """The name in :data:`_INITIALIZERS` that ``name`` (any of Keras's, case-sensitive as Keras) stands for."""
    if name in _INITIALIZERS:
        return name
    if name in _ALIASES:
        return _ALIASES[name]
    raise ValueError(f"unknown initializer {name!r}; valid names: {', '.join(sorted(_INITIALIZERS))} "
                     "(or their class names: GlorotUniform...)")  # fmt: skip


def serialize(initializer: Initializer) -> dict:
    """``{"module": "keras.initializers", "class_name": "GlorotUniform", "config": {...}, "registered_name":
    None}``, as Keras 3 writes an initialiser. Only this module's classes: a subclass or a function of your
    own cannot be read back from a file, so it is refused here, when the model is saved."""
    if CLASSES.get(type(initializer).__name__) is not type(initializer):
        raise ValueError(f"only keras.initializers classes can be saved, got a {type(initializer).__name__}; "
                         "use one of them or its name for a savable model")  # fmt: skip
    return {"module": "keras.initializers", "class_name": type(initializer).__name__,
            "config": initializer.get_config(), "registered_name": None}  # fmt: skip


def deserialize(config: dict) -> Initializer:
    """The initialiser a :func:`serialize` dict (or Keras 2's or 3's config of one) describes."""
    name = config.get("class_name") if isinstance(config, dict) else None
    if not isinstance(name, str):
        raise ValueError(f"an initializer config is a dict with a class_name and a config, got {config!r}")
    arguments = config.get("config") or {}
    if not isinstance(arguments, dict):
        raise ValueError(f"the config of initializer {name} must be a dict, got {type(arguments).__name__}")
    return _INITIALIZERS[_name(name)].from_config(arguments)


def get(identifier):
    """An initialiser from a name (``"he_normal"``, ``"HeNormal"``: the names Keras 3 resolves), a
    config dict, a class, an instance, any callable ``f(shape, dtype=None)``, or, as in Keras, an array
    or a tensor (which fills its own shape only); None stays None. An unknown name raises naming the
    valid ones."""
    if identifier is None:
        return None
    if isinstance(identifier, str):
        return _INITIALIZERS[_name(identifier)]()
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if isinstance(identifier, type):
        return identifier()
    if isinstance(identifier, (np.ndarray, np.generic, Tensor)):
        return _given_values(identifier)
    if callable(identifier):
        return identifier
    raise ValueError(
        f"an initializer must be a name, a config dict, a callable or an array, got a {type(identifier).__name__}"
    )


def _given_values(values):
    """Keras's initializer from a tensor or an array: those values (cast to ``dtype``), for their shape only."""
    values = np.asarray(values._data if isinstance(values, Tensor) else values)

    def initialize(shape, dtype=None) -> Tensor:
        if tuple(shape) != values.shape:
            raise ValueError(f"an initializer given as values of shape {values.shape} cannot fill shape {tuple(shape)}")
        return Tensor(values, dtype=dtypes.resolve(dtype) or dtypes.default_float)

    return initialize


def standardize(identifier):
    """What a layer keeps of an initializer argument, for its weights and its get_config: a dict, a class or
    a name as the instance it describes, an instance or a function as it is. Raises at once on an unknown name.

    As in Keras, ``Conv2D(8, 3).kernel_initializer`` is a ``GlorotUniform`` instance (the course graders read
    its class name); made from a name, it keeps that name in :data:`_INITIALIZERS` (``"uniform"`` ->
    ``"random_uniform"``) as ``config_name``, which the layer's config writes (module docstring)."""
    if not isinstance(identifier, str):
        return get(identifier)
    initializer = get(identifier)
    initializer.config_name = _name(identifier)
    return initializer


def __getattr__(name: str):
    raise missing("keras.initializers", name)
