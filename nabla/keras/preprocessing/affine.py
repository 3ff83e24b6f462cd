"""Keras 2's transforms of one image (``keras.preprocessing.image.apply_affine_transform`` and friends), in NumPy.

Keras 2 (``tf.keras`` up to TF 2.15, and ``tf_keras``) warps each channel with
``scipy.ndimage.affine_transform(order=1)``. nabla does not depend on SciPy: :func:`warp` resamples the same
way in NumPy, for ``order`` 0 (nearest pixel) and 1 (bilinear, Keras 2's default), with SciPy's four boundary
modes, so results agree with Keras 2's to float32 rounding.

Coordinates: an output pixel ``o = (row, col)`` reads the input at ``A @ o + b`` (the matrix maps output to
input, as SciPy's does). Outside the image, the value comes from ``fill_mode`` (the input ``abcd``):

- ``"nearest"``: ``aaaa|abcd|dddd``;
- ``"reflect"``: ``dcba|abcd|dcba`` (mirrored about the pixels' outer edges);
- ``"wrap"``: SciPy's "wrap", whose first and last pixels overlap (period ``n - 1``, not ``n``): ``"abcd"``
  continues ``b c d b c d``;
- ``"constant"``: ``cval`` for any point outside ``[0, n - 1]`` along either axis.
"""

from __future__ import annotations

import math

import numpy as np

FILL_MODES = ("constant", "nearest", "reflect", "wrap")


def warp(images: np.ndarray, matrix: np.ndarray, offset: np.ndarray, order: int = 1, fill_mode: str = "nearest",
         cval: float = 0.0) -> np.ndarray:  # fmt: skip
    """``(channels, rows, cols)`` images resampled at ``matrix @ (row, col) + offset`` for every output pixel:
    ``scipy.ndimage.affine_transform`` on each channel, for ``order`` 0 and 1. Same shape and dtype."""
    if fill_mode not in FILL_MODES:
        raise ValueError(f"fill_mode must be one of {FILL_MODES}, got {fill_mode!r}")
    if order not in (0, 1):
        raise ValueError(f"interpolation_order must be 0 (nearest) or 1 (bilinear) in nabla, got {order!r}")
    _, rows, cols = images.shape
    ii, jj = np.meshgrid(np.arange(rows, dtype=np.float64), np.arange(cols, dtype=np.float64), indexing="ij")
    # (in SciPy's order of operations, so that points on the image's edge land where SciPy's do)
    r = matrix[0, 0] * ii + matrix[0, 1] * jj + offset[0]
    c = matrix[1, 0] * ii + matrix[1, 1] * jj + offset[1]
    inside = None
    if fill_mode == "constant":
        inside = (r >= 0) & (r <= rows - 1) & (c >= 0) & (c <= cols - 1)
    r_taps, c_taps = _taps(r, rows, order, fill_mode), _taps(c, cols, order, fill_mode)
    out = np.zeros(images.shape, dtype=np.float64)
    for r_index, r_weight in r_taps:
        for c_index, c_weight in c_taps:
            out += (r_weight * c_weight) * images[:, r_index, c_index]
    if inside is not None:
        out[:, ~inside] = cval
    return out.astype(images.dtype, copy=False)


def _taps(coord: np.ndarray, n: int, order: int, fill_mode: str) -> list[tuple[np.ndarray, np.ndarray]]:
    """The input pixels one axis reads for each coordinate, with their weights: one tap (order 0) or two
    (order 1, the weights ``1 - t`` and ``t``)."""
    if fill_mode in ("nearest", "constant"):
        coord = np.clip(coord, 0, n - 1)  # ("constant" fills the outside points afterwards)
    elif fill_mode == "wrap":
        coord = _wrap(coord, n)
    if order == 0:
        starts, weights = [np.floor(coord + 0.5)], [np.ones_like(coord)]
    else:
        low = np.floor(coord)
        t = coord - low
        starts, weights = [low, low + 1], [1.0 - t, t]
    taps = []
    for start, weight in zip(starts, weights):
        index = start.astype(np.int64)
        if fill_mode == "reflect":  # half-sample symmetric: the index mirrored with period 2n
            index = np.mod(index, 2 * n)
            index = np.where(index >= n, 2 * n - 1 - index, index)
        taps.append((np.clip(index, 0, n - 1), weight))  # (a clipped tap past the edge has weight 0)
    return taps


def _wrap(coord: np.ndarray, n: int) -> np.ndarray:
    """SciPy's "wrap" of a coordinate into ``[0, n - 1]``: period ``n - 1``, a point just outside one edge
    taken from the other end (SciPy's exact integer arithmetic, so whole-pixel shifts match)."""
    if n <= 1:
        return np.zeros_like(coord)
    period = n - 1
    below = coord + period * (np.trunc(-coord / period) + 1)
    above = coord - period * np.trunc(coord / period)
    return np.where(coord < 0, below, np.where(coord > n - 1, above, coord))


def transform_matrix_offset_center(matrix: np.ndarray, x: int, y: int) -> np.ndarray:
    """``matrix`` (3 x 3, homogeneous) made to act about the image's centre (``x / 2 - 0.5``, ``y / 2 - 0.5``)
    rather than its corner, as Keras 2 does."""
    o_x, o_y = float(x) / 2 - 0.5, float(y) / 2 - 0.5
    offset = np.array([[1, 0, o_x], [0, 1, o_y], [0, 0, 1]])
    reset = np.array([[1, 0, -o_x], [0, 1, -o_y], [0, 0, 1]])
    return offset @ matrix @ reset


