"""Checks run before training starts: wrong loss/activation pairs warn once, impossible labels raise.

These catch the classic mistakes of a first network: a softmax output fed
to a loss that expects logits (or raw scores to one that expects
probabilities), a sigmoid with categorical cross-entropy, class labels that
do not fit the output, regression targets given to a classification loss,
images given to ``Dense`` without ``Flatten``, data that does not match the
declared ``input_shape``. Errors name the shapes of the user's data (not of
the two samples the checks run); warnings point at the user's ``fit`` line.
"""

from __future__ import annotations

import numpy as np

from .. import activations
from .._engine import Tensor
from ..symbolic import probe_calls
from ..utils.traceback_utils import warn
from .data_adapter import unwrap


class ModelConfigWarning(UserWarning):
    """A combination of output activation, loss and labels that is probably a mistake."""


def _last_activation(model, layers: list | None = None) -> str | None:
    """Name of the activation applied last in a Sequential-like model (or by the last of ``layers``), if it can
    be seen."""
    layers = getattr(model, "layers", []) if layers is None else layers
    for layer in reversed(layers):
        fn = getattr(layer, "activation", None)
        if fn is not None:
            return activations.name_of(fn)
        if type(layer).__name__ not in ("Dropout", "Flatten"):
            return None
    return None


def _warn(message: str) -> None:
    warn(message, ModelConfigWarning)


def check_arrays(x: np.ndarray, y: np.ndarray) -> None:
    """As many samples as labels, and no NaN or infinity in a float ``x``."""
    if len(x) != len(y):
        raise ValueError(f"x and y have different lengths: {len(x)} samples vs {len(y)} labels")
    if x.dtype.kind == "f" and not np.isfinite(x).all():
        bad = int(np.argwhere(~np.isfinite(x.reshape(len(x), -1)))[0, 0])
        raise ValueError(f"x holds NaN or infinite values (first in sample {bad}); clean or impute the data first")


def probe(model, x: np.ndarray) -> Tensor:
    """The model's outputs for the first two samples of ``x``: where a wrong input shape shows first.

    When they fail and ``x`` does not have the shape the model takes (declared with ``input_shape=``
    or ``Input(shape=...)``, or the shape it was built on), the error names ``x``'s shape, not the
    two samples'.
    """
    declared = getattr(model, "input_shape", None) or model._build_input_shape
    try:
        with probe_calls():  # (a stateful layer keeps nothing from it)
            return unwrap(model(model._placed(x[:2])))
    except ValueError as e:
        if declared is None or _fits(tuple(declared[1:]), x.shape[1:]):
            raise
        expected = tuple(declared[1:])
        raise ValueError(
            f"x has shape {x.shape}, so samples of shape {x.shape[1:]}, but model '{model.name}' takes samples of "
            f"shape {expected} (from input_shape= or Input(shape=...) on its first layer, or from the data it was "
            f"built on): give input_shape={x.shape[1:]} to the first layer, or pass data of shape (N, "
            f"{', '.join(map(str, expected))})"
        ) from e


def _fits(expected: tuple, shape: tuple) -> bool:
    return len(expected) == len(shape) and all(e is None or e == s for e, s in zip(expected, shape))


def check_before_training(model, x: np.ndarray, y: np.ndarray) -> Tensor:
    """Every check of this module on ``(x, y)``; returns the model's outputs for the first two samples."""
    check_arrays(x, y)
    out = probe(model, x)
    if model._compile_loss is not None:  # (None: a model of yours computes its own loss in its train_step)
        check_setup(model, y, out)
        check_loss_fits(model, y, out)  # raises a clear error for labels of the wrong shape
    return out


def check_loss_fits(model, y: np.ndarray, out: Tensor, loss=None) -> None:
    """Run the loss (``loss``: one output's, in a model of several) on the first samples' outputs; an error
    names ``y``'s shape and the outputs' for all of ``y``."""
    try:
        (loss or model._compile_loss)(y[: len(out)], out)
    except ValueError as e:
        outputs = (len(y), *out.shape[1:])
        raise ValueError(
            f"y of shape {y.shape} does not fit the model's outputs, of shape {outputs}; on the first "
            f"{len(out)} samples the loss says: {e}"
        ) from None


