"""Keras's losses (``nabla.keras.losses``): the values of Keras's documentation, and PyTorch's for the fused forms."""

from __future__ import annotations

import numpy as np
import pytest
from reference import torch

import nabla as nb
from nabla import keras as nk
from nabla import losses

PROBS = [[0.05, 0.95, 0.0], [0.1, 0.8, 0.1]]


@pytest.mark.parametrize(
    "loss, y_true, y_pred, sample_weight, expected",
    [
        (losses.BinaryCrossentropy(from_logits=True), [0, 1, 0, 0], [-18.6, 0.51, 2.94, -12.8], None, 0.865),
        ("binary_crossentropy", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], None, 0.815),
        ("binary_crossentropy", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], [1, 0], 0.458),
        ("categorical_crossentropy", [[0, 1, 0], [0, 0, 1]], PROBS, None, 1.177),
        ("categorical_crossentropy", [[0, 1, 0], [0, 0, 1]], PROBS, [0.3, 0.7], 0.814),
        ("sparse_categorical_crossentropy", [1, 2], PROBS, None, 1.177),
        ("mse", [[0, 1], [0, 0]], [[1, 1], [1, 0]], None, 0.5),
        ("mse", [[0, 1], [0, 0]], [[1, 1], [1, 0]], [0.7, 0.3], 0.25),
        ("mae", [[0, 1], [0, 0]], [[1, 1], [1, 0]], None, 0.5),
        ("huber", [[0, 1], [0, 0]], [[0.6, 0.4], [0.4, 0.6]], None, 0.155),
    ],
)
def test_losses_match_keras_documented_values(loss, y_true, y_pred, sample_weight, expected):
    value = losses.get(loss)(np.array(y_true), nb.tensor(np.array(y_pred, dtype=np.float32)), sample_weight)
    assert value.dtype == np.float32
    assert value.item() == pytest.approx(expected, abs=1e-3)


@pytest.mark.parametrize("name", ["categorical_crossentropy", "sparse_categorical_crossentropy"])
@pytest.mark.parametrize("shape", [(6, 4), (3, 2, 4)], ids=str)
def test_crossentropy_from_logits_matches_torch_values_and_gradients(name, shape):
    th = torch()
    rng = np.random.default_rng(0)
    logits = rng.standard_normal(shape) * 5
    labels = rng.integers(0, shape[-1], shape[:-1])
    y_true = np.eye(shape[-1])[labels] if name.startswith("categorical") else labels
    loss = {"categorical_crossentropy": losses.CategoricalCrossentropy, "sparse_categorical_crossentropy":
            losses.SparseCategoricalCrossentropy}[name](from_logits=True)  # fmt: skip
    ours = nb.tensor(logits, requires_grad=True)
    value = loss(y_true, ours)
    value.backward()
    theirs = th.tensor(logits, requires_grad=True)
    expected = th.nn.functional.cross_entropy(theirs.reshape(-1, shape[-1]), th.tensor(labels.reshape(-1)))
    expected.backward()
    np.testing.assert_allclose(value.item(), expected.item(), rtol=1e-10)
    np.testing.assert_allclose(ours.grad.numpy(), theirs.grad.numpy(), rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", ["kl_divergence", "mean_squared_error", "poisson", "huber"])
@pytest.mark.parametrize("shape", [(300,), (4, 6)], ids=str)
def test_a_number_as_target_is_every_element_s_as_keras(name, shape):
    # Géron ch. 17's sparse autoencoder: kl_divergence(0.1, mean_activities); Keras broadcasts the number
    from keras_reference import keras_on_torch

    keras = keras_on_torch()
    y_pred = np.random.default_rng(0).uniform(0.05, 0.95, shape).astype(np.float32)
    expected = keras.ops.convert_to_numpy(getattr(keras.losses, name)(0.1, y_pred))
    value = getattr(nk.losses, name)(0.1, y_pred)
    assert value.shape == expected.shape and value.dtype == np.float32
    np.testing.assert_allclose(np.asarray(value), expected, rtol=1e-5)
