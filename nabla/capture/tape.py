"""Captured steps: record one call of a training step, replay it as straight-line NumPy code.

In eager mode every operation of a step pays Python bookkeeping: a Tensor and
a graph node, version counters, the walk back through the graph, the
optimizer's loop over parameters. On a 2-4-1 network that bookkeeping costs
several times the arithmetic. ``nb.capture`` removes it. The first call runs
the step for real and records what it computed, as calls on arrays: each
primitive's forward, each node's gradient rule, the sums of gradients, the
writes into ``.grad``, the optimizer's update. Later calls whose arguments
have the same shapes run that record as generated Python code (``step.code``
shows it): no tensors, no nodes, no walk, the same numbers bit for bit::

    @nb.capture
    def train_step(x, y):
        opt.zero_grad()
        loss = nb.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for x, y in batches:
        loss = train_step(x, y)  # x, y: Tensors or NumPy arrays

What a replay repeats, reads, and freezes (the contract of ``jax.jit``):

- repeated: nabla's operations, ``backward``, the optimizers' ``step`` and
  ``zero_grad``, ``Module.zero_grad``, schedulers' ``step``, gradient
  clipping, random draws (dropout's mask, ``nb.randn``: fresh values from
  nabla's generator at every call), BatchNorm's updates of its running
  statistics (the program's last lines: see :func:`update_in_place`);
- read at every call: the arguments, and the current values of tensors
  that existed before the call (parameters, buffers, constants);
- frozen at capture: whatever else the function's Python does (prints,
  counters, Python numbers it computes). Pass what changes as an argument.

A call with another signature (shapes, dtypes, Python values of the
arguments, grad mode), or after a module switched between train and eval or
a parameter changed shape, captures again. What nabla can see would go
wrong in a replay is refused at capture with a :class:`CaptureError`:
reading a tensor's value into Python (``.item()``, ``if t``), changing a
tensor in place, drawing random numbers outside an operation, making a
tensor inside the step from an array that is not an argument, hooks,
``create_graph``, ``nb.grad``, reading running statistics after updating them.
"""

from __future__ import annotations

import collections.abc
import copy
import functools
import keyword
import re
import warnings

import numpy as np

from . import autograd, backend, random
from .autograd import CaptureError, _accumulate, _conform, _Mode
from .tensor import Tensor

__all__ = ["CaptureError", "CapturedStep", "capture"]

_MAX_PROGRAMS = 8  # signatures captured before a warning that the step is re-captured too often
_MAX_RETRACES = 8  # captures of one signature in a row (its guards failed at every call) before it runs eagerly


class _Diverged(Exception):
    """A value-dependent decision recorded at capture (see :func:`derive`) went the other way."""


_RETRACE = object()  # returned by a program whose guards fail: capture the step again


# --- recorded glue ---------------------------------------------------------------------------------


def derive(fn, *args, **kwargs):
    """``fn(*args, **kwargs)`` on arrays (Tensors in ``args`` are passed as their arrays); inside a capture,
    recorded so that every replay recomputes it.

    For the Python glue of an operation that computes arrays or decisions
    from tensor values outside a primitive (checking class labels, a
    comparison, an argmax). What the result decides in Python (an array's
    shape and dtype, whether it is None, a Python value it holds) is checked
    at every replay; if it differs, that call runs eagerly instead.
    """
    return _glue(fn, args, kwargs, checked=True)


def recompute(fn, *args, **kwargs):
    """:func:`derive` for a function whose result is an array with a shape and dtype that follow from the
    arguments' (a comparison, an argmax): recorded without a check, as nothing about it can change."""
    return _glue(fn, args, kwargs, checked=False)


def _glue(fn, args, kwargs, checked: bool):
    tape = _Mode.tape
    if tape is not None and not tape.paused:
        return tape.derive(fn, args, kwargs, checked)
    return fn(*_arrays(args), **kwargs)


