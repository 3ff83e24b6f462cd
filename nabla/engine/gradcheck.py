"""Gradient checking: the course's "naive approach" (finite differences) as a tool.

Backpropagation is exact but easy to get wrong when writing a new operation;
central differences ``(f(x + eps) - f(x - eps)) / 2 eps`` are slow (two
evaluations per input element) but need nothing but the forward pass. When
the two agree, the gradient is right.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .backward import grad as autograd_grad
from .grad_mode import no_grad
from .tensor import Tensor


def _scalar_output(f: Callable, inputs) -> float:
    out = f(*inputs)
    return float(np.sum(out._data if isinstance(out, Tensor) else out, dtype=np.float64))


def numerical_grad(f: Callable, *inputs: Tensor, eps: float = 1e-6) -> list:
    """Central finite-difference gradient of ``sum(f(*inputs))`` for each input, in float64.

    Floating-point inputs are converted to float64 before perturbing (float32
    rounding would swamp the differences); other inputs (integer class
    indices, masks) are passed unchanged. Returns one float64 NumPy array per
    floating-point input, None for the others.
    """
    xs = [_as_float64(t) for t in inputs]
    grads = []
    with no_grad():
        for x in xs:
            if not (isinstance(x, Tensor) and x.dtype == np.float64):
                grads.append(None)
                continue
            g = np.zeros_like(x._data)
            flat, gflat = x._data.reshape(-1), g.reshape(-1)
            for i in range(flat.size):
                old = flat[i]
                flat[i] = old + eps
                up = _scalar_output(f, xs)
                flat[i] = old - eps
                down = _scalar_output(f, xs)
                flat[i] = old
                gflat[i] = (up - down) / (2 * eps)
            grads.append(g)
    return grads


def _as_float64(x):
    """A float64 copy of a floating-point Tensor or array; anything else unchanged."""
    data = x._data if isinstance(x, Tensor) else x
    if not isinstance(data, np.ndarray) or data.dtype.kind != "f":
        return x
    return Tensor._make(np.array(data, dtype=np.float64))


class GradcheckError(AssertionError):
    """Raised by :func:`gradcheck` when analytic and numerical gradients differ."""


def gradcheck(
    f: Callable,
    *inputs: Tensor,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Compare backprop's gradient of ``sum(f(*inputs))`` with finite differences.

    Checks every input that requires grad. Run it in float64 (pass float64
    inputs): float32 differences are too coarse for tight tolerances. On a
    mismatch it raises :class:`GradcheckError` naming the input, the worst
    element, both values and the relative error (or returns False with
    ``raise_exception=False``).
    """
    inputs = list(inputs)
    which = [i for i, t in enumerate(inputs) if isinstance(t, Tensor) and t.requires_grad]
    if not which:
        raise ValueError("gradcheck: no input requires grad; create them with requires_grad=True")
    out = f(*inputs)
    total = out.sum() if out.size != 1 else out
    analytic = autograd_grad(total, [inputs[i] for i in which], allow_unused=True)
    numeric = numerical_grad(f, *inputs, eps=eps)
    for i, ga in zip(which, analytic):
        ga = np.zeros(inputs[i].shape) if ga is None else ga._data.astype(np.float64)
        gn = numeric[i]
        err = np.abs(ga - gn)
        bad = ~(err <= atol + rtol * np.abs(gn))  # NaN compares False, so it counts as bad
        if bad.any():
            k = np.unravel_index(np.argmax(np.where(bad, err, -1)), ga.shape) if ga.ndim else ()
            rel = err[k] / max(abs(gn[k]), 1e-300)
            msg = (
                f"gradcheck: input {i} (shape {inputs[i].shape}) at index {tuple(int(j) for j in k)}: "
                f"backprop gives {ga[k]:.8g}, finite differences {gn[k]:.8g} (relative error {rel:.3g})"
            )
            if raise_exception:
                raise GradcheckError(msg)
            return False
    return True
