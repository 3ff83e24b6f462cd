"""The fused kernel's source: each supported primitive's forward and gradient rule as loops, for Numba.

:mod:`nabla.capture.fuse` walks a captured step's records and asks this module
for the source of each: an emitter takes the :class:`Loops` being written, the
variable(s) it computes and its operands (records, see
``nabla.capture.tape.Tape.slot``). ``FORWARD`` and ``VJP`` map a primitive's
name to its emitter; a primitive missing from them makes the whole step fall
back to the plain replay.

The kernel itself is a list of calls. An elementwise loop becomes a small
function of its arrays and scalars, the same for every shape and constant
(literals are lifted into arguments, operands broadcast with
``np.broadcast_to``), so that Numba compiles it once per process and argument
types, whatever program uses it; products and row-wise losses are the
hand-written loops of :mod:`nabla.capture.loops`. (One function holding every
loop of a step took Numba 3.6 s for 30 loops, the same loops as calls to one
shared function 1.3 s: on a step's first replay, compile time is what users wait for.)

Each loop computes what the NumPy code of the primitive computes, element by
element, in the program's float dtype (constants are cast to it, as NumPy
casts Python scalars), without fast-math. Sums (matmul, reductions) run in
index order where NumPy and BLAS use pairwise or blocked orders, and Numba's
``exp``/``tanh``/``log`` come from the C library where NumPy has its own SIMD
versions, so results agree with the plain replay to about 1e-6, not bit for bit.
"""

from __future__ import annotations

import math


class Unsupported(Exception):
    """The step holds something the fused compiler does not handle; the message says what."""


def _lift(text: str, scalars: dict) -> str:
    """``text`` with each ``F(expr)`` replaced by a scalar argument (``scalars``: expr -> its argument's name)."""
    out, i = [], 0
    while (j := text.find("F(", i)) >= 0:
        depth, end = 0, j + 1
        while True:
            depth += {"(": 1, ")": -1}.get(text[end], 0)
            if depth == 0:
                break
            end += 1
        expr = text[j : end + 1]
        name = scalars.setdefault(expr, f"k{len(scalars)}")
        out += [text[i:j], name]
        i = end + 1
    return "".join(out) + text[i:]


