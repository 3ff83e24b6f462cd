"""RandomTranslation against Keras 3 (PyTorch backend) and by hand; the random layers' configs and a model with them.

The translation is compared number for number with Keras's own layer: its
``transform_images`` is called with the shifts given explicitly, so both
libraries translate by the same (dy, dx) whatever their random streams; a
factor range of zero width (lo == hi) makes the whole random layer
deterministic, which compares the sampling, the sign convention and the
fill modes end to end.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from layer_reference import images

import nabla as nb
from nabla.keras.layers.translation import translate
from nabla.layers import Conv2D, Dense, Flatten, GaussianDropout, GaussianNoise, Input, RandomTranslation
from nabla.models import Sequential, load_model

FILL_MODES = ["reflect", "wrap", "constant", "nearest"]
INTERPOLATIONS = ["bilinear", "nearest"]
TOL = dict(rtol=1e-6, atol=1e-6)  # float32: the two libraries sum the neighbours in different orders


def keras_translate(keras, x: np.ndarray, dy, dx, fill_mode: str, interpolation: str, fill_value: float = 0.0):
    """Keras's RandomTranslation applied with the given shifts (its ``translations`` are (dx, dy) pairs)."""
    torch = require("torch")
    layer = keras.layers.RandomTranslation(
        0.5, 0.5, fill_mode=fill_mode, interpolation=interpolation, fill_value=fill_value
    )
    n = x.shape[0] if x.ndim == 4 else 1
    shifts = np.stack([np.broadcast_to(dx, (n,)), np.broadcast_to(dy, (n,))], axis=1).astype(np.float32)
    transformation = {"translations": torch.tensor(shifts), "input_shape": x.shape}
    return layer.transform_images(torch.tensor(x), transformation, training=True).numpy()


# --- the translation kernel against Keras -------------------------------------------------------

# (dy, dx) per image: fractional, negative, integer, larger than half the image, larger than the image.
SHIFTS = np.array([[0.5, -1.25], [-3.75, 6.5], [2.0, -9.125], [12.375, 0.0], [-7.0, 15.5]])


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_translate_matches_keras(keras, fill_mode, interpolation):
    x = images(len(SHIFTS), 6, 7, 3)
    out = translate(x, SHIFTS[:, 0], SHIFTS[:, 1], fill_mode, interpolation, fill_value=0.7)
    ref = keras_translate(keras, x, SHIFTS[:, 0], SHIFTS[:, 1], fill_mode, interpolation, fill_value=0.7)
    assert out.dtype == np.float32 and out.shape == x.shape
    np.testing.assert_allclose(out, ref, **TOL)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_translate_matches_keras_on_one_image_and_thin_images(keras, fill_mode):
    x = images(5, 4, 2)  # unbatched (H, W, C)
    out = translate(x, -1.5, 2.25, fill_mode, "bilinear")
    np.testing.assert_allclose(out, keras_translate(keras, x, -1.5, 2.25, fill_mode, "bilinear"), **TOL)
    x = images(2, 1, 5, 1)  # one row: every vertical neighbour is outside
    out = translate(x, [0.25, -2.5], [1.5, -0.75], fill_mode, "bilinear")
    ref = keras_translate(keras, x, np.array([0.25, -2.5]), np.array([1.5, -0.75]), fill_mode, "bilinear")
    np.testing.assert_allclose(out, ref, **TOL)


@pytest.mark.parametrize("interpolation", INTERPOLATIONS)
@pytest.mark.parametrize("fill_mode", FILL_MODES)
def test_random_translation_with_a_fixed_shift_matches_the_keras_layer(keras, fill_mode, interpolation):
    """lo == hi leaves no randomness: sampling, sign convention and filling compared end to end."""
    torch = require("torch")
    x = images(3, 8, 10, 2)
    args = dict(height_factor=(-0.3, -0.3), width_factor=(0.25, 0.25), fill_mode=fill_mode)
    args.update(interpolation=interpolation, fill_value=-1.0)
    ref = keras.layers.RandomTranslation(**args)(torch.tensor(x), training=True).numpy()
    out = RandomTranslation(**args)(x, training=True).numpy()
    np.testing.assert_allclose(out, ref, **TOL)
    np.testing.assert_allclose(out, translate(x, -2.4, 2.5, fill_mode, interpolation, -1.0), **TOL)


# --- the translation kernel by hand (no Keras needed) -------------------------------------------

ROW = np.array([1.0, 2.0, 3.0, 4.0], dtype=np.float32)  # a b c d


def shift_row(dx, fill_mode, interpolation="nearest", fill_value=0.0):
    return translate(ROW.reshape(1, 1, 4, 1), 0.0, dx, fill_mode, interpolation, fill_value).reshape(-1)


