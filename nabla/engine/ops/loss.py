"""Loss functions, in their numerically stable forms, with PyTorch's arguments.

``reduction`` is ``"mean"`` (default), ``"sum"`` or ``"none"`` (per element).
Cross-entropy works from logits through log-softmax (never log of a
softmax); BCE-with-logits through the softplus form, so logits of 1e4 give
finite losses and gradients and NumPy never warns about overflow.
"""

from __future__ import annotations

import math

import numpy as np

from .. import backend, dtypes
from ..tensor import Tensor
from ..tracing import derive, recompute
from .activation import log_softmax
from .elementwise import abs as abs_
from .elementwise import astype, where
from .primitive import as_operand, ieee_results, primitive
from .reduce import mean, sum

_REDUCTIONS = ("mean", "sum", "none")


def _reduce(loss: Tensor, reduction: str, who: str) -> Tensor:
    if reduction == "mean":
        return mean(loss)
    if reduction == "sum":
        return sum(loss)
    if reduction == "none":
        return loss
    raise ValueError(f"{who}: reduction must be one of {_REDUCTIONS}, got {reduction!r}")


def _check_same_shape(input: Tensor, target: Tensor, who: str) -> None:
    if input.shape != target.shape:
        raise ValueError(
            f"{who}: input shape {input.shape} and target shape {target.shape} differ; "
            "reshape the target (e.g. y.reshape(-1, 1)) so that they match"
        )


def _kind(array) -> str:
    """The dtype kind of an array of any library ("f", "i", "u", "b")."""
    return backend.numpy_dtype(array.dtype).kind


def _float_target(target, like: Tensor) -> Tensor:
    if not isinstance(target, Tensor):
        # NOTE: straight to the input's dtype: through as_operand a list of
        # Python floats would become float32 first and lose precision in float64.
        return Tensor._make(recompute(np.array, target, like.dtype))
    if target.dtype != like.dtype:
        target = astype(target, like.dtype)
    return target


def mse_loss(input, target, reduction: str = "mean") -> Tensor:
    """Mean squared error ``(input - target)^2``."""
    input = as_operand(input)
    target = _float_target(target, input)
    _check_same_shape(input, target, "mse_loss")
    d = input - target
    return _reduce(d * d, reduction, "mse_loss")


def l1_loss(input, target, reduction: str = "mean") -> Tensor:
    """Mean absolute error ``|input - target|``."""
    input = as_operand(input)
    target = _float_target(target, input)
    _check_same_shape(input, target, "l1_loss")
    return _reduce(abs_(input - target), reduction, "l1_loss")


def huber_loss(input, target, reduction: str = "mean", delta: float = 1.0) -> Tensor:
    """Huber loss: ``0.5 d^2`` where ``|d| < delta``, else ``delta (|d| - 0.5 delta)`` (d = input - target)."""
    input = as_operand(input)
    target = _float_target(target, input)
    _check_same_shape(input, target, "huber_loss")
    d = input - target
    a = abs_(d)
    return _reduce(where(a < delta, 0.5 * d * d, delta * (a - 0.5 * delta)), reduction, "huber_loss")


# --- binary cross-entropy ------------------------------------------------------------


def _clamped_logs(xp, p):
    """``log p`` and ``log(1 - p)``, each clamped at -100 as PyTorch does (finite at p = 0 and 1).

    ``p`` holds probabilities (checked by :func:`binary_cross_entropy`).
    """
    if xp is backend.numpy_ns:
        # On arrays: log(0) = -inf, silenced, then clamped. Four NumPy calls where the form below needs ten.
        with np.errstate(divide="ignore"):
            return np.maximum(np.log(p), -100), np.maximum(np.log(1 - p), -100)
    # On Tensors (a gradient of the gradient): the log is taken only where its argument is positive, so that
    # the graph holds no log(0), whose derivative would turn the zero gradient of the clamp into NaN.
    log_p = xp.maximum(xp.where(p > 0, xp.log(xp.where(p > 0, p, 1)), -100), -100)
    log_q = xp.maximum(xp.where(p < 1, xp.log(xp.where(p < 1, 1 - p, 1)), -100), -100)
    return log_p, log_q