class Loops:
    """The kernel being written: its lines, and the loop functions they call.

    ``shapes``: variable number -> its shape; ``names(slot)`` gives an operand's array name in the kernel
    (bound by :mod:`nabla.capture.fuse`). A 0-d value is held with shape (1,) in the kernel.
    """

    def __init__(self, shapes: dict[int, tuple], names):
        self.shapes, self.names, self.body = shapes, names, []
        self.helpers: dict[str, str] = {}  # a loop function's source -> its name in the kernel

    def line(self, code: str) -> None:
        self.body.append("    " + code)

    def shape(self, slot) -> tuple:
        """An operand's shape: a variable's, a tensor's (read by reference), an array's; () for a number."""
        kind, x = slot
        if kind == "v":
            return self.shapes[x]
        if kind == "p":
            return x._data.shape
        if kind == "k":
            return x.shape
        if kind == "a":  # an array of the kernel bound by name: (name, shape)
            return x[1]
        return ()

    def _array(self, slot, shape: tuple) -> str:
        """``slot`` as an array of ``shape`` in the kernel (a broadcast view if it has another shape)."""
        name = slot[1][0] if slot[0] == "a" else self.names(slot)
        own = self.shape(slot) or (1,)
        if len(own) > len(shape):
            raise Unsupported(f"an operand of shape {own} in a loop over {shape}")
        return name if own == shape else f"np.broadcast_to({name}, {shape!r})"

    def _function(self, shape: tuple, reads: dict, writes: dict, body: list[str], value: str | None):
        """A loop over ``shape`` as a function of its arrays and lifted scalars, and the kernel's call of it."""
        arrays: dict[str, str] = {}  # the kernel's expression -> the function's parameter
        scalars: dict[str, str] = {}
        index = ", ".join(f"i{d}" for d in range(len(shape)))
        inner = []
        for local, slot in reads.items():
            if slot[0] == "c":  # a number: an argument
                inner.append(f"{local} = " + _lift(lit(slot[1]), scalars))
            else:
                inner.append(f"{local} = {arrays.setdefault(self._array(slot, shape), f'A{len(arrays)}')}[{index}]")
        inner += [_lift(code, scalars) for code in body]
        for local, target in writes.items():
            if (
                isinstance(target, tuple) and target[0] == "acc"
            ):  # summed into an array of the shape with size-1 axes (the walk's conform)
                o = arrays.setdefault(target[1], f"A{len(arrays)}")
                at = ", ".join(f"min(i{d}, {o}.shape[{d}] - 1)" for d in range(len(shape)))
                inner.append(f"{o}[{at}] += {local}")
            else:
                slot = ("v", target) if isinstance(target, int) else target
                inner.append(f"{arrays.setdefault(self._array(slot, shape), f'A{len(arrays)}')}[{index}] = {local}")
        first = next(iter(arrays.values()))
        src = [f"def loop({', '.join([*arrays.values(), *scalars.values()])}):"]
        if value is not None:
            src.append(f"    {value} = {first}.dtype.type(0.0)")
        for d in range(len(shape)):
            src.append("    " * (d + 1) + f"for i{d} in range({first}.shape[{d}]):")
        src += ["    " * (len(shape) + 1) + code.replace("\n", "\n" + "    " * (len(shape) + 1)) for code in inner]
        src.append(f"    return {value or 0}")
        source = "\n".join(src) + "\n"
        name = self.helpers.setdefault(source, f"loop{len(self.helpers)}")
        return f"{name}({', '.join([*arrays, *scalars])})"

    def loop(self, oshape: tuple, reads: dict, writes: dict, body: list[str]) -> None:
        """For every index of ``oshape``: bind ``reads`` (local name -> operand, broadcast to ``oshape``), run
        ``body``, then store each local of ``writes`` (local name -> a variable's number or an operand of shape
        ``oshape``, or ``("acc", array)``: summed into that array, whose size-1 axes take every index)."""
        self.line(self._function(oshape or (1,), reads, writes, body, None))

    def total(self, oshape: tuple, reads: dict, body: list[str]) -> str:
        """The call that returns ``t``, summed by ``body`` over every index of ``oshape``."""
        return self._function(oshape or (1,), reads, {}, body, "t")

    def check(self, oshape: tuple, reads: dict, condition: str) -> None:
        """Leave the kernel with 1 (before any effect: the call then runs on the plain replay, which raises)
        if ``condition`` fails at an index of ``oshape``."""
        self.line(f"if {self._function(oshape or (1,), reads, {}, [f'if not ({condition}):', '    return 1'], None)}:")
        self.line("    return 1")


def lit(c) -> str:
    """A Python number as a constant of the kernel's float dtype ``F`` (NumPy casts Python scalars so)."""
    if not isinstance(c, (int, float)):
        raise Unsupported(f"the operand {c!r}")
    c = float(c)
    if math.isnan(c):
        return "F(np.nan)"
    if math.isinf(c):
        return "F(np.inf)" if c > 0 else "F(-np.inf)"
    return f"F({c!r})"


# --- forward -------------------------------------------------------------------------------------

# Elementwise primitives: (operand names, parameter names, the body computing r). NumPy's own forms
# (nabla.engine.backend, nabla.engine.ops) written per element.
_SIGMOID = ["e = np.exp(-abs(a))", "r = (F(1.0) if a >= 0 else e) / (F(1.0) + e)"]
_SOFTPLUS_NEG = "sp = (-a if -a > 0 else F(0.0)) + np.log1p(np.exp(-abs(a)))"
_CLAMPED_LOGS = [
    "lp = np.log(a)", "lp = lp if lp > F(-100.0) else F(-100.0)",
    "lq = np.log(F(1.0) - a)", "lq = lq if lq > F(-100.0) else F(-100.0)",
]  # fmt: skip
ELEMENTWISE = {
    "add": ("ab", (), ["r = a + b"]),
    "sub": ("ab", (), ["r = a - b"]),
    "mul": ("ab", (), ["r = a * b"]),
    "div": ("ab", (), ["r = a / b"]),
    "neg": ("a", (), ["r = -a"]),
    "exp": ("a", (), ["r = np.exp(a)"]),
    "square": ("a", (), ["r = a * a"]),
    "relu": ("a", (), ["r = a if a > 0 or a != a else F(0.0)"]),
    "tanh": ("a", (), ["r = np.tanh(a)"]),
    "sigmoid": ("a", (), _SIGMOID),
    "leaky_relu": ("a", ("negative_slope",), ["r = a if a > 0 else a * s0"]),
    "binary_cross_entropy": ("ab", (), [*_CLAMPED_LOGS, "r = -(b * lp + (F(1.0) - b) * lq)"]),
    "binary_cross_entropy_with_logits": ("ab", (), [_SOFTPLUS_NEG, "r = (F(1.0) - b) * a + sp"]),
}


