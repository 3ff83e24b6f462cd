"""Reverse-mode automatic differentiation: the graph, and the walk back through it.

Every differentiable operation that sees an input requiring a gradient
records a :class:`Node`: which primitive ran, on which inputs, with which
parameters, and the output array. ``backward`` sorts the nodes reachable
from a result (iteratively, so a chain of 100,000 operations is fine), then
visits them from the result back to the leaves, calling each primitive's
vector-Jacobian product (VJP) on the gradient of its output and summing the
gradients of each input (a value used twice gets both contributions).

The VJPs are written once against an array namespace ``xp``. A first-order
backward runs them on raw arrays with NumPy (no Tensor objects are made);
``create_graph=True`` runs the very same rules on Tensors with nabla's own
differentiable functions, so the backward pass is itself a graph and can be
differentiated again (Hessian-vector products, gradient penalties).
"""

from __future__ import annotations

import contextlib
import heapq
import itertools
import os
import traceback
from collections.abc import Callable, Sequence

import numpy as np

from . import backend

# --- gradient mode ----------------------------------------------------------


class _Mode:
    grad_enabled = True
    anomaly = False
    tape = None  # the recorder of nb.capture while it traces a step (see nabla.capturing)


class CaptureError(RuntimeError):
    """Raised by ``nb.capture`` when a step does something a replay could not repeat faithfully."""


def refuse_in_capture(what: str, fix: str = "run this step eagerly") -> None:
    """Raise :class:`CaptureError` if a step is being captured: ``what`` would not be repeated by a replay;
    ``fix`` says what to do instead."""
    tape = _Mode.tape
    if tape is not None and not tape.paused:
        raise CaptureError(f"nb.capture: the step {what}, which a replay would not repeat; {fix}")


def is_grad_enabled() -> bool:
    """Whether operations currently record a graph."""
    return _Mode.grad_enabled


class _Switch(contextlib.ContextDecorator):
    """Set a flag of ``_Mode`` inside a ``with`` block or a decorated function, and restore it after."""

    _flag = "grad_enabled"
    _target = False

    def __enter__(self):
        self.prev = getattr(_Mode, self._flag)
        setattr(_Mode, self._flag, self._target)
        return self

    def __exit__(self, *exc):
        setattr(_Mode, self._flag, self.prev)
        return False

    def _recreate_cm(self):
        # contextlib's hook for decorators: a fresh switch per call, so that a
        # recursive or nested decorated function restores the right state.
        return type(self)()


class no_grad(_Switch):
    """Build no graph inside: ``with nb.no_grad():`` or ``@nb.no_grad()``.

    Results computed inside do not require grad, use no memory for saved
    values, and run at raw NumPy speed. Use it for evaluation and for
    updating parameters in place.
    """


class enable_grad(_Switch):
    """Record a graph inside, even within ``no_grad``."""

    _target = True


class set_grad_enabled(_Switch):
    """Turn graph recording on or off: a context manager, a decorator, or a plain call.

    As a plain call (``nb.set_grad_enabled(False)``) the mode changes at once;
    as a decorator it changes only while the decorated function runs.
    """

    def __init__(self, mode: bool):
        self.prev = _Mode.grad_enabled
        self._target = bool(mode)
        _Mode.grad_enabled = self._target

    def __enter__(self):
        _Mode.grad_enabled = self._target  # self.prev was taken by __init__, before the switch
        return self

    def __call__(self, fn):
        _Mode.grad_enabled = self.prev  # decorating must not switch the mode for the caller
        return super().__call__(fn)

    def _recreate_cm(self):
        return enable_grad() if self._target else no_grad()


class detect_anomaly(_Switch):
    """Check every result for NaN/Inf, in forward and backward, and stop at the first.

    Inside the block each operation's output is checked as it is computed;
    the first one that holds a NaN or an infinity raises ``FloatingPointError``
    naming the operation and the line of your code that called it. In
    backward, the first gradient that is not finite raises naming the
    operation whose gradient rule produced it and where that operation was
    created. It slows everything down: use it to find a NaN, then turn it off.
    """

    _flag = "anomaly"
    _target = True


# The package's own folder: a frame is nabla's when its file lies inside it. (Not a substring of the path:
# a user's clone is often itself called "nabla".)
_PACKAGE_DIR = os.path.join(os.path.realpath(os.path.dirname(os.path.abspath(__file__))), "")


