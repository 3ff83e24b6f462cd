"""When ``nabla.tf`` operations record a graph: only while a ``GradientTape`` records, as in TensorFlow.

nabla's engine records every operation on a tensor that requires grad (PyTorch's rule), and a trainable
``tf.Variable`` is such a tensor. TensorFlow records only inside a recording tape: ``y = v + 1`` computed
before the tape is a constant to it, and ``tape.gradient(y, v)`` is None. So every ``nabla.tf`` operation
runs through :func:`run`, which turns the engine's recording off while no tape records (and, as a bonus,
spares the graph's cost outside tapes).

The state is process-wide, like TensorFlow's eager context: the tapes entered and not yet left, and how
many of them record now.
"""

from __future__ import annotations

import contextlib

from ..keras.differentiation import active as keras_training_step
from ._engine import GradMode


class _State:
    recording = 0  # how many tapes record now
    tapes: list = []  # the tapes entered and not left, innermost last (recording or stopped)
    watchers: list = []  # dicts id -> Variable collecting the Variables operations read (tf.custom_gradient)


def recording() -> bool:
    """Whether some tape records now."""
    return _State.recording > 0


def run(fn, *args, **kwargs):
    """``fn(*args, **kwargs)``, an engine function, recording a graph only while a tape records (or Keras's
    training step differentiates, as on TensorFlow's tape: see ``nabla.keras.differentiation``)."""
    if _State.recording:
        _note_access(args)
        return fn(*args, **kwargs)
    if _State.watchers:
        _note_access(args)
    if keras_training_step():  # (no tape to tell which variables were read: only the watchers above)
        return fn(*args, **kwargs)
    if not GradMode.enabled:
        return fn(*args, **kwargs)
    GradMode.enabled = False
    try:
        return fn(*args, **kwargs)
    finally:
        GradMode.enabled = True


def _note_access(args) -> None:
    """Tell the recording tapes (``tape.watched_variables()``) and the watchers which Variables an operation
    read."""
    for a in args:
        if getattr(a, "_tf_variable", False):
            for tape in _State.tapes:
                tape._accessed(a)
            for seen in _State.watchers:
                seen[id(a)] = a
        elif type(a) in (list, tuple):
            _note_access(a)


def enter(tape) -> None:
    """``tape`` starts recording (``with tape:``)."""
    _State.tapes.append(tape)
    _State.recording += 1
    if len(_State.tapes) > 1:
        for t in _State.tapes:  # several tapes over one graph: none may free it (see GradientTape.gradient)
            t._shares_graph = True


def leave(tape) -> None:
    """``tape``'s ``with`` block ends."""
    _State.tapes.remove(tape)
    _State.recording -= 1


def pause(delta: int) -> None:
    """A tape stops (-1) or resumes (+1) recording inside its block (``tape.stop_recording()``)."""
    _State.recording += delta


@contextlib.contextmanager
def watching_variables():
    """Collect, in the dict this yields (id -> Variable), the Variables that operations inside the block
    read, recording or not (TensorFlow's ``VariableWatcher``)."""
    seen: dict = {}
    _State.watchers.append(seen)
    try:
        yield seen
    finally:
        _State.watchers.remove(seen)


@contextlib.contextmanager
def suspended():
    """No tape records inside the block (an input pipeline's functions: TensorFlow's tapes never see them)."""
    saved, _State.recording = _State.recording, 0
    try:
        yield
    finally:
        _State.recording = saved
