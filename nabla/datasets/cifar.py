"""CIFAR-10 and CIFAR-100, read from their publisher's binary archives (see :mod:`nabla.datasets.cache`).

Alex Krizhevsky's page publishes each set twice: as Python pickles (what Keras downloads) and as plain
binary records (what TensorFlow Datasets reads). nabla reads the binary archive, which needs no unpickling:
``cifar-10-binary.tar.gz`` holds ``cifar-10-batches-bin/data_batch_1.bin`` ... ``data_batch_5.bin`` and
``test_batch.bin``, 10,000 records each of one label byte and 3,072 pixel bytes; ``cifar-100-binary.tar.gz``
holds ``cifar-100-binary/train.bin`` (50,000 records) and ``test.bin`` (10,000), each record a coarse label
byte, a fine label byte and the pixels. The pixels of a record are the red plane, then green, then blue,
each 32 rows of 32, so an image is ``record.reshape(3, 32, 32)``. The same images in the same order as
the pickles.

The archive is checked against its published SHA-256 before it is opened, read member by member from
the compressed stream (about 2 s), never unpacked to disk, and every member is checked for its size and
label range before its bytes are used.
"""

from __future__ import annotations

import os
import tarfile

import numpy as np

from .cache import DatasetError, fetch

__all__ = ["CIFAR10_CLASSES", "CIFAR100_COARSE_CLASSES", "cifar10", "cifar100", "read_cifar_archive"]

CIFAR10_CLASSES: tuple[str, ...] = (
    "airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck",
)  # fmt: skip
"""CIFAR-10's class names, indexed by label."""

CIFAR100_COARSE_CLASSES: tuple[str, ...] = (
    "aquatic_mammals", "fish", "flowers", "food_containers", "fruit_and_vegetables", "household_electrical_devices",
    "household_furniture", "insects", "large_carnivores", "large_man-made_outdoor_things",
    "large_natural_outdoor_scenes", "large_omnivores_and_herbivores", "medium_mammals", "non-insect_invertebrates",
    "people", "reptiles", "small_mammals", "trees", "vehicles_1", "vehicles_2",
)  # fmt: skip
"""CIFAR-100's 20 superclasses (its ``coarse`` labels), indexed by label."""

PIXELS = 3 * 32 * 32
Split = tuple[np.ndarray, np.ndarray]

#: archive -> (label bytes per record, its training members in order, its test member)
_LAYOUT = {
    "cifar-10": (
        1, [f"cifar-10-batches-bin/data_batch_{i}.bin" for i in range(1, 6)], "cifar-10-batches-bin/test_batch.bin"
    ),
    "cifar-100": (2, ["cifar-100-binary/train.bin"], "cifar-100-binary/test.bin"),
}
_COUNTS = {"cifar-10": (10_000, 10_000), "cifar-100": (50_000, 10_000)}  # records per training member, test member
_CLASSES = {"cifar-10": (10,), "cifar-100": (20, 100)}  # per label byte


