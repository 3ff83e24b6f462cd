"""``x`` as a dict, list or tuple of arrays for a model that declares no inputs: a subclassed model whose
``call(inputs)`` reads ``inputs["age"]`` (TensorFlow's "Load a pandas DataFrame" tutorial fits one on
``dict(df)``), or a Sequential model whose first layer reads a dict.

Keras 3 keeps the data's structure: ``call`` gets a dict with the same keys (a batch of each array), a
list for a list, a tuple for a tuple, in ``fit``, ``evaluate``, ``predict``, the ``*_on_batch`` methods,
validation data and the batches of a dataset or generator. Here the arrays travel as :class:`Columns`, a
list in the data's order (so cutting, counting and joining treat them as a functional model's several
inputs, :mod:`.structures`) that remembers its structure; :meth:`.placement.Placement._placed` rebuilds
it where the batch enters the model. Nothing is kept on the model: each call's data brings its own keys,
and the model's ``call`` reads what it is given, as in Keras 3 (a model fitted on one dict predicts on
another whose keys its ``call`` finds).

Each array as Keras 3's data adapters make it: NumPy's keep their shape and dtype (a 1-D column stays
1-D, integers and booleans stay so, float64 becomes float32), a pandas Series becomes a column ``(N, 1)``,
text stays text (for a layer that reads strings). A Sequential model takes a list of arrays as one array
(rows), as it always has: only a subclassed model reads a list or tuple as several inputs.
"""

from __future__ import annotations

import numpy as np

from ..layers.layer_inputs import is_array_like
from ..strings import is_text, text_array
from .data_adapter import as_array


class Columns(list):
    """The arrays of a dict, list or tuple ``x``, in its order, and its ``form``: ``("dict", keys)``,
    ``("list", indices)`` or ``("tuple", indices)`` (hashable: ``nb.capture`` keys a step on it)."""

    def __init__(self, arrays, form: tuple):
        super().__init__(arrays)
        self.form = form

    def like(self, arrays) -> Columns:
        """Other arrays (a batch of these, say) in the same structure."""
        return Columns(arrays, self.form)

    def names(self) -> list[str]:
        """How errors name each array: ``x['age']``'s key, or its position."""
        return [repr(key) for key in self.form[1]]

    def rebuilt(self, items: list):
        """``items`` (one per array) in the data's structure, as the model's ``call`` takes it."""
        kind, keys = self.form
        if kind == "dict":
            return dict(zip(keys, items))
        return tuple(items) if kind == "tuple" else list(items)


def is_structure(model, x) -> bool:
    """Whether ``x`` is data that ``model``'s ``call`` reads as a structure: a dict, or for a model that is not
    Sequential a list or tuple of arrays, given to a model that declares no inputs (not a functional one)."""
    if getattr(model, "_inputs", None) is not None:
        return False
    if isinstance(x, dict):
        return True
    return isinstance(x, (list, tuple)) and model._lists_are_inputs and bool(x) and all(is_array_like(a) for a in x)


def columns(x, what: str = "x") -> Columns:
    """``x`` (see :func:`is_structure`) as :class:`Columns`; arrays of different lengths are an error."""
    keys = tuple(x) if isinstance(x, dict) else tuple(range(len(x)))
    form = ("dict" if isinstance(x, dict) else "tuple" if isinstance(x, tuple) else "list", keys)
    values = x.values() if isinstance(x, dict) else x
    arrays = Columns([_column(a, f"{what}[{key!r}]") for key, a in zip(keys, values)], form)
    lengths = {key: len(a) for key, a in zip(keys, arrays)}
    if len(set(lengths.values())) > 1:
        raise ValueError(f"the arrays of {what} hold different numbers of samples: {lengths}; give each the same")
    return arrays


def _column(data, what: str) -> np.ndarray:
    if isinstance(data, dict) or (isinstance(data, (list, tuple)) and any(isinstance(v, dict) for v in data)):
        raise ValueError(f"{what} is a dict or holds dicts: give one array per key or position (nested "
                         "structures are not taken)")  # fmt: skip
    if type(data).__name__ == "Series" and type(data).__module__.startswith("pandas"):
        data = data.to_numpy().reshape(-1, 1)  # a pandas column, as Keras 3's data adapters take it
    return text_array(data, what) if is_text(data) else as_array(data, what)