def is_library_file(filename: str) -> bool:
    """Whether ``filename`` is a source file of the nabla package itself."""
    return os.path.realpath(filename).startswith(_PACKAGE_DIR)


def user_frame() -> str:
    """'file:line in func' of the innermost stack frame outside the nabla package."""
    for frame in reversed(traceback.extract_stack()[:-1]):
        if not is_library_file(frame.filename):
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return "<unknown>"


# --- the graph ------------------------------------------------------------------


class Version:
    """A counter of in-place modifications, shared by a tensor and its views."""

    __slots__ = ("v",)

    def __init__(self):
        self.v = 0


_sequence = itertools.count()


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
        self.where = user_frame() if _Mode.anomaly else None
        self.origins = None  # weak references to inputs replaced by placeholders (see primitive.apply)

    @property
    def name(self) -> str:
        return self.prim.name

    def input_tensors(self) -> tuple:
        """The inputs as the user knows them: where the node holds a placeholder for a large input that
        its rule does not read, the original tensor while it is alive (empty once the graph is freed)."""
        if self.inputs is None or self.origins is None:
            return self.inputs or ()
        return tuple(t if ref is None or ref() is None else ref() for t, ref in zip(self.inputs, self.origins))

    @property
    def next_inputs(self) -> tuple:
        """The input tensors that gradients flow to (empty once the graph is freed)."""
        return tuple(t for t, n in zip(self.input_tensors(), self.need) if n)

    def __repr__(self) -> str:
        return f"<{self.name} backward>"


def _check_versions(node: Node) -> None:
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


# --- the backward walk ------------------------------------------------------------


def _unbroadcast(xp, g, shape):
    """Sum ``g`` back to ``shape``: the gradient of NumPy broadcasting, done in one place."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    g = xp.sum(g, axis=axes, keepdims=True) if axes else g
    return xp.reshape(g, shape)


def _conform(xp, g, shape, dtype):
    """A gradient as its input: summed back over broadcasting, in the input's dtype."""
    if g.shape != shape:
        g = _unbroadcast(xp, g, shape)
    if g.dtype != dtype:
        g = xp.astype(g, dtype)
    return g


def _finite_or_raise(g, node: Node) -> None:
    data = g._data if hasattr(g, "_data") else g
    if data.dtype.kind == "f" and not np.isfinite(data).all():
        where = node.where or "a place not recorded: run the forward pass inside nb.detect_anomaly() too"
        raise FloatingPointError(
            f"the gradient computed by '{node.name}' backward holds NaN or Inf "
            f"(the '{node.name}' operation was created at {where})"
        )


