"""Keras 3's losses as nabla.keras.losses: values and gradients against Keras on its torch backend.

Each loss runs on the same float32 inputs in both, on random data and on extreme data (probabilities
of exactly 0 and 1, huge logits, zero vectors), with sample weights and every reduction.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla import losses


def _onehot(rng, shape):
    return np.eye(shape[-1], dtype=np.float32)[rng.integers(0, shape[-1], shape[:-1])]


def _softmax(z):
    e = np.exp(z - z.max(-1, keepdims=True))
    return (e / e.sum(-1, keepdims=True)).astype(np.float32)


def _uniform(rng, shape):
    return rng.uniform(0.01, 0.99, shape).astype(np.float32)


def _normal(rng, shape):
    return rng.normal(size=shape).astype(np.float32)


def _binary(rng, shape):
    return rng.integers(0, 2, shape).astype(np.float32)


def _extreme_probabilities(rng, shape):
    return rng.choice(np.array([0.0, 1.0, 1e-9, 1 - 1e-9, 0.5], np.float32), shape)


def _extreme_values(rng, shape):
    return rng.choice(np.array([0.0, 1e4, -1e4, 88.0, -88.0, 1e-20], np.float32), shape)


def _logits(rng, shape):
    return rng.choice(np.array([-100.0, -20.0, 0.0, 20.0, 100.0], np.float32), shape)


# (class name, constructor arguments, targets, predictions, extreme predictions)
CASES = [
    ("KLDivergence", {}, lambda r, s: _softmax(_normal(r, s)), lambda r, s: _softmax(_normal(r, s)),
     _extreme_probabilities),
    ("Poisson", {}, lambda r, s: r.poisson(2.0, s).astype(np.float32), _uniform, _extreme_probabilities),
    ("LogCosh", {}, _normal, _normal, _extreme_values),
    ("CosineSimilarity", {}, _normal, _normal, lambda r, s: np.zeros(s, np.float32)),
    ("CosineSimilarity", {"axis": 0}, _normal, _normal, _extreme_values),
    ("Hinge", {}, _binary, _normal, _extreme_values),
    ("Hinge", {}, lambda r, s: 2 * _binary(r, s) - 1, _normal, _extreme_values),
    ("SquaredHinge", {}, _binary, _normal, _extreme_values),
    ("CategoricalHinge", {}, _onehot, _normal, _extreme_values),
    ("MeanAbsolutePercentageError", {}, _normal, _normal, _extreme_values),
    ("MeanSquaredLogarithmicError", {}, _uniform, _uniform, _extreme_values),
    ("BinaryFocalCrossentropy", {}, _binary, _uniform, _extreme_probabilities),
    ("BinaryFocalCrossentropy", {"apply_class_balancing": True, "alpha": 0.4, "gamma": 1.5, "label_smoothing": 0.1},
     _binary, _uniform, _extreme_probabilities),
    ("BinaryFocalCrossentropy", {"from_logits": True}, _binary, _normal, _logits),
    ("CategoricalFocalCrossentropy", {}, _onehot, lambda r, s: _softmax(_normal(r, s)), _extreme_probabilities),
    ("CategoricalFocalCrossentropy", {"from_logits": True, "alpha": 0.5, "gamma": 3.0, "label_smoothing": 0.2},
     _onehot, _normal, _logits),
    ("Dice", {}, _binary, _uniform, _extreme_probabilities),
    ("Dice", {"axis": (1,)}, _binary, _uniform, _extreme_probabilities),
    ("Tversky", {"alpha": 0.3, "beta": 0.7}, _binary, _uniform, _extreme_probabilities),
    ("Tversky", {"alpha": 0.8, "beta": 0.2, "axis": (1,)}, _binary, _uniform, _extreme_probabilities),
]
IDS = [f"{name}-{i}" for i, (name, *_) in enumerate(CASES)]


def _reference(keras, name, kwargs, y_true, y_pred, sample_weight, reduction):
    import torch

    theirs = torch.tensor(y_pred, requires_grad=True)
    loss = getattr(keras.losses, name)(reduction=reduction, **kwargs)
    weight = None if sample_weight is None else torch.tensor(sample_weight)
    value = loss(torch.tensor(y_true), theirs, sample_weight=weight)
    value.sum().backward()
    return value.detach().numpy(), theirs.grad.numpy()


def _ours(name, kwargs, y_true, y_pred, sample_weight, reduction):
    ours = nb.tensor(y_pred, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow or divide warnings on extreme inputs
        value = getattr(losses, name)(reduction=reduction, **kwargs)(y_true, ours, sample_weight)
        value.sum().backward()
    assert value.dtype == np.float32 and ours.grad.dtype == np.float32
    return value.numpy(), ours.grad.numpy()


@pytest.mark.parametrize("reduction", ["sum_over_batch_size", "sum", "none", "mean_with_sample_weight"])
@pytest.mark.parametrize("extreme", [False, True], ids=["random", "extreme"])
@pytest.mark.parametrize("case", CASES, ids=IDS)
def test_value_and_gradient_match_keras(keras, case, extreme, reduction):
    name, kwargs, make_true, make_pred, make_extreme = case
    if extreme and name == "BinaryFocalCrossentropy" and kwargs.get("from_logits"):
        pytest.skip(
            "on saturated logits Keras on PyTorch clips and Keras on TensorFlow (nabla's rule) uses the logits: "
            "tests/keras/losses/test_logits_behind_activations.py checks TensorFlow's numbers"
        )
    rng = np.random.default_rng(len(name))
    shape = (6, 5)
    y_true = make_true(rng, shape)
    y_pred = (make_extreme if extreme else make_pred)(rng, shape)
    weighted = reduction != "sum" and kwargs.get("axis") != 0  # (per-sample values along axis 0 are per column)
    weights = rng.uniform(0.0, 2.0, shape[0]).astype(np.float32) if weighted else None
    value, grad = _ours(name, kwargs, y_true, y_pred, weights, reduction)
    expected_value, expected_grad = _reference(keras, name, kwargs, y_true, y_pred, weights, reduction)
    np.testing.assert_allclose(value, expected_value, rtol=2e-5, atol=1e-5)
    # Keras's gradient is NaN for an all-zero vector in CosineSimilarity (rsqrt(0)); nabla's stays finite.
    known = np.isfinite(expected_grad)
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad[known], expected_grad[known], rtol=2e-4, atol=1e-5)


@pytest.mark.parametrize("name", sorted(losses._NAMES))
def test_every_name_is_keras_s_and_builds_keras_s_config(keras, name):
    """compile(loss="kld") and the others: the class Keras builds for the name, with Keras's config."""
    ours = losses.get(name)
    if name in ("bce", "huber_loss", "kullback_leibler_divergence", "logcosh"):  # (nabla's and Keras 2's names)
        return
    theirs = keras.losses.get(name)
    theirs_config = theirs.get_config() if hasattr(theirs, "get_config") else None
    if theirs_config is None:  # Keras gives a function for a snake_case name: compare the class's config
        theirs_config = getattr(keras.losses, type(ours).__name__)().get_config()
    ours_config = ours.get_config()
    assert ours_config["reduction"] == theirs_config["reduction"]
    for key, value in ours_config.items():
        if key in theirs_config and key != "name":
            assert value == (list(theirs_config[key]) if isinstance(theirs_config[key], tuple) else
                             theirs_config[key]), key  # fmt: skip


