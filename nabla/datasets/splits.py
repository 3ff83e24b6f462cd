"""Any dataset of the catalogue as a training and a test split, in raw units, ready for a model."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from .catalog import lookup

__all__ = ["TrainTestSplit", "load_split"]


@dataclass
class TrainTestSplit:
    """A dataset split for training, in its raw units (nothing is scaled).

    Attributes:
        name: the dataset's canonical name (see :data:`nabla.datasets.CATALOG`).
        task: ``"classification"`` or ``"regression"``.
        x_train, x_test: float32 inputs ``(N, *features)``; ``(N, F)`` with ``flatten=True``.
        y_train, y_test: int64 labels ``(N,)`` for classification, float32 targets ``(N, 1)`` for regression.
        feature_names: one name per column of the flattened inputs (``x1, x2...`` for generated
            sets, ``pixel0...`` for images, the file's columns for tables; a one-hot column is
            ``"Species=Bream"``).
        classes: the number of classes (None for regression).
        target: what is predicted (``"Weight"``, ``"digit"``, ``"y"``...).
        units: unit by column name, for the columns that have one (``{"Weight": "g"}``).
        file_columns: for a table, the columns of its file in order (see :class:`DatasetEntry`).
    """

    name: str
    task: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    feature_names: list[str]
    classes: int | None
    target: str
    units: dict[str, str] = field(default_factory=dict)
    file_columns: list[str] = field(default_factory=list)


def load_split(
    name: str, seed: int = 0, test_size: float = 0.25, flatten: bool = False, **kwargs: Any
) -> TrainTestSplit:
    """Dataset ``name`` split into a training and a test part: the same split for the same ``seed``.

    A generated set is drawn with ``seed`` and ``kwargs`` (e.g. ``n_samples``, ``noise``) and
    split at random, stratified by class for classification (``nabla.data.train_test_split``
    with the same seed). MNIST and Fashion-MNIST keep their published split (``test_size`` and
    ``seed`` do not change it); other real sets are split like generated ones.

    Args:
        name: a dataset name or alias (``"moons"``, ``"fish"``, ``"Fashion-MNIST"``...).
        seed: seed of the draw and of the split. Default 0.
        test_size: the fraction held out for testing. Default 0.25.
        flatten: make the inputs 2-D, ``(N, F)`` (images become rows of pixels). Default False.
        **kwargs: passed to the dataset's function (see :func:`nabla.datasets.load`).

    Returns:
        A :class:`TrainTestSplit`.

    Example::

        >>> data = load_split("moons", seed=0, n_samples=1000, noise=0.2)
        >>> data.x_train.shape, data.x_test.shape, data.classes
        ((750, 2), (250, 2), 2)
    """
    from ..data import train_test_split

    entry = lookup(name)
    if entry.seeded:
        kwargs = {"seed": seed, **kwargs}
    loaded = entry.function(**kwargs)
    names = None
    if entry.layout == "train_test":
        (x_train, y_train), (x_test, y_test) = loaded
    else:
        X, y = loaded[:2]
        if entry.layout == "xy_names":
            names = list(loaded[2])
        stratify = y if entry.task == "classification" else None
        x_train, x_test, y_train, y_test = train_test_split(X, y, test_size=test_size, stratify=stratify, seed=seed)
    x_train, x_test = (np.asarray(x, dtype=np.float32) for x in (x_train, x_test))
    if flatten:
        x_train, x_test = x_train.reshape(len(x_train), -1), x_test.reshape(len(x_test), -1)
    n_features = int(np.prod(x_train.shape[1:]))
    if names is None:
        names = (
            [f"pixel{i}" for i in range(n_features)] if entry.pixel_max else [f"x{i + 1}" for i in range(n_features)]
        )
    if entry.task == "classification":
        y_train, y_test = (np.asarray(y, dtype=np.int64).reshape(-1) for y in (y_train, y_test))
        classes = int(max(y_train.max(), y_test.max())) + 1
    else:
        y_train, y_test = (np.asarray(y, dtype=np.float32).reshape(len(y), -1) for y in (y_train, y_test))
        classes = None
    return TrainTestSplit(
        entry.name,
        entry.task,
        x_train,
        y_train,
        x_test,
        y_test,
        names,
        classes,
        entry.target,
        dict(entry.units),
        list(entry.file_columns),
    )
