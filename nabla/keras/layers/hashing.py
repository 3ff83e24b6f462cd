"""``Hashing``: strings or integers into ``num_bins`` bins by a fixed hash, with no vocabulary to learn."""

from __future__ import annotations

import numpy as np

from .categorical import RawInputLayer, as_array, encode
from .string_hashes import fingerprint64, siphash24

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _hash_bytes(value) -> bytes:
    """The bytes Keras hashes for one value: a string's UTF-8, an integer's decimal digits (TensorFlow's
    ``as_string``); a float is first truncated toward zero to an integer, as Keras casts it to int64."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bool, np.bool_)):
        raise TypeError("Hashing: takes strings or numbers, got booleans; cast them to int first")
    if isinstance(value, (float, np.floating)):
        return str(int(np.trunc(value))).encode()
    return str(int(value)).encode()


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
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Hashing: output_mode must be one of {', '.join(OUTPUT_MODES)}, got {output_mode!r}")
        if output_mode == "int" and self.dtype.kind not in "iu":
            raise ValueError(f"Hashing: output_mode='int' gives integers, so dtype must be int32 or int64, "
                             f"got {self.dtype.name}")  # fmt: skip
        if sparse:
            raise ValueError("Hashing: sparse=True is not offered by nabla (no sparse tensors); use dense outputs")
        if salt is not None:
            pair = isinstance(salt, (tuple, list)) and len(salt) == 2
            if not (pair or isinstance(salt, int)) or any(isinstance(s, bool) or not isinstance(s, int)
                                                          for s in (salt if pair else [salt])):  # fmt: skip
                raise ValueError(f"Hashing: salt must be an integer or a pair of integers, got {salt!r}")
            salt = list(salt) if pair else [salt, salt]
        self.num_bins, self.mask_value, self.salt = int(num_bins), mask_value, salt
        self.output_mode, self.sparse = output_mode, False

    def bins(self, values: np.ndarray) -> np.ndarray:
        """The int64 bin of each value of ``values`` (any shape); each distinct value is hashed once."""
        bins = self.num_bins
        masked = None
        if self.mask_value is not None and bins > 1:
            bins -= 1  # bin 0 is the mask's
            masked = values == np.asarray(self.mask_value, dtype=values.dtype)
        uniques, where = np.unique(values.ravel(), return_inverse=True)
        if self.salt is None:
            hashed = [fingerprint64(_hash_bytes(v)) % bins for v in uniques.tolist()]
        else:
            key = (self.salt[0], self.salt[1])
            hashed = [siphash24(key, _hash_bytes(v)) % bins for v in uniques.tolist()]
        out = np.asarray(hashed, dtype=np.int64)[where].reshape(values.shape)
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
