"""Data for models of several inputs or outputs, as Keras 3 takes it: ``fit``, ``evaluate``, ``predict``
on a functional ``keras.Model([in_a, in_b], [out_1, out_2])``.

``x``: one array per input, as a list or tuple in the order of ``model.inputs``, or a dict keyed by
input name (``keras.Input(name="a")``). ``y`` (and ``sample_weight`` per output): one array per output,
as a list in the order of ``model.outputs``, or a dict keyed by output name (the name of the layer
that computes the output, or the key when ``outputs`` is a dict); one ``sample_weight`` array weighs
every output. Inside ``fit`` a structure is a list of arrays in the model's order (a single input
or output stays one array), and the helpers here cut, count and join both kinds alike. Mismatched
counts, names and lengths are one-line errors that name what the model takes.
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, backend
from ..activation_logits import logits_of, pass_on
from ..strings import is_text_array
from ..symbolic import probe_calls
from .checks import check_loss_fits, check_setup
from .data_adapter import as_array, as_input, per_sample_weights, unwrap, validation_arrays
from .input_structures import Columns, columns, is_structure


def _structured(model, role: str):
    """The ``inputs`` or ``outputs`` a functional model was built with (a list, tuple or dict), else None."""
    given = getattr(model, f"_{role}", None)
    return given if isinstance(given, (list, tuple, dict)) else None


def _names(model, role: str) -> list[str]:
    given = _structured(model, role)
    if isinstance(given, dict):
        return list(given)
    if role == "outputs" and given is None:  # a subclassed model compiled with a loss per output: by position
        return [f"output_{i}" for i in range(unnamed_outputs(model))]
    tensors = getattr(model, role)
    if role == "inputs":
        return [t.name for t in tensors]
    names = [getattr(t.node.fn, "name", None) if t.node is not None else t.name for t in tensors]
    return [n if isinstance(n, str) and names.count(n) == 1 else f"output_{i}" for i, n in enumerate(names)]


def input_names(model) -> list[str]:
    """The names of a functional model's inputs, in the order ``fit`` takes them."""
    return _names(model, "inputs")


def output_names(model) -> list[str]:
    """The names of a functional model's outputs (the logs' prefixes: ``<name>_loss``), in order."""
    return _names(model, "outputs")


def several_inputs(model) -> bool:
    """Whether ``model`` takes its data as one array per input (a functional model built on a list or dict)."""
    return _structured(model, "inputs") is not None and (len(model.inputs) > 1 or isinstance(model._inputs, dict))


def structured(model, x) -> bool:
    """Whether ``fit`` takes ``x`` (and ``y``) as structures: a model of several inputs or outputs, or ``x`` a
    dict, list or tuple that a model without declared inputs reads as it is (:mod:`.input_structures`)."""
    return several_inputs(model) or several_outputs(model) or is_structure(model, x)


def several_outputs(model) -> bool:
    """Whether ``model`` returns one array per output: a functional model built with a list or dict of them,
    or a model that declares no outputs compiled with a list of losses (:func:`unnamed_outputs`)."""
    return several_declared_outputs(model) or unnamed_outputs(model) > 1


def several_declared_outputs(model) -> bool:
    """Whether ``model`` is a functional model built with a list or dict of several outputs."""
    return _structured(model, "outputs") is not None and len(model.outputs) > 1


def declares_outputs(model) -> bool:
    """Whether ``model`` is a functional one, whose outputs (and their names) are known before any data."""
    return _structured(model, "outputs") is not None


def unnamed_outputs(model) -> int:
    """How many outputs a model that declares none (a subclass whose ``call`` returns a tuple) returns, as
    ``compile`` learnt it from a list of losses, one per output; 0 when not known."""
    return getattr(model, "_unnamed_outputs", 0)


