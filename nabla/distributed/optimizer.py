"""``DistributedOptimizer``: average the gradients of every rank, then take the usual step.

Data parallelism in one line of math. A batch of B samples is split among N ranks, rank r holding
``b_r`` of them and computing the gradient of its mean loss, ``g_r = (1/b_r) sum_{i in r} grad l_i``.
The gradient of the whole batch's mean loss is

    g = (1/B) sum_i grad l_i = sum_r b_r g_r / sum_r b_r

a mean of the ranks' gradients weighted by their batch sizes. With equal shards (what
:class:`~nabla.distributed.DistributedSampler` gives) the weights are equal and ``g`` is the plain
mean, Horovod's ``op=Average``; with unequal ones (a batch of 32 split 11/11/10 on 3 ranks) pass
``weight=b_r`` to :meth:`step`, and N ranks then take exactly the step one process would take on
the whole batch. Every rank gets the same bits (see :mod:`nabla.distributed.mpi`), so the replicas
stay identical.

The gradients travel in one flat buffer per dtype per step, with the weight and a has-gradient
flag per parameter riding along at its end: a parameter that got no gradient on any rank keeps
``grad = None`` (so the optimizer skips it, as it would alone), one that got a gradient on some
ranks only is averaged with zeros from the others.
"""

from __future__ import annotations

import contextlib
import math

import numpy as np

from ..engine.grad_mode import enable_grad
from ..optim import Optimizer
from ._engine import grad_array, replayed, set_grad
from .collectives import ReduceOp, _op
from .flat import FlatLayout
from .world import group

__all__ = ["DistributedOptimizer"]


class _Distributed(Optimizer):
    """The methods a DistributedOptimizer adds to the optimizer it wraps (see :func:`DistributedOptimizer`)."""

    def set_weight(self, weight: float | None) -> None:
        """This rank's weight in the averages of the following steps (its batch size), until set again.

        For loops that cannot pass ``weight=`` to :meth:`step` (``fit`` calls ``step()`` inside a
        captured step); None returns to equal weights.
        """
        self._dist["weight"] = weight

    @replayed
    def synchronize(self, weight: float | None = None) -> None:
        """Replace every gradient by the (weighted) average over the ranks, now.

        Called by :meth:`step`; call it yourself to see the averaged gradients before stepping
        (to clip them, or log their norm), and :meth:`step` will not average them twice.

        Args:
            weight: this rank's weight (its number of samples in the batch); default the one given
                to :meth:`set_weight`, else equal weights.
        """
        state = self._dist
        weight = state["weight"] if weight is None else weight
        w = 1.0 if weight is None else float(weight)
        if not (math.isfinite(w) and w >= 0):
            raise ValueError(f"{type(self).__name__}.synchronize: weight must be a finite number >= 0, got {weight!r}")
        if state["op"] is not ReduceOp.AVERAGE and weight is not None:
            raise ValueError(f"{type(self).__name__}: weight= applies to op=Average only")
        params = [p for g in self.param_groups for p in g["params"]]
        if group().size > 1:
            _average(params, w, state["op"], state)
        state["synchronized"] = True

    @contextlib.contextmanager
    def skip_synchronize(self):
        """Within it, :meth:`step` does not average (Horovod's idiom after an explicit :meth:`synchronize`)."""
        self._dist["synchronized"] = True
        try:
            yield
        finally:
            self._dist["synchronized"] = False

    def step(self, closure=None, weight: float | None = None):
        """Average the gradients over the ranks (unless :meth:`synchronize` already did), then step.

        Args:
            closure: re-evaluates the loss and its gradients, before the averaging (as in PyTorch).
            weight: this rank's weight in the average, e.g. its batch size when the ranks' batches differ.
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        if not self._dist["synchronized"]:
            self.synchronize(weight)
        try:
            super().step()
        finally:
            self._dist["synchronized"] = False
        return loss


def _average(params: list, weight: float, op: ReduceOp, state: dict) -> None:
    """Reduce every parameter's gradient over the ranks in one call per dtype (with the flags and weight)."""
    key = tuple((id(p), p.shape, p.dtype) for p in params)
    if state.get("key") != key:  # the parameter list changed (bind, add_param_group): lay the buffer out again
        state["key"], state["layout"] = key, FlatLayout([p.shape for p in params], [p.dtype for p in params])
    layout: FlatLayout = state["layout"]
    n = len(params)
    grads = [grad_array(p) for p in params]
    # NOTE: after the gradients, each buffer holds one has-gradient flag per parameter and the weight, so
    # one collective carries all: flags and weights are small integers, exact in float32.
    buffers = layout.empty(extra=n + 1)
    for dtype, entries in layout.groups.items():
        buf = buffers[dtype]
        for i, start, stop in entries:
            if grads[i] is None:
                buf[start:stop] = 0
            else:
                np.multiply(grads[i].reshape(-1), weight, out=buf[start:stop])
        buf[-n - 1 : -1] = [g is not None for g in grads]
        buf[-1] = weight
        buffers[dtype] = group().allreduce(buf, "sum", "gradients")
    any_buf = next(iter(buffers.values()))
    has_grad = any_buf[-n - 1 : -1] > 0
    total = float(any_buf[-1])

    def put(i: int, summed: np.ndarray) -> None:
        if not has_grad[i]:
            return
        p = params[i]
        if op is ReduceOp.AVERAGE:
            summed = summed / summed.dtype.type(total) if total > 0 else np.zeros_like(summed)
        set_grad(p, summed.astype(p.dtype, copy=False))

    layout.unpack(buffers, put)


