"""``keras.utils.split_dataset``: arrays split in two (train / validation), by fraction or by count; and the
indexing of a folder of files by class that ``image_dataset_from_directory`` and ``text_dataset_from_directory``
share (:func:`index_directory`, :func:`split_files`)."""

from __future__ import annotations

import builtins
import os

import numpy as np

from .._engine import random as nabla_random
from .io_utils import print_msg


def split_dataset(dataset, left_size=None, right_size=None, shuffle: bool = False, seed: int | None = None,
                  preferred_backend=None):  # fmt: skip
    """Split a NumPy array, or a tuple / list / dict of arrays of one length, into a left and a right part.

    Keras's size rules: ``left_size`` and ``right_size`` are each a fraction in (0, 1) (rounded to a count
    of samples), a count of samples, or None for the rest of the data (at least one is given, neither part
    may be empty, and together they may be fewer than all samples: the ones between are left out). Without
    ``shuffle`` the left part is the first samples, the right part the last ones; with ``shuffle``
    the samples are permuted first, by ``np.random.default_rng(seed)``, or nabla's generator when ``seed``
    is None (so ``keras.utils.set_random_seed`` fixes it).

    Deliberate difference: Keras returns two ``tf.data.Dataset`` (or torch datasets); nabla returns the two
    parts in the structure given, as NumPy arrays, ready for ``fit``::

        (x_train, y_train), (x_val, y_val) = keras.utils.split_dataset((x, y), left_size=0.8)

    ``preferred_backend`` is accepted for Keras's signature and unused.
    """
    if isinstance(dataset, dict):
        columns = {key: np.asarray(value) for key, value in dataset.items()}
    elif isinstance(dataset, (tuple, list)):
        columns = dict(enumerate(np.asarray(value) for value in dataset))
    else:
        columns = {None: np.asarray(dataset)}
    lengths = {len(a) for a in columns.values() if a.ndim > 0}
    if len(lengths) != 1 or any(a.ndim == 0 for a in columns.values()):
        raise ValueError(f"split_dataset: expected arrays of one length (samples first), got lengths {sorted(lengths)}")
    total = lengths.pop()
    left, right = _sizes(left_size, right_size, total)
    order = np.arange(total)
    if shuffle:
        order = (nabla_random.generator() if seed is None else np.random.default_rng(seed)).permutation(total)
    parts = [{key: a[order[:left]] for key, a in columns.items()},
             {key: a[order[total - right :]] for key, a in columns.items()}]  # fmt: skip
    if isinstance(dataset, dict):
        return tuple(parts)
    if isinstance(dataset, (tuple, list)):
        return tuple(type(dataset)(part.values()) for part in parts)
    return tuple(part[None] for part in parts)


def _size(size, total: int, side: str) -> int | None:
    """A count of samples from a fraction or a count (Keras's checks and messages)."""
    if size is None:
        return None
    if isinstance(size, builtins.bool) or type(size) not in (int, float):
        raise TypeError(f"Invalid `{side}_size` Type. Expected: int or float or None, Received: "
                        f"type({side}_size)={type(size)}.")  # fmt: skip
    if (isinstance(size, int) and not 0 < size < total) or (isinstance(size, float) and not 0 < size < 1):
        raise ValueError(f"`{side}_size` should be either a positive integer smaller than {total}, or a float "
                         f"within the range `[0, 1]`. Received: {side}_size={size}")  # fmt: skip
    return round(size * total) if isinstance(size, float) else size


def _sizes(left_size, right_size, total: int) -> tuple[int, int]:
    if left_size is None and right_size is None:
        raise ValueError("At least one of the `left_size` or `right_size` must be specified. "
                         "Received: left_size=None and right_size=None")  # fmt: skip
    if isinstance(left_size, float) and isinstance(right_size, float) and left_size + right_size > 1:
        raise ValueError("The sum of `left_size` and `right_size` is greater than 1. It must be less than or equal "
                         "to 1.")  # fmt: skip
    left, right = _size(left_size, total, "left"), _size(right_size, total, "right")
    left = total - right if left is None else left
    right = total - left if right is None else right
    if left + right > total:
        raise ValueError(f"The sum of `left_size` and `right_size` should be smaller than the {total}. "
                         f"Received: left_size + right_size = {left + right}and total_length = {total}")  # fmt: skip
    for split, side in ((left, "left"), (right, "right")):
        if split == 0:
            raise ValueError(f"With `dataset` of length={total}, `left_size`={left} and `right_size`={right}."
                             f"Resulting {side} side dataset split will be empty. Adjust any of the aforementioned "
                             "parameters")  # fmt: skip
    return left, right