@pytest.mark.parametrize(
    "fill_mode, right_by_3, left_by_6",
    [
        ("reflect", [3, 2, 1, 1], [2, 1, 1, 2]),  # d c b a | a b c d | d c b a
        ("wrap", [2, 3, 4, 1], [3, 4, 1, 2]),  # a b c d | a b c d | a b c d
        ("nearest", [1, 1, 1, 1], [4, 4, 4, 4]),  # a a a a | a b c d | d d d d
        ("constant", [9, 9, 9, 1], [9, 9, 9, 9]),  # k k k k | a b c d | k k k k
    ],
)
def test_fill_modes_by_hand(fill_mode, right_by_3, left_by_6):
    np.testing.assert_array_equal(shift_row(3, fill_mode, fill_value=9.0), right_by_3)
    np.testing.assert_array_equal(shift_row(-6, fill_mode, fill_value=9.0), left_by_6)


def test_positive_shifts_move_the_image_down_and_right():
    x = np.zeros((1, 5, 5, 1), dtype=np.float32)
    x[0, 1, 1, 0] = 1.0
    out = translate(x, 2.0, 1.0, "constant", "nearest")
    assert out[0, 3, 2, 0] == 1.0 and out.sum() == 1.0


def test_bilinear_averages_neighbours_and_blends_the_fill_value_at_the_edge():
    np.testing.assert_allclose(shift_row(0.5, "nearest", "bilinear"), [1.0, 1.5, 2.5, 3.5])
    np.testing.assert_allclose(shift_row(0.25, "constant", "bilinear", fill_value=8.0), [2.75, 1.75, 2.75, 3.75])
    np.testing.assert_allclose(shift_row(-0.5, "reflect", "bilinear"), [1.5, 2.5, 3.5, 4.0])
    np.testing.assert_allclose(shift_row(4.0, "wrap", "bilinear"), ROW)  # a whole period


def test_translate_keeps_float_dtypes_and_converts_integers():
    x = np.arange(12).reshape(1, 2, 2, 3)
    assert translate(x.astype(np.float64), 0.5, 0.0).dtype == np.float64
    assert translate(x.astype(np.uint8), 0.5, 0.0).dtype == np.float32
    with pytest.raises(ValueError, match="fill_mode must be one of"):
        translate(x, 0, 0, fill_mode="mirror")
    with pytest.raises(ValueError, match=r"images must be \(N, H, W, C\) or \(H, W, C\), got shape \(2, 2\)"):
        translate(np.zeros((2, 2)), 0, 0)


# --- RandomTranslation as a layer -------------------------------------------------------------


def test_random_translation_is_the_identity_at_inference():
    x = images(4, 6, 6, 2)
    layer = RandomTranslation(0.5, 0.5)
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    model = Sequential([Input((6, 6, 2)), RandomTranslation(0.5, (-0.2, 0.4), fill_mode="wrap")])
    np.testing.assert_array_equal(model.predict(x), x)


def test_random_translation_shifts_each_image_by_its_own_draw_reproducibly():
    x = images(6, 9, 11, 1)
    layer = RandomTranslation((0.1, 0.3), (-0.4, -0.2), fill_mode="constant", interpolation="nearest")
    nb.manual_seed(3)
    out = layer(x, training=True).numpy()
    assert not np.allclose(out, x)
    nb.manual_seed(3)
    np.testing.assert_array_equal(layer(x, training=True).numpy(), out)
    # The draws: one uniform fraction per image for the height, then one per image for the width.
    nb.manual_seed(3)
    g = nb.random.generator()
    dy, dx = g.uniform(0.1, 0.3, size=6) * 9, g.uniform(-0.4, -0.2, size=6) * 11
    np.testing.assert_array_equal(out, translate(x, dy, dx, "constant", "nearest"))
    assert len({tuple(np.rint(s)) for s in zip(dy, dx)}) > 1  # the images did not all move alike


def test_random_translation_on_one_image_integers_and_inputs_that_require_grad():
    layer = RandomTranslation(0.2, 0.2)
    assert layer(images(5, 5, 3), training=True).shape == (5, 5, 3)
    out = layer(nb.tensor(np.arange(50).reshape(2, 5, 5, 1)), training=True)  # an int64 tensor
    assert out.dtype == np.float32
    x = nb.tensor(images(2, 5, 5, 1), requires_grad=True)
    out = layer(x, training=True)
    assert out.shape == x.shape and not out.requires_grad  # a constant: no gradient to the input
    (layer(x, training=False) * 2.0).sum().backward()  # the identity at inference lets gradients through
    np.testing.assert_array_equal(x.grad.numpy(), np.full(x.shape, 2.0, dtype=np.float32))
    with pytest.raises(ValueError, match=r"needs \(batch, H, W, C\) or \(H, W, C\) images, got shape \(2, 5\)"):
        layer(np.zeros((2, 5)), training=True)


