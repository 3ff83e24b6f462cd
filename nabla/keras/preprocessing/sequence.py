"""``keras.preprocessing.sequence.pad_sequences``: :func:`nabla.keras.utils.pad_sequences` under its old name."""

from ..utils.sequence_utils import pad_sequences

__all__ = ["pad_sequences"]
