"""The Tensor: an array, plus what automatic differentiation needs to know about it.

A Tensor holds its values in ``_data`` (an array: NumPy's on the CPU, or one of
any library implementing the Python array API standard, on its device; see
:mod:`nabla.engine.devices` for the device rules), whether it
``requires_grad``, its ``grad`` after backward, and ``grad_fn``: the graph
node of the operation that produced it (None for a leaf). Every method that
computes something delegates to the functions of :mod:`nabla.engine.ops`
(``nb.ops``), so ``x.exp()`` and ``nb.exp(x)`` are one code path, and
``backward`` runs :mod:`nabla.engine.backward`.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable

import numpy as np

from . import backend, devices
from . import dtypes as _dtypes
from .grad_mode import GradMode
from .graph import RemovableHandle, Version, unfuse
from .inplace import IN_PLACE as _IN_PLACE
from .inplace import InPlace
from .tracing import Tracing, refuse_in_capture

_OTHER_LIBRARIES = _dtypes.OTHER_LIBRARIES

_READS_VALUE = "reads a tensor's value into Python (.item(), float(t), if t:, .numpy(), .tolist())"
_GRAD = "reads or sets a .grad (read gradients after the step; clip them with nn.utils.clip_grad_norm_)"


class Tensor(InPlace):
    """An n-dimensional array that can record the operations applied to it.

    Create tensors with :func:`nabla.tensor`, :func:`nabla.zeros`,
    :func:`nabla.randn`... rather than with this constructor.
    """

    __slots__ = ("_data", "_rg", "_grad", "_node", "_version", "_hooks", "__weakref__")
    # NumPy defers to Tensor's reflected operators (array * tensor -> Tensor).
    __array_ufunc__ = None

    def __init__(self, data, dtype=None, requires_grad: bool = False, device=None):
        self._data = _dtypes.to_array(data._data if isinstance(data, Tensor) else data, dtype)
        if device is not None:
            self._data = backend.to_device(self._data, device)
        tracer = Tracing.tracer
        if tracer is not None and not tracer.paused:
            tracer.converted(data, dtype, self)
        self._node = None
        self._version = Version()
        self._hooks = None
        self._grad = None
        self._rg = False
        self.requires_grad = requires_grad

    @classmethod
    def _make(cls, data, node=None, version=None) -> Tensor:
        """Wrap an array without checks or copies (the engine's fast constructor)."""
        t = object.__new__(cls)
        t._data = data
        t._rg = node is not None
        t._grad = None
        t._node = node
        t._version = version if version is not None else Version()
        t._hooks = None
        tracer = Tracing.tracer
        if tracer is not None:
            tracer.made(t)
        return t

    # --- autograd state -------------------------------------------------------------

    @property
    def requires_grad(self) -> bool:
        """Whether operations on this tensor are recorded so that gradients can flow to it."""
        return self._rg

    @requires_grad.setter
    def requires_grad(self, value: bool) -> None:
        tracer = Tracing.tracer
        if tracer is not None and bool(value) != self._rg:
            tracer.requires_grad_switched(self)
        if value and self.dtype.kind != "f":
            raise RuntimeError(
                f"only floating-point tensors can require grad, this one is {self._data.dtype}; "
                "convert it first: t.astype(nb.float32)"
            )
        if not value and self._node is not None:
            raise RuntimeError(
                "cannot set requires_grad=False on a tensor computed by an operation; use t.detach() instead"
            )
        self._rg = bool(value)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        self.requires_grad = requires_grad
        return self

    @property
    def grad(self) -> Tensor | None:
        """The gradient accumulated by ``backward`` (a Tensor of this tensor's shape and dtype), or None."""
        refuse_in_capture(_GRAD)
        return self._grad

    @grad.setter
    def grad(self, value: Tensor | None) -> None:
        refuse_in_capture(_GRAD)
        # As PyTorch: a gradient of another shape or dtype would fail later, inside an optimizer.
        if value is not None:
            if not isinstance(value, Tensor):
                raise TypeError(
                    f"t.grad must be a Tensor or None, got {type(value).__name__}; wrap arrays with nb.tensor(...)"
                )
            if value.shape != self.shape or value.dtype != self.dtype:
                raise ValueError(
                    f"t.grad must have the tensor's shape {self.shape} and dtype {self.dtype}, "
                    f"got shape {value.shape} and dtype {value.dtype}"
                )
        self._grad = value

    @property
    def grad_fn(self):
        """The graph node that produced this tensor (``grad_fn.name`` is the operation), or None."""
        return self._node

    @property
    def is_leaf(self) -> bool:
        """True for tensors not produced by a recorded operation (parameters, inputs)."""
        return self._node is None

    def backward(self, gradient=None, retain_graph: bool | None = None, create_graph: bool = False) -> None:
        """Compute the gradient of this tensor and accumulate it into the leaves' ``.grad``.

        On a scalar the gradient is implied (d self / d self = 1); otherwise
        pass ``gradient`` of this tensor's shape, the vector of the
        vector-Jacobian product. Gradients add up over calls until cleared
        (``t.grad = None``). The graph is freed afterwards unless
        ``retain_graph=True``; ``create_graph=True`` records the backward pass
        itself so that the gradients can be differentiated again.
        """
        _backward.backward(self, gradient, retain_graph, create_graph)

    def retain_grad(self) -> None:
        """Keep ``.grad`` on this non-leaf tensor after backward (leaves always keep it)."""
        if self._node is None:
            if not self._rg:
                raise RuntimeError("retain_grad on a tensor that does not require grad")
            return
        unfuse(self._node)
        self._node.retain = weakref.ref(self)

    def register_hook(self, hook: Callable) -> RemovableHandle:
        """Call ``hook(grad)`` when this tensor's gradient is computed.

        The hook may return a new gradient to use instead, or None to keep it.
        Returns a handle whose ``remove()`` unregisters the hook.
        """
        if not self._rg:
            raise RuntimeError("cannot register a hook on a tensor that does not require grad")
        if self._node is None:
            if self._hooks is None:
                self._hooks = []
            hooks = self._hooks
        else:
            unfuse(self._node)
            if self._node.hooks is None:
                self._node.hooks = []
            hooks = self._node.hooks
        hooks.append(hook)
        return RemovableHandle(hooks, hook)

    def detach(self) -> Tensor:
        """A tensor sharing this one's values but outside the graph (no gradient flows back)."""
        return Tensor._make(self._data, None, self._version)

    def detach_(self) -> Tensor:
        self._node = None
        self._rg = False
        return self

    @property
    def data(self) -> Tensor:
        """This tensor's values as a tensor outside the graph (same as ``detach()``)."""
        return self.detach()

    @data.setter
    def data(self, value) -> None:
        refuse_in_capture(_IN_PLACE)
        self._data = value._data if isinstance(value, Tensor) else _dtypes.to_array(value, self.dtype)
        self._version.v += 1

    # --- array attributes -----------------------------------------------------------------

    @property
    def shape(self) -> tuple:
        return self._data.shape

    @property
    def ndim(self) -> int:
        return self._data.ndim

    @property
    def size(self) -> int:
        """Number of elements (NumPy's ``size``; ``numel()`` is the PyTorch spelling)."""
        return self._data.size

    def numel(self) -> int:
        return self._data.size

    def dim(self) -> int:
        return self._data.ndim

    @property
    def dtype(self) -> np.dtype:
        """nabla's dtype (NumPy's), whatever the array library holding the values."""
        if _OTHER_LIBRARIES[0]:
            return backend.numpy_dtype(self._data.dtype)
        return self._data.dtype

    @property
    def device(self) -> str:
        """Where the values live: "cpu" (NumPy), "cuda:0" (CuPy), "<library>:<device>" (another array API library)."""
        return devices.device_of(self._data)

    @property
    def T(self) -> Tensor:
        """The tensor with its axes reversed (``transpose()``)."""
        return ops.transpose(self)

    @property
    def mT(self) -> Tensor:
        """The last two axes swapped (batched matrix transpose)."""
        return ops.swapaxes(self, -1, -2)

    def __len__(self) -> int:
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    # --- conversion ------------------------------------------------------------------

    def numpy(self) -> np.ndarray:
        """The values as a NumPy array: this tensor's own memory, or a copy when it requires grad.

        PyTorch refuses ``numpy()`` on a tensor that requires grad (changing the array would silently
        change values the graph saved). nabla returns a copy there instead, the same as ``np.asarray(t)``
        and ``t.detach().numpy().copy()``: the graph stays safe, and TensorFlow and Keras material, which
        calls ``model(x).numpy()`` and ``loss.numpy()`` on such tensors, runs unchanged. Use
        ``t.detach().numpy()`` for an array that shares memory.
        """
        refuse_in_capture(_READS_VALUE)
        self._on_host("numpy()")
        return self._data.copy() if self._rg else self._data

    def _on_host(self, what: str) -> None:
        if not isinstance(self._data, (np.ndarray, np.generic)):
            raise TypeError(
                f"{what}: this tensor lives on {self.device}; copy it to the host first with t.cpu(), as in PyTorch"
            )

    def __array__(self, dtype=None, copy=None):
        refuse_in_capture(_READS_VALUE)
        self._on_host("np.asarray(t)")
        data = self._data.copy() if self._rg or copy else self._data
        return data if dtype is None else data.astype(dtype, copy=False)

    def item(self):
        """The value of a one-element tensor as a Python number."""
        refuse_in_capture(_READS_VALUE)
        if self._data.size != 1:
            raise ValueError(f"item() needs a tensor with one element, this one has shape {self.shape}")
        return backend.item(self._data)

    def tolist(self):
        refuse_in_capture(_READS_VALUE)
        return backend.to_host(self._data).tolist()

    def astype(self, dtype) -> Tensor:
        """This tensor converted to ``dtype`` (differentiable between float types)."""
        return ops.astype(self, dtype)

    def to(self, *args, device=None, dtype=None) -> Tensor:
        """This tensor on ``device`` and/or in ``dtype``, as PyTorch's ``t.to``: ``t.to("cuda")``,
        ``t.to(nb.float64)``, ``t.to("cpu", nb.float32)``, ``t.to(other)`` (other's device and dtype).

        Returns the tensor itself when nothing changes; otherwise a differentiable copy (the gradient
        moves back to this tensor's device). Device names: see :mod:`nabla.engine.devices`.
        """
        device, dtype = devices.to_arguments(args, device, dtype)
        out = self if dtype is None else self.astype(dtype)
        return out if device is None else ops.to_device(out, device)

    def cpu(self) -> Tensor:
        """This tensor on the host, as a NumPy-backed tensor (itself if it is there already)."""
        return self.to("cpu")

    def cuda(self, device: int | None = None) -> Tensor:
        """This tensor on a CUDA GPU (CuPy), GPU ``device`` or 0."""
        return self.to("cuda" if device is None else f"cuda:{device}")

    def float(self) -> Tensor:
        return self.astype(_dtypes.float32)

    def double(self) -> Tensor:
        return self.astype(_dtypes.float64)

    def long(self) -> Tensor:
        return self.astype(_dtypes.int64)

    def clone(self) -> Tensor:
        """A copy with its own memory that stays in the graph."""
        return ops.clone(self)

    def __bool__(self) -> bool:
        refuse_in_capture(_READS_VALUE)
        if self._data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor with {self._data.size} elements is ambiguous; use .any() or .all()"
            )
        return bool(backend.item(self._data))

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        refuse_in_capture(_READS_VALUE)
        if self.dtype.kind not in "iub" or self._data.size != 1:
            raise TypeError("only integer tensors with one element can be used as an index")
        return int(backend.item(self._data))

    def __format__(self, spec: str) -> str:
        """``f"{loss:.4f}"``: a 0-d tensor formats as its number, as in PyTorch; with an
        empty spec any tensor formats as ``str``; a spec on a larger tensor is a TypeError, as in PyTorch."""
        if spec and self._data.ndim == 0:
            return format(self.item(), spec)
        return object.__format__(self, spec) if spec else str(self)

    def __repr__(self) -> str:
        body = np.array2string(backend.to_host(self._data), separator=", ", prefix="tensor(", precision=4)
        extra = "" if isinstance(self._data, np.ndarray) else f", device='{self.device}'"
        if self.dtype not in (_dtypes.float32, _dtypes.int64, _dtypes.bool_):
            extra += f", dtype={self.dtype}"
        if self._node is not None:
            extra += f", grad_fn=<{self._node.name}>"
        elif self._rg:
            extra += ", requires_grad=True"
        return f"tensor({body}{extra})"

    def __reduce_ex__(self, protocol):
        # copy.copy / copy.deepcopy go through here, not through the constructors a capture watches.
        refuse_in_capture("copies a tensor (copy.copy, copy.deepcopy)")
        return super().__reduce_ex__(protocol)

    __hash__ = object.__hash__  # == is elementwise, so identity hashing is explicit

    # (the other in-place methods are in nabla.engine.inplace)
    def __setitem__(self, index, value) -> None:
        refuse_in_capture(_IN_PLACE)
        if isinstance(value, Tensor) and value._rg and GradMode.enabled:
            raise RuntimeError(
                "assigning a tensor that requires grad into another tensor is not differentiable in nabla; "
                "build the result with nb.where, nb.stack or nb.concatenate instead"
            )
        if self._rg and GradMode.enabled:
            self._inplace(None)  # raises the in-place error
        index = ops.index_arrays(index)
        self._data[index] = value._data if isinstance(value, Tensor) else value
        self._version.v += 1

    # --- operators -----------------------------------------------------------------------

    def __add__(self, other):
        return ops.add(self, other)

    def __radd__(self, other):
        return ops.add(other, self)

    def __sub__(self, other):
        return ops.sub(self, other)

    def __rsub__(self, other):
        return ops.sub(other, self)

    def __mul__(self, other):
        return ops.mul(self, other)

    def __rmul__(self, other):
        return ops.mul(other, self)

    def __truediv__(self, other):
        return ops.div(self, other)

    def __rtruediv__(self, other):
        return ops.div(other, self)

    def __pow__(self, other):
        return ops.pow(self, other)

    def __rpow__(self, other):
        return ops.pow(other, self)

    def __matmul__(self, other):
        return ops.matmul(self, other)

    def __rmatmul__(self, other):
        return ops.matmul(other, self)

    def __neg__(self):
        return ops.neg(self)

    def __pos__(self):
        return self

    def __abs__(self):
        return ops.abs(self)

    def __getitem__(self, index):
        return ops.getitem(self, index)

    def __lt__(self, other):
        return ops.less(self, other)

    def __le__(self, other):
        return ops.less_equal(self, other)

    def __gt__(self, other):
        return ops.greater(self, other)

    def __ge__(self, other):
        return ops.greater_equal(self, other)

    def __eq__(self, other):
        return ops.equal(self, other)

    def __ne__(self, other):
        return ops.not_equal(self, other)

    def __invert__(self):
        return ops.logical_not(self)

    def __and__(self, other):
        return ops.logical_and(self, other)

    def __or__(self, other):
        return ops.logical_or(self, other)