@primitive("binary_cross_entropy")
def _bce(xp, p, y):
    log_p, log_q = _clamped_logs(xp, p)
    return -(y * log_p + (1 - y) * log_q)


@_bce.defvjp
def _(xp, need, g, out, p, y):
    # PyTorch's rule: (p - y) / max(p (1 - p), 1e-12), finite at p = 0 and 1.
    gp = g * (p - y) / xp.maximum(p * (1 - p), 1e-12) if need[0] else None
    gy = None
    if need[1]:
        # The derivative of the clamped forward (+-100 at p = 0 or 1, where PyTorch gives inf).
        log_p, log_q = _clamped_logs(xp, p)
        gy = g * (log_q - log_p)
    return gp, gy


def binary_cross_entropy(input, target, weight=None, reduction: str = "mean") -> Tensor:
    """``-(y log p + (1 - y) log(1 - p))`` for probabilities ``p`` in [0, 1].

    Each log is clamped at -100 as in PyTorch, so p = 0 or 1 gives a finite
    loss. Prefer :func:`binary_cross_entropy_with_logits` on raw scores: it is
    exact where this one saturates.
    """
    input = as_operand(input)
    target = _float_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy")
    recompute(_check_probabilities, input)
    loss = _bce(input, target)
    if weight is not None:
        loss = loss * as_operand(weight)
    return _reduce(loss, reduction, "binary_cross_entropy")


def _check_probabilities(p: np.ndarray) -> None:
    # (Written so that NaN fails: NaN >= 0 is False. PyTorch refuses NaN here too. The ufuncs' own reductions
    # skip np.min's Python layer: 1.8 us less per call.)
    if not (np.minimum.reduce(p, axis=None, initial=0.0) >= 0 and np.maximum.reduce(p, axis=None, initial=1.0) <= 1):
        raise ValueError(
            "binary_cross_entropy: input must hold probabilities in [0, 1] (it holds a value outside, or NaN); "
            "for raw scores (logits) use binary_cross_entropy_with_logits"
        )


@primitive("binary_cross_entropy_with_logits")
def _bce_logits(xp, x, y, pos_weight):
    # NOTE: L = (1 - y) x + lw softplus(-x), lw = 1 + (pos_weight - 1) y, and
    # softplus(-x) = max(-x, 0) + log1p(exp(-|x|)) never overflows.
    softplus_neg = xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x)))
    lw = 1 if pos_weight is None else 1 + (pos_weight - 1) * y
    return (1 - y) * x + lw * softplus_neg


@_bce_logits.defvjp
def _(xp, need, g, out, x, y, pos_weight):
    s = xp.sigmoid(x)
    gx = gy = None
    if need[0]:
        gx = g * (s - y) if pos_weight is None else g * ((1 + (pos_weight - 1) * y) * s - pos_weight * y)
    if need[1]:
        gy = -g * x
        if pos_weight is not None:
            gy = gy + g * (pos_weight - 1) * (xp.maximum(-x, 0) + xp.log1p(xp.exp(-xp.abs(x))))
    return gx, gy, None


def binary_cross_entropy_with_logits(input, target, weight=None, reduction: str = "mean", pos_weight=None) -> Tensor:
    """Sigmoid + binary cross-entropy in one stable step, on raw scores (logits).

    ``L = -(y log sigmoid(x) + (1 - y) log(1 - sigmoid(x)))``, computed as
    ``(1 - y) x + softplus(-x)``; its gradient is ``sigmoid(x) - y``.
    ``pos_weight`` multiplies the loss of positive targets.
    """
    input = as_operand(input)
    target = _float_target(target, input)
    _check_same_shape(input, target, "binary_cross_entropy_with_logits")
    pw = None if pos_weight is None else recompute(_as_weight, pos_weight, input)
    loss = _bce_logits(input, target, pos_weight=pw)
    if weight is not None:
        loss = loss * as_operand(weight)
    return _reduce(loss, reduction, "binary_cross_entropy_with_logits")


# --- categorical cross-entropy --------------------------------------------------------


def one_hot(indices, num_classes: int = -1) -> Tensor:
    """Integer class indices to one-hot rows: shape (...,) -> (..., num_classes), int64 as in PyTorch.

    ``num_classes=-1`` takes the largest index + 1.
    """
    idx = indices if isinstance(indices, Tensor) else np.asarray(indices)
    if idx.dtype.kind not in "iu":
        raise TypeError(f"one_hot: indices must be integers, got {idx.dtype}")
    return Tensor._make(derive(_one_hot_rows, idx, num_classes))


