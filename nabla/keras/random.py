"""``keras.random``: Keras 3's random draws and its ``SeedGenerator``, from NumPy generators.

Seeds, as Keras 3 defines them (the values drawn are nabla's, NumPy's PCG64, not Keras's; the guarantees
are the same):

- ``seed=None`` draws the next values from nabla's one generator, so ``keras.utils.set_random_seed(s)``
  (or ``nb.manual_seed(s)``) makes a whole run reproducible, weights and dropout masks included;
- an integer ``seed`` gives the same values at every call (``normal((2, 3), seed=1)`` twice is the same
  tensor), and leaves nabla's generator untouched;
- a :class:`SeedGenerator` gives new values at every call, the same sequence for the same seed: its first
  draw is the draw of its integer seed, as in Keras.

Inside a captured training step (``fit``'s step compiler) a draw without seed or with a ``SeedGenerator``
refuses capture, so the step runs eagerly and draws anew at every step; an integer seed's values are
the same at every call, so a replay repeats them rightly.

Results are nabla tensors, float32 by default (Keras's ``floatx``); ``dtype=`` is honoured. ``dropout``
and ``shuffle`` are built from nabla's operations, so gradients flow through them to their input.

Example:
    >>> x = keras.random.normal((2, 3), seed=1)           # the same at every call
    >>> gen = keras.random.SeedGenerator(42)
    >>> a, b = keras.random.uniform((4,), seed=gen), keras.random.uniform((4,), seed=gen)  # differ
"""

from __future__ import annotations

import builtins
import numbers

import numpy as np

from ._convert import convert_to_tensor
from ._engine import Tensor, dtypes, ops, refuse_in_capture
from ._engine import random as nabla_random
from ._missing import missing as _missing
from .utils.naming import auto_name

__all__ = [
    "SeedGenerator",
    "beta",
    "binomial",
    "categorical",
    "dropout",
    "gamma",
    "normal",
    "randint",
    "shuffle",
    "truncated_normal",
    "uniform",
]


