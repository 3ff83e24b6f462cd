"""Activation functions in ONNX operators, at opset 17.

Each emitter takes the graph, a :class:`~nabla.onnx.graph.Value` and the
function's parameters, and returns the activated Value (elementwise ops keep
the input's layout; softmax picks its physical axis). Functions without an
operator of their own at opset 17 are written with the ones that exist:

* GELU (an operator only from opset 20): ``0.5 x (1 + erf(x / sqrt 2))``,
  or with ``approximate="tanh"`` ``0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))``;
* SiLU / swish (no operator): ``x * Sigmoid(x)``;
* softplus with PyTorch's ``beta`` and ``threshold``: ``Softplus(beta x) / beta``,
  and ``x`` itself where ``beta x > threshold``, as nabla computes it;
* Mish (an operator only from opset 18): ``x * tanh(Softplus(x))``;
* the step (Heaviside) function: ``Cast(x >= 0)``.

:func:`emitter_for` finds the emitter of a function a layer holds: one of
nabla's named activations (``Dense(4, activation="elu")``), one of nabla's
operations (``activation=nb.gelu``), or a ``functools.partial`` of one
(``partial(nb.gelu, approximate="tanh")``).
"""

from __future__ import annotations

import functools
import math
from collections.abc import Callable

import nabla as nb
from nabla import activations as named

from .graph import Graph, Value

# Keras's (and PyTorch's) SELU constants, to float64 precision.
_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def linear(g: Graph, x: Value, hint: str) -> Value:
    return x


