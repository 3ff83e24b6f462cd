"""``tf.debugging``: checks that raise ``tf.errors.InvalidArgumentError`` when they fail, as TensorFlow's."""

import numpy as _np

from ._missing import missing as _missing
from .errors import InvalidArgumentError as _InvalidArgumentError


def _values(x):
    return _np.asarray(x)


def _check(ok, message, default):
    if not ok:
        raise _InvalidArgumentError(f"{message}: {default}" if message else default)


def assert_equal(x, y, message=None, summarize=None, name=None):
    """All elements of x equal y (broadcast)."""
    _check(_np.all(_values(x) == _values(y)), message, "Condition x == y did not hold element-wise")


def assert_near(x, y, rtol=None, atol=None, message=None, summarize=None, name=None):
    """|x - y| <= atol + rtol * |y| everywhere (defaults: float32's 10 * eps)."""
    x, y = _values(x), _values(y)
    eps = 10 * _np.finfo(x.dtype if x.dtype.kind == "f" else _np.float32).eps
    close = _np.abs(x - y) <= (eps if atol is None else atol) + (eps if rtol is None else rtol) * _np.abs(y)
    _check(_np.all(close), message, "x and y not equal to tolerance")


def assert_less(x, y, message=None, summarize=None, name=None):
    _check(_np.all(_values(x) < _values(y)), message, "Condition x < y did not hold element-wise")


def assert_greater(x, y, message=None, summarize=None, name=None):
    _check(_np.all(_values(x) > _values(y)), message, "Condition x > y did not hold element-wise")


def assert_non_negative(x, message=None, summarize=None, name=None):
    _check(_np.all(_values(x) >= 0), message, "Condition x >= 0 did not hold element-wise")


def assert_rank(x, rank, message=None, name=None):
    _check(_np.ndim(x) == int(rank), message, f"Tensor must have rank {int(rank)}, received rank {_np.ndim(x)}")


def assert_all_finite(t, message, name=None):
    """Raise if t holds a NaN or an infinity; returns t."""
    _check(_np.all(_np.isfinite(_values(t))), message, "Tensor had NaN or Inf values")
    return t


check_numerics = assert_all_finite


def __getattr__(name):
    raise _missing("tf.debugging", name)
