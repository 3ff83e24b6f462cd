"""``keras.utils.pad_sequences``: lists of sequences of different lengths as one padded array."""

from __future__ import annotations

import numpy as np


def pad_sequences(sequences, maxlen: int | None = None, dtype="int32", padding: str = "pre",
                  truncating: str = "pre", value=0.0) -> np.ndarray:  # fmt: skip
    """Pad (or truncate) each sequence to ``maxlen`` and stack them: an array of shape ``(len(sequences), maxlen)``.

    Keras's rules, option for option (and its NumPy result):

    - ``maxlen``: default the length of the longest sequence;
    - ``padding="pre"`` puts ``value`` before a short sequence, ``"post"`` after it;
    - ``truncating="pre"`` drops the start of a long sequence (keeps its last ``maxlen`` items),
      ``"post"`` its end;
    - ``dtype`` (default ``"int32"``: floats given are truncated to integers, as in Keras; pass
      ``dtype="float32"`` to keep them, or ``object``/``str`` for strings) and ``value`` (default 0);
    - sequences of items with a shape of their own (each a vector, say) give ``(N, maxlen) + item_shape``;
      empty sequences are all padding.

    Example:
        >>> pad_sequences([[1], [2, 3], [4, 5, 6]])
        array([[0, 0, 1],
               [0, 2, 3],
               [4, 5, 6]], dtype=int32)
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    lengths, item_shape = [], None
    for s in sequences:
        if not hasattr(s, "__len__"):
            raise ValueError(f"`sequences` must be a list of iterables. Found non-iterable: {s!r}")
        lengths.append(len(s))
        if item_shape is None and len(s):
            item_shape = np.asarray(s).shape[1:]
    item_shape = item_shape or ()
    if maxlen is None:
        maxlen = max(lengths, default=0)
    is_text = np.issubdtype(np.dtype(dtype), np.str_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(
            f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
            "You should set `dtype=object` for variable length strings."
        )
    out = np.full((len(sequences), maxlen) + item_shape, value, dtype=dtype)
    for i, s in enumerate(sequences):
        if not len(s) or maxlen == 0:
            continue
        kept = np.asarray(s[-maxlen:] if truncating == "pre" else s[:maxlen], dtype=dtype)
        if kept.shape[1:] != item_shape:
            raise ValueError(
                f"Shape of sample {kept.shape[1:]} of sequence at position {i} is different from expected shape "
                f"{item_shape}"
            )
        if padding == "post":
            out[i, : len(kept)] = kept
        else:
            out[i, -len(kept) :] = kept
    return out
