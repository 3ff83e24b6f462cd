"""What ``fit`` reads its batches from: arrays in memory, or a ``nabla.data`` dataset (in memory or on disk).

``fit(x, y)`` takes arrays, as Keras does; ``fit(dataset)`` takes a :class:`nabla.data.Dataset`
whose samples are ``(x, y)`` or ``(x, y, sample_weight)`` (a TensorDataset, or a ChunkedDataset
read from disk), like Keras's ``fit`` on a ``tf.data.Dataset`` or a ``PyDataset``. A dataset is
read a batch at a time (``nabla.data.row_reader``: one ``read_batch`` per batch for data on disk),
the next batch in a background thread while the current one trains, and shuffled in its own
``epoch_order`` when it has one (chunk-wise for data on disk), so it never has to fit in memory.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import numpy as np

from ...data import Dataset, Prefetcher, row_reader
from ..utils.traceback_utils import warn
from .data_adapter import as_array, per_sample_weights, split_validation, validation_arrays
from .structures import count, take

# A dataset on disk is not read whole before training: fit checks it against the model on its first rows.
CHECKED_ROWS = 1024


def training_rows(
    prepare: Callable, x, y, sample_weight, class_weight, validation_split: float, validation_data, need_y=True
):
    """``(rows, validation)`` for ``fit``: the training rows (:class:`ArrayRows`, or :class:`DatasetRows` when
    ``x`` is a dataset and ``y`` is None) and the validation arrays ``(x_val, y_val, weights)`` or None.

    ``prepare(x, y)`` checks the training data against the model (``Model._prepare``) before the sample
    weights are computed, so a mistake in the data is reported first. Without ``need_y`` (a model's own
    ``train_step``, such as an autoencoder's or a VAE's), arrays ``x`` alone are rows too.
    """
    if y is None and isinstance(x, Dataset):
        if validation_split:
            raise ValueError("validation_split splits arrays; with a dataset, pass validation_data=(x_val, y_val)")
        if sample_weight is not None:
            raise ValueError("with a dataset, the sample weights are its samples' third field, not sample_weight=")
        validation = None if validation_data is None else validation_arrays(validation_data)
        weigh = None if class_weight is None else (lambda yb, wb: per_sample_weights(yb, wb, class_weight))
        rows = DatasetRows(x, weigh)
        head = rows.take(slice(0, CHECKED_ROWS))
        prepare(head[0], head[1])
        return rows, validation
    if x is not None and y is None and not need_y:
        if validation_split or sample_weight is not None or class_weight is not None:
            raise ValueError("fit without y: validation_split, sample_weight and class_weight need y")
        x = as_array(x, "x")
        prepare(x, None)
        return ArrayRows(x, None, None), None if validation_data is None else validation_arrays(validation_data)
    if x is None or y is None:
        raise ValueError("fit needs x and y, or a nabla.data dataset of (x, y) samples as x")
    x, y = as_array(x, "x", text=True), as_array(y, "y")  # (x: model_inputs checked a string input's)
    (x, y, sample_weight), validation = split_validation(x, y, sample_weight, validation_split, validation_data)
    prepare(x, y)
    return ArrayRows(x, y, per_sample_weights(y, sample_weight, class_weight)), validation


class ArrayRows:
    """Training data held in arrays: ``x``, ``y`` and per-sample weights (or None), all of length n."""

    prefetch = False  # slicing arrays costs nothing worth a thread

    def __init__(self, x: np.ndarray, y: np.ndarray, weights: np.ndarray | None):
        self.x, self.y, self.weights = x, y, weights

    def __len__(self) -> int:
        return count(self.x)

    def take(self, index) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        """The samples at ``index`` (a slice gives views, not copies); of each array of a model of several
        inputs or outputs."""
        return take(self.x, index), take(self.y, index), take(self.weights, index)

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        return rng.permutation(len(self))


class DatasetRows:
    """Training data read from a ``nabla.data`` dataset of ``(x, y)`` or ``(x, y, sample_weight)`` samples.

    ``class_weight`` multiplies each batch's sample weights by the weight of each sample's class
    (``per_batch_weights``), as fit does for arrays, without reading every label first.
    """

    prefetch = True

    def __init__(self, dataset, per_batch_weights: Callable | None = None):
        if len(dataset) == 0:
            raise ValueError(f"fit: the dataset {dataset!r} is empty")
        self.dataset, self._read, self._weigh = dataset, row_reader(dataset), per_batch_weights
        first = self._read(np.arange(1))
        if len(first) not in (2, 3):
            raise ValueError(
                f"fit: the samples of {type(dataset).__name__} have {len(first)} field(s); fit on a dataset needs "
                "(x, y) or (x, y, sample_weight) samples"
            )
        self._empty = tuple(_floatx(a[:0]) for a in first)  # what a batch without samples looks like

    def __len__(self) -> int:
        return len(self.dataset)

    def take(self, index) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
        index = np.arange(*index.indices(len(self))) if isinstance(index, slice) else np.asarray(index)
        fields = self._empty if len(index) == 0 else tuple(_floatx(a) for a in self._read(index))
        x, y = fields[0], fields[1]
        weights = fields[2].astype(np.float32).reshape(-1) if len(fields) == 3 else None
        if self._weigh is not None:
            weights = self._weigh(y, weights)
        return x, y, weights

    def epoch_order(self, rng: np.random.Generator) -> np.ndarray:
        order = getattr(self.dataset, "epoch_order", None)
        return order(rng) if callable(order) else rng.permutation(len(self))


def _floatx(a: np.ndarray) -> np.ndarray:
    """float64 becomes float32, Keras's floatx (what fit does to arrays too)."""
    return a.astype(np.float32) if a.dtype == np.float64 else a


