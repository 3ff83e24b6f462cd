"""TensorFlow's random functions (``tf.random``), drawing from nabla's generator.

Seeds, as TensorFlow defines them (the values drawn differ from TensorFlow's: its generator is not
NumPy's; the guarantees are the same):

- ``tf.random.set_seed(s)`` seeds nabla's one generator (``nb.manual_seed(s)``), so a whole run,
  nabla's own draws included (initialisers, dropout, shuffling), is reproducible;
- a function called without ``seed`` draws the next values from that generator;
- a function called with an operation seed (``tf.random.uniform([2], seed=1)``) draws from a generator of
  its own, made from the global seed (a fixed default if ``set_seed`` was never called), the operation
  seed and how many times that seed was used since the last ``set_seed``: the same program gives the same
  values at every run, and two calls with one seed give different values, as in TensorFlow. These draws
  leave nabla's generator untouched. Inside ``tf.function`` they run eagerly (the function is not captured).
"""

from __future__ import annotations

import builtins

import numpy as np

import nabla as nb

from ._convert import apply, as_tf, shape_tuple, tensor_arg
from ._engine import refuse_in_capture
from .dtypes import numpy_dtype

_DEFAULT_GLOBAL_SEED = 87654321  # TensorFlow's own default, used when set_seed was never called


class _Seeds:
    global_seed: int | None = None
    uses: dict[int, int] = {}  # operation seed -> draws made with it since the last set_seed


def set_seed(seed: int) -> None:
    """Seed nabla's generator (every random draw in nabla) and restart the operation seeds' counts."""
    if isinstance(seed, builtins.bool) or not isinstance(seed, (int, np.integer)):
        raise TypeError(f"tf.random.set_seed takes an integer, got {seed!r}")
    seed = int(seed) % 2**63  # (TensorFlow takes negative seeds too)
    nb.manual_seed(seed)
    _Seeds.global_seed = seed
    _Seeds.uses.clear()


def _seeded(seed) -> np.random.Generator:
    """The generator of one draw with an operation seed (see the module's documentation)."""
    refuse_in_capture("draws random numbers with an operation seed (seed=...)", "call it outside tf.function")
    seed = int(seed) % 2**63
    count = _Seeds.uses.get(seed, 0)
    _Seeds.uses[seed] = count + 1
    base = _DEFAULT_GLOBAL_SEED if _Seeds.global_seed is None else _Seeds.global_seed
    return np.random.default_rng([base, seed, count])


def _float_dtype(dtype, who: str) -> np.dtype:
    target = numpy_dtype(dtype)
    if target.kind != "f":
        raise ValueError(f"tf.random.{who} draws floats: dtype must be a float dtype, got {target}")
    return target


def _scalar(v) -> float:
    return tensor_arg(v).item() if isinstance(v, nb.Tensor) else v


def uniform(shape, minval=0, maxval=None, dtype=np.float32, seed=None, name=None):
    """``tf.random.uniform(shape, minval=0, maxval=1)``: values in ``[minval, maxval)``, float32 by
    default; integers when ``dtype`` is an integer dtype (``maxval`` is then required)."""
    shape, target = shape_tuple(shape), numpy_dtype(dtype)
    minval, maxval = _scalar(minval), _scalar(maxval)
    if target.kind in "iu":
        if maxval is None:
            raise ValueError(f"Must specify maxval for integer dtype {target}")
        if seed is not None:
            return _constant(_seeded(seed).integers(int(minval), int(maxval), size=shape, dtype=target))
        return as_tf(nb.randint(int(minval), int(maxval), size=shape, dtype=target))
    maxval = 1.0 if maxval is None else maxval
    if seed is not None:
        draw = _seeded(seed).random(shape, dtype=np.float64 if target == np.float64 else np.float32)
        return _constant((draw * (maxval - minval) + minval).astype(target))
    return as_tf(nb.uniform(float(minval), float(maxval), size=shape, dtype=target))


def normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None, name=None):
    """``tf.random.normal(shape, mean=0, stddev=1)``: normal values, float32 by default."""
    shape, target = shape_tuple(shape), _float_dtype(dtype, "normal")
    mean, stddev = float(_scalar(mean)), float(_scalar(stddev))
    if seed is not None:
        draw = _seeded(seed).standard_normal(shape)
        return _constant((draw * stddev + mean).astype(target))
    return as_tf(nb.normal(mean, stddev, size=shape, dtype=target))


def truncated_normal(shape, mean=0.0, stddev=1.0, dtype=np.float32, seed=None, name=None):
    """``tf.random.truncated_normal``: normal values, redrawn where more than 2 standard deviations away
    from the mean (TensorFlow's and Keras's initialisers' truncation)."""
    shape, target = shape_tuple(shape), _float_dtype(dtype, "truncated_normal")
    rng = _seeded(seed) if seed is not None else nb.random.generator()
    draw = rng.standard_normal(shape)
    outside = np.abs(draw) > 2
    while outside.any():
        draw[outside] = rng.standard_normal(int(outside.sum()))
        outside = np.abs(draw) > 2
    return _constant((draw * float(_scalar(stddev)) + float(_scalar(mean))).astype(target))


def shuffle(value, seed=None, name=None):
    """``tf.random.shuffle(x)``: x with its first axis in a random order (no gradient, as TensorFlow)."""
    x = tensor_arg(value)
    rng = _seeded(seed) if seed is not None else nb.random.generator()
    order = rng.permutation(x.shape[0])
    return as_tf(nb.getitem(x.detach(), nb.tensor(order.tolist(), dtype=np.int64)))


def categorical(logits, num_samples, dtype=np.int64, seed=None, name=None):
    """``tf.random.categorical(logits, n)``: for each row of log-probabilities (batch, classes), ``n``
    class indices drawn from its softmax; shape (batch, n), int64."""
    x = tensor_arg(logits)
    if x.ndim != 2:
        raise ValueError(f"tf.random.categorical takes logits of shape (batch, classes), got {x.shape}")
    rng = _seeded(seed) if seed is not None else nb.random.generator()
    scores = x.numpy().astype(np.float64)
    probs = np.exp(scores - scores.max(axis=1, keepdims=True))
    cumulative = np.cumsum(probs / probs.sum(axis=1, keepdims=True), axis=1)
    u = rng.random((x.shape[0], int(num_samples)))
    picks = np.minimum((u[:, :, None] > cumulative[:, None, :]).sum(axis=2), x.shape[1] - 1)
    return _constant(picks.astype(numpy_dtype(dtype)))


def _constant(array: np.ndarray):
    """Drawn values as a tensor (from Python's view: nabla's own constructor on them); a scalar draw (shape
    ``[]``, a NumPy scalar) as a 0-d array."""
    return apply(nb.from_numpy, np.asarray(array))
