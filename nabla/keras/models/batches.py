"""Where ``fit`` gets its mini-batches: arrays cut into batches, or a source of whole batches (a Python
generator, a :class:`~nabla.keras.utils.PyDataset`, a :class:`nabla.data.DataLoader` or a PyTorch
``torch.utils.data.DataLoader``), as Keras 3's data adapters do."""

from __future__ import annotations

import inspect
import itertools
from collections.abc import Iterator

import numpy as np

from ...data import DataLoader, Dataset
from ..utils.py_dataset import PyDataset
from .data_adapter import per_sample_weights
from .sources import ArrayRows, training_rows
from .structures import (
    count,
    join,
    model_inputs,
    model_sample_weights,
    model_targets,
    structured,
    training_arrays,
    validation_structures,
)
from .tf_dataset import DatasetEpochs, batch_source, is_tf_dataset

Batch = tuple[np.ndarray, np.ndarray, "np.ndarray | None"]


def is_torch_loader(x) -> bool:
    """Whether ``x`` is a PyTorch ``DataLoader``, recognised by its type (as Keras 3's data adapters take one
    on every backend) without importing torch: its batches are tensors that ``np.asarray`` reads."""
    return any(
        kind.__name__ == "DataLoader" and kind.__module__.startswith("torch.utils.data") for kind in type(x).__mro__
    )


def is_loader(x) -> bool:
    """Whether ``x`` is iterated afresh each epoch and knows its number of batches: a DataLoader (nabla's or
    PyTorch's) or a ``tf.data.Dataset`` read as one."""
    return isinstance(x, (DataLoader, DatasetEpochs)) or is_torch_loader(x)


def is_batch_source(x) -> bool:
    """Whether ``x`` hands out whole batches (a generator, an iterator, a PyDataset, a DataLoader, a
    ``tf.data.Dataset``) rather than samples."""
    return (
        isinstance(x, (PyDataset, DataLoader, Iterator))
        or inspect.isgenerator(x)
        or is_tf_dataset(x)
        or is_torch_loader(x)
    )


def check_steps(steps, who: str) -> int | None:
    """``steps_per_epoch``, ``validation_steps``, ``steps``: None or a positive integer. A float (``len(x) / 32``)
    is a TypeError, as in Keras 3, which does not round it."""
    if steps is not None and (isinstance(steps, bool) or not isinstance(steps, (int, np.integer))):
        raise TypeError(f"{who}: the number of steps must be an integer or None, got {steps!r} "
                        "(for a count of batches, use integer division: len(x) // batch_size)")  # fmt: skip
    if steps is not None and steps <= 0:
        raise ValueError(f"{who}: the number of steps must be a positive integer or None, got {steps!r}")
    return None if steps is None else int(steps)


