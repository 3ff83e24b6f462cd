"""Weight penalties: their value in the loss and their gradient, by hand."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla import regularizers
from nabla.layers import Dense
from nabla.models import Sequential


@pytest.mark.parametrize(
    "factory, penalty",
    [
        (lambda: nb.regularizers.l2(0.01), lambda k: 0.01 * (k**2).sum()),
        (lambda: regularizers.l1(0.02), lambda k: 0.02 * np.abs(k).sum()),
        (lambda: regularizers.l1_l2(0.01, 0.03), lambda k: 0.01 * np.abs(k).sum() + 0.03 * (k**2).sum()),
    ],
)
def test_regularizers_add_their_penalty_to_the_loss(factory, penalty):
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=(16, 2)).astype(np.float32)
    model = Sequential([Dense(2, input_shape=(3,), kernel_regularizer=factory())])
    model.compile(optimizer="sgd", loss="mse")
    kernel, bias = model.get_weights()
    expected = ((x @ kernel + bias - y) ** 2).mean() + penalty(kernel)
    assert model.evaluate(x, y, batch_size=16, verbose=0) == pytest.approx(expected, rel=1e-5)
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0)  # one batch: its loss is taken before the step
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    kernel, bias = model.get_weights()
    expected = ((x @ kernel + bias - y) ** 2).mean() + penalty(kernel)
    assert model.train_on_batch(x, y) == pytest.approx(expected, rel=1e-5)
    assert len(model.losses) == 1


def test_regularizer_gradient_pulls_weights_to_zero():
    """With a zero data loss, SGD on l2(c) gives k <- k - lr * 2c * k."""
    x = np.zeros((4, 3), dtype=np.float32)
    model = Sequential([Dense(2, input_shape=(3,), use_bias=False, kernel_regularizer=regularizers.l2(0.5))])
    model.compile(optimizer=nb.optim.SGD(lr=0.1), loss="mse")
    (kernel,) = model.get_weights()
    model.train_on_batch(x, np.zeros((4, 2), dtype=np.float32))
    np.testing.assert_allclose(model.get_weights()[0], kernel * (1 - 0.1 * 2 * 0.5), rtol=1e-6)


@pytest.mark.parametrize(
    "make",
    [
        lambda r: r.l2(0.001),  # the overfit tutorial's
        lambda r: r.l1(0.5),
        lambda r: r.l1_l2(l1=0.1, l2=0.2),
        lambda r: r.L1L2(),
        lambda r: r.L2(),
        lambda r: r.get({"class_name": "L1L2", "config": {"l1": 0.1, "l2": 0.2}}),
    ],
)
def test_regularizers_are_keras_3_s_classes_with_their_configs_and_values(keras, make):
    ours, theirs = make(nb.regularizers), make(keras.regularizers)
    assert type(ours).__name__ == type(theirs).__name__
    assert ours.get_config() == theirs.get_config()
    assert nb.regularizers.serialize(ours) == keras.regularizers.serialize(theirs)
    w = np.array([[1.0, -2.0], [0.5, 3.0]], np.float32)
    np.testing.assert_allclose(float(ours(nb.Tensor(w))), float(keras.ops.convert_to_numpy(theirs(w))), rtol=1e-6)
    layer, reference = Dense(2, kernel_regularizer=ours), keras.layers.Dense(2, kernel_regularizer=theirs)
    assert layer.get_config()["kernel_regularizer"] == reference.get_config()["kernel_regularizer"]
    again = Dense.from_config(layer.get_config())
    assert again.kernel_regularizer.get_config() == ours.get_config()


def test_bad_regularizer_factors_and_names_are_refused():
    with pytest.raises(ValueError, match="L2: l2 must be a number >= 0, got l2=-1"):
        regularizers.l2(-1)
    with pytest.raises(ValueError, match="unknown regularizer 'Mine'"):
        regularizers.get({"class_name": "Mine", "config": {}})
