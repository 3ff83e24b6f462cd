"""``MultiHeadAttention``: Keras 3's scaled dot-product attention of several heads, with its weights' layout.

For ``query`` (B, T, dim_q), ``value`` (B, S, dim_v) and ``key`` (B, S, dim_k, ``value`` when not given), with
N heads of size ``key_dim`` (H) and ``value_dim`` (Hv, ``key_dim`` by default)::

    q = query @ Wq + bq    (B, T, N, H)        Wq: (dim_q, N, H), bq: (N, H)
    k = key @ Wk + bk      (B, S, N, H)        Wk: (dim_k, N, H), bk: (N, H)
    v = value @ Wv + bv    (B, S, N, Hv)       Wv: (dim_v, N, Hv), bv: (N, Hv)
    scores = softmax(q k^T / sqrt(H))   over S, per head: (B, N, T, S); masked positions get -1e9 first
    out = dropout(scores) v @ Wo + bo   (B, T, out)   Wo: (N, Hv, out), bo: (out,)

``out`` is ``output_shape`` (an int), else dim_q. The weights are made at the first call, in Keras's order
(query, key, value, attention_output; kernel then bias), so ``set_weights`` takes Keras's arrays as they are.

Masks, as Keras 3 merges them (nonzero is kept; the rest gets -1e9 before the softmax; a query that may
attend to nothing gets zeros with ``return_attention_scores`` or a ``dropout`` rate, else, as Keras's fused
path, the mean of every value):
``attention_mask`` (B, T, S), or fewer axes expanded as Keras does at the heads' axis (a (T, S) mask
becomes (1, 1, T, S), shared by the batch); the query's own mask (``Embedding(mask_zero=True)``'s; a
``query_mask`` argument is replaced by it, as in Keras 3); ``value_mask`` and ``key_mask`` (B, S), else the
value's and key's own masks; and with ``use_causal_mask=True`` only ``s <= t``. Offered too:
``return_attention_scores``, ``dropout`` on the scores while training, ``use_bias``, ``output_shape``, the
initializers. Not offered: ``attention_axes`` other than None (attention over the sequence axis of rank-3
inputs).

Example::

    >>> mha = MultiHeadAttention(num_heads=2, key_dim=4)
    >>> x = np.ones((1, 3, 8), "float32")
    >>> out, scores = mha(x, x, return_attention_scores=True)
    >>> out.shape, scores.shape
    ((1, 3, 8), (1, 2, 3, 3))
"""

from __future__ import annotations

import math

import numpy as np

from .. import initializers
from .._engine import Tensor, made_by, ops
from . import masking
from .layer import Layer
from .layer_config import config_value
from .layer_inputs import as_tensors, integers_as_floats
from .regularization import Dropout

_LARGE_NEGATIVE = -1e9  # (Keras's for float32; -3e4 for float16)


