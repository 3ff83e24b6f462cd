"""``keras.datasets.boston_housing`` and ``california_housing``: Keras's shuffle and split, on verified files.

The tests cannot download Keras's tables, so each writes a table of its own and registers its SHA-256 in
place of the published one; Keras 3's own ``load_data`` (its download replaced by the same file) is the
reference for the order of the rows and the split.
"""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

import nabla.datasets
from nabla.datasets import cache
from nabla.keras.datasets import boston_housing, california_housing


def _register(tmp_path, monkeypatch, name: str, **arrays) -> str:
    """Write ``arrays`` as the .npz ``name`` in a fresh data folder and make its hash the expected one."""
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    path = tmp_path / "keras" / name
    path.parent.mkdir()
    np.savez(path, **arrays)
    key = f"keras/{name}"
    monkeypatch.setitem(cache.FILES, key, dataclasses.replace(cache.FILES[key], sha256=cache.sha256sum(path)))
    return str(path)


def _table(rows: int, features: int, seed: int = 0):
    rng = np.random.default_rng(seed)
    return rng.normal(size=(rows, features)), rng.uniform(5, 50, size=rows)


@pytest.mark.parametrize("kwargs", [{}, {"test_split": 0.3, "seed": 7}, {"test_split": 0.0}])
def test_boston_housing_splits_as_keras(tmp_path, monkeypatch, keras, kwargs):
    x, y = _table(506, 13)
    path = _register(tmp_path, monkeypatch, "boston_housing.npz", x=x, y=y)
    from keras.src.datasets import boston_housing as keras_boston

    monkeypatch.setattr(keras_boston, "get_file", lambda *args, **kw: path)
    ours, theirs = boston_housing.load_data(**kwargs), keras_boston.load_data(**kwargs)
    for a, b in zip([*ours[0], *ours[1]], [*theirs[0], *theirs[1]]):
        assert a.dtype == b.dtype and a.shape == b.shape
        np.testing.assert_array_equal(a, b)
    if not kwargs:
        assert ours[0][0].shape == (404, 13) and ours[1][0].shape == (102, 13)


@pytest.mark.parametrize("version", ["large", "small"])
def test_california_housing_splits_as_keras(tmp_path, monkeypatch, keras, version):
    x, y = _table(700, 8, seed=1)
    x, y = x.astype(np.float32), y.astype(np.float32)
    path = _register(tmp_path, monkeypatch, "california_housing.npz", x=x, y=y)
    from keras.src.datasets import california_housing as keras_california

    monkeypatch.setattr(keras_california, "get_file", lambda *args, **kw: path)
    ours, theirs = california_housing.load_data(version=version), keras_california.load_data(version=version)
    for a, b in zip([*ours[0], *ours[1]], [*theirs[0], *theirs[1]]):
        assert a.dtype == b.dtype == np.float32
        np.testing.assert_array_equal(a, b)
    assert len(ours[0][0]) == (480 if version == "small" else 560)


def test_a_damaged_file_is_refused_before_it_is_read(tmp_path, monkeypatch):
    x, y = _table(506, 13)
    path = _register(tmp_path, monkeypatch, "boston_housing.npz", x=x, y=y)
    with open(path, "ab") as f:
        f.write(b"tampered")
    with pytest.raises(nabla.datasets.ChecksumError, match="boston_housing.npz is corrupted"):
        boston_housing.load_data()


def test_a_missing_file_offline_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    with pytest.raises(nabla.datasets.DatasetError, match="keras/california_housing.npz is missing.*NABLA_OFFLINE"):
        california_housing.load_data()


@pytest.mark.parametrize(
    "arrays, message",
    [
        ({"x": np.zeros((5, 12)), "y": np.zeros(5)}, r"expected numbers x \(rows, 13\)"),
        ({"x": np.zeros((5, 13)), "y": np.zeros(4)}, r"y of shape \(4,\)"),
        ({"x": np.zeros((5, 13))}, "expected the arrays 'x' and 'y'"),
        ({"x": np.full((5, 13), np.nan), "y": np.zeros(5)}, "not finite"),
        ({"x": np.array([[1], "a"], dtype=object), "y": np.zeros(2)}, "not a table of numbers"),
    ],
)
def test_a_verified_file_with_other_contents_is_refused_clearly(tmp_path, monkeypatch, arrays, message):
    """Contents are checked even after the hash (a hash registered for another file): no pickle is loaded."""
    _register(tmp_path, monkeypatch, "boston_housing.npz", **arrays)
    with pytest.raises(nabla.datasets.DatasetError, match=message):
        boston_housing.load_data()


def test_bad_arguments_fail_before_any_file_is_fetched(tmp_path, monkeypatch):
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    with pytest.raises(ValueError, match=r"test_split must be a number in \[0, 1\)"):
        boston_housing.load_data(test_split=1.0)
    with pytest.raises(ValueError, match="version must be 'large' or 'small'"):
        california_housing.load_data(version="medium")
