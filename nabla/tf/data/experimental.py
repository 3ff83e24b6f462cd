"""``tf.data.experimental``: the names older tutorials reach there (``AUTOTUNE``, ``cardinality``,
``sample_from_datasets``, ``choose_from_datasets``), ``assert_cardinality``, and the CSV readers ``CsvDataset`` and
``make_csv_dataset`` (:mod:`nabla.tf.data.readers`)."""

from .._missing import missing as _missing
from .dataset import Dataset as _Dataset
from .node import AUTOTUNE
from .node import INFINITE as INFINITE_CARDINALITY
from .node import UNKNOWN as UNKNOWN_CARDINALITY
from .readers import CsvDataset, make_csv_dataset
from .slicing import AssertCardinality as _AssertCardinality

__all__ = ["AUTOTUNE", "INFINITE_CARDINALITY", "UNKNOWN_CARDINALITY", "CsvDataset", "assert_cardinality",
           "cardinality", "choose_from_datasets", "make_csv_dataset", "sample_from_datasets"]  # fmt: skip

sample_from_datasets = _Dataset.sample_from_datasets  # (TensorFlow 2.6's names, kept there)
choose_from_datasets = _Dataset.choose_from_datasets


def cardinality(dataset):
    """``dataset.cardinality()``: the number of elements as an int64 tensor (-1 infinite, -2 unknown)."""
    return dataset.cardinality()


def assert_cardinality(expected_cardinality):
    """A transformation for ``Dataset.apply``: the dataset with ``cardinality()`` ``expected_cardinality``, checked
    as it is iterated (:class:`~nabla.tf.data.slicing.AssertCardinality`)."""
    return lambda dataset: _Dataset(_AssertCardinality(dataset._node, expected_cardinality))


def __getattr__(name: str):
    raise _missing("tf.data.experimental", name)
