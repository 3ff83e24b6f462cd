"""Multi-head attention: several scaled dot-product attentions side by side."""

from __future__ import annotations

import math

from ..engine import creation, dtypes, ops
from ..engine.tensor import Tensor
from . import functional as F
from . import init
from .linear import Linear
from .module import Module
from .parameter import Parameter


class MultiheadAttention(Module):
    """PyTorch's ``nn.MultiheadAttention``: project, split into heads, attend, merge, project.

    ``head_i = softmax(Q_i K_i^T / sqrt(d)) V_i`` with ``Q_i, K_i, V_i`` the
    i-th slices of the projected query, key and value; the heads are
    concatenated and passed through ``out_proj``. Parameters and their
    initialisation follow PyTorch (``in_proj_weight`` of shape (3E, E), Glorot
    uniform; biases zero), so weights can be copied between the two.

    Shape: query (L, N, E), key/value (S, N, E), or (N, L, E) with
    ``batch_first=True``, or unbatched (L, E) and (S, E). Returns the output
    (same layout as query) and the attention weights (N, L, S), averaged over
    heads (or None with ``need_weights=False``).
    """

    def __init__(
        self,
        embed_dim: int,
        num_heads: int,
        dropout: float = 0.0,
        bias: bool = True,
        batch_first: bool = False,
        dtype=None,
    ):
        super().__init__()
        if embed_dim % num_heads:
            raise ValueError(f"MultiheadAttention: embed_dim {embed_dim} is not divisible by num_heads {num_heads}")
        self.embed_dim, self.num_heads, self.dropout, self.batch_first = embed_dim, num_heads, dropout, batch_first
        self.head_dim = embed_dim // num_heads
        dtype = dtypes.resolve(dtype) or dtypes.default_float
        self.in_proj_weight = Parameter(creation.empty(3 * embed_dim, embed_dim, dtype=dtype))
        self.in_proj_bias = Parameter(creation.zeros(3 * embed_dim, dtype=dtype)) if bias else None
        self.out_proj = Linear(embed_dim, embed_dim, bias=bias, dtype=dtype)
        init.xavier_uniform_(self.in_proj_weight)
        if bias:
            init.zeros_(self.out_proj.bias)

    def forward(
        self,
        query,
        key,
        value,
        key_padding_mask=None,
        need_weights: bool = True,
        attn_mask=None,
        average_attn_weights: bool = True,
        is_causal: bool = False,
    ):
        if query.ndim not in (2, 3) or key.ndim != query.ndim or value.ndim != query.ndim:
            raise ValueError(
                "MultiheadAttention: expected query, key and value with 3 dimensions (2 if unbatched), got shapes "
                f"{query.shape}, {key.shape}, {value.shape}"
            )
        if query.shape[-1] != self.embed_dim:
            raise ValueError(f"MultiheadAttention: expected embed_dim {self.embed_dim}, got query shape {query.shape}")
        unbatched = query.ndim == 2
        if unbatched:  # (L, E) -> (L, 1, E)
            query, key, value = (t.reshape(t.shape[0], 1, t.shape[1]) for t in (query, key, value))
        elif self.batch_first:
            query, key, value = (t.swapaxes(0, 1) for t in (query, key, value))
        length, batch, _ = query.shape
        source = key.shape[0]
        w, b, e = self.in_proj_weight, self.in_proj_bias, self.embed_dim
        q = ops.linear(query, w[:e], None if b is None else b[:e])
        k = ops.linear(key, w[e : 2 * e], None if b is None else b[e : 2 * e])
        v = ops.linear(value, w[2 * e :], None if b is None else b[2 * e :])

        def heads(t: Tensor, n: int) -> Tensor:  # (n, N, E) -> (N, H, n, d)
            return t.reshape(n, batch, self.num_heads, self.head_dim).permute(1, 2, 0, 3)

        q, k, v = heads(q, length), heads(k, source), heads(v, source)
        scores = (q @ k.swapaxes(-1, -2)) * (1.0 / math.sqrt(self.head_dim))
        mask = _combine_masks(attn_mask, key_padding_mask, is_causal, length, source, batch, scores.dtype)
        if mask is not None:
            scores = scores + mask
        weights = ops.softmax(scores, axis=-1)
        attended = F.dropout(weights, self.dropout, self.training) if self.dropout else weights
        out = (attended @ v).permute(2, 0, 1, 3).reshape(length, batch, e)
        out = self.out_proj(out)
        if unbatched:
            out, weights = out.reshape(length, e), weights[0]
        elif self.batch_first:
            out = out.swapaxes(0, 1)
        if not need_weights:
            return out, None
        return out, (weights.mean(axis=-3) if average_attn_weights else weights)


def _combine_masks(attn_mask, key_padding_mask, is_causal, length, source, batch, dtype):
    """One additive mask of shape broadcastable to (N, H, L, S): 0 to attend, -inf to block.

    Bool masks follow PyTorch's MultiheadAttention: True means *blocked*.
    """
    import numpy as np

    total = None

    def additive(m):
        m = m._data if isinstance(m, Tensor) else np.asarray(m)
        return np.where(m, -np.inf, 0.0).astype(dtype) if m.dtype == np.bool_ else m.astype(dtype)

    if is_causal:
        attn_mask = ~np.tril(np.ones((length, source), dtype=bool))
    if attn_mask is not None:
        m = additive(attn_mask)
        total = m.reshape(batch, -1, length, source) if m.ndim == 3 else m
    if key_padding_mask is not None:
        m = additive(key_padding_mask).reshape(batch, 1, 1, source)
        total = m if total is None else total + m
    return None if total is None else Tensor._make(total)
