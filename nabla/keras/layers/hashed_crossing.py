"""``HashedCrossing``: a cross of categorical features, each combination of values hashed into ``num_bins``."""

from __future__ import annotations

import numpy as np

from .categorical import RawInputLayer, as_array, encode
from .string_hashes import fingerprint64

_MASK = (1 << 64) - 1
_CROSS_KEY = 0xDECAFCAFFE  # TensorFlow's default hash_key of sparse.cross_hashed
_MUL = 0xC6A4A7935BD1E995


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _fingerprint_cat64(fp1: int, fp2: int) -> int:
    """TensorFlow's ``FingerprintCat64``: combine two 64-bit fingerprints (order matters)."""
    result = fp1 ^ _MUL
    result ^= (_shift_mix((fp2 * _MUL) & _MASK) * _MUL) & _MASK
    result = (result * _MUL) & _MASK
    result = (_shift_mix(result) * _MUL) & _MASK
    return _shift_mix(result)


def _feature_hash(value) -> int:
    """One value's hash in a cross, as TensorFlow's: a string's ``Fingerprint64``, an integer itself (as uint64)."""
    if isinstance(value, (bytes, str)):
        return fingerprint64(value.encode("utf-8") if isinstance(value, str) else value)
    return int(value) & _MASK


class HashedCrossing(RawInputLayer):
    """Cross two or more categorical features by the hashing trick, as Keras 3 (TensorFlow's ``cross_hashed``).

    Each row's values ``(v1, v2, ...)`` go to bin ``h % num_bins`` where ``h`` starts at TensorFlow's key
    0xDECAFCAFFE and is combined with each value's hash in turn by ``FingerprintCat64`` (a string hashes as
    its FarmHash ``Fingerprint64``, an integer as itself): the same bins as Keras and TensorFlow.

    Args:
        num_bins: the number of bins.
        output_mode: ``"int"`` (the bins, int64, of the inputs' shape) or ``"one_hot"`` (float32 vectors of
            ``num_bins``; a trailing axis of 1 is replaced).
        sparse: False only (nabla has no sparse tensors).

    Shape: inputs, a list or tuple of at least two arrays of one shape, ``()``, ``(batch,)`` or ``(batch, 1)``,
    of strings or integers (or floats holding whole numbers: a model's float32 input).

    Example::

        keras.layers.HashedCrossing(num_bins=5)((np.array(["A", "B"]), np.array([101, 101])))  # [1, 4]
    """

    def __init__(self, num_bins: int, output_mode: str = "int", sparse: bool = False, **kwargs):
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"HashedCrossing: num_bins must be a positive integer, got {num_bins!r}")
        if output_mode not in ("int", "one_hot"):
            raise ValueError(f"HashedCrossing: output_mode must be 'int' or 'one_hot', got {output_mode!r}")
        if sparse:
            raise ValueError("HashedCrossing: sparse=True is not offered by nabla (no sparse tensors)")
        self.num_bins, self.output_mode, self.sparse = int(num_bins), output_mode, False

    def compute(self, inputs) -> np.ndarray:
        if not isinstance(inputs, (list, tuple)) or len(inputs) < 2:
            raise ValueError(f"HashedCrossing: call it on a list or tuple of at least two inputs, got {inputs!r}")
        arrays = [as_array(x) for x in inputs]
        shape = arrays[0].shape
        if len(shape) > 2 or (len(shape) == 2 and shape[1] != 1):
            raise ValueError(f"HashedCrossing: inputs must have shape (), (batch,) or (batch, 1), got {shape}")
        if any(a.shape != shape for a in arrays):
            raise ValueError(f"HashedCrossing: inputs must have equal shapes, got {[a.shape for a in arrays]}")
        # (a float array of whole numbers is a model's float32 input of integers, as IntegerLookup takes it)
        arrays = [a.astype(np.int64) if a.dtype.kind == "f" and np.array_equal(a, np.trunc(a)) else a for a in arrays]
        if any(a.dtype.kind not in "iuSUO" for a in arrays):
            dtypes = [a.dtype.name for a in arrays]
            raise ValueError(f"HashedCrossing: inputs must be integers or strings, got {dtypes}")
        rows = zip(*(a.reshape(-1).tolist() for a in arrays))
        bins = []
        for row in rows:
            hashed = _CROSS_KEY
            for value in row:
                hashed = _fingerprint_cat64(hashed, _feature_hash(value))
            bins.append(hashed % self.num_bins)
        ids = np.asarray(bins, dtype=np.int64).reshape(shape)
        if self.output_mode == "int":
            return ids.astype(self.dtype)
        # (a scalar's one-hot is a batch of one, (1, num_bins), as Keras's)
        return encode(ids.reshape(shape or (1,)), self.num_bins, "one_hot", "HashedCrossing", dtype=self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_bins": self.num_bins, "output_mode": self.output_mode,
                "sparse": self.sparse}  # fmt: skip
