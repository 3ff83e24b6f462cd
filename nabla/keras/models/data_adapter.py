"""What ``fit``, ``evaluate`` and ``predict`` are given, turned into arrays: inputs, weights, a validation split."""

from __future__ import annotations

import numpy as np

from .._engine import Tensor
from ..keras_dtype import numpy_dtype
from ..layers.layer_inputs import ragged_refused
from ..ragged import RaggedTensor
from ..strings import STRING, is_text, is_text_array, text_array
from ..symbolic import PROBE_WORD


def as_array(data, what: str, text: bool = False, keep_float64: bool = False) -> np.ndarray:
    """Inputs as a NumPy array; float64 becomes float32 (Keras's floatx) unless ``keep_float64`` (the data of a
    float64 ``keras.Input``). ``text``: an array of strings (checked already as a string input's data) passes as
    it is."""
    if text and is_text_array(data):
        return data
    if isinstance(data, Tensor):
        data = data.detach()._data
    if isinstance(data, RaggedTensor):
        raise ragged_refused(what)
    try:
        array = np.asarray(data)
    except ValueError as e:
        raise ValueError(f"{what} could not be turned into an array: {e}") from None
    if array.dtype == object or array.dtype.kind in "USV":
        hint = ""
        if is_text(array):
            hint = ("; a model takes text through a string input, keras.Input(shape=(1,), dtype=\"string\"), and a "
                    "layer that reads it (TextVectorization, StringLookup)")  # fmt: skip
        raise TypeError(f"{what} must be numeric, got an array of {array.dtype}{hint}")
    if array.dtype == np.float64 and not keep_float64:
        array = array.astype(np.float32)
    if array.ndim == 0:
        raise ValueError(f"{what} must have a batch axis, got a scalar")
    return array


def _takes_a_column(model, shape=None) -> bool:
    """Whether a 1-D input is one feature per sample for ``model`` (or for its input of ``shape``): the input
    shape is ``(None, 1)``, or not known yet (nothing else can take a 1-D batch: every layer needs a feature
    axis)."""
    shape = shape or getattr(model, "input_shape", None) or getattr(model, "_build_input_shape", None)
    return shape is None or tuple(shape[1:]) == (1,)


def takes_text(model) -> bool | None:
    """Whether ``model``'s one input is a string one: True, False, or None where the model does not say
    (a subclassed model, a Sequential model whose first layer may read either: text and numbers pass)."""
    method = getattr(model, "_takes_text", None)
    return method() if callable(method) else None


def declared_dtype(model):
    """The dtype of ``model``'s one ``keras.Input`` (a functional or Sequential model's), else None."""
    method = getattr(model, "_declared_dtype", None)
    return method() if callable(method) else None


def blank_input(model, shape: tuple, dtype=None) -> np.ndarray:
    """A batch of ``shape`` to build ``model`` with: zeros, or texts for a model that takes strings.
    ``dtype``: that of the input the batch is for, in a model of several (an encoder-decoder's two string
    inputs)."""
    if takes_text(model) if dtype is None else dtype == STRING:
        return np.full(shape, PROBE_WORD, dtype=object)
    return np.zeros(shape, dtype=model.dtype)


def as_input(model, data, what: str = "x", shape: tuple | None = None, dtype=None, keep_float64: bool = False):
    """``x`` for ``model`` as :func:`as_array` makes it, and a 1-D ``x`` as a column ``(N,) -> (N, 1)`` when the
    model takes one feature per sample (or its input shape is not known yet). ``shape``, ``dtype``: those of the
    input ``data`` is for, in a model of several.

    Integers and booleans become the dtype of the model's ``keras.Input``, as Keras 3's functional model converts
    its inputs: an int32 input keeps token ids past 2**24 exact (and truncates floats); without an Input, the
    model's float. A float64
    input keeps float64 data with ``keep_float64`` (a call, the ``*_on_batch`` methods); ``fit``, ``evaluate``
    and ``predict`` pass it through float32 as Keras's data adapters do.

    TF 2's Keras did this (``model.fit(xs, ys)`` with ``xs = [-1.0, 0.0, 1.0, ...]`` and
    ``Dense(1, input_shape=[1])`` is the first lab of many courses); Keras 3 does it when the model's
    input has one feature.

    Text (an array or list of strings) is kept as an array of strings for a string input
    (``keras.Input(dtype="string")``, see :mod:`nabla.keras.strings`), a column when the input is ``(None, 1)``.
    """
    text = takes_text(model) if dtype is None else dtype == STRING
    if text is not False and is_text(data):
        array = text_array(data, what)
        shape = shape or getattr(model, "input_shape", None)
        column = shape is not None and tuple(shape[1:]) == (1,)
        return array.reshape(-1, 1) if array.ndim == 1 and column else array
    if text:
        raise TypeError(f"{what} must be strings: model '{model.name}' takes text (its input is keras.Input(dtype="
                        f"\"string\")), got an array of {np.asarray(data).dtype}")  # fmt: skip
    declared = numpy_dtype(declared_dtype(model) if dtype is None else dtype)  # (a KerasDType: its NumPy dtype)
    numeric = isinstance(declared, np.dtype) and declared.kind in "biuf"
    array = as_array(data, what, keep_float64=keep_float64 and declared == np.float64)
    # integer pixels or counts as the model's float; anything given to an integer Input as its dtype (floats
    # truncated, as Keras's cast)
    if array.dtype.kind in "biu" or (numeric and declared.kind in "biu"):
        array = array.astype(declared if numeric else getattr(model, "dtype", np.float32), copy=False)
    return array.reshape(-1, 1) if array.ndim == 1 and _takes_a_column(model, shape) else array


