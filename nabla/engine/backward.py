"""The backward walk: from a result back to the leaves, each gradient rule once.

``backward`` sorts nothing: the nodes of the graph (:mod:`nabla.engine.graph`)
are numbered in creation order, so visiting them from the most recent back
reaches every node after all the nodes that consume its output (a chain of
100,000 operations is fine: no recursion). At each node the primitive's
vector-Jacobian product (VJP) maps the gradient of its output to one
gradient per input, and the gradients of each input are summed (a value
used twice gets both contributions).

The VJPs are written once against an array namespace ``xp``. A first-order
backward runs them on raw arrays with NumPy (no Tensor objects are made);
``create_graph=True`` runs the very same rules on Tensors with nabla's own
differentiable functions (``ops.tensor_ns``), so the backward pass is itself
a graph and can be differentiated again (Hessian-vector products, gradient
penalties).

A tracer (:mod:`nabla.engine.tracing`) hears the walk's array computations:
each rule, each sum of two gradients, each conformation and each write into
a ``.grad``.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable, Sequence

import numpy as np

from . import backend, devices, dtypes, ops
from .anomaly_mode import AnomalyMode
from .grad_mode import set_grad_enabled
from .graph import Node, check_versions, unfuse
from .ops.primitive import ieee_arithmetic
from .ops.shape import indexing as INDEXING
from .tensor import Tensor
from .tracing import Tracing, refuse_in_capture


def _reaches(node, inputs: Sequence) -> bool:
    """Whether a gradient from ``node`` can flow to one of ``inputs`` (a leaf, or a tensor with a node)."""
    leaves = {id(t) for t in inputs if t._node is None}
    targets = {t._node for t in inputs if t._node is not None}
    stack, seen = [node], set()
    while stack:
        current = stack.pop()
        if current in targets or current.inputs is None:  # (a freed graph: assume it does)
            return True
        for t in current.inputs:
            if id(t) in leaves:
                return True
            if isinstance(t, Tensor) and t._node is not None and t._node not in seen:
                seen.add(t._node)
                stack.append(t._node)
    return False


def _unbroadcast(xp, g, shape):
    """Sum ``g`` back to ``shape``: the gradient of NumPy broadcasting, done in one place."""
    if g.shape == shape:
        return g
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(i + lead for i, s in enumerate(shape) if s == 1 and g.shape[i + lead] != 1)
    g = xp.sum(g, axis=axes, keepdims=True) if axes else g
    return xp.reshape(g, shape)


def conform(xp, g, shape, dtype):
    """A gradient as its input: summed back over broadcasting, in the input's dtype."""
    if g.shape != shape:
        g = _unbroadcast(xp, g, shape)
    if g.dtype != dtype:
        g = xp.astype(g, dtype)
    return g


