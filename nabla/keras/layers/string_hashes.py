"""The two 64-bit string hashes of Keras's ``Hashing`` layer, in pure Python.

Keras 3 hashes with TensorFlow's ops on every backend: ``tf.strings.to_hash_bucket_fast`` (Google's
FarmHash ``Fingerprint64``, the ``farmhashna`` variant) and, with a ``salt``,
``tf.strings.to_hash_bucket_strong`` (SipHash-2-4 keyed by two 64-bit words). Both are written here from
their published descriptions (github.com/google/farmhash; Aumasson and Bernstein's SipHash paper), so
nabla's bins are TensorFlow's bins without TensorFlow. Python integers masked to 64 bits stand for C's
``uint64_t``; the layer hashes each distinct value once, so the Python loop costs per vocabulary, not
per element. :func:`to_buckets` is what the layers call (``Hashing``, and the lookups' OOV ids).
"""

from __future__ import annotations

import numpy as np

_MASK = (1 << 64) - 1
_K0 = 0xC3A5C85C97CB3127
_K1 = 0xB492B66FBE98F273
_K2 = 0x9AE16A3B2F90404F


def _fetch64(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 8], "little")


def _fetch32(data: bytes, at: int) -> int:
    return int.from_bytes(data[at : at + 4], "little")


def _rotate(value: int, shift: int) -> int:
    """Rotate right by ``shift`` bits (FarmHash rotates right; SipHash's rotations are left, see :func:`_rotl`)."""
    return value if shift == 0 else ((value >> shift) | (value << (64 - shift))) & _MASK


def _rotl(value: int, shift: int) -> int:
    return ((value << shift) | (value >> (64 - shift))) & _MASK


def _shift_mix(value: int) -> int:
    return value ^ (value >> 47)


def _hash_len16(u: int, v: int, mul: int) -> int:
    a = ((u ^ v) * mul) & _MASK
    a ^= a >> 47
    b = ((v ^ a) * mul) & _MASK
    b ^= b >> 47
    return (b * mul) & _MASK


def _hash_0_to_16(data: bytes) -> int:
    n = len(data)
    if n >= 8:
        mul = _K2 + n * 2
        a = (_fetch64(data, 0) + _K2) & _MASK
        b = _fetch64(data, n - 8)
        c = (_rotate(b, 37) * mul + a) & _MASK
        d = ((_rotate(a, 25) + b) * mul) & _MASK
        return _hash_len16(c, d, mul)
    if n >= 4:
        mul = _K2 + n * 2
        return _hash_len16(n + (_fetch32(data, 0) << 3), _fetch32(data, n - 4), mul)
    if n > 0:
        y = (data[0] + (data[n >> 1] << 8)) & 0xFFFFFFFF
        z = (n + (data[n - 1] << 2)) & 0xFFFFFFFF
        return (_shift_mix(((y * _K2) ^ (z * _K0)) & _MASK) * _K2) & _MASK
    return _K2


