"""nb.capture, the step compiler: record one call of a training step, replay it as straight-line array code.

In eager mode every operation of a step pays Python bookkeeping: a Tensor and
a graph node, version counters, the walk back through the graph, the
optimizer's loop over parameters. On a 2-4-1 network that bookkeeping costs
several times the arithmetic. ``nb.capture`` removes it. The first call runs
the step for real and records what it computed, as calls on arrays: each
primitive's forward, each node's gradient rule, the sums of gradients, the
writes into ``.grad``, the optimizer's update. Later calls whose arguments
have the same shapes run that record as generated Python code (``step.code``
shows it): no tensors, no nodes, no walk, the same numbers bit for bit::

    @nb.capture
    def train_step(x, y):
        opt.zero_grad()
        loss = nb.cross_entropy(model(x), y)
        loss.backward()
        opt.step()
        return loss

    for x, y in batches:
        loss = train_step(x, y)  # x, y: Tensors or NumPy arrays

What a replay repeats, reads, and freezes (the contract of ``jax.jit``):

- repeated: nabla's operations, ``backward``, the optimizers' ``step`` and
  ``zero_grad``, ``Module.zero_grad``, schedulers' ``step``, gradient
  clipping, random draws (dropout's mask, ``nb.randn``: fresh values from
  nabla's generator at every call), BatchNorm's updates of its running
  statistics (the program's last lines: see
  :func:`nabla.engine.tracing.update_in_place`);
- read at every call: the arguments, and the current values of tensors
  that existed before the call (parameters, buffers, constants);
- frozen at capture: whatever else the function's Python does (prints,
  counters, Python numbers it computes). Pass what changes as an argument.

A call with another signature (shapes, dtypes, Python values of the
arguments, grad mode), or after a module switched between train and eval or
a parameter changed shape, captures again. What nabla can see would go
wrong in a replay is refused at capture with a :class:`CaptureError`:
reading a tensor's value into Python (``.item()``, ``if t``), changing a
tensor in place, drawing random numbers outside an operation, making a
tensor inside the step from an array that is not an argument, hooks,
``create_graph``, ``nb.grad``, reading running statistics after updating them.

The engine does not know this package: it tells whoever listens on its
tracer hook (:mod:`nabla.engine.tracing`) what it computes. Here, by concept:

- ``tape.py``: the recorder, a :class:`~nabla.engine.tracing.Tracer` that
  writes the step down as lines of Python over arrays, and refuses what a
  replay would get wrong;
- ``program.py``: those lines written out as one function (``step.code``);
- ``cache.py``: one program per signature of the arguments, and when to stop
  capturing again;
- ``step.py``: :func:`capture` and :class:`CapturedStep`, which tie them together;
- ``fuse.py``, ``kernels.py``, ``loops.py``, ``updates.py``: ``nb.capture(fn,
  fuse=True)``, opt-in, which compiles the program with Numba into one kernel
  of loops over buffers the step owns (numbers within 1e-6 of the plain
  replay, not bit for bit; see :func:`capture`).
"""

from ..engine.tracing import CaptureError
from .step import CapturedStep, capture

__all__ = ["CaptureError", "CapturedStep", "capture"]
