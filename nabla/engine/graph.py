"""The graph: one :class:`Node` per recorded operation, and the version counters that guard it.

Every differentiable operation that sees an input requiring a gradient
records a node (:func:`nabla.engine.ops.primitive.apply`): which primitive
ran, on which inputs, with which parameters, and what its gradient rule will
read. The node is the ``grad_fn`` of the tensor it produced; the backward
walk (:mod:`nabla.engine.backward`) visits the nodes. As PyTorch's
``torch/autograd/graph.py``, this module holds the graph's pieces, not the walk.

A few operations record a *fused* node that takes the gradient past the node of its input, to that node's
own inputs (a max pooling of a ReLU's output: both rules in one pass). The two stay tied: the fused node's
``skips`` is the node it goes past, which a backward pass through it frees as it frees the fused node; the
skipped node's ``fused`` lists the fused nodes that go past it, which :func:`unfuse` rewrites into plain
nodes on its output as soon as that output's own gradient is asked for.
"""

from __future__ import annotations

import itertools
import weakref
from collections.abc import Callable

from .anomaly_mode import AnomalyMode, user_frame


class Version:
    """A counter of in-place modifications, shared by a tensor and its views."""

    __slots__ = ("v",)

    def __init__(self):
        self.v = 0


_sequence = itertools.count()


def sequence_mark() -> int:
    """A number above every node's made so far and below every node's made later (nodes are numbered in
    creation order: see :attr:`Node.seq`)."""
    return next(_sequence)


class Node:
    """One recorded operation: the ``grad_fn`` of the tensor it produced.

    Holds what the VJP needs: the inputs (Tensors, or plain constants), the
    output array, the primitive's parameters, which inputs need a gradient,
    and the version of each input tensor at record time (constants included:
    ``w * c`` needs ``c`` for the gradient of ``w``), so that an in-place
    change before backward is caught instead of giving a wrong gradient.
    """

    __slots__ = (
        "prim",
        "inputs",
        "out",
        "params",
        "need",
        "versions",
        "out_version",
        "hooks",
        "retain",
        "where",
        "seq",
        "origins",
        "fused",
        "skips",
        "__weakref__",
    )

    def __init__(self, prim, inputs, out, params, need, versions, out_version):
        self.seq = next(_sequence)  # creation order: every input's node was created before this one
        self.prim = prim
        self.inputs = inputs
        self.out = out
        self.params = params
        self.need = need
        self.versions = versions
        self.out_version = out_version
        self.hooks = None
        self.retain = None
        self.where = user_frame() if AnomalyMode.enabled else None
        self.origins = None  # weak references to inputs replaced by placeholders (see primitive.apply)
        self.fused = None  # (weak reference, rewrite) of the fused nodes that skip this one (see unfuse)
        self.skips = None  # the node this fused one takes the gradient past (see skipped_by)

    @property
    def name(self) -> str:
        return self.prim.name

    def input_tensors(self) -> tuple:
        """The inputs as the user knows them: where the node holds a placeholder for a large input that
        its rule does not read, the original tensor while it is alive (empty once the graph is freed).

        A fused node turns back into the plain one first (:func:`unfuse`), so that a walk of ``grad_fn``s
        or a picture of the graph shows the operations the user wrote (``max_pool`` on ``relu``, not one
        ``relu_max_pool``): the same numbers; only that backward pass runs the two rules apart."""
        if self.skips is not None:
            unfuse(self.skips)
        if self.inputs is None or self.origins is None:
            return self.inputs or ()
        return tuple(t if ref is None or ref() is None else ref() for t, ref in zip(self.inputs, self.origins))

    @property
    def next_inputs(self) -> tuple:
        """The input tensors that gradients flow to (empty once the graph is freed)."""
        return tuple(t for t, n in zip(self.input_tensors(), self.need) if n)

    def become(self, prim, operand, version, params: dict) -> None:
        """Turn this (fused) node into the plain node ``prim(operand, **params)`` whose one input takes the
        gradient, ``version`` that input's version at record time (see :func:`unfuse`)."""
        self.prim, self.inputs, self.params = prim, (operand,), params
        self.need, self.versions, self.origins = (True,), (version,), None

    def __repr__(self) -> str:
        return f"<{self.name} backward>"


def skipped_by(node: Node, fused: Node, rewrite: Callable[[Node, Node], None]) -> None:
    """Note that ``fused`` takes its gradient past ``node`` (to node's inputs, node's rule folded into its own),
    and that ``rewrite(fused, node)`` turns it back into a plain node on node's output (see :func:`unfuse`)."""
    if node.fused is None:
        node.fused = []
    node.fused.append((weakref.ref(fused), rewrite))  # (a map pooled n times: n appends, not n copies)
    fused.skips = node  # (a backward pass through ``fused`` has used ``node`` too: it frees both)


def unfuse(node: Node | None) -> None:
    """Give ``node`` back the gradients that fused nodes take past it: the backward walk must reach it, because
    its output's gradient is asked for (``retain_grad``, a hook, ``nb.grad``'s inputs, ``tape.gradient`` of
    an intermediate: Grad-CAM's convolution output). Each such fused node is rewritten into the plain node
    on node's output, whose gradient then flows through node's own rule: the same numbers, unfused."""
    if node is None or node.fused is None:
        return
    for ref, rewrite in node.fused:
        fused = ref()
        if fused is not None and fused.inputs is not None:  # (not freed by a backward pass)
            rewrite(fused, node)
            fused.skips = None
    node.fused = None


def check_versions(node: Node) -> None:
    """Raise if a value that ``node``'s gradient rule reads was changed in place after the node was made."""
    out_version = node.out_version  # None when the gradient rule does not read the output
    stale = (out_version is not None and out_version[0].v != out_version[1]) or any(
        v is not None and t._version.v != v for t, v in zip(node.inputs, node.versions)
    )
    if stale:
        raise RuntimeError(
            f"a tensor needed to compute the gradient of '{node.name}' was modified in place "
            "after it was used; compute the gradient before modifying it, or modify a copy (t.clone())"
        )


class RemovableHandle:
    """Returned by ``register_hook``; ``handle.remove()`` takes the hook away."""

    def __init__(self, hooks: list, fn: Callable):
        self._hooks, self._fn = hooks, fn

    def remove(self) -> None:
        if self._fn in self._hooks:
            self._hooks.remove(self._fn)
