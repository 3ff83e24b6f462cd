"""The IDX reader against hostile files: gzip bombs, lying headers, many gzip members, damaged streams.

Memory is measured, not timed: a subprocess reads the file and reports its peak of traced
allocations (``tracemalloc``, which sees NumPy's and zlib's buffers) and the growth of its
resident set (``ru_maxrss``). Work is counted: the compressed bytes handed to zlib.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import zlib
from pathlib import Path

import numpy as np
import pytest

from nabla.datasets import idx
from nabla.datasets.idx import IDX_LABELS, MAX_IDX_BYTES, IDXError, read_idx

ROOT = Path(__file__).resolve().parents[2]


def idx_bytes(array: np.ndarray, type_code: int) -> bytes:
    header = bytes([0, 0, type_code, array.ndim]) + b"".join(int(n).to_bytes(4, "big") for n in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def label_header(n: int) -> bytes:
    return bytes([0, 0, 0x08, 1]) + n.to_bytes(4, "big")


def gzip_bomb(path: Path, head: bytes, megabytes: int) -> Path:
    """``head`` followed by ``megabytes`` MiB of zeros, gzip-compressed (about 1000:1) without holding them."""
    c = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    parts = [c.compress(head)] + [c.compress(bytes(1 << 20)) for _ in range(megabytes)] + [c.flush()]
    path.write_bytes(b"".join(parts))
    return path


MEASURE = """
import json, resource, sys, tracemalloc
from nabla.datasets.idx import read_idx
before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
tracemalloc.start()
try:
    out = read_idx(sys.argv[1])
    result = f"array {out.shape} {out.dtype} {out.nbytes}"
except Exception as e:
    result = f"{type(e).__name__}: {e}"
