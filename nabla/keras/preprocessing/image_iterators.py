"""Keras 2's image iterators: the batches ``ImageDataGenerator.flow`` and ``flow_from_directory`` hand out.

:class:`Iterator` is a ``keras.utils.PyDataset`` (Keras 2's ``Sequence``): ``len()`` batches, ``it[i]`` batch
``i``, ``on_epoch_end()`` a new order, so ``model.fit(it, steps_per_epoch=..., validation_data=...)``,
``evaluate`` and ``predict`` read it as any dataset. It is also an endless Python iterator, as in Keras 2:
``next(it)`` (or ``it.next()``) gives the next batch and starts over after the last, so ``for x, y in it:``
never ends by itself (``break`` out of it).

Randomness follows Keras 2's seeding: with ``seed``, batch number ``k`` (counted over the iterator's life,
``total_batches_seen``) draws its shuffle and its random transforms from ``np.random.RandomState(seed + k)``,
the stream Keras 2 reseeds NumPy's global generator with, so a seeded iterator gives Keras 2's batches.
nabla leaves NumPy's global generator alone; without ``seed`` the draws come from nabla's generator
(``keras.utils.set_random_seed`` fixes them).
"""

from __future__ import annotations

import os

import numpy as np

from .._engine import random as nabla_random
from ..utils.dataset_utils import index_directory
from ..utils.image_utils import array_to_img, img_to_array, load_img
from ..utils.io_utils import print_msg
from ..utils.py_dataset import PyDataset

WHITE_LIST_FORMATS = ("png", "jpg", "jpeg", "bmp", "ppm", "tif", "tiff")
DIRECTORY_CLASS_MODES = ("categorical", "binary", "sparse", "input", None)
CHANNELS = {"grayscale": 1, "rgb": 3, "rgba": 4}


def draw_stream(seed: int | None) -> np.random.RandomState:
    """``np.random.RandomState(seed)`` (the stream ``np.random.seed(seed)`` gives, as Keras 2 draws), or one
    seeded from nabla's generator when ``seed`` is None."""
    if seed is None:
        seed = int(nabla_random.generator().integers(2**31 - 1))
    return np.random.RandomState(seed)


class Iterator(PyDataset):
    """Batches of ``n`` samples, ``batch_size`` at a time (the last one smaller), in a new random order each
    epoch with ``shuffle``. Subclasses define ``_get_batches_of_transformed_samples(index_array)``, which
    may draw from ``self._stream`` (this batch's random stream).

    Attributes (Keras 2's): ``n``, ``batch_size``, ``shuffle``, ``seed``, ``batch_index``,
    ``total_batches_seen``, ``index_array`` (this epoch's order).
    """

    white_list_formats = WHITE_LIST_FORMATS

    def __init__(self, n: int, batch_size: int, shuffle: bool, seed: int | None):
        super().__init__()
        if isinstance(batch_size, bool) or not isinstance(batch_size, (int, np.integer)) or batch_size < 1:
            raise ValueError(f"{type(self).__name__}: batch_size must be a positive integer, got {batch_size!r}")
        self.n, self.batch_size, self.shuffle, self.seed = int(n), int(batch_size), shuffle, seed
        self.batch_index = 0
        self.total_batches_seen = 0
        self.index_array: np.ndarray | None = None
        self._stream: np.random.RandomState | None = None

    def _next_stream(self) -> np.random.RandomState:
        stream = draw_stream(None if self.seed is None else self.seed + self.total_batches_seen)
        self.total_batches_seen += 1
        return stream

    def _set_index_array(self, stream: np.random.RandomState | None = None) -> None:
        if self.shuffle:
            self.index_array = (stream or draw_stream(None)).permutation(self.n)
        else:
            self.index_array = np.arange(self.n)

    def __len__(self) -> int:
        return (self.n + self.batch_size - 1) // self.batch_size

    def __getitem__(self, idx: int):
        if not -len(self) <= idx < len(self):
            raise IndexError(f"asked for batch {idx}, but the {type(self).__name__} has {len(self)} batches")
        idx %= len(self)
        self._stream = self._next_stream()
        if self.index_array is None:
            self._set_index_array(self._stream)
        chosen = self.index_array[self.batch_size * idx : self.batch_size * (idx + 1)]
        return self._get_batches_of_transformed_samples(chosen)

    def on_epoch_end(self) -> None:
        """A new order of the samples for the next epoch (``fit`` calls it after each epoch)."""
        self._set_index_array()

    def reset(self) -> None:
        """Start :meth:`next` again from the first batch (a new order, when shuffling)."""
        self.batch_index = 0

    def __iter__(self):
        return self

    def __next__(self):
        return self.next()

    def next(self):
        """The next batch, endlessly: after the last batch of an epoch comes the first of a new one."""
        self._stream = self._next_stream()
        if self.batch_index == 0:
            self._set_index_array(self._stream)
        start = (self.batch_index * self.batch_size) % self.n if self.n else 0
        self.batch_index = self.batch_index + 1 if self.n > start + self.batch_size else 0
        return self._get_batches_of_transformed_samples(self.index_array[start : start + self.batch_size])

    def _get_batches_of_transformed_samples(self, index_array: np.ndarray):
        raise NotImplementedError(f"{type(self).__name__} must define _get_batches_of_transformed_samples")

    def _augment(self, x: np.ndarray) -> np.ndarray:
        """One sample through the generator: a random transform from this batch's stream, then standardize."""
        generator = self.image_data_generator
        x = generator.apply_transform(x, generator._draw_transform(x.shape, self._stream))
        return generator.standardize(x)

    def _save(self, batch_x: np.ndarray, index_array: np.ndarray, hash_range: int) -> None:
        """Keras 2's ``save_to_dir``: each image of the batch as ``{prefix}_{index}_{random}.{format}``."""
        for image, index in zip(batch_x, index_array):
            name = f"{self.save_prefix}_{index}_{self._stream.randint(hash_range)}.{self.save_format}"
            array_to_img(image, self.data_format, scale=True).save(os.path.join(self.save_to_dir, name))


