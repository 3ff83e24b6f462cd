"""Categories as numbers: ``CategoryEncoding``, and what the lookup layers share with it.

The preprocessing layers of categories and text (``CategoryEncoding``, ``StringLookup``,
``IntegerLookup``, ``TextVectorization``) read raw data: strings, or integers that must stay exact
(a float32 cast would round ids above 2**24). So they take their inputs as NumPy arrays, not as
float Tensors (:class:`RawInputLayer`), and give a Tensor back.

Encodings of integer ids in ``[0, depth)`` (:func:`encode`), as Keras 3's ``CategoryEncoding``:

* ``"one_hot"``: each id becomes a row of ``depth`` (a trailing axis of 1 is dropped first):
  ``(batch,) -> (batch, depth)``, ``(batch, k) -> (batch, k, depth)``.
* ``"multi_hot"``: 1 where an id occurs in the sample; ``"count"``: how often (times ``count_weights``
  when given); ``"tf_idf"``: the count times the id's inverse document frequency. A sample is a row:
  ``(batch, k) -> (batch, depth)``; a 1-D input is one sample, ``(k,) -> (depth,)``.
"""

from __future__ import annotations

import numpy as np

from .. import symbolic
from .._engine import Tensor, derive
from ..output_class import like_inputs
from ..ragged import RaggedTensor
from .layer import Layer

MODES = ("one_hot", "multi_hot", "count")


#: The output modes of the layers that turn values into bins (Hashing, Discretization), as Keras 3's.
BIN_OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def as_array(inputs) -> np.ndarray:
    """A layer's raw input (a Tensor, an array, a list, a number or a string) as a NumPy array."""
    if isinstance(inputs, Tensor):
        return inputs.detach().numpy()
    return np.asarray(inputs)


def as_ids(inputs, who: str) -> np.ndarray:
    """Integer ids as an int64 array; floats are accepted when they hold whole numbers (a model's float32 input)."""
    array = as_array(inputs)
    if array.dtype.kind in "iub":
        return array.astype(np.int64)
    if array.dtype.kind == "f":
        if not np.all(np.isfinite(array)) or np.any(array != np.round(array)):
            raise ValueError(f"{who}: takes integer ids, got floats that are not whole numbers")
        return array.astype(np.int64)
    raise TypeError(f"{who}: takes integer ids, got an array of {array.dtype}")


def encode(ids: np.ndarray, depth: int, mode: str, who: str, count_weights=None, idf=None,
           dtype=np.float32) -> np.ndarray:  # fmt: skip
    """Encode int64 ``ids`` in ``[0, depth)`` (-1: an id to leave out, a mask token) as ``mode`` says (see the
    module docstring); ``idf`` is the (depth,) weights of ``"tf_idf"``."""
    if ids.size and (ids.min() < -1 or ids.max() >= depth):
        bad = ids[(ids < -1) | (ids >= depth)].flat[0]
        raise ValueError(f"{who}: input values must be in the range 0 <= values < num_tokens={depth}, got {bad}")
    if mode == "one_hot":
        if ids.ndim > 1 and ids.shape[-1] == 1:
            ids = ids[..., 0]
        out = np.zeros((*ids.shape, depth), dtype=dtype)
        keep = ids >= 0
        out[keep, ids[keep]] = 1
        return out
    if ids.ndim > 2:
        raise ValueError(f"{who}: {mode!r} encodes inputs of rank 1 or 2 (samples of ids), got shape {ids.shape}")
    rows = ids.reshape(1, -1) if ids.ndim <= 1 else ids
    weights = None
    if count_weights is not None:
        weights = np.broadcast_to(np.asarray(count_weights, np.float64).reshape(np.shape(count_weights)),
                                  ids.shape).reshape(rows.shape)  # fmt: skip
    keep = rows >= 0
    flat = (rows + depth * np.arange(len(rows))[:, None])[keep]
    counts = np.bincount(flat, None if weights is None else weights[keep], minlength=len(rows) * depth)
    counts = counts.reshape(len(rows), depth)
    if mode == "multi_hot":
        counts = counts > 0
    elif mode == "tf_idf":
        counts = counts * idf
    out = counts.astype(dtype)
    return out[0] if ids.ndim <= 1 else out