def _hash_17_to_32(data: bytes) -> int:
    n = len(data)
    mul = _K2 + n * 2
    a = (_fetch64(data, 0) * _K1) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    return _hash_len16((_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK,
                       (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)  # fmt: skip


def _hash_33_to_64(data: bytes) -> int:
    n = len(data)
    mul = _K2 + n * 2
    a = (_fetch64(data, 0) * _K2) & _MASK
    b = _fetch64(data, 8)
    c = (_fetch64(data, n - 8) * mul) & _MASK
    d = (_fetch64(data, n - 16) * _K2) & _MASK
    y = (_rotate((a + b) & _MASK, 43) + _rotate(c, 30) + d) & _MASK
    z = _hash_len16(y, (a + _rotate((b + _K2) & _MASK, 18) + c) & _MASK, mul)
    e = (_fetch64(data, 16) * mul) & _MASK
    f = _fetch64(data, 24)
    g = ((y + _fetch64(data, n - 32)) * mul) & _MASK
    h = ((z + _fetch64(data, n - 24)) * mul) & _MASK
    return _hash_len16((_rotate((e + f) & _MASK, 43) + _rotate(g, 30) + h) & _MASK,
                       (e + _rotate((f + a) & _MASK, 18) + g) & _MASK, mul)  # fmt: skip


def _weak_hash_32(data: bytes, at: int, a: int, b: int) -> tuple[int, int]:
    """FarmHash's ``WeakHashLen32WithSeeds`` over the 32 bytes at ``at``."""
    w, x, y, z = (_fetch64(data, at + 8 * i) for i in range(4))
    a = (a + w) & _MASK
    b = _rotate((b + a + z) & _MASK, 21)
    c = a
    a = (a + x + y) & _MASK
    b = (b + _rotate(a, 44)) & _MASK
    return (a + z) & _MASK, (b + c) & _MASK


def fingerprint64(data: bytes) -> int:
    """FarmHash ``Fingerprint64`` of ``data`` (TensorFlow's ``tf.fingerprint``/``to_hash_bucket_fast`` hash)."""
    n = len(data)
    if n <= 16:
        return _hash_0_to_16(data)
    if n <= 32:
        return _hash_17_to_32(data)
    if n <= 64:
        return _hash_33_to_64(data)
    # Longer strings: 64-byte blocks mixed into seven 64-bit lanes, then the last 64 bytes with a
    # multiplier drawn from the state.
    seed = 81
    x = seed
    y = (seed * _K1 + 113) & _MASK
    z = (_shift_mix((y * _K2 + 113) & _MASK) * _K2) & _MASK
    v, w = (0, 0), (0, 0)
    x = (x * _K2 + _fetch64(data, 0)) & _MASK
    end = ((n - 1) // 64) * 64
    last64 = end + ((n - 1) & 63) - 63
    at = 0
    while at != end:
        x = (_rotate((x + y + v[0] + _fetch64(data, at + 8)) & _MASK, 37) * _K1) & _MASK
        y = (_rotate((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42) * _K1) & _MASK
        x ^= w[1]
        y = (y + v[0] + _fetch64(data, at + 40)) & _MASK
        z = (_rotate((z + w[0]) & _MASK, 33) * _K1) & _MASK
        v = _weak_hash_32(data, at, (v[1] * _K1) & _MASK, (x + w[0]) & _MASK)
        w = _weak_hash_32(data, at + 32, (z + w[1]) & _MASK, (y + _fetch64(data, at + 16)) & _MASK)
        z, x = x, z
        at += 64
    mul = _K1 + ((z & 0xFF) << 1)
    at = last64
    w0 = (w[0] + ((n - 1) & 63)) & _MASK
    v0 = (v[0] + w0) & _MASK
    w0 = (w0 + v0) & _MASK
    x = (_rotate((x + y + v0 + _fetch64(data, at + 8)) & _MASK, 37) * mul) & _MASK
    y = (_rotate((y + v[1] + _fetch64(data, at + 48)) & _MASK, 42) * mul) & _MASK
    x ^= (w[1] * 9) & _MASK
    y = (y + v0 * 9 + _fetch64(data, at + 40)) & _MASK
    z = (_rotate((z + w0) & _MASK, 33) * mul) & _MASK
    v = _weak_hash_32(data, at, (v[1] * mul) & _MASK, (x + w0) & _MASK)
    w = _weak_hash_32(data, at + 32, (z + w[1]) & _MASK, (y + _fetch64(data, at + 16)) & _MASK)
    z, x = x, z
    return _hash_len16((_hash_len16(v[0], w[0], mul) + _shift_mix(y) * _K0 + z) & _MASK,
                       (_hash_len16(v[1], w[1], mul) + x) & _MASK, mul)  # fmt: skip


def _sip_rounds(v: list[int], rounds: int) -> None:
    for _ in range(rounds):
        v[0] = (v[0] + v[1]) & _MASK
        v[1] = _rotl(v[1], 13) ^ v[0]
        v[0] = _rotl(v[0], 32)
        v[2] = (v[2] + v[3]) & _MASK
        v[3] = _rotl(v[3], 16) ^ v[2]
        v[0] = (v[0] + v[3]) & _MASK
        v[3] = _rotl(v[3], 21) ^ v[0]
        v[2] = (v[2] + v[1]) & _MASK
        v[1] = _rotl(v[1], 17) ^ v[2]
        v[2] = _rotl(v[2], 32)


def siphash24(key: tuple[int, int], data: bytes) -> int:
    """SipHash-2-4 of ``data`` under the 128-bit key ``(k0, k1)`` (``to_hash_bucket_strong``'s hash)."""
    k0, k1 = key[0] & _MASK, key[1] & _MASK
    v = [k0 ^ 0x736F6D6570736575, k1 ^ 0x646F72616E646F6D, k0 ^ 0x6C7967656E657261, k1 ^ 0x7465646279746573]
    n = len(data)
    # The last word holds the tail bytes and, in its top byte, the length mod 256.
    words = [_fetch64(data, at) for at in range(0, n - n % 8, 8)]
    words.append(int.from_bytes(data[n - n % 8 :], "little") | ((n & 0xFF) << 56))
    for m in words:
        v[3] ^= m
        _sip_rounds(v, 2)
        v[0] ^= m
    v[2] ^= 0xFF
    _sip_rounds(v, 4)
    return v[0] ^ v[1] ^ v[2] ^ v[3]


def _value_bytes(value) -> bytes:
    """The bytes Keras hashes for one value: a string's UTF-8, an integer's decimal digits (TensorFlow's
    ``as_string``); a float is first truncated toward zero to an integer, as Keras casts it to int64."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (float, np.floating)):
        return str(int(np.trunc(value))).encode()
    return str(int(value)).encode()


def checked_salt(salt, who: str) -> list[int] | None:
    """A ``salt`` argument as the key pair Keras keeps: ``s`` is ``[s, s]``; a pair stays; None stays None."""
    if salt is None:
        return None
    pair = isinstance(salt, (tuple, list)) and len(salt) == 2
    parts = list(salt) if pair else [salt, salt]
    if any(isinstance(s, bool) or not isinstance(s, (int, np.integer)) for s in parts):
        raise ValueError(f"{who}: salt must be an integer or a pair of integers, got {salt!r}")
    return [int(s) for s in parts]


def to_buckets(values: np.ndarray, num_buckets: int, salt: list[int] | None = None) -> np.ndarray:
    """The int64 bucket in ``[0, num_buckets)`` of each value (strings, integers, floats; any shape):
    ``to_hash_bucket_fast``, or ``to_hash_bucket_strong`` keyed by ``salt``. Each distinct value is hashed once."""
    if values.dtype.kind == "b":
        raise TypeError("hashing takes strings or numbers, got booleans; cast them to int first")
    uniques, where = np.unique(values.ravel(), return_inverse=True)
    if salt is None:
        hashed = [fingerprint64(_value_bytes(v)) % num_buckets for v in uniques.tolist()]
    else:
        key = (salt[0], salt[1])
        hashed = [siphash24(key, _value_bytes(v)) % num_buckets for v in uniques.tolist()]
    return np.asarray(hashed, dtype=np.int64)[where].reshape(values.shape)
