"""RandomFlip, RandomRotation, RandomZoom and RandomContrast: against Keras 3 (PyTorch backend) where the
transformation is fixed, and by their statistics and invariants where it is random (RandomBrightness: its
own file, test_random_brightness.py; here with the others at inference and called alone).

A factor range of zero width (``(0.1, 0.1)``) makes a rotation or a zoom deterministic, which compares
the whole layer with Keras's (the direction of the turn, the centre, the fill modes). The random draws
come from nabla's generator, not Keras's, so those are tested by what they must satisfy.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_compare import check_config_keys, check_save_load, check_summary
from layer_reference import images

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras.layers import (
    Conv2D,
    Dense,
    Flatten,
    Input,
    RandomContrast,
    RandomFlip,
    RandomRotation,
    RandomZoom,
    Rescaling,
)
from nabla.keras.layers.affine import affine_transform
from nabla.keras.layers.translation import translate

FILL_MODES = ["reflect", "wrap", "constant", "nearest"]
TOL = dict(rtol=1e-5, atol=1e-4)  # float32; the two libraries compute the sample positions differently


def keras_output(k_layer, x):
    torch = require("torch")
    return k_layer(torch.tensor(x), training=True).detach().numpy()


@pytest.mark.parametrize("interpolation", ["bilinear", "nearest"])
@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("factor", [0.1, -0.3, 0.5])
def test_rotation_by_a_fixed_angle_matches_keras(keras, factor, fill_mode, interpolation):
    x = images(3, 7, 6, 2)
    kwargs = dict(factor=(factor, factor), fill_mode=fill_mode, interpolation=interpolation, fill_value=0.5)
    out = RandomRotation(**kwargs)(x, training=True)
    np.testing.assert_allclose(np.asarray(out), keras_output(keras.layers.RandomRotation(**kwargs), x), **TOL)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("height, width", [(0.25, None), (-0.3, 0.2), (0.5, -0.5)])
def test_zoom_by_fixed_amounts_matches_keras(keras, height, width, fill_mode):
    x = images(2, 8, 7, 3)
    kwargs = dict(
        height_factor=(height, height), width_factor=None if width is None else (width, width), fill_mode=fill_mode
    )
    out = RandomZoom(**kwargs)(x, training=True)
    np.testing.assert_allclose(np.asarray(out), keras_output(keras.layers.RandomZoom(**kwargs), x), **TOL)


def test_a_quarter_turn_is_rot90_counter_clockwise_and_a_shift_map_is_translate():
    x = images(2, 5, 5, 1)
    out = RandomRotation((0.25, 0.25), interpolation="nearest")(x, training=True)
    np.testing.assert_allclose(np.asarray(out), np.rot90(x, k=1, axes=(1, 2)), atol=1e-6)
    shifts = np.array([[1.0, 0.0, -1.5, 0.0, 1.0, 2.25], [1.0, 0.0, 3.0, 0.0, 1.0, -0.5]])
    np.testing.assert_allclose(affine_transform(x, shifts, "wrap"), translate(x, -shifts[:, 5], -shifts[:, 2], "wrap"),
                               atol=1e-6)  # fmt: skip


def test_rotation_and_zoom_draw_one_amount_per_image_in_their_range():
    nb.manual_seed(0)
    x = np.repeat(images(1, 9, 9, 1), 64, axis=0)
    rotated = np.asarray(RandomRotation(0.2, fill_mode="constant")(x, training=True))
    assert len({r.tobytes() for r in rotated}) == 64  # each image its own angle
    zoomed = np.asarray(RandomZoom((0.5, 0.9), fill_mode="constant")(np.ones((64, 33, 33, 1)), training=True))
    # zooming out by z in [1.5, 1.9] shrinks the image to about 1 / z^2 of its area, in [0.28, 0.44]
    area = zoomed.sum(axis=(1, 2, 3)) / 33**2
    assert area.min() > 1 / 1.9**2 - 0.05 and area.max() < 1 / 1.5**2 + 0.05 and area.max() - area.min() > 0.08


def test_flip_gives_each_flip_with_its_probability():
    nb.manual_seed(0)
    x = np.repeat(images(1, 4, 5, 2), 2000, axis=0)
    base = x[0]
    variants = [base, base[:, ::-1], base[::-1], base[::-1, ::-1]]
    for mode, allowed in [("horizontal", [0, 1]), ("vertical", [0, 2]), ("horizontal_and_vertical", [0, 1, 2, 3])]:
        out = np.asarray(RandomFlip(mode)(x, training=True))
        kinds = np.array([next(i for i, v in enumerate(variants) if np.array_equal(o, v)) for o in out])
        counts = np.bincount(kinds, minlength=4)
        assert set(np.flatnonzero(counts)) == set(allowed)
        expected = len(x) / len(allowed)
        assert np.all(np.abs(counts[allowed] - expected) < 5 * np.sqrt(expected))  # about 5 standard deviations


def test_flip_lets_gradients_through():
    nb.manual_seed(1)
    x = nb.tensor(images(6, 3, 4, 2), requires_grad=True)
    out = RandomFlip()(x, training=True)
    (out * out).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), 2 * x.detach().numpy(), rtol=1e-6)  # a permutation of each image


def test_contrast_scales_each_image_about_its_channel_means(keras):
    """Channel means are kept, every channel of an image is scaled by the same c in [1 - lower, 1 + upper], and
    the result is Keras's formula for that c (Keras's ``transform_images`` with the factor given)."""
    torch = require("torch")
    nb.manual_seed(2)
    x = images(50, 6, 5, 3) * 20
    layer = RandomContrast((0.4, 0.3), value_range=(-1e6, 1e6))
    out = np.asarray(layer(x, training=True))
    np.testing.assert_allclose(out.mean(axis=(1, 2)), x.mean(axis=(1, 2)), rtol=1e-4, atol=1e-3)
    ratio = out.std(axis=(1, 2)) / x.std(axis=(1, 2))  # (50, 3)
    np.testing.assert_allclose(ratio, ratio[:, :1].repeat(3, axis=1), rtol=1e-4)
    c = ratio[:, 0]
    assert c.min() >= 0.6 - 1e-5 and c.max() <= 1.3 + 1e-5 and c.max() - c.min() > 0.4
    k_layer = keras.layers.RandomContrast(0.5, value_range=(-1e6, 1e6))
    ref = k_layer.transform_images(torch.tensor(x), {"contrast_factor": torch.tensor(c.reshape(-1, 1, 1, 1))})
    np.testing.assert_allclose(out, ref.numpy(), rtol=1e-4, atol=1e-3)


def test_contrast_clips_to_the_value_range():
    nb.manual_seed(3)
    out = np.asarray(RandomContrast(1.0)(np.random.default_rng(0).uniform(0, 255, (8, 6, 6, 3)), training=True))
    assert out.min() >= 0 and out.max() <= 255


@pytest.mark.parametrize(
    "make",
    [
        lambda k: k.layers.RandomFlip("horizontal"),
        lambda k: k.layers.RandomRotation(0.1),
        lambda k: k.layers.RandomZoom(0.1),
        lambda k: k.layers.RandomContrast(0.2),
        lambda k: k.layers.RandomBrightness(0.2),
    ],
)
def test_identity_at_inference_configs_and_summary_as_keras(keras, make):
    layer = make(nk)
    x = np.random.default_rng(0).integers(0, 256, (2, 5, 6, 3)).astype(np.uint8)
    out = layer(x, training=False)
    theirs = keras.ops.convert_to_numpy(make(keras)(x, training=False))  # (Contrast, Brightness keep uint8)
    assert np.asarray(out).dtype == theirs.dtype and np.array_equal(np.asarray(out), x)
    check_config_keys(layer, make(keras))
    check_summary(lambda: make(nk), lambda: make(keras), keras, (5, 6, 3))


def test_unbatched_images_and_bad_arguments():
    nb.manual_seed(4)
    assert RandomRotation(0.1)(images(5, 6, 3), training=True).shape == (5, 6, 3)
    with pytest.raises(ValueError, match="mode must be one of"):
        RandomFlip("diagonal")
    with pytest.raises(ValueError, match=r"factor must lie in \[-1, 1\]"):
        RandomRotation(2.0)
    with pytest.raises(ValueError, match="factor must be a number in"):
        RandomContrast(1.5)
    with pytest.raises(ValueError, match=r"needs \(batch, H, W, C\) or \(H, W, C\) images"):
        RandomFlip()(np.ones((2, 3)), training=True)


def test_the_tf_image_classification_tutorials_augmentation_trains_saves_and_loads(tmp_path):
    """tensorflow.org/tutorials/images/classification: a Sequential of augmentation layers inside the model."""
    data_augmentation = Sequential([
        RandomFlip("horizontal", input_shape=(12, 12, 3)), RandomRotation(0.1), RandomZoom(0.1),
    ])  # fmt: skip
    model = Sequential([data_augmentation, Rescaling(1.0 / 255), Conv2D(4, 3, padding="same", activation="relu"),
                        Flatten(), Dense(3)])  # fmt: skip
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 256, (24, 12, 12, 3)).astype(np.float32), rng.integers(0, 3, 24)
    loss = nk.losses.SparseCategoricalCrossentropy(from_logits=True)
    model.compile(optimizer="adam", loss=loss, metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
    flat = Sequential([Input((12, 12, 3)), RandomFlip("horizontal"), RandomRotation(0.1), RandomZoom(0.1, 0.2),
                       RandomContrast(0.2), Rescaling(1.0 / 255), Flatten(), Dense(3)])  # fmt: skip
    check_save_load(flat, x[:4], tmp_path)


def test_flip_contrast_and_spatial_dropout_draw_afresh_in_a_compiled_step():
    """They draw through the engine's ``sample``: a captured step (what ``fit`` compiles) replays new draws."""
    nb.manual_seed(5)
    flip, contrast = RandomFlip(), RandomContrast(0.5, value_range=(-9, 9))
    dropout = nk.layers.SpatialDropout2D(0.5)
    step = nb.capture(lambda x: dropout(contrast(flip(x, training=True), training=True), training=True))
    x = nb.tensor(images(8, 3, 3, 4))
    outs = [np.asarray(step(x)) for _ in range(3)]
    assert not np.array_equal(outs[0], outs[1]) and not np.array_equal(outs[1], outs[2])
    model = Sequential([Input((6, 6, 2)), RandomFlip(), RandomContrast(0.2, value_range=(0, 1)), Conv2D(3, 3),
                        nk.layers.SpatialDropout2D(0.3), Flatten(), Dense(2)])  # fmt: skip
    model.compile("adam", "mse", jit_compile=True)  # True: a step that cannot be captured raises instead
    rng = np.random.default_rng(0)
    history = model.fit(rng.random((32, 6, 6, 2)), rng.random((32, 2)), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))


