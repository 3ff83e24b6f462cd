"""A tensor's in-place methods (``t += 1``, ``t.mul_(2)``, ``t[i] = v``, ``t.copy_(src)``...), on any device.

In-place changes bump the tensor's version counter, so that a backward pass that needs the old values
raises instead of giving wrong gradients. On NumPy the update is a ufunc with ``out=`` (no temporary);
on another array library it is that library's in-place operator, so the values stay on their device.
:class:`InPlace` is a base of :class:`nabla.engine.tensor.Tensor`, which supplies ``_data``,
``_version`` and ``_rg``.
"""

from __future__ import annotations

import operator

import numpy as np

from . import backend, devices
from .grad_mode import GradMode
from .tracing import refuse_in_capture

IN_PLACE = "changes a tensor in place (t += 1, t[i] = v, t.data = v, an in-place method)"


def _augmented(op, method):
    """``t += x`` (and ``-=``, ``*=``, ``/=``): ``method`` in place, except on an intermediate that requires
    grad, where it is ``op(t, x)``, a new tensor that the name is rebound to.

    This is what ``loss += sum(model.losses)`` in a training loop needs: TensorFlow and JAX tensors are
    immutable, so there too the name is rebound and the gradient flows through the sum. Other names for the
    old tensor keep its values (PyTorch would change them). A leaf that requires grad is still refused, as
    in PyTorch, and the ``add_`` methods are always in place.
    """

    def augmented(self, other):
        if self._rg and GradMode.enabled and self._node is not None:
            return op(self, other)
        return method(self, other)

    augmented.__name__ = f"__i{op.__name__}__"
    return augmented


class InPlace:
    """The in-place methods of a Tensor."""

    __slots__ = ()
    # In-place changes bump the version counter, so that a backward pass that
    # needs the old values raises instead of giving wrong gradients.

    def _inplace(self, value) -> InPlace:
        refuse_in_capture(IN_PLACE)
        if self._rg and GradMode.enabled:
            raise RuntimeError(
                "in-place operation on a tensor that requires grad: write y = x + 1 instead of x += 1, "
                "or do the update inside `with nb.no_grad():`"
            )
        value = value._data if isinstance(value, InPlace) else value
        self._data[...] = value
        self._version.v += 1
        return self

    def _inplace_ufunc(self, ufunc, other, name: str) -> InPlace:
        """``self = ufunc(self, other)`` written straight into this tensor's memory (no temporary)."""
        refuse_in_capture(IN_PLACE)
        if self._rg and GradMode.enabled:
            self._inplace(None)  # raises the in-place error
        other = other._data if isinstance(other, InPlace) else other
        if not isinstance(self._data, np.ndarray):
            return self._inplace_standard(ufunc, other, name)
        try:
            ufunc(self._data, other, out=self._data, casting="same_kind")
        except TypeError:
            # As PyTorch: a result that needs a wider kind (int tensor += 0.5,
            # int tensor /= 2) is an error, not silently truncated on the way back in.
            result = ufunc.resolve_dtypes((self._data.dtype, np.asarray(other).dtype, None))[-1]
            raise RuntimeError(
                f"{name}: the result has dtype {result}, which cannot be stored in place in a "
                f"{self._data.dtype} tensor; compute out of place or convert first: t = t.astype(nb.float32)"
            ) from None
        self._version.v += 1
        return self

    _STANDARD_INPLACE = {np.add: operator.iadd, np.subtract: operator.isub, np.multiply: operator.imul}

    def _inplace_standard(self, ufunc, other, name: str) -> InPlace:
        """The in-place update on another array library: its in-place operator, on its device."""
        if isinstance(other, np.ndarray):
            raise devices.mixed(name, [self._data, other])
        op = self._STANDARD_INPLACE.get(ufunc, operator.itruediv)
        if self.dtype.kind != "f" and (op is operator.itruediv or isinstance(other, float)):
            raise RuntimeError(
                f"{name}: the result is floating point, which cannot be stored in place in a {self.dtype} tensor; "
                "compute out of place or convert first: t = t.astype(nb.float32)"
            )
        self._data = op(self._data, other)  # (the standard's in-place operators write into the array)
        self._version.v += 1
        return self

    def add_(self, other, alpha: float = 1) -> InPlace:
        if alpha != 1:
            other = alpha * (other._data if isinstance(other, InPlace) else other)
        return self._inplace_ufunc(np.add, other, "add_")

    def sub_(self, other, alpha: float = 1) -> InPlace:
        if alpha != 1:
            other = alpha * (other._data if isinstance(other, InPlace) else other)
        return self._inplace_ufunc(np.subtract, other, "sub_")

    def mul_(self, other) -> InPlace:
        return self._inplace_ufunc(np.multiply, other, "mul_")

    def div_(self, other) -> InPlace:
        return self._inplace_ufunc(np.true_divide, other, "div_")

    def zero_(self) -> InPlace:
        return self._inplace(0)

    def fill_(self, value) -> InPlace:
        return self._inplace(value)

    def copy_(self, src) -> InPlace:
        """Copy ``src``'s values into this tensor, from any device (as PyTorch's ``copy_``)."""
        src = backend.to_device(
            src._data if isinstance(src, InPlace) else np.asarray(src), devices.device_of(self._data)
        )
        return self._inplace(backend.namespace(src).broadcast_to(src, self.shape))

    def clamp_(self, min=None, max=None) -> InPlace:
        if isinstance(self._data, np.ndarray):
            return self._inplace(np.clip(self._data, min, max))
        return self._inplace(backend.namespace(self._data).clip(self._data, min, max))

    __iadd__ = _augmented(operator.add, add_)
    __isub__ = _augmented(operator.sub, sub_)
    __imul__ = _augmented(operator.mul, mul_)
    __itruediv__ = _augmented(operator.truediv, div_)
