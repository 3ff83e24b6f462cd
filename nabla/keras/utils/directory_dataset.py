"""The datasets that ``image_dataset_from_directory`` and ``text_dataset_from_directory`` return: files read a
batch at a time, with their labels, ``class_names`` and ``file_paths``.

Keras 3 returns a ``tf.data.Dataset``, and so do both here (:func:`files_dataset`, on ``nabla.tf.data``: see
:mod:`~nabla.keras.utils.tf_data`); texts are ``tf.string`` tensors there.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from .._engine import random as nabla_random
from .dataset_utils import check_validation_split, index_directory, split_files
from .tf_data import data as tf_data

LABEL_MODES = ("int", "categorical", "binary", None)


def encode_labels(labels: np.ndarray, label_mode: str, num_classes: int) -> np.ndarray:
    """Keras's label encodings: "int" int32 ``(n,)``, "categorical" one-hot float32 ``(n, num_classes)``,
    "binary" float32 ``(n, 1)``."""
    if label_mode == "categorical":
        return np.eye(num_classes, dtype=np.float32)[labels]
    if label_mode == "binary":
        return labels.astype(np.float32)[:, None]
    return labels.astype(np.int32)


def files_dataset(file_paths: list[str], labels: np.ndarray | None, class_names: list[str] | None,
                  load: Callable[[list[str]], np.ndarray], batch_size: int | None, shuffle: bool = False,
                  seed: int | None = None):  # fmt: skip
    """Files and their labels as Keras 3's ``tf.data.Dataset`` of ``(inputs, labels)`` batches (``inputs`` alone
    without labels), with ``class_names`` and ``file_paths`` set on it, as Keras sets them (a ``map`` of it, a new
    dataset, has neither, as in Keras). With ``shuffle`` the files pass through a shuffle buffer of
    ``8 * batch_size`` (1024 unbatched) with ``seed`` before batching, as in Keras, reshuffled at each pass.
    Each batch's files are read by ``load`` when the batch is made."""
    dataset = tf_data().Dataset.from_tensor_slices(np.arange(len(file_paths)))
    if shuffle:
        dataset = dataset.shuffle(8 * batch_size if batch_size else 1024, seed=seed)
    if batch_size is not None:
        dataset = dataset.batch(batch_size)
    dataset = dataset.map(_Files(file_paths, labels, load)).prefetch(-1)
    dataset.class_names, dataset.file_paths = class_names, file_paths
    return dataset


class _Files:
    """The map from file indices (a batch of them, or one) to ``(inputs, labels)``. ``element_spec`` runs it on
    made-up indices (0 and 1, see ``nabla.tf.data.functions``): they are clipped to the files there are."""

    def __init__(self, file_paths: list[str], labels: np.ndarray | None, load: Callable[[list[str]], np.ndarray]):
        self.file_paths, self.labels, self.load = file_paths, labels, load

    def __call__(self, indices):
        chosen = np.minimum(indices.numpy(), len(self.file_paths) - 1)
        loaded = self.load([self.file_paths[i] for i in chosen.reshape(-1)])
        inputs = loaded.reshape(chosen.shape + loaded.shape[1:])  # (one file unbatched: no batch axis)
        return inputs if self.labels is None else (inputs, self.labels[chosen])


def from_directory(directory, labels, label_mode: str | None, class_names, formats: tuple[str, ...],
                   load: Callable[[list[str]], np.ndarray], batch_size: int | None, shuffle: bool, seed: int | None,
                   validation_split: float | None, subset: str | None, follow_links: bool, verbose: bool, who: str,
                   kind: str):  # fmt: skip
    """What ``image_dataset_from_directory`` and ``text_dataset_from_directory`` share, in Keras's steps: check
    the labels' arguments, index the files (:func:`~nabla.keras.utils.dataset_utils.index_directory`), split
    them, and make a :func:`files_dataset` per part (two for ``subset="both"``, the training one shuffled);
    ``kind`` names the files in errors ("images", "text files")."""
    if labels not in ("inferred", None) and not isinstance(labels, (list, tuple)):
        raise ValueError(f"{who}: `labels` should be 'inferred', None, or a list/tuple of integer labels (one per "
                         f"file, in sorted path order), received: labels={labels!r}")  # fmt: skip
    if label_mode not in LABEL_MODES:
        raise ValueError(f'{who}: `label_mode` must be one of "int", "categorical", "binary" or None, received: '
                         f"label_mode={label_mode!r}")  # fmt: skip
    if labels is None or label_mode is None:
        labels, label_mode = None, None
    check_validation_split(validation_split, subset, shuffle, seed, who)
    seed = int(nabla_random.generator().integers(1e6)) if seed is None else seed
    paths, labels, class_names = index_directory(directory, labels, formats, class_names, shuffle, seed,
                                                 follow_links, verbose, who)  # fmt: skip
    if label_mode == "binary" and len(class_names) != 2:
        raise ValueError(f'{who}: when passing label_mode="binary", there must be exactly 2 class_names. '
                         f"Received: class_names={class_names}")  # fmt: skip

    def dataset(part: str | None, shuffled: bool):
        files, part_labels = split_files(paths, labels, validation_split, part)
        if not files:
            which = f"{part} " if subset == "both" else ""
            raise ValueError(f"{who}: no {which}{kind} found in directory {directory}. Allowed formats: {formats}")
        encoded = None if label_mode is None else encode_labels(part_labels, label_mode, len(class_names))
        return files_dataset(files, encoded, class_names, load, batch_size, shuffled, seed)

    if subset == "both":
        return dataset("training", shuffle), dataset("validation", False)
    return dataset(subset, shuffle)
