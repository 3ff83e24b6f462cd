"""``keras.preprocessing``: Keras 3's names here, the same functions as ``keras.utils``'s.

``keras.preprocessing.sequence.pad_sequences`` (TF 2's ``tf.keras.preprocessing.sequence.pad_sequences``)
and ``keras.preprocessing.timeseries_dataset_from_array``; the folder readers and ``image`` helpers are
not offered (their names raise an ``AttributeError`` saying what to use instead).
"""

from .._missing import missing as _missing
from ..utils.timeseries_dataset_utils import timeseries_dataset_from_array
from . import sequence

__all__ = ["sequence", "timeseries_dataset_from_array"]


def __getattr__(name: str):
    raise _missing("keras.preprocessing", name)
