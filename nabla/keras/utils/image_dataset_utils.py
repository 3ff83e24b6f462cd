"""``keras.utils.image_dataset_from_directory``: a folder of images, one subfolder per class, as batches of
``(images, labels)`` for ``fit``."""

from __future__ import annotations

import numpy as np

from ..layers.resizing import aspect_crop
from .directory_dataset import from_directory
from .image_utils import RESIZE_INTERPOLATIONS, load_img, resize_array

ALLOWLIST_FORMATS = (".bmp", ".gif", ".jpeg", ".jpg", ".png")
WHO = "image_dataset_from_directory"
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def image_dataset_from_directory(directory, labels="inferred", label_mode: str | None = "int",
                                 class_names: list[str] | None = None, color_mode: str = "rgb",
                                 batch_size: int | None = 32, image_size=(256, 256), shuffle: bool = True,
                                 seed: int | None = None, validation_split: float | None = None,
                                 subset: str | None = None, interpolation: str = "bilinear",
                                 follow_links: bool = False, crop_to_aspect_ratio: bool = False,
                                 pad_to_aspect_ratio: bool = False, data_format: str | None = None,
                                 format: str = "tf", verbose: bool = True,
                                 smart_resize: bool | None = None):  # fmt: skip
    """The images below ``directory`` as a dataset of batches ``(images, labels)``, as Keras 3 builds it::

        main_directory/
            class_a/  a_image_1.jpg  a_image_2.jpg ...
            class_b/  b_image_1.jpg ...

    Files: those ending in .bmp, .gif, .jpeg, .jpg or .png (any case); other files are skipped, as in
    Keras. ``labels="inferred"``: the subfolder's index in ``class_names`` (default: the subfolders' names,
    sorted); a list of integers labels the files in their sorted path order; ``None``: images alone.
    ``label_mode``: "int" (int32 ``(batch,)``), "categorical" (one-hot float32 ``(batch, classes)``),
    "binary" (float32 ``(batch, 1)``, two classes) or None.

    Images: decoded to ``color_mode`` ("rgb", "grayscale", "rgba"), resized to ``image_size=(height, width)``
    with TensorFlow's ``tf.image.resize`` rule (half-pixel centres, no antialiasing) by ``interpolation``
    ("bilinear" or "nearest"; Keras's other TensorFlow filters are not offered); ``crop_to_aspect_ratio``
    first crops the centred part of the target's aspect ratio; ``(batch, height, width, channels)`` with
    values in [0, 255], float32 (uint8 with "nearest", as TensorFlow's resize keeps the decoded type).

    Order and split (Keras's, file for file): the paths sorted, then shuffled by
    ``np.random.RandomState(seed)`` when ``shuffle``; ``validation_split=0.2`` with ``subset="training"``
    keeps all but the last 20% (rounded down) of them, "validation" those last files, "both" returns the
    two datasets. A split that shuffles needs a ``seed``. Keras then shuffles the training files
    again in a ``tf.data`` buffer of ``8 * batch_size`` at each pass, and so does nabla, with nabla's
    generator rather than TensorFlow's: the batches hold the same files as Keras's but, when shuffled, in
    another order. The validation dataset
    (and any with ``shuffle=False``) is in Keras's order exactly.

    Returns a ``tf.data.Dataset`` as Keras 3 does (``nabla.tf.data``'s: ``element_spec`` TensorFlow's, the batch
    axis None; every ``tf.data`` step chains onto it; no ``len()``), with ``class_names`` and ``file_paths``
    (:func:`~nabla.keras.utils.directory_dataset.files_dataset`); ``fit`` takes it. Two of them with
    ``subset="both"``. Images are read a batch at a
    time; an unreadable image fails with a one-line error naming it when its batch is read.
    ``format``, ``pad_to_aspect_ratio`` and ``data_format="channels_first"`` are not offered.
    ``smart_resize``: Keras 2's name for ``crop_to_aspect_ratio``, which tf.keras still takes (Deep Learning
    with Python's GAN reads CelebA with it).

    Example::

        train_ds, val_ds = keras.utils.image_dataset_from_directory(
            "flower_photos", validation_split=0.2, subset="both", seed=123, image_size=(180, 180))
        model.fit(train_ds, validation_data=val_ds, epochs=3)
    """
    if smart_resize is not None:
        crop_to_aspect_ratio = smart_resize
    if color_mode not in CHANNELS:
        raise ValueError(f'{WHO}: `color_mode` must be one of "rgb", "rgba", "grayscale", received: {color_mode!r}')
    if isinstance(image_size, int):
        image_size = (image_size, image_size)
    if not isinstance(image_size, (list, tuple)) or len(image_size) != 2:
        raise ValueError(f"{WHO}: expected `image_size` to be a tuple of 2 integers, received: {image_size!r}")
    interpolation = interpolation.lower()
    if interpolation not in RESIZE_INTERPOLATIONS:
        raise ValueError(f"{WHO}: `interpolation` must be one of {RESIZE_INTERPOLATIONS} (nabla offers no other), "
                         f"received: {interpolation!r}")  # fmt: skip
    if format != "tf" or pad_to_aspect_ratio or data_format not in (None, "channels_last"):
        raise ValueError(f"{WHO}: format={format!r}, pad_to_aspect_ratio={pad_to_aspect_ratio!r} and "
                         f"data_format={data_format!r}: nabla offers format='tf', no padding, channels-last images")

    def load(files: list[str]) -> np.ndarray:
        return np.stack([_load_image(f, image_size, color_mode, interpolation, crop_to_aspect_ratio) for f in files])

    return from_directory(directory, labels, label_mode, class_names, ALLOWLIST_FORMATS, load, batch_size, shuffle,
                          seed, validation_split, subset, follow_links, verbose, WHO, "images")


def _load_image(path: str, size, color_mode: str, interpolation: str, crop: bool) -> np.ndarray:
    """One image file as float32 ``(height, width, channels)``: decoded as TensorFlow's ``decode_image``
    (the first frame of a GIF), cropped to the target's aspect ratio if asked, resized."""
    try:
        image = np.asarray(load_img(path, color_mode=color_mode), np.float32)
    except ValueError:
        raise ValueError(f"{WHO}: cannot read {path!r} as an image (a corrupt or truncated file?)") from None
    image = image[:, :, None] if image.ndim == 2 else image
    if crop:
        top, left, crop_h, crop_w = aspect_crop(*image.shape[:2], *size)
        image = image[top : top + crop_h, left : left + crop_w]
    resized = resize_array(image, tuple(size), interpolation)
    return resized.astype(np.uint8) if interpolation == "nearest" else resized  # (TensorFlow's nearest keeps uint8)