def _params(names: tuple, params: dict) -> dict:
    return {f"s{i}": params[n] for i, n in enumerate(names)}  # read as numbers: lifted into arguments


def elementwise(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    operands, pnames, body = ELEMENTWISE[name]
    if name == "binary_cross_entropy_with_logits" and params["pos_weight"] != ("c", None):
        raise Unsupported("binary_cross_entropy_with_logits with pos_weight")
    k.loop(k.shapes[out], {**_params(pnames, params), **dict(zip(operands, ins))}, {"r": out}, body)


def _all_axes(k: Loops, name: str, shape: tuple, params: dict) -> None:
    if params["axis"][1] != tuple(range(len(shape))) or params["keepdims"][1]:
        raise Unsupported(f"{name} over some axes only, or with keepdims")


def reduction(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    """``sum`` and ``mean`` over every axis (the sum, in index order, times ``scale`` for a mean)."""
    (x,) = ins
    _all_axes(k, name, k.shape(x), params)
    scale = f" * {lit(params['scale'][1])}" if name == "mean" else ""
    k.line(f"{k.names(('v', out))}[0] = {k.total(k.shape(x), {'a': x}, ['t += a'])}{scale}")


def linear(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    """``x @ W.T + b`` (``keras``: ``x @ W + b``) for x (B, I): the bias added to the finished dot product."""
    x, w, b = ins
    if len(k.shape(x)) != 2:
        raise Unsupported("linear on an input that is not 2-D")
    bias = b != ("c", None)
    out_name = k.names(("v", out))
    args = [k.names(x), k.names(w), k.names(b) if bias else f"{out_name}[0]", out_name]  # (a row: never read)
    k.line(f"linear({', '.join(args)}, {params['keras'][1]}, {bias})")


def _cross_entropy_coef(params: dict) -> str:
    coef, reduce = params["coef"], params["reduce"]
    if coef[0] != "c" or not isinstance(coef[1], float) or reduce != ("c", True):
        raise Unsupported("cross_entropy with class weights, ignored targets or reduction='none'")
    return lit(coef[1])


def softmax_cross_entropy(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    """``sum over rows of coef * (logsumexp(x) - x[index])``, the log of the row's sum of ``exp(x - max)``."""
    coef = _cross_entropy_coef(params)
    k.line(f"{k.names(('v', out))}[0] = softmax_cross_entropy({k.names(ins[0])}, {k.names(params['index'])}, {coef})")


FORWARD = {name: elementwise for name in ELEMENTWISE}
FORWARD.update({"sum": reduction, "mean": reduction, "linear": linear, "softmax_cross_entropy": softmax_cross_entropy})


# --- gradient rules ------------------------------------------------------------------------------

# Elementwise rules: (operand names after g and out, parameter names, {output position: body computing r}).
# ``g`` is the output's gradient, ``o`` the forward's output, ``a``/``b`` the inputs.
VJP_ELEMENTWISE = {
    "add": ("ab", (), {0: ["r = g"], 1: ["r = g"]}),
    "sub": ("ab", (), {0: ["r = g"], 1: ["r = -g"]}),
    "mul": ("ab", (), {0: ["r = g * b"], 1: ["r = g * a"]}),
    "div": ("ab", (), {0: ["r = g / b"], 1: ["r = -g * o / b"]}),
    "neg": ("a", (), {0: ["r = -g"]}),
    "exp": ("a", (), {0: ["r = g * o"]}),
    "square": ("a", (), {0: ["r = g * F(2.0) * a"]}),
    "relu": ("a", (), {0: ["r = g if o > 0 else F(0.0)"]}),  # keep(g, out > 0)
    "tanh": ("a", (), {0: ["r = g * (F(1.0) - o * o)"]}),
    "sigmoid": ("a", (), {0: ["r = g * o * (F(1.0) - o)"]}),
    "leaky_relu": ("a", ("negative_slope",), {0: ["r = g if a > 0 else g * s0"]}),
    "binary_cross_entropy": ("ab", (), {
        0: ["q = a * (F(1.0) - a)", "r = g * (a - b) / (q if q > F(1e-12) else F(1e-12))"],
        1: [*_CLAMPED_LOGS, "r = g * (lq - lp)"],
    }),
    "binary_cross_entropy_with_logits": ("ab", (), {
        0: [*(line.replace("r =", "s =") for line in _SIGMOID), "r = g * (s - b)"],
        1: ["r = -g * a"],
    }),
}  # fmt: skip


def vjp_elementwise(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    operands, pnames, bodies = VJP_ELEMENTWISE[name]
    if name == "binary_cross_entropy_with_logits" and params["pos_weight"] != ("c", None):
        raise Unsupported("binary_cross_entropy_with_logits with pos_weight")
    reads = {"g": ins[0], **_params(pnames, params)}
    if len(ins) > len(operands) + 1:
        reads["o"] = ins[1]
    reads.update(zip(operands, ins[len(ins) - len(operands) :]))
    for i, var in enumerate(outs):
        if var is not None:
            # The rule's result has the output's shape (the walk sums it back over broadcasting afterwards).
            k.loop(k.shapes[var], reads, {"r": var}, bodies[i])


def vjp_reduction(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    """The gradient of a sum or mean over every axis: ``g`` (times ``scale``) everywhere."""
    (var,) = outs
    _all_axes(k, name, k.shapes[var], params)
    scale = [f"t = t * {lit(params['scale'][1])}"] if name == "mean" else []
    k.loop(k.shapes[var], {"t": ins[0]}, {"t": var}, scale)


def vjp_linear(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    """``gx = g @ W`` (keras: ``g @ W.T``), ``gW = g.T @ x`` (keras: ``x.T @ g``), ``gb = sum of g's rows``."""
    g, x, w, _ = ins
    keras = params["keras"][1]
    gx, gw, gb = outs
    if gx is not None:
        k.line(f"linear_grad_input({k.names(g)}, {k.names(w)}, {k.names(('v', gx))}, {keras})")
    if gw is not None:
        k.line(f"linear_grad_weight({k.names(g)}, {k.names(x)}, {k.names(('v', gw))}, {keras})")
    if gb is not None:
        k.line(f"column_sums({k.names(g)}, {k.names(('v', gb))})")


def vjp_softmax_cross_entropy(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    """``(softmax(x) - onehot(index)) * g * coef``."""
    g, x = ins
    coef = _cross_entropy_coef(params)
    args = [k.names(x), k.names(params["index"]), f"{k.names(g)}[0] * {coef}", k.names(("v", outs[0]))]
    k.line(f"softmax_cross_entropy_grad({', '.join(args)})")


VJP = {name: vjp_elementwise for name in VJP_ELEMENTWISE}
VJP.update({"sum": vjp_reduction, "mean": vjp_reduction, "linear": vjp_linear})
VJP["softmax_cross_entropy"] = vjp_softmax_cross_entropy


def unbroadcast(k: Loops, g, out: int) -> None:
    """The walk's ``conform``: ``g`` summed over the axes it was broadcast along, into ``out``'s shape."""
    shape, oshape = k.shape(g) or (1,), k.shapes[out]
    name = k.names(("v", out))
    k.line(f"{name}.fill(F(0.0))")
    kept = (1,) * (len(shape) - len(oshape)) + oshape  # out with the summed leading axes kept as size 1
    k.loop(shape, {"a": g}, {"a": ("acc", f"{name}.reshape({kept!r})")}, [])


def check_probabilities(k: Loops, p) -> None:
    """``_check_probabilities`` (binary_cross_entropy's): every value in [0, 1] (NaN fails)."""
    k.check(k.shape(p), {"a": p}, "a >= 0 and a <= 1")


def check_targets(k: Loops, t, n_classes: int, ignore_index: int) -> None:
    """``_target_arrays`` (cross_entropy's), in its common case: every class index in range, none ignored."""
    k.line(f"if not targets_in_range({k.names(t)}, {n_classes}, {ignore_index}):")
    k.line("    return 1")
