"""``Hashing``: strings or integers into ``num_bins`` bins by a fixed hash, with no vocabulary to learn."""

from __future__ import annotations

import numpy as np

from .categorical import BIN_OUTPUT_MODES, RawInputLayer, as_array, encode
from .string_hashes import checked_salt, to_buckets


class Hashing(RawInputLayer):
    """Hash each value (a string or a number) into one of ``num_bins`` bins, as Keras 3.

    The bin is ``FarmHash Fingerprint64(value) % num_bins`` (TensorFlow's ``to_hash_bucket_fast``), or with a
    ``salt`` the keyed ``SipHash-2-4(value) % num_bins`` (``to_hash_bucket_strong``); numbers are hashed as
    their decimal digits, floats truncated to integers first (see :mod:`.string_hashes`). The same value gets
    the same bin in nabla, in Keras 3 and in TensorFlow.

    Args:
        num_bins: the number of bins, the mask's bin included.
        mask_value: a value that goes to bin 0; the others then go to bins 1 .. num_bins - 1.
        salt: an integer ``s`` (the key ``[s, s]``) or a pair of integers: use the keyed hash.
        output_mode: ``"int"`` (the bins, int64, of the input's shape), ``"one_hot"``, ``"multi_hot"`` or
            ``"count"`` (float32 vectors of ``num_bins``; see :mod:`.categorical` for the shapes).
        sparse: False only (nabla has no sparse tensors).

    Example::

        keras.layers.Hashing(num_bins=3)([["A"], ["B"], ["C"]])  # [[1], [0], [1]], as Keras
    """

    def __init__(self, num_bins: int, mask_value=None, salt=None, output_mode: str = "int", sparse: bool = False,
                 **kwargs):  # fmt: skip
        if kwargs.get("dtype") is None:
            kwargs["dtype"] = "int64" if output_mode == "int" else "float32"
        super().__init__(**kwargs)
        if isinstance(num_bins, bool) or not isinstance(num_bins, (int, np.integer)) or num_bins <= 0:
            raise ValueError(f"Hashing: num_bins must be a positive integer, got {num_bins!r}")
        if output_mode not in BIN_OUTPUT_MODES:
            raise ValueError(f"Hashing: output_mode must be one of {', '.join(BIN_OUTPUT_MODES)}, got {output_mode!r}")
        if output_mode == "int" and self.dtype.kind not in "iu":
            raise ValueError(f"Hashing: output_mode='int' gives integers, so dtype must be int32 or int64, "
                             f"got {self.dtype.name}")  # fmt: skip
        if sparse:
            raise ValueError("Hashing: sparse=True is not offered by nabla (no sparse tensors); use dense outputs")
        salt = checked_salt(salt, "Hashing")
        self.num_bins, self.mask_value, self.salt = int(num_bins), mask_value, salt
        self.output_mode, self.sparse = output_mode, False

    def bins(self, values: np.ndarray) -> np.ndarray:
        """The int64 bin of each value of ``values`` (any shape)."""
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1  # bin 0 is the mask's
            masked = _equal(values, self.mask_value)
        out = to_buckets(values, bins, self.salt)
        if masked is not None:
            out = np.where(masked, 0, out + 1)
        return out

    def compute(self, inputs) -> np.ndarray:
        values = as_array(inputs)
        if values.dtype.kind not in "USOiuf":
            raise TypeError(f"Hashing: takes strings or numbers, got an array of {values.dtype}")
        ids = self.bins(values)
        if self.output_mode == "int":
            return ids.astype(self.dtype)
        return encode(ids, self.num_bins, self.output_mode, "Hashing", dtype=self.dtype)

    def get_config(self) -> dict:
        return {**super().get_config(), "num_bins": self.num_bins, "salt": self.salt,
                "mask_value": self.mask_value, "output_mode": self.output_mode, "sparse": self.sparse}  # fmt: skip


def _equal(values: np.ndarray, value) -> np.ndarray:
    """Where ``values`` equal ``value``; text compared as UTF-8 bytes, so that ``"a"`` matches ``b"a"`` (a string
    tensor's items are bytes, a list's are str)."""
    if values.dtype.kind not in "USO":
        return values == np.asarray(value, dtype=values.dtype)
    key = value.encode() if isinstance(value, str) else value
    encoded = [v.encode() if isinstance(v, str) else v for v in values.reshape(-1)]
    return np.array([v == key for v in encoded], dtype=bool).reshape(values.shape)
