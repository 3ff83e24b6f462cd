"""The chunked dataset file: written atomically from arrays or batches, read back exactly, refused when damaged."""

from __future__ import annotations

import json
import struct

import numpy as np
import pytest

import nabla as nb
from nabla.data import ChunkedDataset, ChunkedWriter, DatasetFileError, write_chunked


def _data(n=1000):
    rng = np.random.default_rng(0)
    return rng.normal(size=(n, 3, 4)).astype(np.float32), rng.integers(0, 10, n), rng.random(n) < 0.5


def test_arrays_round_trip_across_chunk_boundaries(tmp_path):
    x, y, m = _data()
    path = write_chunked(tmp_path / "d.nbd", {"x": x, "y": y, "mask": m}, chunk_rows=64)
    ds = ChunkedDataset(path)
    assert (len(ds), ds.fields, ds.chunk_rows, ds.n_chunks) == (1000, ("x", "y", "mask"), 64, 16)
    assert ds.shapes == ((3, 4), (), ()) and [d.name for d in ds.dtypes] == ["float32", "int64", "bool"]
    idx = np.array([999, 0, 63, 64, 500, 500, -1])
    xb, yb, mb = ds.read_batch(idx)
    assert np.array_equal(xb, x[idx]) and np.array_equal(yb, y[idx]) and np.array_equal(mb, m[idx])
    assert all(np.array_equal(a, b) for a, b in zip(ds.arrays(), (x, y, m)))
    sample = ds[70]
    assert isinstance(sample[0], nb.Tensor) and np.array_equal(sample[0].numpy(), x[70]) and sample[1].item() == y[70]
    ds.verify()
    assert "1,000 rows of (x: (3, 4) float32" in repr(ds)


def test_batches_that_never_meet_in_memory_can_be_written(tmp_path):
    def batches():
        for i in range(7):
            yield np.full((30, 2), i, np.uint8), np.arange(30 * i, 30 * (i + 1))

    with ChunkedWriter(tmp_path / "it.nbd", names=("img", "id"), chunk_rows=50) as writer:
        for img, ids in batches():
            writer.append(img, ids)
    ds = ChunkedDataset(tmp_path / "it.nbd")
    img, ids = ds.arrays()
    assert (
        len(ds) == 210
        and np.array_equal(ids, np.arange(210))
        and np.array_equal(img[:, 0], np.repeat(np.arange(7), 30))
    )
    small = write_chunked(tmp_path / "small.nbd", (b for b in [(np.ones((3, 2)),), (np.zeros((2, 2)),)]))
    assert ChunkedDataset(small).chunk_rows == 5  # fewer rows than a chunk: no padding


def test_a_failed_write_leaves_the_previous_file_and_no_temporary(tmp_path):
    x, y, _ = _data(100)
    target = write_chunked(tmp_path / "d.nbd", (x, y))
    before = target.read_bytes()

    def failing():
        yield x[:10], y[:10]
        raise RuntimeError("the source broke")

    with pytest.raises(RuntimeError, match="the source broke"):
        write_chunked(target, failing())
    assert target.read_bytes() == before and sorted(p.name for p in tmp_path.iterdir()) == ["d.nbd"]


def test_the_writer_refuses_inconsistent_batches(tmp_path):
    with ChunkedWriter(tmp_path / "w.nbd") as writer:
        writer.append(np.zeros((4, 2), np.float32), np.zeros(4))
        with pytest.raises(ValueError, match=r"field 'x' got rows of \(3,\) float32"):
            writer.append(np.zeros((4, 3), np.float32), np.zeros(4))
        with pytest.raises(ValueError, match="different numbers of rows"):
            writer.append(np.zeros((4, 2), np.float32), np.zeros(5))
    with pytest.raises(TypeError, match="store numbers or bools"):
        write_chunked(tmp_path / "o.nbd", (np.array([{"a": 1}], dtype=object),))
    with pytest.raises(ValueError, match="nothing was appended"):
        write_chunked(tmp_path / "e.nbd", iter([]))


def _rewrite_header(path, **changes):
    """Change header entries in place, keeping the header's length."""
    raw = bytearray(path.read_bytes())
    _, _, length = struct.unpack("<8sII", raw[:16])
    header = json.loads(raw[16 : 16 + length])
    for key, value in changes.items():
        if key.startswith("field0_"):
            header["fields"][0][key[len("field0_") :]] = value
        else:
            header[key] = value
    raw[16 : 16 + length] = json.dumps(header).encode().ljust(length)
    path.write_bytes(bytes(raw))


@pytest.mark.parametrize(
    ("damage", "message"),
    [
        (lambda p: p.write_bytes(p.read_bytes()[:-100]), "truncated: its header declares 300 rows of"),
        (lambda p: p.write_bytes(p.read_bytes() + b"\0" * 8), "8 bytes longer than it should be"),
        (lambda p: p.write_bytes(b"PK\x03\x04" + p.read_bytes()[4:]), "not a nabla dataset file"),
        (lambda p: p.write_bytes(p.read_bytes()[:10]), "too short for a nabla dataset file"),
        (lambda p: _rewrite_header(p, field0_dtype="|O"), "plain little-endian numbers"),
        (lambda p: _rewrite_header(p, field0_dtype=">f4"), "plain little-endian numbers"),
        (lambda p: _rewrite_header(p, field0_shape=[3, 5]), "truncated: its header declares 300 rows of"),
        (lambda p: _rewrite_header(p, field0_shape=[-3]), "list of non-negative integers"),
        (lambda p: _rewrite_header(p, rows=500), "truncated: its header declares 500 rows"),
        (lambda p: _rewrite_header(p, chunk_rows=0), "chunk_rows must be an integer >= 1"),
        (lambda p: _rewrite_header(p, extra=1), "must have exactly 'format', 'rows'"),
    ],
)
def test_a_damaged_file_is_refused_before_any_row_is_read(tmp_path, damage, message):
    path = write_chunked(tmp_path / "d.nbd", (np.zeros((300, 4), np.float32), np.zeros(300, np.int64)), chunk_rows=64)
    damage(path)
    with pytest.raises(DatasetFileError, match=message):
        ChunkedDataset(path)


def test_verify_finds_a_damaged_chunk(tmp_path):
    path = write_chunked(tmp_path / "d.nbd", (np.arange(1000, dtype=np.float64),), chunk_rows=100)
    raw = bytearray(path.read_bytes())
    raw[4096 + 3 * 832 + 17] ^= 0xFF  # a byte of chunk 3: 100 rows x 8 bytes, padded to 64-byte blocks
    path.write_bytes(bytes(raw))
    with pytest.raises(DatasetFileError, match=r"chunk 3 \(rows 300 to 399\) is damaged"):
        ChunkedDataset(path).verify()


def test_bad_arguments(tmp_path):
    path = write_chunked(tmp_path / "d.nbd", (np.zeros((10, 2)),))
    with pytest.raises(FileNotFoundError, match="no file at"):
        ChunkedDataset(tmp_path / "missing.nbd")
    with pytest.raises(ValueError, match="shuffle_buffer must be a positive number of rows"):
        ChunkedDataset(path, shuffle_buffer=0)
    with pytest.raises(IndexError, match=r"indices must lie in \[-10, 10\)"):
        ChunkedDataset(path).read_batch([10])
    with ChunkedDataset(path) as ds:
        pass
    with pytest.raises(ValueError, match="is closed"):
        ds.read_batch([0])
