"""``tf.GradientTape``: TensorFlow's way of asking for gradients, answered by nabla's backward pass.

While a tape records (inside its ``with`` block), ``nabla.tf`` operations build nabla's graph; outside, they
build none (see ``_recording``). ``tape.gradient(target, sources)`` then runs nabla's reverse pass
(``nb.grad``) from the target back to the sources. TensorFlow's semantics, which this follows:

- trainable ``tf.Variable``\\ s are watched automatically (``watch_accessed_variables=True``); a constant
  must be ``tape.watch``-ed; a source the target does not depend on, or that was not watched, gets
  ``None`` (or zeros with ``unconnected_gradients=tf.UnconnectedGradients.ZERO``);
- a non-scalar target (or a list of targets) gives the gradient of the sum of its elements, or of
  ``sum(target * output_gradients)``;
- a tape answers once unless ``persistent=True`` (a second call raises ``RuntimeError``, as TensorFlow);
- a gradient computed while another tape records is itself recorded (nabla's ``create_graph=True``), so
  nested tapes give second derivatives;
- ``stop_recording()`` pauses the tape; ``reset()`` clears it;
- a tape differentiates only what it recorded: an operation computed before the tape started, while it
  was stopped, or before its ``reset()``, is a constant to it, even if another tape recorded it.

nabla keeps one graph for all tapes; each tape notes the spans of creation numbers (``node.seq``) of the
operations made while it recorded, and its backward pass goes through those only (``nb.grad(...,
through=...)``). A tensor a tape has ``watch``-ed keeps requiring gradients afterwards (nabla's flag), but
another tape still needs its own ``watch`` to differentiate with respect to it.
"""

from __future__ import annotations

import contextlib
import enum

import numpy as np

import nabla as nb

from . import _nest, _recording
from ._convert import apply, as_tf, constant
from ._engine import sequence_mark
from .variable import Variable


class UnconnectedGradients(enum.Enum):
    """What ``gradient`` returns for a source the target does not depend on: None, or zeros."""

    NONE = "none"
    ZERO = "zero"


