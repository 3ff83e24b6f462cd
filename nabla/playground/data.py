"""The points of one playground: generated from a recipe (or uploaded), split into train and test.

The split is drawn once from the seed with :func:`nabla.data.train_test_split` (stratified for
classes, so that every class is in both parts); the test points are only ever evaluated, never
trained on. The *domain* is the square (or, for 1-D data, the interval) the heatmaps cover: the
points' bounding box with a margin.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .. import data as nbdata
from .config import UPLOADED, Config, Task
from .csvdata import Upload
from .errors import PlaygroundError
from .features import feature_matrix
from .recipes import RECIPES


@dataclass(frozen=True)
class Data:
    """All the points and their split.

    Attributes:
        X: float32 ``(N, dims)``, the coordinates in the playground's frame.
        y: int64 class indices or float32 values, ``(N,)``.
        train, test: int64 indices into ``X`` (disjoint, together all of them).
        task: classification (with its number of classes) or regression, and ``dims``.
        class_names: the classes' names (``"0"``, ``"1"``... for generated data).
        domain: ``(low, high)`` per axis of the heatmaps: x1 (and x2) for 2-D data; x and the value for 1-D.
    """

    X: np.ndarray
    y: np.ndarray
    train: np.ndarray
    test: np.ndarray
    task: Task
    class_names: tuple[str, ...]
    domain: tuple[tuple[float, float], ...]

    def inputs(self, features: tuple[str, ...], which: np.ndarray | None = None) -> np.ndarray:
        """The network's inputs for the points ``which`` (all by default): float32 ``(n, len(features))``."""
        return feature_matrix(self.X if which is None else self.X[which], features)


def task_of(config: Config, upload: Upload | None) -> Task:
    """The task of the data ``config`` chooses; refuses "csv" when nothing was uploaded."""
    if config.dataset == UPLOADED:
        if upload is None:
            raise PlaygroundError("no CSV was uploaded in this tab: upload one, or choose another dataset")
        return Task(upload.task, upload.classes, upload.dims)
    recipe = RECIPES[config.dataset]
    classes = (config.classes if recipe.uses_classes else 2) if recipe.task == "classification" else 0
    return Task(recipe.task, classes, recipe.dims)


def split_indices(y: np.ndarray, task: Task, train_ratio: int, seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Train and test indices: ``train_ratio`` percent for training, at least one point in each part."""
    n = len(y)
    n_train = min(max(round(n * train_ratio / 100), 1), n - 1)
    stratify = y if task.kind == "classification" and np.bincount(y).min() >= 2 else None
    train, test = nbdata.train_test_split(np.arange(n), test_size=n - n_train, stratify=stratify, seed=seed)
    return np.sort(train), np.sort(test)


def _domain(X: np.ndarray, y: np.ndarray, dims: int) -> tuple[tuple[float, float], ...]:
    low, high = X.min(axis=0).astype(np.float64), X.max(axis=0).astype(np.float64)
    if dims == 2:  # a square, so that circles look round
        centre, half = (low + high) / 2, max(float((high - low).max()) / 2 * 1.1, 0.1) + 0.1
        return tuple((float(c - half), float(c + half)) for c in centre)
    y_low, y_high = float(y.min()), float(y.max())
    pad_x, pad_y = 0.05 * float(high[0] - low[0]) + 0.05, 0.15 * (y_high - y_low) + 0.1
    return (float(low[0]) - pad_x, float(high[0]) + pad_x), (y_low - pad_y, y_high + pad_y)


def load_data(config: Config, task: Task, upload: Upload | None) -> Data:
    """Generate (or take the uploaded) points for ``config`` and split them."""
    if config.dataset == UPLOADED:
        X, y, names = upload.X, upload.y, upload.class_names or ()
    else:
        X, y = RECIPES[config.dataset].generate(config.points, config.noise, task.classes, config.seed)
        names = tuple(str(c) for c in range(task.classes))
    train, test = split_indices(y, task, config.train_ratio, config.seed)
    return Data(X, y, train, test, task, names, _domain(X, y, task.dims))
