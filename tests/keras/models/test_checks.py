"""The checks before training: warnings for suspicious setups, errors raised before any weight changes."""

from __future__ import annotations

import inspect
import warnings

import numpy as np
import pytest
from keras_toys import blobs, same

import nabla as nb
from nabla import losses
from nabla.diagnostics import ModelConfigWarning
from nabla.layers import Dense
from nabla.models import Sequential


def fit_and_watch(model, x, y, **kwargs):
    """Fit for one epoch; returns (ModelConfigWarnings, whether the weights changed)."""
    before = model.get_weights()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        model.fit(x, y, epochs=1, verbose=0, **kwargs)
    messages = [str(w.message) for w in caught if issubclass(w.category, ModelConfigWarning)]
    return messages, not same(before, model.get_weights())


def dense_model(activation: str, units: int = 3, loss="sparse_categorical_crossentropy"):
    nb.manual_seed(0)
    model = Sequential([Dense(units, activation=activation, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=loss)
    return model


def test_no_warning_for_a_sound_setup():
    x, y = blobs()
    messages, changed = fit_and_watch(dense_model("softmax"), x, y)
    assert messages == [] and changed


def test_warns_softmax_output_with_a_logits_loss():
    x, y = blobs()
    messages, _ = fit_and_watch(
        dense_model("softmax", loss=losses.SparseCategoricalCrossentropy(from_logits=True)), x, y
    )
    assert len(messages) == 1 and "softmax" in messages[0] and "from_logits=True" in messages[0]


def test_warns_raw_outputs_with_a_probability_loss_only_outside_0_1():
    x, y = blobs()
    messages, _ = fit_and_watch(dense_model("linear"), x, y)
    assert len(messages) == 1 and "from_logits=True" in messages[0]
    model = dense_model("linear")
    model.set_weights([np.zeros((3, 3)), np.full(3, 1 / 3)])  # outputs 1/3: inside [0, 1]
    messages, _ = fit_and_watch(model, x, y)
    assert messages == []


def test_warns_sigmoid_with_categorical_crossentropy():
    x, y = blobs()
    messages, _ = fit_and_watch(dense_model("sigmoid", loss="categorical_crossentropy"), x, np.eye(3)[y])
    assert len(messages) == 1 and "softmax" in messages[0]


def test_warns_binary_targets_outside_0_1():
    x, _ = blobs()
    y = np.linspace(-2, 5, len(x)).astype(np.float32)
    messages, _ = fit_and_watch(dense_model("sigmoid", units=1, loss="binary_crossentropy"), x, y)
    assert len(messages) == 1 and "[0, 1]" in messages[0]


X, Y = blobs(n=12)
X_NAN = X.copy()
X_NAN[5, 1] = np.nan


@pytest.mark.parametrize(
    "activation, loss, x, y, kwargs, error, match",
    [
        ("softmax", "sparse_categorical_crossentropy", X, Y + 1, {}, ValueError, r"labels range from 1 to 3.*\[0, 2\]"),
        ("softmax", "sparse_categorical_crossentropy", X, Y - 1, {}, ValueError, r"labels range from -1"),
        ("softmax", "sparse_categorical_crossentropy", X, X[:, 0], {}, ValueError, "integer class labels.*mse"),
        ("softmax", "sparse_categorical_crossentropy", X, Y[:10], {}, ValueError, "12 samples vs 10 labels"),
        ("softmax", "sparse_categorical_crossentropy", X_NAN, Y, {}, ValueError, "NaN.*sample 5"),
        ("softmax", "sparse_categorical_crossentropy", X, np.eye(3)[Y], {}, ValueError, r"\(12, 3\) \(one-hot\?\)"),
        ("softmax", "categorical_crossentropy", X, Y, {}, ValueError, r"one-hot targets of shape \(N, 3\)"),
        ("linear", "mse", X, Y, {}, ValueError, r"targets of shape .* do not match"),
        ("softmax", "sparse_categorical_crossentropy", X, Y, {"validation_split": 1.0}, ValueError, r"\[0, 1\)"),
        ("softmax", "sparse_categorical_crossentropy", X, Y, {"validation_split": -0.1}, ValueError, r"\[0, 1\)"),
        ("softmax", "sparse_categorical_crossentropy", X, Y, {"batch_size": 0}, ValueError, "batch_size"),
    ],
)
def test_errors_are_raised_before_any_weight_changes(activation, loss, x, y, kwargs, error, match):
    model = dense_model(activation, loss=loss)
    before = model.get_weights()
    with pytest.raises(error, match=match):
        model.fit(x, y, epochs=1, verbose=0, **kwargs)
    assert same(before, model.get_weights())


def test_a_metric_that_cannot_take_the_labels_fails_before_training():
    model = dense_model("softmax")
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy", metrics=["mae"])
    before = model.get_weights()
    with pytest.raises(ValueError, match="mean_absolute_error"):
        model.fit(X, Y, verbose=0)
    assert same(before, model.get_weights())


def test_fit_evaluate_before_compile():
    model = Sequential([Dense(3, input_shape=(3,))])
    for call in (model.fit, model.evaluate, model.train_on_batch, model.test_on_batch):
        with pytest.raises(RuntimeError, match="not compiled.*compile"):
            call(X, Y)


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"optimizer": "adamm", "loss": "mse"}, r"unknown optimizer 'adamm'; valid names: .*adam.*sgd"),
        ({"optimizer": "adam", "loss": "msee"}, r"unknown loss 'msee'; valid names: .*mse"),
        ({"optimizer": "adam", "loss": "mse", "metrics": ["acuracy"]}, r"unknown metric 'acuracy'.*'accuracy'"),
    ],
)
def test_unknown_names_at_compile_list_the_valid_ones(kwargs, match):
    model = Sequential([Dense(3, input_shape=(3,))])
    with pytest.raises(ValueError, match=match):
        model.compile(**kwargs)
    assert model.optimizer is None and model.loss is None  # a failed compile leaves the model uncompiled
    with pytest.raises(ValueError, match=r"unknown activation 'softmaxx'; valid names: .*softmax"):
        Dense(3, activation="softmaxx")