def DistributedOptimizer(optimizer: Optimizer, op=ReduceOp.AVERAGE) -> Optimizer:  # noqa: N802 - Horovod's name
    """Wrap ``optimizer`` so that :meth:`step` first averages the gradients over the ranks.

    Args:
        optimizer: any :class:`nabla.optim.Optimizer`, bound to its parameters or not yet (the
            Keras-style ``compile`` binds it later).
        op: ``Average`` (default: the mean gradient, what one process on the whole batch computes)
            or ``Sum``.

    Returns:
        An optimizer of a subclass of ``optimizer``'s class (``DistributedAdam`` for an
        ``Adam``: ``isinstance(opt, nb.optim.Adam)`` still holds) sharing its parameter groups and
        state, with :meth:`~_Distributed.step` (``weight=`` for unequal batches, or
        :meth:`~_Distributed.set_weight`), :meth:`~_Distributed.synchronize` and
        :meth:`~_Distributed.skip_synchronize`. Schedulers,
        ``state_dict`` and checkpoints work on it as on the original. With one process it steps as
        the original does.

    Gradient accumulation needs no option (Horovod's ``backward_passes_per_step``): the gradients
    of several ``backward`` calls add up locally, and one ``step`` averages their sum, once.

    Example::

        opt = dist.DistributedOptimizer(nb.optim.SGD(model.parameters(), lr=0.1 * dist.size()))
        dist.broadcast_parameters(model.state_dict(), root=0)
        for xb, yb in loader:                 # each rank its own shard (DistributedSampler)
            opt.zero_grad()
            nb.cross_entropy(model(xb), yb).backward()
            opt.step()                        # averages the gradients, then updates
    """
    if isinstance(optimizer, _Distributed):
        raise ValueError("DistributedOptimizer: this optimizer is already distributed; wrap the original once")
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"DistributedOptimizer wraps a nabla.optim optimizer, got {type(optimizer).__name__}")
    op = _op(op)
    if op not in (ReduceOp.AVERAGE, ReduceOp.SUM):
        raise ValueError(f"DistributedOptimizer: op must be Average or Sum, got {op.name.title()}")
    base = type(optimizer)
    cls = _classes.get(base)
    if cls is None:
        cls = _classes[base] = type(f"Distributed{base.__name__}", (_Distributed, base), {"__module__": __name__})
    wrapped = object.__new__(cls)
    # NOTE: the wrapper shares the original's attributes (param_groups, state, defaults), as Horovod's does:
    # a scheduler or a checkpoint made from either sees the same optimizer.
    wrapped.__dict__ = optimizer.__dict__
    wrapped._dist = {"op": op, "synchronized": False, "weight": None}
    return wrapped


_classes: dict[type, type] = {}