def update_in_place(target: Tensor, fn, *values) -> None:
    """``fn(target, *values)`` (Tensors in ``values`` passed as their arrays), where ``fn`` changes
    ``target._data`` in place: BatchNorm's running statistics, updated from the batch's. ``target`` must be
    a tensor made before the step; its version is bumped (graphs that saved it are stale).

    Inside a capture the call runs and is recorded as one of the program's last lines, after every check
    that may send a replay back to eager mode (which then does the update itself, once). The step must not
    read ``target`` after the update (refused at capture: the replay would read the old values).
    """
    tape = _Mode.tape
    if tape is not None and not tape.paused:
        tape.update(target, fn, values)
    fn(target, *_arrays(values))
    target._version.v += 1


def _arrays(values) -> list:
    """The values with each Tensor replaced by its array."""
    return [v._data if isinstance(v, Tensor) else v for v in values]


class capture_state:  # noqa: N801 - a namespace
    """``structure`` counts assignments to modules' attributes (parameters, submodules, Dropout's ``p``, a
    layer's temperature...): a program froze what the step read of them, so it holds only while the count is
    unchanged. (Switching train/eval is not counted: programs check each module's mode themselves.)"""

    structure = 0


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
        tape = _Mode.tape
        if tape is None or tape.paused:
            return fn(*args, **kwargs)
        return tape.effect(fn, args, kwargs, idempotent)

    return wrapper


def replay_overrides(cls, names: tuple[str, ...]) -> None:
    """Wrap the methods ``names`` that ``cls`` defines with :func:`replayed` (from ``__init_subclass__``):
    an optimizer of yours that overrides ``step`` is repeated whole by a replay, not only its base part."""
    for name in names:
        method = cls.__dict__.get(name)
        if method is not None and not hasattr(method, "__wrapped__"):
            setattr(cls, name, replayed(method, idempotent=name == "zero_grad"))


def constant(t: Tensor) -> Tensor:
    """Mark ``t``, made inside a capture from Python values only (``nb.zeros(3)``), as a constant of the
    program rather than a value computed by code the capture did not record."""
    tape = _Mode.tape
    if tape is not None:
        tape.constant(t)
    return t


def _structure(x):
    """What Python code can branch on in a derived result: shapes, dtypes, None-ness, plain values."""
    if isinstance(x, np.ndarray):
        return ("array", x.shape, x.dtype)
    if isinstance(x, (tuple, list)):
        return tuple(_structure(e) for e in x)
    return ("value", x)


def _checked(fn, expected):
    def run(*args, **kwargs):
        result = fn(*args, **kwargs)
        if _structure(result) != expected:
            raise _Diverged
        return result

    return run


def _to_array(data, dtype):
    from .creation import _to_array

    return _to_array(data, dtype)


# --- the recorder ----------------------------------------------------------------------------------


_VAR = re.compile(r"\bv\d+\b")


