"""A DataLoader over data on disk: chunk-wise shuffling, read-ahead, .npy memory maps."""

from __future__ import annotations

import threading

import numpy as np
import pytest

import nabla as nb
from nabla.data import ChunkedDataset, DatasetFileError, open_npy, write_chunked
from nabla.data.ondisk.shuffle import window_order


def test_window_order_visits_each_row_once_and_reads_a_window_of_chunks_at_a_time():
    order = window_order(1000, 64, 3, np.random.default_rng(0))
    assert sorted(order.tolist()) == list(range(1000))
    chunks = order // 64
    for start in range(0, 16, 3):  # each window: 3 whole chunks (the last: what is left), rows mixed
        window = chunks[start * 64 : min((start + 3) * 64, 1000)]
        assert len(set(window.tolist())) == min(3, 16 - start)
    assert len(set(chunks[:64].tolist())) > 1  # rows of several chunks meet in a batch


def test_a_shuffled_epoch_reads_every_row_once_in_batches_from_disk(tmp_path):
    x = np.arange(5000, dtype=np.float32).reshape(2500, 2)
    ds = ChunkedDataset(write_chunked(tmp_path / "d.nbd", (x, np.arange(2500)), chunk_rows=100), shuffle_buffer=300)
    loader = nb.data.DataLoader(ds, batch_size=64, shuffle=True)
    assert loader.prefetch == 2 and len(loader) == 40
    nb.manual_seed(1)
    first = [(xb.numpy(), yb.numpy()) for xb, yb in loader]
    ids = np.concatenate([yb for _, yb in first])
    assert sorted(ids.tolist()) == list(range(2500))
    assert all(np.array_equal(xb, x[yb]) for xb, yb in first)
    nb.manual_seed(1)
    again = np.concatenate([yb.numpy() for _, yb in loader])
    assert np.array_equal(ids, again)  # nb.manual_seed makes the order reproducible
    assert not np.array_equal(ids, np.concatenate([yb.numpy() for _, yb in loader]))


def test_a_transform_converts_each_batch(tmp_path):
    raw = np.arange(256, dtype=np.uint8).reshape(64, 4)
    path = write_chunked(tmp_path / "u8.nbd", (raw, np.arange(64)))
    ds = ChunkedDataset(path, transform=lambda x, y: (x.astype(np.float32) / np.float32(255), y))
    xb, yb = next(iter(nb.data.DataLoader(ds, batch_size=16)))
    assert xb.dtype == nb.float32 and np.allclose(xb.numpy(), raw[:16] / 255)


def test_the_next_batch_is_read_in_a_background_thread(tmp_path):
    path = write_chunked(tmp_path / "d.nbd", (np.zeros((100, 2)),), chunk_rows=10)
    readers = set()

    class Recording(ChunkedDataset):
        def read_batch(self, indices):
            readers.add(threading.current_thread().name)
            return super().read_batch(indices)

    for _ in nb.data.DataLoader(Recording(path), batch_size=10):
        pass
    assert readers == {"nabla-prefetch"}
    readers.clear()
    list(nb.data.DataLoader(Recording(path), batch_size=10, prefetch=0))
    assert readers == {threading.current_thread().name}


def test_an_error_while_reading_ahead_is_raised_at_its_batch_and_stopping_early_stops_the_thread(tmp_path):
    path = write_chunked(tmp_path / "d.nbd", (np.arange(100.0),), chunk_rows=10)

    def explode(x):
        if x[0] >= 50:
            raise ValueError(f"bad row {int(x[0])}")
        return (x,)

    got = []
    with pytest.raises(ValueError, match="bad row 50"):
        for (xb,) in nb.data.DataLoader(ChunkedDataset(path, transform=explode), batch_size=10):
            got.append(xb)
    assert len(got) == 5
    before = threading.active_count()
    it = iter(nb.data.DataLoader(ChunkedDataset(path), batch_size=10))
    next(it)
    it.close()
    assert threading.active_count() <= before


def test_npy_files_are_memory_mapped_and_checked(tmp_path):
    x = np.random.default_rng(0).normal(size=(300, 5)).astype(np.float32)
    np.save(tmp_path / "x.npy", x)
    np.save(tmp_path / "y.npy", np.arange(300))
    ds = open_npy(tmp_path / "x.npy", tmp_path / "y.npy")
    assert isinstance(ds.tensors[0].numpy(), np.memmap) and len(ds) == 300
    ids = np.concatenate([yb.numpy() for _, yb in nb.data.DataLoader(ds, batch_size=32, shuffle=True)])
    assert sorted(ids.tolist()) == list(range(300))
    np.save(tmp_path / "short.npy", np.arange(200))
    with pytest.raises(DatasetFileError, match=r"different numbers of rows \(x.npy: 300, short.npy: 200\)"):
        open_npy(tmp_path / "x.npy", tmp_path / "short.npy")
    (tmp_path / "cut.npy").write_bytes((tmp_path / "x.npy").read_bytes()[:-4])
    with pytest.raises(DatasetFileError, match=r"truncated: its header declares shape \(300, 5\) of float32"):
        open_npy(tmp_path / "cut.npy")
    np.save(tmp_path / "obj.npy", np.array([{"a": 1}], dtype=object), allow_pickle=True)
    with pytest.raises(DatasetFileError, match="plain numbers or bools"):
        open_npy(tmp_path / "obj.npy")
    (tmp_path / "junk.npy").write_bytes(b"not numpy at all")
    with pytest.raises(DatasetFileError, match="not a valid .npy file"):
        open_npy(tmp_path / "junk.npy")