def _finite_or_raise(g, node: Node) -> None:
    data = g._data if hasattr(g, "_data") else g
    xp = backend.namespace(data)
    if backend.numpy_dtype(data.dtype).kind == "f" and not bool(xp.all(xp.isfinite(data))):
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
    inputs: Sequence | None = None,
    through: Callable[[Node], bool] | None = None,
):
    """Back-propagate ``root_grads`` from the tensors ``roots``.

    Without ``inputs`` the gradients of leaf tensors that require grad are
    accumulated into their ``.grad`` (``backward``). With ``inputs`` (a list
    of tensors: those of ``nb.grad``), nothing is accumulated and the
    gradients of those tensors are returned (None where no gradient reached one).
    ``through``: the nodes that gradients may flow through; the output of any
    other node is a constant (see :func:`grad`).

    The order of the walk: a node's inputs were all created before it, so
    visiting nodes from the most recently created back (a max-heap on the
    creation number, as PyTorch's engine does) reaches every node after all
    the nodes that consume its output, with no separate topological sort.
    A node enters the heap when the first gradient reaches it; the sums of
    gradients wait in ``grads`` until it is popped.
    """
    numpy_ns = backend.numpy_ns
    xp = ops.tensor_ns if create_graph else numpy_ns
    other_libraries = dtypes.OTHER_LIBRARIES  # (until another library's array is made, every array is NumPy's)
    # Hooks and retained grads always see Tensors; the walk itself holds raw
    # arrays unless the backward pass is being recorded.
    as_tensor = (lambda g: g) if create_graph else Tensor._make
    as_raw = (lambda t: t) if create_graph else (lambda t: t._data)
    grads: dict[Node, object] = {}  # node -> the gradient of its output so far
    leaves: dict[int, list] = {}  # id(leaf tensor) -> [tensor, gradient so far, whether the walk owns it]
    owned: set[Node] = set()  # the nodes whose gradient so far is an array this walk made and holds alone
    heap: list[tuple[int, Node]] = []

    tracer = Tracing.tracer  # hears the walk's array computations (see nabla.engine.tracing)
    if tracer is not None and tracer.paused:
        tracer = None
    if tracer is not None and (create_graph or inputs is not None):
        refuse_in_capture("differentiates with create_graph=True or nb.grad")

    def total(a, g):
        s = a + g
        if tracer is not None:
            tracer.add(a, g, s)
        return s

    def add(t, g, fresh: bool = False):
        """Add ``g`` to the gradient of ``t`` so far (``fresh``: g is an array nobody else holds)."""
        node = t._node
        if node is not None and through is not None and not through(node):
            return  # a constant to this walk
        if node is None:
            entry = leaves.get(id(t))
            if entry is None:
                leaves[id(t)] = [t, g, fresh]
            else:
                entry[1], entry[2] = total(entry[1], g), True
        elif node in grads:
            grads[node] = total(grads[node], g)
            owned.add(node)
        else:
            grads[node] = g
            if fresh:
                owned.add(node)
            heapq.heappush(heap, (-node.seq, node))

    def add_at(node, g) -> bool:
        """The gradient rule of basic indexing (``x[index]``), done in place when it can be: ``g`` added into
        x's gradient so far at ``index``, when the walk owns that array. The rule itself makes zeros of x's
        shape, which the walk then adds to the gradient so far: an RNN's ``xw[:, t]`` at each of T steps made
        T arrays of the whole sequence's size, and backward took O(T^2) time."""
        x = node.inputs[0]
        if x._node is None:
            entry = leaves.get(id(x))
            acc = entry[1] if entry is not None and entry[2] else None
        else:
            acc = grads[x._node] if x._node in owned else None
        if type(acc) is not np.ndarray or type(g) is not np.ndarray or acc.dtype != g.dtype:
            return False
        if anomaly:
            _finite_or_raise(g, node)
        index = node.params["index"]
        acc[index] += g
        if tracer is not None:
            tracer.add_at(acc, index, g)
        return True

    # Ids of gradient arrays that someone else may hold (the seeds, what hooks returned): a leaf's
    # .grad copies them. Any other array a VJP made is fresh and reaches .grad without a copy.
    shared: set[int] = set()
    for t, g in zip(roots, root_grads):
        g = g if create_graph else g._data
        shared.add(id(g))
        add(t, g)
    wanted = {t._node: None for t in inputs if t._node is not None} if inputs is not None else {}
    for node in wanted:
        unfuse(node)
    skipped: list[Node] = []
    anomaly = AnomalyMode.enabled
    # NOTE: gradient rules can divide by zero where the math is infinite
    # (sqrt at 0) exactly as PyTorch does; those IEEE results are the answer,
    # so NumPy's warnings are silenced here (detect_anomaly reports them).
    with set_grad_enabled(create_graph), ieee_arithmetic():
        while heap:
            node = heapq.heappop(heap)[1]
            g = grads.pop(node)
            owned.discard(node)  # (handed to the rule, which may return it: add's gives it to both inputs)
            skips = node.skips  # (the node a fused one takes the gradient past, graph.skipped_by; mostly None)
            if skips is not None and through is not None and not through(skips):
                unfuse(skips)  # (the node it skips is a constant to this walk: the gradient stops there)
                skips = None
            if tracer is not None:
                tracer.reaches(node)
            freed = node if node.inputs is None else skips  # (a fused node's walk goes through the one it skips)
            if freed is not None and freed.inputs is None:
                raise RuntimeError(
                    f"trying to backward through the graph of '{freed.name}' a second time: its saved "
                    "values were freed by the first backward; pass retain_graph=True to the first call"
                )
            if node.hooks:
                refuse_in_capture("has a gradient hook (register_hook)")
                g = _run_hooks(node.hooks, g, as_tensor, as_raw)
                shared.add(id(g))
            if node.retain is not None and node.retain() is not None:
                refuse_in_capture("retains the gradient of an intermediate tensor (retain_grad)")
                accumulate_grad(node.retain(), g, create_graph)
            node_inputs = node.inputs  # (after the hooks: one that asks for a skipped node's gradient unfuses this)
            if node in wanted:
                wanted[node] = g
            try:
                check_versions(node)
            except RuntimeError:
                # NOTE: nb.grad needs nothing from a node that no input depends on (PyTorch's engine runs only
                # the nodes it needs): a value changed in place below it is no error (a persistent tape's
                # second gradient, after an optimizer stepped the weights of the first).
                if inputs is None or _reaches(node, inputs):
                    raise
                continue
            if node.prim is INDEXING and not create_graph and node.params["basic"] and add_at(node, g):
                in_grads = ()  # added into its input's gradient in place
            elif create_graph:
                out = Tensor._make(node.out, node)
                in_grads = node.prim.vjp(xp, node.need, g, out, *node_inputs, **node.params)
            else:
                arrays = [t._data if isinstance(t, Tensor) else t for t in node_inputs]
                # The rule runs in the library of the output's gradient (where the graph's values live).
                if other_libraries[0]:
                    xp = numpy_ns if type(g) is np.ndarray or isinstance(g, np.generic) else backend.namespace(g)
                in_grads = node.prim.vjp(xp, node.need, g, node.out, *arrays, **node.params)
                if not node.prim.fresh_grads:  # a user's rule may return an array it keeps: never adopt it
                    shared.update(map(id, in_grads))
            if tracer is not None and in_grads:
                tracer.vjp(node, g, in_grads)
            for t, n, gi in zip(node_inputs, node.need, in_grads):
                if not n or gi is None:
                    continue
                data = t._data
                dtype = t.dtype if create_graph else data.dtype  # (a Tensor's dtype is NumPy's, an array's its own)
                if gi.shape != data.shape or gi.dtype != dtype:
                    # (No name for the unconformed gradient: it may be as large as a convolution's output,
                    # and a local kept it alive through the next node's backward: +1.9 MiB on W6.)
                    conformed = conform(xp, gi, data.shape, dtype)
                    if tracer is not None:
                        tracer.conform(gi, conformed)
                    gi = conformed
                if anomaly:
                    _finite_or_raise(gi, node)
                add(t, gi, fresh=node.prim is INDEXING and not create_graph)  # (zeros with g at the index)
            if not retain_graph:
                node.inputs = None
                node.out = None
                if node.skips is not None:  # (None where a hook unfused it meanwhile)
                    skipped.append(node.skips)
    for node in skipped:
        # A fused node's walk went through the node it skips (graph.skipped_by), which is freed as the plain
        # graph's walk would free it; after the whole walk, which may still reach it by another path.
        node.inputs = node.out = None

    if inputs is not None:
        result = []
        for t in inputs:
            if t._node is not None:
                g = wanted[t._node]
            else:
                entry = leaves.get(id(t))
                g = None if entry is None else entry[1]
                if g is not None and t._hooks:  # as torch: a leaf's hooks run before its gradient is returned
                    g = _run_hooks(t._hooks, g, as_tensor, as_raw)
            result.append(None if g is None else as_tensor(g))
        return result

    for t, g, _ in leaves.values():
        if t._rg:
            if t._hooks:
                refuse_in_capture("has a gradient hook on a leaf tensor (register_hook)")
                g = _run_hooks(t._hooks, g, as_tensor, as_raw)
                shared.add(id(g))
            owned = (
                not create_graph
                and id(g) not in shared
                and (g.base is None and g.flags.writeable if not other_libraries[0] or hasattr(g, "flags") else True)
            )
            shared.add(id(g))  # (``a + b`` hands one array to two leaves: the second one copies)
            if tracer is not None:
                tracer.accumulate(t, g, owned)
            accumulate_grad(t, g, create_graph, owned)
    return None


