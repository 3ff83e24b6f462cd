"""``StringLookup`` and ``IntegerLookup``: tokens -> integer ids through a vocabulary, learned by ``adapt``.

The vocabulary, as Keras 3 lays it out (``get_vocabulary()``), in ``output_mode="int"``::

    [mask_token]  (only when one is given: id 0, padding)
    [oov_token]   (num_oov_indices times: the ids of the tokens not in the vocabulary; with several, a
                  token's id is chosen by its hash, or an integer's by ``token mod num_oov_indices``)
    tokens...     (adapt: the most frequent first; equal counts in descending token order, as TensorFlow)

In the other modes the mask token has no id (it is left out of the counts) and the vocabulary starts at
the OOV token. ``max_tokens`` bounds the vocabulary's size, the special tokens included.

``output_mode``: ``"int"`` (the ids, int64, of the input's shape), or an encoding of them
(``"one_hot"``, ``"multi_hot"`` or Keras 2's name for it ``"binary"``, ``"count"``, ``"tf_idf"``; see
:mod:`.categorical`). The encodings are
float32 (the layer's dtype), what a model's next layer takes: Keras 3 gives int64 when it runs eagerly
and float32 inside a model; nabla gives float32 both ways. ``"tf_idf"`` weighs each count with
``log(1 + documents / (1 + documents containing the token))`` (a document: a row of a 2-D batch, an
element of a 1-D one), the OOV id with the mean weight, as Keras.

``invert=True`` maps ids back to tokens (ids outside the vocabulary give the OOV token).

Deliberate differences: ``num_oov_indices`` is 0 or 1 (Keras hashes tokens over several OOV ids with
TensorFlow's fingerprint, which nabla does not reproduce); with 0 an unknown token is an error naming it.
Strings come back (``invert=True``) as a NumPy array of ``str``, as nabla's Tensors hold numbers only.

``get_config()`` holds the vocabulary (without its special tokens) and the idf weights whether they were
given or learned by ``adapt``, and ``vocabulary_size`` (which ``from_config`` checks against it): so a model
file (``model.save``) carries them in its JSON config, checked when loaded (tokens of the right type, no
repeats, no more than ``max_tokens``, one idf weight per token). Keras 3 writes the vocabulary in the
config only when it was given as a list, and saves a learned one as a file among the model file's assets.
"""

from __future__ import annotations

import itertools
from collections import Counter

import numpy as np

from .categorical import RawInputLayer, as_array, as_ids, encode
from .string_hashes import checked_salt, to_buckets

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


def frequency_order(counts: Counter) -> list:
    """The tokens of ``counts``, most frequent first, equal counts in descending token order (TensorFlow's)."""
    return [token for token, _ in sorted(counts.items(), key=lambda item: (item[1], item[0]), reverse=True)]


def data_batches(data):
    """``adapt``'s data as an iterator of NumPy batches: one for an array, a Tensor, a list or a string; each
    item of another iterable (a generator, a dataset of ``(x, y)`` batches, whose ``x`` is used)."""
    if isinstance(data, (str, bytes)) or hasattr(data, "__array__") or hasattr(data, "detach"):
        return iter([as_array(data)])
    if isinstance(data, (list, tuple)):
        return iter([np.asarray(data)])
    if not hasattr(data, "__iter__"):
        raise TypeError(f"adapt takes an array, a list or an iterable of batches, got {type(data).__name__}")
    return (as_array(item[0] if isinstance(item, tuple) else item) for item in data)


def count(documents) -> tuple[Counter, Counter, int]:
    """(how often each token occurs, in how many documents, the number of documents) of an iterable of
    documents (each a sequence of tokens)."""
    counts, document_counts, n_documents = Counter(), Counter(), 0
    for document in documents:
        values = list(document)
        counts.update(values)
        document_counts.update(set(values))
        n_documents += 1
    return counts, document_counts, n_documents


def documents(batch: np.ndarray) -> list:
    """The documents of a batch (its rows; the elements of a 1-D batch, a scalar's one)."""
    if batch.ndim == 0:
        return [batch.reshape(1)]
    return [np.atleast_1d(row) for row in batch] if batch.ndim <= 2 else [row.reshape(-1) for row in batch]