def read_cifar_archive(path: str | os.PathLike, kind: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """The training and test records of a CIFAR binary archive: ``{"train": (images, labels), "test": ...}``.

    ``kind``: ``"cifar-10"`` or ``"cifar-100"``. Images are uint8 ``(N, 3, 32, 32)`` (channels first, as
    stored); labels uint8 ``(N, 1)`` for CIFAR-10 and ``(N, 2)`` (coarse, fine) for CIFAR-100. Raises a
    :class:`DatasetError` naming the member when the archive lacks one or one has the wrong size or labels
    out of range. Nothing is written to disk.
    """
    label_bytes, train_members, test_member = _LAYOUT[kind]
    per_train, per_test = _COUNTS[kind]
    wanted = {**dict.fromkeys(train_members, per_train), test_member: per_test}
    found: dict[str, np.ndarray] = {}
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:  # one pass over the compressed stream, in the archive's order
                if member.name in wanted and member.isfile():
                    stream = archive.extractfile(member)
                    found[member.name] = _records(path, member.name, stream.read(), wanted[member.name], label_bytes)
    except (tarfile.TarError, OSError, EOFError) as e:
        raise DatasetError(f"{path}: not a readable {kind} binary archive ({e})") from e
    missing = [m for m in wanted if m not in found]
    if missing:
        raise DatasetError(f"{path}: the archive lacks {', '.join(missing)}; is it {kind}-binary.tar.gz?")
    for name, records in found.items():
        for byte, classes in enumerate(_CLASSES[kind]):
            if records[:, byte].max() >= classes:
                raise DatasetError(f"{path}: {name} holds a label of {records[:, byte].max()}, past {classes} classes")
    split = {}
    for part, members in (("train", train_members), ("test", [test_member])):
        records = np.concatenate([found[m] for m in members]) if len(members) > 1 else found[members[0]]
        split[part] = (records[:, label_bytes:].reshape(-1, 3, 32, 32), records[:, :label_bytes])
    return split


def _records(path, name: str, data: bytes, count: int, label_bytes: int) -> np.ndarray:
    size = count * (label_bytes + PIXELS)
    if len(data) != size:
        raise DatasetError(f"{path}: {name} has {len(data):,} bytes, expected {size:,} ({count:,} records)")
    return np.frombuffer(data, np.uint8).reshape(count, label_bytes + PIXELS)


def _channels_last(images: np.ndarray, normalize: bool) -> np.ndarray:
    images = np.ascontiguousarray(images.transpose(0, 2, 3, 1))
    return images.astype(np.float32) / 255.0 if normalize else images


def cifar10(normalize: bool = False, data_dir: str | os.PathLike | None = None) -> tuple[Split, Split]:
    """CIFAR-10: 50,000 training and 10,000 test colour images of 32x32 pixels in 10 classes.

    Read from ``<data folder>/cifar-10/cifar-10-binary.tar.gz`` (the publisher's binary archive, 162 MiB),
    checked against its published SHA-256 and downloaded when missing or damaged.

    Args:
        normalize: float32 pixels in ``[0, 1]`` (``x / 255``) instead of uint8 ``0..255``.
        data_dir: the data folder; ``$NABLA_DATA_DIR`` or the user cache folder when None.

    Returns:
        ``(x_train, y_train), (x_test, y_test)``, the images channels-last as Keras gives them.

    Shape:
        ``x_train`` uint8 ``(50000, 32, 32, 3)``, ``x_test`` uint8 ``(10000, 32, 32, 3)``; ``y_train``
        ``(50000,)`` and ``y_test`` ``(10000,)`` int64 in ``{0, ..., 9}``, indexing :data:`CIFAR10_CLASSES`
        (int64 class indices, as :func:`nabla.datasets.mnist` gives; ``keras.datasets.cifar10`` gives
        Keras's uint8 ``(N, 1)``).
    """
    split = read_cifar_archive(fetch("cifar-10/cifar-10-binary.tar.gz", data_dir), "cifar-10")
    return tuple((_channels_last(x, normalize), y[:, 0].astype(np.int64)) for x, y in split.values())


def cifar100(
    label_mode: str = "fine", normalize: bool = False, data_dir: str | os.PathLike | None = None
) -> tuple[Split, Split]:
    """CIFAR-100: 50,000 training and 10,000 test colour images of 32x32 pixels in 100 classes (20 superclasses).

    Read from ``<data folder>/cifar-100/cifar-100-binary.tar.gz`` as :func:`cifar10` reads its archive.

    Args:
        label_mode: ``"fine"`` (the 100 classes) or ``"coarse"`` (the 20 superclasses,
            :data:`CIFAR100_COARSE_CLASSES`), as in Keras.
        normalize, data_dir: as in :func:`cifar10`.

    Shape:
        ``x_train`` uint8 ``(50000, 32, 32, 3)``, ``x_test`` uint8 ``(10000, 32, 32, 3)``; ``y_train``
        ``(50000,)`` and ``y_test`` ``(10000,)`` int64.
    """
    if label_mode not in ("fine", "coarse"):
        raise ValueError(f"cifar100: label_mode must be 'fine' or 'coarse', got {label_mode!r}")
    split = read_cifar_archive(fetch("cifar-100/cifar-100-binary.tar.gz", data_dir), "cifar-100")
    byte = 1 if label_mode == "fine" else 0
    return tuple((_channels_last(x, normalize), y[:, byte].astype(np.int64)) for x, y in split.values())
