"""``keras.preprocessing``: Keras 3's names here, the same functions as ``keras.utils``'s.

``keras.preprocessing.sequence.pad_sequences`` (TF 2's ``tf.keras.preprocessing.sequence.pad_sequences``)
``keras.preprocessing.timeseries_dataset_from_array``, the folder readers ``image_dataset_from_directory`` and
``text_dataset_from_directory``, ``keras.preprocessing.image``'s file helpers; and Keras 2's
``keras.preprocessing.image.ImageDataGenerator`` and ``keras.preprocessing.text.Tokenizer``, which Keras 3
dropped.
"""

from .._missing import missing as _missing
from ..utils.image_dataset_utils import image_dataset_from_directory
from ..utils.text_dataset_utils import text_dataset_from_directory
from ..utils.timeseries_dataset_utils import timeseries_dataset_from_array
from . import image, sequence, text

__all__ = [
    "image",
    "image_dataset_from_directory",
    "sequence",
    "text",
    "text_dataset_from_directory",
    "timeseries_dataset_from_array",
]


def __getattr__(name: str):
    raise _missing("keras.preprocessing", name)
