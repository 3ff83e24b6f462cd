"""``tf.distribute``, for one device: the strategies course material opens its training in.

"Dive into Deep Learning" trains inside ``with tf.distribute.OneDeviceStrategy(name).scope():`` and Keras
guides inside ``MirroredStrategy().scope()``. TensorFlow on a machine with one device runs both with one
replica: the scope changes nothing, ``run(fn)`` calls ``fn`` once and ``reduce`` has one value to combine.
That is what nabla offers (nabla computes on one device; several processes: ``nabla.distributed``). Other
strategies (multi-worker, TPU, parameter servers) raise, saying so.
"""

from __future__ import annotations

import contextlib
import enum

from ._missing import missing
from .reduce_ops import reduce_mean, reduce_sum

_current: list = []  # the strategies whose scope is open, innermost last


class ReduceOp(enum.Enum):
    """How ``Strategy.reduce`` combines the replicas' values: ``SUM`` or ``MEAN``."""

    SUM = "SUM"
    MEAN = "MEAN"


class Strategy:
    """A strategy with one replica: ``scope()`` makes it the current one, ``run`` calls the function."""

    num_replicas_in_sync = 1

    @contextlib.contextmanager
    def scope(self):
        """``with strategy.scope():`` (yields the strategy); models and variables built inside are as outside."""
        _current.append(self)
        try:
            yield self
        finally:
            _current.pop()

    def run(self, fn, args=(), kwargs=None):
        """``fn(*args, **kwargs)`` on the one replica."""
        return fn(*args, **(kwargs or {}))

    def reduce(self, reduce_op, value, axis=None):
        """The one replica's ``value``; with ``axis``, also summed (``SUM``) or averaged (``MEAN``) over it, as
        TensorFlow does across a batch split between replicas."""
        op = ReduceOp(getattr(reduce_op, "value", reduce_op))
        if axis is None:
            return value
        return (reduce_sum if op is ReduceOp.SUM else reduce_mean)(value, axis=axis)

    def experimental_distribute_dataset(self, dataset, options=None):
        """The dataset itself: one replica reads every batch."""
        return dataset


class OneDeviceStrategy(Strategy):
    """``tf.distribute.OneDeviceStrategy(device)``: everything on ``device`` (nabla: its one device)."""

    def __init__(self, device: str):
        self.device = device


class MirroredStrategy(Strategy):
    """``tf.distribute.MirroredStrategy()``: one replica per visible GPU; nabla has one device, so one."""

    def __init__(self, devices=None, cross_device_ops=None):
        self.devices = tuple(devices or ("/CPU:0",))


_DEFAULT = Strategy()


def get_strategy() -> Strategy:
    """The strategy whose scope is open, else the default one (one replica, as TensorFlow's)."""
    return _current[-1] if _current else _DEFAULT


def has_strategy() -> bool:
    """Whether a strategy's scope is open."""
    return bool(_current)


def __getattr__(name: str):
    raise missing("tf.distribute", name)