def _method(name: str, doc_from: str | None = None):
    """Expose ``ops.<name>`` as a method whose first argument is the tensor."""

    def method(self, *args, **kwargs):
        if name in _NUMPY_REDUCTIONS and ("out" in kwargs or "dtype" in kwargs):
            # NOTE: np.mean(t) calls t.mean(axis=None, dtype=None, out=None), keywords nabla's own methods do
            # not have: NumPy asked, so NumPy answers, as for an array (TensorFlow's tensors give the same)
            return getattr(np, name)(np.asarray(self), *args, **kwargs)
        return getattr(ops, name)(self, *args, **kwargs)

    method.__name__ = name
    method.__doc__ = f"Method form of :func:`nabla.{doc_from or name}`."
    return method


_NUMPY_REDUCTIONS = frozenset("sum mean prod max min var std any all argmax argmin".split())

# Methods that are exactly the function of the same name with the tensor first.
_SAME_AS_FUNCTIONS = """
    abs exp log log1p expm1 sqrt square sin cos tanh sigmoid relu
    sum mean prod max min var std logsumexp norm argmax argmin
    reshape flatten transpose permute swapaxes squeeze expand_dims unsqueeze broadcast_to split flip repeat tile
    clip clamp maximum minimum matmul dot softmax log_softmax pow any all
""".split()
for _name in _SAME_AS_FUNCTIONS:
    setattr(Tensor, _name, _method(_name))
Tensor.view = _method("reshape")
Tensor.expand = _method("broadcast_to")

# The one circle of the engine: a Tensor's methods are the operations and the backward walk, which are built
# on Tensor. They are imported last, once Tensor exists, and only called at run time.
from . import backward as _backward  # noqa: E402
from . import ops  # noqa: E402
