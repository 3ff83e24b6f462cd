"""The tape: nb.capture's recorder, the tracer that writes a step down as lines of Python over arrays.

While a step is captured, the engine tells the tape what it computes
(:class:`nabla.engine.tracing.Tracer`): each primitive's forward, each
gradient rule the backward walk runs, each sum of two gradients, each write
into a ``.grad``; the layers above tell it their decisions on values
(``derive``) and their effects (an optimizer's ``step``). The tape names
every array by identity (``v0, v1, ...``; an argument's array first, a
tensor made before the step read as ``p._data``) and writes one line per
call. :mod:`nabla.capture.program` turns the lines into a function.

What a replay could not repeat faithfully is refused here, at capture, with
a :class:`CaptureError` saying what to change.
"""

from __future__ import annotations

import collections.abc
import functools
import keyword
import re

import numpy as np

from ..engine import backend, devices
from ..engine.backward import accumulate_grad, conform
from ..engine.dtypes import OTHER_LIBRARIES, to_array
from ..engine.graph import sequence_mark
from ..engine.ops.primitive import ieee_arithmetic
from ..engine.tensor import Tensor
from ..engine.tracing import CaptureError, ModuleChanges, Tracer, Tracing, arrays, keyword_arrays, refuse_in_capture
from . import buffers
from .libraries import foreign, is_array, is_mask, is_value, namespace
from .program import RETRACE, Diverged, collection, diverged


def _structure(x):
    """What Python code can branch on in a derived result: shapes, dtypes, None-ness, plain values."""
    if is_array(x):
        return ("array", x.shape, x.dtype)
    if isinstance(x, (tuple, list)):
        return tuple(_structure(e) for e in x)
    return ("value", x)


def _checked(fn, expected):
    def run(*args, **kwargs):
        result = fn(*args, **kwargs)
        if _structure(result) != expected:
            raise Diverged
        return result

    return run


def _holds_mask(x) -> bool:
    if isinstance(x, Tensor):
        x = x._data
    if is_array(x):
        return is_mask(x)
    return isinstance(x, (tuple, list)) and any(_holds_mask(e) for e in x)


def _holds_array(x) -> bool:
    return is_array(x) or (isinstance(x, (tuple, list)) and any(is_array(e) for e in x))