def _run_hooks(hooks: list, g, as_tensor, as_raw):
    """Call each hook on the gradient; a hook that returns a tensor replaces it."""
    for hook in list(hooks):
        new = hook(as_tensor(g))
        if new is not None:
            g = as_raw(new)
    return g


def accumulate_grad(t, g, create_graph: bool, owned: bool = False) -> None:
    """Add ``g`` into ``t.grad``: in place when it holds a plain array, else as a new tensor.

    ``owned``: ``g`` is a fresh array nobody else holds, so a missing ``.grad``
    can take it as it is (W3's step copied 0.9 MB of gradients without this).
    """
    if create_graph:
        # Clone (differentiably), as torch does: the same gradient tensor may
        # reach several tensors (``a + b``), may be a read-only broadcast view,
        # and a later first-order backward adds into ``.grad`` in place.
        t.grad = ops.clone(g) if t.grad is None else t.grad + g
    elif t._grad is None:
        # Otherwise copy: the same gradient array may be handed to several
        # tensors (``a + b`` gives both the output's gradient), may be the
        # caller's, and grads are later updated in place. (Set without the
        # checks of the ``grad`` setter: the walk made g in t's shape.)
        t._grad = Tensor._make(g if owned and g.dtype == t._data.dtype else _copy_as(g, t._data.dtype))
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
    *,
    through: Callable[[Node], bool] | None = None,
):
    """Gradients of ``outputs`` with respect to ``inputs``, returned, not stored in ``.grad``.

    Like ``torch.autograd.grad``. ``outputs`` is a tensor or a sequence of
    them; ``grad_outputs`` holds the vector of the vector-Jacobian product
    for each output (may be omitted for scalar outputs). With
    ``create_graph=True`` the returned gradients are themselves differentiable.
    An input that the outputs do not depend on raises unless
    ``allow_unused=True``, in which case its gradient is None.
    ``through`` (a predicate on graph nodes) limits the walk to the nodes it
    accepts: the result of any other operation counts as a constant. A
    TensorFlow tape, which differentiates only what it recorded, passes the
    creation numbers (``node.seq``) of its recording.

    Example: the Hessian-vector product of ``f`` at ``x`` along ``v``::

        g, = nb.grad(f(x), x, create_graph=True)
        hv, = nb.grad((g * v).sum(), x)
    """
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
    result = run_backward(roots, root_grads, retain_graph, create_graph, inputs=inputs, through=through)
    for i, g in enumerate(result):
        if g is None and not allow_unused:
            raise RuntimeError(
                f"nb.grad: input {i} was not used to compute the outputs; pass allow_unused=True to get None for it"
            )
    return tuple(result)


