"""``SparseCategoricalCrossentropy(ignore_class=...)`` (loss, function and metric) against Keras 3 on PyTorch.

Keras 3 gives the ignored positions a loss of 0 and masks them on the result, so the loss's mean is over the
others; its metric keeps them in the mean (as zeros). Each case runs Keras in the test.
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk
from nabla.keras import backend_functions as K

VOID = 255


def keras_value(value) -> np.ndarray:
    return np.asarray(value.detach().numpy() if hasattr(value, "detach") else value)


def _segmentation(seed: int = 0, batch: int = 2):
    """Logits (batch, 3, 4, 5), their softmax, and labels (batch, 3, 4) with some VOID pixels."""
    rng = np.random.default_rng(seed)
    logits = rng.normal(size=(batch, 3, 4, 5)).astype(np.float32)
    labels = rng.integers(0, 5, size=(batch, 3, 4))
    labels[rng.random(labels.shape) < 0.25] = VOID
    labels[0, 0, :2] = VOID
    probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
    return logits, probs.astype(np.float32), labels


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "mean_with_sample_weight", "none"])
@pytest.mark.parametrize("from_logits", [True, False])
@pytest.mark.parametrize("weights", [None, "per_pixel", "per_image"])
def test_loss_matches_keras(keras, reduction, from_logits, weights):
    logits, probs, labels = _segmentation()
    y_pred = logits if from_logits else probs
    rng = np.random.default_rng(1)
    sample_weight = {
        None: None,
        "per_pixel": rng.uniform(0.1, 2.0, size=labels.shape).astype(np.float32),
        "per_image": np.array([0.5, 2.0], np.float32),
    }[weights]
    # (Keras on PyTorch refuses weights of one per image here, an in-place broadcast: it is given them per pixel)
    theirs = sample_weight if weights != "per_image" else np.repeat(sample_weight, 12).reshape(labels.shape)
    kwargs = dict(from_logits=from_logits, ignore_class=VOID, reduction=reduction)
    want = keras_value(keras.losses.SparseCategoricalCrossentropy(**kwargs)(labels, y_pred, theirs))
    got = nk.losses.SparseCategoricalCrossentropy(**kwargs)(labels, y_pred, sample_weight=sample_weight)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got.numpy(), want, rtol=1e-5, atol=1e-6)


def test_function_and_gradient_match_keras(keras):
    import torch

    logits, _, labels = _segmentation()
    theirs = torch.tensor(logits, requires_grad=True)
    want = keras.losses.sparse_categorical_crossentropy(labels, theirs, from_logits=True, ignore_class=VOID)
    want.sum().backward()
    x = nk.ops.convert_to_tensor(logits).requires_grad_()
    got = nk.losses.sparse_categorical_crossentropy(labels, x, from_logits=True, ignore_class=VOID)
    got.sum().backward()
    np.testing.assert_allclose(got.numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(x.grad.numpy(), theirs.grad.numpy(), rtol=1e-5, atol=1e-6)
    # the Keras 2 backend function (tf_keras's K.sparse_categorical_crossentropy), with the classes first
    moved = K.sparse_categorical_crossentropy(labels, np.moveaxis(logits, -1, 1), True, axis=1, ignore_class=VOID)
    np.testing.assert_allclose(moved.numpy(), want.detach().numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("from_logits", [True, False])
def test_metric_matches_keras_streaming(keras, from_logits):
    # Unweighted: Keras's metric keeps the ignored pixels in its mean, as zeros. (Keras on PyTorch refuses one
    # weight per image of a segmentation, and nabla's metrics take no weight per pixel.)
    kwargs = dict(from_logits=from_logits, ignore_class=VOID)
    ours, theirs = (
        nk.metrics.SparseCategoricalCrossentropy(**kwargs),
        keras.metrics.SparseCategoricalCrossentropy(**kwargs),
    )
    for seed in range(3):
        logits, probs, labels = _segmentation(seed)
        y_pred = logits if from_logits else probs
        ours.update_state(labels, y_pred)
        theirs.update_state(labels, y_pred)
        np.testing.assert_allclose(ours.result(), keras_value(theirs.result()), rtol=1e-5)
    assert ours.get_config() == theirs.get_config()


def test_configs_match_keras_and_round_trip(keras):
    for ignore_class in (VOID, -1, None):
        ours = nk.losses.SparseCategoricalCrossentropy(ignore_class=ignore_class)
        assert ours.get_config() == keras.losses.SparseCategoricalCrossentropy(ignore_class=ignore_class).get_config()
        assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    with pytest.raises(ValueError, match="ignore_class must be an integer"):
        nk.losses.SparseCategoricalCrossentropy(ignore_class=1.5)


def _model(m):
    return m.Sequential([m.Input((3, 4, 6)), m.layers.Dense(5)])


@pytest.mark.parametrize("jit_compile", [False, True])
def test_fit_and_evaluate_match_keras(keras, jit_compile):
    rng = np.random.default_rng(4)
    x = rng.normal(size=(32, 3, 4, 6)).astype(np.float32)
    y = rng.integers(0, 5, size=(32, 3, 4))
    y[rng.random(y.shape) < 0.3] = VOID
    reference, model = _model(keras), _model(nk)
    model.set_weights(reference.get_weights())
    for m, net, extra in ((keras, reference, {}), (nk, model, {"jit_compile": jit_compile})):
        loss = m.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID)
        metric = m.metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID)
        net.compile(optimizer=m.optimizers.SGD(0.1), loss=loss, metrics=[metric], **extra)
    kwargs = dict(batch_size=8, epochs=3, shuffle=False, verbose=0)
    want, got = reference.fit(x, y, **kwargs).history, model.fit(x, y, **kwargs).history
    assert set(got) == set(want)
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5)
    np.testing.assert_allclose(model.evaluate(x, y, verbose=0), reference.evaluate(x, y, verbose=0), rtol=1e-5)
    if jit_compile:
        assert model._captured_step is not None  # (the masked loss was captured, not run eagerly)


def test_saved_model_keeps_ignore_class(tmp_path):
    rng = np.random.default_rng(5)
    x = rng.normal(size=(8, 3, 4, 6)).astype(np.float32)
    y = rng.integers(0, 5, size=(8, 3, 4))
    y[:, 0] = VOID
    model = _model(nk)
    model.compile(optimizer="adam", loss=nk.losses.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID),
                  metrics=[nk.metrics.SparseCategoricalCrossentropy(from_logits=True, ignore_class=VOID)])  # fmt: skip
    model.save(tmp_path / "m.keras")
    again = nk.models.load_model(tmp_path / "m.keras")
    assert again.loss.get_config()["ignore_class"] == VOID
    np.testing.assert_allclose(again.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0), rtol=1e-6)