@pytest.mark.parametrize("name", [n for n, *_ in CASES])
def test_default_name_and_config_round_trip(keras, name):
    ours = getattr(losses, name)()
    assert ours.name == getattr(keras.losses, name)().name
    again = losses.deserialize(losses.serialize(ours))
    assert type(again) is type(ours) and again.get_config() == ours.get_config()


def test_reduction_is_checked():
    with pytest.raises(ValueError, match="reduction must be one of"):
        losses.Hinge(reduction="average")


@pytest.mark.parametrize("loss", ["kld", "poisson", "log_cosh", "hinge", "binary_focal_crossentropy",
                                  losses.Tversky(alpha=0.3, beta=0.7)], ids=str)  # fmt: skip
def test_compile_fit_save_and_load_with_the_new_losses(tmp_path, loss):
    x = np.random.default_rng(0).uniform(size=(32, 4)).astype(np.float32)
    y = (x[:, :1] > 0.5).astype(np.float32)
    model = nb.keras.Sequential([nb.keras.Input((4,)), nb.keras.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="adam", loss=loss, metrics=["kl_divergence", "poisson", "logcosh", "hinge"])
    history = model.fit(x, y, epochs=2, verbose=0).history
    assert np.isfinite(history["loss"]).all()
    require("safetensors")
    model.save(tmp_path / "m.nabla")
    again = nb.keras.models.load_model(tmp_path / "m.nabla")
    # (model.loss: compile's argument, a name or the rebuilt object, as Keras 3's; the loss computed: _compile_loss)
    assert again._compile_loss.get_config() == model._compile_loss.get_config()
    assert again.loss == loss if isinstance(loss, str) else again.loss.get_config() == loss.get_config()
    assert again.evaluate(x, y, verbose=0) == pytest.approx(model.evaluate(x, y, verbose=0))


def _fit_targets(kind: str, rng) -> np.ndarray:
    labels = rng.integers(0, 3, 60)
    return {"onehot": np.eye(3, dtype=np.float32)[labels], "binary": rng.integers(0, 2, (60, 3)).astype(np.float32),
            "counts": rng.poisson(1.5, (60, 3)).astype(np.float32),
            "real": rng.normal(size=(60, 3)).astype(np.float32),
            "positive": rng.uniform(0.5, 2.0, (60, 3)).astype(np.float32)}[kind]  # fmt: skip


@pytest.mark.parametrize(
    "name, activation, kind",
    [("KLDivergence", "softmax", "onehot"), ("Poisson", "softplus", "counts"), ("LogCosh", None, "real"),
     ("CosineSimilarity", None, "real"), ("Hinge", "tanh", "binary"), ("SquaredHinge", "tanh", "binary"),
     ("CategoricalHinge", None, "onehot"), ("MeanAbsolutePercentageError", None, "positive"),
     ("MeanSquaredLogarithmicError", "softplus", "counts"), ("BinaryFocalCrossentropy", "sigmoid", "binary"),
     ("CategoricalFocalCrossentropy", "softmax", "onehot"), ("Dice", "sigmoid", "binary"),
     ("Tversky", "sigmoid", "binary")],
)  # fmt: skip
def test_fit_with_each_new_loss_gives_keras_s_history(keras, name, activation, kind):
    """compile(loss=<the class>) trains as Keras does: the same losses epoch by epoch and the same weights."""
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(60, 4)).astype(np.float32), _fit_targets(kind, rng)
    models = [module.Sequential([module.Input((4,)), module.layers.Dense(6, activation="tanh"),
                                 module.layers.Dense(3, activation=activation)]) for module in (keras, nb.keras)]
    models[1].set_weights(models[0].get_weights())
    histories = []
    rate = 0.001 if name == "MeanAbsolutePercentageError" else 0.1  # (percentages: gradients 100 times larger)
    for module, model in zip((keras, nb.keras), models):
        model.compile(optimizer=module.optimizers.SGD(rate), loss=getattr(module.losses, name)())
        histories.append(model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    for ours, theirs in zip(models[1].get_weights(), models[0].get_weights()):
        np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)


def _scaled_squared_error(module):
    class ScaledSquaredError(module.losses.Loss):
        """A loss of one's own, Keras's way: call() gives per-sample losses."""

        def __init__(self, scale: float = 2.0, **kwargs):
            super().__init__(**kwargs)
            self.scale = scale

        def call(self, y_true, y_pred):
            return self.scale * module.ops.mean(module.ops.square(y_pred - y_true), axis=-1)

    return ScaledSquaredError(scale=3.0, name="scaled", reduction="sum")


def test_a_loss_subclass_with_call_trains_as_keras_s(keras):
    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(40, 4)).astype(np.float32), rng.normal(size=(40, 2)).astype(np.float32)
    models = [module.Sequential([module.Input((4,)), module.layers.Dense(2)]) for module in (keras, nb.keras)]
    models[1].set_weights(models[0].get_weights())
    histories = []
    for module, model in zip((keras, nb.keras), models):
        model.compile(optimizer=module.optimizers.SGD(0.01), loss=_scaled_squared_error(module))
        histories.append(model.fit(x, y, epochs=3, batch_size=16, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[1], histories[0], rtol=1e-5)
    with pytest.raises(NotImplementedError, match="must define call"):
        losses.Loss()(y, nb.tensor(y))