def run_backward(
    roots: Sequence,
    root_grads: Sequence,
    retain_graph: bool,
    create_graph: bool,
    capture: Sequence | None = None,
):
    """Back-propagate ``root_grads`` from the tensors ``roots``.

    Without ``capture`` the gradients of leaf tensors that require grad are
    accumulated into their ``.grad``. With ``capture`` (a list of tensors),
    nothing is accumulated and the gradients of those tensors are returned
    (None where no gradient reached one).

    The order of the walk: a node's inputs were all created before it, so
    visiting nodes from the most recently created back (a max-heap on the
    creation number, as PyTorch's engine does) reaches every node after all
    the nodes that consume its output, with no separate topological sort.
    A node enters the heap when the first gradient reaches it; the sums of
    gradients wait in ``grads`` until it is popped.
    """
    Tensor = _tensor.Tensor
    xp = _ops.tensor_ns if create_graph else backend.numpy_ns
    # Hooks and retained grads always see Tensors; the walk itself holds raw
    # arrays unless the backward pass is being recorded.
    as_tensor = (lambda g: g) if create_graph else Tensor._make
    as_raw = (lambda t: t) if create_graph else (lambda t: t._data)
    grads: dict[Node, object] = {}  # node -> the gradient of its output so far
    leaves: dict[int, list] = {}  # id(leaf tensor) -> [tensor, gradient so far]
    heap: list[tuple[int, Node]] = []

    tape = _Mode.tape  # nb.capture records the walk's array computations
    if tape is not None and tape.paused:
        tape = None
    if tape is not None and (create_graph or capture is not None):
        refuse_in_capture("differentiates with create_graph=True or nb.grad")

    def total(a, g):
        s = a + g
        if tape is not None:
            tape.add(a, g, s)
        return s

    def add(t, g):
        node = t._node
        if node is None:
            entry = leaves.get(id(t))
            if entry is None:
                leaves[id(t)] = [t, g]
            else:
                entry[1] = total(entry[1], g)
        elif node in grads:
            grads[node] = total(grads[node], g)
        else:
            grads[node] = g
            heapq.heappush(heap, (-node.seq, node))

    # Ids of gradient arrays that someone else may hold (the seeds, what hooks returned): a leaf's
    # .grad copies them. Any other array a VJP made is fresh and reaches .grad without a copy.
    shared: set[int] = set()
    for t, g in zip(roots, root_grads):
        g = g if create_graph else g._data
        shared.add(id(g))
        add(t, g)
    captured = {t._node: None for t in capture if t._node is not None} if capture is not None else {}
    anomaly = _Mode.anomaly
    # NOTE: gradient rules can divide by zero where the math is infinite
    # (sqrt at 0) exactly as PyTorch does; those IEEE results are the answer,
    # so NumPy's warnings are silenced here (detect_anomaly reports them).
    with set_grad_enabled(create_graph), np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        while heap:
            node = heapq.heappop(heap)[1]
            g = grads.pop(node)
            inputs = node.inputs
            if tape is not None and node.seq < tape.first_node:
                refuse_in_capture(
                    f"back-propagates into '{node.name}', computed before the step (detach what the step is given)"
                )
            if inputs is None:
                raise RuntimeError(
                    f"trying to backward through the graph of '{node.name}' a second time: its saved "
                    "values were freed by the first backward; pass retain_graph=True to the first call"
                )
            if node.hooks:
                refuse_in_capture("has a gradient hook (register_hook)")
                g = _run_hooks(node.hooks, g, as_tensor, as_raw)
                shared.add(id(g))
            if node.retain is not None and node.retain() is not None:
                refuse_in_capture("retains the gradient of an intermediate tensor (retain_grad)")
                _accumulate(node.retain(), g, create_graph)
            if node in captured:
                captured[node] = g
            _check_versions(node)
            if create_graph:
                out = Tensor._make(node.out, node)
                in_grads = node.prim.vjp(xp, node.need, g, out, *inputs, **node.params)
            else:
                arrays = [t._data if isinstance(t, Tensor) else t for t in inputs]
                in_grads = node.prim.vjp(xp, node.need, g, node.out, *arrays, **node.params)
                if not node.prim.fresh_grads:  # a user's rule may return an array it keeps: never adopt it
                    shared.update(map(id, in_grads))
            if tape is not None:
                tape.vjp(node, g, in_grads)
            for t, n, gi in zip(inputs, node.need, in_grads):
                if not n or gi is None:
                    continue
                data = t._data
                if gi.shape != data.shape or gi.dtype != data.dtype:
                    # (No name for the unconformed gradient: it may be as large as a convolution's output,
                    # and a local kept it alive through the next node's backward: +1.9 MiB on W6.)
                    conformed = _conform(xp, gi, data.shape, data.dtype)
                    if tape is not None:
                        tape.conform(gi, conformed)
                    gi = conformed
                if anomaly:
                    _finite_or_raise(gi, node)
                add(t, gi)
            if not retain_graph:
                node.inputs = None
                node.out = None

    if capture is not None:
        result = []
        for t in capture:
            if t._node is not None:
                g = captured[t._node]
            else:
                entry = leaves.get(id(t))
                g = None if entry is None else entry[1]
                if g is not None and t._hooks:  # as torch: a leaf's hooks run before it is captured
                    g = _run_hooks(t._hooks, g, as_tensor, as_raw)
            result.append(None if g is None else as_tensor(g))
        return result

    for t, g in leaves.values():
        if t._rg:
            if t._hooks:
                refuse_in_capture("has a gradient hook on a leaf tensor (register_hook)")
                g = _run_hooks(t._hooks, g, as_tensor, as_raw)
                shared.add(id(g))
            owned = not create_graph and id(g) not in shared and g.base is None and g.flags.writeable
            shared.add(id(g))  # (``a + b`` hands one array to two leaves: the second one copies)
            if tape is not None:
                tape.accumulate(t, g, owned)
            _accumulate(t, g, create_graph, owned)
    return None


def _run_hooks(hooks: list, g, as_tensor, as_raw):
    """Call each hook on the gradient; a hook that returns a tensor replaces it."""
    for hook in list(hooks):
        new = hook(as_tensor(g))
        if new is not None:
            g = as_raw(new)
    return g