def _one_hot_rows(idx: np.ndarray, num_classes: int) -> np.ndarray:
    if num_classes < 0:
        num_classes = int(idx.max()) + 1 if idx.size else 0
    if idx.size and (idx.min() < 0 or idx.max() >= num_classes):
        raise ValueError(f"one_hot: indices must lie in [0, {num_classes}), got values from {idx.min()} to {idx.max()}")
    return np.eye(num_classes, dtype=np.int64)[idx]


@primitive("gather", reads=())
def _gather(xp, x, index, axis):
    """``x`` at class ``index[...]`` along ``axis``, that axis dropped (NLL's gather; ``torch.gather`` with the
    index's axis squeezed)."""
    return xp.squeeze(xp.take_along_axis(x, xp.expand_dims(index, axis), axis), axis)


@_gather.defvjp
def _(xp, need, g, out, x, index, axis):
    # The gradient lands on the picked class only: g times a one-hot mask.
    mask = xp.moveaxis(xp.one_hot(index, x.shape[axis], g.dtype), -1, axis)
    return (xp.expand_dims(g, axis) * mask,)


def _check_indices(target: np.ndarray, num_classes: int, ignore_index: int, who: str) -> np.ndarray | None:
    """Raise on a class index out of range; return the mask of targets not ignored (None: all count)."""
    xp = backend.namespace(target)
    if not target.size:
        return xp.astype(xp.ones_like(target), dtypes.bool_)
    lo, hi = int(xp.min(target)), int(xp.max(target))
    if 0 <= lo and hi < num_classes and not lo <= ignore_index <= hi:
        return None  # the common case, settled by one min and one max
    valid = target != ignore_index
    if bool(xp.any(valid)):
        t = target[valid]
        lo, hi = int(xp.min(t)), int(xp.max(t))
        if lo < 0 or hi >= num_classes:
            bad = lo if lo < 0 else hi
            raise ValueError(
                f"{who}: target class {bad} is out of range for {num_classes} classes "
                f"(targets must lie in [0, {num_classes - 1}])"
            )
    return valid


def _class_targets(input: Tensor, target, weight, ignore_index: int, who: str):
    """Check integer class targets against ``input``; return (target with ignored entries set to 0,
    each target's weight as an array of input's dtype, 0 where ignored; None when every weight is 1)."""
    t = target._data if isinstance(target, Tensor) else _on_device_of(input, np.asarray(target))
    axis = 1 if input.ndim > 1 else 0
    if _kind(t) not in "iu":
        raise TypeError(
            f"{who}: target must hold integer class indices, got {t.dtype}; for probabilities "
            "use cross_entropy with a float target"
        )
    if t.shape != input.shape[:axis] + input.shape[axis + 1 :]:
        raise ValueError(
            f"{who}: target shape {t.shape} does not fit input shape {input.shape} "
            f"(expected {input.shape[:axis] + input.shape[axis + 1 :]})"
        )
    # (The tensors themselves, not their arrays: a replay reads their current values.)
    target = target if isinstance(target, Tensor) else t
    return derive(_target_arrays, target, input.shape[axis], weight, ignore_index, input.dtype, who)


def _target_arrays(t: np.ndarray, num_classes: int, weight, ignore_index: int, dtype, who: str):
    """The values part of :func:`_class_targets` (recomputed by every replay of a captured step)."""
    valid = _check_indices(t, num_classes, ignore_index, who)
    xp = backend.namespace(t)
    if valid is None:  # the common case: no target ignored
        # A copy (N integers): the graph keeps it, and the caller may reuse their array before backward.
        return xp.copy(t), (None if weight is None else xp.astype(xp.getitem(weight, t), dtype))
    safe_t = xp.where(valid, t, xp.zeros_like(t))
    w = xp.astype(xp.ones_like(xp.arange(num_classes)), dtype) if weight is None else weight
    w_t = xp.getitem(w, safe_t)
    return safe_t, xp.astype(xp.where(valid, w_t, xp.zeros_like(w_t)), dtype)