def test_factor_ranges_follow_keras():
    layer = RandomTranslation(-0.2, (0.3, -0.1))
    assert (layer.height_lower, layer.height_upper) == (-0.2, 0.2)  # a number f means (-|f|, |f|)
    assert (layer.width_lower, layer.width_upper) == (-0.1, 0.3)  # Keras sorts the pair


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda: RandomTranslation(1.5, 0.1), r"height_factor must lie in \[-1, 1\] .*got 1.5"),
        (lambda: RandomTranslation(0.1, (-1.2, 0.0)), r"width_factor must lie in \[-1, 1\] .*got \(-1.2, 0.0\)"),
        (lambda: RandomTranslation((0.1, 0.2, 0.3), 0.1), r"height_factor must be a number or a pair"),
        (lambda: RandomTranslation("0.1", 0.1), r"height_factor must be a number or a pair"),
        (lambda: RandomTranslation(0.1, 0.1, fill_mode="mirror"), r"fill_mode must be one of .*got 'mirror'"),
        (lambda: RandomTranslation(0.1, 0.1, interpolation="bicubic"), r"interpolation must be one of"),
        (lambda: RandomTranslation(0.1, 0.1, data_format="channels_first"), r"channels-last"),
        (lambda: GaussianNoise(-0.1), r"GaussianNoise: stddev must be a number in \[0, 1\], got -0.1"),
        (lambda: GaussianNoise(2.0), r"stddev must be a number in \[0, 1\], got 2.0"),
        (lambda: GaussianDropout(1.0), r"GaussianDropout: rate must be a number in \[0, 1\), got 1.0"),
        (lambda: GaussianDropout(-0.5), r"rate must be a number in \[0, 1\), got -0.5"),
    ],
)
def test_bad_arguments_raise_clear_errors(make, message):
    with pytest.raises(ValueError, match=message):
        make()


# --- configs, models, saving --------------------------------------------------------------------


@pytest.mark.parametrize(
    "make",
    [
        lambda: RandomTranslation(
            (-0.1, 0.2), 0.3, fill_mode="constant", interpolation="nearest", seed=4, fill_value=2
        ),
        lambda: GaussianNoise(0.3, seed=1),
        lambda: GaussianDropout(0.25),
    ],
)
def test_config_round_trip_and_no_weights(make):
    layer = make()
    config = layer.get_config()
    assert config["seed"] == layer.seed
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    x = images(2, 5, 5, 1)
    assert layer(x).shape == x.shape and layer.weights == []


def test_keras_configs_load_into_nabla(keras):
    """A Keras layer's own arguments, from its get_config, rebuild the nabla layer."""
    for k_layer, cls in [
        (keras.layers.RandomTranslation((-0.1, 0.2), 0.3, fill_mode="wrap", seed=5), RandomTranslation),
        (keras.layers.GaussianNoise(0.3, seed=2), GaussianNoise),
        (keras.layers.GaussianDropout(0.25), GaussianDropout),
    ]:
        config = k_layer.get_config()
        config.pop("dtype")  # a Keras dtype policy object
        layer = cls.from_config(config)
        assert {k: v for k, v in layer.get_config().items() if k in config} == {
            k: list(v) if isinstance(v, tuple) else v for k, v in config.items() if k != "data_format"
        }


def test_sequential_with_augmentation_fits_saves_and_loads(tmp_path):
    rng = np.random.default_rng(0)
    x, y = rng.random((40, 8, 8, 1)).astype(np.float32), rng.integers(0, 3, 40)
    model = Sequential(
        [
            Input((8, 8, 1)),
            RandomTranslation(0.2, 0.2, fill_mode="nearest"),
            GaussianNoise(0.1),
            Conv2D(4, 3, activation="relu"),
            Flatten(),
            GaussianDropout(0.2),
            Dense(3, activation="softmax"),
        ]
    )
    assert model.count_params() == (3 * 3 * 1 * 4 + 4) + (6 * 6 * 4 * 3 + 3)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)
    assert np.isfinite(history.history["loss"][0])
    model.save(tmp_path / "augmented.nabla")
    loaded = load_model(tmp_path / "augmented.nabla")
    assert [type(layer).__name__ for layer in loaded.layers] == [type(layer).__name__ for layer in model.layers]
    assert loaded.layers[0].get_config() == model.layers[0].get_config()
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))  # inference: no randomness
