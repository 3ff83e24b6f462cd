"""Rescaling and Normalization (with adapt) against Keras 3's layers (PyTorch backend) and NumPy."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import check_config_keys, check_save_load, check_summary, compare_with_keras

import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras.layers import Dense, Normalization, Rescaling


def features(*shape, seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.normal(size=shape) * rng.uniform(0.5, 40, size=shape[1:]) + rng.uniform(-50, 50, size=shape[1:])


@pytest.mark.parametrize(
    "kwargs", [{"scale": 1 / 255}, {"scale": 1 / 127.5, "offset": -1}, {"scale": [0.5, 2.0, -1.0]}]
)
def test_rescaling_matches_keras(keras, kwargs):
    x = np.random.default_rng(0).integers(0, 256, (2, 4, 5, 3)).astype(np.float32)
    layer, k_layer = Rescaling(**kwargs), keras.layers.Rescaling(**kwargs)
    compare_with_keras(layer, k_layer, x)
    check_config_keys(layer, k_layer)


def test_rescaling_takes_uint8_images_and_gives_float32():
    out = Rescaling(1 / 255)(np.array([[0, 255, 51]], dtype=np.uint8))
    assert out.dtype == np.float32
    np.testing.assert_allclose(np.asarray(out), [[0.0, 1.0, 0.2]], rtol=1e-6)


@pytest.mark.parametrize("axis", [-1, None, (1, 2), 1, (-1, -2)])
@pytest.mark.parametrize("invert", [False, True])
def test_adapted_normalization_matches_keras(keras, axis, invert):
    x = features(50, 3, 4).astype(np.float32)
    layer, k_layer = Normalization(axis=axis, invert=invert), keras.layers.Normalization(axis=axis, invert=invert)
    layer.adapt(x)
    k_layer.adapt(x)
    for mine, theirs in zip(layer.get_weights()[:2], k_layer.get_weights()[:2]):  # mean, variance
        np.testing.assert_allclose(mine, theirs, rtol=1e-5)
    compare_with_keras(layer, k_layer, features(6, 3, 4, seed=1).astype(np.float32))
    check_config_keys(layer, k_layer)


def test_adapt_is_numpys_population_statistics():
    x = features(200, 9)
    layer = Normalization(axis=-1)
    layer.adapt(x)
    mean, variance, count = layer.get_weights()
    np.testing.assert_allclose(mean, x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(variance, x.var(axis=0), rtol=1e-6)
    assert count == 200
    out = np.asarray(layer(x))
    np.testing.assert_allclose(out.mean(axis=0), 0, atol=1e-4)
    np.testing.assert_allclose(out.std(axis=0), 1, atol=1e-4)


def test_adapt_on_batches_merges_them_as_keras(keras):
    """A list of batches (and a generator of (x, y) batches) gives the statistics of the whole data."""
    x = features(100, 5)
    batches = [x[:17], x[17:60], x[60:]]
    layer, k_layer = Normalization(), keras.layers.Normalization()
    layer.adapt(batches)
    k_layer.adapt([b.astype(np.float32) for b in batches])
    np.testing.assert_allclose(layer.get_weights()[0], x.mean(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[1], x.var(axis=0), rtol=1e-6)
    np.testing.assert_allclose(layer.get_weights()[1], k_layer.get_weights()[1], rtol=1e-4)
    again = Normalization()
    again.adapt((b, np.zeros(len(b))) for b in batches)
    np.testing.assert_allclose(again.get_weights()[0], layer.get_weights()[0], rtol=1e-6)


@pytest.mark.parametrize(
    "mean, variance, axis", [(3.0, 4.0, -1), ([1.0, 2.0, 3.0, 4.0], [1.0, 4.0, 9.0, 0.0], -1), (2.0, 9.0, None)]
)
def test_given_statistics_match_keras(keras, mean, variance, axis):
    kwargs = dict(mean=mean, variance=variance, axis=axis)
    layer, k_layer = Normalization(**kwargs), keras.layers.Normalization(**kwargs)
    compare_with_keras(layer, k_layer, features(6, 3, 4).astype(np.float32))
    assert layer.weights == [] and layer.get_config()["mean"] == mean
    check_config_keys(layer, k_layer)


def test_the_tf_regression_tutorials_normalizers(keras):
    """``normalizer.adapt(np.array(train_features))`` and the one-feature ``Normalization(input_shape=[1,],
    axis=None)``: the models' summaries count what Keras's count (9 features: 19; one feature: 3)."""
    x = features(300, 9).astype(np.float32)
    normalizer = nk.layers.Normalization(axis=-1)
    normalizer.adapt(np.array(x))
    k_normalizer = keras.layers.Normalization(axis=-1)
    k_normalizer.adapt(x)
    model = Sequential([normalizer, nk.layers.Dense(units=1)])
    k_model = keras.Sequential([k_normalizer, keras.layers.Dense(units=1)])
    model.predict(x[:10], verbose=0)
    k_model.predict(x[:10], verbose=0)
    assert model.count_params() == k_model.count_params() == 19 + 10
    horsepower = x[:, 2]
    hp = nk.layers.Normalization(input_shape=[1], axis=None)
    hp.adapt(horsepower)
    k_hp = keras.layers.Normalization(input_shape=[1], axis=None)
    k_hp.adapt(horsepower)
    np.testing.assert_allclose(np.asarray(hp(horsepower[:5, None])), k_hp(horsepower[:5, None]).numpy(), atol=1e-5)
    hp_model = Sequential([hp, nk.layers.Dense(units=1)])
    hp_model.compile(optimizer=nk.optimizers.Adam(learning_rate=0.1), loss="mean_absolute_error")
    history = hp_model.fit(horsepower, x[:, 0], epochs=3, verbose=0, validation_split=0.2)
    assert len(history.history["val_loss"]) == 3
    assert hp_model.count_params() == 3 + 2


@pytest.mark.parametrize(
    "make", [lambda k: k.layers.Rescaling(0.5), lambda k: k.layers.Normalization(mean=1.0, variance=2.0)]
)
def test_summary_matches_keras(keras, make):
    check_summary(lambda: make(nk), lambda: make(keras), keras, (5, 3))


def test_adapted_and_given_normalizations_save_and_load(tmp_path):
    x = features(40, 6).astype(np.float32)
    adapted = Normalization()
    adapted.adapt(x)
    model = Sequential([Rescaling(0.5, offset=[1, 2, 3, 4, 5, 6], input_shape=(6,)), adapted,
                        Normalization(axis=None, mean=2.0, variance=3.0, invert=True), Dense(2)])  # fmt: skip
    check_save_load(model, x[:7], tmp_path)


def test_bad_arguments_are_clear_errors():
    with pytest.raises(ValueError, match="give both mean and variance"):
        Normalization(mean=1.0)
    with pytest.raises(ValueError, match="cannot adapt"):
        Normalization(mean=1.0, variance=1.0).adapt(np.ones((3, 2)))
    layer = Normalization()
    layer.adapt(np.ones((3, 2)))
    with pytest.raises(ValueError, match=r"does not match the layer, built for inputs of shape \(None, 2\)"):
        layer.adapt(np.ones((3, 5)))
    with pytest.raises(ValueError, match="finite number"):
        Rescaling("big")