def _seed(outputs, grad_outputs, who: str):
    """Pair each output with its starting gradient (ones for a scalar)."""
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
            data = out._data
            g = Tensor._make(np.ones(data.shape, data.dtype) if type(data) is np.ndarray else _ones_like(data))
        elif not isinstance(g, Tensor):
            g = Tensor._make(np.asarray(g, dtype=out.dtype))
        if type(g._data) is not type(out._data) and devices.device_of(g._data) != devices.device_of(out._data):
            where = devices.device_of(g._data), devices.device_of(out._data)
            raise RuntimeError(f"{who}: the gradient lives on {where[0]} but the output on {where[1]}; move it")
        if g.shape != out.shape:
            raise RuntimeError(f"{who}: gradient has shape {g.shape} but the output has shape {out.shape}")
        roots.append(out)
        root_grads.append(g)
    return roots, root_grads


def _ones_like(data):
    return backend.namespace(data).ones_like(data)


def _copy_as(g, dtype):
    """A copy of the gradient array ``g`` in ``dtype`` (an array's own dtype object), in g's library."""
    if isinstance(g, (np.ndarray, np.generic)):
        return np.array(g, dtype=dtype, copy=True)
    xp = backend.namespace(g)
    return xp.astype(g, dtype) if g.dtype != dtype else xp.copy(g)


def backward(tensor, gradient=None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
    """Accumulate the gradient of ``tensor`` into the ``.grad`` of every leaf it depends on."""
    roots, root_grads = _seed([tensor], [gradient], "backward")
    retain_graph = create_graph if retain_graph is None else retain_graph
    run_backward(roots, root_grads, retain_graph, create_graph)
