"""CIFAR-10 and CIFAR-100 from their publisher's binary archives, in nabla's and in Keras's layout.

The real archives (162 MiB each) are not in the test data folder: the reader is tested on small archives
written here in the published format (each record: the label byte(s), then the red, green and blue planes
of 32x32 pixels; the members named as in the real archives), with the record counts patched down. The
reference images are made first and encoded by the test, so the reader must give back exactly them.
"""

from __future__ import annotations

import io
import tarfile

import numpy as np
import pytest
from conftest import DATA

import nabla.keras as keras
from nabla import datasets
from nabla.datasets import DatasetError, cifar
from nabla.keras.datasets import _cifar

RNG = np.random.default_rng(0)
TRAIN, TEST = 3, 2  # records per training member and in the test member


def _member(archive: tarfile.TarFile, name: str, data: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(data)
    archive.addfile(info, io.BytesIO(data))


def _write_archive(path, kind: str, corrupt: str = ""):
    """A small archive of ``kind``; returns {"train": (images NHWC, labels (N, label_bytes)), "test": ...}."""
    label_bytes, train_members, test_member = cifar._LAYOUT[kind]
    classes = (10,) if kind == "cifar-10" else (20, 100)
    truth = {}
    with tarfile.open(path, "w:gz") as archive:
        _member(archive, train_members[0].split("/")[0] + "/batches.meta.txt", b"airplane\n")  # ignored
        for part, members, count in (("train", train_members, TRAIN), ("test", [test_member], TEST)):
            images, labels = [], []
            for name in members:
                x = RNG.integers(0, 256, (count, 32, 32, 3), dtype=np.uint8)
                y = np.stack([RNG.integers(0, c, count) for c in classes], axis=1).astype(np.uint8)
                records = b"".join(bytes(y[i]) + x[i].transpose(2, 0, 1).tobytes() for i in range(count))
                if corrupt == "short" and name == test_member:
                    records = records[:-1]
                if corrupt == "label" and name == test_member:
                    records = bytes([classes[0]]) + records[1:]
                if corrupt != "missing" or name != test_member:
                    _member(archive, name, records)
                images.append(x)
                labels.append(y)
            truth[part] = (np.concatenate(images), np.concatenate(labels))
    return truth


@pytest.fixture
def archives(tmp_path, monkeypatch):
    """Small archives of both sets, and fetch pointed at them (it would check the real SHA-256)."""
    monkeypatch.setattr(cifar, "_COUNTS", {"cifar-10": (TRAIN, TEST), "cifar-100": (TRAIN, TEST)})
    paths = {kind: tmp_path / f"{kind}-binary.tar.gz" for kind in ("cifar-10", "cifar-100")}
    truth = {kind: _write_archive(path, kind) for kind, path in paths.items()}

    def fetch(key, root=None):
        return paths[key.split("/")[0]]

    monkeypatch.setattr(cifar, "fetch", fetch)
    monkeypatch.setattr(_cifar, "fetch", fetch)
    return truth


def test_nabla_gives_the_images_channels_last_and_int64_labels(archives):
    (x_train, y_train), (x_test, y_test) = datasets.cifar10()
    truth = archives["cifar-10"]
    assert x_train.shape == (5 * TRAIN, 32, 32, 3) and x_test.shape == (TEST, 32, 32, 3)
    np.testing.assert_array_equal(x_train, truth["train"][0])  # the five batches in order
    np.testing.assert_array_equal(x_test, truth["test"][0])
    assert y_train.dtype == np.int64 and y_train.tolist() == truth["train"][1][:, 0].tolist()
    x, _ = datasets.cifar10(normalize=True)[0]
    assert x.dtype == np.float32 and np.allclose(x * 255, truth["train"][0])
    for mode, column in (("fine", 1), ("coarse", 0)):
        (x_train, y_train), (x_test, y_test) = datasets.cifar100(label_mode=mode)
        np.testing.assert_array_equal(x_test, archives["cifar-100"]["test"][0])
        assert y_train.tolist() == archives["cifar-100"]["train"][1][:, column].tolist()


def test_keras_load_data_has_keras_layout(archives):
    (x_train, y_train), (x_test, y_test) = keras.datasets.cifar10.load_data()
    # Keras's cifar10.load_data: uint8 (N, 32, 32, 3) images, uint8 (N, 1) labels
    assert (x_train.shape, y_train.shape, x_test.shape, y_test.shape) == (
        (5 * TRAIN, 32, 32, 3), (5 * TRAIN, 1), (TEST, 32, 32, 3), (TEST, 1),
    )  # fmt: skip
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    np.testing.assert_array_equal(x_train, archives["cifar-10"]["train"][0])
    np.testing.assert_array_equal(y_test, archives["cifar-10"]["test"][1])
    (_, y_fine), _ = keras.datasets.cifar100.load_data()
    (_, y_coarse), (x_test, _) = keras.datasets.cifar100.load_data(label_mode="coarse")
    assert y_fine.shape == (3, 1) and y_fine.dtype == np.int64  # Keras 3 reshapes its label lists: int64
    np.testing.assert_array_equal(y_fine[:, 0], archives["cifar-100"]["train"][1][:, 1])
    np.testing.assert_array_equal(y_coarse[:, 0], archives["cifar-100"]["train"][1][:, 0])
    np.testing.assert_array_equal(x_test, archives["cifar-100"]["test"][0])
    with pytest.raises(ValueError, match="label_mode"):
        keras.datasets.cifar100.load_data(label_mode="medium")


@pytest.mark.parametrize("corrupt, message", [
    ("short", r"test_batch.bin has 6,145 bytes, expected 6,146 \(2 records\)"),
    ("missing", "the archive lacks cifar-10-batches-bin/test_batch.bin"),
    ("label", "test_batch.bin holds a label of 10, past 10 classes"),
])  # fmt: skip
def test_a_damaged_archive_is_one_clear_error(tmp_path, monkeypatch, corrupt, message):
    monkeypatch.setattr(cifar, "_COUNTS", {"cifar-10": (TRAIN, TEST)})
    path = tmp_path / "cifar-10-binary.tar.gz"
    _write_archive(path, "cifar-10", corrupt)
    with pytest.raises(DatasetError, match=message):
        cifar.read_cifar_archive(path, "cifar-10")


def test_a_file_that_is_not_an_archive_is_refused(tmp_path):
    path = tmp_path / "cifar-10-binary.tar.gz"
    path.write_bytes(b"not a gzip file")
    with pytest.raises(DatasetError, match="not a readable cifar-10 binary archive"):
        cifar.read_cifar_archive(path, "cifar-10")


def test_a_missing_archive_offline_says_where_to_put_it(tmp_path, monkeypatch):
    monkeypatch.setenv("NABLA_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("NABLA_OFFLINE", "1")
    with pytest.raises(DatasetError, match="cifar-10/cifar-10-binary.tar.gz is missing"):
        keras.datasets.cifar10.load_data()
    with pytest.raises(DatasetError, match="cifar-100/cifar-100-binary.tar.gz is missing"):
        datasets.cifar100()


def test_the_real_archive_when_it_is_there():
    """On a machine that has the real archive: its counts and its first labels (skipped elsewhere, CI too:
    the test data folder does not hold it)."""
    path = None if DATA is None else DATA / "cifar-10" / "cifar-10-binary.tar.gz"
    if path is None or not path.is_file():
        pytest.skip("the real CIFAR-10 archive is not in the data folder")
    (x_train, y_train), (x_test, y_test) = datasets.cifar10(data_dir=DATA)
    assert x_train.shape == (50000, 32, 32, 3) and x_test.shape == (10000, 32, 32, 3)
    assert y_train[:5].tolist() == [6, 9, 9, 4, 1]  # frog, truck, truck, deer, automobile
    assert np.bincount(y_train).tolist() == [5000] * 10
