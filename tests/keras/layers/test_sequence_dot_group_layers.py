"""UpSampling1D, ZeroPadding1D, Cropping1D, Dot, SpatialDropout1D/3D and GroupNormalization against Keras 3's
layers (PyTorch backend): values, gradients, configs, summaries, a few steps of fit, saving."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_compare import TOL, check_config_keys, check_save_load, check_summary, compare_with_keras
from keras_reference import data

import nabla as nb
import nabla.keras as nk
from nabla.keras import Sequential
from nabla.keras import layers as L  # noqa: N812
from nabla.keras.models import load_model

CASES = [
    ("UpSampling1D", {}, (2, 7, 4)),
    ("UpSampling1D", {"size": 3}, (2, 7, 4)),
    ("ZeroPadding1D", {}, (2, 7, 4)),
    ("ZeroPadding1D", {"padding": (2, 0)}, (2, 7, 4)),
    ("Cropping1D", {}, (2, 7, 4)),
    ("Cropping1D", {"cropping": (0, 3)}, (2, 7, 4)),
    ("SpatialDropout1D", {"rate": 0.3}, (2, 7, 4)),  # at inference: the identity
    ("SpatialDropout3D", {"rate": 0.3}, (2, 3, 3, 2, 4)),
    ("GroupNormalization", {"groups": 2}, (2, 7, 4)),
    ("GroupNormalization", {"groups": 4, "epsilon": 0.1}, (2, 3, 5, 8)),
    ("GroupNormalization", {"groups": 1, "axis": 1, "center": False}, (2, 6, 3)),
]


@pytest.mark.parametrize("name, kwargs, shape", CASES)
def test_matches_keras(keras, name, kwargs, shape):
    layer, k_layer = getattr(L, name)(**kwargs), getattr(keras.layers, name)(**kwargs)
    if k_layer.weights or name == "GroupNormalization":  # weights other than ones and zeros
        k_layer.build(shape)
        k_layer.set_weights([data(*w.shape, seed=i + 3) for i, w in enumerate(k_layer.get_weights())])
    compare_with_keras(layer, k_layer, data(*shape))  # values, the input's and the weights' gradients
    check_config_keys(layer, k_layer)
    check_summary(lambda: getattr(L, name)(**kwargs), lambda: getattr(keras.layers, name)(**kwargs), keras, shape[1:])


DOTS = [  # axes, normalize, the two inputs' shapes
    (1, False, (3, 5), (3, 5)),
    (1, True, (3, 5), (3, 5)),  # cosine similarity
    ((2, 2), False, (3, 4, 5), (3, 6, 5)),
    ((1, 2), True, (3, 4, 5), (3, 6, 4)),
    (-1, False, (3, 4, 5), (3, 2, 5)),
    ((2, 1), False, (3, 2, 4, 5), (3, 4, 6)),
]


@pytest.mark.parametrize("axes, normalize, first, second", DOTS)
def test_dot_matches_keras(keras, axes, normalize, first, second):
    torch = require("torch")
    a, b = data(*first, seed=1), data(*second, seed=2)
    k_layer = keras.layers.Dot(axes, normalize=normalize)
    ta, tb = torch.tensor(a, requires_grad=True), torch.tensor(b, requires_grad=True)
    k_out = k_layer([ta, tb])
    na, nb_ = nb.tensor(a, requires_grad=True), nb.tensor(b, requires_grad=True)
    layer = L.Dot(axes, normalize=normalize)
    out = layer([na, nb_])
    assert out.shape == tuple(k_out.shape)
    np.testing.assert_allclose(out.numpy(), k_out.detach().numpy(), **TOL)
    w = data(*out.shape, seed=3)
    (k_out * torch.tensor(w)).sum().backward()
    (out * nb.tensor(w)).sum().backward()
    np.testing.assert_allclose(na.grad.numpy(), ta.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(nb_.grad.numpy(), tb.grad.numpy(), rtol=1e-5, atol=1e-5)
    check_config_keys(layer, k_layer)


def test_a_group_normalized_convnet_trains_as_keras_does(keras):
    """Three SGD steps from the same weights: the same weights after, as Keras's."""
    x, y = data(8, 6, 6, 2, seed=1), data(8, 1, seed=2)

    def stack(lib):
        return [lib.layers.Conv2D(4, 3, activation="relu"), lib.layers.GroupNormalization(2),
                lib.layers.SpatialDropout2D(0.0), lib.layers.Flatten(), lib.layers.Dense(1)]  # fmt: skip

    k_model = keras.Sequential([keras.Input((6, 6, 2)), *stack(keras)])
    model = Sequential([L.Input((6, 6, 2)), *stack(nk)])
    model.set_weights(k_model.get_weights())
    for m, optimizer in ((k_model, keras.optimizers.SGD(0.05)), (model, nk.optimizers.SGD(0.05))):
        m.compile(optimizer, "mse")
        m.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0)
    for mine, theirs in zip(model.get_weights(), k_model.get_weights()):
        np.testing.assert_allclose(mine, theirs, rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("cls, shape", [(L.SpatialDropout1D, (300, 6, 8)), (L.SpatialDropout3D, (300, 2, 2, 3, 8))])
def test_spatial_dropout_drops_whole_channels_while_training(cls, shape):
    nb.manual_seed(0)
    x = np.ones(shape, dtype=np.float32)
    out = np.asarray(cls(0.25)(x, training=True)).reshape(shape[0], -1, shape[-1])
    assert np.all(out.min(axis=1) == out.max(axis=1))  # each map is all kept or all dropped
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.75)}
    assert abs((out[:, 0] == 0).mean() - 0.25) < 0.04  # 2400 maps: > 4 standard deviations
    np.testing.assert_array_equal(np.asarray(cls(0.25)(x, training=False)), x)


