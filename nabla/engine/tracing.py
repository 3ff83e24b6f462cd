"""The tracer hook: what the engine tells a recorder of its work, and the glue that tells it more.

The engine computes eagerly and keeps no record of a step beyond the graph
that backward needs. A *tracer* is an object that wants to hear everything
the engine does while a step runs, in enough detail to do it again without
the engine: nabla's step compiler, ``nb.capture`` (:mod:`nabla.capture`),
is one. The engine does not know it; it knows this module:

- :class:`Tracer`, the protocol: one method per thing a tracer hears (a
  primitive's forward, a gradient rule, a sum of two gradients, a write
  into ``.grad``...). Each does nothing here; a tracer overrides them.
- :class:`Tracing`, the slot holding the tracer that listens now. It is
  None nearly always, and then what the engine pays for the hook is one
  attribute read per operation.
- The glue the code above the primitives calls where a tracer must hear
  more than operations: :func:`derive` and :func:`recompute` (a decision
  made in Python from tensor values), :func:`update_in_place` (BatchNorm's
  running statistics), :func:`replayed` (an effect such as an optimizer's
  ``step``), :func:`constant`, and :func:`refuse_in_capture` (what a
  tracer could not repeat faithfully raises :class:`CaptureError`). With no
  tracer each one simply does what it says.

The dependency runs one way: ``nabla.capture`` imports this module and
implements :class:`Tracer`; nothing in the engine imports ``nabla.capture``.
(PyTorch keeps its tracers and its JIT behind the dispatcher in the same
way, and tinygrad's JIT stays out of its op definitions.)
"""

from __future__ import annotations

import functools


class CaptureError(RuntimeError):
    """Raised by ``nb.capture`` when a step does something a replay could not repeat faithfully."""


def arrays(values) -> list:
    """The values with each tensor replaced by its array (a tensor holds its array in ``_data``: this module
    sits below :mod:`nabla.engine.tensor`, so it knows tensors by that attribute, not by their class)."""
    return [getattr(v, "_data", v) for v in values]


def keyword_arrays(kwargs: dict) -> dict:
    """:func:`arrays` of keyword arguments."""
    return {k: getattr(v, "_data", v) for k, v in kwargs.items()}


class Tracer:
    """What the engine tells a tracer while it is the listening one (see :class:`Tracing`).

    Every method does nothing here (the two that run a function run it): a
    tracer overrides what it needs. ``paused`` counts the effects running
    now (:func:`replayed`): while it is not 0 the engine tells the tracer
    nothing but :meth:`made`, :meth:`constant` and :meth:`module_called`,
    because the tracer will repeat the whole effect instead.
    """

    paused: int = 0
    #: Whether the step has already done something that must not run twice (written a ``.grad``, updated a
    #: parameter): code that would run the step again eagerly after a refusal reads it (``nabla.tf.function``).
    applied: bool = False

    # --- tensors ---------------------------------------------------------------------------------

    def made(self, t) -> None:
        """The engine wrapped an array in the tensor ``t`` (``Tensor._make``: an operation's result, a view,
        ``detach``...)."""

    def converted(self, data, dtype, t) -> None:
        """``nb.tensor(data, dtype)`` (or ``Tensor(data)``) copied user data into the new tensor ``t``."""

    def constant(self, t) -> None:
        """``t`` was made from Python values only (``nb.zeros(3)``): the same at every call."""

    def requires_grad_switched(self, t) -> None:
        """``t.requires_grad`` is about to change."""

    def module_called(self, module) -> None:
        """An ``nn.Module`` is called; what it computes may depend on ``module.training``."""

    # --- forward ---------------------------------------------------------------------------------

    def forward(self, prim, args, params, out, wrapped: bool) -> None:
        """The primitive ``prim`` ran: ``out = prim.forward(xp, *arrays of args, **params)``, the result
        passed through ``np.asarray`` when ``wrapped`` (NumPy returns scalars from full reductions)."""

    # --- the backward walk -----------------------------------------------------------------------

    def reaches(self, node) -> None:
        """The backward walk is about to run the gradient rule of ``node``."""

    def vjp(self, node, g, grads) -> None:
        """The gradient rule of ``node`` mapped its output's gradient ``g`` to ``grads``, one per input."""

    def conform(self, g, result) -> None:
        """The walk summed the gradient ``g`` back over broadcasting and/or cast it to its input's dtype."""

    def add(self, a, b, total) -> None:
        """The walk added two gradients of one value: ``total = a + b``."""

    def add_at(self, total, index, g) -> None:
        """The walk added ``g`` into the gradient ``total`` at ``index``, in place (``total[index] += g``: the
        gradient rule of basic indexing, without its zeros)."""

    def accumulate(self, t, g, owned: bool) -> None:
        """The walk added ``g`` into ``t.grad`` (``owned``: ``g`` is a fresh array that ``t.grad`` may take)."""

    # --- glue ------------------------------------------------------------------------------------

    def derive(self, fn, args, kwargs, checked: bool):
        """:func:`derive` (``checked``) or :func:`recompute` ran ``fn``; returns its result."""
        return fn(*arrays(args), **keyword_arrays(kwargs))

    def effect(self, fn, args, kwargs, idempotent: bool):
        """A function marked :func:`replayed` is called; returns its result."""
        return fn(*args, **kwargs)

    def update(self, target, fn, values) -> None:
        """:func:`update_in_place` is about to change ``target`` in place."""


