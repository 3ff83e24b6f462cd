"""``tf.image``'s random augmentations, and their ``stateless_random_*`` forms.

Each draws its parameter, then applies the deterministic operation of the same name: ``random_brightness``
is ``adjust_brightness`` with a delta drawn from [-max_delta, max_delta), ``random_flip_left_right`` is
``flip_left_right`` or the image unchanged (for a batch, decided for each image), ``random_crop`` is a
slice at a random offset.

Seeds follow ``tf.random`` (``nabla.tf.random_ops``): without ``seed`` the draw comes from nabla's generator
(``tf.random.set_seed`` makes a run reproducible); with an operation seed, from a generator of that seed.
The ``stateless_random_*`` forms take ``seed``, a pair of integers, and give the same result for the same
seed every time, whatever was drawn before. The values drawn differ from TensorFlow's (its generator is
not NumPy's); the ranges and the guarantees are TensorFlow's.
"""

from __future__ import annotations

import numpy as np

from .._convert import tensor_arg
from ..array_ops import broadcast_to, reshape, where
from ..errors import InvalidArgumentError
from ..math_ops import less
from ..random_ops import _constant, uniform
from ._common import image_arg
from .adjust import adjust_brightness, adjust_contrast, adjust_hue, adjust_saturation
from .geometry import flip_left_right, flip_up_down


def _stateless_uniform(shape, minval, maxval, seed, dtype="float32"):
    """Values in [minval, maxval) that depend on ``seed`` (a pair of integers) only."""
    pair = np.asarray(tensor_arg(seed).numpy() if not isinstance(seed, (list, tuple)) else seed).reshape(-1)
    if pair.shape != (2,):
        raise ValueError(f"seed must be a pair of integers (shape [2]), got {pair.tolist()}")
    rng = np.random.default_rng([int(s) % 2**64 for s in pair])
    if np.dtype(dtype).kind in "iu":
        return _constant(rng.integers(int(minval), int(maxval), size=shape, dtype=np.dtype(dtype)))
    return _constant((rng.random(shape) * (maxval - minval) + minval).astype(np.dtype(dtype)))


def _draw(shape, minval, maxval, seed, stateless: bool, dtype="float32"):
    if stateless:
        return _stateless_uniform(shape, minval, maxval, seed, dtype)
    return uniform(shape, minval, maxval, dtype=dtype, seed=seed)


def _flip(image, flip, seed, stateless: bool):
    x = image_arg(image)
    if x.ndim == 3:
        keep = less(_draw([], 0.0, 1.0, seed, stateless), 0.5)
    else:
        keep = reshape(less(_draw([x.shape[0]], 0.0, 1.0, seed, stateless), 0.5), [x.shape[0], 1, 1, 1])
    return where(broadcast_to(keep, x.shape), flip(x), x)


def random_flip_left_right(image, seed=None):
    """``tf.image.random_flip_left_right``: mirrored left to right with probability 1/2 (each image of a
    batch on its own)."""
    return _flip(image, flip_left_right, seed, False)


def random_flip_up_down(image, seed=None):
    """``tf.image.random_flip_up_down``: mirrored top to bottom with probability 1/2 (each image of a batch
    on its own)."""
    return _flip(image, flip_up_down, seed, False)


def stateless_random_flip_left_right(image, seed):
    """``tf.image.stateless_random_flip_left_right(image, seed)``: random_flip_left_right decided by ``seed``."""
    return _flip(image, flip_left_right, seed, True)


def stateless_random_flip_up_down(image, seed):
    """``tf.image.stateless_random_flip_up_down(image, seed)``: random_flip_up_down decided by ``seed``."""
    return _flip(image, flip_up_down, seed, True)


def _check_delta(max_delta, most: float | None = None) -> float:
    max_delta = float(max_delta)
    if most is not None and max_delta > most:
        raise ValueError(f"max_delta must be <= {most}, got {max_delta}")
    if max_delta < 0:
        raise ValueError(f"max_delta must be non-negative, got {max_delta}")
    return max_delta