def test_models_of_these_layers_save_and_load(tmp_path):
    nb.manual_seed(1)
    model = Sequential([L.Input((6, 4)), L.ZeroPadding1D((1, 2)), L.UpSampling1D(2), L.Cropping1D(3),
                        L.SpatialDropout1D(0.2), L.GroupNormalization(2, gamma_initializer="random_normal"),
                        L.Flatten(), L.Dense(3)])  # fmt: skip
    check_save_load(model, data(3, 6, 4), tmp_path)
    a, b = L.Input((4, 5)), L.Input((6, 5))
    functional = nk.Model([a, b], L.Dot((2, 2), normalize=True)([a, b]))
    functional.save(tmp_path / "dot.keras")
    loaded = load_model(tmp_path / "dot.keras")
    inputs = [data(2, 4, 5, seed=1), data(2, 6, 5, seed=2)]
    np.testing.assert_array_equal(loaded.predict(inputs, verbose=0), functional.predict(inputs, verbose=0))


def test_bad_arguments_say_what_was_received():
    with pytest.raises(ValueError, match=r"groups=3 must divide the 4 channels"):
        L.GroupNormalization(3)(data(2, 5, 4))
    with pytest.raises(ValueError, match=r"axes must be an int or a pair of ints, got \(1, 2, 3\)"):
        L.Dot((1, 2, 3))
    with pytest.raises(ValueError, match=r"axes 1 do not pair inputs of shapes \(2, 3\) and \(2, 4\)"):
        L.Dot(1)([data(2, 3), data(2, 4)])
    with pytest.raises(ValueError, match="leaves nothing of 4 steps"):
        L.Cropping1D(2)(data(1, 4, 2))
    with pytest.raises(ValueError, match=r"padding must be an int >= 0 or a pair"):
        L.ZeroPadding1D(-1)
    with pytest.raises(ValueError, match=r"needs \(batch, steps, C\) inputs"):
        L.SpatialDropout1D(0.1)(data(1, 2, 2, 2))
