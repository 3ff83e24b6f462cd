"""Activation functions as modules, for use inside Sequential."""

from __future__ import annotations

from ..engine import ops
from .module import Module


class _Activation(Module):
    """A module that applies a fixed elementwise function."""

    fn = None

    def forward(self, x):
        return type(self).fn(x)


class ReLU(_Activation):
    """``max(x, 0)``."""

    fn = staticmethod(ops.relu)


class Sigmoid(_Activation):
    """``1 / (1 + e^-x)``."""

    fn = staticmethod(ops.sigmoid)


class Tanh(_Activation):
    """Hyperbolic tangent."""

    fn = staticmethod(ops.tanh)


class SiLU(_Activation):
    """``x * sigmoid(x)`` (swish)."""

    fn = staticmethod(ops.silu)


Swish = SiLU


class Step(_Activation):
    """Heaviside step: 1 where x >= 0, else 0 (the perceptron's activation; no gradient)."""

    fn = staticmethod(ops.step)


class LeakyReLU(Module):
    """``x`` for x > 0, ``negative_slope * x`` otherwise."""

    def __init__(self, negative_slope: float = 0.01):
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x):
        return ops.leaky_relu(x, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """``x`` for x > 0, ``alpha (e^x - 1)`` otherwise."""

    def __init__(self, alpha: float = 1.0):
        super().__init__()
        self.alpha = alpha

    def forward(self, x):
        return ops.elu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """``x * Phi(x)``; ``approximate="tanh"`` for the tanh approximation."""

    def __init__(self, approximate: str = "none"):
        super().__init__()
        self.approximate = approximate

    def forward(self, x):
        return ops.gelu(x, self.approximate)

    def extra_repr(self) -> str:
        return f"approximate={self.approximate!r}"


class Softplus(Module):
    """``log(1 + e^(beta x)) / beta``, linear above ``threshold``."""

    def __init__(self, beta: float = 1.0, threshold: float = 20.0):
        super().__init__()
        self.beta, self.threshold = beta, threshold

    def forward(self, x):
        return ops.softplus(x, self.beta, self.threshold)

    def extra_repr(self) -> str:
        return f"beta={self.beta}, threshold={self.threshold}"


class Softmax(Module):
    """Softmax along ``dim`` (default: the last axis)."""

    def __init__(self, dim: int = -1):
        super().__init__()
        self.dim = dim

    def forward(self, x):
        return ops.softmax(x, axis=self.dim)

    def extra_repr(self) -> str:
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """Log-softmax along ``dim`` (pair it with NLLLoss; or use CrossEntropyLoss on raw scores)."""

    def forward(self, x):
        return ops.log_softmax(x, axis=self.dim)
