"""Making tensors: from data, filled with constants, ranges, and random draws."""

from __future__ import annotations

import functools
import numbers

import numpy as np

from . import backend, devices, dtypes
from . import random as _random
from .ops.primitive import primitive
from .tensor import Tensor
from .tracing import constant, derive


def tensor(data, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A new tensor holding a copy of ``data`` (numbers, nested lists, an array or a Tensor).

    Python floats become float32 (PyTorch's default); a NumPy array keeps its
    dtype, so float64 data stays float64. ``dtype`` accepts ``nb.float32``,
    ``np.float64``, ``"float64"``...
    ``device``: where the copy lives ("cpu", "cuda", "array_api_strict:device1"...); by default the
    data's own device (an array of another array API library stays in it, see :mod:`nabla.engine.devices`).

    Example::

        >>> nb.tensor([[1.0, 2.0]], requires_grad=True)
        tensor([[1., 2.]], requires_grad=True)
    """
    return Tensor(data, dtype=dtype, requires_grad=requires_grad, device=device)


def from_numpy(array: np.ndarray) -> Tensor:
    """A tensor sharing memory with ``array`` (changes to one show in the other)."""
    if not isinstance(array, np.ndarray):
        raise TypeError(f"from_numpy expects a NumPy array, got {type(array).__name__}")
    return Tensor._make(array)


def _shape(shape) -> tuple:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    for s in shape:
        if not isinstance(s, numbers.Integral) or s < 0:
            raise ValueError(f"a shape needs non-negative integers, got {shape}")
    return tuple(int(s) for s in shape)


def _float_dtype(dtype) -> np.dtype:
    return dtypes.resolve(dtype) or dtypes.default_float


def _make(array, requires_grad: bool, device=None) -> Tensor:
    if device is not None:
        array = backend.to_device(array, device)  # (made on the host, then moved: one copy)
    t = constant(Tensor._make(array))  # made from Python values only (nb.capture keeps it as it is)
    if requires_grad:
        t.requires_grad = True
    return t


def made_by(fn, *args, **kwargs):
    """A tensor of ``fn(*args, **kwargs)``, a NumPy function (tensors among ``args`` passed as their arrays),
    made so that ``nb.capture`` can repeat it; not differentiable. ``fn`` returning a tuple of arrays gives a
    tuple of tensors (``np.unravel_index``).

    From Python values only (shapes, a fill value: a causal mask ``np.tri(t, s)``, positions ``np.arange(n)``)
    it is a constant of the captured program, as ``nb.zeros`` is (a replay of another shape is another
    capture). Given tensors or arrays (a mask to cast, the values to sort), every replay recomputes it from
    their values then, an array of yours read by reference, and runs eagerly if its shape or dtype differs
    (``arange`` of a tensor's value, ``unique``; see :func:`~nabla.engine.tracing.derive`)."""
    if any(map(_holds_values, args)) or any(map(_holds_values, kwargs.values())):
        return _tensors(derive(_arrays_of(fn), *args, **kwargs), Tensor._make)
    return _tensors(_arrays_of(fn)(*args, **kwargs), _constant_tensor)


@functools.lru_cache(maxsize=256)  # (one wrapper per function: made_by runs at every convert_to_tensor)
def _arrays_of(fn):
    """``fn`` returning 0-d arrays where NumPy returns scalars (``np.isclose`` of two numbers): a capture names
    arrays, and would check a scalar's value at every replay instead of recomputing it."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        out = fn(*args, **kwargs)
        return tuple(map(np.asarray, out)) if isinstance(out, tuple) else np.asarray(out)

    return run


def _tensors(out, make):
    return tuple(map(make, out)) if isinstance(out, tuple) else make(out)


def _constant_tensor(array) -> Tensor:
    return constant(Tensor._make(array))


def _holds_values(x) -> bool:
    """Whether ``x`` is, or a list or tuple of it holds, a tensor or an array (NumPy scalars are Python values)."""
    if isinstance(x, (tuple, list)):
        return any(map(_holds_values, x))
    return isinstance(x, (Tensor, np.ndarray)) or (hasattr(x, "__array_namespace__") and not isinstance(x, np.generic))


def zeros(*shape, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of zeros: ``nb.zeros(2, 3)`` or ``nb.zeros((2, 3))``."""
    return _make(np.zeros(_shape(shape), dtype=_float_dtype(dtype)), requires_grad, device)


def ones(*shape, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of ones."""
    return _make(np.ones(_shape(shape), dtype=_float_dtype(dtype)), requires_grad, device)


def empty(*shape, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor with uninitialised values (fast; fill it before reading)."""
    return _make(np.empty(_shape(shape), dtype=_float_dtype(dtype)), requires_grad, device)


def full(shape, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """A tensor of ``shape`` filled with ``fill_value`` (float32 for floats, int64 for ints, as PyTorch)."""
    if dtype is None:
        dtype = dtypes.default_float if isinstance(fill_value, float) else np.asarray(fill_value).dtype
    shape = (shape,) if isinstance(shape, numbers.Integral) else tuple(shape)
    return _make(np.full(_shape(shape), fill_value, dtype=dtypes.resolve(dtype)), requires_grad, device)


def zeros_like(t, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Zeros of ``t``'s shape, dtype and device (as PyTorch, the device follows ``t`` unless given)."""
    return full_like(t, 0, dtype, requires_grad, device)


def ones_like(t, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    return full_like(t, 1, dtype, requires_grad, device)


def full_like(t, fill_value, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    shape = t.shape if hasattr(t, "shape") else np.shape(t)
    if device is None and isinstance(t, Tensor):
        device = devices.device_of(t._data)
        device = None if device == devices.CPU else device
    return _make(np.full(shape, fill_value, dtype=dtypes.resolve(dtype) or _dtype_of(t)), requires_grad, device)


def _dtype_of(t) -> np.dtype:
    return t.dtype if isinstance(t, (Tensor, np.ndarray)) else dtypes.default_float


def eye(n: int, m: int | None = None, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """The identity matrix (n x m)."""
    return _make(np.eye(n, m, dtype=_float_dtype(dtype)), requires_grad, device)


def arange(start, stop=None, step=1, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Evenly spaced values in ``[start, stop)``: int64 for integer arguments, float32 otherwise."""
    if stop is None:
        start, stop = 0, start
    if dtype is None:
        is_int = all(isinstance(v, numbers.Integral) for v in (start, stop, step))
        dtype = dtypes.int64 if is_int else dtypes.default_float
    return _make(np.arange(start, stop, step, dtype=dtypes.resolve(dtype)), requires_grad, device)


def linspace(start, stop, num: int = 50, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """``num`` evenly spaced values from ``start`` to ``stop``, both included."""
    return _make(np.linspace(start, stop, num, dtype=_float_dtype(dtype)), requires_grad, device)


# --- random ------------------------------------------------------------------------------


@primitive("draw", reads=(), draws=True)
def _draw(xp, distribution, shape, dtype, low, high, scale, shift):
    """Samples from nabla's generator: "uniform" in [0, 1), "normal" N(0, 1) or "integers" in [low, high),
    then ``* scale`` and ``+ shift`` where given.

    A primitive with no input, as dropout's mask is: a captured step (:func:`nabla.capture`) draws fresh
    values at every replay, the values eager mode would have drawn. NumPy's generator draws only float32
    and float64; half precision is drawn as PyTorch draws it, uniform values on a grid of 2^-11 (float16's
    resolution below 1), scaled and shifted in float32 and rounded once, at most the largest float16 below
    ``shift + scale`` (the interval stays half-open).
    """
    g = _random._generator
    if distribution == "integers":
        return g.integers(low, high, size=shape, dtype=dtype)
    half = dtype.itemsize < 4
    if distribution == "normal":
        draw = g.standard_normal(shape, dtype=np.float64 if dtype == np.float64 else np.float32)
    elif half:
        draw = g.integers(0, 2**11, size=shape).astype(np.float32) * np.float32(2**-11)
    else:
        draw = g.random(shape, dtype=dtype)
    kind = draw.dtype.type  # the arithmetic's precision: scalars of it keep float32 float32
    if scale is not None:
        draw *= kind(scale)  # in place: draw is fresh
    if shift is not None:
        draw += kind(shift)
    if half:
        draw = draw.astype(dtype)
        if distribution == "uniform" and scale is not None:
            top = dtype.type(shift + scale)
            np.minimum(draw, np.nextafter(top, dtype.type(shift)), out=draw)
    return draw


def sample(
    distribution, shape, dtype, requires_grad=False, low=None, high=None, scale=None, shift=None, device=None
) -> Tensor:
    """A tensor of :func:`_draw`'s samples (what nb.rand, nb.randn and the noise layers are made of).

    On another ``device`` the samples are drawn on the host from nabla's generator and moved: the same
    seed gives the same values on every device."""
    if distribution != "integers" and dtype.kind != "f":
        raise TypeError(f"random {distribution} values need a floating dtype, got {dtype}; draw floats and convert")
    t = _draw(distribution=distribution, shape=shape, dtype=dtype, low=low, high=high, scale=scale, shift=shift)
    if device is not None and devices.normalize(device) != devices.device_of(t._data):
        t = constant(Tensor._make(backend.to_device(t._data, device)))
    if requires_grad:
        t.requires_grad = True
    return t


def rand(*shape, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Uniform random values in [0, 1), from the library's seeded generator."""
    return sample("uniform", _shape(shape), _float_dtype(dtype), requires_grad, device=device)


def randn(*shape, dtype=None, requires_grad: bool = False, device=None) -> Tensor:
    """Standard normal random values, from the library's seeded generator."""
    return sample("normal", _shape(shape), _float_dtype(dtype), requires_grad, device=device)


def randint(low: int, high: int | None = None, size=(), dtype=None, device=None) -> Tensor:
    """Random integers in ``[low, high)`` (``randint(high, size=...)`` starts at 0); int64."""
    if high is None:
        low, high = 0, low
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    return sample(
        "integers", _shape(size), dtypes.resolve(dtype) or np.dtype(np.int64), low=low, high=high, device=device
    )


def normal(mean: float = 0.0, std: float = 1.0, size=(), dtype=None, requires_grad: bool = False) -> Tensor:
    """Normal random values with the given mean and standard deviation."""
    if not std >= 0:
        raise ValueError(f"normal: std must be non-negative, got {std!r}")
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    return sample("normal", _shape(size), _float_dtype(dtype), requires_grad, scale=std, shift=mean)


def uniform(low: float = 0.0, high: float = 1.0, size=(), dtype=None, requires_grad: bool = False) -> Tensor:
    """Uniform random values in ``[low, high)``."""
    size = (size,) if isinstance(size, numbers.Integral) else tuple(size)
    return sample("uniform", _shape(size), _float_dtype(dtype), requires_grad, scale=high - low, shift=low)
