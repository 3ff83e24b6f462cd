"""Resizing, CenterCrop and RandomCrop against Keras 3's layers (PyTorch backend): values, gradients, configs,
summaries, saving; RandomCrop's training crops by their properties (they are random)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import check_config_keys, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812

CASES = [
    ("Resizing", {"height": 4, "width": 4}),  # down
    ("Resizing", {"height": 10, "width": 9}),  # up
    ("Resizing", {"height": 3, "width": 8, "interpolation": "nearest"}),
    ("Resizing", {"height": 11, "width": 4, "interpolation": "nearest"}),
    ("Resizing", {"height": 4, "width": 6, "crop_to_aspect_ratio": True}),
    ("Resizing", {"height": 4, "width": 6, "pad_to_aspect_ratio": True, "fill_value": 0.5}),
    ("Resizing", {"height": 9, "width": 3, "pad_to_aspect_ratio": True}),
    ("CenterCrop", {"height": 4, "width": 3}),
    ("CenterCrop", {"height": 9, "width": 4}),  # larger than the images: crop to the aspect ratio, resize
    ("CenterCrop", {"height": 3, "width": 8}),
]


@pytest.mark.parametrize("name, kwargs", CASES)
def test_matches_keras(keras, name, kwargs):
    layer, k_layer = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    compare_with_keras(layer, k_layer, data(2, 7, 5, 3))  # values and the images' gradients
    check_config_keys(layer, k_layer)
    check_summary(lambda: getattr(L, name)(**kwargs), lambda: getattr(keras.layers, name)(**kwargs), keras, (7, 5, 3))


@pytest.mark.parametrize("size", [(4, 3), (9, 4), (3, 8)])
def test_random_crop_at_inference_is_keras_documented_smart_resize(keras, size):
    """The centred crop of the target's aspect ratio, resized (Keras 3's documentation; see RandomCrop's NOTE)."""
    layer = L.RandomCrop(*size)
    compare_with_keras(layer, keras.layers.Resizing(*size, crop_to_aspect_ratio=True), data(2, 7, 5, 3))
    check_config_keys(layer, keras.layers.RandomCrop(*size))
    check_summary(lambda: L.RandomCrop(*size), lambda: keras.layers.RandomCrop(*size), keras, (7, 5, 3))


def test_random_crop_while_training_takes_every_window_and_passes_gradients():
    nb.manual_seed(0)
    x = np.arange(2 * 6 * 5, dtype=np.float32).reshape(2, 6, 5, 1)
    places = set()
    for _ in range(200):
        images = nb.tensor(x, requires_grad=True)
        out = L.RandomCrop(3, 2)(images, training=True)
        top, left = divmod(int(out.numpy()[0, 0, 0, 0]), 5)
        np.testing.assert_array_equal(out.numpy(), x[:, top : top + 3, left : left + 2])  # one place per batch
        out.sum().backward()
        expected = np.zeros_like(x)
        expected[:, top : top + 3, left : left + 2] = 1.0
        np.testing.assert_array_equal(images.grad.numpy(), expected)
        places.add((top, left))
    assert places == {(t, w) for t in range(4) for w in range(4)}  # 16 places, 200 draws


def test_one_image_and_integer_images():
    image = np.arange(48, dtype=np.uint8).reshape(4, 4, 3)
    out = L.Resizing(2, 2)(image)
    assert out.shape == (2, 2, 3) and out.dtype == nb.uint8  # (rounded back to uint8, as Keras 3)
    assert L.CenterCrop(2, 2)(image).shape == (2, 2, 3)


def test_a_model_saves_and_loads(tmp_path):
    nb.manual_seed(0)
    model = Sequential([L.Input((9, 7, 2)), L.RandomCrop(6, 6), L.Resizing(8, 8, interpolation="nearest"),
                        L.CenterCrop(5, 4), L.Flatten(), L.Dense(3)])  # fmt: skip
    check_save_load(model, data(2, 9, 7, 2), tmp_path)


def test_bad_arguments_say_what_was_received():
    with pytest.raises(ValueError, match="height must be a positive integer, got 0"):
        L.Resizing(0, 3)
    with pytest.raises(ValueError, match=r"interpolation must be one of \('bilinear', 'nearest'\).*'bicubic'"):
        L.Resizing(3, 3, interpolation="bicubic")
    with pytest.raises(ValueError, match="only one of crop_to_aspect_ratio and pad_to_aspect_ratio"):
        L.Resizing(3, 3, crop_to_aspect_ratio=True, pad_to_aspect_ratio=True)
    with pytest.raises(ValueError, match="antialias=True is not offered"):
        L.Resizing(3, 3, antialias=True)
    with pytest.raises(ValueError, match="channels-last"):
        L.CenterCrop(3, 3, data_format="channels_first")


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.layers.CenterCrop(height=5, width=6),
        lambda m: m.layers.Resizing(4, 8),
        lambda m: m.layers.Rescaling(scale=1 / 255),
        lambda m: m.layers.RandomFlip(),
    ],
)
def test_preprocessing_layers_stack_a_list_of_images_as_keras(keras, make):
    # Géron's chapter 14: CenterCrop(...)(load_sample_images()["images"]), a list of (H, W, 3) uint8 arrays.
    # Keras 3 on TensorFlow stacks the list (checked with KERAS_BACKEND=tensorflow; its torch backend cannot),
    # so the reference is Keras's layer on the stacked batch.
    images = [np.random.default_rng(i).integers(0, 256, (7, 9, 3)).astype(np.uint8) for i in range(2)]
    ours = make(nk)(images, training=False)
    theirs = keras.ops.convert_to_numpy(make(keras)(np.stack(images), training=False))
    assert ours.shape == theirs.shape and ours.dtype == theirs.dtype
    np.testing.assert_allclose(np.asarray(ours), theirs, rtol=1e-6)
