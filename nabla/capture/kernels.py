"""The loops of the fused step: each supported primitive's forward and gradient rule written as Numba source.

:mod:`nabla.capture.fuse` walks a captured step's records and asks this module
for the source of each: an emitter takes the :class:`Loops` being written, the
variable(s) it computes and its operands (records, see
``nabla.capture.tape.Tape.slot``) and writes plain loops over the static
shapes of the program. ``FORWARD`` and ``VJP`` map a primitive's name to its
emitter; a primitive missing from them makes the whole step fall back to the
plain replay.

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


class Loops:
    """The body of the kernel being written, and how operands read in it.

    ``shapes``: variable number -> its shape (0-d variables are stored with shape (1,)); ``names(slot)`` gives
    an operand's array name in the kernel (bound by :mod:`nabla.capture.fuse`).
    """

    def __init__(self, shapes: dict[int, tuple], names):
        self.shapes, self.names, self.body = shapes, names, []
        self.depth = 1

    def line(self, code: str) -> None:
        self.body.append("    " * self.depth + code)

    def shape(self, slot) -> tuple:
        """An operand's shape: a variable's, a tensor's (read by reference), an array's; () for a number."""
        kind, x = slot
        if kind == "v":
            return self.shapes[x]
        if kind == "p":
            if x._data.ndim == 0:
                raise Unsupported("a 0-d tensor read by reference")
            return x._data.shape
        if kind == "k":
            return x.shape
        if kind == "a":  # an array of the kernel bound by name: (name, shape)
            return x[1]
        return ()

    def at(self, slot, oshape: tuple) -> str:
        """The element of ``slot`` at the loop index ``i0, i1, ...`` over ``oshape`` (NumPy's broadcasting).
        A 0-d array is held with shape (1,) in the kernel, and a loop over () runs over (1,)."""
        kind, x = slot
        if kind == "c":
            return lit(x)
        shape, oshape = self.shape(slot) or (1,), oshape or (1,)
        name = x[0] if kind == "a" else self.names(slot)
        lead = len(oshape) - len(shape)
        if lead < 0:
            raise Unsupported(f"an operand of shape {shape} in a loop over {oshape}")
        idx = ["0" if n == 1 else f"i{lead + d}" for d, n in enumerate(shape)]
        return f"{name}[{', '.join(idx)}]"

    def loop(self, oshape: tuple, reads: dict, writes: dict, body: list[str]) -> None:
        """For every index of ``oshape``: bind ``reads`` (local name -> operand), run ``body``, then store each
        local of ``writes`` (local name -> a variable's number, or an operand, of shape ``oshape``)."""
        shape = oshape or (1,)
        for d, n in enumerate(shape):
            self.line(f"for i{d} in range({n}):")
            self.depth += 1
        for local, slot in reads.items():
            self.line(f"{local} = {self.at(slot, shape)}")
        for code in body:
            self.line(code)
        for local, target in writes.items():
            self.line(f"{self.at(('v', target) if isinstance(target, int) else target, shape)} = {local}")
        self.depth -= len(shape)


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


def _params(k: Loops, names: tuple, params: dict) -> list[str]:
    return [f"s{i} = {lit(params[n][1])}" for i, n in enumerate(names)]


def elementwise(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    operands, pnames, body = ELEMENTWISE[name]
    if name == "binary_cross_entropy_with_logits" and params["pos_weight"] != ("c", None):
        raise Unsupported("binary_cross_entropy_with_logits with pos_weight")
    for line in _params(k, pnames, params):
        k.line(line)
    k.loop(k.shapes[out], dict(zip(operands, ins)), {"r": out}, body)


def reduction(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    """``sum`` and ``mean`` over every axis (the sum, in index order, times ``scale`` for a mean)."""
    (x,) = ins
    shape = k.shape(x)
    if params["axis"][1] != tuple(range(len(shape))) or params["keepdims"][1]:
        raise Unsupported(f"{name} over some axes only, or with keepdims")
    k.line("t = F(0.0)")
    k.loop(shape, {"a": x}, {}, ["t += a"])
    scale = f" * {lit(params['scale'][1])}" if name == "mean" else ""
    k.line(f"{k.names(('v', out))}[0] = t{scale}")


def linear(k: Loops, name: str, ins: list, params: dict, out: int) -> None:
    """``x @ W.T + b`` (``keras``: ``x @ W + b``) for x (B, I): the bias added to the finished dot product."""
    x, w, b = ins
    if len(k.shape(x)) != 2:
        raise Unsupported("linear on an input that is not 2-D")
    keras = params["keras"][1]
    batch, n_in = k.shape(x)
    n_out = k.shapes[out][1]
    xn, wn, on = k.names(x), k.names(w), k.names(("v", out))
    wk = f"{wn}[i2, i1]" if keras else f"{wn}[i1, i2]"
    k.line(f"for i0 in range({batch}):")
    k.line(f"    for i1 in range({n_out}):")
    k.line("        t = F(0.0)")
    k.line(f"        for i2 in range({n_in}):")
    k.line(f"            t += {xn}[i0, i2] * {wk}")
    bias = "" if b == ("c", None) else f" + {k.names(b)}[i1]"
    k.line(f"        {on}[i0, i1] = t{bias}")


FORWARD = {name: elementwise for name in ELEMENTWISE}
FORWARD.update({"sum": reduction, "mean": reduction, "linear": linear})


# --- gradient rules ------------------------------------------------------------------------------

# Elementwise rules: (operand names after g and out, parameter names, {output position: body computing r}).
# ``g`` is the output's gradient, ``o`` the forward's output, ``a``/``b`` the inputs.
VJP_ELEMENTWISE = {
    "add": ("ab", (), {0: ["r = g"], 1: ["r = g"]}),
    "sub": ("ab", (), {0: ["r = g"], 1: ["r = -g"]}),
    "mul": ("ab", (), {0: ["r = g * b"], 1: ["r = g * a"]}),
    "neg": ("a", (), {0: ["r = -g"]}),
    "exp": ("a", (), {0: ["r = g * o"]}),
    "square": ("a", (), {0: ["r = g * (F(2.0) * a)"]}),
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
    reads = {"g": ins[0]}
    if len(ins) > len(operands) + 1:
        reads["o"] = ins[1]
    reads.update(zip(operands, ins[len(ins) - len(operands) :]))
    for line in _params(k, pnames, params):
        k.line(line)
    for i, var in enumerate(outs):
        if var is not None:
            # The rule's result has the output's shape (the walk sums it back over broadcasting afterwards).
            k.loop(k.shapes[var], reads, {"r": var}, bodies[i])


def vjp_reduction(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    """The gradient of a sum or mean over every axis: ``g`` (times ``scale``) everywhere."""
    g = ins[0]
    (var,) = outs
    if params["axis"][1] != tuple(range(len(k.shapes[var]))) or params["keepdims"][1]:
        raise Unsupported(f"{name} over some axes only, or with keepdims")
    k.line(f"t = {k.at(g, (1,))}" + (f" * {lit(params['scale'][1])}" if name == "mean" else ""))
    k.loop(k.shapes[var], {}, {"t": var}, [])


def vjp_linear(k: Loops, name: str, need, ins: list, params: dict, outs: list) -> None:
    """``gx = g @ W`` (keras: ``g @ W.T``), ``gW = g.T @ x`` (keras: ``x.T @ g``), ``gb = sum of g's rows``."""
    g, x, w, _ = ins
    keras = params["keras"][1]
    gx, gw, gb = outs
    batch, n_out = k.shape(g)
    n_in = k.shape(x)[1]
    gn, xn, wn = k.names(g), k.names(x), k.names(w)
    if gx is not None:
        wk = f"{wn}[i1, i2]" if keras else f"{wn}[i2, i1]"
        k.line(f"for i0 in range({batch}):")
        k.line(f"    for i1 in range({n_in}):")
        k.line("        t = F(0.0)")
        k.line(f"        for i2 in range({n_out}):")
        k.line(f"            t += {gn}[i0, i2] * {wk}")
        k.line(f"        {k.names(('v', gx))}[i0, i1] = t")
    if gw is not None:
        target = f"{k.names(('v', gw))}[i2, i1]" if keras else f"{k.names(('v', gw))}[i1, i2]"
        k.line(f"for i1 in range({n_out}):")
        k.line(f"    for i2 in range({n_in}):")
        k.line("        t = F(0.0)")
        k.line(f"        for i0 in range({batch}):")
        k.line(f"            t += {gn}[i0, i1] * {xn}[i0, i2]")
        k.line(f"        {target} = t")
    if gb is not None:
        k.line(f"for i1 in range({n_out}):")
        k.line("    t = F(0.0)")
        k.line(f"    for i0 in range({batch}):")
        k.line(f"        t += {gn}[i0, i1]")
        k.line(f"    {k.names(('v', gb))}[i1] = t")


VJP = {name: vjp_elementwise for name in VJP_ELEMENTWISE}
VJP.update({"sum": vjp_reduction, "mean": vjp_reduction, "linear": vjp_linear})


def unbroadcast(k: Loops, g, out: int) -> None:
    """The walk's ``conform``: ``g`` summed over the axes it was broadcast along, into ``out``'s shape."""
    shape, oshape = k.shape(g), k.shapes[out]
    k.loop(oshape, {}, {"t": out}, ["t = F(0.0)"])
    lead = len(shape) - len(oshape)
    idx = [f"i{lead + d}" if n != 1 or shape[lead + d] == 1 else "0" for d, n in enumerate(oshape)]
    target = f"{k.names(('v', out))}[{', '.join(idx) or '0'}]"
    k.loop(shape, {"a": g}, {}, [f"{target} += a"])


def check_probabilities(k: Loops, p) -> None:
    """``_check_probabilities`` (binary_cross_entropy's): leave the kernel with 1 before any effect if a value
    is outside [0, 1] or NaN, so that the plain replay runs the call and raises the engine's error."""
    k.loop(k.shape(p), {"a": p}, {}, ["if not (a >= 0 and a <= 1):", "    return 1"])
