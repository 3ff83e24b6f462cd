"""Reductions with TensorFlow's names and rules: ``tf.reduce_sum``, ``tf.reduce_mean``, ``tf.argmax``...

Each takes ``axis`` (None: all axes; an int; a list or tuple) and ``keepdims``, and computes with one of
nabla's reductions. Where TensorFlow differs from PyTorch and NumPy, these follow TensorFlow:

- an integer tensor's sum, product, max and min keep its dtype (NumPy would widen int32 to int64), and its
  mean is an integer, rounded toward zero (``tf.reduce_mean(tf.constant([1, 2]))`` is 1);
- ``argmax`` / ``argmin`` reduce axis 0 when ``axis`` is None (not the flattened tensor) and return int64
  unless ``output_type`` says otherwise;
- ``reduce_std`` / ``reduce_variance`` are the population statistics (divide by N);
- ``reduce_max`` / ``reduce_min`` share the gradient evenly among tied extremes, as TensorFlow does.
"""

from __future__ import annotations

from collections import namedtuple

import numpy as np

import nabla as nb

from ._convert import apply, as_tf, axis_arg, tensor_arg
from ._engine import recompute
from .dtypes import numpy_dtype
from .errors import InvalidArgumentError
from .math_ops import _floats_only, _no_grad, maximum, multiply, rsqrt


def _keeping_dtype(engine_fn, x, axis, keepdims):
    """``engine_fn`` over ``axis``, cast back to x's dtype when NumPy widened an integer result."""
    if x._data.dtype.kind == "b" and engine_fn in (nb.sum, nb.prod):
        raise InvalidArgumentError(f"tf.reduce_{engine_fn.__name__} does not take bool tensors: tf.cast them first")
    out = apply(engine_fn, x, axis=axis_arg(axis), keepdims=bool(keepdims))
    return out if out._data.dtype == x._data.dtype else apply(nb.astype, out, x._data.dtype)


