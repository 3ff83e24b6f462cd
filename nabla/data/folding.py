"""Folding a feature scaling into a trained network, so that it takes raw inputs and gives raw targets.

A network trained on scaled inputs ``x' = x * a + c`` (a :class:`StandardScaler`: ``a = 1 /
scale_``, ``c = -mean_ / scale_``) starts with an affine layer ``x' @ W + b``. Since both maps
are affine, the scaling folds into that layer exactly::

    (x * a + c) @ W + b  =  x @ (a[:, None] * W)  +  (c @ W + b)

and a target scaling ``y' = y * e + f`` undone on the last affine layer (linear output)::

    (h @ W + b - f) / e  =  h @ (W / e)  +  (b - f) / e

After folding, the model needs no scaler beside it: save it, and it predicts from raw
measurements, in the target's units.
"""

from __future__ import annotations

import numpy as np

__all__ = ["fold_scaling"]


def _affine(scaling, n: int, who: str) -> tuple[np.ndarray, np.ndarray]:
    """``(a, c)`` such that the scaling maps ``x`` to ``x * a + c``, in float64, each of shape ``(n,)``.

    ``scaling`` is a fitted scaler (any per-feature affine ``transform``: StandardScaler,
    MinMaxScaler) or a pair ``(shift, scale)`` meaning ``(x - shift) / scale``.
    """
    if isinstance(scaling, tuple) and len(scaling) == 2:
        shift, scale = (np.broadcast_to(np.asarray(v, np.float64), (n,)) for v in scaling)
        if not np.all(np.isfinite(scale)) or np.any(scale == 0):
            raise ValueError(f"fold_scaling: the {who} scale must be finite and non-zero")
        return 1.0 / scale, -shift / scale
    if not hasattr(scaling, "transform"):
        raise TypeError(
            f"fold_scaling: the {who} scaling must be a fitted scaler or a pair (shift, scale), "
            f"got {type(scaling).__name__}"
        )
    # NOTE: an affine per-feature map is fixed by its values at 0 and at 1.
    c = np.asarray(scaling.transform(np.zeros((1, n))), np.float64).reshape(n)
    a = np.asarray(scaling.transform(np.ones((1, n))), np.float64).reshape(n) - c
    return a, c


def _affine_layers(model) -> list:
    """The modules with weights, in the order they were registered (the order of a Sequential's layers)."""
    with_weights = [m for m in model.modules() if any(True for _ in m.parameters(recurse=False))]
    if not with_weights:
        raise ValueError("fold_scaling: the model has no weights (build it, or call it on data, first)")
    return with_weights


def _kernel(layer, where: str) -> tuple[object, object, bool]:
    """``(kernel, bias, transposed)`` of a Keras Dense (kernel ``(in, out)``) or an nn.Linear (weight ``(out, in)``)."""
    if hasattr(layer, "kernel") and hasattr(layer, "units"):
        weight, transposed = layer.kernel, False
    elif hasattr(layer, "weight") and hasattr(layer, "in_features"):
        weight, transposed = layer.weight, True
    else:
        raise ValueError(
            f"fold_scaling: the {where} layer with weights is a {type(layer).__name__}; a scaling folds only into "
            "a Dense or Linear layer"
        )
    bias = getattr(layer, "bias", None)
    if bias is None:
        raise ValueError(f"fold_scaling: the {where} {type(layer).__name__} has no bias, which the folding needs")
    return weight, bias, transposed


def fold_scaling(model, inputs=None, targets=None) -> None:
    """Fold the scalings a model was trained with into its first and last layers, in place.

    Afterwards ``model(x_raw)`` equals what ``model(inputs.transform(x_raw))`` was, and with
    ``targets``, ``targets.inverse_transform`` of it: the model takes raw features and answers
    in the target's units. Exact up to float32 rounding (computed in float64).

    Args:
        model: a Keras-style model whose first layer with weights is a ``Dense``, or an
            ``nn.Module`` whose first is an ``nn.Linear``; for ``targets``, its last layer must be
            one too, with no activation after it (a regression output).
        inputs: the input scaling it was trained on: a fitted scaler
            (:class:`~nabla.data.StandardScaler`, :class:`~nabla.data.MinMaxScaler`) or a pair
            ``(shift, scale)`` meaning ``(x - shift) / scale`` (``(0, 255)`` for pixels). None: none.
        targets: the target scaling, the same kinds; None when the targets were not scaled.

    Example::

        >>> scaler, y_scaler = nb.data.StandardScaler().fit(X), nb.data.StandardScaler().fit(y)
        >>> model.fit(scaler.transform(X), y_scaler.transform(y), epochs=100)
        >>> nb.data.fold_scaling(model, scaler, y_scaler)
        >>> model.predict(X_raw)  # in the target's units, no scaler needed
    """
    layers = _affine_layers(model)
    if inputs is not None:
        weight, bias, transposed = _kernel(layers[0], "first")
        w = weight.detach().numpy().astype(np.float64)
        kernel = w.T if transposed else w  # (in, out)
        a, c = _affine(inputs, kernel.shape[0], "input")
        new_bias = bias.detach().numpy().astype(np.float64) + c @ kernel
        kernel = a[:, None] * kernel
        weight.data = (kernel.T if transposed else kernel).astype(weight.detach().numpy().dtype)
        bias.data = new_bias.astype(bias.detach().numpy().dtype)
    if targets is not None:
        last = layers[-1]
        leaves = [m for m in model.modules() if not any(True for _ in m.children())]
        config = last.get_config() if hasattr(last, "get_config") else {}
        if leaves[-1] is not last or config.get("activation", "linear") not in ("linear", None):
            raise ValueError(
                "fold_scaling: the targets' scaling folds only into a last Dense/Linear layer with a linear output "
                "(no activation after it)"
            )
        weight, bias, transposed = _kernel(last, "last")
        w = weight.detach().numpy().astype(np.float64)
        kernel = w.T if transposed else w
        e, f = _affine(targets, kernel.shape[1], "target")
        kernel = kernel / e
        new_bias = (bias.detach().numpy().astype(np.float64) - f) / e
        weight.data = (kernel.T if transposed else kernel).astype(weight.detach().numpy().dtype)
        bias.data = new_bias.astype(bias.detach().numpy().dtype)
