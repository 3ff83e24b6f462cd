"""Activation functions: the nonlinearities of the course, each with its derivative.

Each reuses its forward output in the gradient where the math allows
(sigmoid' = s(1-s), tanh' = 1-t^2, softmax, log-softmax), and each is
written in a form that never overflows on large inputs.
"""

from __future__ import annotations

import math

from ..tensor import Tensor
from .primitive import as_operand, ieee_results, primitive


@primitive("sigmoid", reads=("out",))
def sigmoid(xp, x):
    """Logistic function ``1 / (1 + e^-x)``, computed without overflow for any x."""
    return xp.sigmoid(x)


@sigmoid.defvjp
def _(xp, need, g, out, x):
    return (g * out * (1 - out),)


@primitive("tanh", reads=("out",))
def tanh(xp, x):
    """Hyperbolic tangent."""
    return xp.tanh(x)


@tanh.defvjp
def _(xp, need, g, out, x):
    return (g * (1 - out * out),)


@primitive("relu", reads=("out",))
def relu(xp, x):
    """``max(x, 0)``; the gradient at 0 is 0, as in PyTorch."""
    return xp.maximum(x, 0)


@relu.defvjp
def _(xp, need, g, out, x):
    return (xp.keep(g, out > 0),)


@primitive("leaky_relu")
def _leaky_relu(xp, x, negative_slope):
    if 0 < negative_slope <= 1:
        # max(x, slope * x) is the same number as the where below for these slopes (at 0, an infinity times the
        # slope would be NaN), without the mask: 0.94 -> 0.06 s on a GAN's 268 MB activation (32x64x64x512).
        return xp.maximum(x, x * negative_slope)
    return xp.where(x > 0, x, x * negative_slope)


@_leaky_relu.defvjp
def _(xp, need, g, out, x, negative_slope):
    return (xp.where(x > 0, g, g * negative_slope),)


def leaky_relu(x, negative_slope: float = 0.01) -> Tensor:
    """``x`` for x > 0, ``negative_slope * x`` otherwise (PyTorch's default slope 0.01)."""
    return _leaky_relu(as_operand(x), negative_slope=float(negative_slope))


@primitive("elu")
def _elu(xp, x, alpha):
    # NOTE: expm1 of min(x, 0) so that large positive x never reach exp().
    return xp.where(x > 0, x, alpha * xp.expm1(xp.minimum(x, 0)))


@_elu.defvjp
def _(xp, need, g, out, x, alpha):
    return (xp.where(x > 0, g, g * (out + alpha)),)


def elu(x, alpha: float = 1.0) -> Tensor:
    """``x`` for x > 0, ``alpha * (e^x - 1)`` otherwise."""
    return _elu(as_operand(x), alpha=float(alpha))


_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2 = 1 / math.sqrt(2)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


def _gelu_capped(xp, x):
    # NOTE: GELU is x or 0 to any float's precision beyond |x| = 40 (tanh saturates, exp(-800) underflows),
    # so the cubes and squares are taken of x capped there: they never overflow on extreme inputs.
    return xp.minimum(xp.maximum(x, -40.0), 40.0)


@primitive("gelu")
def _gelu(xp, x, approximate):
    if approximate == "tanh":
        c = _gelu_capped(xp, x)
        return 0.5 * x * (1 + xp.tanh(_SQRT_2_OVER_PI * (c + 0.044715 * c * c * c)))
    return 0.5 * x * (1 + xp.erf(x * _INV_SQRT_2))


@_gelu.defvjp
def _(xp, need, g, out, x, approximate):
    c = _gelu_capped(xp, x)
    if approximate == "tanh":
        inner = _SQRT_2_OVER_PI * (c + 0.044715 * c * c * c)
        t = xp.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * c * c)
        return (g * (0.5 * (1 + t) + 0.5 * x * (1 - t * t) * d_inner),)
    cdf = 0.5 * (1 + xp.erf(x * _INV_SQRT_2))
    pdf = _INV_SQRT_2PI * xp.exp(-0.5 * c * c)
    return (g * (cdf + x * pdf),)


def gelu(x, approximate: str = "none") -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)`` (Phi: the standard normal CDF).

    ``approximate="tanh"`` uses ``0.5 x (1 + tanh(sqrt(2/pi)(x + 0.044715 x^3)))``,
    as PyTorch does; the default is the exact form with erf.
    """
    if approximate not in ("none", "tanh"):
        raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
    return _gelu(as_operand(x), approximate=approximate)


def silu(x) -> Tensor:
    """Sigmoid-weighted linear unit ``x * sigmoid(x)``, also called swish."""
    x = as_operand(x)
    return x * sigmoid(x)


swish = silu


@primitive("softplus")
def _softplus(xp, x, beta, threshold):
    # NOTE: log(1 + e^z) = max(z, 0) + log1p(e^-|z|) never overflows; above
    # the threshold it is z to float precision, and PyTorch returns z there.
    z = x * beta
    soft = (xp.maximum(z, 0) + xp.log1p(xp.exp(-xp.abs(z)))) / beta
    return xp.where(z > threshold, x, soft)


@_softplus.defvjp
def _(xp, need, g, out, x, beta, threshold):
    z = x * beta
    return (xp.where(z > threshold, g, g * xp.sigmoid(z)),)


def softplus(x, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """``log(1 + e^(beta x)) / beta``, a smooth ReLU; linear where ``beta x > threshold`` (PyTorch's rule)."""
    return _softplus(as_operand(x), beta=float(beta), threshold=float(threshold))


@primitive("step")
def step(xp, x):
    """Heaviside step, the perceptron's activation: 1 where x >= 0, else 0.

    Its derivative is 0 everywhere it exists, so no gradient flows through
    it: a perceptron is trained with the perceptron rule, not backprop.
    """
    return xp.astype(x >= 0, x.dtype)


@step.defvjp
def _(xp, need, g, out, x):
    return (g * 0,)


@primitive("softmax", reads=("out",))
@ieee_results  # (x - max(x) overflows to -inf where x spans more than float32's range: e^-inf = 0 is the answer)
def _softmax(xp, x, axis):
    return xp.softmax(x, axis=axis)


@_softmax.defvjp
def _(xp, need, g, out, x, axis):
    return (out * (g - xp.sum(g * out, axis=axis, keepdims=True)),)


@primitive("log_softmax", reads=("out",))
@ieee_results
def _log_softmax(xp, x, axis):
    return xp.log_softmax(x, axis=axis)


@_log_softmax.defvjp
def _(xp, need, g, out, x, axis):
    return (g - xp.exp(out) * xp.sum(g, axis=axis, keepdims=True),)


def softmax(x, axis: int = -1) -> Tensor:
    """``e^x_i / sum_j e^x_j`` along ``axis`` (the max is subtracted first, so it never overflows)."""
    return _softmax(as_operand(x), axis=axis)


def log_softmax(x, axis: int = -1) -> Tensor:
    """``x_i - logsumexp(x)`` along ``axis``: the stable log of softmax."""
    return _log_softmax(as_operand(x), axis=axis)
