"""Program generation: a finished tape written out as one Python function over arrays.

The tape (:mod:`nabla.capture.tape`) holds lines of code over numbered arrays
``v0, v1, ...``. :func:`write` puts them in a function ``captured_step(a0,
a1, ...)``: the guards first, the in-place updates of buffers last (after
every check that may hand a call back to eager mode), a ``del`` after each
array's last use so that a replay holds no more memory than eager mode.
``step.code`` shows the result.
"""

from __future__ import annotations

import re

import numpy as np

from ..engine.tracing import ModuleChanges

_VAR = re.compile(r"\bv\d+\b")


class Diverged(Exception):
    """A value-dependent decision recorded at capture (see ``nabla.engine.tracing.derive``) went the other way."""


def diverged():
    """Raise :class:`Diverged` (a line of a program calls it where a mask selected another count)."""
    raise Diverged


RETRACE = object()  # returned by a program whose guards fail: capture the step again


class Program:
    """Generated code and the objects it names."""

    def __init__(self, source: str | None, scope: dict | None, restores_rng: bool = False, buffers=None):
        self.source, self.run, self.restores_rng = source, None, restores_rng  # run None: the step runs eagerly
        self.buffers = buffers  # the nabla.capture.buffers.Buffers of its large temporaries, if it has any
        if source is not None:
            exec(compile(source, "<nb.capture>", "exec"), scope)  # noqa: S102 - nabla's own generated code
            self.run = scope["captured_step"]


def guards(tape) -> list[str]:
    """The conditions under which a tape's record still holds (a module changed or switched mode, a tensor
    read by reference changed shape, dtype, device, ``requires_grad`` or hooks), as expressions over its
    scope."""
    checks = [f"ModuleChanges.count == {ModuleChanges.count}"]
    checks += [f"{tape.name(m, type(m).__name__)}.training is {flag}" for m, flag in tape.modules.values()]
    for t in tape.externals.values():
        name = tape.external(t)
        dtype = tape.name(t._data.dtype, "dtype_" + str(t._data.dtype))
        check = (
            f"{name}._rg is {t._rg} and not {name}._hooks and {name}._data.shape == {t._data.shape!r} "
            f"and {name}._data.dtype == {dtype}"
        )
        if not isinstance(t._data, np.ndarray):  # (a NumPy program's tensors moved: Module.to counts a change)
            check += f" and {name}._data.device == {tape.name(t._data.device, 'device')}"
        checks.append(check)
    return checks


def write(tape, n_args: int, output: str) -> Program:
    """The program of a finished tape (:class:`nabla.capture.tape.Tape`): a function of the step's ``n_args``
    arguments that checks its guards, runs the tape's lines and returns ``output`` (an expression).

    The guards, at its top, say when the record no longer holds (a module changed or switched mode, a tensor
    read by reference changed shape, dtype, ``requires_grad`` or hooks): the function then returns
    :data:`RETRACE` and the step is captured again. The lines run under the backward walk's ``errstate``
    (:func:`~nabla.engine.ops.primitive.ieee_arithmetic`: an overflow gives inf without a warning, forward too,
    as PyTorch; one context per replay); each array is deleted after its last use.
    """
    checks = guards(tape)
    ModuleChanges.programs += 1  # (modules made from now on were read by no record: see ModuleChanges)
    # In-place updates of buffers come last, after every check that may hand the call to eager mode.
    tape.lines += tape.updates
    # Each array is deleted after its last use, so that the replay holds no more memory than eager mode.
    last_use: dict[str, int] = {}
    for i, code in enumerate(tape.lines):
        for v in _VAR.findall(code):
            last_use[v] = i
    for v in _VAR.findall(output):
        last_use[v] = len(tape.lines)
    dead: dict[int, list[str]] = {}
    for v, i in last_use.items():
        dead.setdefault(i, []).append(v)
    args = ", ".join(f"a{i}" for i in range(n_args))
    src = [f"def captured_step({args}):"]
    if checks:
        src.append("    if not (" + "\n            and ".join(checks) + "):")
        src.append("        return RETRACE  # a module or a parameter changed: capture again")
    src.append("    with quiet():")
    pad = "        "
    for i, code in enumerate(tape.lines):
        src.append(pad + code.replace("\n", "\n" + pad))
        if i in dead:
            src.append(pad + "del " + ", ".join(sorted(dead[i], key=lambda v: int(v[1:]))))
    src.append(f"        return {output}")
    # A replay that draws (dropout) and then goes back to eager mode restores the generator first, so that
    # the eager call draws what it would have drawn.
    buffers = tape.buffers if tape.pooled else None
    return Program("\n".join(src) + "\n", tape.scope, restores_rng=tape.checks and tape.draws, buffers=buffers)


def collection(x, inner: list[str]) -> str:
    """The source of a tuple or list with these elements."""
    if isinstance(x, tuple):
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    return "[" + ", ".join(inner) + "]"
