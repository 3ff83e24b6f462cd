"""The fused step (``nb.capture(fn, fuse=True)``): a captured program compiled by Numba into one kernel of loops.

A plain replay (:mod:`nabla.capture.program`) still makes one NumPy call per
line, and on a network of a few dozen weights each call's Python and
allocation cost (1-2 us) is most of the step. Here the tape's records
(``Tape.ops``) become the source of one Numba function: a loop nest per
primitive, per gradient rule and per optimizer update (:mod:`nabla.capture.kernels`),
over arrays the step owns: one workspace allocated at capture and reused at
every call, whose views are the values of the step and the ``.grad`` of the
parameters. A small generated Python function around it checks the plain
program's guards, reads the optimizer's learning rate, calls the kernel and
sets ``.grad``; the parameters and the optimizer's state are updated in place.

What it compiles: the primitives of ``kernels.FORWARD``/``kernels.VJP``
(linear, add/sub/mul/div, neg, exp, square, relu, leaky_relu, tanh, sigmoid,
sum and mean over every axis, binary_cross_entropy with and without logits,
cross_entropy on integer labels), the walk's sums of gradients and over
broadcast axes, the losses' checks of their inputs, ``zero_grad()`` (to None)
of an optimizer or a module, and ``step()`` of ``SGD`` and ``Adam``/``AdamW``
(:mod:`nabla.capture.updates`). Anything else (another primitive, random
draws, BatchNorm's updates, an unknown optimizer, gradients accumulated across
calls) leaves the step on the plain replay, and ``CapturedStep.fused`` says why.
"""

from __future__ import annotations

import re
import time
import types
import warnings

import numpy as np

from ..engine.tensor import Tensor
from . import kernels, loops
from .kernels import Loops, Unsupported
from .program import Program, guards
from .updates import optimizer_step

PLAIN = object()  # returned by the fused function: run this call on the plain program instead

# Optimizers whose update the kernel writes out, by class (nabla.capture sits beside nabla.optim and nabla.nn
# and imports neither: they are known by their qualified names).
_OPTIMIZERS = {"nabla.optim.sgd.SGD": "sgd", "nabla.optim.adam.Adam": "adam", "nabla.optim.adam.AdamW": "adam"}
_STEP = "nabla.optim.optimizer.Optimizer.step"
_ZERO_GRADS = ("nabla.optim.optimizer.Optimizer.zero_grad", "nabla.nn.module.Module.zero_grad")
# Decisions on values from the losses that the kernel makes itself (see _Writer.derived).
_DERIVED = {f"nabla.engine.ops.loss.{name}" for name in ("_check_probabilities", "_target_arrays", "_row_factors")}


def _qualname(obj) -> str:
    return f"{getattr(obj, '__module__', '')}.{getattr(obj, '__qualname__', '')}"


class _numba:
    """Numba's ``njit``, imported at the first fused capture; ``warned``: that it is missing was said (once)."""

    njit = None
    warned = False

    @classmethod
    def load(cls):
        if cls.njit is None:
            try:
                from numba import njit
            except ImportError:
                return None
            cls.njit = njit
        return cls.njit


class FusedProgram(Program):
    """A captured program compiled into one Numba kernel; the calls it hands back run on ``plain``.

    ``compile_seconds``: how long Numba took to compile the kernel (at the first call, which it times).
    """

    def __init__(self, plain: Program, source: str, kernel_source: str, scope: dict):
        super().__init__(source, scope, restores_rng=plain.restores_rng, buffers=plain.buffers)
        self.plain, self.compile_seconds = plain, None
        self.source = source + "\n" + kernel_source  # (step.code: the Python around the kernel, then the kernel)
        self.wrapper = self.run  # None once Numba refused the kernel
        self.run = self._first

    def _first(self, *flat):
        start = time.perf_counter()  # Numba compiles for the types of the first call's arrays
        try:
            result = self._run(*flat)
        except Exception as e:
            if not type(e).__module__.startswith("numba"):
                raise
            # Numba refused the kernel (a bug of this compiler, or of Numba): this program stays plain.
            warnings.warn(
                f"nb.capture(fuse=True): Numba could not compile the kernel, the step runs as the plain "
                f"replay ({type(e).__name__}: {str(e).splitlines()[0]})",
                RuntimeWarning,
                stacklevel=4,
            )
            self.fallback, self.wrapper = f"Numba could not compile the kernel ({type(e).__name__})", None
            self.run = self.plain.run
            return self.plain.run(*flat)
        self.compile_seconds = time.perf_counter() - start
        self.run = self._run
        return result

    def _run(self, *flat):
        result = self.wrapper(*flat)
        return self.plain.run(*flat) if result is PLAIN else result


