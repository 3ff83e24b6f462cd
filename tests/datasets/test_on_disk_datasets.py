"""MNIST and Fashion-MNIST opened from disk batch by batch, equal to the arrays ``mnist()`` loads."""

from __future__ import annotations

import gzip

import numpy as np
import pytest
from conftest import FASHION_FILES, MNIST_FILES, real_data

import nabla as nb
from nabla.datasets import IDX_IMAGES, IDXError
from nabla.datasets.idx import iter_idx


@pytest.mark.parametrize(
    ("name", "files", "load"),
    [("mnist", MNIST_FILES, nb.datasets.mnist), ("fashion_mnist", FASHION_FILES, nb.datasets.fashion_mnist)],
)
def test_the_real_datasets_open_from_disk(tmp_path, name, files, load):
    real_data(*files)
    (x_train, y_train), (x_test, y_test) = load(normalize=True)
    test = nb.datasets.on_disk(name, "test", normalize=True, folder=tmp_path)
    assert (len(test), test.fields) == (10_000, ("x", "y"))
    xb, yb = test.arrays()
    assert xb.dtype == np.float32 and np.array_equal(xb, x_test) and np.array_equal(yb, y_test)
    train = nb.datasets.on_disk(name, "train", folder=tmp_path)  # uint8 on disk, as converted
    idx = np.array([0, 59_999, 31_337])
    xb, yb = train.read_batch(idx)
    assert (
        xb.dtype == np.uint8 and np.array_equal(xb / np.float32(255), x_train[idx]) and np.array_equal(yb, y_train[idx])
    )
    assert sorted(p.name for p in tmp_path.iterdir()) == ["test.nbd", "train.nbd"]
    again = nb.datasets.on_disk(name, "test", folder=tmp_path)  # converted once: opened, not rewritten
    assert again.path.stat().st_mtime_ns == test.path.stat().st_mtime_ns
    train = nb.datasets.on_disk(name, "train", normalize=True, folder=tmp_path)
    loader = nb.data.DataLoader(train, batch_size=500, shuffle=True)
    seen = np.concatenate([yb.numpy() for _, yb in loader])
    assert np.array_equal(np.bincount(seen), np.bincount(y_train))


def test_on_disk_checks_its_arguments(tmp_path):
    with pytest.raises(ValueError, match="unknown dataset 'cifar'"):
        nb.datasets.on_disk("cifar", folder=tmp_path)
    with pytest.raises(ValueError, match="split must be 'train' or 'test'"):
        nb.datasets.on_disk("mnist", "valid", folder=tmp_path)


def test_idx_files_stream_in_blocks_and_damage_is_named(tmp_path):
    images = np.arange(5 * 2 * 3, dtype=np.uint8).reshape(5, 2, 3)
    raw = b"\x00\x00\x08\x03" + b"".join(n.to_bytes(4, "big") for n in images.shape) + images.tobytes()
    (tmp_path / "ok.gz").write_bytes(gzip.compress(raw))
    blocks = list(iter_idx(tmp_path / "ok.gz", magic=IDX_IMAGES, block_rows=2))
    assert [len(b) for b in blocks] == [2, 2, 1] and np.array_equal(np.concatenate(blocks), images)
    (tmp_path / "short").write_bytes(raw[:-4])
    with pytest.raises(IDXError, match="truncated"):
        list(iter_idx(tmp_path / "short", block_rows=2))
    (tmp_path / "long").write_bytes(raw + b"\x00")
    with pytest.raises(IDXError, match="has trailing bytes"):
        list(iter_idx(tmp_path / "long"))
    (tmp_path / "cut.gz").write_bytes(gzip.compress(raw)[:-12])
    with pytest.raises(IDXError, match="gzip stream is (damaged|truncated)"):
        list(iter_idx(tmp_path / "cut.gz"))
