"""``tf.image``'s random augmentations: ranges and argument errors as TensorFlow's, results that are the
deterministic op at some drawn parameter, reproducible with ``tf.random.set_seed``, operation seeds and the
stateless seeds; and the ops inside ``Dataset.map`` and on ``keras.Input`` tensors, as TensorFlow's tutorials
use them (``data_augmentation``, "load and preprocess images")."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import random_image, run_both, same_refusal

import nabla.tf as ntf

SHAPES = [(6, 5, 3), (4, 6, 5, 3)]


def _each(x):
    return [x] if x.ndim == 3 else list(x)


@pytest.mark.parametrize("shape", SHAPES)
@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
@pytest.mark.parametrize("which", ["left_right", "up_down"])
def test_random_flips_flip_each_image_or_leave_it(which, dtype, shape):
    image = random_image(shape, dtype)
    flip = getattr(ntf.image, f"flip_{which}")
    outcomes = set()
    for s in range(12):
        ntf.random.set_seed(s)
        out = getattr(ntf.image, f"random_flip_{which}")(image)
        stateless = getattr(ntf.image, f"stateless_random_flip_{which}")(image, seed=(s, 3))
        assert out.dtype.name == np.dtype(dtype).name and tuple(out.shape) == shape
        for result in (out, stateless):
            for got, original, flipped in zip(_each(result.numpy()), _each(image), _each(flip(image).numpy())):
                same, mirrored = np.array_equal(got, original), np.array_equal(got, flipped)
                assert same or mirrored
                outcomes.add(mirrored)
    assert outcomes == {True, False}  # (12 draws: both happen)


def _recovered_delta(out, image) -> float:
    deltas = out.numpy() - image
    assert np.ptp(deltas) < 1e-5, "a brightness change adds one delta to every pixel"
    return float(np.median(deltas))


@pytest.mark.parametrize("shape", SHAPES)
def test_random_brightness_is_adjust_brightness_by_a_delta_in_range(shape):
    image = random_image(shape, np.float32)
    for s in range(5):
        for out in (ntf.image.random_brightness(image, 0.2, seed=s),
                    ntf.image.stateless_random_brightness(image, 0.2, seed=[s, 1])):  # fmt: skip
            delta = _recovered_delta(out, image)
            assert -0.2 <= delta <= 0.2
            np.testing.assert_allclose(out.numpy(), ntf.image.adjust_brightness(image, delta).numpy(), atol=1e-5)


@pytest.mark.parametrize("shape", SHAPES)
def test_random_contrast_is_adjust_contrast_by_a_factor_in_range(shape):
    image = random_image(shape, np.float32)
    mean = image.mean(axis=(-3, -2), keepdims=True)
    for s in range(5):
        for out in (ntf.image.random_contrast(image, 0.3, 0.9, seed=s),
                    ntf.image.stateless_random_contrast(image, 0.3, 0.9, seed=(1, s))):  # fmt: skip
            factor = float(np.median((out.numpy() - mean) / (image - mean)))
            assert 0.3 <= factor <= 0.9
            np.testing.assert_allclose(out.numpy(), ntf.image.adjust_contrast(image, factor).numpy(), atol=1e-4)


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_random_saturation_and_hue_keep_the_value_and_move_within_range(dtype):
    image = random_image((2, 6, 5, 3), dtype)
    floats = ntf.image.convert_image_dtype(image, ntf.float32)
    hsv = ntf.image.rgb_to_hsv(floats).numpy()
    for s in range(4):
        hue = ntf.image.random_hue(image, 0.1, seed=s)
        again = ntf.image.stateless_random_hue(image, 0.1, seed=(s, s))
        saturated = ntf.image.random_saturation(image, 0.5, 1.5, seed=s)
        for out in (hue, again, saturated):
            assert out.dtype.name == np.dtype(dtype).name
            moved = ntf.image.rgb_to_hsv(ntf.image.convert_image_dtype(out, ntf.float32)).numpy()
            np.testing.assert_allclose(moved[..., 2], hsv[..., 2], atol=2 / 255)  # the value (brightness) is kept
        shift = (ntf.image.rgb_to_hsv(ntf.image.convert_image_dtype(hue, ntf.float32)).numpy()[..., 0] - hsv[..., 0])
        shift = (shift + 0.5) % 1.0 - 0.5
        vivid = hsv[..., 1] > 0.3
        assert np.abs(shift[vivid]).max() <= 0.1 + 0.02


@pytest.mark.parametrize("dtype", [np.uint8, np.float32])
def test_random_crop_is_a_window_of_the_image(dtype):
    image = random_image((2, 9, 8, 3), dtype)
    corners = set()
    for s in range(8):
        for out in (ntf.image.random_crop(image, [2, 4, 5, 3], seed=s),
                    ntf.image.stateless_random_crop(image, (2, 4, 5, 3), seed=(s, 0))):  # fmt: skip
            got = out.numpy()
            found = [(i, j) for i in range(6) for j in range(4) if np.array_equal(image[:, i:i + 4, j:j + 5], got)]
            assert found, "the crop is a window of the image"
            corners.update(found)
    assert len(corners) > 2


RANDOM = {
    "flip": lambda tf, x, **seed: tf.image.random_flip_left_right(x, **seed),
    "brightness": lambda tf, x, **seed: tf.image.random_brightness(x, 0.3, **seed),
    "contrast": lambda tf, x, **seed: tf.image.random_contrast(x, 0.2, 1.8, **seed),
    "saturation": lambda tf, x, **seed: tf.image.random_saturation(x, 0.2, 1.8, **seed),
    "hue": lambda tf, x, **seed: tf.image.random_hue(x, 0.3, **seed),
    "crop": lambda tf, x, **seed: tf.image.random_crop(x, [3, 3, 3], **seed),
}


@pytest.mark.parametrize("op", sorted(RANDOM))
def test_seeds_make_the_draws_reproducible(op):
    image = random_image((6, 5, 3), np.uint8)
    fn = RANDOM[op]
    ntf.random.set_seed(4)
    first = [fn(ntf, image).numpy(), fn(ntf, image, seed=9).numpy(), fn(ntf, image, seed=9).numpy()]
    ntf.random.set_seed(4)
    second = [fn(ntf, image).numpy(), fn(ntf, image, seed=9).numpy(), fn(ntf, image, seed=9).numpy()]
    for a, b in zip(first, second):
        np.testing.assert_array_equal(a, b)


def test_stateless_forms_depend_on_the_seed_only():
    image = random_image((6, 5, 3), np.float32)
    ntf.random.set_seed(1)
    a = ntf.image.stateless_random_brightness(image, 0.5, seed=(3, 4)).numpy()
    ntf.random.uniform([5])  # (other draws in between change nothing)
    b = ntf.image.stateless_random_brightness(image, 0.5, seed=ntf.constant([3, 4])).numpy()
    c = ntf.image.stateless_random_brightness(image, 0.5, seed=(4, 3)).numpy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(a, c)


ERRORS = [
    "tf.image.random_brightness(np.zeros((4, 4, 3), np.float32), -0.1)",
    "tf.image.random_contrast(np.zeros((4, 4, 3), np.float32), 0.9, 0.5)",
    "tf.image.random_contrast(np.zeros((4, 4, 3), np.float32), -0.5, 0.5)",
    "tf.image.random_saturation(np.zeros((4, 4, 3), np.float32), 1.0, 1.0)",
    "tf.image.random_hue(np.zeros((4, 4, 3), np.float32), 0.7)",
    "tf.image.random_hue(np.zeros((4, 4, 3), np.float32), -0.1)",
    "tf.image.random_crop(np.zeros((4, 4, 3), np.float32), [5, 2, 3])",
    "tf.image.random_flip_left_right(np.zeros((4, 4), np.float32))",
    "tf.image.stateless_random_hue(np.zeros((4, 4, 3), np.float32), 0.6, seed=(1, 2))",
    "tf.image.stateless_random_contrast(np.zeros((4, 4, 3), np.float32), 0.5, 0.1, seed=(1, 2))",
]


@pytest.mark.parametrize("expression", ERRORS)
def test_bad_arguments_raise_tensorflows_error_types_on_one_line(expression):
    same_refusal(expression)


def _augment(tf, images, labels):
    """The "load and preprocess images" tutorial's pipeline, as written for TensorFlow."""
    def preprocess(image, label):
        image = tf.image.convert_image_dtype(image, tf.float32)
        image = tf.image.resize_with_crop_or_pad(image, 10, 10)
        image = tf.image.random_crop(image, size=[8, 8, 3])
        image = tf.image.random_flip_left_right(image)
        image = tf.image.random_brightness(image, max_delta=0.2)
        return tf.clip_by_value(image, 0.0, 1.0), label

    return tf.data.Dataset.from_tensor_slices((images, labels)).map(preprocess).batch(4)


