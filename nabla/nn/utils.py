"""Gradient clipping and flattening parameters into one vector."""

from __future__ import annotations

import math

import numpy as np

from ..engine import creation
from ..engine.tensor import Tensor
from ..engine.tracing import refuse_in_capture, replayed


def _with_grads(parameters) -> list[Tensor]:
    params = [parameters] if isinstance(parameters, Tensor) else list(parameters)
    return [p for p in params if p.grad is not None]


@replayed
def clip_grad_norm_(parameters, max_norm: float, norm_type: float = 2.0, error_if_nonfinite: bool = False) -> Tensor:
    """Scale all gradients together so that their joint norm is at most ``max_norm``; returns the norm before.

    The norm is taken over all gradients as if concatenated into one vector.
    Gradients are multiplied by ``min(1, max_norm / (norm + 1e-6))``, as in PyTorch.
    """
    params = _with_grads(parameters)
    if not params:
        return creation.tensor(0.0)
    grads = [p.grad._data for p in params]
    if norm_type == math.inf:
        total = max(float(np.max(np.abs(g))) if g.size else 0.0 for g in grads)
    else:
        total = sum(float(np.sum(np.abs(g.astype(np.float64)) ** norm_type)) for g in grads) ** (1.0 / norm_type)
    if error_if_nonfinite and not math.isfinite(total):
        raise RuntimeError(f"clip_grad_norm_: the total gradient norm is {total}; the loss or gradients hold NaN/Inf")
    coef = max_norm / (total + 1e-6)
    if coef < 1:
        for p in params:
            p.grad._data *= coef
    return creation.tensor(total, dtype=params[0].dtype)


@replayed
def clip_grad_value_(parameters, clip_value: float) -> None:
    """Clip every gradient element into ``[-clip_value, clip_value]`` in place."""
    for p in _with_grads(parameters):
        np.clip(p.grad._data, -clip_value, clip_value, out=p.grad._data)


def parameters_to_vector(parameters) -> Tensor:
    """All parameters flattened and concatenated into one 1-D tensor (a copy, outside the graph)."""
    params = list(parameters)
    return creation.tensor(np.concatenate([p._data.reshape(-1) for p in params]) if params else np.zeros(0))


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Copy consecutive slices of ``vec`` into the parameters (the inverse of :func:`parameters_to_vector`)."""
    refuse_in_capture("writes parameters in place (vector_to_parameters)")
    data = vec._data if isinstance(vec, Tensor) else np.asarray(vec)
    start = 0
    params = list(parameters)
    needed = sum(p.size for p in params)
    if data.size != needed:
        raise ValueError(f"vector_to_parameters: the vector has {data.size} values, the parameters need {needed}")
    for p in params:
        p._data[...] = data[start : start + p.size].reshape(p.shape)
        p._version.v += 1
        start += p.size