class SeedGenerator:
    """A stream of seeds: each draw given ``seed=generator`` uses the next one (Keras 3's ``SeedGenerator``).

    Its state is ``[seed, count]``: the ``count``-th draw uses the NumPy generator made from both, so two
    generators with the same seed draw the same sequence, and the first draw equals the draw of
    ``seed=<int>``. Keras keeps the state in a variable that layers track (``layer.variables``, not
    ``layer.weights``); nabla keeps it here and does not save it with the layer.

    Args:
        seed: an integer, or None for one drawn from nabla's generator (so ``set_random_seed`` fixes it).
        name: default ``"seed_generator"``, numbered as Keras numbers names.
    """

    def __init__(self, seed: int | None = None, name: str | None = None, **kwargs):
        if kwargs.keys() - {"backend"}:
            raise TypeError(f"SeedGenerator: unexpected arguments {sorted(kwargs.keys() - {'backend'})}")
        if seed is None:
            seed = int(nabla_random.generator().integers(1, 10**9))
        elif isinstance(seed, builtins.bool) or not isinstance(seed, numbers.Integral):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed!r}")
        self.seed = int(seed)
        self.name = name or auto_name("SeedGenerator")
        self._count = 0

    @property
    def state(self) -> Tensor:
        """``[seed, count]``, int32 as in Keras (read-only here)."""
        return Tensor._make(np.array([self.seed, self._count], dtype=np.int32))

    def next(self, ordered: bool = True) -> np.random.Generator:
        """The NumPy generator of the next draw; the count moves on."""
        rng = _stateless(self.seed, self._count)
        self._count += 1
        return rng

    def get_config(self) -> dict:
        return {"seed": self.seed, "name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> SeedGenerator:
        return cls(**config)

    def __repr__(self) -> str:
        return f"<SeedGenerator name={self.name!r} seed={self.seed} count={self._count}>"


def _stateless(seed: int, count: int) -> np.random.Generator:
    # NOTE: NumPy's seed sequences take non-negative words; Keras takes any integer, so wrap it.
    return np.random.default_rng([int(seed) % 2**64, count])


def _generator(seed) -> np.random.Generator:
    """The generator one draw uses (see the module's documentation)."""
    if seed is None:
        return nabla_random.generator()
    if isinstance(seed, SeedGenerator):
        # A replay would reuse this draw's values instead of moving the generator on.
        refuse_in_capture("draws with a keras.random.SeedGenerator")
        return seed.next()
    if isinstance(seed, builtins.bool) or not isinstance(seed, numbers.Integral):
        raise ValueError(
            "Argument `seed` must be either an integer or an instance of `SeedGenerator`. "
            f"Received: seed={seed!r} (of type {type(seed).__name__})"
        )
    return _stateless(int(seed), 0)


def _shape(shape, who: str) -> tuple:
    if isinstance(shape, numbers.Integral):
        return (int(shape),)
    try:
        return tuple(int(n) for n in shape)
    except TypeError:
        raise ValueError(f"keras.random.{who}: shape must be a tuple of integers, got {shape!r}") from None


def _float_dtype(dtype, who: str) -> np.dtype:
    target = dtypes.resolve(dtype) or np.dtype(np.float32)
    if target.kind != "f":
        raise ValueError(f"`keras.random.{who}` requires a floating point `dtype`. Received: dtype={target}")
    return target


def _number(value) -> float:
    """A Python float from a number, a NumPy scalar or a one-value tensor (Keras takes all three)."""
    return float(value.item() if isinstance(value, Tensor) else value)


def _tensor(values: np.ndarray, dtype: np.dtype) -> Tensor:
    return Tensor._make(np.asarray(values).astype(dtype, copy=False))


def normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Values of the normal distribution ``N(mean, stddev**2)``."""
    target = _float_dtype(dtype, "normal")
    draw = _generator(seed).standard_normal(_shape(shape, "normal"))
    return _tensor(draw * _number(stddev) + _number(mean), target)


def uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None) -> Tensor:
    """Values of the uniform distribution on ``[minval, maxval)``."""
    target = _float_dtype(dtype, "uniform")
    low, high = _number(minval), _number(maxval)
    draw = _generator(seed).random(_shape(shape, "uniform")) * (high - low) + low
    # NOTE: rounding to float32 can reach maxval itself; keep the interval half-open.
    return _tensor(np.minimum(draw.astype(target), np.nextafter(target.type(high), target.type(low))), target)


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None) -> Tensor:
    """Normal values, redrawn where more than two standard deviations from the mean (Keras's truncation)."""
    target = _float_dtype(dtype, "truncated_normal")
    rng = _generator(seed)
    draw = rng.standard_normal(_shape(shape, "truncated_normal"))
    outside = np.abs(draw) > 2
    while outside.any():
        draw[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(draw) > 2
    return _tensor(draw * _number(stddev) + _number(mean), target)


def randint(shape, minval, maxval, dtype="int32", seed=None) -> Tensor:
    """Integers drawn uniformly from ``[minval, maxval)`` (``maxval`` excluded), int32 by default."""
    target = dtypes.resolve(dtype)
    if target.kind not in "iu":
        raise ValueError(f"`keras.random.randint` requires an integer `dtype`. Received: dtype={target}")
    low, high = int(_number(minval)), int(_number(maxval))
    if high <= low:
        raise ValueError(f"keras.random.randint: maxval must be greater than minval, got {low} and {high}")
    return _tensor(_generator(seed).integers(low, high, size=_shape(shape, "randint")), target)


def gamma(shape, alpha, dtype=None, seed=None) -> Tensor:
    """Values of the gamma distribution of shape parameter ``alpha`` (scale 1)."""
    target = _float_dtype(dtype, "gamma")
    return _tensor(_generator(seed).standard_gamma(_number(alpha), size=_shape(shape, "gamma")), target)


def beta(shape, alpha, beta, dtype=None, seed=None) -> Tensor:  # noqa: A002 - Keras's argument name
    """Values of the beta distribution ``Beta(alpha, beta)`` on [0, 1]."""
    target = _float_dtype(dtype, "beta")
    return _tensor(_generator(seed).beta(_number(alpha), _number(beta), size=_shape(shape, "beta")), target)


def binomial(shape, counts, probabilities, dtype=None, seed=None) -> Tensor:
    """Successes out of ``counts`` trials of probability ``probabilities``, as floats (Keras's floatx)."""
    target = _float_dtype(dtype, "binomial")
    draw = _generator(seed).binomial(int(_number(counts)), _number(probabilities), size=_shape(shape, "binomial"))
    return _tensor(draw, target)


def categorical(logits, num_samples: int, dtype="int32", seed=None) -> Tensor:
    """For each row of ``logits`` (batch, classes), ``num_samples`` classes drawn from its softmax.

    Shape: (batch, num_samples), int32 by default.
    """
    scores = np.asarray(convert_to_tensor(logits).numpy(), dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"keras.random.categorical: logits must have shape (batch, classes), got {scores.shape}")
    # NOTE: subtract each row's max before exp, so that large logits do not overflow.
    probabilities = np.exp(scores - scores.max(axis=1, keepdims=True))
    cumulative = np.cumsum(probabilities / probabilities.sum(axis=1, keepdims=True), axis=1)
    u = _generator(seed).random((scores.shape[0], int(num_samples)))
    picks = np.minimum((u[:, :, None] > cumulative[:, None, :]).sum(axis=2), scores.shape[1] - 1)
    return _tensor(picks, dtypes.resolve(dtype))


def dropout(inputs, rate: float, noise_shape=None, seed=None) -> Tensor:
    """``inputs`` with each value zeroed with probability ``rate`` and the rest scaled by ``1 / (1 - rate)``.

    ``noise_shape`` (broadcast against the input's shape) shares one draw along the axes where it is 1.
    The mask is drawn whatever the training mode, as Keras's function does (the ``Dropout`` layer is the one
    that acts only in training). ``rate = 1`` zeroes everything, as in Keras.
    """
    x = convert_to_tensor(inputs)
    rate = _number(rate)
    if not 0 <= rate <= 1:
        raise ValueError(f"keras.random.dropout: rate must be in [0, 1], got {rate}")
    shape = x.shape if noise_shape is None else tuple(x.shape[i] if n is None else n for i, n in enumerate(noise_shape))
    keep = _generator(seed).random(shape) >= rate
    scale = 0.0 if rate == 1 else 1.0 / (1.0 - rate)
    return ops.mul(x, _tensor(keep * scale, x.dtype))


def shuffle(x, axis: int = 0, seed=None) -> Tensor:
    """``x`` with its entries along ``axis`` in a random order (a permutation; gradients flow back)."""
    x = convert_to_tensor(x)
    axis = axis % x.ndim
    order = _generator(seed).permutation(x.shape[axis])
    index = (builtins.slice(None),) * axis + (Tensor._make(order),)
    return ops.getitem(x, index)


def __getattr__(name: str):
    raise _missing("keras.random", name)
