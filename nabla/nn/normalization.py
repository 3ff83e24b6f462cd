"""Normalisation layers: BatchNorm1d/2d and LayerNorm."""

from __future__ import annotations

from ..engine import creation, dtypes
from ..engine.tensor import Tensor
from ..engine.tracing import refuse_in_capture, update_in_place
from . import functional as F
from .module import Module
from .parameter import Parameter


class _BatchNorm(Module):
    """Batch normalisation over axis 1 (channels); see :func:`nabla.nn.functional.batch_norm`.

    Buffers ``running_mean`` (zeros), ``running_var`` (ones) and
    ``num_batches_tracked``; parameters ``weight`` (ones) and ``bias`` (zeros).
    Training mode normalises with the batch statistics and updates the
    running ones (``momentum=None``: a cumulative average, momentum
    ``1 / num_batches_tracked``, as in PyTorch); eval mode uses the running statistics.
    """

    _ndims: tuple = ()

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype=None,
    ):
        super().__init__()
        if not isinstance(num_features, int) or num_features <= 0:
            raise ValueError(f"{type(self).__name__}: num_features must be a positive integer, got {num_features!r}")
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        self.weight = Parameter(creation.ones(num_features, dtype=dtype)) if affine else None
        self.bias = Parameter(creation.zeros(num_features, dtype=dtype)) if affine else None
        if track_running_stats:
            self.register_buffer("running_mean", creation.zeros(num_features, dtype=dtype))
            self.register_buffer("running_var", creation.ones(num_features, dtype=dtype))
            self.register_buffer("num_batches_tracked", creation.tensor(0))
        else:
            self.running_mean = self.running_var = None

    def forward(self, x):
        if x.ndim not in self._ndims or x.shape[1] != self.num_features:
            raise ValueError(
                f"{type(self).__name__}({self.num_features}) expected input of {' or '.join(map(str, self._ndims))} "
                f"dimensions with {self.num_features} channels on axis 1, got shape {x.shape}"
            )
        use_batch = self.training or not self.track_running_stats
        momentum = self.momentum
        if self.training and self.track_running_stats:
            if momentum is None:  # cumulative moving average: the mean of all batches so far
                refuse_in_capture("reads BatchNorm's batch count into Python (momentum=None)")  # before any change
                momentum = 1.0 / (int(self.num_batches_tracked._data) + 1)
            update_in_place(self.num_batches_tracked, _count_batch)
        # Without tracked statistics (both None) the batch's own are used in eval mode too.
        return F.batch_norm(
            x, self.running_mean, self.running_var, self.weight, self.bias, use_batch, momentum, self.eps
        )

    def extra_repr(self) -> str:
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, affine={self.affine}, "
            f"track_running_stats={self.track_running_stats}"
        )


def _count_batch(count: Tensor) -> None:
    count._data += 1


class BatchNorm1d(_BatchNorm):
    """Batch normalisation of (N, C) or (N, C, L) inputs."""

    _ndims = (2, 3)


class BatchNorm2d(_BatchNorm):
    """Batch normalisation of (N, C, H, W) images, per channel."""

    _ndims = (4,)


class LayerNorm(Module):
    """Normalise each sample over its last axes ``normalized_shape``; learnable ``weight``/``bias`` per element."""

    def __init__(
        self, normalized_shape, eps: float = 1e-5, elementwise_affine: bool = True, bias: bool = True, dtype=None
    ):
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else tuple(normalized_shape)
        self.normalized_shape, self.eps = shape, eps
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        self.weight = Parameter(creation.ones(shape, dtype=dtype)) if elementwise_affine else None
        self.bias = Parameter(creation.zeros(shape, dtype=dtype)) if elementwise_affine and bias else None

    def forward(self, x):
        if x.shape[len(x.shape) - len(self.normalized_shape) :] != self.normalized_shape:
            raise ValueError(f"{self!r} expected input ending in shape {self.normalized_shape}, got shape {x.shape}")
        return F.layer_norm(x, self.normalized_shape, self.weight, self.bias, self.eps)

    def extra_repr(self) -> str:
        return (
            f"{self.normalized_shape}, eps={self.eps}, elementwise_affine={self.weight is not None}, "
            f"bias={self.bias is not None}"
        )
