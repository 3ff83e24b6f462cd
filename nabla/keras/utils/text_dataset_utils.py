"""``keras.utils.text_dataset_from_directory``: a folder of ``.txt`` files, one subfolder per class, as batches of
``(texts, labels)``."""

from __future__ import annotations

import numpy as np

from .directory_dataset import from_directory

WHO = "text_dataset_from_directory"


def text_dataset_from_directory(directory, labels="inferred", label_mode: str | None = "int",
                                class_names: list[str] | None = None, batch_size: int | None = 32,
                                max_length: int | None = None, shuffle: bool = True, seed: int | None = None,
                                validation_split: float | None = None, subset: str | None = None,
                                follow_links: bool = False, format: str = "tf", verbose: bool = True):  # fmt: skip
    """The ``.txt`` files below ``directory`` (other files skipped) as a dataset of batches ``(texts, labels)``,
    as Keras 3 builds it: the same labels, ``class_names``, file order, split and seed rules as
    :func:`~nabla.keras.utils.image_dataset_utils.image_dataset_from_directory` (see there).

    Each text is the file's bytes, cut to its first ``max_length`` bytes when given (TensorFlow's
    ``tf.strings.substr``). Returns a ``tf.data.Dataset`` (``nabla.tf.data``'s, see
    :mod:`~nabla.keras.utils.tf_data`) with ``class_names`` and ``file_paths``, as Keras does: a batch of texts is
    a ``tf.string`` tensor (``.numpy()`` gives an object array of ``bytes``), labels an int32 ``tf.Tensor``
    (``element_spec`` ``(TensorSpec(shape=(None,), dtype=tf.string), TensorSpec(shape=(None,), dtype=tf.int32))``).

    Example::

        raw_train = keras.utils.text_dataset_from_directory("aclImdb/train", batch_size=32,
                                                            validation_split=0.2, subset="training", seed=42)
        for texts, labels in raw_train.take(1):
            print(texts[0][:80], labels.numpy()[0])
    """
    if max_length is not None and (isinstance(max_length, bool) or not isinstance(max_length, int) or max_length < 0):
        raise ValueError(f"{WHO}: `max_length` must be a non-negative integer or None, received: {max_length!r}")
    if format != "tf":
        raise ValueError(f"{WHO}: format={format!r} is not offered by nabla (only 'tf')")

    def load(files: list[str]) -> np.ndarray:
        texts = np.empty(len(files), dtype=object)
        for i, path in enumerate(files):
            with open(path, "rb") as f:
                texts[i] = f.read() if max_length is None else f.read(max_length)
        return texts

    return from_directory(directory, labels, label_mode, class_names, (".txt",), load, batch_size, shuffle, seed,
                          validation_split, subset, follow_links, verbose, WHO, "text files")
