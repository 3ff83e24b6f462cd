"""``keras.utils.pack_x_y_sample_weight`` / ``unpack_x_y_sample_weight``: a batch as ``(x, y, sample_weight)``.

What a custom ``train_step`` or a data pipeline uses to read a batch that may or may not carry targets
and weights; Keras 3's rules.
"""

from __future__ import annotations


def pack_x_y_sample_weight(x, y=None, sample_weight=None):
    """``(x, y, sample_weight)`` without the trailing Nones; ``x`` alone stays ``x`` (``(x,)`` if a list/tuple).

    Example:
        >>> pack_x_y_sample_weight(1, 2)
        (1, 2)
    """
    if y is None:
        # NOTE: a tuple x alone would be read back as (x, y, ...): wrap it, as Keras does.
        return (x,) if isinstance(x, (list, tuple)) else x
    if sample_weight is None:
        return (x, y)
    return (x, y, sample_weight)


def unpack_x_y_sample_weight(data) -> tuple:
    """A batch as ``(x, y, sample_weight)``, with None for what it does not carry (Keras 3's rules).

    A tuple (or list) of 1, 2 or 3 items is ``x``, ``(x, y)`` or ``(x, y, sample_weight)``; anything else
    is ``x`` alone.

    Example:
        >>> unpack_x_y_sample_weight((1, 2))
        (1, 2, None)
    """
    if isinstance(data, list):
        data = tuple(data)
    if not isinstance(data, tuple):
        return (data, None, None)
    if not 1 <= len(data) <= 3:
        raise ValueError(
            "Data is expected to be in format `x`, `(x,)`, `(x, y)`, or `(x, y, sample_weight)`, "
            f"found: {data}"
        )
    return data + (None,) * (3 - len(data))