class _Tape:
    """One traced call, written down as lines of Python over numbered arrays ``v0, v1, ...``.

    Arrays are named by identity: every array a recorded line produced is kept
    alive until the trace ends, so an ``id`` names one array only.
    """

    def __init__(self, args: tuple):
        self.lines: list[tuple[str, bool]] = []  # (a line of code, whether it belongs to a backward pass)
        self.var_of: dict[int, int] = {}  # id(array) -> its variable's number
        self.keep: list = []  # the arrays named in var_of
        self.scope: dict = {
            "xp": backend.numpy_ns,
            "asarray": np.asarray,
            "wrap": Tensor._make,
            "conform": _conform,
            "RETRACE": _RETRACE,
            "diverged": _diverged,
            "capture_state": capture_state,
            # the errstate of the backward walk: IEEE results where the math is infinite, no warnings
            "quiet": functools.partial(np.errstate, divide="ignore", invalid="ignore", over="ignore"),
        }
        self.bound: dict[int, str] = {}  # id(object) -> its name in scope
        self.born: set[int] = set()  # ids of tensors made during the trace by code that was not recorded
        self.constants: dict[int, np.ndarray] = {}  # arrays of tensors made from Python values during the trace
        self.externals: dict[int, Tensor] = {}  # tensors read by reference (guarded: shape, dtype, requires_grad)
        self.modules: dict[int, tuple] = {}  # id(module) -> (module, its training flag)
        self.leaf_args: dict[int, str] = {}  # id(argument tensor) -> its parameter name
        self.paused = 0
        self.first_node = next(autograd._sequence)  # nodes numbered below were made before the step: not part of it
        self.applied = False  # an effect that must not run twice (a .grad written, a parameter updated) is recorded
        self.late_check = ""  # what decides on values after that point, if anything (see program())
        self.checks = self.draws = False  # whether a replay can go back to eager mode; whether it draws
        self.updates: list[str] = []  # in-place updates of tensors made before the step: the last lines
        self.updated: list[np.ndarray] = []  # their arrays, whose memory the step must not read afterwards
        self.before_updates: list[tuple[Tensor, np.ndarray]] = []  # their values before: a refusal restores them
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                self.leaf_args[id(a)] = f"a{i}"
                self._line(f"{self._new_var(a._data)} = a{i}._data")
            elif isinstance(a, np.ndarray):
                self._line(f"{self._new_var(a)} = a{i}")

    # --- names -------------------------------------------------------------------------------

    def _new_var(self, array) -> str:
        """Name a value the replay computes: an array, or a NumPy scalar (what NumPy returns for 0-d results)."""
        self.var_of[id(array)] = n = len(self.keep)  # (an array named twice keeps its latest name)
        self.keep.append(array)
        return f"v{n}"

    def _targets(self, result) -> str:
        if isinstance(result, (np.ndarray, np.generic)):
            return self._new_var(result)
        parts = [self._new_var(r) if isinstance(r, (np.ndarray, np.generic)) else "_" for r in result]
        return ", ".join(parts) + ("," if len(parts) == 1 else "")

    def _name(self, obj, hint: str) -> str:
        name = self.bound.get(id(obj))
        if name is None:
            base = re.sub(r"\W", "_", hint) or "f"
            if base[0].isdigit() or keyword.iskeyword(base) or re.fullmatch(r"[va]\d+", base):
                base = "_" + base  # never a variable (v3), an argument (a0) or a keyword
            name, k = base, 1
            while name in self.scope:
                name, k = f"{base}{k}", k + 1
            self.scope[name] = obj  # (which keeps obj alive, so that its id names it only)
            self.bound[id(obj)] = name
        return name

    def _const(self, x) -> str:
        if x is None or isinstance(x, (bool, int, str)) or (type(x) is float and np.isfinite(x)):
            return repr(x)
        if isinstance(x, tuple) and all(isinstance(e, int) for e in x):
            return repr(x)
        return self._name(x, "k")

    def _external(self, t: Tensor) -> str:
        self.externals[id(t)] = t
        return self.leaf_args.get(id(t)) or self._name(t, "p")

    def _read(self, t: Tensor) -> str:
        """A tensor made before the step, read by reference: the expression of its array."""
        self._unchanged(t._data)
        return self._external(t) + "._data"

    def _var(self, array) -> str:
        """A value of the step, read: its variable."""
        self._unchanged(array)
        return f"v{self.var_of[id(array)]}"

    def _unchanged(self, array) -> None:
        """Refuse reading memory that an in-place update of the step has changed (a replay updates last)."""
        if self.updated and isinstance(array, np.ndarray) and any(np.may_share_memory(array, u) for u in self.updated):
            raise CaptureError(
                "nb.capture: the step reads a tensor after updating it in place (BatchNorm's running statistics "
                "read in evaluation mode after a training-mode call, or a view of them), and a replay updates it "
                "last; read it in another step"
            )

    # --- references ----------------------------------------------------------------------------

    def ref(self, x, who: str) -> str:
        """``x`` (an input of a primitive) as an expression; refuses what a replay could not recompute."""
        if isinstance(x, Tensor):
            if id(x._data) in self.var_of:
                return self._var(x._data)
            if id(x) in self.born:
                raise CaptureError(
                    f"nb.capture: '{who}' uses a tensor made inside the step by code that nabla does not record "
                    "(t.detach() of a tensor made before the step, t.data, an operation without capture support), "
                    "so a replay would reuse its first value; use the tensor itself, or make it before the step"
                )
            return self._read(x)
        if isinstance(x, np.generic) and id(x) in self.var_of:
            return f"v{self.var_of[id(x)]}"
        if isinstance(x, np.ndarray):
            n = self.var_of.get(id(x))
            if n is None and id(x) in self.constants:
                return self._name(x, "k")
            if n is None:
                raise CaptureError(
                    f"nb.capture: '{who}' received an array computed outside nabla's recorded operations (by "
                    "your NumPy code, or an operation without capture support), which a replay would reuse; "
                    "compute it with nabla's operations or pass it to the step as an argument"
                )
            return self._var(x)
        if isinstance(x, (tuple, list)) and any(isinstance(e, (Tensor, np.ndarray)) for e in x):
            return _collection(x, [self.ref(e, who) for e in x])
        return self._const(x)

    def loose(self, x) -> str:
        """``x`` as an expression, arrays not named being constants (the seeds and placeholders of backward,
        arrays the user handed to an operation)."""
        if isinstance(x, Tensor):
            if id(x._data) in self.var_of:
                return self._var(x._data)
            if id(x) in self.born:
                return self._name(x._data, "k")
            return self._read(x)
        if isinstance(x, (np.ndarray, np.generic)):
            return self._var(x) if id(x) in self.var_of else self._name(x, "k")
        if isinstance(x, (tuple, list)) and any(isinstance(e, (Tensor, np.ndarray)) for e in x):
            return _collection(x, [self.loose(e) for e in x])
        return self._const(x)

    def _line(self, code: str, backward: bool = False) -> None:
        self.lines.append((code, backward))

    # --- what the engine reports -----------------------------------------------------------------

    def forward(self, prim, args, params, out, wrapped: bool) -> None:
        parts = ["xp", *(self.ref(a, prim.name) for a in args)]
        parts += [f"{k}={self.ref(v, prim.name)}" for k, v in params.items()]
        call = f"{self._name(prim.forward, prim.name)}({', '.join(parts)})"
        var = self._new_var(out)
        self._line(f"{var} = {'asarray(' + call + ')' if wrapped else call}")
        self.draws = self.draws or prim.draws
        if any(_holds_mask(v) for v in params.values()):
            # A boolean mask selects as many elements as it holds True: the shape depends on values, and
            # the rest of the program (a mean's 1/count) on the shape.
            self._line(f"if {var}.shape != {out.shape!r}:\n    diverged()")
            self._checks(prim.name)

    def vjp(self, node, g, grads) -> None:
        """A node's gradient rule ran on ``g`` and returned ``grads`` (one per input, before the walk sums
        them back over broadcasting: see :meth:`conform`)."""
        run = self._name(functools.partial(node.prim.vjp, backend.numpy_ns, node.need), node.prim.name + "_vjp")
        ins = [self.loose(g), "None" if node.out is None else self.loose(node.out)]
        ins += [self.loose(t) for t in node.inputs]
        ins += [f"{k}={self.loose(v)}" for k, v in node.params.items()]
        names = [self._new_var(gi) if n and gi is not None else "_" for n, gi in zip(node.need, grads)]
        names += ["_"] * (len(grads) - len(names))  # a rule may return more than the inputs (zip ignores them)
        self._line(f"{', '.join(names)}{',' if len(names) == 1 else ''} = {run}({', '.join(ins)})", backward=True)

    def conform(self, g, result) -> None:
        """The walk summed ``g`` back over broadcasting and/or cast it: ``result``."""
        shape, dtype = self._const(result.shape), self._name(result.dtype, "k")
        self._line(f"{self._new_var(result)} = conform(xp, {self.loose(g)}, {shape}, {dtype})", backward=True)

    def add(self, a, b, total) -> None:
        self._line(f"{self._new_var(total)} = {self.loose(a)} + {self.loose(b)}", backward=True)

    def accumulate(self, t: Tensor, g, owned: bool) -> None:
        """The walk added ``g`` into ``t.grad`` (``owned``: taking ``g`` itself when there is none)."""
        t, g = self._external(t), self.loose(g)
        call = f"{self._name(_accumulate, 'accumulate')}({t}, {g}, False, {owned})"
        if owned:  # the common case written out: a .grad set to None by zero_grad takes the array
            call = f"if {t}._grad is None:\n    {t}._grad = wrap({g})\nelse:\n    {call}"
        self._line(call, backward=True)
        self.applied = True

    def _checks(self, what: str) -> None:
        """A line that can send a replay back to eager mode is being recorded."""
        self.checks = True
        if self.applied and not self.late_check:
            self.late_check = what

    def arg(self, x, who: str) -> str:
        """An argument of a derived computation: a value of the step, a tensor read by reference, or a
        constant; refused if it was computed from the step's values by code that was not recorded."""
        if isinstance(x, Tensor) or (isinstance(x, (np.ndarray, np.generic)) and id(x) in self.var_of):
            return self.ref(x, who)
        if isinstance(x, np.ndarray):
            base = x.base
            while isinstance(base, np.ndarray):
                if id(base) in self.var_of:
                    raise CaptureError(
                        f"nb.capture: '{who}' received a view of a value of the step made outside nabla's "
                        "recorded operations, which a replay would reuse; use nabla's operations on tensors"
                    )
                base = base.base
            return self._name(x, "k")  # the user's constant, read by reference
        if isinstance(x, (tuple, list)):
            return _collection(x, [self.arg(e, who) for e in x])
        return self._const(x)

    def derive(self, fn, args, kwargs, checked: bool):
        who = getattr(fn, "__name__", "derived")
        ins = [self.arg(a, who) for a in args] + [f"{k}={self.arg(v, who)}" for k, v in kwargs.items()]
        result = fn(*_arrays(args), **kwargs)
        if checked:
            run = self._name(_checked(fn, _structure(result)), who)
            self._checks(who)
        else:
            run = self._name(fn, who)
        call = f"{run}({', '.join(ins)})"
        self._line(call if result is None or not _holds_array(result) else f"{self._targets(result)} = {call}")
        return result

    def update(self, target: Tensor, fn, values) -> None:
        """:func:`update_in_place` ran: recorded to run after the rest of the program."""
        who = getattr(fn, "__name__", "update")
        made_in_step = id(target._data) in self.var_of or id(target._data) in self.constants
        if made_in_step or id(target) in self.born or id(target) in self.leaf_args:
            raise CaptureError(
                f"nb.capture: '{who}' updates in place a tensor of the step, which a replay cannot repeat; "
                "update only tensors made before the step (a module's buffers)"
            )
        name = self._external(target)
        ins = ", ".join([name, *(self.ref(v, who) for v in values)])
        self.before_updates.append((target, target._data.copy()))
        self.updates.append(f"{self._name(fn, who)}({ins})\n{name}._version.v += 1")
        self.updated.append(target._data)

    def constant(self, t: Tensor) -> None:
        self.born.discard(id(t))
        self.constants[id(t._data)] = t._data  # (kept: its id names it only)

    def convert(self, data, dtype, t: Tensor) -> None:
        """``nb.tensor(data)`` ran: recorded if ``data`` is a tensor or an argument's array, a constant if it is
        Python numbers (frozen, as jax.jit freezes them), refused for another array."""
        if isinstance(data, Tensor) or (isinstance(data, np.ndarray) and id(data) in self.var_of):
            call = f"{self._name(_to_array, 'to_array')}({self.ref(data, 'tensor')}, {self._const(dtype)})"
            self._line(f"{self._new_var(t._data)} = {call}")
        elif isinstance(data, np.ndarray):
            raise CaptureError(
                "nb.capture: the step makes a tensor from a NumPy array that is not one of its arguments, "
                "so a replay would reuse its first values; pass the array to the step as an argument (a layer "
                "that makes its weights at its first call: build the model, or call it once, before capturing)"
            )
        else:
            self.constant(t)

    def effect(self, fn, args, kwargs, idempotent: bool = False):
        args = [list(a) if isinstance(a, collections.abc.Iterator) else a for a in args]  # replayed: not used up
        what = fn.__name__ if "." not in fn.__qualname__ else f"{type(args[0]).__name__}.{fn.__name__}"
        for a in [*args[1:], *kwargs.values()] if "." in fn.__qualname__ else [*args, *kwargs.values()]:
            if isinstance(a, Tensor) and id(a._data) in self.var_of:
                raise CaptureError(
                    f"nb.capture: {what} is given a tensor of the step (an argument or a value computed in it), "
                    "and a replay can only repeat it on tensors made before the step; call it after the step"
                )
            if callable(a) and not isinstance(a, Tensor):
                raise CaptureError(
                    f"nb.capture: {what} is given a function (a closure), and a replay would call the one made "
                    "at capture, on that call's data; evaluate the loss in the step and call it without one"
                )
        self.paused += 1
        try:
            result = fn(*args, **kwargs)
        finally:
            self.paused -= 1
        call = f"{self._name(functools.partial(fn, *args, **kwargs), what.replace('.', '_'))}()"
        if isinstance(result, Tensor):  # (clip_grad_norm_'s norm): the replay's call returns its own
            self._line(f"{self._new_var(result._data)} = {call}._data")
        else:
            self._line(call)
        self.applied = self.applied or not idempotent
        return result

    # --- the program -------------------------------------------------------------------------------

    def output(self, result) -> str:
        """The expression that rebuilds the step's return value from the replay's arrays."""
        if isinstance(result, Tensor):
            if result._node is not None and result._node.inputs is not None:
                raise CaptureError(
                    "nb.capture: the step returns a tensor with a graph that backward has not used, and a replay "
                    "returns values without a graph; call backward inside the step, or return t.detach() "
                    "(or compute it under nb.no_grad())"
                )
            n = self.var_of.get(id(result._data))
            if n is not None:
                return f"wrap(v{n})"
            if id(result) in self.born:
                raise CaptureError(
                    "nb.capture: the step returns a tensor made by code that nabla does not record; "
                    "return tensors computed by nabla operations (or ones made before the step)"
                )
            return self._name(result, "p")
        if isinstance(result, (tuple, list)):
            return _collection(result, [self.output(r) for r in result])
        if isinstance(result, dict):
            return "{" + ", ".join(f"{self._const(k)}: {self.output(v)}" for k, v in result.items()) + "}"
        if result is None:
            return "None"
        raise CaptureError(
            f"nb.capture: the step returns a {type(result).__name__}, which a replay would return unchanged; "
            "return tensors (or tuples, lists, dicts of them) and read Python values after the call"
        )

    def program(self, n_args: int, output: str) -> _Program:
        guards = [f"capture_state.structure == {capture_state.structure}"]
        guards += [f"{self._name(m, type(m).__name__)}.training is {flag}" for m, flag in self.modules.values()]
        for t in self.externals.values():
            name = self._external(t)
            dtype = self._name(t._data.dtype, "dtype_" + str(t._data.dtype))
            guards.append(
                f"{name}._rg is {t._rg} and not {name}._hooks and {name}._data.shape == {t._data.shape!r} "
                f"and {name}._data.dtype == {dtype}"
            )
        # In-place updates of buffers come last, after every check that may hand the call to eager mode.
        self.lines += [(code, False) for code in self.updates]
        # Each array is deleted after its last use, so that the replay holds no more memory than eager mode.
        last_use: dict[str, int] = {}
        for i, (code, _) in enumerate(self.lines):
            for v in _VAR.findall(code):
                last_use[v] = i
        for v in _VAR.findall(output):
            last_use[v] = len(self.lines)
        dead: dict[int, list[str]] = {}
        for v, i in last_use.items():
            dead.setdefault(i, []).append(v)
        args = ", ".join(f"a{i}" for i in range(n_args))
        src = [f"def captured_step({args}):"]
        if guards:
            src.append("    if not (" + "\n            and ".join(guards) + "):")
            src.append("        return RETRACE  # a module or a parameter changed: capture again")
        in_block = False
        for i, (code, backward) in enumerate(self.lines):
            if backward and not in_block:
                src.append("    with quiet():  # backward")
            in_block = backward
            pad = "        " if backward else "    "
            src.append(pad + code.replace("\n", "\n" + pad))
            if i in dead:
                src.append(pad + "del " + ", ".join(sorted(dead[i], key=lambda v: int(v[1:]))))
        src.append(f"    return {output}")
        # A replay that draws (dropout) and then goes back to eager mode restores the generator first, so that
        # the eager call draws what it would have drawn.
        return _Program("\n".join(src) + "\n", self.scope, restores_rng=self.checks and self.draws)


