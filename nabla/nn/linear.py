"""Dense layers and shape helpers: Linear, Identity, Flatten."""

from __future__ import annotations

import math

from ..engine import creation, dtypes
from ..engine.ops import flatten, linear
from ..engine.tensor import Tensor
from . import init
from .module import Module
from .parameter import Parameter


class Linear(Module):
    """Fully connected layer ``y = x W^T + b``.

    Weights and bias start from U(-1/sqrt(in_features), 1/sqrt(in_features)),
    PyTorch's default (``kaiming_uniform_`` with ``a = sqrt(5)``).

    Shape: (..., in_features) -> (..., out_features); weight (out_features, in_features).

    Example::

        >>> layer = nn.Linear(3, 4)
        >>> layer(nb.randn(10, 3)).shape
        (10, 4)
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True, dtype=None):
        super().__init__()
        for name, value in (("in_features", in_features), ("out_features", out_features)):
            if not isinstance(value, int) or value <= 0:
                raise ValueError(f"Linear: {name} must be a positive integer, got {value!r}")
        self.in_features, self.out_features = in_features, out_features
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        self.weight = Parameter(creation.empty(out_features, in_features, dtype=dtype))
        self.bias = Parameter(creation.empty(out_features, dtype=dtype)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features)
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x) -> Tensor:
        if x.shape[-1:] != (self.in_features,):
            raise ValueError(
                f"{self!r} expected input with {self.in_features} features in its last axis, got shape {x.shape}"
            )
        return linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        return f"in_features={self.in_features}, out_features={self.out_features}, bias={self.bias is not None}"


class Identity(Module):
    """Returns its input unchanged (a placeholder, e.g. to switch a layer off)."""

    def __init__(self, *args, **kwargs):
        super().__init__()

    def forward(self, x):
        return x


class Flatten(Module):
    """Flatten axes ``start_dim..end_dim`` into one: (N, C, H, W) -> (N, C*H*W) by default."""

    def __init__(self, start_dim: int = 1, end_dim: int = -1):
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x) -> Tensor:
        return flatten(x, self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"