class IndexLookup(RawInputLayer):
    """The vocabulary, ``adapt`` and the encodings of :class:`StringLookup` and :class:`IntegerLookup`."""

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token=None, oov_token=None, vocabulary=None,
                 idf_weights=None, invert: bool = False, output_mode: str = "int", pad_to_max_tokens: bool = False,
                 sparse: bool = False, oov_method: str = "floormod", salt=None, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        who = type(self).__name__
        if output_mode == "binary":  # Keras 2's name of multi_hot, which Keras 3 still takes
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"{who}: output_mode must be one of {', '.join(OUTPUT_MODES)}, got {output_mode!r}")
        if isinstance(num_oov_indices, bool) or not isinstance(num_oov_indices, int) or num_oov_indices < 0:
            raise ValueError(f"{who}: num_oov_indices must be a non-negative integer, got {num_oov_indices!r}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError(f"{who}: oov_method must be 'floormod' or 'farmhash', got {oov_method!r}")
        if max_tokens is not None and (isinstance(max_tokens, bool) or not isinstance(max_tokens, int)
                                       or max_tokens <= 1):  # fmt: skip
            raise ValueError(f"{who}: max_tokens must be None or an integer above 1, got {max_tokens!r}")
        if invert and output_mode != "int":
            raise ValueError(f"{who}: invert=True maps ids back to tokens: it needs output_mode='int'")
        if pad_to_max_tokens and (max_tokens is None or output_mode == "int"):
            raise ValueError(f"{who}: pad_to_max_tokens=True needs max_tokens and an output_mode other than 'int'")
        if idf_weights is not None and output_mode != "tf_idf":
            raise ValueError(f"{who}: idf_weights are for output_mode='tf_idf', not {output_mode!r}")
        if sparse:
            raise ValueError(f"{who}: sparse=True is not offered by nabla (no sparse tensors); use dense outputs")
        self.max_tokens, self.num_oov_indices = max_tokens, int(num_oov_indices)
        self.mask_token, self.oov_token = mask_token, oov_token
        self.invert, self.output_mode, self.sparse = invert, output_mode, False
        self.pad_to_max_tokens = pad_to_max_tokens
        self.oov_method, self.salt = oov_method, checked_salt(salt, who)
        self._tokens: list = []  # the vocabulary without its special tokens
        self._index: dict = {}
        self._idf: np.ndarray | None = None  # the tokens' idf weights (tf_idf)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        elif output_mode == "tf_idf" and idf_weights is not None:
            raise ValueError(f"{who}: idf_weights come with a vocabulary")

    # --- tokens (StringLookup and IntegerLookup say what a token is) ------------------------

    def tokens_of(self, data: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    def token_list(self, values) -> list:
        """A vocabulary given by the user, as tokens."""
        return list(self.tokens_of(np.asarray(values)).reshape(-1))

    # --- the vocabulary ------------------------------------------------------------------

    @property
    def _masked(self) -> bool:
        """Whether the mask token has an id (id 0): only in "int" mode."""
        return self.mask_token is not None and self.output_mode == "int"

    def _specials(self) -> list:
        return ([self.mask_token] if self._masked else []) + [self.oov_token] * self.num_oov_indices

    def get_vocabulary(self, include_special_tokens: bool = True) -> list:
        """The tokens by id (see the module docstring); without the mask and OOV tokens if asked."""
        return (self._specials() if include_special_tokens else []) + list(self._tokens)

    def vocabulary_size(self) -> int:
        """The number of ids, the special tokens included."""
        return len(self._specials()) + len(self._tokens)

    @property
    def idf_weights(self) -> np.ndarray | None:
        """The weights of ``"tf_idf"`` by id (the OOV id's first: the mean of the others), or None."""
        if self._idf is None:
            return None
        oov = [float(self._idf.mean()) if self._idf.size else 0.0] * self.num_oov_indices
        return np.concatenate([np.asarray(oov, np.float32), self._idf.astype(np.float32)])

    def set_vocabulary(self, vocabulary, idf_weights=None) -> None:
        """Set the vocabulary: a list or array of tokens, or the path of a text file of one token per line.
        Special tokens at its start (as ``get_vocabulary()`` gives them) are accepted and dropped."""
        who = type(self).__name__
        if isinstance(vocabulary, str) and not isinstance(self.oov_token, str):
            raise TypeError(f"{who}: a vocabulary file holds strings; give {who} a list of integers")
        if isinstance(vocabulary, str):
            with open(vocabulary, encoding="utf-8") as f:
                vocabulary = [line.rstrip("\n") for line in f]
        tokens = self.token_list(vocabulary)
        for special in self._specials():
            if tokens and tokens[0] == special:
                tokens.pop(0)
        if len(set(tokens)) != len(tokens):
            repeated = next(t for t, n in Counter(tokens).items() if n > 1)
            raise ValueError(f"{who}: the vocabulary holds {repeated!r} more than once")
        for special in {self.mask_token, self.oov_token} - {None}:
            if special in tokens:
                raise ValueError(f"{who}: the vocabulary holds the special token {special!r} after its start")
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError(f"{who}: output_mode='tf_idf' with a given vocabulary needs idf_weights too")
            idf = np.asarray(idf_weights, np.float64).reshape(-1)
            if self.num_oov_indices and len(idf) == len(tokens) + 1:
                idf = idf[1:]  # (given as idf_weights gives them, the OOV id's first)
            if len(idf) != len(tokens):
                raise ValueError(f"{who}: {len(idf)} idf_weights for a vocabulary of {len(tokens)} tokens")
            self._idf = idf
        self._set_tokens(tokens)

    def _set_tokens(self, tokens: list) -> None:
        room = None if self.max_tokens is None else self.max_tokens - len(self._specials())
        if room is not None and len(tokens) > room:
            raise ValueError(f"{type(self).__name__}: a vocabulary of {len(tokens)} tokens is more than max_tokens="
                             f"{self.max_tokens} allows with the special tokens")  # fmt: skip
        self._tokens = tokens
        self._index = {token: i for i, token in enumerate(tokens)}

    def adapt(self, data, batch_size=None, steps: int | None = None) -> None:
        """Learn the vocabulary from ``data`` (an array or list of tokens, or an iterable of batches; ``steps``
        batches at most): the ``max_tokens`` most frequent tokens, and their idf weights for ``"tf_idf"``."""
        batches = itertools.islice(data_batches(data), steps)
        self.learn(*count(document for batch in batches for document in documents(self.tokens_of(batch))))

    def learn(self, counts: Counter, document_counts: Counter, n_documents: int) -> None:
        """Set the vocabulary from token counts (see :func:`count`)."""
        tokens = [t for t in frequency_order(counts) if t != self.mask_token and t != self.oov_token]
        if self.max_tokens is not None:
            tokens = tokens[: self.max_tokens - len(self._specials())]
        if self.output_mode == "tf_idf":
            self._idf = np.log1p(n_documents / (1.0 + np.array([document_counts[t] for t in tokens], np.float64)))
        self._set_tokens(tokens)

    # --- lookups -------------------------------------------------------------------------

    def ids(self, tokens: np.ndarray) -> np.ndarray:
        """int64 ids of ``tokens`` (an array of any shape); the mask token -1 outside "int" mode (left out)."""
        specials = len(self._specials())
        table = {token: i + specials for token, i in self._index.items()}
        if self.mask_token is not None:
            table[self.mask_token] = 0 if self._masked else -1
        if tokens.size == 0:
            return np.zeros(tokens.shape, np.int64)
        unique, inverse = np.unique(tokens.reshape(-1), return_inverse=True)
        found = [table.get(token, -2) for token in unique.tolist()]  # (-2: not in the table)
        if -2 in found and not self.num_oov_indices:
            raise ValueError(f"{type(self).__name__}: {unique.tolist()[found.index(-2)]!r} is not in the vocabulary "
                             "(num_oov_indices=0 has no id for unknown tokens)")  # fmt: skip
        found = np.asarray(found, np.int64)
        unknown = found == -2
        if unknown.any():
            found[unknown] = self.oov_ids(unique[unknown])
        return found[inverse].reshape(tokens.shape)

    def oov_ids(self, tokens: np.ndarray) -> np.ndarray:
        """The ids of tokens outside the vocabulary: with several OOV ids, Keras spreads them by a hash of the
        token (FarmHash, or SipHash with a ``salt``), or an integer token by ``token mod num_oov_indices``
        (``oov_method="floormod"``)."""
        first = 1 if self._masked else 0
        n = self.num_oov_indices
        if n == 1:
            return np.full(tokens.shape, first, np.int64)
        if tokens.dtype.kind in "iu" and self.oov_method == "floormod":
            return first + np.mod(tokens.astype(np.int64), n)
        return first + to_buckets(tokens, n, self.salt)

    def tokens_from_ids(self, ids: np.ndarray) -> np.ndarray:
        vocabulary = self.get_vocabulary()
        oov = self.oov_token if self.num_oov_indices else self.mask_token
        values = [vocabulary[i] if 0 <= i < len(vocabulary) else oov for i in ids.reshape(-1).tolist()]
        return np.asarray(values, dtype=self.tokens_of(np.asarray(vocabulary[:1])).dtype).reshape(ids.shape)

    def depth(self) -> int:
        """The width of the encoded vectors: the vocabulary's size, or max_tokens with pad_to_max_tokens."""
        return self.max_tokens if self.pad_to_max_tokens else self.vocabulary_size()

    def encode_ids(self, ids: np.ndarray) -> np.ndarray:
        """``ids`` as the output mode says."""
        if self.output_mode == "int":
            return ids
        depth = self.depth()
        idf = None
        if self.output_mode == "tf_idf":
            idf = np.zeros(depth)
            idf[: self.vocabulary_size()] = self.idf_weights
        return encode(ids, depth, self.output_mode, type(self).__name__, idf=idf, dtype=self.dtype)

    def compute(self, inputs) -> np.ndarray:
        if self.invert:
            return self.tokens_from_ids(as_ids(inputs, type(self).__name__))
        return self.encode_ids(self.ids(self.tokens_of(as_array(inputs))))

    def get_config(self) -> dict:
        vocabulary = [t.item() if isinstance(t, np.generic) else t for t in self._tokens] or None
        idf = None if self._idf is None else self._idf.tolist()
        return {**super().get_config(), "invert": self.invert, "max_tokens": self.max_tokens,
                "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token, "mask_token": self.mask_token,
                "output_mode": self.output_mode, "sparse": self.sparse, "pad_to_max_tokens": self.pad_to_max_tokens,
                "idf_weights": idf, "vocabulary": vocabulary, "vocabulary_size": self.vocabulary_size(),
                "oov_method": self.oov_method, "salt": self.salt}  # fmt: skip

    @classmethod
    def from_config(cls, config: dict) -> IndexLookup:
        return checked_size(super().from_config({k: v for k, v in config.items() if k != "vocabulary_size"}),
                            config.get("vocabulary_size"))  # fmt: skip


def checked_size(layer, size: int | None):
    """``layer`` (made from a config) if its vocabulary has the config's ``vocabulary_size`` (when given)."""
    if size is not None and layer.vocabulary_size() != size:
        raise ValueError(f"{type(layer).__name__}: the config's vocabulary_size {size} disagrees with its vocabulary, "
                         f"of {layer.vocabulary_size()} ids with the special tokens")  # fmt: skip
    return layer


class StringLookup(IndexLookup):
    """Strings -> integer ids (or one-hot, multi-hot, count, tf-idf vectors), as Keras 3's ``StringLookup``.

    Args:
        max_tokens: the most ids, the special tokens included (None: no bound).
        num_oov_indices: 1 (unknown strings get the OOV id) or 0 (they are an error).
        mask_token: a string with id 0 (padding), or None (default).
        oov_token: the OOV id's token, ``"[UNK]"``.
        vocabulary: a list of strings, or a text file's path of one per line; or learn one with ``adapt(data)``.
        idf_weights, invert, output_mode, pad_to_max_tokens: see :mod:`.index_lookup`.
        encoding: how ``bytes`` inputs are decoded ("utf-8").

    Shape: ``output_mode="int"``: the input's; see :mod:`.categorical` for the others.

    Example::

        lookup = keras.layers.StringLookup()
        lookup.adapt(np.array([["a", "c", "d"], ["d", "z", "b"]]))
        lookup(np.array([["a", "q"]]))    # ids of "a" and of "[UNK]" (0)
    """

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token: str | None = None,
                 oov_token: str = "[UNK]", vocabulary=None, idf_weights=None, invert: bool = False,
                 output_mode: str = "int", pad_to_max_tokens: bool = False, sparse: bool = False,
                 encoding: str = "utf-8", **kwargs):  # fmt: skip
        self.encoding = encoding
        super().__init__(max_tokens, num_oov_indices, mask_token, oov_token, vocabulary, idf_weights, invert,
                         output_mode, pad_to_max_tokens, sparse, **kwargs)  # fmt: skip

    def tokens_of(self, data: np.ndarray) -> np.ndarray:
        """Strings as a ``str`` array; ``bytes`` decoded."""
        if data.dtype.kind == "U":
            return data
        if data.dtype.kind == "S" or (data.dtype == object and all(isinstance(v, (str, bytes)) for v in data.flat)):
            flat = [v.decode(self.encoding) if isinstance(v, bytes) else v for v in data.flat]
            return np.asarray(flat, dtype=str).reshape(data.shape) if flat else data.astype(str)
        raise TypeError(f"StringLookup: takes strings, got an array of {data.dtype}")

    def get_config(self) -> dict:
        return {**super().get_config(), "encoding": self.encoding}


class IntegerLookup(IndexLookup):
    """Integers (category codes, ids with gaps) -> contiguous ids or vectors, as Keras 3's ``IntegerLookup``.

    The same arguments as :class:`StringLookup`, with integer tokens: ``mask_token`` None (default) or an
    integer, ``oov_token`` -1. Inputs are integers, or floats holding whole numbers (a model's float32 input).

    Example::

        lookup = keras.layers.IntegerLookup()
        lookup.adapt(np.array([12, 36, 1138, 42, 12]))
        lookup.get_vocabulary()           # [-1, 12, 1138, 42, 36]
        lookup(np.array([12, 5, 42]))     # [1, 0, 3]
    """

    def __init__(self, max_tokens=None, num_oov_indices: int = 1, mask_token: int | None = None,
                 oov_token: int = -1, output_mode: str = "int", sparse: bool = False, vocabulary=None,
                 vocabulary_dtype: str = "int64", idf_weights=None, invert: bool = False,
                 pad_to_max_tokens: bool = False, **kwargs):  # fmt: skip
        if vocabulary_dtype not in ("int64", "int32"):
            raise ValueError(f"IntegerLookup: vocabulary_dtype must be 'int64' or 'int32', got {vocabulary_dtype!r}")
        for name, value in (("mask_token", mask_token), ("oov_token", oov_token)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, np.integer))):
                raise ValueError(f"IntegerLookup: {name} must be an integer or None, got {value!r}")
        if kwargs.get("salt") is not None and kwargs.get("oov_method") != "farmhash":
            raise ValueError("IntegerLookup: salt keys the hash of oov_method='farmhash'; give that oov_method too")
        self.vocabulary_dtype = vocabulary_dtype
        super().__init__(max_tokens, num_oov_indices, None if mask_token is None else int(mask_token),
                         int(oov_token), vocabulary, idf_weights, invert, output_mode, pad_to_max_tokens, sparse,
                         **kwargs)  # fmt: skip

    def tokens_of(self, data: np.ndarray) -> np.ndarray:
        return as_ids(data, "IntegerLookup")

    def token_list(self, values) -> list:
        return [int(v) for v in super().token_list(values)]

    def tokens_from_ids(self, ids: np.ndarray) -> np.ndarray:
        return super().tokens_from_ids(ids).astype(np.int64)

    def get_config(self) -> dict:
        return {**super().get_config(), "vocabulary_dtype": self.vocabulary_dtype}