def _as_weight(weight, input: Tensor):
    """Class or positive weights: a Tensor as it is (a captured step reads its current values), else an array."""
    if weight is None or isinstance(weight, Tensor):
        return weight
    return _on_device_of(input, np.asarray(weight, dtype=input.dtype))


def _on_device_of(input, array: np.ndarray):
    """A target or weight given as data (NumPy, lists) joins the device of ``input`` (a Tensor, or its array
    when a replay recomputes), as operands do."""
    data = input._data if isinstance(input, Tensor) else input
    return array if isinstance(data, np.ndarray) else backend.to_device(array, data.device)


def nll_loss(input, target, weight=None, ignore_index: int = -100, reduction: str = "mean") -> Tensor:
    """Negative log-likelihood of class indices given log-probabilities: ``-w[t] * input[t]``.

    Shape: input (N, C) or (N, C, d1, ...) or (C,); target (N,) or (N, d1, ...) or ().
    The mean divides by the summed weights of the targets that are not ignored, as PyTorch does.
    """
    input = as_operand(input)
    safe_t, w_t = _class_targets(input, target, _as_weight(weight, input), ignore_index, "nll_loss")
    loss = -_gather(input, index=safe_t, axis=1 if input.ndim > 1 else 0)
    if w_t is not None:
        loss = loss * w_t
    if reduction == "mean":
        return _weighted_mean(loss, safe_t.size if w_t is None else recompute(_total, w_t))
    return _reduce(loss, reduction, "nll_loss")


def _total(w: np.ndarray) -> np.ndarray:
    return np.asarray(float(w.sum()))


@primitive("softmax_cross_entropy", reads=(0,))
@ieee_results  # (x - max(x) may overflow to -inf on logits spanning more than float32's range: its answer)
def _softmax_cross_entropy(xp, x, index, coef, reduce):
    """Rows of logits (N, C) -> ``coef * (logsumexp(x) - x[index])`` per row (N,), summed if ``reduce``.

    ``coef`` is a float or an array (N,) of the rows' factors (target weight / total weight for a mean).
    """
    shifted = x - xp.max(x, axis=1, keepdims=True)  # NOTE: exp(shifted) <= 1 never overflows
    per_row = xp.log(xp.sum(xp.exp(shifted), axis=1))
    per_row -= xp.getitem(shifted, (xp.arange(index.shape[0]), index))
    per_row *= coef
    return xp.sum(per_row) if reduce else per_row


@_softmax_cross_entropy.defvjp
def _(xp, need, g, out, x, index, coef, reduce):
    # d/dx of logsumexp(x) - x[t] is softmax(x) - onehot(t): one pass, no log-softmax node.
    if not reduce:
        g = xp.expand_dims(g, 1)  # (N,) -> (N, 1)
    scale = g * (coef if isinstance(coef, float) else coef[:, None])  # coef: a float or a constant array (N,)
    return ((xp.softmax(x, axis=1) - xp.one_hot(index, x.shape[1], x.dtype)) * scale,)


def _row_factors(safe_t: np.ndarray, w_t: np.ndarray | None, mean: bool):
    """Each row's factor in the fused cross-entropy: its target's weight, over the weights' sum for a mean
    (a float when every weight is 1); None for a mean over no target at all."""
    coef = 1.0 if w_t is None else w_t
    total = float(safe_t.size if w_t is None else w_t.sum()) if mean else 1.0
    if not total:
        return None
    return coef / total if w_t is None else coef * np.asarray(1.0 / total, dtype=w_t.dtype)


def _weighted_mean(total: Tensor, weight) -> Tensor:
    """``sum(total) / weight``; NaN when every target is ignored (weight 0), as in PyTorch.

    NOTE: the NaN is added, not multiplied, so that the gradient stays 0 (the
    ignored targets' terms are already multiplied by 0), as PyTorch's is.
    ``weight`` is a number (the count of targets) or, when it sums the targets'
    weights, a 0-d array (a captured step recomputes it, with no Python branch).
    """
    if isinstance(weight, np.ndarray):
        factor, nan = recompute(_mean_factors, weight, total.dtype)
        return sum(total) * Tensor._make(factor) + Tensor._make(nan)
    return sum(total) * (1.0 / weight) if weight else sum(total) + math.nan


