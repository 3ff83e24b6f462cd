"""``nb.capture`` and the :class:`CapturedStep` it returns: record a step's first call, replay it afterwards."""

from __future__ import annotations

import copy
import functools
import warnings

from ..engine import random
from ..engine.anomaly_mode import AnomalyMode
from ..engine.tracing import CaptureError, Tracing
from . import cache
from .fuse import FusedProgram, fuse
from .program import RETRACE, Diverged, Program, write
from .tape import Tape


class CapturedStep:
    """A function captured by :func:`capture`; call it like the function."""

    def __init__(self, fn, fuse: bool = False):
        functools.update_wrapper(self, fn)
        self.fn, self.fuse = fn, fuse
        self.captures = 0  # how many calls were recorded (the first, and one per new signature or change)
        self._programs = cache.StepCache(getattr(fn, "__name__", "the step"))
        self._last: Program | None = None

    def __deepcopy__(self, memo):
        # A program names the objects it was recorded on; a copy of a model must record its own.
        return CapturedStep(copy.deepcopy(self.fn, memo), self.fuse)

    def __repr__(self) -> str:
        name = getattr(self.fn, "__qualname__", repr(self.fn))
        return f"<nb.capture of {name}{', fuse=True: ' + self.fused if self.fuse else ''}>"

    @property
    def fused(self) -> str:
        """With ``fuse=True``: whether the last program runs as a fused kernel, or why it does not."""
        program = self._last
        if program is None:
            return "not captured yet"
        if isinstance(program, FusedProgram) and program.wrapper is not None:
            seconds = program.compile_seconds
            return "fused kernel" + ("" if seconds is None else f" (compiled by Numba in {seconds:.2f} s)")
        return "plain replay: " + (getattr(program, "fallback", None) or "the step runs eagerly")

    @property
    def buffer_bytes(self) -> int:
        """The bytes its programs keep allocated between calls for the large temporaries of convolutions,
        pooling and ReLU (:mod:`nabla.capture.buffers`), about eager mode's peak of those arrays."""
        return sum(p.buffers.nbytes for p in self._programs.values() if getattr(p, "buffers", None) is not None)

    @property
    def code(self) -> str | None:
        """The Python source of the program the last call ran (None before the first call)."""
        return None if self._last is None else self._last.source

    def __call__(self, *args, **kwargs):
        if Tracing.tracer is not None or AnomalyMode.enabled:
            return self.fn(*args, **kwargs)  # inside another capture it is part of that one; anomaly needs eager
        key, flat = cache.key(args, kwargs)
        program = self._programs.get(key)
        if program is not None:
            self._last = program
            if program.run is None:  # this signature runs eagerly (see cache.StepCache.retraced)
                return self.fn(*args, **kwargs)
            rng = random.get_state() if program.restores_rng else None
            try:
                result = program.run(*flat)
            except Diverged:
                if rng is not None:
                    random.restore(rng)
                return self.fn(*args, **kwargs)
            if result is not RETRACE:
                self._programs.replayed(key)
                return result
            if self._programs.retraced(key):
                return self.fn(*args, **kwargs)
        return self._capture(key, flat, args, kwargs)

    def _capture(self, key: tuple, flat: tuple, args: tuple, kwargs: dict):
        """Run the step for real with a tape listening, and keep the program it recorded for ``key``."""
        tape = Tape(flat)
        self.captures += 1
        rng = random.get_state()
        Tracing.tracer = tape
        try:
            result = self.fn(*args, **kwargs)
            if tape.foreign is not None:
                return self._eager_on(tape.foreign, key, result)
            output = tape.output(result)
        except CaptureError:
            # A refused capture leaves the generator as it found it (dropout drew) and the running statistics
            # it updated too, so that running the step eagerly instead does what it would have done.
            random.restore(rng)
            for t, values in reversed(tape.before_updates):
                t._data[...] = values
            raise
        finally:
            Tracing.tracer = None
        if tape.late_check:
            # A decision on values ('derive', a mask) comes after a .grad was written or a parameter updated:
            # a replay that found it changed could not hand the call to eager mode without doing that twice.
            warnings.warn(
                f"nb.capture: {self._programs.name} runs eagerly: '{tape.late_check}' decides on values after "
                "the step updated gradients or parameters (a second backward or optimizer step)",
                RuntimeWarning,
                stacklevel=3,
            )
            program = Program(None, None)
        else:
            program = write(tape, len(flat), output)
            if self.fuse:
                program = fuse(tape, program, len(flat), output)
        self._programs.store(key, program)
        self._last = program
        return result

    def _eager_on(self, reason: str, key: tuple, result):
        """The step did what a replay on another library's device cannot repeat faithfully (``reason``): this
        signature runs eagerly from now on (its values are eager mode's), and says so once."""
        warnings.warn(
            f"nb.capture: {self._programs.name} {reason}: it runs eagerly (the same numbers, without the "
            "replay's speed-up; see docs/devices.md)",
            RuntimeWarning,
            stacklevel=4,
        )
        program = Program(None, None)
        self._programs.store(key, program)
        self._last = program
        return result


def capture(fn=None, *, fuse: bool = False):
    """Capture a step function: the first call records it, later calls replay it as straight-line code on
    the arrays' library (NumPy's, or another array API library's on its device: see docs/devices.md).

    Use as a decorator (``@nb.capture``, ``@nb.capture(fuse=True)``) or a call
    (``step = nb.capture(fn)``). See :mod:`nabla.capture` for what a replay
    repeats and what it freezes; ``step.code`` shows the program of the last call.

    ``fuse=True`` (opt-in; needs Numba: ``pip install 'nabla[fast]'``) compiles
    the captured program into one Numba kernel of loops over buffers the step
    owns (allocated at capture, reused at every call), with the optimizer's
    update in place: a small network's step costs one call instead of one
    NumPy call per operation. Its numbers agree with the plain replay's to
    about 1e-6 (relative), not bit for bit: sums run in index order where
    BLAS and NumPy use blocked and pairwise orders, and exp/tanh/log come from
    the C library instead of NumPy's SIMD code; float32 stays float32. After
    a fused call, each ``p.grad`` is a view of the step's workspace that the
    next call overwrites (copy it to keep it), and two threads must not call
    one fused step at the same time (they share its buffers). Numba compiles
    the kernel at the first replay (2 to 12 s on a busy 2-core machine, less
    for the next programs of the process: ``step.fused`` says how long; see
    docs/engine.md for what it compiles). A step with an
    operation the kernel does not support (see :mod:`nabla.capture.fuse`),
    or without Numba (a warning, once), runs as the plain replay;
    ``step.fused`` says which and why.
    """
    if fn is None:
        return functools.partial(capture, fuse=fuse)
    if not callable(fn):
        raise TypeError(f"nb.capture expects a function, got {type(fn).__name__}")
    if not isinstance(fuse, bool):
        raise TypeError(f"nb.capture: fuse must be True or False, got {fuse!r}")
    return CapturedStep(fn, fuse)