class _Writer:
    """Walks a tape's records and writes the kernel (its arguments, its loops) and the Python around it."""

    def __init__(self, tape):
        self.tape = tape
        self.args: list[tuple[str, str]] = []  # (kernel parameter, the wrapper's expression for it)
        self.arg_of: dict[int, str] = {}  # id(object) -> its kernel parameter
        self.scope: dict = dict(tape.scope)  # the wrapper's names (the plain program's, for the guards)
        self.shapes: dict[int, tuple] = {}  # variable -> shape
        self.arg_vars: dict[int, str] = {}  # variable of an argument -> its kernel parameter
        self.k = Loops(self.shapes, self.names)
        self.grads: dict[int, object] = {}  # id(parameter) -> "none" or the variable of its gradient
        self.params: dict[int, Tensor] = {}
        self.before: list[str] = []  # wrapper lines before the kernel call, and after it
        self.after: list[str] = []
        self.updated: list[str] = []  # parameters whose version the optimizer bumps
        self.dtype = None
        self.keep: list = []  # the objects named in arg_of
        self.named: dict[int, str] = {}  # id(object) -> its name in the wrapper's scope

    # --- names ---------------------------------------------------------------------------------

    def array(self, expr: str, prefix: str = "x") -> str:
        """A new parameter of the kernel, to which the wrapper passes ``expr`` at every call."""
        name = f"{prefix}{len(self.args)}"
        self.args.append((name, expr))
        return name

    def bind(self, obj, prefix: str) -> str:
        """The kernel parameter for ``obj`` (a tensor read by reference: its array at every call; else the
        object itself, a constant of the program)."""
        name = self.arg_of.get(id(obj))
        if name is None:
            if isinstance(obj, Tensor):  # (a 0-d array is held with shape (1,) in the kernel: a view)
                expr = f"{self.wrapper_name(obj, 'T')}._data" + (".reshape(1)" if obj.ndim == 0 else "")
            else:
                expr = self.wrapper_name(obj, "c")
            name = self.arg_of[id(obj)] = self.array(expr, prefix)
            self.keep.append(obj)  # (its id names it only)
        return name

    def wrapper_name(self, obj, prefix: str) -> str:
        """A name for ``obj`` in the wrapper's scope (the same name for the same object)."""
        name = self.named.get(id(obj))
        if name is None:
            name = self.named[id(obj)] = f"{prefix}{len(self.scope)}"
            self.scope[name] = obj
        return name

    def scalar(self, expr: str) -> str:
        """A float parameter of the kernel, which the wrapper computes with ``expr`` at every call."""
        return self.array(expr, "h")

    def names(self, slot) -> str:
        kind, x = slot
        if kind == "v":
            return self.arg_vars.get(x, f"v{x}")
        if kind == "p":
            self._float(x._data.dtype)
            return self.bind(x, "P")
        if kind == "k":
            self._float(x.dtype)
            name = self.arg_of.get(id(x))
            if name is None:  # a constant array of the program (the seed of backward), held with its own id
                self.keep.append(x)
                name = self.arg_of[id(x)] = self.bind(np.ascontiguousarray(x).reshape(x.shape or (1,)), "K")
            return name
        raise Unsupported(f"the operand {x!r}")

    def _float(self, dtype) -> None:
        if dtype.kind != "f":
            raise Unsupported(f"values of dtype {dtype}")
        if self.dtype is None:
            self.dtype = dtype
        elif dtype != self.dtype:
            raise Unsupported(f"values of two float dtypes ({self.dtype} and {dtype})")

    def var(self, n: int) -> int:
        """A value the kernel computes: its shape recorded, its dtype checked."""
        array = self.tape.keep[n]
        self._float(array.dtype)
        self.shapes[n] = array.shape
        return n

    # --- records ---------------------------------------------------------------------------------

    def record(self, op: tuple) -> None:
        kind = op[0]
        if kind == "arg":
            _, i, n, is_tensor = op
            self.shapes[n] = self.tape.keep[n].shape
            self.arg_vars[n] = self.array(f"a{i}._data" if is_tensor else f"a{i}")
        elif kind == "forward":
            _, prim, ins, params, out = op
            emit = kernels.FORWARD.get(prim.name)
            if emit is None:
                raise Unsupported(f"the operation '{prim.name}'")
            emit(self.k, prim.name, ins, params, self.var(out))
        elif kind == "vjp":
            _, prim, need, _, ins, params, outs = op
            emit = kernels.VJP.get(prim.name)
            if emit is None:
                raise Unsupported(f"the gradient of '{prim.name}'")
            emit(self.k, prim.name, need, ins, params, [None if n is None else self.var(n) for n in outs])
        elif kind == "conform":
            _, g, out = op
            if g[0] != "v" or self.tape.keep[out].dtype != self.tape.keep[g[1]].dtype:
                raise Unsupported("a gradient cast to another dtype")
            kernels.unbroadcast(self.k, g, self.var(out))
        elif kind == "add":
            _, a, b, out = op
            self.k.loop(self.shapes[self.var(out)], {"a": a, "b": b}, {"r": out}, ["r = a + b"])
        elif kind == "accumulate":
            self.accumulate(*op[1:])
        elif kind == "derive" and _qualname(op[1]) in _DERIVED:
            self.derived(_qualname(op[1]), *op[2:])
        elif kind == "effect":
            self.effect(*op[1:])
        else:
            what = {"derive": f"'{getattr(op[1], '__name__', 'a function')}' computed from values",
                    "update": "in-place updates of buffers (BatchNorm's running statistics)",
                    "add_at": "the gradient of indexing",
                    "converted": "a tensor made from a value of the step"}[kind]  # fmt: skip
            raise Unsupported(what)

    def derived(self, what: str, ins: list, kwargs: dict, outs: list) -> None:
        """A loss's decision on values, in the common case only (else: unsupported, or the kernel returns 1
        and the call runs on the plain replay, which raises or takes the general path)."""
        if what.endswith("_check_probabilities"):
            kernels.check_probabilities(self.k, ins[0])
        elif what.endswith("_target_arrays"):
            t, (_, n_classes), weight, (_, ignore_index) = ins[:4]
            if weight != ("c", None) or t[0] != "v" or t[1] not in self.arg_vars or outs[1] is not None:
                raise Unsupported("cross_entropy with class weights, or on targets computed in the step")
            kernels.check_targets(self.k, t, n_classes, ignore_index)
            self.shapes[outs[0]] = self.shapes[t[1]]
            self.arg_vars[outs[0]] = self.arg_vars[t[1]]  # safe_t: the targets themselves (checked, not copied)
        elif ins[1] != ("c", None):  # _row_factors: a Python float when every weight is 1
            raise Unsupported("cross_entropy with class weights")

    def accumulate(self, t: Tensor, g, owned: bool) -> None:
        if self.grads.get(id(t)) != "none":
            raise Unsupported("a gradient added to one from before the step (call zero_grad() in the step)")
        if g[0] != "v" or g[1] in self.arg_vars:
            raise Unsupported("a gradient that is not a value the step computes")
        self.grads[id(t)], self.params[id(t)] = g[1], t

    def effect(self, fn, args, kwargs, returns_tensor: bool) -> None:
        what = _qualname(fn)
        if what in _ZERO_GRADS and not returns_tensor:
            set_to_none = kwargs.get("set_to_none", args[1] if len(args) > 1 else True)
            if set_to_none is not True:
                raise Unsupported("zero_grad(set_to_none=False)")
            owner = args[0]
            params = owner.parameters() if what.endswith("Module.zero_grad") else _optimizer_params(owner)
            for p in params:
                self.grads[id(p)], self.params[id(p)] = "none", p
        elif what == _STEP and len(args) == 1 and not kwargs:
            optimizer_step(self, args[0], _OPTIMIZERS.get(_qualname(type(args[0]))))
        else:
            raise Unsupported(f"the call '{getattr(fn, '__qualname__', fn)}' (an effect the kernel cannot repeat)")

    # --- the program -------------------------------------------------------------------------------

    def write(self, n_args: int, output: str) -> tuple[str, str, np.ndarray]:
        """The kernel's source, the wrapper's source, and the workspace that holds the kernel's values."""
        tape = self.tape
        if tape.draws:
            raise Unsupported("random draws (dropout, nb.randn)")
        for op in tape.ops:
            self.record(op)
        F = self.dtype or np.dtype(np.float32)
        offsets, size = {}, 0
        for n, shape in self.shapes.items():
            if n not in self.arg_vars:
                offsets[n], size = size, size + int(np.prod(shape or (1,)))
        workspace = np.zeros(size, F)
        views = [f"    v{n} = W[{o}:{o + int(np.prod(self.shapes[n] or (1,)))}].reshape({self.shapes[n] or (1,)!r})"
                 for n, o in offsets.items()]  # fmt: skip
        params = ", ".join([name for name, _ in self.args] + ["W"])
        kernel = "\n".join([f"def kernel({params}):", *views, *self.k.body, "    return 0", ""])
        # The wrapper: the guards, the optimizer's numbers, the kernel, then the effects Python sees.
        for pid, state in self.grads.items():
            t = self.wrapper_name(self.params[pid], "T")
            if state == "none":
                self.after.append(f"{t}._grad = None")
            else:
                view = workspace[offsets[state] : offsets[state] + self.params[pid]._data.size]
                grad = self.wrapper_name(Tensor._make(view.reshape(self.params[pid]._data.shape)), "G")
                self.after.append(f"{t}._grad = {grad}")
        self.after += [f"{t}._version.v += 1" for t in self.updated]
        self.scope.update(kernel=None, PLAIN=PLAIN, W=workspace)

        def value(m):
            n = int(m.group(0)[1:])
            if n in self.arg_vars or n not in offsets:
                raise Unsupported("a step that returns one of its arguments")
            view = workspace[offsets[n] : offsets[n] + int(np.prod(self.shapes[n] or (1,)))]
            return self.wrapper_name(view.reshape(self.shapes[n]), "V") + ".copy()"  # a fresh array per call

        result = re.sub(r"\bv\d+\b", value, output)
        checks = guards(tape)
        src = [f"def captured_step({', '.join(f'a{i}' for i in range(n_args))}):"]
        if checks:
            src += ["    if not (" + "\n            and ".join(checks) + "):", "        return RETRACE"]
        src += ["    " + line for line in self.before]
        call = ", ".join([expr for _, expr in self.args] + ["W"])
        src += [f"    if kernel({call}):", "        return PLAIN  # a check failed: the plain replay raises"]
        src += ["    " + line for line in self.after]
        src.append(f"    return {result}")
        self.scope["F"] = F.type
        return kernel, "\n".join(src) + "\n", workspace


