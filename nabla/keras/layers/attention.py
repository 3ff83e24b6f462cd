"""``Attention`` (Luong's dot-product) and ``AdditiveAttention`` (Bahdanau's), as Keras 3's layers.

Called on ``[query, value]`` or ``[query, value, key]`` (``key`` is ``value`` when not given): query
(B, Tq, dim), value and key (B, Tv, dim)::

    Attention:          scores = q k^T                        (B, Tq, Tv)   x scale with use_scale=True
                        score_mode="concat": scores = c sum(tanh(scale (q_i + k_j)), -1)
    AdditiveAttention:  scores = sum(scale * tanh(q_i + k_j), -1)            scale (dim,), with use_scale=True
    weights = softmax(scores, over Tv)     masked keys (and, with use_causal_mask, j > i) get scores - 1e9
    output = dropout(weights) v            (B, Tq, dim)          zero where the query's mask is False

Masks: ``mask=[query_mask, value_mask]`` or the inputs' own (``Embedding(mask_zero=True)``); the output
carries the query's mask. ``return_attention_scores=True`` also returns ``weights`` (after the mask and the
softmax). Weights: ``scale`` (a scalar for Attention, initialised to 1; ``dim`` values for AdditiveAttention,
glorot-uniform) and Attention's ``concat_score_weight`` (1) with ``score_mode="concat"``, in Keras's order.
"""

from __future__ import annotations

import numpy as np

from ...nn.functional import dropout as _dropout
from .._engine import made_by, ops
from .arguments import check_seed
from .layer import Layer

_LARGE = 1.0e9  # (what Keras subtracts from masked scores in float32)


def _causal(t_q: int, t_v: int):
    """(1, Tq, Tv): True where key j may be attended from query i (j <= i), a constant of a captured step."""
    return ops.expand_dims(made_by(np.tri, t_q, t_v, dtype=bool), 0)


class Attention(Layer):
    """Dot-product attention over a list ``[query, value(, key)]`` (see the module): Keras 3's ``Attention``.

    Args:
        use_scale: learn a scalar ``scale`` multiplying the scores (default False).
        score_mode: ``"dot"`` (default) or ``"concat"`` (``tanh`` of query plus key, summed).
        dropout: the rate of dropout on the attention weights while training (default 0).
        seed: accepted and saved as Keras's (the draws come from nabla's generator).

    Call: ``layer([query, value, key], mask=None, training=None, return_attention_scores=False,
    use_causal_mask=False)``.
    """

    PASSES_MASKS = True  # (the output takes the query's mask: compute_mask)

    def __init__(self, use_scale: bool = False, score_mode: str = "dot", dropout: float = 0.0,
                 seed: int | None = None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        if score_mode not in ("dot", "concat"):
            raise ValueError(
                "Invalid value for argument score_mode. Expected one of {'dot', 'concat'}. "
                f"Received: score_mode={score_mode}"
            )
        if not 0.0 <= dropout < 1.0:
            raise ValueError(f"{type(self).__name__}: dropout must be in [0, 1), got {dropout}")
        self.use_scale, self.score_mode = bool(use_scale), score_mode
        self.dropout, self.seed = float(dropout), check_seed(seed, type(self).__name__)

    def _check(self, inputs, mask=None) -> None:
        name = type(self).__name__
        if not isinstance(inputs, (list, tuple)):
            raise ValueError(
                f"{name} layer must be called on a list of inputs, namely [query, value] or [query, value, key]. "
                f"Received: inputs={inputs}."
            )
        if not 2 <= len(inputs) <= 3:
            raise ValueError(
                f"{name} layer accepts inputs list of length 2 or 3, namely [query, value] or [query, value, key]. "
                f"Received length: {len(inputs)}."
            )
        if mask is not None and (not isinstance(mask, (list, tuple)) or not 2 <= len(mask) <= 3):
            raise ValueError(f"{name} layer mask must be a list, namely [query_mask, value_mask]. Received: {mask}.")

    def build(self, input_shape) -> None:
        self._check(input_shape)
        self.scale = self.concat_score_weight = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(), initializer="ones", name="scale")
        if self.score_mode == "concat":
            self.concat_score_weight = self.add_weight(shape=(), initializer="ones", name="concat_score_weight")
        self.built = True

    def _scores(self, query, key):
        """(B, Tq, Tv) scores of every query against every key."""
        if self.score_mode == "dot":
            scores = ops.matmul(query, ops.swapaxes(key, -2, -1))
            return scores * self.scale if self.scale is not None else scores
        pairs = ops.expand_dims(query, -2) + ops.expand_dims(key, -3)  # (B, Tq, Tv, dim)
        if self.scale is not None:
            pairs = self.scale * pairs
        return self.concat_score_weight * ops.sum(ops.tanh(pairs), axis=-1)

    def call(self, inputs, mask=None, training=None, return_attention_scores: bool = False,
             use_causal_mask: bool = False):  # fmt: skip
        self._check(inputs, mask)
        query, value = inputs[0], inputs[1]
        key = inputs[2] if len(inputs) > 2 else value
        query_mask, value_mask = (mask[0], mask[1]) if mask else (None, None)
        scores = self._scores(query, key)
        keep = None if value_mask is None else ops.expand_dims(value_mask, -2)  # (B, 1, Tv)
        if use_causal_mask:
            causal = _causal(scores.shape[-2], scores.shape[-1])
            keep = causal if keep is None else ops.logical_and(keep, causal)
        if keep is not None:
            scores = ops.where(keep, scores, scores - _LARGE)
        weights = ops.softmax(scores, axis=-1)
        attended = _dropout(weights, self.dropout, bool(training)) if self.dropout > 0 else weights
        output = ops.matmul(attended, value)
        if query_mask is not None:
            output = ops.where(ops.expand_dims(query_mask, -1), output, 0.0)
        return (output, weights) if return_attention_scores else output

    def compute_mask(self, inputs, mask=None):
        return None if not mask or mask[0] is None else mask[0]

    def get_config(self) -> dict:
        return {**super().get_config(), "use_scale": self.use_scale, "score_mode": self.score_mode,
                "dropout": self.dropout, "seed": self.seed}  # fmt: skip


class AdditiveAttention(Attention):
    """Additive attention over ``[query, value(, key)]``: ``scores = sum(scale * tanh(q_i + k_j))`` (see the
    module), Keras 3's ``AdditiveAttention``; ``use_scale`` (default True) learns ``scale``, one value per
    feature (glorot-uniform)."""

    def __init__(self, use_scale: bool = True, dropout: float = 0.0, **kwargs):
        super().__init__(use_scale=use_scale, dropout=dropout, **kwargs)

    def build(self, input_shape) -> None:
        self._check(input_shape)
        self.scale = None
        if self.use_scale:
            self.scale = self.add_weight(shape=(input_shape[0][-1],), initializer="glorot_uniform", name="scale")
        self.built = True

    def _scores(self, query, key):
        pairs = ops.tanh(ops.expand_dims(query, -2) + ops.expand_dims(key, -3))  # (B, Tq, Tv, dim)
        return ops.sum(self.scale * pairs if self.scale is not None else pairs, axis=-1)

    def get_config(self) -> dict:
        config = super().get_config()
        del config["score_mode"]
        return config
