"""Primitives: an operation's forward and its vector-Jacobian product, side by side.

A primitive is defined by two functions on arrays::

    @primitive("exp")
    def exp(xp, x):
        return xp.exp(x)

    @exp.defvjp
    def _(xp, need, g, out, x):
        return (g * out,)

``forward(xp, *inputs, **params)`` computes the output array. ``vjp(xp,
need, g, out, *inputs, **params)`` maps the gradient ``g`` of the output to
one gradient per input (or None where ``need`` says that input needs none).
Gradients of broadcast inputs may keep the broadcast shape: the backward walk
sums them back (see ``backward.conform``). Both functions take the
array namespace ``xp`` as an argument: arrays and NumPy for the first-order
path, Tensors and nabla's functions when a graph of the backward pass is
recorded, so one rule serves both.
"""

from __future__ import annotations

import functools
import numbers
import weakref

import numpy as np

from .. import backend, devices, dtypes
from ..anomaly_mode import AnomalyMode, user_frame
from ..grad_mode import GradMode
from ..graph import Node, Version
from ..tensor import Tensor
from ..tracing import Tracing

_numpy_ns = backend.numpy_ns
_PLAIN = backend._PLAIN
_OTHER_LIBRARIES = dtypes.OTHER_LIBRARIES


class Primitive:
    """A differentiable operation; calling it on Tensors runs it and records the graph."""

    def __init__(self, name: str, forward, vjp=None, view: bool = False, reads=None, draws: bool = False):
        self.name = name
        self.draws = draws  # the forward draws from nabla's generator (dropout's mask)
        self.forward = forward
        self.vjp = vjp
        self.view = view  # the output may share memory with input 0 (reshape, transpose...)
        # What the VJP reads besides g: None means every input and the output; otherwise the
        # positions of the inputs it reads and/or "out". The graph keeps only those alive.
        self.reads = reads if reads is None or callable(reads) else frozenset(reads)
        # nabla's own rules return new arrays (or views of g), never one they keep, so a leaf's .grad may
        # take their result without a copy; a rule written elsewhere is not assumed to.
        self.fresh_grads = forward.__module__.startswith("nabla.")
        self.__doc__ = forward.__doc__

    def defvjp(self, vjp):
        self.vjp = vjp
        return self

    def __call__(self, *args, **params) -> Tensor:
        return apply(self, args, params)

    def __repr__(self) -> str:
        return f"<primitive {self.name}>"


def primitive(name: str, view: bool = False, reads=None, draws: bool = False):
    """Decorator turning a forward function on arrays into a :class:`Primitive`.

    ``reads`` declares what the VJP uses besides the output gradient: input
    positions and/or ``"out"`` (e.g. ReLU's rule reads only its output,
    ``reads=("out",)``; an addition reads nothing but shapes, ``reads=()``),
    or a function of ``need`` returning them (a product reads the other
    factor of each input that needs a gradient).
    The graph then does not keep the other values alive until backward: a
    large unread input is replaced in the node by a placeholder with its
    node, version, shape and dtype but no values. Leave it None when unsure.
    ``draws``: the forward draws random numbers from nabla's generator.
    """
    return lambda forward: Primitive(name, forward, view=view, reads=reads, draws=draws)


def ieee_arithmetic() -> np.errstate:
    """NumPy's error state where infinities and NaNs are answers, not warnings (``x / 0``, ``log(0)``, an overflow
    to inf): the backward walk, a captured step's replay and the built-in steps of Keras's ``fit`` /
    ``evaluate`` / ``predict`` run under it, as PyTorch and TensorFlow compute silently
    (``nb.detect_anomaly()`` still reports them)."""
    return np.errstate(divide="ignore", invalid="ignore", over="ignore")


def ieee_results(fn):
    """``fn`` run under :func:`ieee_arithmetic`: a forward whose infinities and NaNs on finite inputs are its
    answer (``x / 0``, ``log(0)``, ``exp(1000)``, ``sqrt(-1)``), or a Keras training step (where a diverging
    training overflows), silently, as PyTorch and TensorFlow return them. Only on the
    operations that make such values from ordinary inputs: the context costs ~1.2 us a call, too much for
    every operation of a small network's step (a plain ``*`` that overflows in an eager step warns)."""

    @functools.wraps(fn)
    def run(*args, **kwargs):
        with ieee_arithmetic():
            return fn(*args, **kwargs)

    return run