def _optimizer_params(opt) -> list:
    return [p for group in opt.param_groups for p in group["params"]]


def fuse(tape, plain: Program, n_args: int, output: str) -> Program:
    """The fused program of a finished tape, or ``plain`` itself with ``plain.fallback`` saying why not."""
    if tape.device is not None:
        plain.fallback = f"the step runs on {tape.device}, and the fused kernel is Numba loops over NumPy arrays"
        return plain
    njit = _numba.load()
    if njit is None:
        if not _numba.warned:
            _numba.warned = True
            warnings.warn(
                "nb.capture(fuse=True): Numba is not installed, so the step runs as the plain replay; "
                "pip install 'nabla[fast]' for the fused kernel",
                RuntimeWarning,
                stacklevel=4,
            )
        plain.fallback = "Numba is not installed (pip install 'nabla[fast]')"
        return plain
    writer = _Writer(tape)
    try:
        kernel_source, source, _ = writer.write(n_args, output)
    except Unsupported as e:
        plain.fallback = f"{e} is not supported by the fused kernel"
        return plain
    scope = {"np": np, "F": writer.scope["F"], **_library(njit)}
    for helper, name in writer.k.helpers.items():
        scope[name] = _helper(njit, helper)
    exec(compile(kernel_source, "<nb.capture fused kernel>", "exec"), scope)  # noqa: S102 - nabla's own code
    writer.scope.update(kernel=njit(cache=False, fastmath=False, boundscheck=False)(scope["kernel"]))
    return FusedProgram(plain, source, kernel_source, writer.scope)


# Compiled once per process and shared by every fused program (Numba compiles each again for new argument types).
_COMPILED: dict[str, object] = {}  # a loop function's source (kernels.Loops), or a name of nabla.capture.loops


def _helper(njit, source: str):
    """The compiled loop function of ``source`` (see kernels.Loops)."""
    fn = _COMPILED.get(source)
    if fn is None:
        scope = {"np": np}
        exec(compile(source, "<nb.capture fused loop>", "exec"), scope)  # noqa: S102 - nabla's own code
        fn = _COMPILED[source] = njit(cache=False)(scope["loop"])
    return fn


def _library(njit) -> dict:
    """The functions of :mod:`nabla.capture.loops`, compiled (they call each other: each sees the others'
    compiled versions as its globals)."""
    if "linear" not in _COMPILED:
        scope = {"np": np}
        for name, fn in vars(loops).items():
            if isinstance(fn, types.FunctionType):
                scope[name] = njit(cache=False)(types.FunctionType(fn.__code__, scope, name, fn.__defaults__))
        _COMPILED.update({name: scope[name] for name in loops.NAMES})
    return {name: _COMPILED[name] for name in loops.NAMES}
