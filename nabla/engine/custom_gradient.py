"""A gradient rule given at run time: the engine side of ``keras.ops.custom_gradient`` and ``tf.custom_gradient``.

Both decorators compute a function's outputs without recording a graph, then hand the engine the output
values, the tensors the outputs depend on, and a Python function from the outputs' gradients to the inputs'
gradients. :func:`custom_vjp` makes that one node of the graph: a primitive made for this call, whose
forward returns the values already computed and whose VJP calls the given rule. Several outputs share one
node: their values are packed into one flat array and each output is a slice of it, so the rule sees all
the outputs' gradients at once (zeros for an output the loss does not use), as TensorFlow passes them.

The rule receives and returns Tensors. In a first-order backward pass it runs with recording off and its
results' arrays are taken; with ``create_graph=True`` it runs recorded, so what it computes from tensors
that require grad is differentiated again (second derivatives through the rule, as in TensorFlow).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from .graph import Version
from .ops.primitive import Primitive
from .tensor import Tensor
from .tracing import refuse_in_capture


def custom_vjp(name: str, values: Sequence, inputs: Sequence[Tensor], rule: Callable) -> list[Tensor]:
    """Tensors with the arrays ``values`` whose gradients with respect to ``inputs`` are given by ``rule``.

    ``rule(upstreams)`` takes one Tensor per value (the gradient of the loss with respect to that output)
    and returns one Tensor, array or None per input (None: no gradient). The values must share one dtype.
    """
    refuse_in_capture(f"calls a function with a custom gradient ({name})", "fit with jit_compile=False")
    values = [np.asarray(v) for v in values]
    if len({v.dtype for v in values}) > 1:
        kinds = [str(v.dtype) for v in values]
        raise TypeError(f"{name}: the outputs of a custom gradient need one dtype, got {kinds}")
    shapes = [v.shape for v in values]
    bounds = np.cumsum([0] + [v.size for v in values])
    packed = values[0] if len(values) == 1 else np.concatenate([v.reshape(-1) for v in values])

    def forward(xp, *arrays):
        return packed

    def vjp(xp, need, g, out, *arrays):
        recorded = isinstance(g, Tensor)
        g = g if recorded else Tensor._make(g, None, Version())
        upstreams = [g] if len(values) == 1 else [g[a:b].reshape(s) for a, b, s in zip(bounds, bounds[1:], shapes)]
        grads = list(rule(upstreams))
        if len(grads) != len(inputs):
            raise ValueError(f"{name}: the gradient function returned {len(grads)} gradients for {len(inputs)} inputs")
        return tuple(_gradient(gi, n, recorded) for gi, n in zip(grads, need))

    prim = Primitive(name, forward, vjp, reads=())
    prim.fresh_grads = False  # the rule may hand back an array it keeps (the upstream gradient itself)
    out = prim(*inputs)
    if len(values) == 1:
        return [out]
    return [out[a:b].reshape(s) for a, b, s in zip(bounds, bounds[1:], shapes)]


def _gradient(g, needed: bool, recorded: bool):
    """One input's gradient as the backward walk takes it: a Tensor when recorded, else an array."""
    if g is None or not needed:
        return None
    if recorded:
        return g if isinstance(g, Tensor) else Tensor(g)
    return g._data if isinstance(g, Tensor) else np.asarray(g)