class Tape(Tracer):
    """One traced call, written down as lines of Python over numbered arrays ``v0, v1, ...``: the tracer of
    ``nb.capture`` (see :class:`nabla.engine.tracing.Tracer` for what the engine tells it).

    Arrays are named by identity: every array a recorded line produced is kept
    alive until the trace ends, so an ``id`` names one array only.
    """

    def __init__(self, args: tuple):
        self.lines: list[str] = []  # the replay's lines of code
        self.buffers = buffers.Buffers()  # the large temporaries of the replays' convolutions and pooling
        self.pooled = False  # whether a line runs on them yet
        self.var_of: dict[int, int] = {}  # id(array) -> its variable's number
        self.keep: list = []  # the arrays named in var_of
        self.scope: dict = {
            "xp": backend.numpy_ns,
            "xpb": buffers.namespace(self.buffers),
            "start_buffers": self.buffers.start,
            "asarray": np.asarray,
            "wrap": Tensor._make,
            "conform": conform,
            "RETRACE": RETRACE,
            "diverged": diverged,
            "ModuleChanges": ModuleChanges,
            # the backward walk's errstate, around the whole replay: IEEE results (an overflow's inf), no warnings
            "quiet": ieee_arithmetic,
        }
        self.bound: dict[int, str] = {}  # id(object) -> its name in scope
        self.born: set[int] = set()  # ids of tensors made during the trace by code that was not recorded
        self.constants: dict[int, np.ndarray] = {}  # arrays of tensors made from Python values during the trace
        self.externals: dict[int, Tensor] = {}  # tensors read by reference (guarded: shape, dtype, requires_grad)
        self.modules: dict[int, tuple] = {}  # id(module) -> (module, its training flag)
        self.leaf_args: dict[int, str] = {}  # id(argument tensor) -> its parameter name
        self.paused = 0
        self.device: str | None = None  # the device of another library's array the step computes on, if any
        self.foreign: str | None = None  # why the step must run eagerly on that device, if it must
        self.first_node = sequence_mark()  # nodes numbered below were made before the step: not part of it
        self.applied = False  # an effect that must not run twice (a .grad written, a parameter updated) is recorded
        self.late_check = ""  # what decides on values after that point, if anything (see CapturedStep)
        self.checks = self.draws = False  # whether a replay can go back to eager mode; whether it draws
        self.updates: list[str] = []  # in-place updates of tensors made before the step: the last lines
        self.updated: list[np.ndarray] = []  # their arrays, whose memory the step must not read afterwards
        self.before_updates: list[tuple[Tensor, np.ndarray]] = []  # their values before: a refusal restores them
        # The same calls as records, operands resolved when recorded (see slot): what nabla.capture.fuse compiles.
        self.ops: list[tuple] = []
        for i, a in enumerate(args):
            if isinstance(a, Tensor):
                self.leaf_args[id(a)] = f"a{i}"
                self._line(f"{self._new_var(a._data)} = a{i}._data")
                self.ops.append(("arg", i, len(self.keep) - 1, True))
            elif is_array(a):
                self._line(f"{self._new_var(a)} = a{i}")
                self.ops.append(("arg", i, len(self.keep) - 1, False))

    # --- names -------------------------------------------------------------------------------

    def _new_var(self, array) -> str:
        """Name a value the replay computes: an array, or a NumPy scalar (what NumPy returns for 0-d results)."""
        self.var_of[id(array)] = n = len(self.keep)  # (an array named twice keeps its latest name)
        self.keep.append(array)
        return f"v{n}"

    def _targets(self, result) -> str:
        if is_value(result):
            return self._new_var(result)
        parts = [self._new_var(r) if is_value(r) else "_" for r in result]
        return ", ".join(parts) + ("," if len(parts) == 1 else "")

    def name(self, obj, hint: str) -> str:
        """The name of ``obj`` in the program's scope (bound to it there on first use; ``hint`` makes it)."""
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
            # As a plain tuple: a subclass's repr names its class (tf.TensorShape, a tf tensor's .shape),
            # which the program's scope does not hold.
            return repr(tuple(x))
        return self.name(x, "k")

    def external(self, t: Tensor) -> str:
        """The name of ``t``, a tensor made before the step (or an argument), read by reference and guarded."""
        self.externals[id(t)] = t
        return self.leaf_args.get(id(t)) or self.name(t, "p")

    def _read(self, t: Tensor) -> str:
        """A tensor made before the step, read by reference: the expression of its array."""
        self._unchanged(t._data)
        return self.external(t) + "._data"

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
        if is_array(x):
            n = self.var_of.get(id(x))
            if n is None and id(x) in self.constants:
                return self.name(x, "k")
            if n is None:
                raise CaptureError(
                    f"nb.capture: '{who}' received an array computed outside nabla's recorded operations (by "
                    "your NumPy code, or an operation without capture support), which a replay would reuse; "
                    "compute it with nabla's operations or pass it to the step as an argument"
                )
            return self._var(x)
        if isinstance(x, (tuple, list)) and any(isinstance(e, Tensor) or is_array(e) for e in x):
            return collection(x, [self.ref(e, who) for e in x])
        return self._const(x)

    def loose(self, x) -> str:
        """``x`` as an expression, arrays not named being constants (the seeds and placeholders of backward,
        arrays the user handed to an operation)."""
        if isinstance(x, Tensor):
            if id(x._data) in self.var_of:
                return self._var(x._data)
            if id(x) in self.born:
                return self.name(x._data, "k")
            return self._read(x)
        if is_value(x):
            return self._var(x) if id(x) in self.var_of else self.name(x, "k")
        if isinstance(x, (tuple, list)) and any(isinstance(e, Tensor) or is_array(e) for e in x):
            return collection(x, [self.loose(e) for e in x])
        return self._const(x)

    def _xp(self, prim: str, values) -> str:
        """The namespace a line of the primitive named ``prim`` on ``values`` (its arrays) runs on: eager
        mode's for them (see :mod:`nabla.capture.libraries`). On NumPy, ``xpb`` (:mod:`nabla.capture.buffers`)
        for the primitives whose large arrays the step keeps, its first use preceded by a line that starts the
        replay's requests. (Another library's arrays are not pooled: its allocator keeps its own pool, as
        CuPy's does.)"""
        other = namespace(values) if OTHER_LIBRARIES[0] else None
        if other is not None:
            self.device = self.device or other[1]
            return self.name(other[0], "xp_" + other[1])
        if prim not in buffers.POOLED:
            return "xp"
        if not self.pooled:
            self.pooled = True
            self._line("start_buffers()")
        return "xpb"

    def _line(self, code: str) -> None:
        self.lines.append(code)

    def slot(self, x) -> tuple:
        """An operand as a record: ``("v", n)`` a value of the step, ``("p", tensor)`` a tensor made before it
        (read by reference), ``("k", array)`` a constant array, ``("c", value)`` a Python value."""
        data = x._data if isinstance(x, Tensor) else x
        if is_value(data) and id(data) in self.var_of:
            return ("v", self.var_of[id(data)])
        if isinstance(x, Tensor):
            return ("k", x._data) if id(x) in self.born else ("p", x)
        if is_array(x):
            return ("k", x)
        return ("c", x)

    # --- what the engine reports (nabla.engine.tracing.Tracer) -----------------------------------

    def made(self, t: Tensor) -> None:
        if id(t._data) not in self.var_of:
            self.born.add(id(t))  # made by code that was not recorded (see ref)

    def requires_grad_switched(self, t: Tensor) -> None:
        if id(t) not in self.born:
            refuse_in_capture("switches requires_grad of a tensor")

    def module_called(self, module) -> None:
        self.modules[id(module)] = (module, module.training)  # a replay holds while it stays in this mode

    def reaches(self, node) -> None:
        if node.seq < self.first_node:
            refuse_in_capture(
                f"back-propagates into '{node.name}', computed before the step (detach what the step is given)"
            )

    def forward(self, prim, args, params, out, wrapped: bool) -> None:
        if OTHER_LIBRARIES[0] and self.device is None and foreign([out]) is not None:
            self.device = devices.device_of(out)  # (a transfer from the host: its line runs on NumPy's)
        parts = [self._xp(prim.name, arrays(args)), *(self.ref(a, prim.name) for a in args)]
        parts += [f"{k}={self.ref(v, prim.name)}" for k, v in params.items()]
        call = f"{self.name(prim.forward, prim.name)}({', '.join(parts)})"
        slots = [self.slot(a) for a in args], {k: self.slot(v) for k, v in params.items()}
        var = self._new_var(out)
        self.ops.append(("forward", prim, *slots, len(self.keep) - 1))
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
        # (the walk runs a rule in the library of its output's gradient)
        rule = functools.partial(node.prim.vjp, self.scope[self._xp(node.prim.name, [g])], node.need)
        run = self.name(rule, node.prim.name + "_vjp")
        ins = [self.loose(g), "None" if node.out is None else self.loose(node.out)]
        ins += [self.loose(t) for t in node.inputs]
        ins += [f"{k}={self.loose(v)}" for k, v in node.params.items()]
        slots = [self.slot(g), *(self.slot(t) for t in node.inputs)], {k: self.slot(v) for k, v in node.params.items()}
        if node.out is not None:
            slots[0].insert(1, self.slot(node.out))
        names = [self._new_var(gi) if n and gi is not None else "_" for n, gi in zip(node.need, grads)]
        names += ["_"] * (len(grads) - len(names))  # a rule may return more than the inputs (zip ignores them)
        self._line(f"{', '.join(names)}{',' if len(names) == 1 else ''} = {run}({', '.join(ins)})")
        outs = [self.var_of[id(gi)] if n and gi is not None else None for n, gi in zip(node.need, grads)]
        self.ops.append(("vjp", node.prim, tuple(node.need), node.out is not None, *slots, outs))

    def conform(self, g, result) -> None:
        """The walk summed ``g`` back over broadcasting and/or cast it: ``result``."""
        shape, dtype = self._const(result.shape), self.name(result.dtype, "k")
        slot = self.slot(g)
        xp = self._xp("conform", [g])
        self._line(f"{self._new_var(result)} = conform({xp}, {self.loose(g)}, {shape}, {dtype})")
        self.ops.append(("conform", slot, len(self.keep) - 1))

    def add(self, a, b, total) -> None:
        slots = self.slot(a), self.slot(b)
        self._line(f"{self._new_var(total)} = {self.loose(a)} + {self.loose(b)}")
        self.ops.append(("add", *slots, len(self.keep) - 1))

    def add_at(self, total, index, g) -> None:
        slots = self.slot(total), self.slot(g)
        self._line(f"{self.loose(total)}[{self.loose(index)}] += {self.loose(g)}")
        self.ops.append(("add_at", *slots))

    def accumulate(self, t: Tensor, g, owned: bool) -> None:
        """The walk added ``g`` into ``t.grad`` (``owned``: taking ``g`` itself when there is none)."""
        self.ops.append(("accumulate", t, self.slot(g), owned))
        t, g = self.external(t), self.loose(g)
        call = f"{self.name(accumulate_grad, 'accumulate')}({t}, {g}, False, {owned})"
        if owned:  # the common case written out: a .grad set to None by zero_grad takes the array
            call = f"if {t}._grad is None:\n    {t}._grad = wrap({g})\nelse:\n    {call}"
        self._line(call)
        self.applied = True

    def _checks(self, what: str) -> None:
        """A line that can send a replay back to eager mode is being recorded."""
        self.checks = True
        if self.applied and not self.late_check:
            self.late_check = what

    def arg(self, x, who: str) -> str:
        """An argument of a derived computation: a value of the step, a tensor read by reference, or a
        constant; refused if it was computed from the step's values by code that was not recorded."""
        if isinstance(x, Tensor) or (is_value(x) and id(x) in self.var_of):
            return self.ref(x, who)
        if is_array(x):
            # (NumPy tells a view by its base; the standard cannot, so another library's array is taken as
            # the user's constant)
            base = x.base if isinstance(x, np.ndarray) else None
            while isinstance(base, np.ndarray):
                if id(base) in self.var_of:
                    raise CaptureError(
                        f"nb.capture: '{who}' received a view of a value of the step made outside nabla's "
                        "recorded operations, which a replay would reuse; use nabla's operations on tensors"
                    )
                base = base.base
            return self.name(x, "k")  # the user's constant, read by reference
        if isinstance(x, (tuple, list)):
            return collection(x, [self.arg(e, who) for e in x])
        return self._const(x)

    def derive(self, fn, args, kwargs, checked: bool):
        who = getattr(fn, "__name__", "derived")
        ins = [self.arg(a, who) for a in args] + [f"{k}={self.arg(v, who)}" for k, v in kwargs.items()]
        slots = [self.slot(a) for a in args]
        result = fn(*arrays(args), **keyword_arrays(kwargs))
        if checked:
            run = self.name(_checked(fn, _structure(result)), who)
            self._checks(who)
        else:
            run = self.name(fn, who)
        call = f"{run}({', '.join(ins)})"
        self._line(call if result is None or not _holds_array(result) else f"{self._targets(result)} = {call}")
        parts = result if isinstance(result, (tuple, list)) else [result]
        outs = [self.var_of.get(id(r)) if is_value(r) else None for r in parts]
        self.ops.append(("derive", fn, slots, kwargs, outs))
        return result

    def update(self, target: Tensor, fn, values) -> None:
        """:func:`update_in_place` ran: recorded to run after the rest of the program."""
        who = getattr(fn, "__name__", "update")
        if not isinstance(target._data, np.ndarray):
            # A replay updates last and must refuse a later read of the memory it updates; the standard cannot
            # tell a view from a copy, so that refusal cannot be checked there. The tape stops listening, the
            # step goes on eagerly, and CapturedStep keeps running it so (see its _capture).
            self.foreign = (
                f"updates a tensor in place on {devices.device_of(target._data)} ('{who}': BatchNorm's running "
                "statistics), which a replay could not check there"
            )
            Tracing.tracer = None
            return
        made_in_step = id(target._data) in self.var_of or id(target._data) in self.constants
        if made_in_step or id(target) in self.born or id(target) in self.leaf_args:
            raise CaptureError(
                f"nb.capture: '{who}' updates in place a tensor of the step, which a replay cannot repeat; "
                "update only tensors made before the step (a module's buffers)"
            )
        name = self.external(target)
        ins = ", ".join([name, *(self.ref(v, who) for v in values)])
        self.before_updates.append((target, target._data.copy()))
        self.ops.append(("update", who))
        self.updates.append(f"{self.name(fn, who)}({ins})\n{name}._version.v += 1")
        self.updated.append(target._data)

    def constant(self, t: Tensor) -> None:
        self.born.discard(id(t))
        self.constants[id(t._data)] = t._data  # (kept: its id names it only)

    def converted(self, data, dtype, t: Tensor) -> None:
        """``nb.tensor(data)`` ran: recorded if ``data`` is a tensor or an argument's array, a constant if it is
        Python numbers (frozen, as jax.jit freezes them), refused for another array."""
        if isinstance(data, Tensor) or (is_array(data) and id(data) in self.var_of):
            call = f"{self.name(to_array, 'to_array')}({self.ref(data, 'tensor')}, {self._const(dtype)})"
            self.ops.append(("converted",))
            self._line(f"{self._new_var(t._data)} = {call}")
        elif is_array(data):
            raise CaptureError(
                "nb.capture: the step makes a tensor from an array that is not one of its arguments, "
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
        call = f"{self.name(functools.partial(fn, *args, **kwargs), what.replace('.', '_'))}()"
        self.ops.append(("effect", fn, args, kwargs, isinstance(result, Tensor)))
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
            return self.name(result, "p")
        if isinstance(result, (tuple, list)):
            return collection(result, [self.output(r) for r in result])
        if isinstance(result, dict):
            return "{" + ", ".join(f"{self._const(k)}: {self.output(v)}" for k, v in result.items()) + "}"
        if result is None:
            return "None"
        raise CaptureError(
            f"nb.capture: the step returns a {type(result).__name__}, which a replay would return unchanged; "
            "return tensors (or tuples, lists, dicts of them) and read Python values after the call"
        )
