"""``keras.preprocessing.image``: the image file helpers Keras 3 still exports here (the same functions as
``keras.utils``'s), and ``smart_resize``."""

from .._missing import missing as _missing
from ..utils.image_utils import array_to_img, img_to_array, load_img, save_img, smart_resize

__all__ = ["array_to_img", "img_to_array", "load_img", "save_img", "smart_resize"]


def __getattr__(name: str):
    raise _missing("keras.preprocessing.image", name)
