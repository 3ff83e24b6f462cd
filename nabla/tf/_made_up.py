"""``set_shape`` while ``tf.data`` works out a function's ``element_spec`` on made-up elements.

TensorFlow traces a ``map`` function once, on tensors whose static shapes leave some dimensions unknown (the
batch axis, a window's length), and ``t.set_shape([None, 6, None])`` there states dimensions it cannot infer:
the dataset's ``element_spec``, and the shapes of what the function computes from ``t``, carry them (the
time-series tutorial's ``split_window``). nabla runs the function on made-up elements instead
(``nabla.tf.data.functions``), whose unknown dimensions are 1 and 2; while it does (:func:`elements`),
``set_shape`` checks the rank only and makes the made-up tensor fit the stated shape, its values resized (they
are made up too), so that the function's results have the stated dimensions. On the real elements
``set_shape`` checks as an eager tensor's does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_depth = [0]  # (nested pipelines may work out their specs inside one another's)


@contextlib.contextmanager
def elements() -> Iterator[None]:
    """The block runs a function on made-up elements."""
    _depth[0] += 1
    try:
        yield
    finally:
        _depth[0] -= 1


def running() -> bool:
    """Whether a function is running on made-up elements."""
    return _depth[0] > 0