def relu(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Relu", x, hint)


def sigmoid(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Sigmoid", x, hint)


def tanh(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Tanh", x, hint)


def softmax(g: Graph, x: Value, hint: str, axis: int = -1) -> Value:
    return g.unary("Softmax", x, hint, axis=x.physical_axis(axis))


def log_softmax(g: Graph, x: Value, hint: str, axis: int = -1) -> Value:
    return g.unary("LogSoftmax", x, hint, axis=x.physical_axis(axis))


def silu(g: Graph, x: Value, hint: str) -> Value:
    return g.binary("Mul", x, g.op("Sigmoid", [x.name], f"{hint}/sigmoid"), hint)


def gelu(g: Graph, x: Value, hint: str, approximate: str = "none") -> Value:
    if approximate == "tanh":
        cube = g.binary("Mul", g.binary("Mul", x, x.name, f"{hint}/square"), x.name, f"{hint}/cube")
        inner = g.binary("Add", g.binary("Mul", cube, g.scalar(0.044715, x, f"{hint}/c"), f"{hint}/cx3"), x.name, hint)
        scaled = g.binary("Mul", inner, g.scalar(math.sqrt(2 / math.pi), x, f"{hint}/sqrt_2_over_pi"), hint)
        squashed = g.unary("Tanh", scaled, f"{hint}/tanh")
    else:
        scaled = g.binary("Mul", x, g.scalar(1 / math.sqrt(2), x, f"{hint}/inv_sqrt_2"), hint)
        squashed = g.unary("Erf", scaled, f"{hint}/erf")
    one_plus = g.binary("Add", squashed, g.scalar(1.0, x, f"{hint}/one"), hint)
    half_x = g.binary("Mul", x, g.scalar(0.5, x, f"{hint}/half"), hint)
    return g.binary("Mul", half_x, one_plus.name, hint)


def elu(g: Graph, x: Value, hint: str, alpha: float = 1.0) -> Value:
    return g.unary("Elu", x, hint, alpha=float(alpha))


def selu(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Selu", x, hint, alpha=_SELU_ALPHA, gamma=_SELU_SCALE)


def leaky_relu(g: Graph, x: Value, hint: str, negative_slope: float = 0.01) -> Value:
    return g.unary("LeakyRelu", x, hint, alpha=float(negative_slope))


def softplus(g: Graph, x: Value, hint: str, beta: float = 1.0, threshold: float = 20.0) -> Value:
    z = x if beta == 1 else g.binary("Mul", x, g.scalar(beta, x, f"{hint}/beta"), hint)
    soft = g.unary("Softplus", z, hint)
    if beta != 1:
        soft = g.binary("Div", soft, g.scalar(beta, x, f"{hint}/beta"), hint)
    above = g.op("Greater", [z.name, g.scalar(threshold, x, f"{hint}/threshold")], f"{hint}/above")
    return x.renamed(g.op("Where", [above, x.name, soft.name], hint))


def softsign(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Softsign", x, hint)


def hard_sigmoid(g: Graph, x: Value, hint: str) -> Value:
    """Keras 3's ``relu6(x + 3) / 6`` (Keras 2's slope was 0.2)."""
    return g.unary("HardSigmoid", x, hint, alpha=1 / 6, beta=0.5)


def hard_silu(g: Graph, x: Value, hint: str) -> Value:
    """``x * relu6(x + 3) / 6``: ONNX's HardSwish."""
    return g.unary("HardSwish", x, hint)


def relu6(g: Graph, x: Value, hint: str) -> Value:
    low, high = g.scalar(0.0, x, f"{hint}/min"), g.scalar(6.0, x, f"{hint}/max")
    return x.renamed(g.op("Clip", [x.name, low, high], hint))


def mish(g: Graph, x: Value, hint: str) -> Value:
    return g.binary("Mul", x, g.op("Tanh", [g.op("Softplus", [x.name], f"{hint}/softplus")], f"{hint}/tanh"), hint)


def celu(g: Graph, x: Value, hint: str, alpha: float = 1.0) -> Value:
    return g.unary("Celu", x, hint, alpha=float(alpha))


def hard_tanh(g: Graph, x: Value, hint: str) -> Value:
    low, high = g.scalar(-1.0, x, f"{hint}/min"), g.scalar(1.0, x, f"{hint}/max")
    return x.renamed(g.op("Clip", [x.name, low, high], hint))


def log_sigmoid(g: Graph, x: Value, hint: str) -> Value:
    """``-softplus(-x)``, stable as nabla's."""
    return g.unary("Neg", g.unary("Softplus", g.unary("Neg", x, f"{hint}/neg"), f"{hint}/softplus"), hint)


def soft_shrink(g: Graph, x: Value, hint: str, threshold: float = 0.5) -> Value:
    return g.unary("Shrink", x, hint, lambd=float(threshold), bias=float(threshold))


def hard_shrink(g: Graph, x: Value, hint: str, threshold: float = 0.5) -> Value:
    return g.unary("Shrink", x, hint, lambd=float(threshold), bias=0.0)


def tanh_shrink(g: Graph, x: Value, hint: str) -> Value:
    return g.binary("Sub", x, g.op("Tanh", [x.name], f"{hint}/tanh"), hint)


def sparse_sigmoid(g: Graph, x: Value, hint: str) -> Value:
    """``(clip(x, -1, 1) + 1) / 2``."""
    clipped = x.renamed(g.op("Clip", [x.name, g.scalar(-1.0, x, f"{hint}/min"), g.scalar(1.0, x, f"{hint}/max")], hint))
    shifted = g.binary("Add", clipped, g.scalar(1.0, x, f"{hint}/one"), hint)
    return g.binary("Mul", shifted, g.scalar(0.5, x, f"{hint}/half"), hint)


def exponential(g: Graph, x: Value, hint: str) -> Value:
    return g.unary("Exp", x, hint)


def step(g: Graph, x: Value, hint: str) -> Value:
    at_least_zero = g.op("GreaterOrEqual", [x.name, g.scalar(0.0, x, f"{hint}/zero")], f"{hint}/ge")
    return x.renamed(g.op("Cast", [at_least_zero], hint, to=g.onnx.helper.np_dtype_to_tensor_dtype(x.dtype)))


#: nabla's activation names (``Dense(units, activation=NAME)``) and Keras 3's that nabla may hold,
#: with the parameters each name stands for in nabla.activations. Not exported (refused, named):
#: glu (halves the features), sparsemax, squareplus, sparse_plus, and threshold (which needs arguments).
BY_NAME: dict[str, Callable] = {
    "linear": linear,
    "relu": relu,
    "sigmoid": sigmoid,
    "tanh": tanh,
    "softmax": softmax,
    "log_softmax": log_softmax,
    "swish": silu,
    "silu": silu,
    "gelu": gelu,
    "elu": elu,
    "selu": selu,
    "leaky_relu": functools.partial(leaky_relu, negative_slope=0.2),  # Keras's default slope
    "softplus": softplus,
    "softsign": softsign,
    "hard_sigmoid": hard_sigmoid,
    "hard_silu": hard_silu,
    "hard_swish": hard_silu,
    "relu6": relu6,
    "mish": mish,
    "exponential": exponential,
    "celu": celu,
    "hard_tanh": hard_tanh,
    "log_sigmoid": log_sigmoid,
    "soft_shrink": soft_shrink,
    "hard_shrink": hard_shrink,
    "tanh_shrink": tanh_shrink,
    "sparse_sigmoid": sparse_sigmoid,
    "step": step,
}

#: nabla's operations used directly as activations, with their own defaults (``activation=nb.leaky_relu``).
_BY_OPERATION = {
    nb.relu: relu,
    nb.sigmoid: sigmoid,
    nb.tanh: tanh,
    nb.softmax: softmax,
    nb.log_softmax: log_softmax,
    nb.silu: silu,
    nb.gelu: gelu,
    nb.elu: elu,
    nb.leaky_relu: leaky_relu,
    nb.softplus: softplus,
    nb.step: step,
}


def emitter_for(fn: Callable) -> Callable | None:
    """The emitter ``(graph, value, hint) -> value`` of activation ``fn``, or None if it has no ONNX form."""
    name = named.name_of(fn)
    if name is not None:
        return BY_NAME.get(name)
    if isinstance(fn, functools.partial) and not fn.args and fn.func in _BY_OPERATION:
        return functools.partial(_BY_OPERATION[fn.func], **fn.keywords)
    return _BY_OPERATION.get(fn)