def _per_name(model, data, names: list[str], what: str, role: str) -> list:
    """``data`` (a list, tuple or dict keyed by name) as one entry per name, in the model's order."""
    count = len(names)
    if isinstance(data, dict):
        if set(data) != set(names):
            raise ValueError(
                f"{what} is a dict with keys {sorted(data)}, but model '{model.name}' has the {role} {names}: give "
                f"one array per {role[:-1]} name"
            )
        return [data[name] for name in names]
    if not isinstance(data, (list, tuple)) or len(data) != count:
        got = f"a {type(data).__name__} of {len(data)}" if isinstance(data, (list, tuple)) else "one array"
        raise ValueError(
            f"model '{model.name}' has {count} {role} {names}, but {what} is {got}: give a list of {count} arrays "
            f"in that order, or a dict keyed by {role[:-1]} name"
        )
    return list(data)


def _one_array(data) -> bool:
    """Whether ``data`` is a list, tuple or dict holding one array."""
    if not isinstance(data, (list, tuple, dict)) or len(data) != 1:
        return False
    return isinstance(next(iter(data.values())) if isinstance(data, dict) else data[0], (np.ndarray, Tensor))


def _same_length(arrays: list[np.ndarray], names: list[str], what: str) -> None:
    lengths = {name: len(a) for name, a in zip(names, arrays)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the arrays of {what} hold different numbers of samples: {lengths}; give each the same")


def model_inputs(model, x, what: str = "x", keep_float64: bool = False):
    """``x`` as ``model`` takes it: one array (:func:`.data_adapter.as_input`, which says what ``keep_float64``
    does), one per input, or the :class:`.input_structures.Columns` of a dict, list or tuple for a model without
    declared inputs."""
    if not several_inputs(model):
        if is_structure(model, x):
            return columns(x, what)
        if _structured(model, "inputs") is not None and _one_array(x):  # keras.Model([a], ...) given [x_a]
            x = _per_name(model, x, input_names(model), what, "inputs")[0]
        return as_input(model, x, what, keep_float64=keep_float64)
    names = input_names(model)
    arrays = [
        as_input(model, a, f"{what}[{name!r}]", shape=t.shape, dtype=t.dtype, keep_float64=keep_float64)
        for a, name, t in zip(_per_name(model, x, names, what, "inputs"), names, model.inputs)
    ]
    _same_length(arrays, names, what)
    return arrays


def model_targets(model, y, what: str = "y"):
    """``y`` as ``model``'s loss takes it: one array, or one per output (a dict keyed by output name too)."""
    if not several_outputs(model):
        if _structured(model, "outputs") is not None and _one_array(y):  # keras.Model(a, [out]) given [y]
            y = _per_name(model, y, output_names(model), what, "outputs")[0]
        return as_array(y, what)
    names = output_names(model)
    arrays = [as_array(a, f"{what}[{name!r}]") for a, name in zip(_per_name(model, y, names, what, "outputs"), names)]
    _same_length(arrays, names, what)
    return arrays


def model_sample_weights(model, sample_weight, class_weight, y):
    """Per-sample weights: None, one array for every output, or one per output (a list or dict, as ``y``).

    ``class_weight`` weighs the samples of a model with one output only, as in Keras 3.
    """
    if class_weight is not None:
        raise ValueError(
            f"class_weight weighs the classes of a model with one output, and model '{model.name}' has "
            f"{len(model.outputs)}: give sample_weight= (one array per output) instead"
        )
    if sample_weight is None:
        return None
    if isinstance(sample_weight, (list, tuple, dict)) and not _numbers(sample_weight):
        names = output_names(model)
        weights = _per_name(model, sample_weight, names, "sample_weight", "outputs")
        return [None if w is None else _weights(w, count(y), f"sample_weight[{n!r}]") for w, n in zip(weights, names)]
    return _weights(sample_weight, count(y), "sample_weight")


def _numbers(data) -> bool:
    return isinstance(data, (list, tuple)) and all(isinstance(v, (int, float, np.number)) for v in data)


def _weights(w, n: int, what: str) -> np.ndarray:
    w = np.asarray(w, dtype=np.float32).reshape(-1)
    if len(w) != n:
        raise ValueError(f"{what} has {len(w)} entries for {n} samples")
    return w


def sample_weights_for(model, y, sample_weight, class_weight):
    """The per-sample weights ``fit`` uses: :func:`.data_adapter.per_sample_weights` for one output, else
    :func:`model_sample_weights`."""
    if isinstance(y, list):
        return model_sample_weights(model, sample_weight, class_weight, y)
    return per_sample_weights(y, sample_weight, class_weight)


def training_arrays(model, x, y, sample_weight, class_weight, validation_split: float, validation_data):
    """``((x, y, weights), validation)`` for ``fit`` on a model of several inputs or outputs, as
    :func:`.data_adapter.split_validation` makes them for one (the last ``validation_split`` of every
    array, taken before shuffling)."""
    if x is None or y is None:
        raise ValueError("fit needs x and y")
    x, y = model_inputs(model, x), model_targets(model, y)
    check_lengths(x, y)
    weights = sample_weights_for(model, y, sample_weight, class_weight)
    if validation_data is not None:
        return (x, y, weights), validation_structures(model, validation_data)
    if not validation_split:
        return (x, y, weights), None
    split = int(count(x) * (1.0 - validation_split))
    if split == 0 or split == count(x):
        raise ValueError(f"validation_split={validation_split} leaves no samples for training or validation")
    head, tail = slice(0, split), slice(split, None)
    return (take(x, head), take(y, head), take(weights, head)), (take(x, tail), take(y, tail), None)


def validation_structures(model, validation_data):
    """``(x_val, y_val, weights)`` from ``validation_data``, each as the model takes it."""
    if not isinstance(validation_data, (list, tuple)) or len(validation_data) not in (2, 3):
        raise ValueError("validation_data must be (x_val, y_val) or (x_val, y_val, sample_weight_val)")
    x_val, y_val = model_inputs(model, validation_data[0], "x_val"), model_targets(model, validation_data[1], "y_val")
    if not (several_inputs(model) or several_outputs(model) or isinstance(x_val, Columns)):
        return validation_arrays((x_val, y_val, *validation_data[2:]))
    check_lengths(x_val, y_val)
    weights = validation_data[2] if len(validation_data) == 3 else None
    return x_val, y_val, None if weights is None else sample_weights_for(model, y_val, weights, None)


def prepare_several(model, x, y):
    """The checks ``fit`` runs before training, for a model of several inputs or outputs: lengths, finite
    inputs, the first two samples through the model, and each output's labels against its loss.

    Returns the outputs for the first two samples.
    """
    check_lengths(x, y)
    names = x.names() if isinstance(x, Columns) else input_names(model) if isinstance(x, list) else ["x"]
    for name, a in zip(names, x if isinstance(x, list) else [x]):
        if a.dtype.kind == "f" and not np.isfinite(a).all():
            raise ValueError(f"input {name!r} holds NaN or infinite values; clean or impute the data first")
    with probe_calls():  # (a stateful layer keeps nothing from it, and it does not build the model)
        out = unwrap(model(model._placed(take(x, slice(0, 2)))))
    outputs = listed(out)
    ys = y if isinstance(y, list) else [y]
    losses = getattr(model._compile_loss, "losses", [model._compile_loss])  # (a CompileLoss has one per output)
    for loss, y_i, out_i, layers in zip(losses, ys, outputs, _last_layers(model, len(outputs))):
        if loss is not None:
            check_setup(model, y_i, out_i, loss=loss, layers=layers)
            check_loss_fits(model, y_i, out_i, loss=loss)
    return out


def _last_layers(model, n: int) -> list:
    """For the checks of each output's activation: ``[the layer that computes it]`` in a functional model
    (``[]`` where an operation does); else None (the model's layers) for a single output, and ``[]`` for each
    of several: a subclassed model's last layer computes one of them at most, so it says nothing of the others."""
    if _structured(model, "outputs") is None:
        return [None] if n == 1 else [[]] * n
    return [[t.node.fn] if t.node is not None else [] for t in model.outputs]


def flatten_batch(x, y, sample_weight) -> tuple:
    """``(layout, *arrays)``: a batch as arrays one by one, as ``nb.capture`` keys a step (a list is not an
    argument it can key on). ``layout`` says, for x, y and the weights, -1 for one array, -2 for None, the
    length of a list, or the form of :class:`.input_structures.Columns`."""
    layout, arrays = [], []
    for part in (x, y, sample_weight):
        if isinstance(part, list):
            layout.append(part.form if isinstance(part, Columns) else len(part))
            arrays += part
        else:
            layout.append(-2 if part is None else -1)
            arrays += [] if part is None else [part]
    return (tuple(layout), *arrays)


def unflatten_batch(layout: tuple, arrays: tuple) -> tuple:
    """``(x, y, sample_weight)`` back from :func:`flatten_batch`."""
    parts, at = [], 0
    for n in layout:
        if n == -2:
            parts.append(None)
        elif n == -1:
            parts.append(arrays[at])
            at += 1
        elif isinstance(n, tuple):  # a Columns' form: ("dict", keys)
            parts.append(Columns(arrays[at : at + len(n[1])], n))
            at += len(n[1])
        else:
            parts.append(list(arrays[at : at + n]))
            at += n
    return tuple(parts)


def check_lengths(x, y) -> None:
    """As many samples in every array of ``x`` as in every array of ``y``."""
    if count(x) != count(y):
        raise ValueError(f"x and y have different lengths: {count(x)} samples vs {count(y)} labels")


# --- one array or a list of them, alike -------------------------------------------------------------


def count(data) -> int:
    """The number of samples (the first axis: a device array may have no ``len``)."""
    first = data[0] if isinstance(data, list) else data
    return first.shape[0] if hasattr(first, "shape") else len(first)


def each(data, fn):
    """``fn`` applied to each array of ``data`` (one array, or a list of them in its structure); None stays None."""
    if data is None:
        return None
    if isinstance(data, list):
        return _like(data, [None if a is None else fn(a) for a in data])
    return fn(data)


def take(data, index):
    """The samples at ``index`` (a slice or an integer array) of each array (None stays None)."""
    return each(data, lambda a: a[index, ...])  # (the standard wants every axis named: fit's data may be on a device)


def on_host(data):
    """Arrays (one, or a list) as NumPy arrays: those of ``fit``'s data kept on a device copied back (for
    the metrics, which run on the host); NumPy ones as they are."""
    return each(data, backend.to_host)


def join(parts: list):
    """Batches joined into one (each a list of arrays, or an array)."""
    if isinstance(parts[0], list):
        return _like(parts[0], [np.concatenate(column) for column in zip(*parts)])
    return np.concatenate(parts)


def _like(data: list, arrays: list) -> list:
    """``arrays`` in the structure of ``data``: :class:`.input_structures.Columns` stay so."""
    return data.like(arrays) if isinstance(data, Columns) else arrays


def listed(out) -> list:
    """A model's outputs as a list (from a list, tuple or dict of them, in order; or one)."""
    if isinstance(out, dict):
        return list(out.values())
    return list(out) if isinstance(out, (list, tuple)) else [out]


def arrays_of(out):
    """A model's output as host (NumPy) arrays: one, or a list (from a list, tuple or dict of outputs, in
    order). On the host already, the arrays themselves; from a model on a device, copies. An output of
    strings (``StringLookup(invert=True)``) is an array already."""
    if isinstance(out, (list, tuple, dict)):
        return [arrays_of(t) for t in listed(out)]
    return out if is_text_array(out) else backend.to_host(out._data)


def metric_arrays(out):
    """:func:`arrays_of` for the metrics: the array of a sigmoid's or softmax's output (a view) remembers its
    logits, which the cross-entropy metrics use as Keras on TensorFlow's do (see :mod:`..activation_logits`)."""
    if isinstance(out, (list, tuple, dict)):
        return [metric_arrays(t) for t in listed(out)]
    values = arrays_of(out)
    return values if logits_of(out) is None else pass_on(out, values.view())  # (a view of its own to remember)


def shaped_like_outputs(model, arrays, tupled: bool = False):
    """``predict``'s result: an array, a list of arrays for a list of outputs, a tuple for a tuple (``tupled``:
    the model returned one), a dict for a dict, as Keras returns them."""
    given = _structured(model, "outputs")
    if isinstance(given, dict) and isinstance(arrays, list):
        return dict(zip(given, arrays))
    return tuple(arrays) if tupled and isinstance(arrays, list) else arrays