class SourceBatches:
    """The batches a generator, a PyDataset or a DataLoader yields, each ``(x, y)`` or ``(x, y, sample_weight)``.

    ``steps``: batches per epoch; None means all of them for a PyDataset or a DataLoader (a DataLoader is
    iterated afresh each epoch, in its own order; ``fit(shuffle=True)`` orders a PyDataset's batches) and "until it
    ends" for a generator (a generator that has ended gives no more epochs: ``fit`` then stops, as Keras
    does, with a warning). ``weigh(y, sample_weight)`` turns each batch's weights into per-sample ones
    (``class_weight``).
    """

    def __init__(self, model, source, steps: int | None, weigh=None, who: str = "fit"):
        steps = check_steps(steps, who)
        if is_tf_dataset(source):  # (models/tf_dataset.py: read as a DataLoader, or an iterator when infinite)
            source = batch_source(source, steps, who)
        self.model, self.source, self.weigh, self.who = model, source, weigh, who
        self.needs_y = model._needs_targets()
        self.is_dataset = isinstance(source, PyDataset)
        self.is_loader = is_loader(source)
        sized = self.is_dataset or (self.is_loader and getattr(source, "sized", True))
        self.steps = min(steps or len(source), len(source)) if sized else steps
        self._peeked: list = []
        self._order = None  # a PyDataset's batch order for the next epoch (set by epoch_order)
        self.batch_size: int | None = None  # (set by arrays)

    def _convert(self, batch, with_y: bool = True) -> Batch:
        with_y = with_y and self.needs_y
        if not with_y and not isinstance(batch, (tuple, list)):
            batch = (batch,)  # predict's batches may be x alone
        if not isinstance(batch, (tuple, list)) or not 1 <= len(batch) <= 3 or (with_y and len(batch) == 1):
            what = "(x, y) or (x, y, sample_weight)" if with_y else "x, (x,), (x, y) or (x, y, sample_weight)"
            raise ValueError(f"{self.who}: each batch must be {what}, got {type(batch).__name__}")
        x = model_inputs(self.model, batch[0])
        y = model_targets(self.model, batch[1]) if len(batch) > 1 else None
        weights = None
        if len(batch) > 2 and batch[2] is not None:
            weights = model_sample_weights(self.model, batch[2], None, y) if isinstance(y, list) else (
                np.asarray(batch[2], dtype=np.float32).reshape(-1)
            )
        if self.weigh is not None and y is not None:
            weights = self.weigh(y, weights)
        return x, y, weights

    def first(self) -> tuple[np.ndarray, np.ndarray]:
        """The first batch (kept for the first epoch when it comes from a generator)."""
        if self.is_dataset:
            x, y, _ = self._convert(self.source[0])
        else:
            raw = next(iter(self.source) if self.is_loader else self.source, None)
            if raw is None:
                raise ValueError(f"{self.who}: the generator gave no batch at all")
            self._peeked = [] if self.is_loader else [raw]
            x, y, _ = self._convert(raw)
        return x, y

    def epoch_order(self, rng: np.random.Generator):
        """What ``fit`` asks each epoch when shuffling: a PyDataset's batches in a random order (None: fit's
        order is not used, the batches come as :meth:`counted` yields them)."""
        self._order = rng.permutation(len(self.source)) if self.is_dataset else None

    def take(self, index):
        """(What ``fit(distributed=True)`` reads its ranks' shares with: batches handed out whole have none.)"""
        raise ValueError(
            "fit: distributed=True shares arrays or a nabla.data dataset among the ranks, not the batches of a "
            "generator, a PyDataset or a DataLoader: pass arrays or a dataset"
        )

    def counted(self) -> Iterator:
        """``(samples, batch)`` per step of one epoch, as :func:`.sources.epoch_batches` gives them."""
        for batch in self.epoch():
            yield count(batch[0]), batch

    def epoch(self, with_y: bool = True) -> Iterator[Batch]:
        if self.is_dataset:
            order, self._order = (self._order if self._order is not None else range(len(self.source))), None
            for index in list(order)[: self.steps]:
                yield self._convert(self.source[int(index)], with_y)
            self.source.on_epoch_end()
            return
        raw = itertools.chain(self._peeked, iter(self.source))
        self._peeked = []
        for batch in raw if self.steps is None else itertools.islice(raw, self.steps):
            yield self._convert(batch, with_y)

    def arrays(self, with_y: bool = True) -> Batch:
        """One epoch's batches joined: what ``evaluate``, ``predict`` and the validation take (in batches of
        :attr:`batch_size`, the first batch's size, as Keras takes a dataset's own batches)."""
        parts = list(self.epoch(with_y))
        if not parts:
            raise ValueError(f"{self.who}: the generator gave no batch")
        self.batch_size = count(parts[0][0])
        joined = [None if part[0] is None else join(list(part)) for part in zip(*parts)]
        return joined[0], joined[1], joined[2]