def _accumulate(t, g, create_graph: bool, owned: bool = False) -> None:
    """Add ``g`` into ``t.grad``: in place when it holds a plain array, else as a new tensor.

    ``owned``: ``g`` is a fresh array nobody else holds, so a missing ``.grad``
    can take it as it is (W3's step copied 0.9 MB of gradients without this).
    """
    Tensor = _tensor.Tensor
    if create_graph:
        # Clone (differentiably), as torch does: the same gradient tensor may
        # reach several tensors (``a + b``), may be a read-only broadcast view,
        # and a later first-order backward adds into ``.grad`` in place.
        t.grad = _ops.clone(g) if t.grad is None else t.grad + g
    elif t._grad is None:
        # Otherwise copy: the same gradient array may be handed to several
        # tensors (``a + b`` gives both the output's gradient), may be the
        # caller's, and grads are later updated in place. (Set without the
        # checks of the ``grad`` setter: the walk made g in t's shape.)
        t._grad = Tensor._make(g if owned and g.dtype == t.dtype else np.array(g, dtype=t.dtype, copy=True))
    elif t._grad._node is not None:
        t._grad = Tensor._make(t._grad._data + g)
    else:
        t._grad._data += g
        t._grad._version.v += 1


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph: bool | None = None,
    create_graph: bool = False,
    allow_unused: bool = False,
):
    """Gradients of ``outputs`` with respect to ``inputs``, returned, not stored in ``.grad``.

    Like ``torch.autograd.grad``. ``outputs`` is a tensor or a sequence of
    them; ``grad_outputs`` holds the vector of the vector-Jacobian product
    for each output (may be omitted for scalar outputs). With
    ``create_graph=True`` the returned gradients are themselves differentiable.
    An input that the outputs do not depend on raises unless
    ``allow_unused=True``, in which case its gradient is None.

    Example: the Hessian-vector product of ``f`` at ``x`` along ``v``::

        g, = nb.grad(f(x), x, create_graph=True)
        hv, = nb.grad((g * v).sum(), x)
    """
    Tensor = _tensor.Tensor
    outputs = [outputs] if isinstance(outputs, Tensor) else list(outputs)
    single = isinstance(inputs, Tensor)
    inputs = [inputs] if single else list(inputs)
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, Tensor):
        grad_outputs = [grad_outputs]
    for t in inputs:
        if not t.requires_grad:
            raise RuntimeError("nb.grad: every input must require grad; one of them does not")
    roots, root_grads = _seed(outputs, grad_outputs, "nb.grad")
    retain_graph = create_graph if retain_graph is None else retain_graph
    result = run_backward(roots, root_grads, retain_graph, create_graph, capture=inputs)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"nb.grad: input {i} was not used to compute the outputs; pass allow_unused=True to get None for it"
            )
    return tuple(result)


def _seed(outputs, grad_outputs, who: str):
    """Pair each output with its starting gradient (ones for a scalar)."""
    Tensor = _tensor.Tensor
    roots, root_grads = [], []
    for out, g in zip(outputs, grad_outputs):
        if not out.requires_grad:
            raise RuntimeError(
                f"{who}: the output does not require grad, so there is no graph to differentiate; "
                "did you compute it under nb.no_grad() or from tensors without requires_grad=True?"
            )
        if g is None:
            if out.size != 1:
                raise RuntimeError(
                    f"{who}: gradient can only be implied for a scalar output, got shape {out.shape}; "
                    "reduce it first (out.sum()) or pass gradient= with that shape"
                )
            g = Tensor._make(np.ones(out.shape, dtype=out.dtype))
        elif not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g, dtype=out.dtype))
        if g.shape != out.shape:
            raise RuntimeError(f"{who}: gradient has shape {g.shape} but the output has shape {out.shape}")
        roots.append(out)
        root_grads.append(g)
    return roots, root_grads


def backward(tensor, gradient=None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
    """Accumulate the gradient of ``tensor`` into the ``.grad`` of every leaf it depends on."""
    roots, root_grads = _seed([tensor], [gradient], "backward")
    retain_graph = create_graph if retain_graph is None else retain_graph
    run_backward(roots, root_grads, retain_graph, create_graph)


__all__ = [
    "CaptureError",
    "Node",
    "RemovableHandle",
    "Version",
    "backward",
    "detect_anomaly",
    "enable_grad",
    "grad",
    "is_grad_enabled",
    "no_grad",
    "set_grad_enabled",
]

# Tensors and the differentiable namespace build on this module; the functions above use them at run time.
from . import ops as _ops  # noqa: E402
from . import tensor as _tensor  # noqa: E402
