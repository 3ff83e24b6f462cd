"""``keras.preprocessing.image``: the image file helpers Keras 3 still exports here (the same functions as
``keras.utils``'s), ``smart_resize``, and Keras 2's augmentation, which Keras 3 dropped and nabla offers for
the course material built on it: ``ImageDataGenerator`` with its iterators (``flow``,
``flow_from_directory``) and the single-image transforms (``apply_affine_transform``...)."""

from .._missing import missing as _missing
from ..utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize
from .affine import apply_affine_transform, apply_brightness_shift, apply_channel_shift, transform_matrix_offset_center
from .image_data_generator import ImageDataGenerator
from .image_iterators import DirectoryIterator, Iterator, NumpyArrayIterator

__all__ = [
    "DirectoryIterator",
    "ImageDataGenerator",
    "Iterator",
    "NumpyArrayIterator",
    "apply_affine_transform",
    "apply_brightness_shift",
    "apply_channel_shift",
    "array_to_img",
    "img_to_array",
    "load_img",
    "save_img",
    "smart_resize",
    "transform_matrix_offset_center",
]


def __getattr__(name: str):
    raise _missing("keras.preprocessing.image", name)