def index_directory(directory, labels, formats: tuple[str, ...], class_names=None, shuffle: bool = True,
                    seed: int | None = None, follow_links: bool = False, verbose: bool = True, who: str = "",
                    ) -> tuple[list[str], np.ndarray | None, list[str] | None]:  # fmt: skip
    """The files of ``directory`` whose names end in one of ``formats`` (any case), with their labels: Keras 3's
    ``index_directory``, the same file order, class indices and shuffle.

    ``labels="inferred"``: one class per subfolder (sorted by name, folders starting with "." skipped, or
    ``class_names``' order), its files found at any depth below it (files beside the subfolders are
    ignored); otherwise every file below ``directory``, labelled by the ``labels`` list (in the sorted order
    of the paths) or unlabelled (``labels=None``). Folders are visited in sorted order, files sorted in
    each. With ``shuffle`` the paths are permuted by ``np.random.RandomState(seed).shuffle`` and the labels
    by a second generator of the same seed (so with the same permutation), as Keras does.

    Returns ``(file_paths, labels as int32 or None, class_names or None)``.
    """
    if not os.path.isdir(directory):
        raise ValueError(f"{who}: directory {os.fsdecode(directory)!r} does not exist or is not a folder")
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory)) if os.path.isdir(os.path.join(directory, d))
                   and not d.startswith(".")]  # fmt: skip
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError(f"{who}: the `class_names` passed did not match the names of the subdirectories of "
                                 f"the target directory. Expected: {subdirs} (or a subset of it), but received: "
                                 f"class_names={class_names}")  # fmt: skip
            subdirs = list(class_names)
    elif class_names is not None:
        raise ValueError(f"{who}: `class_names` can only be given with labels='inferred', got labels={labels!r}")
    else:
        subdirs = [""]
    files, inferred = [], []
    for index, subdir in enumerate(subdirs):
        top = os.path.join(directory, subdir)
        for root, _, names in sorted(os.walk(top, followlinks=follow_links), key=lambda walked: walked[0]):
            chosen = [name for name in sorted(names) if name.lower().endswith(formats)]
            files += [os.path.join(directory, subdir, os.path.relpath(os.path.join(root, n), top)) for n in chosen]
            inferred += [index] * len(chosen)
    if labels == "inferred":
        labels, class_names = np.array(inferred, dtype=np.int32), list(subdirs)
    elif labels is not None:
        if len(labels) != len(files):
            raise ValueError(f"{who}: expected the lengths of `labels` to match the number of files in the target "
                             f"directory. len(labels) is {len(labels)} while we found {len(files)} files in "
                             f"directory {directory}.")  # fmt: skip
        labels, class_names = np.array(labels, dtype=np.int32), [str(label) for label in sorted(set(labels))]
    if verbose:
        count = f"Found {len(files)} files" + ("" if labels is None else f" belonging to {len(class_names)} classes")
        print_msg(count + ".")
    if shuffle:
        seed = int(nabla_random.generator().integers(1e6)) if seed is None else seed
        np.random.RandomState(seed).shuffle(files)
        if labels is not None:
            np.random.RandomState(seed).shuffle(labels)
    return files, labels, class_names


def check_validation_split(validation_split, subset, shuffle: bool, seed, who: str) -> None:
    """Keras's checks of ``validation_split`` and ``subset`` (and the seed a shuffled split needs)."""
    if validation_split and not 0 < validation_split < 1:
        raise ValueError(f"{who}: `validation_split` must be between 0 and 1, received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError(f"{who}: if `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'{who}: `subset` must be either "training", "validation" or "both", received: {subset}')
    if validation_split and shuffle and seed is None:
        raise ValueError(f"{who}: when using `validation_split` and shuffling the data, you must provide a `seed` "
                         "argument, to make sure that there is no overlap between the training and validation "
                         "subset.")  # fmt: skip


def split_files(paths: list[str], labels: np.ndarray | None, validation_split, subset: str):
    """The training part (all but the last ``int(validation_split * n)`` files) or the validation part (those
    last files), as Keras splits the indexed (already shuffled) files; prints the count as Keras does."""
    if not validation_split:
        return paths, labels
    count = int(validation_split * len(paths))
    part = slice(None, len(paths) - count) if subset == "training" else slice(len(paths) - count, None)
    print_msg(f"Using {len(paths) - count if subset == 'training' else count} files for {subset}.")
    return paths[part], None if labels is None else labels[part]
