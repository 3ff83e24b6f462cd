"""``keras.preprocessing.image.ImageDataGenerator``: Keras 2's image augmentation, for the course material
built on it (TF <= 2.15's ``tf.keras``; Keras 3 dropped it for the ``Random*`` preprocessing layers and
``keras.utils.image_dataset_from_directory``, which nabla offers too). nabla offers Keras 2's.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..backend import floatx, image_data_format
from .affine import FILL_MODES, apply_affine_transform, apply_brightness_shift, apply_channel_shift, flip_axis
from .image_iterators import DirectoryIterator, NumpyArrayIterator, draw_stream


class ImageDataGenerator:
    """Batches of images, randomly transformed and normalized on the fly: Keras 2's class, argument for argument.

    For each image (one at a time, as Keras 2): a random transform (:meth:`get_random_transform`, applied by
    :meth:`apply_transform`), then :meth:`standardize` (``preprocessing_function``, ``rescale``, the
    sample-wise and feature-wise normalizations, ZCA whitening). :meth:`flow` serves arrays,
    :meth:`flow_from_directory` a folder with one subfolder per class; both return an iterator that
    ``model.fit``, ``evaluate`` and ``predict`` take.

    Arguments (Keras 2's defaults):
        featurewise_center=False, featurewise_std_normalization=False: subtract the data set's mean / divide
            by its std, per channel (computed by :meth:`fit`); std normalization turns centring on.
        samplewise_center=False, samplewise_std_normalization=False: the same with each image's own mean and
            std (over all its values); ``x / (std + 1e-6)``.
        zca_whitening=False, zca_epsilon=1e-6: ZCA whitening fitted by :meth:`fit` (turns centring on).
        rotation_range=0: degrees, a rotation drawn uniformly from ``[-r, r]``.
        width_shift_range=0.0, height_shift_range=0.0: a float below 1 is a fraction of the width (height),
            drawn uniformly from ``[-f, f)``; a float of 1 or more is pixels, drawn the same way; an int ``n``
            is whole pixels from ``{-(n-1), ..., n-1}``; a list, one of its values with a random sign.
        shear_range=0.0: shear angle in degrees, uniform in ``[-s, s]``.
        zoom_range=0.0: a float ``z`` draws zooms from ``[1 - z, 1 + z]``, a pair ``[lo, hi]`` from it; the
            row and column zooms are drawn separately (a zoom above 1 shows less of the image).
        channel_shift_range=0.0: a value from ``[-c, c]`` added to every pixel, clipped to the image's range.
        brightness_range=None: a pair; the brightness factor is drawn from it (Pillow's ``ImageEnhance``).
        fill_mode="nearest", cval=0.0: the pixels the transform brings in from outside: "nearest", "reflect",
            "wrap" or "constant" (``cval``); see :mod:`nabla.keras.preprocessing.affine`.
        horizontal_flip=False, vertical_flip=False: flip half of the images.
        rescale=None: a factor every value is multiplied by (``1. / 255`` for pixels), after the transform.
        preprocessing_function=None: a function of one image (rank 3), run first in :meth:`standardize`.
        data_format=None: "channels_last" (nabla's default) or "channels_first".
        validation_split=0.0: the fraction kept for ``subset="validation"`` in ``flow`` / ``flow_from_directory``.
        interpolation_order=1: 1 bilinear (Keras 2's default), 0 nearest pixel (Keras 2 takes SciPy's 0 to 5).
        dtype=None: the batches' dtype, float32.

    Where nabla differs: the warp is NumPy's, not SciPy's (same values to float32 rounding, orders 0 and 1
    only); random draws come from ``np.random.RandomState`` streams (the seeds Keras 2 gives NumPy's global
    generator, which nabla leaves alone), so seeded runs give Keras 2's transforms.

    Example (the "horses or humans" course)::

        train_datagen = ImageDataGenerator(rescale=1 / 255, rotation_range=40, horizontal_flip=True)
        train_generator = train_datagen.flow_from_directory("horse-or-human/", target_size=(150, 150),
                                                            batch_size=128, class_mode="binary")
        model.fit(train_generator, steps_per_epoch=8, epochs=15)
    """

    def __init__(self, featurewise_center=False, samplewise_center=False, featurewise_std_normalization=False,
                 samplewise_std_normalization=False, zca_whitening=False, zca_epsilon=1e-6, rotation_range=0,
                 width_shift_range=0.0, height_shift_range=0.0, brightness_range=None, shear_range=0.0,
                 zoom_range=0.0, channel_shift_range=0.0, fill_mode="nearest", cval=0.0, horizontal_flip=False,
                 vertical_flip=False, rescale=None, preprocessing_function=None, data_format=None,
                 validation_split=0.0, interpolation_order=1, dtype=None):  # fmt: skip
        data_format = data_format or image_data_format()
        if data_format not in ("channels_last", "channels_first"):
            raise ValueError(f'ImageDataGenerator: data_format must be "channels_last" or "channels_first", got '
                             f"{data_format!r}")  # fmt: skip
        if fill_mode not in FILL_MODES:
            raise ValueError(f"ImageDataGenerator: fill_mode must be one of {FILL_MODES}, got {fill_mode!r}")
        if interpolation_order not in (0, 1):
            raise ValueError("ImageDataGenerator: interpolation_order must be 0 or 1 in nabla (nearest or bilinear), "
                             f"got {interpolation_order!r}")  # fmt: skip
        if validation_split and not 0 < validation_split < 1:
            raise ValueError(f"ImageDataGenerator: validation_split must be strictly between 0 and 1, got "
                             f"{validation_split}")  # fmt: skip
        if isinstance(zoom_range, (float, int)):
            zoom_range = [1 - zoom_range, 1 + zoom_range]
        elif len(zoom_range) == 2 and all(isinstance(v, (float, int)) for v in zoom_range):
            zoom_range = [zoom_range[0], zoom_range[1]]
        else:
            raise ValueError(f"ImageDataGenerator: zoom_range should be a float or a pair of floats, got {zoom_range}")
        if brightness_range is not None and (not isinstance(brightness_range, (tuple, list))
                                             or len(brightness_range) != 2):  # fmt: skip
            raise ValueError(f"ImageDataGenerator: brightness_range should be a pair of floats, got {brightness_range}")
        self.featurewise_center, self.samplewise_center = featurewise_center, samplewise_center
        self.featurewise_std_normalization = featurewise_std_normalization
        self.samplewise_std_normalization = samplewise_std_normalization
        self.zca_whitening, self.zca_epsilon = zca_whitening, zca_epsilon
        self.rotation_range, self.shear_range, self.zoom_range = rotation_range, shear_range, zoom_range
        self.width_shift_range, self.height_shift_range = width_shift_range, height_shift_range
        self.channel_shift_range, self.brightness_range = channel_shift_range, brightness_range
        self.fill_mode, self.cval = fill_mode, cval
        self.horizontal_flip, self.vertical_flip = horizontal_flip, vertical_flip
        self.rescale, self.preprocessing_function = rescale, preprocessing_function
        self.data_format, self.dtype = data_format, dtype or floatx()
        self.interpolation_order = interpolation_order
        self.channel_axis, self.row_axis, self.col_axis = (3, 1, 2) if data_format == "channels_last" else (1, 2, 3)
        self._validation_split = validation_split
        self.mean = self.std = self.zca_whitening_matrix = None
        # Keras 2's implied settings, with its warnings
        if zca_whitening and not featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `zca_whitening`, which overrides setting of "
                          "`featurewise_center`.", stacklevel=2)  # fmt: skip
        if zca_whitening and featurewise_std_normalization:
            self.featurewise_std_normalization = False
            warnings.warn("This ImageDataGenerator specifies `zca_whitening` which overrides setting of "
                          "`featurewise_std_normalization`.", stacklevel=2)  # fmt: skip
        if featurewise_std_normalization and not self.featurewise_center:
            self.featurewise_center = True
            warnings.warn("This ImageDataGenerator specifies `featurewise_std_normalization`, which overrides "
                          "setting of `featurewise_center`.", stacklevel=2)  # fmt: skip
        if samplewise_std_normalization and not samplewise_center:
            self.samplewise_center = True
            warnings.warn("This ImageDataGenerator specifies `samplewise_std_normalization`, which overrides "
                          "setting of `samplewise_center`.", stacklevel=2)  # fmt: skip

    def flow(self, x, y=None, batch_size=32, shuffle=True, sample_weight=None, seed=None, save_to_dir=None,
             save_prefix="", save_format="png", ignore_class_split=False, subset=None):  # fmt: skip
        """Batches of ``x`` (images, rank 4) transformed and standardized, with ``y`` (and ``sample_weight``):
        a :class:`~nabla.keras.preprocessing.image_iterators.NumpyArrayIterator` of ``(x, y)`` batches (``x``
        alone without ``y``). ``subset="training"`` / ``"validation"`` takes the generator's
        ``validation_split`` (the validation part is the first samples). ``save_to_dir`` writes each
        augmented image there (to look at the augmentation)."""
        return NumpyArrayIterator(x, y, self, batch_size=batch_size, shuffle=shuffle, sample_weight=sample_weight,
                                  seed=seed, data_format=self.data_format, save_to_dir=save_to_dir,
                                  save_prefix=save_prefix, save_format=save_format,
                                  ignore_class_split=ignore_class_split, subset=subset, dtype=self.dtype)  # fmt: skip

    def flow_from_directory(self, directory, target_size=(256, 256), color_mode="rgb", classes=None,
                            class_mode="categorical", batch_size=32, shuffle=True, seed=None, save_to_dir=None,
                            save_prefix="", save_format="png", follow_links=False, subset=None,
                            interpolation="nearest", keep_aspect_ratio=False) -> DirectoryIterator:  # fmt: skip
        """Batches of the images in ``directory``'s class subfolders, resized to ``target_size`` (Pillow's
        ``interpolation``: "nearest" by default, "bilinear", "bicubic"...), transformed and standardized, with
        labels by ``class_mode`` ("categorical", "binary", "sparse", "input" or None): a
        :class:`~nabla.keras.preprocessing.image_iterators.DirectoryIterator` (``class_indices``,
        ``classes``, ``filenames``, ``samples``). Prints "Found N images belonging to K classes." as Keras 2."""
        return DirectoryIterator(directory, self, target_size=target_size, color_mode=color_mode, classes=classes,
                                 class_mode=class_mode, data_format=self.data_format, batch_size=batch_size,
                                 shuffle=shuffle, seed=seed, save_to_dir=save_to_dir, save_prefix=save_prefix,
                                 save_format=save_format, follow_links=follow_links, subset=subset,
                                 interpolation=interpolation, keep_aspect_ratio=keep_aspect_ratio,
                                 dtype=self.dtype)  # fmt: skip

    def flow_from_dataframe(self, *args, **kwargs):
        raise NotImplementedError("ImageDataGenerator.flow_from_dataframe is not offered by nabla: put the images in "
                                  "one folder per class and use flow_from_directory")  # fmt: skip

    def standardize(self, x):
        """``x`` (an image or a batch) normalized, in place when it is a float array (as in Keras 2):
        ``preprocessing_function``, then ``* rescale``, ``- mean(x)`` and ``/ (std(x) + 1e-6)`` per sample,
        ``- mean`` and ``/ (std + 1e-6)`` from :meth:`fit`, ZCA whitening. Returns the result."""
        if self.preprocessing_function:
            x = self.preprocessing_function(x)
        if not (isinstance(x, np.ndarray) and x.dtype.kind == "f"):
            x = np.array(x, dtype=self.dtype)
        if self.rescale:
            x *= self.rescale
        if self.samplewise_center:
            x -= np.mean(x, keepdims=True)
        if self.samplewise_std_normalization:
            x /= np.std(x, keepdims=True) + 1e-6
        for wanted, stat, name in ((self.featurewise_center, self.mean, "featurewise_center"),
                                   (self.featurewise_std_normalization, self.std, "featurewise_std_normalization"),
                                   (self.zca_whitening, self.zca_whitening_matrix, "zca_whitening")):  # fmt: skip
            if wanted and stat is None:
                warnings.warn(f"This ImageDataGenerator specifies `{name}`, but it hasn't been fit on any training "
                              "data. Fit it first by calling `.fit(numpy_data)`.", stacklevel=2)  # fmt: skip
        if self.featurewise_center and self.mean is not None:
            x -= self.mean
        if self.featurewise_std_normalization and self.std is not None:
            x /= self.std + 1e-6
        if self.zca_whitening and self.zca_whitening_matrix is not None:
            x = np.reshape(x.reshape(-1, np.prod(x.shape[-3:])) @ self.zca_whitening_matrix, x.shape)
        return x

    def get_random_transform(self, img_shape, seed=None) -> dict:
        """Random parameters for :meth:`apply_transform` for an image of shape ``img_shape``: ``theta``, ``tx``
        (rows), ``ty`` (columns), ``shear``, ``zx``, ``zy``, ``flip_horizontal``, ``flip_vertical``,
        ``channel_shift_intensity``, ``brightness``, drawn in Keras 2's order from
        ``np.random.RandomState(seed)`` (Keras 2's draws after ``np.random.seed(seed)``)."""
        return self._draw_transform(img_shape, draw_stream(seed))

    def _draw_transform(self, img_shape, rng: np.random.RandomState) -> dict:
        rows, cols = img_shape[self.row_axis - 1], img_shape[self.col_axis - 1]
        theta = rng.uniform(-self.rotation_range, self.rotation_range) if self.rotation_range else 0
        tx = _shift(rng, self.height_shift_range, rows)
        ty = _shift(rng, self.width_shift_range, cols)
        shear = rng.uniform(-self.shear_range, self.shear_range) if self.shear_range else 0
        if self.zoom_range[0] == 1 and self.zoom_range[1] == 1:
            zx, zy = 1, 1
        else:
            zx, zy = rng.uniform(self.zoom_range[0], self.zoom_range[1], 2)
        flip_horizontal = (rng.random_sample() < 0.5) * self.horizontal_flip
        flip_vertical = (rng.random_sample() < 0.5) * self.vertical_flip
        channel_shift = None
        if self.channel_shift_range != 0:
            channel_shift = rng.uniform(-self.channel_shift_range, self.channel_shift_range)
        brightness = None if self.brightness_range is None else rng.uniform(*self.brightness_range)
        return {"theta": theta, "tx": tx, "ty": ty, "shear": shear, "zx": zx, "zy": zy,
                "flip_horizontal": flip_horizontal, "flip_vertical": flip_vertical,
                "channel_shift_intensity": channel_shift, "brightness": brightness}  # fmt: skip

    def apply_transform(self, x, transform_parameters: dict) -> np.ndarray:
        """One image ``x`` (rank 3) transformed by ``transform_parameters`` (the keys of
        :meth:`get_random_transform`, each optional): the affine warp (rotation, shift, shear, zoom, with
        ``fill_mode``), the channel shift, the flips, then the brightness, in Keras 2's order."""
        p = transform_parameters
        row, col, channel = self.row_axis - 1, self.col_axis - 1, self.channel_axis - 1
        x = apply_affine_transform(x, p.get("theta", 0), p.get("tx", 0), p.get("ty", 0), p.get("shear", 0),
                                   p.get("zx", 1), p.get("zy", 1), row_axis=row, col_axis=col,
                                   channel_axis=channel, fill_mode=self.fill_mode, cval=self.cval,
                                   order=self.interpolation_order)  # fmt: skip
        if p.get("channel_shift_intensity") is not None:
            x = apply_channel_shift(x, p["channel_shift_intensity"], channel)
        if p.get("flip_horizontal", False):
            x = flip_axis(x, col)
        if p.get("flip_vertical", False):
            x = flip_axis(x, row)
        if p.get("brightness") is not None:
            x = apply_brightness_shift(x, p["brightness"], False)
        return x

    def random_transform(self, x, seed=None) -> np.ndarray:
        """One image ``x`` with a random transform (:meth:`get_random_transform`, then :meth:`apply_transform`)."""
        return self.apply_transform(x, self.get_random_transform(np.shape(x), seed))

    def fit(self, x, augment=False, rounds=1, seed=None) -> None:
        """Compute the statistics the feature-wise options need from sample images ``x`` (rank 4), after
        ``rescale`` (and ``rounds`` passes of random transforms with ``augment``): the per-channel ``mean``
        and ``std`` (shape ``(1, 1, channels)``), and the ZCA matrix (``u diag(sqrt(n) / (s + eps)) u^T``
        from the SVD of the centred data)."""
        x = np.array(x, dtype=self.dtype)  # (a copy: x is rescaled and centred in place below)
        if x.ndim != 4:
            raise ValueError(f"ImageDataGenerator.fit: x should have rank 4 (images), got shape {x.shape}")
        if x.shape[self.channel_axis] not in (1, 3, 4):
            warnings.warn(f"ImageDataGenerator.fit: expected 1, 3 or 4 channels on axis {self.channel_axis} "
                          f"({self.data_format}), got shape {x.shape}", stacklevel=2)  # fmt: skip
        if self.rescale:
            x *= self.rescale
        if augment:
            rng = draw_stream(seed)
            x = np.stack([self.apply_transform(image, self._draw_transform(image.shape, rng))
                          for _ in range(rounds) for image in x]).astype(self.dtype)  # fmt: skip
        shape = [1, 1, 1]
        shape[self.channel_axis - 1] = x.shape[self.channel_axis]
        axes = (0, self.row_axis, self.col_axis)
        if self.featurewise_center:
            self.mean = np.mean(x, axis=axes).reshape(shape)
            x -= self.mean
        if self.featurewise_std_normalization:
            self.std = np.std(x, axis=axes).reshape(shape)
            x /= self.std + 1e-6
        if self.zca_whitening:
            flat = x.reshape(len(x), -1)
            u, s, _ = np.linalg.svd(flat.T, full_matrices=False)
            self.zca_whitening_matrix = (u * (np.sqrt(len(x)) / (s + self.zca_epsilon))) @ u.T


def _shift(rng: np.random.RandomState, shift_range, size: int):
    """A shift drawn as Keras 2 draws it (see the class docstring), in pixels."""
    if not shift_range:
        return 0
    if isinstance(shift_range, (int, np.integer, list, tuple, np.ndarray)) and not isinstance(shift_range, bool):
        value = rng.choice(shift_range) * rng.choice([-1, 1])
    else:
        value = rng.uniform(-shift_range, shift_range)
    return value * size if np.max(shift_range) < 1 else value