class NumpyArrayIterator(Iterator):
    """The batches of ``ImageDataGenerator.flow(x, y)``: ``x`` (rank 4, images) augmented and standardized
    one sample at a time, as ``dtype``; ``y`` and ``sample_weight`` as given. A batch is ``x`` alone without
    ``y``, else ``(x, y)`` or ``(x, y, sample_weight)``. ``x`` may be ``(images, other)`` or
    ``(images, [others])``: the other arrays come along unchanged and a batch's inputs are then the list
    ``[images, *others]``.

    ``subset`` ("training" or "validation", with the generator's ``validation_split``): the validation part
    is the first ``int(len(x) * validation_split)`` samples, the training part the rest (as Keras 2); both
    must hold the same classes unless ``ignore_class_split``.
    """

    def __init__(self, x, y, image_data_generator, batch_size=32, shuffle=False, sample_weight=None, seed=None,
                 data_format=None, save_to_dir=None, save_prefix="", save_format="png", subset=None,
                 ignore_class_split=False, dtype=None):  # fmt: skip
        self.dtype = dtype or "float32"
        x_misc = []
        if isinstance(x, (tuple, list)):
            x_misc = [np.asarray(a) for a in (x[1] if isinstance(x[1], list) else [x[1]])]
            x = x[0]
            for other in x_misc:
                if len(other) != len(x):
                    raise ValueError(f"flow: all the arrays in x should have the same length, got {len(x)} images "
                                     f"and {len(other)} other samples")  # fmt: skip
        x = np.asarray(x)
        if y is not None and len(x) != len(y):
            raise ValueError(f"flow: x (images) and y (labels) should have the same length, got x.shape = {x.shape}, "
                             f"y.shape = {np.asarray(y).shape}")  # fmt: skip
        if sample_weight is not None and len(x) != len(sample_weight):
            raise ValueError(f"flow: x and sample_weight should have the same length, got x.shape = {x.shape}, "
                             f"sample_weight.shape = {np.asarray(sample_weight).shape}")  # fmt: skip
        if subset is not None:
            if subset not in ("training", "validation"):
                raise ValueError(f'flow: subset must be "training" or "validation", got {subset!r}')
            split = int(len(x) * image_data_generator._validation_split)
            if y is not None and not ignore_class_split and not np.array_equal(np.unique(y[:split]),
                                                                                np.unique(y[split:])):  # fmt: skip
                raise ValueError(
                    "flow: the training and validation subsets hold different classes after the split; "
                    "if x and y are sorted by label, shuffle them first (or ignore_class_split=True)"
                )
            part = slice(None, split) if subset == "validation" else slice(split, None)
            x, x_misc = x[part], [other[part] for other in x_misc]
            y = None if y is None else y[part]
            sample_weight = None if sample_weight is None else sample_weight[part]
        if x.ndim != 4:
            raise ValueError(f"flow: x should be images, an array of rank 4 (samples, height, width, channels), "
                             f"got shape {x.shape}")  # fmt: skip
        self.x = x.astype(self.dtype, copy=False)
        self.x_misc = x_misc
        self.y = None if y is None else np.asarray(y)
        self.sample_weight = None if sample_weight is None else np.asarray(sample_weight)
        self.image_data_generator = image_data_generator
        self.data_format = data_format or "channels_last"
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        super().__init__(len(self.x), batch_size, shuffle, seed)

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array), *self.x.shape[1:]), dtype=self.dtype)
        for i, j in enumerate(index_array):
            batch_x[i] = self._augment(self.x[j].copy())
        if self.save_to_dir:
            self._save(batch_x, index_array, 10_000)
        inputs = [batch_x] + [other[index_array] for other in self.x_misc] if self.x_misc else batch_x
        if self.y is None:
            return inputs
        if self.sample_weight is None:
            return inputs, self.y[index_array]
        return inputs, self.y[index_array], self.sample_weight[index_array]


