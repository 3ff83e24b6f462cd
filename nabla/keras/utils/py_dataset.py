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
