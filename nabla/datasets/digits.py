"""scikit-learn's bundled 8x8 handwritten digits (1,797 images): a real image set that needs no download."""

from __future__ import annotations

import numpy as np

__all__ = ["digits"]


def _load_digits():
    try:
        from sklearn.datasets import load_digits
    except ImportError as e:
        raise ImportError(
            "nabla.datasets.digits() reads the digits bundled with scikit-learn, which is not installed: "
            "pip install scikit-learn"
        ) from e
    return load_digits()


def digits(flatten: bool = False, normalize: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The UCI optical-recognition digits as shipped with scikit-learn (``sklearn.datasets.load_digits``).

    1,797 images of 8x8 pixels, each pixel a count 0..16 of ink in a 4x4 block of
    the original 32x32 bitmap; classes 0-9, about 180 each.

    Args:
        flatten: return ``X`` as ``(1797, 64)`` rows instead of ``(1797, 8, 8)`` images. Default False.
        normalize: scale the pixels to ``[0, 1]`` (``x / 16``). Default False (values 0..16).

    Shape:
        ``X`` float32 ``(1797, 8, 8)``, or ``(1797, 64)`` with ``flatten=True``;
        ``y`` int64 ``(1797,)`` in ``{0, ..., 9}``.

    Raises:
        ImportError: scikit-learn is not installed (``pip install scikit-learn``).

    Example::

        >>> X, y = digits(flatten=True, normalize=True)
        >>> X.shape, float(X.max()), np.bincount(y)[:3].tolist()
        ((1797, 64), 1.0, [178, 182, 177])
    """
    bunch = _load_digits()
    X = np.asarray(bunch.images, dtype=np.float32)
    if normalize:
        X = X / 16.0
    if flatten:
        X = X.reshape(len(X), -1)
    return np.ascontiguousarray(X), np.asarray(bunch.target, dtype=np.int64)