def test_fully_frozen_model_warns_and_does_not_change():
    x, y = blobs()
    model = dense_model("softmax")
    model.layers[0].trainable = False
    messages, changed = fit_and_watch(model, x, y)
    assert not changed and any("does not have any trainable weights" in m for m in messages)


# --- messages in the user's terms: their shapes, their line (issue 17) ---------------------------------


def images_and_labels(n: int = 100):
    rng = np.random.default_rng(0)
    return rng.random((n, 28, 28)).astype(np.float32), rng.integers(0, 10, n)


@pytest.mark.parametrize(
    "loss, one_hot", [("sparse_categorical_crossentropy", False), ("categorical_crossentropy", True)]
)
def test_images_given_to_dense_without_flatten_say_to_add_flatten(loss, one_hot):
    x, y = images_and_labels()
    y = np.eye(10)[y] if one_hot else y
    model = Sequential([Dense(32, activation="relu", input_shape=(28, 28)), Dense(10, activation="softmax")])
    model.compile(optimizer="adam", loss=loss)
    before = model.get_weights()
    with pytest.raises(ValueError, match="add a Flatten") as error:
        model.fit(x, y, verbose=0)
    message = str(error.value)
    assert f"y has shape {y.shape}" in message and "(100, 28, 10)" in message
    assert "Flatten(input_shape=(28, 28))" in message
    assert "(2," not in message  # not the shapes of the two samples the check runs
    assert same(before, model.get_weights())


def test_per_position_labels_of_a_sequence_are_not_taken_for_a_missing_flatten():
    x, _ = images_and_labels(n=20)
    y = np.random.default_rng(1).integers(0, 10, (20, 28))  # one class per row of each sample
    model = Sequential([Dense(10, activation="softmax", input_shape=(28, 28))])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=1, verbose=0)
    assert np.isfinite(history.history["loss"][0])


def test_a_wrong_input_shape_reports_the_shape_of_the_data():
    x = np.random.default_rng(0).normal(size=(100, 3)).astype(np.float32)
    model = Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"x has shape \(100, 3\).*takes samples of shape \(2,\).*input_shape=\(3,\)"):
        model.fit(x, x[:, :1], verbose=0)
    assert model.input_shape == (None, 2)  # the failed call recorded nothing
    model.fit(x[:, :2], x[:, :1], verbose=0)  # the right data still trains


def test_labels_that_do_not_fit_report_the_shapes_of_the_data():
    with pytest.raises(ValueError, match=r"y of shape \(12, 2\) does not fit the model's outputs, of shape \(12, 3\)"):
        dense_model("linear", loss="mse").fit(X, np.zeros((12, 2)), verbose=0)


def config_warnings_at(caught) -> list[tuple[str, int]]:
    """Where each recorded ModelConfigWarning points: (file, line)."""
    return [(w.filename, w.lineno) for w in caught if issubclass(w.category, ModelConfigWarning)]


def frozen_model():
    model = dense_model("softmax")
    model.layers[0].trainable = False
    return model


@pytest.mark.parametrize(
    "make, x, y",
    [
        (lambda: dense_model("softmax", loss=losses.SparseCategoricalCrossentropy(from_logits=True)), X, Y),
        (lambda: dense_model("sigmoid", units=1, loss="binary_crossentropy"), X, np.linspace(-2, 5, 12)),
        (frozen_model, X, Y),
    ],
    ids=["activation and loss", "labels", "no trainable weights"],
)
def test_model_config_warnings_point_at_the_users_fit_line(make, x, y):
    model = make()
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        line = inspect.currentframe().f_lineno + 1
        model.fit(x, y, epochs=1, verbose=0)
    assert config_warnings_at(caught) == [(__file__, line)]
