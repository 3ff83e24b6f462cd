"""``keras.utils.PyDataset`` (Keras 2's ``Sequence``): a dataset that hands out whole batches by index."""

from __future__ import annotations


class PyDataset:
    """Base class of a dataset of batches: subclass it, define ``__len__`` (the number of batches) and
    ``__getitem__(index)`` (batch ``index`` as ``(x, y)`` or ``(x, y, sample_weight)``, or ``x`` alone for
    ``predict``), and optionally ``on_epoch_end()``; pass an instance to ``fit``, ``evaluate`` or ``predict``
    in place of arrays.

    ``fit`` runs one epoch over ``len(dataset)`` batches (``steps_per_epoch=`` runs fewer), visiting them in
    a fresh random order from nabla's generator with ``shuffle=True`` (as Keras does), and calls
    ``on_epoch_end()`` after each epoch. ``workers``, ``use_multiprocessing`` and ``max_queue_size`` are
    accepted for Keras's signature: nabla reads the batches in the training process, one at a time.

    Example::

        class Batches(keras.utils.PyDataset):
            def __init__(self, x, y, batch_size, **kwargs):
                super().__init__(**kwargs)
                self.x, self.y, self.batch_size = x, y, batch_size

            def __len__(self):
                return math.ceil(len(self.x) / self.batch_size)

            def __getitem__(self, index):
                part = slice(index * self.batch_size, (index + 1) * self.batch_size)
                return self.x[part], self.y[part]

        model.fit(Batches(x_train, y_train, 64), epochs=5)
    """

    def __init__(self, workers: int = 1, use_multiprocessing: bool = False, max_queue_size: int = 10):
        self.workers, self.use_multiprocessing, self.max_queue_size = workers, use_multiprocessing, max_queue_size

    def __getitem__(self, index: int):
        raise NotImplementedError(f"{type(self).__name__} must define __getitem__(index), returning batch index")

    def __len__(self) -> int:
        raise NotImplementedError(f"{type(self).__name__} must define __len__(), the number of batches")

    @property
    def num_batches(self) -> int | None:
        """The number of batches (Keras 3's name for ``len``)."""
        return len(self)

    def on_epoch_end(self) -> None:
        """Called by ``fit`` after each epoch (reshuffle your samples here, for instance)."""


#: Keras 2's name (``tf.keras.utils.Sequence``), the same class.
Sequence = PyDataset


class IndexedBatches(PyDataset):
    """A :class:`PyDataset` that is also read as ``tf.data``'s datasets are: ``for batch in dataset:`` visits
    the batches in order, and ``take(n)`` lists the first ``n`` (all of them for ``n = -1``). The base of
    ``text_dataset_from_directory``'s datasets (nabla.tf.data holds no strings; the other dataset functions return
    ``tf.data.Dataset``\\ s).

    Keras 3 returns a ``tf.data.Dataset`` from these functions, and its examples chain the batch-wise steps
    of ``tf.data`` onto it, which are here too: ``map(fn)`` (``fn`` called on each batch, a tuple batch
    unpacked into its arguments, as ``tf.data`` does), ``cache()``, ``prefetch(n)`` and ``cardinality()``.
    ``num_parallel_calls``, ``deterministic`` and ``prefetch`` change only speed in TensorFlow, and nothing
    here: the batches are made in the caller's thread when they are asked for.

    Example (keras.io, "Image classification from scratch")::

        train_ds = train_ds.map(lambda img, label: (data_augmentation(img), label))
        train_ds = train_ds.prefetch(tf_data.AUTOTUNE)
    """

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def take(self, count: int) -> list:
        """The first ``count`` batches (all of them for ``count = -1``), as ``tf.data.Dataset.take``."""
        return [self[i] for i in range(len(self) if count == -1 else min(count, len(self)))]

    def map(self, map_func, num_parallel_calls=None, deterministic=None, name=None) -> IndexedBatches:
        """The batches passed through ``map_func``, each time they are read (a random augmentation draws anew
        every epoch, as in ``tf.data``); a tuple batch ``(x, y)`` is called as ``map_func(x, y)``."""
        if not callable(map_func):
            raise TypeError(f"map: map_func must be callable, received: {map_func!r}")
        return MappedBatches(self, map_func)

    def cache(self, filename: str = "", name=None) -> IndexedBatches:
        """The batches kept in memory once read, so that later epochs replay them (in the first pass's order, as
        ``tf.data``'s ``cache`` does) without reading or mapping again. A ``filename`` is not supported."""
        if filename:
            raise ValueError("cache: nabla keeps the cache in memory only; call cache() without a filename")
        return CachedBatches(self)

    def prefetch(self, buffer_size=None, name=None) -> IndexedBatches:
        """The same dataset: prefetching only overlaps reading with training in TensorFlow (accepted for its
        signature)."""
        return self

    def cardinality(self) -> int:
        """The number of batches (``tf.data``'s name for ``len``)."""
        return len(self)


class MappedBatches(IndexedBatches):
    """The batches of ``source`` through ``map_func`` (what :meth:`IndexedBatches.map` returns)."""

    def __init__(self, source: PyDataset, map_func):
        super().__init__()
        self._source, self._map_func = source, map_func
        for name in ("class_names", "file_paths"):  # (the directory datasets' attributes carry over)
            if hasattr(source, name):
                setattr(self, name, getattr(source, name))

    def _apply(self, batch):
        return self._map_func(*batch) if isinstance(batch, tuple) else self._map_func(batch)

    def __len__(self) -> int:
        return len(self._source)

    def __getitem__(self, index: int):
        return self._apply(self._source[index])

    def __iter__(self):  # (the source's own iteration, so that a shuffled source reshuffles per pass)
        return (self._apply(batch) for batch in self._source)

    def on_epoch_end(self) -> None:
        self._source.on_epoch_end()


class CachedBatches(MappedBatches):
    """The batches of ``source`` kept once read (what :meth:`IndexedBatches.cache` returns)."""

    def __init__(self, source: PyDataset):
        super().__init__(source, lambda *batch: batch[0] if len(batch) == 1 else batch)
        self._kept: dict[int, object] = {}

    def __getitem__(self, index: int):
        index = range(len(self))[index]  # (a negative index counts from the end; past the end raises)
        if index not in self._kept:
            self._kept[index] = self._source[index]
        return self._kept[index]

    def __iter__(self):
        return (self[i] for i in range(len(self)))

    def on_epoch_end(self) -> None:
        """Nothing: the cached batches replay as they were first read."""