class DirectoryIterator(Iterator):
    """The batches of ``ImageDataGenerator.flow_from_directory``: the images of ``directory/<class>/...`` (one
    subfolder per class, files at any depth below it), read with ``load_img`` at ``target_size`` and then
    augmented and standardized, with their labels.

    Keras 2's indexing: the classes are the subfolders in sorted order (or ``classes``' order), the files
    of each class in sorted folder-walk order, class after class; with a ``subset``, each class is split on
    its own (the validation part is its first ``int(validation_split * n)`` files, training the rest).
    Labels by ``class_mode``: "categorical" one-hot ``(n, classes)``, "binary" and "sparse" the class index
    ``(n,)``, all as ``dtype`` (float32); "input" the images themselves; None no labels (batches are images).

    Attributes: ``class_indices`` ({name: index}), ``classes`` (each file's class, int32), ``filenames``
    (relative to ``directory``), ``filepaths``, ``labels``, ``samples``, ``num_classes``, ``image_shape``.
    """

    allowed_class_modes = DIRECTORY_CLASS_MODES

    def __init__(self, directory, image_data_generator, target_size=(256, 256), color_mode="rgb", classes=None,
                 class_mode="categorical", batch_size=32, shuffle=True, seed=None, data_format=None,
                 save_to_dir=None, save_prefix="", save_format="png", follow_links=False, subset=None,
                 interpolation="nearest", keep_aspect_ratio=False, dtype=None):  # fmt: skip
        who = "flow_from_directory"
        if not os.path.isdir(directory):
            raise ValueError(f"{who}: directory {os.fsdecode(directory)!r} does not exist or is not a folder")
        if color_mode not in CHANNELS:
            raise ValueError(f'{who}: color_mode must be "rgb", "rgba" or "grayscale", got {color_mode!r}')
        if class_mode not in DIRECTORY_CLASS_MODES:
            raise ValueError(f"{who}: class_mode must be one of {DIRECTORY_CLASS_MODES}, got {class_mode!r}")
        if subset not in (None, "training", "validation"):
            raise ValueError(f'{who}: subset must be "training" or "validation", got {subset!r}')
        self.directory, self.image_data_generator = directory, image_data_generator
        self.target_size, self.color_mode, self.class_mode = tuple(target_size), color_mode, class_mode
        self.data_format, self.dtype = data_format or "channels_last", dtype or "float32"
        self.interpolation, self.keep_aspect_ratio, self.subset = interpolation, keep_aspect_ratio, subset
        self.save_to_dir, self.save_prefix, self.save_format = save_to_dir, save_prefix, save_format
        channels = (CHANNELS[color_mode],)
        self.image_shape = (
            self.target_size + channels if self.data_format == "channels_last" else (channels + self.target_size)
        )
        if not classes:
            classes = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d))]
        self.num_classes = len(classes)
        self.class_indices = dict(zip(classes, range(len(classes))))
        split = image_data_generator._validation_split if subset else None
        self.filenames, labels = [], []
        for index, name in enumerate(classes):
            folder = os.path.join(directory, name)
            if not os.path.isdir(folder):
                raise ValueError(f"{who}: class {name!r} has no folder {os.fsdecode(folder)!r}")
            paths, _, _ = index_directory(folder, None, WHITE_LIST_FORMATS, shuffle=False,
                                          follow_links=follow_links, verbose=False, who=who)  # fmt: skip
            if split is not None:
                cut = int(split * len(paths))
                paths = paths[:cut] if subset == "validation" else paths[cut:]
            self.filenames += [os.path.join(name, os.path.relpath(p, folder)) for p in paths]
            labels += [index] * len(paths)
        self.classes = np.array(labels, dtype=np.int32)
        self.samples = len(self.filenames)
        self._filepaths = [os.path.join(directory, name) for name in self.filenames]
        print_msg(f"Found {self.samples} images belonging to {self.num_classes} classes.")
        super().__init__(self.samples, batch_size, shuffle, seed)

    @property
    def filepaths(self) -> list[str]:
        """The images' paths (``directory`` joined to :attr:`filenames`)."""
        return self._filepaths

    @property
    def labels(self) -> np.ndarray:
        """Each file's class index (:attr:`classes`)."""
        return self.classes

    @property
    def sample_weight(self) -> None:
        return None

    def _get_batches_of_transformed_samples(self, index_array):
        batch_x = np.zeros((len(index_array), *self.image_shape), dtype=self.dtype)
        for i, j in enumerate(index_array):
            img = load_img(self._filepaths[j], color_mode=self.color_mode, target_size=self.target_size,
                           interpolation=self.interpolation, keep_aspect_ratio=self.keep_aspect_ratio)  # fmt: skip
            x = img_to_array(img, data_format=self.data_format, dtype=self.dtype)
            batch_x[i] = self._augment(x) if self.image_data_generator else x
        if self.save_to_dir:
            self._save(batch_x, index_array, 10_000_000)
        if self.class_mode == "input":
            return batch_x, batch_x.copy()
        if self.class_mode in ("binary", "sparse"):
            return batch_x, self.classes[index_array].astype(self.dtype)
        if self.class_mode == "categorical":
            return batch_x, np.eye(self.num_classes, dtype=self.dtype)[self.classes[index_array]]
        return batch_x
