"""Keras's SGD: ``keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

from __future__ import annotations

import numpy as np

from ... import optim
from ...optim.optimizer import state_zeros
from .base_optimizer import Optimizer


class SGD(Optimizer, optim.SGD):
    """``SGD(learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, clipnorm=None, clipvalue=None,
    global_clipnorm=None)``: Keras's SGD.

    Keras's form, with the learning rate inside the velocity (PyTorch's keeps it outside: the same steps
    for a constant rate, different ones under a schedule)::

        v <- momentum v - lr g
        w <- w + v                       (nesterov: w <- w + momentum v - lr g)

    and ``w <- w - lr g`` without momentum. State per variable: ``momentum_buffer`` (v).
    """

    def __init__(self, learning_rate=0.01, momentum=0.0, nesterov=False, weight_decay=None, name=None, **kwargs):
        if not 0.0 <= momentum <= 1.0:
            raise ValueError(f"SGD: momentum must be in [0, 1], got {momentum!r}")
        rate = self._initial_rate(learning_rate)
        optim.SGD.__init__(self, None, lr=rate, momentum=momentum, nesterov=bool(nesterov and momentum))
        self._keras_setup(name, weight_decay, kwargs)

    def _update(self, param: np.ndarray, grad: np.ndarray, state: dict, group: dict) -> None:
        lr, momentum = float(group["lr"]), float(group["momentum"])
        if not momentum:
            param -= lr * grad
            return
        velocity = state_zeros(state, "momentum_buffer", param)
        velocity *= momentum
        velocity -= lr * grad
        if group["nesterov"]:
            param -= lr * grad
            param += momentum * velocity
        else:
            param += velocity

    def _own_config(self) -> dict:
        return {"momentum": self.defaults["momentum"], "nesterov": self.defaults["nesterov"]}
