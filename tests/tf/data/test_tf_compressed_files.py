"""GZIP and ZLIB files read as streams, against TensorFlow: ``TFRecordDataset``, ``TextLineDataset`` and
``CsvDataset`` read a file a writer has flushed but not closed (a sync-flushed stream without its end), files
larger than a read chunk, several gzip members; cut or bad bytes raise TensorFlow's ``DataLossError``."""

from __future__ import annotations

import zlib

import numpy as np
import pytest
from conftest import require

import nabla.tf as ntf

_WBITS = {"GZIP": 31, "ZLIB": 15}


@pytest.fixture(scope="module")
def tf():
    return require("tensorflow")


def _records(lib, path, kind) -> list[bytes]:
    return list(lib.data.TFRecordDataset(path, compression_type=kind).as_numpy_iterator())


def _random_records(n: int, size: int) -> list[bytes]:
    rng = np.random.default_rng(0)
    return [rng.integers(0, 256, size, dtype=np.uint8).tobytes() for _ in range(n)]


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
@pytest.mark.parametrize("writer", ["nabla", "tensorflow"])
def test_a_flushed_unclosed_file_reads_as_on_tensorflow(tf, tmp_path, kind, writer):
    path = str(tmp_path / "open.tfrecord")
    lib = ntf if writer == "nabla" else tf
    f = lib.io.TFRecordWriter(path, lib.io.TFRecordOptions(compression_type=kind))
    records = [b"rec%d" % i for i in range(5)] + _random_records(3, 100_000)  # (past a 64 KiB read chunk)
    for record in records:
        f.write(record)
    f.flush()
    try:
        theirs = _records(tf, path, kind)
        assert theirs == records
        assert _records(ntf, path, kind) == theirs
    finally:
        f.close()
    assert _records(ntf, path, kind) == _records(tf, path, kind) == records


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_a_file_cut_inside_a_record_raises_as_tensorflow(tf, tmp_path, kind):
    path, cut = str(tmp_path / "whole.tfrecord"), str(tmp_path / "cut.tfrecord")
    with tf.io.TFRecordWriter(path, kind) as f:
        for record in _random_records(4, 50_000):
            f.write(record)
    data = open(path, "rb").read()
    open(cut, "wb").write(data[: len(data) // 2])  # (incompressible records: the cut falls in the second's data)
    for lib in (tf, ntf):
        with pytest.raises(lib.errors.DataLossError, match="truncated record at 50016"):
            _records(lib, cut, kind)


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
@pytest.mark.parametrize("damage", ["not compressed", "flipped byte", "gzip then junk"])
def test_bytes_that_do_not_inflate_raise_as_tensorflow(tf, tmp_path, kind, damage):
    path = str(tmp_path / "records.tfrecord")
    options = None if damage == "not compressed" else kind
    with tf.io.TFRecordWriter(path, options) as f:
        for i in range(20):
            f.write(b"a compressible record %d " % i * 20)
    data = bytearray(open(path, "rb").read())
    if damage == "flipped byte":
        data[len(data) // 2] ^= 0xFF
    elif damage == "gzip then junk":
        data += b"junk after the end"
    open(path, "wb").write(bytes(data))
    if damage == "gzip then junk" and kind == "ZLIB":  # (a zlib stream ends at its end: the rest is ignored)
        assert _records(ntf, path, kind) == _records(tf, path, kind) != []
        return
    message = r"inflate\(\) failed with error -3: " + ("invalid" if damage == "flipped byte" else "incorrect header")
    for lib in (tf, ntf):
        with pytest.raises(lib.errors.DataLossError, match=message):
            _records(lib, path, kind)


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_concatenated_streams_and_empty_files_as_tensorflow(tf, tmp_path, kind):
    path, empty = str(tmp_path / "twice.tfrecord"), str(tmp_path / "empty.tfrecord")
    with tf.io.TFRecordWriter(path, kind) as f:
        f.write(b"one")
        f.write(b"two")
    data = open(path, "rb").read()
    open(path, "wb").write(data + data)  # (gzip: two members, both read; zlib: the first stream only)
    open(empty, "wb").close()
    assert _records(ntf, path, kind) == _records(tf, path, kind)
    assert _records(ntf, empty, kind) == _records(tf, empty, kind) == []


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
def test_text_files_flushed_but_not_finished_read_as_on_tensorflow(tf, tmp_path, kind):
    path = str(tmp_path / "rows.csv.z")
    compressor = zlib.compressobj(6, zlib.DEFLATED, _WBITS[kind])
    rows = "".join(f"{i},{i / 7:.5f},row {i}\n" for i in range(3000))  # (inflates past one read chunk)
    with open(path, "wb") as f:
        f.write(compressor.compress(rows.encode()) + compressor.flush(zlib.Z_SYNC_FLUSH))
    lines = [list(lib.data.TextLineDataset(path, compression_type=kind).as_numpy_iterator()) for lib in (ntf, tf)]
    assert lines[0] == lines[1] and len(lines[0]) == 3000
    csv = []
    for lib in (ntf, tf):
        dataset = lib.data.experimental.CsvDataset(path, [lib.int32, lib.float32, lib.string], compression_type=kind)
        csv.append([tuple(np.asarray(v).tolist() for v in row) for row in dataset.as_numpy_iterator()])
    assert csv[0] == csv[1] and len(csv[0]) == 3000