def reduce_sum(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_sum``: the sum over ``axis`` (all axes when None). Integers keep their dtype."""
    return _keeping_dtype(nb.sum, tensor_arg(input_tensor), axis, keepdims)


def reduce_prod(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_prod``: the product over ``axis``."""
    return _keeping_dtype(nb.prod, tensor_arg(input_tensor), axis, keepdims)


def reduce_max(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_max``: the largest value over ``axis``; tied maxima share the gradient evenly."""
    return _keeping_dtype(nb.max, tensor_arg(input_tensor), axis, keepdims)


def reduce_min(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_min``: the smallest value over ``axis``; tied minima share the gradient evenly."""
    return _keeping_dtype(nb.min, tensor_arg(input_tensor), axis, keepdims)


def _integer_mean(x, axis, keepdims):
    total = np.sum(x, axis=axis, keepdims=keepdims, dtype=np.int64)
    count = x.size // max(total.size, 1) if x.size else 1
    quotient = np.abs(total) // count * np.sign(total)  # rounded toward zero, as C++ integer division
    return np.asarray(quotient.astype(x.dtype))


def reduce_mean(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_mean``: the mean over ``axis``. An integer tensor's mean is an integer of its dtype,
    rounded toward zero, as in TensorFlow (convert first with ``tf.cast`` for the exact mean)."""
    x = tensor_arg(input_tensor)
    if x._data.dtype.kind in "iu":
        return _no_grad(_integer_mean, x, axis_arg(axis), bool(keepdims))
    return apply(nb.mean, x, axis=axis_arg(axis), keepdims=bool(keepdims))


def reduce_variance(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.math.reduce_variance``: the population variance (divided by N) over ``axis``."""
    x = tensor_arg(input_tensor)
    _floats_only(x, "reduce_variance")
    return apply(nb.var, x, axis=axis_arg(axis), keepdims=bool(keepdims))


def reduce_std(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.math.reduce_std``: the population standard deviation (divided by N) over ``axis``."""
    x = tensor_arg(input_tensor)
    _floats_only(x, "reduce_std")
    return apply(nb.std, x, axis=axis_arg(axis), keepdims=bool(keepdims))


def reduce_logsumexp(input_tensor, axis=None, keepdims=False, name=None):
    """``tf.reduce_logsumexp``: log(sum(exp(x))) over ``axis``, computed stably."""
    x = tensor_arg(input_tensor)
    _floats_only(x, "reduce_logsumexp")
    return apply(nb.logsumexp, x, axis=axis_arg(axis), keepdims=bool(keepdims))


def _bool_reduction(fn, name: str):
    def op(input_tensor, axis=None, keepdims=False, name=None):
        x = tensor_arg(input_tensor)
        if x._data.dtype.kind != "b":
            raise InvalidArgumentError(f"{op.__name__} takes a bool tensor, got {x._data.dtype}")
        return _no_grad(_reduction, fn, x, axis_arg(axis), bool(keepdims))

    op.__name__ = op.__qualname__ = name
    op.__doc__ = f"``tf.{name}``: {fn.__name__} of a bool tensor over ``axis``."
    return op


def _reduction(fn, x, axis, keepdims):
    return np.asarray(fn(x, axis=axis, keepdims=keepdims))


reduce_all = _bool_reduction(np.all, "reduce_all")
reduce_any = _bool_reduction(np.any, "reduce_any")


def _arg_extremum(fn, x, axis, dtype):
    return np.asarray(fn(x, axis=axis)).astype(dtype)


def argmax(input, axis=None, output_type=np.int64, name=None):  # noqa: A002 - TensorFlow's name
    """``tf.argmax``: the index of the largest value along ``axis`` (axis 0 when None, as TensorFlow),
    int64 unless ``output_type`` is int32. No gradient."""
    x = tensor_arg(input)
    return _no_grad(_arg_extremum, np.argmax, x, axis_arg(axis) or 0, numpy_dtype(output_type))


def argmin(input, axis=None, output_type=np.int64, name=None):  # noqa: A002
    """``tf.argmin``: the index of the smallest value along ``axis`` (axis 0 when None). No gradient."""
    x = tensor_arg(input)
    return _no_grad(_arg_extremum, np.argmin, x, axis_arg(axis) or 0, numpy_dtype(output_type))


def _count_nonzero(x, axis, keepdims, dtype):
    return np.asarray(np.count_nonzero(x, axis=axis, keepdims=keepdims)).astype(dtype)


def count_nonzero(input, axis=None, keepdims=None, dtype=np.int64, name=None):  # noqa: A002
    """``tf.math.count_nonzero``: how many elements are not zero (not False) over ``axis``; int64."""
    return _no_grad(_count_nonzero, tensor_arg(input), axis_arg(axis), bool(keepdims), numpy_dtype(dtype))


def cumsum(x, axis=0, exclusive=False, reverse=False, name=None):
    """``tf.math.cumsum``: running sums along ``axis`` (``exclusive``: each sum leaves its own element
    out; ``reverse``: from the end). Differentiable: a product with a triangular matrix of ones (n^2 work
    along the axis: meant for the short axes of course material)."""
    x = tensor_arg(x)
    axis = int(axis) % max(x.ndim, 1)
    n = x.shape[axis]
    tri = nb.from_numpy(recompute(_summing_matrix, n, bool(exclusive), bool(reverse), x._data.dtype))
    moved = apply(nb.moveaxis, x, axis, -1)
    summed = apply(nb.matmul, moved, tri) if n else moved
    return apply(nb.moveaxis, summed, -1, axis)


def _summing_matrix(n: int, exclusive: bool, reverse: bool, dtype) -> np.ndarray:
    """Column j selects the elements output j sums: i <= j (i >= j from the end), i != j if exclusive."""
    i, j = np.arange(n)[:, None], np.arange(n)[None, :]
    keep = (i >= j) if reverse else (i <= j)
    if exclusive:
        keep &= i != j
    return keep.astype(dtype)


TopKV2 = namedtuple("TopKV2", ["values", "indices"])


def _top_k_indices(x, k):
    order = np.argsort(-x, axis=-1, kind="stable")  # ties: the lower index first, as TensorFlow
    return np.asarray(order[..., :k].astype(np.int32))


def take_along_last_axis(x, indices):
    """``x[..., indices]`` row by row (NumPy's take_along_axis on the last axis), differentiable."""
    lead = x.shape[:-1]
    grids = [nb.reshape(nb.arange(n), (1,) * i + (n,) + (1,) * (len(lead) - i)) for i, n in enumerate(lead)]
    return apply(nb.getitem, x, (*grids, indices))


def top_k(input, k=1, sorted=True, name=None):  # noqa: A002
    """``tf.math.top_k``: the ``k`` largest values along the last axis and their indices (int32), largest
    first. The values are differentiable (the gradient goes back to the chosen elements)."""
    x = tensor_arg(input)
    if not 0 <= k <= (x.shape[-1] if x.ndim else 0):
        raise InvalidArgumentError(f"top_k: input must have at least k={k} columns, got shape {x.shape}")
    indices = nb.from_numpy(recompute(_top_k_indices, x, k))
    return TopKV2(take_along_last_axis(x, indices), as_tf(indices))


def _l2_normalize_axis(x, axis):
    axis = axis_arg(axis)
    return tuple(range(x.ndim)) if axis is None else axis


def l2_normalize(x, axis=None, epsilon=1e-12, name=None):
    """``tf.math.l2_normalize``: x / sqrt(max(sum(x ** 2), epsilon)) over ``axis`` (all axes if None)."""
    x = tensor_arg(x)
    squares = reduce_sum(multiply(x, x), _l2_normalize_axis(x, axis), keepdims=True)
    return multiply(x, rsqrt(maximum(squares, float(epsilon))))


def _confusion(labels, predictions, num_classes, weights, dtype):
    counts = np.zeros((num_classes, num_classes), dtype=dtype)
    np.add.at(counts, (labels, predictions), 1 if weights is None else weights.astype(dtype))
    return counts


def confusion_matrix(labels, predictions, num_classes=None, weights=None, dtype=np.int32, name=None):
    """``tf.math.confusion_matrix(labels, predictions)``: counts[i, j] of examples of class i predicted as
    class j (int32; ``num_classes`` defaults to the largest label or prediction + 1). No gradient."""
    y, p = tensor_arg(labels), tensor_arg(predictions)
    if num_classes is None:
        num_classes = int(max(y.numpy().max(initial=-1), p.numpy().max(initial=-1))) + 1
    w = None if weights is None else tensor_arg(weights)
    return _no_grad(_confusion, y, p, int(num_classes), w, numpy_dtype(dtype))