class MultiHeadAttention(Layer):
    """Multi-head attention (Vaswani et al., 2017, https://arxiv.org/abs/1706.03762), as Keras 3's layer.

    Args:
        num_heads: the number of heads N.
        key_dim: the size H of each head of the query and key.
        value_dim: the size of each head of the value (default ``key_dim``).
        dropout: the rate of dropout on the attention scores while training (default 0).
        use_bias: whether the projections add biases (default True).
        output_shape: the size of the output's last axis (default the query's).
        attention_axes: None only (module docstring).
        kernel_regularizer, bias_regularizer, activity_regularizer, kernel_constraint, bias_constraint,
            use_gate, sliding_window: their defaults only (None, False), accepted so that Keras's saved
            configs load; ``flash_attention`` is accepted and ignored (a kernel choice, same values).
        kernel_initializer, bias_initializer: as Dense's ("glorot_uniform", "zeros").
        seed: accepted for Keras's signature (the dropout draws from nabla's generator).

    Call: ``mha(query, value, key=None, attention_mask=None, return_attention_scores=False, training=None,
    use_causal_mask=False)``.
    """

    INTEGER_TENSORS = "cast"  # integer tensors (the value, key too) computed in float32, as Keras on TensorFlow

    def __init__(self, num_heads: int, key_dim: int, value_dim: int | None = None, dropout: float = 0.0,
                 use_bias: bool = True, output_shape: int | None = None, attention_axes=None,
                 kernel_initializer="glorot_uniform", bias_initializer="zeros", seed: int | None = None,
                 kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 bias_constraint=None, use_gate: bool = False, sliding_window=None, flash_attention=None,
                 **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        offered = dict(kernel_regularizer=None, bias_regularizer=None, activity_regularizer=None,
                       kernel_constraint=None, bias_constraint=None, use_gate=False, sliding_window=None)  # fmt: skip
        given = dict(kernel_regularizer=kernel_regularizer, bias_regularizer=bias_regularizer,
                     activity_regularizer=activity_regularizer, kernel_constraint=kernel_constraint,
                     bias_constraint=bias_constraint, use_gate=use_gate, sliding_window=sliding_window)  # fmt: skip
        for name, value in given.items():
            if value != offered[name]:
                raise ValueError(f"MultiHeadAttention: {name}={value!r} is not offered by nabla (only "
                                 f"{offered[name]!r}); leave it out")  # fmt: skip
        for name, value in (("num_heads", num_heads), ("key_dim", key_dim), ("value_dim", value_dim or key_dim)):
            if not isinstance(value, (int, np.integer)) or value < 1:
                raise ValueError(f"MultiHeadAttention: {name} must be a positive integer, got {value!r}")
        if attention_axes is not None:
            raise ValueError(
                f"MultiHeadAttention: attention_axes={attention_axes!r} is not offered; nabla attends over the "
                "sequence axis of (batch, sequence, features) inputs (attention_axes=None): reshape to that layout"
            )
        if output_shape is not None and not isinstance(output_shape, (int, np.integer)):
            raise ValueError(f"MultiHeadAttention: output_shape must be an int or None, got {output_shape!r}")
        self.num_heads, self.key_dim, self.value_dim = int(num_heads), int(key_dim), int(value_dim or key_dim)
        self.use_bias, self.seed = use_bias, seed
        self.output_size = None if output_shape is None else int(output_shape)
        self.kernel_initializer = initializers.standardize(kernel_initializer)
        self.bias_initializer = initializers.standardize(bias_initializer)
        self.dropout = float(dropout)
        self._dropout_layer = Dropout(self.dropout)
        self._projections: dict[str, tuple] | None = None

    def _make_weights(self, query: Tensor, value: Tensor, key: Tensor) -> None:
        """The four projections' kernels and biases, in Keras's order (query, key, value, attention_output)."""
        heads = self.num_heads
        shapes = {
            "query": ((query.shape[-1], heads, self.key_dim), (heads, self.key_dim)),
            "key": ((key.shape[-1], heads, self.key_dim), (heads, self.key_dim)),
            "value": ((value.shape[-1], heads, self.value_dim), (heads, self.value_dim)),
            "attention_output": ((heads, self.value_dim, self.output_size or query.shape[-1]),
                                 (self.output_size or query.shape[-1],)),
        }  # fmt: skip
        self._projections = {}
        for name, (kernel_shape, bias_shape) in shapes.items():
            kernel = self.add_weight(shape=kernel_shape, initializer=self.kernel_initializer, name=f"{name}_kernel")
            bias = None
            if self.use_bias:
                bias = self.add_weight(shape=bias_shape, initializer=self.bias_initializer, name=f"{name}_bias")
            self._projections[name] = (kernel, bias)

    def _project(self, name: str, x: Tensor, spec: str) -> Tensor:
        kernel, bias = self._projections[name]
        out = ops.einsum(spec, x, kernel)
        return out if bias is None else out + bias

    def call(self, query, value, key=None, query_mask=None, value_mask=None, key_mask=None, attention_mask=None,
             return_attention_scores: bool = False, training=None, use_causal_mask: bool = False):  # fmt: skip
        value = integers_as_floats(as_tensors(value, self.dtype), self.dtype, self)
        key = value if key is None else integers_as_floats(as_tensors(key, self.dtype), self.dtype, self)
        for name, x in (("query", query), ("value", value), ("key", key)):
            if x.ndim != 3:
                raise ValueError(f"MultiHeadAttention: {name} must be (batch, sequence, features), got shape {x.shape}")
        # NOTE: as Keras 3, the query's mask is the one it carries: a query_mask argument is replaced by it (so
        # Keras 2's positional mha(x, x, x, mask), where the 4th argument was attention_mask, has no mask).
        query_mask = masking.get_mask(query)
        value_mask = masking.get_mask(value) if value_mask is None else value_mask
        if key is not value and key_mask is None:
            key_mask = masking.get_mask(key)
        keep = _keep(query_mask, value_mask, key_mask, attention_mask, use_causal_mask, query.shape[1], value.shape[1])
        if self._projections is None:
            self._make_weights(query, value, key)
        q = self._project("query", query, "btd,dnh->btnh") * (1.0 / math.sqrt(self.key_dim))
        k = self._project("key", key, "bsd,dnh->bsnh")
        v = self._project("value", value, "bsd,dnh->bsnh")
        scores = ops.einsum("bsnh,btnh->bnts", k, q)
        if keep is not None:
            while keep.ndim < scores.ndim:  # Keras expands at the heads' axis: (B, T, S) -> (B, 1, T, S)
                keep = ops.expand_dims(keep, -3)
            scores = ops.where(keep, scores, _LARGE_NEGATIVE)
        scores = ops.softmax(scores, axis=-1)
        if keep is not None and (return_attention_scores or self.dropout > 0):
            # NOTE: as Keras 3, whose Softmax layer zeroes a query that may attend to nothing on this path; with
            # neither, its fused ops.dot_product_attention leaves that row uniform (the mean of every value).
            scores = ops.where(keep, scores, 0.0)
        attended = ops.einsum("bnts,bsnh->btnh", self._dropout_layer(scores, training=training), v)
        out = self._project("attention_output", attended, "btnh,nho->bto")
        if query_mask is not None:
            masking.set_mask(out, query_mask)
        return (out, scores) if return_attention_scores else out

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "num_heads": self.num_heads, "key_dim": self.key_dim, "value_dim": self.value_dim,
            "dropout": self.dropout, "use_bias": self.use_bias, "output_shape": self.output_size,
            "attention_axes": None, "seed": self.seed, "use_gate": False, "sliding_window": None,
            "kernel_regularizer": None, "bias_regularizer": None, "activity_regularizer": None,
            "kernel_constraint": None, "bias_constraint": None,
            "kernel_initializer": config_value(self.kernel_initializer),
            "bias_initializer": config_value(self.bias_initializer),
        }  # fmt: skip


def _keep(query_mask, value_mask, key_mask, attention_mask, causal: bool, t: int, s: int):
    """The positions attended to, as Keras 3 merges its masks with ``&``: the query's (B, T) as (B, T, 1), the
    value's and key's (B, S) as (B, 1, S), the causal (1, T, S) and ``attention_mask``, each cast to bool
    (nonzero is True); None when there is none."""
    parts = []
    if query_mask is not None:
        parts.append(ops.expand_dims(masking.as_mask(query_mask), -1))
    parts += [ops.expand_dims(masking.as_mask(m), -2) for m in (value_mask, key_mask) if m is not None]
    if causal:
        parts.append(ops.expand_dims(made_by(np.tri, t, s, dtype=bool), 0))
    if attention_mask is not None:
        parts.insert(0, masking.as_mask(attention_mask))
    keep = parts[0] if parts else None
    for part in parts[1:]:
        keep = ops.logical_and(keep, part)
    return keep