def fit_rows(model, x, y, sample_weight, class_weight, validation_split, validation_data, steps_per_epoch=None,
             validation_steps=None):  # fmt: skip
    """``fit``'s training data and validation arrays, ``(rows, validation, validation_batch_size)`` (the
    last the size of a validation source's batches, else None): :class:`SourceBatches` for a
    generator, a PyDataset or a DataLoader, else what :func:`.sources.training_rows` makes of arrays (a 1-D
    or integer x as :func:`.data_adapter.as_input` makes it) or of a ``nabla.data`` dataset.

    A validation generator or PyDataset gives ``validation_steps`` batches (all of a PyDataset's when
    None), drawn once before training and used at every epoch.
    """
    validation_batch_size = None
    if validation_data is not None and is_batch_source(validation_data):
        source = SourceBatches(model, validation_data, validation_steps, who="validation_data")
        validation_data, validation_batch_size = source.arrays(), source.batch_size
    return (*_fit_rows(model, x, y, sample_weight, class_weight, validation_split, validation_data,
                       steps_per_epoch), validation_batch_size)  # fmt: skip


def _fit_rows(model, x, y, sample_weight, class_weight, validation_split, validation_data, steps_per_epoch):
    if not is_batch_source(x):
        need_y = model._needs_targets()
        if structured(model, x):
            if y is None and x is not None and not need_y:
                if validation_split or sample_weight is not None or class_weight is not None:
                    raise ValueError("fit without y: validation_split, sample_weight and class_weight need y")
                x = model_inputs(model, x)
                model._prepare(x, None)
                return ArrayRows(x, None, None), None if validation_data is None else validation_structures(
                    model, validation_data
                )
            (x, y, weights), validation = training_arrays(
                model, x, y, sample_weight, class_weight, validation_split, validation_data
            )
            model._prepare(x, y)
            return ArrayRows(x, y, weights), validation
        if x is not None and not isinstance(x, Dataset):
            x, y = model_inputs(model, x), None if y is None else model_targets(model, y)
        if isinstance(validation_data, (list, tuple)) and len(validation_data) in (2, 3):
            validation_data = validation_structures(model, validation_data)
        return training_rows(
            model._prepare, x, y, sample_weight, class_weight, validation_split, validation_data,
            need_y=need_y,
        )  # fmt: skip
    if y is not None:
        raise ValueError("fit: y must be None when x is a generator or a PyDataset (its batches hold the labels)")
    if validation_split:
        raise ValueError("fit: validation_split cannot split a generator or a PyDataset: give validation_data=")
    weigh = (lambda labels, weights: per_sample_weights(labels, weights, class_weight)) if class_weight else None
    rows = SourceBatches(model, x, steps_per_epoch, weigh)
    model._prepare(*rows.first())
    return rows, None if validation_data is None else validation_structures(model, validation_data)


def evaluation_arrays(model, x, y, sample_weight, steps, who: str, with_y: bool = True) -> tuple[Batch, int | None]:
    """``(x, y, sample_weight)`` as arrays for ``evaluate`` and ``predict``, and the size of the batches
    to run them in when the data comes batched (else None): given, or the batches of a generator or
    PyDataset (``steps`` of them; all when None) joined."""
    if is_batch_source(x):
        if y is not None:
            raise ValueError(
                f"{who}: y must be None when x is a generator or a PyDataset (its batches hold the labels)"
            )
        source = SourceBatches(model, x, steps, who=who)
        return source.arrays(with_y), source.batch_size
    # As fit: no y when the model's loss needs none (only add_loss penalties: keras.io's endpoint layer pattern).
    if x is None or (with_y and y is None and model._needs_targets()):
        raise ValueError(f"{who} needs x" + (" and y" if with_y else ""))
    x, y = model_inputs(model, x), model_targets(model, y) if with_y and y is not None else None
    if sample_weight is None:
        return (x, y, None), None
    if isinstance(y, list):
        return (x, y, model_sample_weights(model, sample_weight, None, y)), None
    return (x, y, np.asarray(sample_weight, dtype=np.float32).reshape(-1)), None