def _check_outputs_per_sample(model, y: np.ndarray, out: Tensor, loss) -> None:
    """Raise when the outputs keep axes of the input (Dense on images without Flatten) but y has one target a sample.

    Dense acts on the last axis only, so images of shape (28, 28) give outputs of shape (28, units): one row
    per image row. Targets of one value (or one row) per sample then cannot fit; only sparse labels with one
    class per position (a sequence's labels, shape (N, 28)) can.
    """
    if out.ndim < 3 or y.ndim > 2:
        return
    positions = out.shape[1:-1]
    if loss.name == "sparse_categorical_crossentropy" and y.shape[1:] in (positions, positions + (1,)):
        return
    outputs = (len(y), *out.shape[1:])
    built = getattr(model, "input_shape", None) or model._build_input_shape
    sample = tuple(built[1:]) if built else "..."
    raise ValueError(
        f"the model's outputs have shape {outputs} but y has shape {y.shape}, one target per sample: Dense acts on "
        f"the last axis of its input only, so samples of shape {sample} keep their first axes {positions}. Flatten "
        f"them first: add a Flatten() layer before the first Dense (for images, Flatten(input_shape={sample}) as "
        f"the first layer, or Flatten() after the convolution and pooling layers)"
    )


def check_setup(model, y: np.ndarray, out: Tensor, loss=None, layers: list | None = None) -> None:
    """Inspect loss, output activation and labels; raise for impossible labels, warn for suspicious setups.

    In a model of several outputs: ``loss`` is one output's, and ``layers`` holds the layer that computes it
    (empty when an operation does).
    """
    loss = loss or model._compile_loss
    _check_outputs_per_sample(model, y, out, loss)
    name = loss.name
    from_logits = bool(getattr(loss, "from_logits", False))
    act = _last_activation(model, layers)
    units = out.shape[-1] if out.ndim > 1 else 1
    crossentropy = name.endswith("crossentropy")

    if crossentropy and from_logits and act in ("softmax", "sigmoid"):
        _warn(
            f"the model ends with a {act} but the loss expects raw scores (from_logits=True): the {act} is applied "
            "twice; remove it from the last layer or use from_logits=False"
        )
    if crossentropy and not from_logits and act == "linear":
        data = out._data
        if data.size and (data.min() < 0 or data.max() > 1):
            _warn(
                "the loss expects probabilities but the model outputs raw scores (last activation 'linear'): "
                "add activation='sigmoid' / 'softmax' to the last layer, or use from_logits=True"
            )
    if name == "categorical_crossentropy" and act == "sigmoid" and units > 1:
        _warn(
            "sigmoid outputs with categorical crossentropy: for one class out of several use a softmax output; "
            "for independent yes/no labels use binary_crossentropy"
        )
    if act == "softmax" and units == 1:
        _warn("a softmax over a single unit always outputs 1.0; use a sigmoid for a binary output")

    if name == "sparse_categorical_crossentropy":
        if units > 1 and y.ndim == out.ndim and y.shape[-1] == units:
            raise ValueError(
                f"sparse_categorical_crossentropy needs integer class labels of shape {(len(y), *out.shape[1:-1])}, "
                f"got targets of shape {y.shape} (one-hot?): use loss='categorical_crossentropy' for one-hot "
                "targets, or pass y.argmax(-1)"
            )
        labels = y.reshape(len(y), -1) if y.ndim > 1 else y
        ignored = getattr(loss, "options", {}).get("ignore_class")
        if ignored is not None:  # (its "void" label, 255 or -1, is no class of the model's)
            labels = labels[labels != ignored]
        if y.dtype.kind == "f" and not np.all(y == np.round(y)):
            raise ValueError(
                "sparse_categorical_crossentropy needs integer class labels, but y holds fractional values; "
                "for regression targets use loss='mse'"
            )
        if labels.size and (labels.min() < 0 or labels.max() >= units):
            raise ValueError(
                f"labels range from {int(labels.min())} to {int(labels.max())} but the model has {units} outputs: "
                f"class labels must lie in [0, {units - 1}]; give the last layer as many units as classes"
            )
    elif name == "binary_crossentropy":
        if y.size and (y.min() < 0 or y.max() > 1):
            _warn(
                f"binary_crossentropy targets must lie in [0, 1], got values from {float(y.min())} to "
                f"{float(y.max())}: these look like regression targets (use loss='mse') or class indices "
                "(use sparse_categorical_crossentropy)"
            )
    elif name == "categorical_crossentropy":
        if y.ndim == 1 or (y.ndim == 2 and y.shape[1] == 1):
            raise ValueError(
                f"categorical_crossentropy needs one-hot targets of shape (N, {units}), got shape {y.shape}; "
                "use loss='sparse_categorical_crossentropy' for integer labels, or one-hot encode them"
            )
        sums = y.reshape(-1, y.shape[-1]).sum(-1)
        if y.size and not np.allclose(sums, 1.0, atol=1e-3):
            _warn("categorical_crossentropy targets should be one-hot or probability rows summing to 1")
