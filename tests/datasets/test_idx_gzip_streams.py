"""The IDX reader's gzip decoding against Python's ``gzip`` module, on generated adversarial streams.

Each stream is a sequence of pieces: members holding slices of a valid IDX file, empty members,
runs of NUL bytes (a few, or more than the reader's 64 KiB buffer), garbage, truncated members,
members with a damaged CRC or length, members of empty non-final deflate blocks, and members
that end after a sync flush. The reference is ``gzip.decompress`` followed by ``parse_idx``:
where it yields an array, ``read_idx`` must yield the same array; where it fails, ``read_idx``
must raise ``IDXError`` naming the file. Every read runs under a watchdog, so a loop that never
ends fails the case instead of hanging the suite (the reader is pure Python around zlib: a
signal interrupts it). ``NABLA_FUZZ_CASES`` raises the number of generated streams.
"""

from __future__ import annotations

import gzip
import os
import signal
import sys
import zlib
from contextlib import contextmanager

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabla.datasets.idx import IDXError, parse_idx, read_idx

CASES = int(os.environ.get("NABLA_FUZZ_CASES", "0")) or 200
SECONDS = 20  # one read of a stream of a few hundred KB; NOTE: generous, CI machines are shared

IMAGES = np.arange(6 * 7 * 5, dtype=np.uint8).reshape(6, 7, 5)
RAW = bytes([0, 0, 0x08, 3]) + b"".join(n.to_bytes(4, "big") for n in IMAGES.shape) + IMAGES.tobytes()


def _raw_deflate(data: bytes, end: int = zlib.Z_FINISH) -> bytes:
    c = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return c.compress(data) + c.flush(end)


_HEADER = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x00\xff"  # gzip magic, deflate, no flags, no time, unknown OS


def _member(data: bytes, body: bytes | None = None, crc: int | None = None, size: int | None = None) -> bytes:
    crc = zlib.crc32(data) if crc is None else crc
    size = len(data) if size is None else size
    body = _raw_deflate(data) if body is None else body
    return _HEADER + body + (crc & 0xFFFFFFFF).to_bytes(4, "little") + (size % 2**32).to_bytes(4, "little")


# NOTE: slices thrice, so that many streams still hold the whole file and should read back
PIECES = (
    "slice slice slice empty nul long-nul garbage truncated bad-crc bad-size empty-blocks sync-flush gzip-magic"
).split()


@st.composite
def pieces(draw):
    kind = draw(st.sampled_from(PIECES))
    a = draw(st.integers(0, len(RAW)))
    b = draw(st.integers(a, len(RAW)))
    part = RAW[a:b]
    if kind == "slice":
        return _member(part)
    if kind == "empty":
        return _member(b"")
    if kind == "nul":
        return bytes(draw(st.integers(1, 100)))
    if kind == "long-nul":
        return bytes(draw(st.integers(60_000, 200_000)))  # across the reader's 64 KiB reads
    if kind == "garbage":
        return draw(st.binary(min_size=1, max_size=40))
    if kind == "truncated":
        member = _member(part)
        return member[: draw(st.integers(0, len(member) - 1))]
    if kind == "bad-crc":
        return _member(part, crc=zlib.crc32(part) ^ 1)
    if kind == "bad-size":
        return _member(part, size=len(part) + 1)
    if kind == "empty-blocks":  # non-final stored blocks of length 0: input that never produces output
        return _member(part, body=b"\x00\x00\x00\xff\xff" * draw(st.integers(1, 20_000)) + _raw_deflate(part))
    if kind == "sync-flush":  # a member cut after a sync flush: no final block
        return _HEADER + _raw_deflate(part, zlib.Z_SYNC_FLUSH)
    return b"\x1f\x8b"[: draw(st.integers(1, 2))]


def _reference(stream: bytes):
    """What Python's gzip module and the in-memory IDX parser make of ``stream``: an array, or None for an error.

    As ``read_idx`` does, a stream is gzip when it starts with gzip's magic number, else a plain IDX file.
    """
    try:
        return parse_idx(gzip.decompress(stream) if stream[:2] == b"\x1f\x8b" else stream)
    except (OSError, EOFError, zlib.error, IDXError):  # gzip.BadGzipFile is an OSError
        return None


class _Hang(Exception):
    pass


@contextmanager
def _watchdog(seconds: int):
    def expire(signum, frame):
        raise _Hang(f"read_idx did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


@pytest.mark.skipif(sys.platform == "win32", reason="the watchdog uses SIGALRM")
@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(
    cuts=st.lists(st.integers(0, len(RAW)), max_size=5),
    extras=st.lists(st.tuples(st.integers(0, 6), pieces()), max_size=4),
)
def test_read_idx_agrees_with_python_gzip_on_adversarial_streams(tmp_path_factory, cuts, extras):
    """The file split into members at ``cuts``, with ``extras`` inserted between (or before, or after) them."""
    bounds = sorted(cuts)
    stream = [_member(RAW[a:b]) for a, b in zip([0, *bounds], [*bounds, len(RAW)])]
    for position, piece in extras:
        stream.insert(position, piece)
    stream = b"".join(stream)
    path = tmp_path_factory.getbasetemp() / "stream.gz"
    path.write_bytes(stream)
    expected = _reference(stream)
    with _watchdog(SECONDS):
        try:
            got = read_idx(path)
        except IDXError as e:
            assert expected is None, f"read_idx refused a stream Python's gzip reads: {e}"
            assert str(path) in str(e) and "\n" not in str(e)
            return
    assert expected is not None, "read_idx returned an array from a stream Python's gzip refuses"
    np.testing.assert_array_equal(got, expected)


@pytest.mark.parametrize("nuls", [1, 63, 64, 65, 65_535, 65_536, 65_537, 3 << 20])
def test_nul_padding_after_the_last_member_ends_the_stream(tmp_path, nuls):
    path = tmp_path / "padded.gz"
    path.write_bytes(gzip.compress(RAW) + bytes(nuls))
    with _watchdog(SECONDS):
        np.testing.assert_array_equal(read_idx(path), IMAGES)


@pytest.mark.parametrize(
    "tail, match",
    [
        (b"\x1f", "truncated"),  # half a magic number after the padding
        (b"\x1f\x8b", "truncated"),
        (_HEADER, "truncated"),  # a member header and nothing else
        (_HEADER + bytes(70_000), "damaged"),  # NULs where the deflate data should be
        (_member(b"", body=b"\x00\x00\x00\xff\xff" * 100_000)[:-8], "truncated"),  # 500 KB that never ends a block
        (b"garbage", "damaged"),
    ],
)
def test_what_follows_nul_padding_is_still_checked(tmp_path, tail, match):
    path = tmp_path / "tail.gz"
    path.write_bytes(gzip.compress(RAW) + bytes(70_000) + tail)
    with _watchdog(SECONDS), pytest.raises(IDXError, match=rf"tail.gz: .*the gzip stream is {match}"):
        read_idx(path)