peak = tracemalloc.get_traced_memory()[1]
after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
print(json.dumps({"result": result, "traced_peak": peak, "rss_growth": (after - before) * 1024}))
"""


def measure(path: Path) -> dict:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1"}
    done = subprocess.run([sys.executable, "-c", MEASURE, str(path)], capture_output=True, text=True, env=env)
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout)


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_a_gzip_bomb_costs_what_its_header_declares_not_what_it_expands_to(tmp_path):
    bomb = gzip_bomb(tmp_path / "bomb.gz", label_header(10), megabytes=256)  # 256 KB on disk
    report = measure(bomb)
    assert report["result"].startswith("IDXError") and "has trailing bytes" in report["result"]
    assert report["traced_peak"] < 1 << 20  # the old reader held all 256 MiB, then a copy
    assert report["rss_growth"] < 32 << 20


@pytest.mark.skipif(sys.platform == "win32", reason="ru_maxrss is POSIX")
def test_reading_holds_one_copy_of_the_data(tmp_path):
    rng = np.random.default_rng(0)
    images = rng.integers(0, 4, size=(40_000, 28, 28), dtype=np.uint8)  # 31 MB, compressible as MNIST is
    (tmp_path / "images.gz").write_bytes(gzip.compress(idx_bytes(images, 0x08), compresslevel=1))
    report = measure(tmp_path / "images.gz")
    assert report["result"] == f"array (40000, 28, 28) uint8 {images.nbytes}"
    assert report["traced_peak"] < 1.2 * images.nbytes  # the array, its growth slack and one chunk; no copy
    np.testing.assert_array_equal(read_idx(tmp_path / "images.gz"), images)


def test_declared_sizes_beyond_the_limit_are_refused_before_reading(tmp_path):
    huge = bytes([0, 0, 0x0D, 3]) + b"".join(n.to_bytes(4, "big") for n in (2**32 - 1, 2**32 - 1, 28))
    (tmp_path / "huge").write_bytes(huge)
    with pytest.raises(
        IDXError,
        match=r"huge: the header declares shape \(4294967295, 4294967295, 28\) of float32.*"
        r"more than the limit of 1,073,741,824 bytes; pass max_bytes=",
    ):
        read_idx(tmp_path / "huge")
    (tmp_path / "labels").write_bytes(label_header(100) + bytes(100))
    with pytest.raises(IDXError, match="100 bytes of data.*limit of 99 bytes"):
        read_idx(tmp_path / "labels", max_bytes=99)
    assert read_idx(tmp_path / "labels", max_bytes=100).shape == (100,)
    assert MAX_IDX_BYTES == 1 << 30  # the documented default


def test_a_plain_file_whose_header_claims_more_than_it_holds_is_refused_by_its_length(tmp_path):
    (tmp_path / "liar").write_bytes(label_header(500_000_000) + bytes(10))
    with pytest.raises(IDXError, match=r"liar: truncated: .*500,000,000 bytes of data.*the data holds 10$"):
        read_idx(tmp_path / "liar")


class _CountingZlib:
    """Stands in for the zlib module inside the reader and counts the compressed bytes given to decompress()."""

    def __init__(self):
        self.fed = 0
        self.error, self.MAX_WBITS = zlib.error, zlib.MAX_WBITS

    def decompressobj(self, wbits):
        outer, inner = self, zlib.decompressobj(wbits=wbits)

        class Counting:
            def decompress(self, data, max_length):
                outer.fed += len(data)
                return inner.decompress(data, max_length)

            def __getattr__(self, name):
                return getattr(inner, name)

        return Counting()


def test_many_gzip_members_cost_work_linear_in_the_file_size(tmp_path, monkeypatch):
    """50,000 empty members after the data: the old reader copied the rest of the file at every member."""
    labels = np.arange(10, dtype=np.uint8)
    path = tmp_path / "many.gz"
    path.write_bytes(gzip.compress(idx_bytes(labels, 0x08)) + gzip.compress(b"") * 50_000)
    counting = _CountingZlib()
    monkeypatch.setattr(idx, "zlib", counting)
    np.testing.assert_array_equal(read_idx(path), labels)
    assert counting.fed < 4 * path.stat().st_size  # the old reader: about 5,000 times the file


def test_concatenated_members_and_nul_padding_are_read_as_gzip_does(tmp_path):
    images = np.arange(3 * 4 * 5, dtype=np.uint8).reshape(3, 4, 5)
    raw = idx_bytes(images, 0x08)
    members = b"".join(gzip.compress(raw[i : i + 7]) for i in range(0, len(raw), 7))  # header split across members
    (tmp_path / "multi.gz").write_bytes(members + gzip.compress(b"") + bytes(512))
    np.testing.assert_array_equal(read_idx(tmp_path / "multi.gz"), images)
    assert gzip.decompress(members) == raw  # the reference: Python's gzip reads the same bytes


@pytest.mark.parametrize(
    "damage, match",
    [
        (lambda gz: gz + b"garbage", r"the gzip stream is damaged"),
        (lambda gz: gz[:-3], r"the gzip stream is truncated"),
        (lambda gz: gz[:-8] + (zlib.crc32(b"x") & 0xFFFFFFFF).to_bytes(4, "little") + gz[-4:], "damaged.*data check"),
        (lambda gz: gz[:3] + b"\xff" + gz[4:], r"the gzip stream is damaged"),
        (lambda gz: gz[:2], r"the gzip stream is truncated"),
    ],
)
def test_damaged_gzip_streams_name_the_file_and_the_damage(tmp_path, damage, match):
    gz = gzip.compress(idx_bytes(np.arange(50, dtype=np.uint8), 0x08))
    (tmp_path / "bad.gz").write_bytes(damage(gz))
    with pytest.raises(IDXError, match=rf"bad.gz: .*{match}"):
        read_idx(tmp_path / "bad.gz", magic=IDX_LABELS)


@pytest.mark.parametrize(
    "code, dtype", [(0x09, np.int8), (0x0B, np.int16), (0x0C, np.int32), (0x0D, np.float32), (0x0E, np.float64)]
)
def test_every_element_type_reads_back_in_native_byte_order(tmp_path, code, dtype):
    values = (np.arange(24).reshape(2, 3, 4) - 12).astype(dtype)
    for name, data in (("plain", idx_bytes(values, code)), ("gz", gzip.compress(idx_bytes(values, code)))):
        (tmp_path / name).write_bytes(data)
        out = read_idx(tmp_path / name)
        assert out.dtype == dtype and out.dtype.isnative and out.flags.writeable
        np.testing.assert_array_equal(out, values)


def test_empty_dimensions_give_an_empty_array(tmp_path):
    (tmp_path / "empty").write_bytes(bytes([0, 0, 0x08, 2, 0, 0, 0, 0, 0, 0, 0, 5]))
    assert read_idx(tmp_path / "empty").shape == (0, 5)
    (tmp_path / "empty.gz").write_bytes(gzip.compress(bytes([0, 0, 0x08, 1, 0, 0, 0, 0]) + b"x"))
    with pytest.raises(IDXError, match="has trailing bytes"):
        read_idx(tmp_path / "empty.gz")