def _collection(x, inner: list[str]) -> str:
    """The source of a tuple or list with these elements."""
    if isinstance(x, tuple):
        return "(" + ", ".join(inner) + ("," if len(inner) == 1 else "") + ")"
    return "[" + ", ".join(inner) + "]"


def _holds_mask(x) -> bool:
    if isinstance(x, Tensor):
        x = x._data
    if isinstance(x, np.ndarray):
        return x.dtype == np.bool_
    return isinstance(x, (tuple, list)) and any(_holds_mask(e) for e in x)


def _diverged():
    raise _Diverged


def _holds_array(x) -> bool:
    return isinstance(x, np.ndarray) or (isinstance(x, (tuple, list)) and any(isinstance(e, np.ndarray) for e in x))


class _Program:
    """Generated code and the objects it names."""

    def __init__(self, source: str | None, scope: dict | None, restores_rng: bool = False):
        self.source, self.run, self.restores_rng = source, None, restores_rng  # run None: the step runs eagerly
        if source is not None:
            exec(compile(source, "<nb.capture>", "exec"), scope)  # noqa: S102 - nabla's own generated code
            self.run = scope["captured_step"]


# --- the user's entry point ------------------------------------------------------------------------


def _signature(x):
    if isinstance(x, Tensor):
        return ("tensor", x._data.shape, x._data.dtype, x._rg)
    if isinstance(x, np.ndarray):
        return ("array", x.shape, x.dtype)
    if isinstance(x, (float, np.floating)):
        return ("float", type(x), float(x).hex())  # exact: 0.0 and -0.0 are different programs (x / 0.0)
    try:
        hash(x)
    except TypeError:
        raise CaptureError(
            f"nb.capture: an argument of type {type(x).__name__} is neither a tensor, an array nor a hashable "
            "Python value; pass tensors, arrays, numbers or strings"
        ) from None
    return ("value", type(x), x)


