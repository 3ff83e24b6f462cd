"""Embedding, UpSampling2D, ZeroPadding2D, Cropping2D, RepeatVector, UnitNormalization, ActivityRegularization and
SpatialDropout2D against Keras 3's layers (PyTorch backend): values, gradients, configs, summaries, saving."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_compare import check_config_keys, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812

CASES = [
    ("UpSampling2D", {}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": (3, 2)}, (2, 3, 4, 2)),
    ("UpSampling2D", {"size": 2, "interpolation": "bilinear"}, (2, 3, 5, 2)),
    ("UpSampling2D", {"size": (3, 4), "interpolation": "bilinear"}, (1, 4, 3, 2)),
    ("ZeroPadding2D", {}, (2, 3, 4, 2)),
    ("ZeroPadding2D", {"padding": (2, 1)}, (2, 3, 4, 2)),
    ("ZeroPadding2D", {"padding": ((1, 0), (0, 3))}, (2, 3, 4, 2)),
    ("Cropping2D", {"cropping": 1}, (2, 5, 6, 2)),
    ("Cropping2D", {"cropping": ((2, 0), (1, 3))}, (2, 5, 6, 2)),
    ("RepeatVector", {"n": 3}, (4, 5)),
    ("UnitNormalization", {}, (4, 5)),
    ("UnitNormalization", {"axis": [1, 2]}, (4, 3, 5)),
    ("ActivityRegularization", {"l1": 0.01, "l2": 0.1}, (4, 5)),
    ("SpatialDropout2D", {"rate": 0.3}, (2, 3, 4, 5)),  # at inference: the identity
]


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_matches_keras(keras, name, kwargs, shape):
    layer, k_layer = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    compare_with_keras(layer, k_layer, data(*shape))
    check_config_keys(layer, k_layer)
    check_summary(lambda: getattr(L, name)(**kwargs), lambda: getattr(keras.layers, name)(**kwargs), keras, shape[1:])


def test_unit_normalization_keeps_a_zero_vector_zero():
    out = np.asarray(L.UnitNormalization()(np.array([[0.0, 0.0], [3.0, 4.0]])))
    np.testing.assert_allclose(out, [[0.0, 0.0], [0.6, 0.8]], rtol=1e-6)


def test_activity_regularization_adds_keras_penalty(keras):
    torch = require("torch")
    x = data(6, 4)
    layer, k_layer = L.ActivityRegularization(l1=0.01, l2=0.1), keras.layers.ActivityRegularization(l1=0.01, l2=0.1)
    layer(x)
    k_layer(torch.tensor(x))
    expected = (0.01 * np.abs(x).sum() + 0.1 * (x**2).sum()) / 6
    np.testing.assert_allclose(float(np.asarray(layer.losses[0])), expected, rtol=1e-5)
    np.testing.assert_allclose(float(k_layer.losses[0]), expected, rtol=1e-5)


@pytest.mark.parametrize("kwargs", [{}, {"embeddings_regularizer": "l2", "activity_regularizer": "l1"}])
def test_embedding_matches_keras(keras, kwargs):
    torch = require("torch")
    indices = np.random.default_rng(0).integers(0, 7, (4, 5))
    layer, k_layer = L.Embedding(7, 3, **kwargs), keras.layers.Embedding(7, 3, **kwargs)
    k_out = k_layer(torch.tensor(indices))
    layer.build()  # (unbuilt until its first call, as Keras's)
    layer.set_weights(k_layer.get_weights())
    out = layer(indices)
    np.testing.assert_allclose(np.asarray(out), k_out.detach().numpy(), rtol=1e-6)
    w = data(4, 5, 3, seed=1)
    loss, k_loss = (out * nb.tensor(w)).sum(), (k_out * torch.tensor(w)).sum()
    if kwargs:
        assert len(layer.losses) == len(k_layer.losses) == 2
        np.testing.assert_allclose(sorted(float(np.asarray(v)) for v in layer.losses),
                                   sorted(float(v) for v in k_layer.losses), rtol=1e-5)  # fmt: skip
        loss, k_loss = loss + sum(layer.losses), k_loss + sum(k_layer.losses)
    loss.backward()
    k_loss.backward()
    np.testing.assert_allclose(layer.embeddings.grad.numpy(), k_layer.embeddings.value.grad.numpy(), rtol=1e-5)
    check_config_keys(layer, k_layer)
    check_summary(lambda: L.Embedding(7, 3), lambda: keras.layers.Embedding(7, 3), keras, (5,))


def test_embedding_takes_float_indices_trains_and_refuses_bad_ones():
    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.integers(0, 20, (64, 6)).astype(np.float32), rng.integers(0, 2, 64)
    model = Sequential([L.Input((6,)), L.Embedding(20, 4, input_length=6), L.Flatten(), L.Dense(1, "sigmoid")])
    assert model.count_params() == 20 * 4 + 6 * 4 + 1
    model.compile("adam", "binary_crossentropy")
    history = model.fit(x, y, epochs=3, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0]
    with pytest.raises(ValueError, match=r"index 20 is outside \[0, 20\)"):
        model.layers[0](np.array([[20, 1]]))
    with pytest.raises(ValueError, match="integer indices"):
        model.layers[0](np.array([[1.5]]))
    with pytest.raises(ValueError, match="input_dim must be a positive integer"):
        L.Embedding(0, 2)


def test_spatial_dropout_drops_whole_channels_while_training():
    nb.manual_seed(0)
    x = np.ones((200, 3, 4, 8), dtype=np.float32)
    out = np.asarray(L.SpatialDropout2D(0.25)(x, training=True))
    per_map = out.reshape(200, 12, 8)
    assert np.all(per_map.min(axis=1) == per_map.max(axis=1))  # each map is all kept or all dropped
    assert set(np.unique(per_map)) == {0.0, np.float32(1 / 0.75)}
    assert abs((per_map[:, 0] == 0).mean() - 0.25) < 0.04  # 1600 maps: 4 standard deviations
    np.testing.assert_array_equal(np.asarray(L.SpatialDropout2D(0.25)(x, training=False)), x)


def test_cropping_and_padding_arguments_are_checked():
    with pytest.raises(ValueError, match="leaves nothing"):
        L.Cropping2D(3)(data(1, 5, 5, 1))
    with pytest.raises(ValueError, match=r"padding must be an int >= 0, a pair"):
        L.ZeroPadding2D(-1)
    with pytest.raises(ValueError, match="n must be a positive integer"):
        L.RepeatVector(0)


def test_a_model_of_these_layers_saves_and_loads(tmp_path):
    nb.manual_seed(1)
    model = Sequential([
        L.Input((6, 5, 2)), L.ZeroPadding2D(((1, 0), (2, 1))), L.UpSampling2D((2, 1), interpolation="bilinear"),
        L.Cropping2D((1, 2)), L.SpatialDropout2D(0.2), L.UnitNormalization(axis=[1, 2]), L.Flatten(),
        L.ActivityRegularization(l2=0.01), L.Dense(4), L.RepeatVector(3), L.Dense(2),
    ])  # fmt: skip
    check_save_load(model, data(3, 6, 5, 2), tmp_path)
    words = Sequential([L.Input((4,)), L.Embedding(9, 3, embeddings_regularizer="l2"), nk.layers.Flatten()])
    check_save_load(words, np.array([[1, 2, 3, 8], [0, 0, 5, 4]], dtype=np.float32), tmp_path)
