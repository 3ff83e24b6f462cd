"""``tf.image``'s deterministic operations against TensorFlow: random uint8 and float32 images, one image
(H, W, C) and a batch (N, H, W, C); values, dtypes, gradients where float, and TensorFlow's error types."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare, random_image, run_both, same_refusal, tensorflow

import nabla.tf as ntf

SHAPES = [(7, 6, 3), (2, 7, 6, 3)]


def _same(fn, *arrays, atol=None):
    """``fn(tf, *arrays)`` in both libraries: the same shape, dtype and values (within ``atol``)."""
    ours, theirs = run_both(lambda tf: fn(tf, *arrays))
    for o, t in zip(ours if isinstance(ours, tuple) else (ours,), theirs if isinstance(theirs, tuple) else (theirs,)):
        assert tuple(o.shape) == tuple(t.shape) and o.dtype.name == t.dtype.name, (o, t)
        expect = t.numpy()
        tol = atol if atol is not None else (1e-5 if expect.dtype.kind == "f" else 0)
        np.testing.assert_allclose(o.numpy().astype(np.float64), expect.astype(np.float64), rtol=0, atol=tol)


GEOMETRY = {
    "flip_left_right": lambda tf, x: tf.image.flip_left_right(x),
    "flip_up_down": lambda tf, x: tf.image.flip_up_down(x),
    "transpose": lambda tf, x: tf.image.transpose(x),
    "rot90": lambda tf, x: tf.image.rot90(x),
    "rot90_k2": lambda tf, x: tf.image.rot90(x, k=2),
    "rot90_k3": lambda tf, x: tf.image.rot90(x, k=3),
    "rot90_k-1": lambda tf, x: tf.image.rot90(x, k=-1),
    "central_crop": lambda tf, x: tf.image.central_crop(x, 0.5),
    "central_crop_odd": lambda tf, x: tf.image.central_crop(x, 0.7),
    "crop_to_bounding_box": lambda tf, x: tf.image.crop_to_bounding_box(x, 1, 2, 4, 3),
    "pad_to_bounding_box": lambda tf, x: tf.image.pad_to_bounding_box(x, 2, 1, 11, 9),
    "crop_or_pad_crop": lambda tf, x: tf.image.resize_with_crop_or_pad(x, 4, 3),
    "crop_or_pad_pad": lambda tf, x: tf.image.resize_with_crop_or_pad(x, 10, 9),
    "crop_or_pad_both": lambda tf, x: tf.image.resize_with_crop_or_pad(x, 4, 9),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("op", sorted(GEOMETRY))
def test_geometry_matches_tensorflow(op, shape):
    _same(GEOMETRY[op], random_image(shape, np.uint8))
    compare(GEOMETRY[op], inputs=[random_image(shape, np.float32)])


COLOUR = {
    "to_float": lambda tf, x: tf.image.convert_image_dtype(x, tf.float32),
    "to_uint8": lambda tf, x: tf.image.convert_image_dtype(x, tf.uint8),
    "to_uint8_saturate": lambda tf, x: tf.image.convert_image_dtype(x * 2 - 0.5, tf.uint8, saturate=True),
    "to_int32": lambda tf, x: tf.image.convert_image_dtype(x, tf.int32),
    "to_float64": lambda tf, x: tf.image.convert_image_dtype(x, tf.float64),
    "grayscale": lambda tf, x: tf.image.rgb_to_grayscale(x),
    "grayscale_back": lambda tf, x: tf.image.grayscale_to_rgb(tf.image.rgb_to_grayscale(x)),
    "brightness": lambda tf, x: tf.image.adjust_brightness(x, 0.2),
    "brightness_down": lambda tf, x: tf.image.adjust_brightness(x, -0.3),
    "contrast": lambda tf, x: tf.image.adjust_contrast(x, 1.7),
    "contrast_low": lambda tf, x: tf.image.adjust_contrast(x, 0.4),
    "gamma": lambda tf, x: tf.image.adjust_gamma(x, 0.5),
    "gamma_gain": lambda tf, x: tf.image.adjust_gamma(x, 2.0, gain=1.3),
    "saturation": lambda tf, x: tf.image.adjust_saturation(x, 0.4),
    "saturation_up": lambda tf, x: tf.image.adjust_saturation(x, 2.5),
    "hue": lambda tf, x: tf.image.adjust_hue(x, 0.2),
    "hue_negative": lambda tf, x: tf.image.adjust_hue(x, -0.7),
    "standardization": lambda tf, x: tf.image.per_image_standardization(x),
}


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("op", sorted(COLOUR))
def test_colour_ops_match_tensorflow_on_uint8_and_float32(op, shape):
    uint8_tol = 0 if op.startswith("to_") or op.startswith("grayscale") else 1  # (float32 rounding of x * 255.5)
    if not op.startswith("to_") or op in ("to_float", "to_float64", "to_int32"):
        _same(COLOUR[op], random_image(shape, np.uint8), atol=uint8_tol if op != "standardization" else 1e-5)
    _same(COLOUR[op], random_image(shape, np.float32), atol=2e-5 if op != "standardization" else 1e-4)


@pytest.mark.parametrize("shape", SHAPES)
def test_hsv_round_trip_matches_tensorflow(shape):
    image = random_image(shape, np.float32)
    image[..., 0, 0, :] = 0.5  # a grey pixel: no hue, no saturation
    _same(lambda tf, x: tf.image.rgb_to_hsv(x), image)
    _same(lambda tf, x: tf.image.hsv_to_rgb(x), random_image(shape, np.float32, seed=1))
    _same(lambda tf, x: tf.image.hsv_to_rgb(tf.image.rgb_to_hsv(x)), image)
    _same(lambda tf, x: tf.image.rgb_to_hsv(x), random_image(shape, np.uint8))  # (a NumPy array is read as float32)
    _same(lambda tf, x: tf.image.rgb_to_hsv(tf.constant(x)), image.astype(np.float64))


def test_hsv_to_rgb_hue_at_and_beyond_the_ends_matches_tensorflow():
    # A hue of exactly 1 is red in TensorFlow (not black), and hues outside [0, 1] saturate at the ends.
    hues = np.array([0.0, 1.0, 0.999999, 1.2, 1.7, -0.1, -0.6, 2.5], np.float32)
    hsv = np.stack([hues, np.full_like(hues, 0.5), np.full_like(hues, 0.8)], axis=-1).reshape(1, -1, 3)
    _same(lambda tf, x: tf.image.hsv_to_rgb(x), hsv)
    _same(lambda tf, x: tf.image.hsv_to_rgb(x), hsv.astype(np.float64))


def test_float_adjustments_pass_gradients_as_tensorflow():
    compare(lambda tf, x: tf.image.adjust_brightness(x, 0.1), inputs=[random_image((5, 4, 3), np.float32)])
    compare(lambda tf, x: tf.image.per_image_standardization(x), inputs=[random_image((2, 5, 4, 3), np.float32)],
            atol=1e-4, rtol=1e-4)  # fmt: skip
    compare(lambda tf, x: tf.image.total_variation(x), inputs=[random_image((2, 5, 4, 3), np.float32)], rtol=1e-5)


@pytest.mark.parametrize("dtype", [np.float32, np.int32])
def test_gradients_and_total_variation_match_tensorflow(dtype):
    image = random_image((2, 6, 5, 3), np.float32) * (200 if dtype == np.int32 else 1)
    _same(lambda tf, x: tf.image.image_gradients(tf.constant(x)), image.astype(dtype))
    _same(lambda tf, x: tf.image.total_variation(tf.constant(x)), image.astype(dtype), atol=1e-3)
    _same(lambda tf, x: tf.image.total_variation(tf.constant(x)), image[0].astype(dtype), atol=1e-3)


def test_sobel_edges_match_tensorflow_with_gradients():
    compare(lambda tf, x: tf.image.sobel_edges(x), inputs=[random_image((2, 6, 5, 3), np.float32)], atol=1e-5)
    _same(lambda tf, x: tf.image.sobel_edges(tf.constant(x)), random_image((1, 4, 7, 1), np.float64))
    _same(lambda tf, x: tf.image.sobel_edges(tf.constant(x)), random_image((2, 6, 7, 3), np.float16), atol=4e-3)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("shape", [(16, 14, 3), (2, 16, 14, 3)])
def test_psnr_and_ssim_match_tensorflow(dtype, shape):
    a, b = random_image(shape, dtype, 0), random_image(shape, dtype, 1)
    close = (a // 2 + b // 2) if dtype == np.uint8 else (0.8 * a + 0.2 * b).astype(dtype)
    peak = 255 if dtype == np.uint8 else 1.0
    _same(lambda tf, x, y: tf.image.psnr(x, y, peak), a, close, atol=1e-4)
    _same(lambda tf, x, y: tf.image.ssim(x, y, peak), a, close, atol=1e-5)
    _same(lambda tf, x, y: tf.image.ssim(x, y, peak, filter_size=5, return_index_map=True), a, b, atol=1e-5)


# Boxes inside, reaching outside (extrapolated), flipped (y1 > y2), of one point, and the whole image.
BOXES = np.array([[0.1, 0.2, 0.8, 0.9], [-0.2, 0.0, 1.3, 0.5], [0.9, 0.8, 0.1, 0.2], [0.5, 0.5, 0.5, 0.5],
                  [0.0, 0.0, 1.0, 1.0]], np.float32)  # fmt: skip
BOX_INDICES = np.array([0, 1, 1, 0, 1])


@pytest.mark.parametrize("method", ["bilinear", "nearest"])
@pytest.mark.parametrize("size", [(5, 4), (1, 1), (3, 1), (7, 6)])
def test_crop_and_resize_samples_as_tensorflow(method, size):
    crops = lambda tf, x: tf.image.crop_and_resize(x, BOXES, BOX_INDICES, size, method=method, extrapolation_value=-1)  # noqa: E731
    _same(crops, random_image((2, 7, 6, 3), np.float32))
    _same(crops, random_image((2, 7, 6, 3), np.uint8), atol=1e-3)


def test_crop_and_resize_passes_gradients_to_image_and_boxes_as_tensorflow():
    compare(lambda tf, x, boxes: tf.image.crop_and_resize(x, boxes, BOX_INDICES, (5, 4)),
            inputs=[random_image((2, 7, 6, 3), np.float32), BOXES], rtol=1e-5, atol=1e-5)  # fmt: skip


ERRORS = [
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], [2], (3, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], [0], (0, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1]], [0], (3, 3))",
    "tf.image.crop_and_resize(np.zeros((4, 4, 1), np.float32), [[0, 0, 1, 1]], [0], (3, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, np.nan, 1]], [0], (3, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], [0.0], (3, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], tf.constant([0.0]), (3, 3))",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], [0], [3.0, 3.0])",
    "tf.image.crop_and_resize(np.zeros((2, 4, 4, 1), np.float32), [[0, 0, 1, 1]], [0], (3, 3), method='BILINEAR')",
    "tf.image.sobel_edges(tf.zeros((1, 4, 4, 1), tf.int32))",
    "tf.image.flip_left_right(np.zeros((4, 4), np.float32))",
    "tf.image.rot90(np.zeros((2, 2, 4, 4, 1), np.float32))",
    "tf.image.central_crop(np.zeros((4, 4, 1), np.float32), 1.5)",
    "tf.image.crop_to_bounding_box(np.zeros((4, 4, 1), np.float32), 1, 1, 4, 2)",
    "tf.image.crop_to_bounding_box(np.zeros((4, 4, 1), np.float32), -1, 0, 2, 2)",
    "tf.image.pad_to_bounding_box(np.zeros((4, 4, 1), np.float32), 2, 0, 5, 4)",
    "tf.image.adjust_hue(np.zeros((4, 4, 3), np.float32), 1.5)",
    "tf.image.adjust_saturation(np.zeros((4, 4, 2), np.float32), 1.5)",
    "tf.image.adjust_gamma(np.zeros((4, 4, 3), np.float32), -1.0)",
    "tf.image.rgb_to_hsv(tf.zeros((4, 4, 3), tf.uint8))",
    "tf.image.rgb_to_hsv(tf.zeros((4, 4, 4)))",
    "tf.image.grayscale_to_rgb(tf.zeros((4, 4, 3)))",
    "tf.image.convert_image_dtype(np.zeros((2, 2, 1), np.float32), tf.string)",
    "tf.image.image_gradients(tf.zeros((4, 4, 1)))",
    "tf.image.total_variation(tf.zeros((4, 4)))",
    "tf.image.sobel_edges(tf.zeros((4, 4, 1)))",
    "tf.image.ssim(np.zeros((4, 4, 1), np.float32), np.zeros((4, 4, 1), np.float32), 1.0)",
]


@pytest.mark.parametrize("expression", ERRORS)
def test_bad_arguments_raise_tensorflows_error_types_on_one_line(expression):
    same_refusal(expression)


def test_names_tensorflow_has_and_nabla_lacks_say_so():
    tensorflow()
    with pytest.raises(AttributeError, match="tf.image"):
        ntf.image.draw_bounding_boxes  # noqa: B018 - the lookup is the test
