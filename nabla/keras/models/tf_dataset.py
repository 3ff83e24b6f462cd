"""``fit``, ``evaluate`` and ``predict`` on a ``tf.data.Dataset`` of batches, as Keras takes one.

The dataset's elements are whole batches: ``(x, y)``, ``(x, y, sample_weight)``, or ``x`` alone for
``predict``; ``batch_size`` does not apply (the dataset batched already). As in Keras 3:

- a finite dataset is iterated afresh at every epoch (a ``shuffle`` in it reshuffles), all of it unless
  ``steps_per_epoch`` (``validation_steps``, ``steps``) asks for fewer batches;
- a dataset of unknown length (after ``filter``) is read to its end at every epoch;
- an infinite one (after ``repeat()``) needs ``steps_per_epoch``, and one iterator runs across the
  epochs: each epoch takes the next ``steps_per_epoch`` batches.

A dataset is recognised by what it offers (an ``element_spec`` and a ``cardinality()``), as Keras
recognises TensorFlow's by its type without importing TensorFlow: ``nabla.tf.data``'s datasets and
TensorFlow's own both work, and the Keras side does not import ``nabla.tf``.
"""

from __future__ import annotations

from collections.abc import Iterator

INFINITE, UNKNOWN = -1, -2  # tf.data.INFINITE_CARDINALITY, tf.data.UNKNOWN_CARDINALITY


def is_tf_dataset(x) -> bool:
    """Whether ``x`` is a ``tf.data.Dataset`` (not one of its iterators)."""
    return (
        hasattr(type(x), "element_spec")
        and callable(getattr(x, "cardinality", None))
        and hasattr(x, "__iter__")
        and not isinstance(x, Iterator)
    )


class DatasetEpochs:
    """A finite ``tf.data.Dataset`` (or one of unknown length) as ``fit`` reads a DataLoader: a new pass at each
    epoch; ``len`` only when the number of batches is known."""

    def __init__(self, dataset, count: int):
        self.dataset, self.count = dataset, count

    @property
    def sized(self) -> bool:
        return self.count >= 0

    def __iter__(self) -> Iterator:
        return iter(self.dataset)

    def __len__(self) -> int:
        return self.count


def batch_source(dataset, steps: int | None, who: str):
    """What :class:`~nabla.keras.models.batches.SourceBatches` reads ``dataset`` as: :class:`DatasetEpochs`, or
    for an infinite dataset one iterator over it (read on across epochs, as a generator is)."""
    count = int(dataset.cardinality())
    if count == INFINITE:
        if steps is None:
            raise ValueError(
                f"{who}: the dataset is infinite (it repeats): give the number of batches per epoch "
                "(steps_per_epoch=, validation_steps=, steps=), or repeat() it a finite number of times"
            )
        return iter(dataset)
    return DatasetEpochs(dataset, count)