class GradientTape:
    """Record operations to differentiate them: ``with tf.GradientTape() as tape: ...``.

    Args:
        persistent: allow several calls to ``gradient`` / ``jacobian`` (default: one).
        watch_accessed_variables: watch every trainable Variable read while recording (default True);
            with False only what ``watch`` was given is watched.

    Example: a second derivative with nested tapes::

        x = tf.Variable(2.0)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                y = x ** 3
            dy = inner.gradient(y, x)      # 3x^2 = 12, itself recorded by the outer tape
        d2y = outer.gradient(dy, x)        # 6x = 12
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self._persistent = bool(persistent)
        self._watch_accessed = bool(watch_accessed_variables)
        self._watched: dict[int, nb.Tensor] = {}  # id -> tensor, what watch() was given
        self._read: dict[int, nb.Tensor] = {}  # id -> Variable, trainable variables read while recording
        self._in_block = False  # inside the with block
        self._is_recording = False
        self._used = False  # a non-persistent tape answered already
        self._shares_graph = False  # another tape recorded at the same time: the graph may not be freed
        # [first, end) creation numbers of the operations made while this tape recorded (end None: still recording)
        self._spans: list[list] = []

    # --- recording --------------------------------------------------------------------------------

    def __enter__(self) -> GradientTape:
        if self._in_block:
            raise ValueError("Tape is still recording, This can happen if you try to re-enter an already-active tape.")
        self._in_block = self._is_recording = True
        self._open_span()
        _recording.enter(self)
        return self

    def __exit__(self, *exc) -> None:
        self._in_block = self._is_recording = False
        self._close_span()
        _recording.leave(self)

    def _open_span(self) -> None:
        self._spans.append([sequence_mark(), None])

    def _close_span(self) -> None:
        if self._spans and self._spans[-1][1] is None:
            self._spans[-1][1] = sequence_mark()

    def _recorded(self, node) -> bool:
        """Whether the operation of graph node ``node`` was made while this tape recorded."""
        seq = node.seq
        return any(first <= seq and (end is None or seq < end) for first, end in self._spans)

    @contextlib.contextmanager
    def stop_recording(self):
        """Inside this block the tape does not record (nabla: unless another tape records)."""
        if not self._is_recording:
            raise RuntimeError("Trying to stop recording a tape which is not recording.")
        self._is_recording = False
        self._close_span()
        _recording.pause(-1)
        try:
            yield
        finally:
            self._is_recording = True
            self._open_span()
            _recording.pause(+1)

    def reset(self) -> None:
        """Forget everything recorded and watched so far (what was computed before is a constant to the tape
        from now on), and allow the tape to answer again."""
        self._watched.clear()
        self._read.clear()
        self._used = False
        self._spans.clear()
        if self._is_recording:
            self._open_span()

    def watch(self, tensor) -> None:
        """Watch ``tensor`` (or a nested structure of them): the target's gradient with respect to it is
        computed. Needed for constants; trainable Variables are watched anyway. Integer tensors cannot be
        watched (TensorFlow warns and gives None; so does this)."""
        for t in _nest.flatten(tensor):
            if not isinstance(t, nb.Tensor):
                raise ValueError(f"Passed in object of type {type(t)}, not tf.Tensor or tf.Variable")
            if t._data.dtype.kind != "f":
                continue
            if not t.requires_grad:
                t.requires_grad = True  # (a leaf: a tensor made by an operation always requires grad here)
            self._watched[id(t)] = t

    def _accessed(self, variable) -> None:
        if self._is_recording and variable.requires_grad:
            self._read[id(variable)] = variable

    def watched_variables(self) -> tuple:
        """The Variables this tape watches: those ``watch`` was given, and (with
        ``watch_accessed_variables``) the trainable ones ``nabla.tf`` operations read while it recorded.
        (Variables that only other code, such as a Keras layer's own operations, read are not listed.)"""
        found = dict(self._read) if self._watch_accessed else {}
        found.update({k: t for k, t in self._watched.items() if getattr(t, "_tf_variable", False)})
        return tuple(found.values())

    # --- answers ----------------------------------------------------------------------------------

    def _watches(self, source) -> bool:
        """Whether the target's gradient with respect to ``source`` may be non-None."""
        if not isinstance(source, nb.Tensor) or not source.requires_grad:
            return False
        if id(source) in self._watched:
            return True
        if source.grad_fn is not None:  # an intermediate value: recorded by this tape or not (see _recorded)
            return True
        # A leaf: a trainable variable (tf.Variable, a Keras weight) when the tape watches what it reads; a
        # tensor that only another tape watch()-ed is a constant to this one.
        return self._watch_accessed and isinstance(source, (Variable, nb.nn.Parameter))

    def _take_turn(self, what: str) -> None:
        if self._used and not self._persistent:
            raise RuntimeError(
                f"A non-persistent GradientTape can only be used to compute one set of gradients (or jacobians); "
                f"pass persistent=True to call {what} again"
            )
        self._used = True

    def _backward(self, targets: list, seeds: list, sources: list, unconnected, again: bool = False) -> list:
        """The gradients of ``sum(target * seed)`` over the targets with respect to each source (None where
        unconnected or unwatched), as tf.Tensors. ``again``: more passes over this graph follow."""
        roots = [(t, s) for t, s in zip(targets, seeds) if isinstance(t, nb.Tensor) and t.requires_grad]
        wanted = [s for s in sources if self._watches(s)]
        found = {}
        if roots and wanted:
            # While a tape records, the backward pass is recorded too (nested tapes: higher derivatives). A graph
            # other tapes recorded into, or that this tape may be asked about again, is kept.
            create_graph = _recording.recording()
            keep = again or self._persistent or self._shares_graph or create_graph
            grads = nb.grad(
                [t for t, _ in roots],
                wanted,
                grad_outputs=[s for _, s in roots],
                retain_graph=keep,
                create_graph=create_graph,
                allow_unused=True,
                through=self._recorded,
            )
            found = {id(s): g for s, g in zip(wanted, grads)}
        out = [as_tf(found.get(id(s))) for s in sources]
        zero = UnconnectedGradients.ZERO
        if any(g is None for g in out) and UnconnectedGradients(getattr(unconnected, "value", unconnected)) is zero:
            out = [apply(nb.zeros_like, s) if g is None else g for s, g in zip(sources, out)]
        return out

    def gradient(
        self,
        target,
        sources,
        output_gradients=None,
        unconnected_gradients=UnconnectedGradients.NONE,
    ):
        """The gradient of ``target`` (a tensor, or a nested structure of them: their sum is differentiated)
        with respect to each of ``sources`` (a tensor or Variable, or a nested structure of them), returned
        in the structure of ``sources``. ``output_gradients``: the weights of the target's elements (ones by
        default). A source the target does not depend on gets None."""
        self._take_turn("gradient")
        targets = _nest.flatten(target)
        for t in targets:
            if not isinstance(t, nb.Tensor):
                raise TypeError(f"GradientTape.gradient: the target must be tensors, got {type(t).__name__}")
        seeds = [None] * len(targets) if output_gradients is None else _nest.flatten(output_gradients)
        seeds = [_seed(t, s) for t, s in zip(targets, seeds)]
        flat_sources = _nest.flatten(sources)
        grads = self._backward(targets, seeds, flat_sources, unconnected_gradients)
        return _nest.pack_as(sources, grads)

    def jacobian(self, target, sources, unconnected_gradients=UnconnectedGradients.NONE, **_):
        """The Jacobian of ``target`` with respect to each source: shape ``target.shape + source.shape``
        (one backward pass per element of the target)."""
        self._take_turn("jacobian")
        flat_sources = _nest.flatten(sources)
        rows = self._rows(target, flat_sources, unconnected_gradients)
        shaped = []
        for i, s in enumerate(flat_sources):
            per_element = [row[i] for row in rows]
            if any(g is None for g in per_element):
                shaped.append(None)
                continue
            stacked = apply(nb.stack, per_element) if per_element else apply(nb.zeros, (0, *s.shape))
            shaped.append(apply(nb.reshape, stacked, tuple(target.shape) + tuple(s.shape)))
        return _nest.pack_as(sources, shaped)

    def batch_jacobian(self, target, source, unconnected_gradients=UnconnectedGradients.NONE, **_):
        """For a target (B, ...) whose row b depends on row b of the source (B, ...) only: the Jacobian of
        each row, shape ``(B,) + target.shape[1:] + source.shape[1:]``."""
        self._take_turn("batch_jacobian")
        if target.shape[0] != source.shape[0]:
            raise ValueError(
                f"batch_jacobian: target and source need one batch size, got {target.shape} and {source.shape}"
            )
        batch, inner = target.shape[0], tuple(target.shape[1:])
        columns = []
        for k in range(int(np.prod(inner))):
            seed = np.zeros((batch, *inner), dtype=target._data.dtype)
            seed.reshape(batch, -1)[:, k] = 1
            again = k + 1 < int(np.prod(inner))
            (g,) = self._backward([target], [constant(seed)], [source], unconnected_gradients, again)
            if g is None:
                return None
            columns.append(g)
        stacked = apply(nb.stack, columns, axis=1)
        return apply(nb.reshape, stacked, (batch, *inner, *source.shape[1:]))

    def _rows(self, target, sources: list, unconnected) -> list:
        """One backward pass per element of ``target``: the gradient of that element for each source."""
        size = int(np.prod(target.shape))
        rows = []
        for k in range(size):
            seed = np.zeros(size, dtype=target._data.dtype)
            seed[k] = 1
            seed = constant(seed.reshape(target.shape))
            rows.append(self._backward([target], [seed], sources, unconnected, again=k + 1 < size))
        return rows


def _seed(target: nb.Tensor, weights) -> nb.Tensor | None:
    """The vector of the vector-Jacobian product for ``target``: ``weights`` or ones (TensorFlow sums a
    non-scalar target); None for a scalar's implied 1."""
    if weights is None:
        return None if target._data.size == 1 else apply(nb.ones_like, target)
    weights = weights if isinstance(weights, nb.Tensor) else constant(weights, target.dtype)
    if tuple(weights.shape) != tuple(target.shape):
        raise ValueError(f"output_gradients has shape {tuple(weights.shape)}, the target {tuple(target.shape)}")
    return weights