def _check_bounds(lower, upper) -> tuple[float, float]:
    lower, upper = float(lower), float(upper)
    if upper <= lower:
        raise ValueError(f"upper must be > lower, got lower={lower}, upper={upper}")
    if lower < 0:
        raise ValueError(f"lower must be non-negative, got {lower}")
    return lower, upper


def _brightness(image, max_delta, seed, stateless: bool):
    max_delta = _check_delta(max_delta)
    return adjust_brightness(image, _draw([], -max_delta, max_delta, seed, stateless))


def _contrast(image, lower, upper, seed, stateless: bool):
    lower, upper = _check_bounds(lower, upper)
    return adjust_contrast(image, _draw([], lower, upper, seed, stateless))


def _saturation(image, lower, upper, seed, stateless: bool):
    lower, upper = _check_bounds(lower, upper)
    return adjust_saturation(image, _draw([], lower, upper, seed, stateless))


def _hue(image, max_delta, seed, stateless: bool):
    max_delta = _check_delta(max_delta, 0.5)
    return adjust_hue(image, _draw([], -max_delta, max_delta, seed, stateless))


def random_brightness(image, max_delta, seed=None):
    """``tf.image.random_brightness(image, max_delta)``: adjust_brightness by a delta in [-max_delta, max_delta)."""
    return _brightness(image, max_delta, seed, False)


def random_contrast(image, lower, upper, seed=None):
    """``tf.image.random_contrast(image, lower, upper)``: adjust_contrast by a factor in [lower, upper)."""
    return _contrast(image, lower, upper, seed, False)


def random_saturation(image, lower, upper, seed=None):
    """``tf.image.random_saturation(image, lower, upper)``: adjust_saturation by a factor in [lower, upper)."""
    return _saturation(image, lower, upper, seed, False)


def random_hue(image, max_delta, seed=None):
    """``tf.image.random_hue(image, max_delta)``: adjust_hue by a delta in [-max_delta, max_delta), max_delta
    at most 0.5."""
    return _hue(image, max_delta, seed, False)


def stateless_random_brightness(image, max_delta, seed):
    """``tf.image.stateless_random_brightness(image, max_delta, seed)``."""
    return _brightness(image, max_delta, seed, True)


def stateless_random_contrast(image, lower, upper, seed):
    """``tf.image.stateless_random_contrast(image, lower, upper, seed)``."""
    return _contrast(image, lower, upper, seed, True)


def stateless_random_saturation(image, lower, upper, seed):
    """``tf.image.stateless_random_saturation(image, lower, upper, seed)``."""
    return _saturation(image, lower, upper, seed, True)


def stateless_random_hue(image, max_delta, seed):
    """``tf.image.stateless_random_hue(image, max_delta, seed)``."""
    return _hue(image, max_delta, seed, True)


def _crop(value, size, seed, stateless: bool):
    x = tensor_arg(value)
    size = [int(s) for s in np.asarray(tensor_arg(size).numpy()).reshape(-1)]
    if len(size) != x.ndim or any(s > d for s, d in zip(size, x.shape)):
        raise InvalidArgumentError(f"Need value.shape >= size, got {list(x.shape)} and size {size}")
    draw = _draw([x.ndim], 0, 2**31 - 1, seed, stateless, dtype="int32").numpy()
    offsets = [int(o) % (d - s + 1) for o, d, s in zip(draw, x.shape, size)]
    return x[tuple(slice(o, o + s) for o, s in zip(offsets, size))]


def random_crop(value, size, seed=None, name=None):
    """``tf.image.random_crop(value, size)``: a ``size`` window of ``value`` (any rank: (H, W, C) crops an
    image, (N, h, w, C) the same window of each image of a batch) at a uniformly drawn offset."""
    return _crop(value, size, seed, False)


def stateless_random_crop(value, size, seed, name=None):
    """``tf.image.stateless_random_crop(value, size, seed)``: random_crop placed by ``seed``."""
    return _crop(value, size, seed, True)

