"""What ``keras.datasets.boston_housing`` and ``california_housing`` share: reading Keras's table, and its split.

Both read Keras's own ``.npz`` file (downloaded from Keras's folder into nabla's data folder,
``$NABLA_DATA_DIR/keras/``, and checked against the SHA-256 that Keras publishes before it is opened),
then shuffle and split it exactly as Keras's ``load_data`` does: the row indices shuffled by
``np.random.RandomState(seed)``, the first ``int(n * (1 - test_split))`` rows for training. The arrays
are read with ``allow_pickle=False`` and checked (the two arrays, one row of features per target, finite
numbers) and given in the dtypes of Keras's file.
"""

from __future__ import annotations

import zipfile

import numpy as np

from ...datasets import DatasetError
from ...datasets.cache import fetch
from ._images import Split

#: file -> the features per row of the published table (506 and 20,640 rows)
_FEATURES = {"boston_housing.npz": 13, "california_housing.npz": 8}


def read_table(name: str) -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)`` of Keras's table ``name``, fetched and verified by :func:`~nabla.datasets.cache.fetch`, checked."""
    path = fetch(f"keras/{name}")
    features = _FEATURES[name]
    try:
        with np.load(path, allow_pickle=False) as f:
            if sorted(f.files) != ["x", "y"]:
                raise DatasetError(f"{path}: expected the arrays 'x' and 'y', found {sorted(f.files)}")
            x, y = f["x"], f["y"]
    except (ValueError, OSError, zipfile.BadZipFile) as e:  # not an .npz, or arrays of Python objects (pickles)
        raise DatasetError(f"{path}: not a table of numbers nabla can read ({e})") from e
    if x.ndim != 2 or x.shape[1] != features or y.shape != x.shape[:1] or x.dtype.kind not in "fiu" \
            or y.dtype.kind not in "fiu":
        raise DatasetError(f"{path}: expected numbers x (rows, {features}) and y (rows,), got {x.dtype} x of shape "
                           f"{x.shape} and {y.dtype} y of shape {y.shape}")  # fmt: skip
    if not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise DatasetError(f"{path}: the table holds values that are not finite numbers")
    return x, y


def check_test_split(test_split: float) -> None:
    """Refuse a ``test_split`` outside [0, 1) before anything is downloaded or read."""
    if not isinstance(test_split, (int, float)) or not 0 <= test_split < 1:
        raise ValueError(f"load_data: test_split must be a number in [0, 1), got {test_split!r}")


def split(x: np.ndarray, y: np.ndarray, test_split: float, seed: int) -> tuple[Split, Split]:
    """Keras's shuffle (a RandomState permutation of the row indices) and split (training rows first)."""
    order = np.arange(len(x))
    np.random.RandomState(seed).shuffle(order)
    x, y = x[order], y[order]
    cut = int(len(x) * (1 - test_split))
    return (x[:cut], y[:cut]), (x[cut:], y[cut:])
