"""The shapes ``set_shape`` declares while ``tf.data`` works out a mapped function's ``element_spec``.

TensorFlow traces a ``map`` function once, on tensors whose static shapes leave some dimensions unknown (the
batch axis, a window's length), and ``t.set_shape([None, 6, None])`` there states dimensions it cannot infer:
the dataset's ``element_spec`` carries them (the time-series tutorial's ``split_window``). nabla runs the
function on made-up elements instead (``nabla.tf.data.functions``), whose unknown dimensions are 1 and 2; while
it does, ``set_shape`` records the shape it is given (:func:`declare`, checking the rank only, which made-up
elements keep) rather than comparing dimensions that were made up, and the spec takes the recorded dimensions
(:func:`declared`). On the real elements ``set_shape`` checks as an eager tensor's does.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator

_recording: list[dict[int, tuple[object, tuple]]] = []  # a stack: nested pipelines work out specs in turn


@contextlib.contextmanager
def recording() -> Iterator[None]:
    """Record the shapes ``set_shape`` declares until the block ends."""
    _recording.append({})
    try:
        yield
    finally:
        _recording.pop()


def declare(tensor, shape: tuple) -> bool:
    """Record ``shape`` as ``tensor``'s while recording (True); False otherwise."""
    if not _recording:
        return False
    _recording[-1][id(tensor)] = (tensor, shape)  # (the tensor is kept, so that its id stays its own)
    return True


def declared(tensor) -> tuple | None:
    """The shape declared for ``tensor`` in the current recording, if any."""
    found = _recording[-1].get(id(tensor)) if _recording else None
    return None if found is None or found[0] is not tensor else found[1]