def unwrap(outputs):
    """A model's outputs, with a list, tuple or dict of one output as that output (``keras.Model(a, [out])``
    trains and predicts as a model of one output does)."""
    if isinstance(outputs, (list, tuple, dict)) and len(outputs) == 1:
        return next(iter(outputs.values())) if isinstance(outputs, dict) else outputs[0]
    return outputs


def check_fit_arguments(batch_size, epochs, validation_split: float) -> int:
    """Refuse a ``batch_size``, ``epochs`` or ``validation_split`` that ``fit`` cannot use; the batch size
    (None means 32, as in Keras)."""
    if batch_size is None:
        batch_size = 32
    if not isinstance(batch_size, (int, np.integer)) or isinstance(batch_size, bool) or batch_size <= 0:
        raise ValueError(f"batch_size must be a positive integer, got {batch_size!r}")
    if not isinstance(epochs, int) or epochs < 0:
        raise ValueError(f"epochs must be a non-negative integer, got {epochs!r}")
    if not 0.0 <= validation_split < 1.0:
        raise ValueError(f"validation_split must be in [0, 1), got {validation_split}")
    return int(batch_size)


def per_sample_weights(y: np.ndarray, sample_weight, class_weight) -> np.ndarray | None:
    """One weight per sample: ``sample_weight`` times the weight of each sample's class in ``class_weight``.

    A class is the argmax of a one-hot row of ``y``, or the rounded label. None when neither is given.
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float32).reshape(-1)
        if len(sample_weight) != len(y):
            raise ValueError(f"sample_weight has {len(sample_weight)} entries for {len(y)} samples")
    if class_weight is None:
        return sample_weight
    if y.ndim > 1 and y.shape[-1] > 1:
        labels = y.argmax(-1)
    else:
        labels = np.round(y.reshape(len(y))).astype(np.int64)
    try:
        weights = np.array([class_weight[int(c)] for c in labels], dtype=np.float32)
    except KeyError as e:
        raise ValueError(f"class_weight has no weight for class {e.args[0]}") from None
    return weights if sample_weight is None else weights * sample_weight


def validation_arrays(validation_data) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """``(x_val, y_val, weights)`` from ``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``."""
    if len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight_val)")
    x_val, y_val = as_array(validation_data[0], "x_val", text=True), as_array(validation_data[1], "y_val")
    if len(x_val) != len(y_val):
        raise ValueError(f"validation x and y have different lengths: {len(x_val)} vs {len(y_val)}")
    val_weight = None
    if len(validation_data) == 3 and validation_data[2] is not None:
        val_weight = np.asarray(validation_data[2], dtype=np.float32).reshape(-1)
    return x_val, y_val, val_weight


def split_validation(x: np.ndarray, y: np.ndarray, sample_weight, validation_split: float, validation_data):
    """``((x, y, sample_weight), validation)`` for training; ``validation`` is ``(x_val, y_val, weights)`` or None.

    ``validation_data`` (``(x_val, y_val)`` or ``(x_val, y_val, sample_weight_val)``) wins; otherwise a
    ``validation_split`` fraction is the *last* samples of x and y, taken before any shuffling, as in Keras.
    """
    if sample_weight is not None:
        sample_weight = np.asarray(sample_weight, dtype=np.float32).reshape(-1)
    if validation_data is not None:
        x_val, y_val, val_weight = validation_arrays(validation_data)
        if x_val.ndim == 1 and x.shape[1:] == (1,):  # a 1-D x_val beside a column x (see as_input)
            x_val = x_val.reshape(-1, 1)
        if x_val.dtype.kind in "biu" and x.dtype.kind == "f":  # integer x_val beside float x (see as_input)
            x_val = x_val.astype(x.dtype)
        return (x, y, sample_weight), (x_val, y_val, val_weight)
    if validation_split:
        split = int(len(x) * (1.0 - validation_split))
        if split == 0 or split == len(x):
            raise ValueError(f"validation_split={validation_split} leaves no samples for training or validation")
        if sample_weight is not None:
            sample_weight = sample_weight[:split]
        return (x[:split], y[:split], sample_weight), (x[split:], y[split:], None)
    return (x, y, sample_weight), None


def sorted_logs(logs: dict) -> dict:
    """``logs`` in name order: as Keras 3 hands them to callbacks and returns them from ``evaluate``,
    ``train_on_batch`` and ``test_on_batch`` with ``return_dict=True`` (``{"accuracy": ..., "loss": ...}``)."""
    return dict(sorted(logs.items()))


def as_list(logs: dict):
    """What ``evaluate`` and ``train_on_batch`` return without ``return_dict``: the loss, or ``[loss, metric...]``."""
    values = list(logs.values())
    return values[0] if len(values) == 1 else values