def _mean_factors(weight: np.ndarray, dtype) -> tuple[np.ndarray, np.ndarray]:
    """(1 / weight, 0), or (0, NaN) for a weight of 0: the two terms of :func:`_weighted_mean`."""
    w = float(weight)
    return np.asarray(1.0 / w if w else 0.0, dtype=dtype), np.asarray(0.0 if w else math.nan, dtype=dtype)


def cross_entropy(
    input,
    target,
    weight=None,
    ignore_index: int = -100,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
) -> Tensor:
    """Softmax cross-entropy from raw scores (logits), computed as log-softmax + NLL.

    ``target`` is either class indices (integers, shape (N,) for input (N, C))
    or class probabilities (floats, the same shape as input). ``weight``
    rescales each class, ``ignore_index`` drops targets with that value,
    ``label_smoothing`` mixes the target with the uniform distribution:
    ``(1 - eps) * onehot + eps / C``. All as in PyTorch.

    Shape: input (N, C), (N, C, d1, ...) or (C,).
    """
    input = as_operand(input)
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"cross_entropy: label_smoothing must be in [0, 1], got {label_smoothing}")
    t = target._data if isinstance(target, Tensor) else _on_device_of(input, np.asarray(target))
    axis = 1 if input.ndim > 1 else 0
    num_classes = input.shape[axis]
    w = _as_weight(weight, input)
    if _kind(t) in "iu" and input.ndim == 2 and not label_smoothing and reduction in _REDUCTIONS:
        # The common case in one fused node, whose gradient is (softmax - onehot) * w[t] / sum(w[t]).
        safe_t, w_t = _class_targets(input, target, w, ignore_index, "cross_entropy")
        coef = derive(_row_factors, safe_t, w_t, reduction == "mean")
        if coef is not None:  # (a mean over no target at all is NaN: the general path below gives it)
            return _softmax_cross_entropy(input, index=safe_t, coef=coef, reduce=reduction != "none")
    logp = log_softmax(input, axis=axis)
    wshape = [1] * input.ndim
    wshape[axis] = num_classes

    if _kind(t) == "f":
        if t.shape != input.shape:
            raise ValueError(
                f"cross_entropy: float targets are class probabilities and need the input's shape {input.shape}, "
                f"got {t.shape}; for class indices pass an integer tensor"
            )
        probs = _float_target(target, input)
        if label_smoothing:
            probs = probs * (1 - label_smoothing) + label_smoothing / num_classes
        terms = logp * probs if w is None else logp * probs * w.reshape(wshape)
        loss = -sum(terms, axis=axis)
        if reduction == "mean":
            return sum(loss) * (1.0 / (loss.size or 1))
        return _reduce(loss, reduction, "cross_entropy")

    if _kind(t) not in "iu":
        raise TypeError(f"cross_entropy: target must be integer class indices or float probabilities, got {t.dtype}")
    nll = nll_loss(logp, t, weight=w, ignore_index=ignore_index, reduction=reduction)
    if not label_smoothing:
        return nll
    # PyTorch: (1 - eps) * nll + eps / C * sum_c (-w_c logp_c), over the targets kept.
    target = target if isinstance(target, Tensor) else t
    valid = recompute(_kept_rows, target, ignore_index, input.dtype)
    terms = logp if w is None else logp * w.reshape(wshape)
    smooth = -sum(terms, axis=axis) * valid
    if reduction == "mean":
        smooth = _weighted_mean(smooth, recompute(_kept_weight, target, valid, w))
    else:
        smooth = _reduce(smooth, reduction, "cross_entropy")
    return nll * (1 - label_smoothing) + smooth * (label_smoothing / num_classes)


def _kept_rows(t: np.ndarray, ignore_index: int, dtype) -> np.ndarray:
    """1 where the target is not ``ignore_index``, else 0, in ``dtype``."""
    return (t != ignore_index).astype(dtype)


def _kept_weight(t: np.ndarray, kept: np.ndarray, w: np.ndarray | None) -> np.ndarray:
    """The summed weight of the targets kept (their count without class weights), as a 0-d array."""
    valid = kept.astype(bool)
    return np.asarray(float(valid.sum()) if w is None else float(w[np.where(valid, t, 0)][valid].sum()))