class Tracing:
    """The tracer listening now: ``Tracing.tracer``, or None (the engine runs for itself alone)."""

    tracer: Tracer | None = None


class ModuleChanges:
    """How many times an attribute of a module was set to a new value (a parameter, a submodule, Dropout's
    ``p``, a temperature a callback anneals). ``nn.Module`` counts; a tracer that froze what a step read of
    modules holds its record only while the count is unchanged. (Switching train/eval is not counted: see
    :meth:`Tracer.module_called`.)

    ``programs`` counts the records written (:func:`nabla.capture.program.write`): a module made since the
    last one was read by none, so setting it up is not counted (a layer that a model's ``call`` makes at
    every step, ``keras.layers.concatenate([a, b])``, would otherwise void every record at every call)."""

    count = 0
    programs = 0


def refuse_in_capture(what: str, fix: str = "run this step eagerly") -> None:
    """Raise :class:`CaptureError` if a step is being captured: ``what`` would not be repeated by a replay;
    ``fix`` says what to do instead."""
    tracer = Tracing.tracer
    if tracer is not None and not tracer.paused:
        raise CaptureError(f"nb.capture: the step {what}, which a replay would not repeat; {fix}")


def derive(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on arrays (Tensors among the arguments are passed as their arrays); inside a capture,
    recorded so that every replay recomputes it.

    For the Python glue of an operation that computes arrays or decisions
    from tensor values outside a primitive (checking class labels, a
    comparison, an argmax). What the result decides in Python (an array's
    shape and dtype, whether it is None, a Python value it holds) is checked
    at every replay; if it differs, that call runs eagerly instead.
    """
    tracer = Tracing.tracer
    if tracer is not None and not tracer.paused:
        return tracer.derive(fn, args, kwargs, True)
    return fn(*arrays(args), **keyword_arrays(kwargs))


def recompute(fn, *args, **kwargs):
    """:func:`derive` for a function whose result is an array with a shape and dtype that follow from the
    arguments' (a comparison, an argmax): recorded without a check, as nothing about it can change."""
    tracer = Tracing.tracer
    if tracer is not None and not tracer.paused:
        return tracer.derive(fn, args, kwargs, False)
    return fn(*arrays(args), **keyword_arrays(kwargs))


def update_in_place(target, fn, *values) -> None:
    """``fn(target, *values)`` (Tensors in ``values`` passed as their arrays), where ``fn`` changes
    ``target._data`` in place: BatchNorm's running statistics, updated from the batch's. ``target`` must be
    a tensor made before the step; its version is bumped (graphs that saved it are stale).

    Inside a capture the call runs and is recorded as one of the program's last lines, after every check
    that may send a replay back to eager mode (which then does the update itself, once). The step must not
    read ``target`` after the update (refused at capture: the replay would read the old values).
    """
    tracer = Tracing.tracer
    if tracer is not None and not tracer.paused:
        tracer.update(target, fn, values)
    fn(target, *arrays(values))
    target._version.v += 1


def replayed(fn=None, *, idempotent: bool = False):
    """Decorator for a function with side effects on tensors (an optimizer's ``step``): inside a capture it
    runs as it is, unrecorded, and every replay calls it again, with the same arguments, at the same point.

    ``idempotent``: calling it twice does what calling it once does (``zero_grad``), so a replay that has
    only done such effects may still hand the call over to eager mode (see :func:`derive`).
    """
    if fn is None:
        return functools.partial(replayed, idempotent=idempotent)

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        tracer = Tracing.tracer
        if tracer is None or tracer.paused:
            return fn(*args, **kwargs)
        return tracer.effect(fn, args, kwargs, idempotent)

    return wrapper


def replay_overrides(cls, names: tuple[str, ...]) -> None:
    """Wrap the methods ``names`` that ``cls`` defines with :func:`replayed` (from ``__init_subclass__``):
    an optimizer of yours that overrides ``step`` is repeated whole by a replay, not only its base part."""
    for name in names:
        method = cls.__dict__.get(name)
        if method is not None and not hasattr(method, "__wrapped__"):
            setattr(cls, name, replayed(method, idempotent=name == "zero_grad"))


def constant(t):
    """Mark ``t``, made inside a capture from Python values only (``nb.zeros(3)``), as a constant of the
    program rather than a value computed by code the capture did not record; returns ``t``."""
    tracer = Tracing.tracer
    if tracer is not None:
        tracer.constant(t)
    return t