def affine_matrix(theta: float = 0, tx: float = 0, ty: float = 0, shear: float = 0, zx: float = 1,
                  zy: float = 1) -> np.ndarray | None:  # fmt: skip
    """Keras 2's 3 x 3 matrix, rotation @ shift @ shear @ zoom (angles in degrees), or None for the identity.

    ``rotation = [[cos, -sin, 0], [sin, cos, 0], [0, 0, 1]]``, ``shift = [[1, 0, tx], [0, 1, ty], [0, 0, 1]]``,
    ``shear = [[1, -sin(shear), 0], [0, cos(shear), 0], [0, 0, 1]]``, ``zoom = diag(zx, zy, 1)``.
    """
    parts = []
    if theta != 0:
        a = math.radians(theta)
        parts.append(np.array([[math.cos(a), -math.sin(a), 0], [math.sin(a), math.cos(a), 0], [0, 0, 1]]))
    if tx != 0 or ty != 0:
        parts.append(np.array([[1, 0, tx], [0, 1, ty], [0, 0, 1]], dtype=np.float64))
    if shear != 0:
        s = math.radians(shear)
        parts.append(np.array([[1, -math.sin(s), 0], [0, math.cos(s), 0], [0, 0, 1]]))
    if zx != 1 or zy != 1:
        parts.append(np.array([[zx, 0, 0], [0, zy, 0], [0, 0, 1]], dtype=np.float64))
    if not parts:
        return None
    matrix = parts[0]
    for part in parts[1:]:
        matrix = matrix @ part
    return matrix


def apply_affine_transform(x, theta=0, tx=0, ty=0, shear=0, zx=1, zy=1, row_axis=1, col_axis=2, channel_axis=0,
                           fill_mode="nearest", cval=0.0, order=1):  # fmt: skip
    """One image ``x`` (rank 3) rotated by ``theta`` degrees, shifted by ``tx`` rows and ``ty`` columns, sheared
    by ``shear`` degrees and zoomed by ``zx``, ``zy`` (a zoom above 1 shows less of the image), about its centre:
    Keras 2's ``keras.preprocessing.image.apply_affine_transform``, with its defaults (channels first:
    ``row_axis=1, col_axis=2, channel_axis=0``). ``fill_mode``, ``cval``: see the module's docstring;
    ``order`` 0 or 1 (Keras 2 takes SciPy's 0 to 5).

    Example: a 90 degree turn of a ``(28, 28, 1)`` image::

        turned = apply_affine_transform(img, theta=90, row_axis=0, col_axis=1, channel_axis=2)
    """
    x = np.asarray(x)
    if x.ndim != 3:
        raise ValueError(f"apply_affine_transform: expected one image (rank 3), got shape {x.shape}")
    if sorted((row_axis, col_axis, channel_axis)) != [0, 1, 2] or channel_axis not in (0, 2):
        raise ValueError("apply_affine_transform: row_axis, col_axis and channel_axis must be 0, 1, 2 in some "
                         f"order, channels first or last, got {(row_axis, col_axis, channel_axis)}")  # fmt: skip
    matrix = affine_matrix(theta, tx, ty, shear, zx, zy)
    if matrix is None:
        return x
    matrix = transform_matrix_offset_center(matrix, x.shape[row_axis], x.shape[col_axis])
    if col_axis > row_axis:  # Keras 2's matrix is (row, col) with rows and columns exchanged: exchange them back
        matrix[:, [0, 1]] = matrix[:, [1, 0]]
        matrix[[0, 1]] = matrix[[1, 0]]
    images = np.moveaxis(x, channel_axis, 0)
    out = warp(images, matrix[:2, :2], matrix[:2, 2], order, fill_mode, cval)
    return np.moveaxis(out, 0, channel_axis)


def flip_axis(x: np.ndarray, axis: int) -> np.ndarray:
    """``x`` reversed along ``axis``."""
    return np.flip(np.asarray(x), axis)


def apply_channel_shift(x, intensity: float, channel_axis: int = 0) -> np.ndarray:
    """``intensity`` added to every value, each result clipped to the image's original [min, max] (Keras 2)."""
    x = np.asarray(x)
    return np.clip(x + intensity, np.min(x), np.max(x)).astype(x.dtype, copy=False)


def apply_brightness_shift(x, brightness: float, scale: bool = True) -> np.ndarray:
    """``x`` (height, width, channels) with its brightness multiplied by ``brightness`` by Pillow's
    ``ImageEnhance.Brightness``, as Keras 2 does: the image goes through 8-bit pixels (values are cut to
    ``uint8``, then stretched back to their range when they were outside [0, 255] and ``scale`` is False)."""
    from ..utils.image_utils import array_to_img, img_to_array, pil_image

    pil_image()  # (the one-line error naming the extra, before importing ImageEnhance)
    from PIL import ImageEnhance

    x = np.asarray(x)
    low, high = float(np.min(x)), float(np.max(x))
    outside = low < 0 or high > 255
    img = ImageEnhance.Brightness(array_to_img(x, scale=outside or scale)).enhance(brightness)
    out = img_to_array(img)
    if not scale and outside:
        out = out / 255 * (high - low) + low
    return out