class CapturedStep:
    """A function captured by :func:`capture`; call it like the function."""

    def __init__(self, fn):
        functools.update_wrapper(self, fn)
        self.fn = fn
        self.captures = 0  # how many calls were recorded (the first, and one per new signature or change)
        self._programs: dict[tuple, _Program] = {}
        self._retraces: dict[tuple, int] = {}
        self._last: _Program | None = None
        self._warned = False

    def __deepcopy__(self, memo):
        # A program names the objects it was recorded on; a copy of a model must record its own.
        return CapturedStep(copy.deepcopy(self.fn, memo))

    @property
    def code(self) -> str | None:
        """The Python source of the program the last call ran (None before the first call)."""
        return None if self._last is None else self._last.source

    def __call__(self, *args, **kwargs):
        if _Mode.tape is not None or _Mode.anomaly:
            return self.fn(*args, **kwargs)  # inside another capture it is part of that one; anomaly needs eager
        if kwargs:
            names = tuple(sorted(kwargs))
            flat = args + tuple([kwargs[k] for k in names])
        else:
            names, flat = (), args
        # Arguments that are one array at capture are one variable of the program: aliasing is part of the key.
        # (Lists, not generators: the key is made at every call, 2.1 -> 0.9 us for two tensors.)
        ids = [id(a) for a in _arrays(flat)]
        aliasing = tuple([ids.index(i) for i in ids])
        key = (_Mode.grad_enabled, names, aliasing, tuple([_signature(a) for a in flat]))
        program = self._programs.get(key)
        if program is not None:
            self._last = program
            if program.run is None:  # this signature runs eagerly (see below)
                return self.fn(*args, **kwargs)
            rng = random.get_state() if program.restores_rng else None
            try:
                result = program.run(*flat)
            except _Diverged:
                if rng is not None:
                    random.restore(rng)
                return self.fn(*args, **kwargs)
            if result is not _RETRACE:
                self._retraces.pop(key, None)
                return result
            self._retraces[key] = retraces = self._retraces.get(key, 0) + 1  # in a row, with no replay between
            if retraces > _MAX_RETRACES:
                warnings.warn(
                    f"nb.capture: {getattr(self.fn, '__name__', 'the step')} runs eagerly from now on: it was "
                    f"captured again at {retraces} calls in a row because a module attribute, a mode or a parameter "
                    "changed between calls (something sets a module attribute at every call?)",
                    RuntimeWarning,
                    stacklevel=2,
                )
                self._programs[key] = _Program(None, None)
                return self.fn(*args, **kwargs)
        tape = _Tape(flat)
        self.captures += 1
        rng = random.get_state()
        _Mode.tape = tape
        try:
            result = self.fn(*args, **kwargs)
            output = tape.output(result)
        except CaptureError:
            # A refused capture leaves the generator as it found it (dropout drew) and the running statistics
            # it updated too, so that running the step eagerly instead does what it would have done.
            random.restore(rng)
            for t, values in reversed(tape.before_updates):
                t._data[...] = values
            raise
        finally:
            _Mode.tape = None
        if tape.late_check:
            # A decision on values ('derive', a mask) comes after a .grad was written or a parameter updated:
            # a replay that found it changed could not hand the call to eager mode without doing that twice.
            warnings.warn(
                f"nb.capture: {getattr(self.fn, '__name__', 'the step')} runs eagerly: '{tape.late_check}' decides "
                "on values after the step updated gradients or parameters (a second backward or optimizer step)",
                RuntimeWarning,
                stacklevel=2,
            )
            program = _Program(None, None)
        else:
            program = tape.program(len(flat), output)
        self._programs[key] = self._last = program
        if len(self._programs) > _MAX_PROGRAMS and not self._warned:
            self._warned = True
            warnings.warn(
                f"nb.capture: {getattr(self.fn, '__name__', 'the step')} was captured for {len(self._programs)} "
                "different signatures; arguments whose Python values or shapes change at every call defeat "
                "the capture (pass changing numbers as tensors)",
                RuntimeWarning,
                stacklevel=2,
            )
        return result


def capture(fn) -> CapturedStep:
    """Capture a step function: the first call records it, later calls replay it as NumPy code.

    Use as a decorator (``@nb.capture``) or a call (``step = nb.capture(fn)``).
    See the module's documentation for what a replay repeats and what it
    freezes; ``step.code`` shows the program of the last call.
    """
    if not callable(fn):
        raise TypeError(f"nb.capture expects a function, got {type(fn).__name__}")
    return CapturedStep(fn)