AUGMENTERS = [
    ("RandomFlip", ("horizontal",)),
    ("RandomRotation", (0.2,)),
    ("RandomZoom", (0.3,)),
    ("RandomContrast", (0.5,)),
    ("RandomBrightness", (0.5,)),
    ("RandomTranslation", (0.3, 0.3)),
    ("RandomCrop", (4, 4)),
]


@pytest.mark.parametrize("name, args", AUGMENTERS)
def test_augmenters_augment_when_called_alone_as_keras(name, args):
    """Keras 3's image preprocessing layers declare ``call(data, training=True)``: ``layer(images)`` alone (the
    keras.io examples' ``train_ds.map(lambda x, y: (data_augmentation(x), y))``) augments, in Keras and here;
    ``training=False`` and a model's ``predict`` leave the images as they are."""
    from keras_reference import keras_on_torch

    keras = keras_on_torch()
    x = np.random.default_rng(0).uniform(0, 255, (8, 6, 6, 3)).astype(np.float32)

    for lib, to_array in ((keras, lambda t: t.detach().cpu().numpy()), (nk, np.asarray)):
        layer = getattr(lib.layers, name)(*args)
        if name == "RandomCrop":  # a crop at some place (nabla's inference path resizes the centred crop)
            out = to_array(layer(x))
            assert any(np.allclose(out, x[:, i : i + 4, j : j + 4]) for i in range(3) for j in range(3))
        else:  # (any of three calls: a flip may draw "no flip" for all 8 images once)
            assert any(not np.allclose(to_array(layer(x)), x) for _ in range(3))
            np.testing.assert_array_equal(to_array(layer(x, training=False)), x)
            model = lib.Sequential([lib.Input((6, 6, 3)), getattr(lib.layers, name)(*args)])
            np.testing.assert_allclose(model.predict(x, verbose=0), x)