def as_operand(x, like=None):
    """Tensors pass through; Python numbers stay numbers (weakly typed, as in PyTorch);
    anything array-like becomes a constant Tensor: on ``like``'s device when ``like`` is a tensor there
    (a NumPy array or a list mixed into an operation is data, like a number; a *tensor* on another
    device is an error)."""
    if isinstance(x, Tensor):
        return x
    # NOTE: test np.generic first: np.float64 subclasses Python's float, and
    # kept as is it would upcast a float32 array under NumPy's promotion rules.
    if isinstance(x, np.generic):
        return x.item()  # a NumPy scalar acts like a Python number: float32 stays float32
    if isinstance(x, (bool, int, float)):
        return x
    if isinstance(x, (np.ndarray, list, tuple, numbers.Number)):
        if isinstance(like, Tensor) and not isinstance(like._data, np.ndarray):
            return Tensor(x, device=devices.device_of(like._data))
        return Tensor(x)
    raise TypeError(
        f"cannot use an object of type {type(x).__name__} in a nabla operation: pass a Tensor, "
        "a NumPy array, a list or a number"
    )


def apply(prim: Primitive, args, params) -> Tensor:
    """Run ``prim`` on ``args`` and, if any input requires grad, record a Node."""
    arrays = [a._data if isinstance(a, Tensor) else a for a in args]
    xp = _numpy_ns
    if _OTHER_LIBRARIES[0]:  # (only once another library's array was made: NumPy alone skips the loop)
        for a in arrays:
            if type(a) not in _PLAIN:  # another array library: its namespace, or the error for mixed devices
                xp = backend._foreign(arrays, prim.name)
                break
    raw = prim.forward(xp, *arrays, **params)
    if xp is _numpy_ns:
        # NumPy returns scalars, not 0-d arrays, from full reductions (a transfer's result, an array of
        # another library, passes as it is)
        if type(raw) is np.ndarray or (_OTHER_LIBRARIES[0] and hasattr(raw, "__dlpack__")):
            out = raw
        else:
            out = np.asarray(raw)
        # A view shares its base's version counter, so writing through either is seen by graphs that saved
        # the other. (A "view" op may copy: reshape of a transposed array. A copy gets a counter of its own.)
        shares = prim.view and out.base is not None and np.may_share_memory(out, arrays[0])  # base None: fresh
    else:
        out = raw
        shares = prim.view  # (the standard cannot tell a view from a copy: assume the view)
    tracer = Tracing.tracer
    if tracer is not None and not tracer.paused:
        tracer.forward(prim, args, params, out, out is not raw)  # (before the Tensor is made: see Tracer.made)
    if AnomalyMode.enabled:
        _check_forward(prim, xp, out)
    version = args[0]._version if shares else Version()
    if GradMode.enabled:
        need = tuple([isinstance(a, Tensor) and a._rg for a in args])
        if True in need:
            # Versions of the tensor inputs, constants included: ``w * c`` reads c for w's gradient.
            reads = prim.reads
            if callable(reads):
                reads = reads(need)
            if reads is None:
                versions = tuple([a._version.v if isinstance(a, Tensor) else None for a in args])
                node = Node(prim, args, out, params, need, versions, (version, version.v))
            else:
                # Only what the rule reads is kept, and only that is checked for in-place changes (as PyTorch
                # checks its saved tensors): changing an input that no gradient rule reads changes no gradient.
                inputs = tuple([_unread(a) if i not in reads else a for i, a in enumerate(args)])
                versions = tuple(
                    [a._version.v if i in reads and isinstance(a, Tensor) else None for i, a in enumerate(args)]
                )
                kept, out_version = (out, (version, version.v)) if "out" in reads else (None, None)
                node = Node(prim, inputs, kept, params, need, versions, out_version)
                if any(k is not a for k, a in zip(inputs, args)):
                    # The user still sees the originals (grad_fn.next_inputs, graph pictures) while they live.
                    node.origins = tuple([None if k is a else weakref.ref(a) for k, a in zip(inputs, args)])
            return Tensor._make(out, node, version)
    return Tensor._make(out, None, version)


_PLACEHOLDER_MIN_SIZE = 1024  # smaller arrays are kept: the saving would not pay for the placeholder


def _unread(a):
    """What a node keeps of an input its VJP does not read: ``a`` itself when it is small, not a
    Tensor, or a leaf that requires grad (its ``.grad`` is set through this object); otherwise a
    placeholder sharing its node and version counter, with its shape and dtype but no memory."""
    if not isinstance(a, Tensor) or a._data.size < _PLACEHOLDER_MIN_SIZE or (a._node is None and a._rg):
        return a
    return Tensor._make(backend.placeholder_like(a._data), a._node, a._version)


def _check_forward(prim: Primitive, xp, out) -> None:
    if backend.numpy_dtype(out.dtype).kind == "f" and not bool(xp.all(xp.isfinite(out))):
        raise FloatingPointError(f"'{prim.name}' produced NaN or Inf at {user_frame()}")