class RawInputLayer(Layer):
    """A layer that reads its inputs as NumPy arrays (strings, exact integers), not as float Tensors.

    Called on ``keras.Input`` tensors it joins a functional model as any layer does; called on data it
    runs :meth:`compute` on the array and returns its result as a Tensor (or, for strings, an array).
    The output has no gradient: ids and counts are not differentiable in their inputs. In a captured
    step (``fit``'s) every replay computes it again from the batch (:func:`derive`), eagerly where its
    shape or dtype changes (a TextVectorization without ``output_sequence_length`` pads to each batch's).
    """

    def forward(self, inputs, *args, training: bool | None = None, **kwargs):
        if symbolic.is_symbolic(inputs):
            return super().forward(inputs, *args, training=training, **kwargs)
        out = derive(self.compute, inputs, *args, **kwargs)
        self.built = True
        if out.dtype.kind not in "biuf" or isinstance(out, RaggedTensor):  # strings (invert=True), ragged rows
            return out
        self.output_shape_seen = (None,) + out.shape[1:]
        return like_inputs(Tensor._make(out), inputs)  # (tf.Tensors for TensorFlow's string tensors, as in TF)

    def compute(self, inputs, **kwargs) -> np.ndarray:
        raise NotImplementedError

    def call(self, inputs, training=None, **kwargs):
        # (the symbolic path: functional models run call on a batch of their input's dtype)
        return self.forward(inputs, **kwargs)


class CategoryEncoding(RawInputLayer):
    """Integer ids in ``[0, num_tokens)`` as one-hot, multi-hot or count vectors (float32), as Keras 3.

    Args:
        num_tokens: the number of categories (ids run from 0 to num_tokens - 1).
        output_mode: ``"multi_hot"`` (default), ``"one_hot"`` or ``"count"``; see :mod:`.categorical` for
            the shapes. ``call(inputs, count_weights=...)`` weighs each id's count in ``"count"`` mode.
        sparse: False only (nabla has no sparse tensors).

    An id outside ``[0, num_tokens)`` is an error naming it (Keras on TensorFlow gives a row of zeros).

    Example::

        keras.layers.CategoryEncoding(num_tokens=4, output_mode="one_hot")([3, 2, 0, 1])  # (4, 4)
    """

    def __init__(self, num_tokens: int | None = None, output_mode: str = "multi_hot", sparse: bool = False,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, (int, np.integer)) or num_tokens < 1:
            raise ValueError(f"CategoryEncoding: num_tokens must be a positive integer, got {num_tokens!r}")
        output_mode = "multi_hot" if output_mode == "binary" else output_mode  # (Keras 2's name, which Keras 3 takes)
        if output_mode not in MODES:
            raise ValueError(f"CategoryEncoding: output_mode must be one of {', '.join(MODES)}, got {output_mode!r}")
        if sparse:
            raise ValueError("CategoryEncoding: sparse=True is not offered by nabla (no sparse tensors); use dense")
        self.num_tokens, self.output_mode, self.sparse = int(num_tokens), output_mode, False

    def compute(self, inputs, count_weights=None) -> np.ndarray:
        if count_weights is not None and self.output_mode != "count":
            raise ValueError(f"CategoryEncoding: count_weights is for output_mode='count', not {self.output_mode!r}")
        ids = as_ids(inputs, "CategoryEncoding")
        return encode(ids, self.num_tokens, self.output_mode, "CategoryEncoding", count_weights, dtype=self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_tokens": self.num_tokens, "output_mode": self.output_mode,
                "sparse": self.sparse}  # fmt: skip