def epoch_batches(rows, order, batch_size: int, part: Callable | None = None) -> Iterator:
    """``(samples in the batch, (x, y, weights))`` per step; ``part`` picks this rank's share of each batch.

    A dataset's batches are read one step ahead in a background thread; close the iterator
    (``fit`` does) when leaving the epoch early.
    """
    if hasattr(rows, "counted"):  # a generator, PyDataset or DataLoader gives whole batches (models/batches.py)
        return rows.counted()
    n = len(rows)

    def batches():
        for start in range(0, n, batch_size):
            stop = min(start + batch_size, n)  # (the array API standard leaves a slice past the end undefined)
            index = slice(start, stop) if order is None else order[start:stop]
            count = stop - start
            if part is not None:
                index = part(index, n)
            yield count, rows.take(index)

    return Prefetcher(batches(), depth=2) if rows.prefetch else batches()


class CappedPasses:
    """``fit(x, y, steps_per_epoch=k)`` on arrays or a dataset, as Keras 3's epoch iterator does it: an epoch
    takes the next ``k`` batches of a pass over the data; a pass an epoch leaves unfinished goes on in the
    next epoch, and an epoch that reaches the end of its pass ends there, with fewer steps (Keras warns
    "ran out of data" and starts a new pass, newly shuffled, at the next epoch)."""

    def __init__(self, rows, batch_size: int, steps: int, part: Callable | None = None):
        self.rows, self.batch_size, self.steps, self.part = rows, batch_size, steps, part
        self._pass: Iterator | None = None
        self._left = 0  # the batches the current pass has still to give

    def epoch(self, new_order: Callable[[], np.ndarray | None]) -> Iterator:
        """This epoch's batches; ``new_order()`` gives the sample order of a new pass (None: in order)."""
        if self._pass is None:
            self._pass = epoch_batches(self.rows, new_order(), self.batch_size, self.part)
            self._left = -(-len(self.rows) // self.batch_size)
        for _ in range(self.steps):
            if self._left == 0:
                warn("fit: the input ran out of data before steps_per_epoch batches, so this epoch ends early and the "
                     "next starts a new pass over it (as Keras; a steps_per_epoch that divides the batches avoids it)")
                break
            self._left -= 1
            yield next(self._pass)
        if self._left == 0:
            self._pass = None
