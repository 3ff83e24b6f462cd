"""``Embedding``: integer indices -> learned vectors, Keras's layer over :func:`nabla.nn.functional.embedding`."""

from __future__ import annotations

import numpy as np

from ...nn.functional import embedding
from .. import constraints, initializers, regularizers
from .._engine import Tensor, recompute
from .layer import Layer
from .layer_config import config_value


def _positive_int(value, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value <= 0:
        raise ValueError(f"Embedding: {name} must be a positive integer, got {value!r}")
    return int(value)


def _indices(indices: np.ndarray, input_dim: int, name: str) -> np.ndarray:
    """``indices`` as integers, checked to be whole numbers in [0, input_dim)."""
    if indices.dtype.kind == "f":
        if not np.all(indices == np.round(indices)):
            raise ValueError(f"Embedding '{name}' needs integer indices, got fractional values")
        indices = indices.astype(np.int64)
    if indices.size and (indices.min() < 0 or indices.max() >= input_dim):
        bad = int(indices.min() if indices.min() < 0 else indices.max())
        raise ValueError(f"Embedding '{name}': index {bad} is outside [0, {input_dim}) (input_dim)")
    return indices


class Embedding(Layer):
    """Looks up a learned vector for each integer index: (batch, ...) indices in [0, input_dim) ->
    (batch, ..., output_dim), rows of the ``embeddings`` matrix (input_dim, output_dim).

    Args: ``input_dim`` (the vocabulary size), ``output_dim``; ``embeddings_initializer="uniform"``
    (Keras's: U(-0.05, 0.05), nabla's "random_uniform"; PyTorch's nn.Embedding draws N(0, 1)),
    ``embeddings_regularizer``, ``activity_regularizer`` (a penalty on the output vectors, divided by
    the batch size, as Keras 3), ``embeddings_constraint`` (applied by the optimizer after each update),
    ``weights`` (the initial matrix, as Keras 2's ``weights=[matrix]``). Keras 2's ``input_length`` is accepted and
    unused. Indices may come as integers or as floats holding whole numbers (a model's NumPy input is
    float32); others are an error. ``mask_zero=True`` makes index 0 the padding: the output carries the
    mask ``inputs != 0`` (see :mod:`.masking`), so the recurrent layers after it skip those steps, as in
    Keras (index 0 still has its row of ``embeddings``; ``input_dim`` counts it).

    Gradients reach ``embeddings`` only (a lookup has none for its indices). Parameters:
    ``input_dim * output_dim``, created at the first call (or ``build()``), as Keras 3's: a Sequential that
    starts with an Embedding is unbuilt until it sees data (its summary says ``0 (unbuilt)``); ``weights=``
    builds at once.
    """

    def __init__(self, input_dim: int, output_dim: int, embeddings_initializer="uniform", embeddings_regularizer=None,
                 embeddings_constraint=None, mask_zero: bool = False, weights=None, activity_regularizer=None,
                 **kwargs):  # fmt: skip
        kwargs.pop("input_length", None)  # Keras 2's; Keras 3 warns and ignores it
        for unsupported in ("lora_rank", "lora_alpha", "quantization_config"):
            if kwargs.pop(unsupported, None) is not None:
                raise ValueError(f"Embedding: {unsupported} is not offered by nabla.keras")
        super().__init__(**kwargs)
        self.input_dim, self.output_dim = _positive_int(input_dim, "input_dim"), _positive_int(output_dim, "output_dim")
        # Keras's "uniform" is kept as "random_uniform", the same U(-0.05, 0.05); an unknown name fails here
        self.embeddings_initializer = initializers.standardize(embeddings_initializer)
        self.embeddings_regularizer = regularizers.get(embeddings_regularizer)
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.embeddings_constraint = constraints.get(embeddings_constraint)
        self.mask_zero = bool(mask_zero)
        self._initial = weights
        if weights is not None:  # Keras 3 builds at once only for weights=; otherwise at the first call
            self._ensure_built((None,))

    def build(self, input_shape=None) -> None:
        self.embeddings = self.add_weight(
            shape=(self.input_dim, self.output_dim),
            initializer=self.embeddings_initializer,
            regularizer=self.embeddings_regularizer,
            constraint=self.embeddings_constraint,
            name="embeddings",
        )
        if self._initial is not None:
            self.set_weights(self._initial)
            self._initial = None

    def compute_mask(self, inputs, mask=None) -> Tensor | None:
        """``inputs != 0`` with ``mask_zero``, else None (Keras's: an Embedding starts the mask afresh)."""
        if not self.mask_zero:
            return None
        return (inputs if isinstance(inputs, Tensor) else Tensor._make(np.asarray(inputs))) != 0

    def call(self, inputs, training=None):
        # (recomputed by every replay of a captured step, checks included: fit's float32 batches are new arrays)
        indices = recompute(_indices, inputs if isinstance(inputs, Tensor) else np.asarray(inputs), self.input_dim,
                            self.name)  # fmt: skip
        return embedding(Tensor._make(indices), self.embeddings)

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "input_dim": self.input_dim,
            "output_dim": self.output_dim,
            "embeddings_initializer": config_value(self.embeddings_initializer),
            "embeddings_regularizer": config_value(self.embeddings_regularizer),
            "activity_regularizer": config_value(self.activity_regularizer),
            "embeddings_constraint": config_value(self.embeddings_constraint),
            "mask_zero": self.mask_zero,
            "quantization_config": None,
        }
