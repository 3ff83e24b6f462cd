"""Run a Keras-style layer and a PyTorch reference on the same data; compare values and gradients."""

from __future__ import annotations

import math

import numpy as np
from reference import torch

import nabla as nb

TOL = dict(rtol=1e-9, atol=1e-10)


def check_layer(layer, x: np.ndarray, torch_fn, training=None, seed: int = 1):
    """Run ``layer`` on ``x`` and ``torch_fn(x, params)`` in torch; compare outputs and gradients.

    ``params`` maps the layer's trainable parameter names (``"kernel"``, ``"bias"``...)
    to torch copies of their current values. Returns the nabla output.
    """
    th = torch()
    nb_x = nb.tensor(x, requires_grad=True)
    out = layer(nb_x) if training is None else layer(nb_x, training=training)
    params = {k: p for k, p in layer.named_parameters() if p.requires_grad}
    th_x = th.tensor(x, requires_grad=True)
    th_params = {k: th.tensor(p.detach().numpy(), requires_grad=True) for k, p in params.items()}
    ref = torch_fn(th_x, th_params)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), **TOL, err_msg="forward values differ")
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    (out * nb.tensor(w)).sum().backward()
    (ref * th.tensor(w)).sum().backward()
    np.testing.assert_allclose(nb_x.grad.numpy(), th_x.grad.numpy(), **TOL, err_msg="input gradient differs")
    for name, p in params.items():
        np.testing.assert_allclose(p.grad.numpy(), th_params[name].grad.numpy(), **TOL, err_msg=f"{name} grad")
    return out


def inputs(*shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def nchw(t):
    return t.permute(0, 3, 1, 2)


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def tf_same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's "same": ceil(size / s) outputs, the odd pixel of padding after (bottom / right)."""
    total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


def images(*shape, seed: int = 0) -> np.ndarray:
    """Float32 samples of a unit normal (images when the shape is (N, H, W, C))."""
    return np.random.default_rng(seed).normal(size=shape).astype(np.float32)