def test_augmentation_runs_in_dataset_map_as_in_tensorflow():
    images, labels = random_image((8, 7, 9, 3), np.uint8), np.arange(8)
    ours, theirs = run_both(lambda tf: _augment(tf, images, labels))
    assert str(ours.element_spec[0].shape) == str(theirs.element_spec[0].shape)
    batches = [(x.numpy(), y.numpy()) for x, y in ours]
    assert [b[0].shape for b in batches] == [(4, 8, 8, 3)] * 2 and batches[0][0].dtype == np.float32
    assert 0.0 <= min(b[0].min() for b in batches) and max(b[0].max() for b in batches) <= 1.0
    np.testing.assert_array_equal(np.concatenate([b[1] for b in batches]), labels)


def test_ops_on_keras_inputs_build_a_model_step():
    inputs = ntf.keras.Input(shape=(6, 5, 3))
    flipped = ntf.image.flip_left_right(inputs)
    gray = ntf.image.rgb_to_grayscale(flipped)
    model = ntf.keras.Model(inputs, gray)
    images = random_image((2, 6, 5, 3), np.float32)
    expected = ntf.image.rgb_to_grayscale(ntf.image.flip_left_right(images)).numpy()
    np.testing.assert_allclose(model.predict(images, verbose=0), expected, rtol=1e-6)
