"""RandomRotation's and RandomZoom's kernel: an affine map of channels-last images, as Keras's ``affine_transform``.

Plain NumPy on arrays, beside the layers that use it (:mod:`.augmentation`), as :mod:`.translation` is
for shifts (a shift moves rows and columns separately, which that kernel exploits; a rotation does not).
"""

from __future__ import annotations

import numpy as np

from .translation import TRANSLATE_FILL_MODES, TRANSLATE_INTERPOLATIONS, _fold_index, _taps


def affine_transform(images, matrices, fill_mode="reflect", interpolation="bilinear", fill_value=0.0) -> np.ndarray:
    """Resample each channels-last image through its own affine map: TensorFlow's projective transform.

    ``matrices`` is (N, 6), rows ``[a0, a1, a2, b0, b1, b2]``: the output pixel at column x, row y reads
    the input at ``(a0 x + a1 y + a2, b0 x + b1 y + b2)`` (column, row), interpolated ("bilinear": the
    four pixels around it weighted; "nearest": rounding half to even), a position outside the image read
    by ``fill_mode`` ("reflect", "wrap", "nearest", or "constant" = ``fill_value``), as
    :func:`.translation.translate` reads them. Returns a new float array of the images' shape.
    """
    if fill_mode not in TRANSLATE_FILL_MODES:
        raise ValueError(f"affine_transform: fill_mode must be one of {TRANSLATE_FILL_MODES}, got {fill_mode!r}")
    if interpolation not in TRANSLATE_INTERPOLATIONS:
        raise ValueError(
            f"affine_transform: interpolation must be one of {TRANSLATE_INTERPOLATIONS}, got {interpolation!r}"
        )
    images = np.asarray(images)
    images = images.astype(np.result_type(images.dtype, np.float32), copy=False)
    n, h, w, c = images.shape
    pixels = images.reshape(n * h * w, c)
    if fill_mode == "constant":  # pixel n*h*w holds the fill value, read by every position outside the image
        pixels = np.concatenate([pixels, np.full((1, c), fill_value, dtype=pixels.dtype)])
    a0, a1, a2, b0, b1, b2 = (m[:, None, None] for m in np.asarray(matrices, dtype=np.float64).T)
    y, x = np.mgrid[0:h, 0:w]
    cols, rows = a0 * x + a1 * y + a2, b0 * x + b1 * y + b2  # (N, H, W) input positions
    first_pixel = (np.arange(n) * (h * w))[:, None, None]
    out = np.zeros_like(images).reshape(n * h * w, c)
    for iy, wy in _taps(rows, interpolation):
        for ix, wx in _taps(cols, interpolation):
            index = first_pixel + _fold_index(iy, h, fill_mode) * w + _fold_index(ix, w, fill_mode)
            if fill_mode == "constant":
                index = np.where((iy >= 0) & (iy < h) & (ix >= 0) & (ix < w), index, n * h * w)
            term = np.take(pixels, index.reshape(-1), axis=0)
            if wy is not None:
                term *= (wy * wx).reshape(-1, 1).astype(term.dtype)
            out += term
    return out.reshape(images.shape)


def rotation_matrices(angles, height: int, width: int) -> np.ndarray:
    """(N, 6) maps that rotate images by ``angles`` (radians, counter-clockwise) about their centre.

    The output pixel (x, y) reads the input at the point rotated about the centre
    ``((W - 1) / 2, (H - 1) / 2)``, Keras's ``_compute_affine_matrix`` with no shear, shift or scale.
    """
    angles = np.asarray(angles, dtype=np.float64)
    cos, sin = np.cos(angles), np.sin(angles)
    cx, cy = (width - 1) / 2, (height - 1) / 2
    a2 = cx - cx * cos + cy * sin
    b2 = cy - cx * sin - cy * cos
    return np.stack([cos, -sin, a2, sin, cos, b2], axis=1)


def zoom_matrices(height_zoom, width_zoom, height: int, width: int) -> np.ndarray:
    """(N, 6) maps that scale images about their centre: a zoom z > 1 reads a z-times larger area (zooms out)."""
    zy, zx = (np.asarray(z, dtype=np.float64) for z in (height_zoom, width_zoom))
    zero = np.zeros_like(zx)
    return np.stack([zx, zero, (width - 1) / 2 * (1 - zx), zero, zy, (height - 1) / 2 * (1 - zy)], axis=1)

