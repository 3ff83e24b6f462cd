"""The Keras-style models: summary, compile/fit/evaluate/predict, callbacks inside fit, saving, Ctrl-C, checks.

Parameter counts are Keras's published numbers; learning tests start from
``nb.manual_seed`` and use small NumPy datasets so the file runs in seconds.
"""

from __future__ import annotations

import csv
import os
import signal
import warnings

import numpy as np
import pytest
from reference import torch

import nabla as nb
from nabla import callbacks, layers, losses, regularizers
from nabla.diagnostics import ModelConfigWarning
from nabla.layers import BatchNormalization, Conv2D, Dense, Dropout, Flatten, Input, Layer, MaxPooling2D
from nabla.models import Model, Sequential, load_model

# --- data --------------------------------------------------------------------------------

XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float32)
XOR_Y = np.array([0, 1, 1, 0])


def two_moons(n: int = 200, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaved half circles, labels 0 (upper) and 1 (lower), in random order."""
    rng = np.random.default_rng(seed)
    t, labels = rng.uniform(0, np.pi, n), rng.integers(0, 2, n)
    upper = np.stack([np.cos(t), np.sin(t)], 1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], 1)
    points = np.where(labels[:, None] == 0, upper, lower) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), labels


def circles(n: int = 200, noise: float = 0.05, factor: float = 0.5, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """A circle of radius ``factor`` (label 1) inside one of radius 1 (label 0)."""
    rng = np.random.default_rng(seed)
    t, labels = rng.uniform(0, 2 * np.pi, n), rng.integers(0, 2, n)
    radius = np.where(labels == 1, factor, 1.0)[:, None]
    points = radius * np.stack([np.cos(t), np.sin(t)], 1) + rng.normal(0, noise, (n, 2))
    return points.astype(np.float32), labels


def blobs(n: int = 60, features: int = 3, classes: int = 3, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    y = rng.integers(0, classes, n)
    x = rng.normal(size=(n, features)) + 2.0 * np.eye(classes, features)[y]
    return x.astype(np.float32), y


def mlp(classes: int = 3, features: int = 3, hidden: int = 8, **compile_kwargs) -> Sequential:
    model = Sequential(
        [Dense(hidden, activation="relu", input_shape=(features,)), Dense(classes, activation="softmax")]
    )
    compile_kwargs.setdefault("optimizer", "sgd")
    compile_kwargs.setdefault("loss", "sparse_categorical_crossentropy")
    model.compile(**compile_kwargs)
    return model


def same(weights_a, weights_b) -> bool:
    return len(weights_a) == len(weights_b) and all(np.array_equal(a, b) for a, b in zip(weights_a, weights_b))


def summary_text(model) -> str:
    lines = []
    model.summary(print_fn=lines.append)
    return "\n".join(lines)


class Recorder(Layer):
    """Identity layer that records what it sees: the training inputs, and whether a graph is being built."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen, self.calls = [], []

    def call(self, inputs, training=None):
        self.calls.append({"training": bool(training), "grad": nb.is_grad_enabled()})
        if training:
            self.seen.append(inputs.numpy().copy())
        return inputs


# --- summary -----------------------------------------------------------------------------


def test_summary_small_dense_models():
    model = Sequential([Dense(4, activation="relu", input_shape=(3,)), Dense(3, activation="softmax")])
    assert model.count_params() == 31
    text = summary_text(model)
    assert "Total params: 31" in text and "Trainable params: 31" in text and "Non-trainable params: 0" in text
    assert Sequential([Dense(3, activation="relu", input_shape=(2,)), Dense(1)]).count_params() == 13


def test_summary_mnist_mlp():
    layers.clear_session()
    model = Sequential(
        [
            Dense(512, activation="relu", input_shape=(784,)),
            Dropout(0.2),
            Dense(512, activation="relu"),
            Dropout(0.2),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 669_706
    text = summary_text(model)
    assert "Total params: 669,706" in text and "Trainable params: 669,706" in text
    rows = [line for line in text.splitlines() if line.startswith("│")]
    assert len(rows) == 5
    for row, (name, shape, params) in zip(
        rows,
        [
            ("dense (Dense)", "(None, 512)", "401,920"),
            ("dropout (Dropout)", "(None, 512)", "0"),
            ("dense_1 (Dense)", "(None, 512)", "262,656"),
            ("dropout_1 (Dropout)", "(None, 512)", "0"),
            ("dense_2 (Dense)", "(None, 10)", "5,130"),
        ],
    ):
        cells = [c.strip() for c in row.strip("│").split("│")]
        assert cells == [name, shape, params]


def test_summary_mnist_convnet():
    model = Sequential(
        [
            Input((28, 28, 1)),
            Conv2D(32, 3, activation="relu"),
            MaxPooling2D(2),
            Conv2D(64, 3, activation="relu"),
            MaxPooling2D(2),
            Flatten(),
            Dropout(0.5),
            Dense(10, activation="softmax"),
        ]
    )
    assert model.count_params() == 34_826
    text = summary_text(model)
    rows = [[c.strip() for c in line.strip("│").split("│")] for line in text.splitlines() if line.startswith("│")]
    assert [(r[1], r[2]) for r in rows] == [
        ("(None, 26, 26, 32)", "320"),
        ("(None, 13, 13, 32)", "0"),
        ("(None, 11, 11, 64)", "18,496"),
        ("(None, 5, 5, 64)", "0"),
        ("(None, 1600)", "0"),
        ("(None, 1600)", "0"),
        ("(None, 10)", "16,010"),
    ]
    assert "Total params: 34,826" in text and "Trainable params: 34,826" in text and "Non-trainable params: 0" in text


def test_summary_batch_normalization_and_frozen_layers():
    model = Sequential([Dense(8, input_shape=(4,)), BatchNormalization(), Dense(2)])
    assert model.count_params() == 40 + 4 * 8 + 18
    text = summary_text(model)
    assert "Total params: 90" in text and "Trainable params: 74" in text and "Non-trainable params: 16" in text
    model.layers[0].trainable = False  # Keras counts frozen weights as non-trainable
    text = summary_text(model)
    assert "Trainable params: 34" in text and "Non-trainable params: 56" in text


def test_summary_of_an_unbuilt_model_raises_a_clear_error():
    model = Sequential([Dense(4), Dense(2)])
    with pytest.raises(ValueError, match="has not been built yet.*input_shape"):
        model.summary(print_fn=lambda s: None)
    model(np.zeros((1, 3), dtype=np.float32))  # building on data is enough
    assert "Total params: 26" in summary_text(model)


# --- fit learns ------------------------------------------------------------------------------


def test_fit_learns_xor():
    nb.manual_seed(0)
    model = Sequential([Dense(4, activation="tanh", input_shape=(2,)), Dense(1, activation="sigmoid")])
    model.compile(optimizer=nb.optim.Adam(learning_rate=0.05), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(XOR_X, XOR_Y, epochs=200, batch_size=4, verbose=0)
    assert history.history["accuracy"][-1] == 1.0
    np.testing.assert_array_equal(model.predict(XOR_X).ravel() > 0.5, XOR_Y == 1)
    assert history.history["loss"][-1] < 0.1 * history.history["loss"][0]


def test_fit_learns_two_moons_with_sigmoid_output():
    x, y = two_moons()
    nb.manual_seed(0)
    model = Sequential(
        [
            Dense(16, activation="relu", input_shape=(2,)),
            Dense(16, activation="relu"),
            Dense(1, activation="sigmoid"),
        ]
    )
    model.compile(optimizer=nb.optim.Adam(learning_rate=0.02), loss="binary_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    assert ((model.predict(x).ravel() > 0.5) == y).mean() >= 0.95
    assert model.evaluate(x, y, verbose=0)[1] >= 0.95


def test_fit_learns_circles_with_softmax_output():
    x, y = circles()
    nb.manual_seed(0)
    model = Sequential(
        [
            Dense(16, activation="relu", input_shape=(2,)),
            Dense(16, activation="relu"),
            Dense(2, activation="softmax"),
        ]
    )
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.optimizer.param_groups[0]["lr"] = 0.02
    model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    assert (model.predict(x).argmax(-1) == y).mean() >= 0.95


def test_fit_learns_regression():
    rng = np.random.default_rng(0)
    x = rng.uniform(-3, 3, (200, 1)).astype(np.float32)
    y = np.sin(x) + rng.normal(0, 0.1, x.shape).astype(np.float32)
    nb.manual_seed(0)
    model = Sequential([Dense(32, activation="tanh", input_shape=(1,)), Dense(32, activation="tanh"), Dense(1)])
    model.compile(optimizer=nb.optim.Adam(learning_rate=0.01), loss="mse", metrics=["r2"])
    history = model.fit(x, y, epochs=100, batch_size=32, verbose=0)
    prediction = model.predict(x)
    r2 = 1 - ((prediction - y) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert r2 >= 0.9
    loss, r2_metric = model.evaluate(x, y, verbose=0)
    assert r2_metric == pytest.approx(r2, rel=1e-5)
    assert loss == pytest.approx(((prediction - y) ** 2).mean(), rel=1e-5)
    assert history.history["r2"][-1] >= 0.9


def test_subclassed_model_trains():
    class TwoLayer(Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = Dense(16, activation="relu")
            self.out = Dense(1, activation="sigmoid")

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    x, y = two_moons()
    nb.manual_seed(0)
    model = TwoLayer()
    model.compile(optimizer=nb.optim.Adam(learning_rate=0.03), loss="binary_crossentropy", metrics=["accuracy"])
    history = model.fit(x, y, epochs=60, batch_size=32, verbose=0)
    assert history.history["accuracy"][-1] >= 0.95
    assert [layer.name for layer in model.layers] == [model.hidden.name, model.out.name]
    assert model.count_params() == 2 * 16 + 16 + 16 + 1


# --- fit's arguments ----------------------------------------------------------------------------


def test_history_holds_each_key_per_epoch():
    x, y = blobs()
    model = mlp(metrics=["accuracy", "sparse_top_k_categorical_accuracy"])
    history = model.fit(x, y, epochs=4, batch_size=16, validation_split=0.25, verbose=0)
    assert history is model.history
    top_k = "sparse_top_k_categorical_accuracy"
    assert set(history.history) == {"loss", "accuracy", top_k, "val_loss", "val_accuracy", "val_" + top_k}
    assert all(len(values) == 4 for values in history.history.values())
    assert history.epoch == [0, 1, 2, 3]
    assert all(isinstance(v, float) for values in history.history.values() for v in values)


def test_validation_split_takes_the_last_samples_before_shuffling():
    x, y = blobs(n=20)
    x[:, 0] = np.arange(20)  # each sample identifies itself
    recorder = Recorder(input_shape=(3,))
    model = Sequential([recorder, Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    history = model.fit(x, y, epochs=3, batch_size=4, validation_split=0.25, verbose=0)
    seen = np.concatenate(recorder.seen)[:, 0]
    assert sorted(seen.tolist()) == sorted(list(range(15)) * 3)
    assert any(not np.array_equal(np.sort(epoch), epoch) for epoch in seen.reshape(3, 15))  # training was shuffled
    assert history.history["val_loss"][-1] == pytest.approx(model.evaluate(x[15:], y[15:], verbose=0))


def test_validation_data_is_used_for_the_val_keys():
    x, y = blobs()
    x_val, y_val = blobs(n=10, seed=1)
    model = mlp(metrics=["accuracy"])
    history = model.fit(x, y, epochs=2, validation_data=(x_val, y_val), verbose=0)
    loss, accuracy = model.evaluate(x_val, y_val, verbose=0)
    assert history.history["val_loss"][-1] == pytest.approx(loss)
    assert history.history["val_accuracy"][-1] == pytest.approx(accuracy)


def test_shuffle_false_is_deterministic_and_in_order():
    x, y = blobs(n=20)
    x[:, 0] = np.arange(20)

    def run(seed: int, shuffle: bool):
        nb.manual_seed(0)
        recorder = Recorder(input_shape=(3,))
        model = Sequential([recorder, Dense(3, activation="softmax")])
        model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
        nb.manual_seed(seed)
        model.fit(x, y, epochs=2, batch_size=6, shuffle=shuffle, verbose=0)
        return model.get_weights(), np.concatenate(recorder.seen)[:, 0]

    (w1, order1), (w2, _) = run(1, False), run(2, False)
    assert same(w1, w2)
    np.testing.assert_array_equal(order1, np.tile(np.arange(20), 2))
    (w3, order3), (w4, order4) = run(1, True), run(2, True)
    assert not np.array_equal(order3, order4) and not same(w3, w4)


def weighted_setup():
    """A frozen-in-place model (SGD with lr 0) and its per-sample cross-entropy, to check loss reductions."""
    x, y = blobs(n=10)
    nb.manual_seed(0)
    model = Sequential([Dense(3, activation="softmax", input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=0.0), loss="sparse_categorical_crossentropy")
    p = model.predict(x)
    return model, x, y, -np.log(p[np.arange(len(y)), y])


def test_sample_weight_sum_over_batch_size():
    """Keras's reduction: sum(w * loss) / N, not divided by sum(w)."""
    model, x, y, ce = weighted_setup()
    w = np.random.default_rng(1).uniform(0, 2, len(y)).astype(np.float32)
    expected = (w * ce).sum() / len(y)
    assert model.test_on_batch(x, y, sample_weight=w) == pytest.approx(expected, rel=1e-5)
    assert model.evaluate(x, y, sample_weight=w, batch_size=3, verbose=0) == pytest.approx(expected, rel=1e-5)
    history = model.fit(x, y, sample_weight=w, epochs=1, batch_size=4, verbose=0)
    assert history.history["loss"][0] == pytest.approx(expected, rel=1e-5)
    doubled = model.fit(x, y, sample_weight=np.full(len(y), 2.0), epochs=1, batch_size=10, verbose=0)
    assert doubled.history["loss"][0] == pytest.approx(2 * ce.mean(), rel=1e-5)


def test_class_weight_scales_each_sample_by_its_class():
    model, x, y, ce = weighted_setup()
    class_weight = {0: 1.0, 1: 3.0, 2: 0.5}
    per_sample = np.array([class_weight[c] for c in y])
    assert model.train_on_batch(x, y, class_weight=class_weight) == pytest.approx((per_sample * ce).mean(), rel=1e-5)
    w = np.linspace(0.5, 1.5, len(y))
    history = model.fit(x, y, class_weight=class_weight, sample_weight=w, epochs=1, batch_size=4, verbose=0)
    assert history.history["loss"][0] == pytest.approx((w * per_sample * ce).mean(), rel=1e-5)
    with pytest.raises(ValueError, match="class_weight has no weight for class 2"):
        model.fit(x, y, class_weight={0: 1.0, 1: 1.0}, verbose=0)


def test_initial_epoch_and_batch_size_larger_than_the_data():
    x, y = blobs(n=20)
    model = mlp()
    epochs_seen, batches = [], []
    counter = callbacks.LambdaCallback(
        on_epoch_begin=lambda epoch, logs: epochs_seen.append(epoch),
        on_train_batch_end=lambda batch, logs: batches.append(batch),
    )
    history = model.fit(x, y, epochs=5, initial_epoch=3, batch_size=1000, callbacks=[counter], verbose=0)
    assert history.epoch == [3, 4] and epochs_seen == [3, 4] and len(history.history["loss"]) == 2
    assert batches == [0, 0] and counter.params["steps"] == 1


def test_evaluate_matches_a_manual_computation():
    x, y = blobs(n=25)
    model = mlp(metrics=["accuracy"])
    model.fit(x, y, epochs=3, verbose=0)
    p = model.predict(x)
    loss, accuracy = model.evaluate(x, y, batch_size=7, verbose=0)  # uneven last batch
    assert loss == pytest.approx(-np.log(p[np.arange(len(y)), y]).mean(), rel=1e-5)
    assert accuracy == pytest.approx((p.argmax(-1) == y).mean())
    logs = model.evaluate(x, y, verbose=0, return_dict=True)
    assert set(logs) == {"loss", "accuracy"} and logs["loss"] == pytest.approx(loss, rel=1e-6)


def test_accuracy_with_a_logits_loss_thresholds_at_zero():
    model = Sequential([Dense(1, input_shape=(1,))])
    model.compile(optimizer="sgd", loss=losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    model.set_weights([np.ones((1, 1)), np.zeros(1)])
    x = np.array([[-2.0], [-0.3], [0.3], [2.0]], dtype=np.float32)
    assert model.evaluate(x, np.array([0, 0, 1, 1]), verbose=0)[1] == 1.0  # logit 0.3 > 0 is class 1


def test_predict_is_numpy_in_eval_mode_without_a_graph():
    x, _ = blobs(n=10)
    recorder = Recorder()
    nb.manual_seed(0)
    model = Sequential([Dense(8, input_shape=(3,)), Dropout(0.5), recorder, Dense(2)])
    model.compile(optimizer="sgd", loss="mse")
    model.train()
    recorder.calls.clear()
    first, second = model.predict(x, batch_size=4), model.predict(x)
    assert type(first) is np.ndarray and first.shape == (10, 2) and first.dtype == np.float32
    np.testing.assert_array_equal(first, second)  # dropout is off
    k1, b1, k2, b2 = model.get_weights()
    np.testing.assert_allclose(first, (x @ k1 + b1) @ k2 + b2, rtol=1e-5, atol=1e-6)
    assert recorder.calls and all(not c["training"] and not c["grad"] for c in recorder.calls)
    assert model.training  # the mode is put back


def test_train_on_batch_and_test_on_batch():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(8, 3)).astype(np.float32)
    y = rng.normal(size=(8, 1)).astype(np.float32)
    nb.manual_seed(0)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=0.1), loss="mse", metrics=["mae"])
    kernel, bias = model.get_weights()
    error = x @ kernel + bias - y
    logs = model.test_on_batch(x, y, return_dict=True)
    assert logs["loss"] == pytest.approx((error**2).mean(), rel=1e-5)
    assert logs["mae"] == pytest.approx(np.abs(error).mean(), rel=1e-5)
    assert model.train_on_batch(x, y) == pytest.approx([(error**2).mean(), np.abs(error).mean()], rel=1e-5)
    new_kernel, new_bias = model.get_weights()
    np.testing.assert_allclose(new_kernel, kernel - 0.1 * 2 * x.T @ error / 8, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(new_bias, bias - 0.1 * 2 * error.sum(0) / 8, rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize(
    "name, cls, lr", [("sgd", nb.optim.SGD, 0.01), ("adam", nb.optim.Adam, 0.001), ("rmsprop", nb.optim.RMSprop, 0.001)]
)
def test_optimizer_by_name_uses_keras_defaults(name, cls, lr):
    model = mlp(optimizer=name)
    assert type(model.optimizer) is cls and model.optimizer.param_groups[0]["lr"] == lr
    assert model.optimizer.param_groups[0]["params"] == list(model.parameters())


def test_optimizer_created_without_parameters_is_bound_at_compile_or_fit():
    x, y = blobs()
    built = Sequential([Dense(3, activation="softmax", input_shape=(3,))])
    optimizer = nb.optim.Adam(learning_rate=0.05)
    built.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    assert optimizer.param_groups[0]["params"] == list(built.parameters())

    lazy = Sequential([Dense(3, activation="softmax")])  # no input shape: no weights before the first batch
    optimizer = nb.optim.Adam(learning_rate=0.05)
    lazy.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy")
    history = lazy.fit(x, y, epochs=5, verbose=0)
    assert lazy.optimizer is optimizer and optimizer.param_groups[0]["params"] == list(lazy.parameters())
    assert optimizer.param_groups[0]["lr"] == 0.05
    assert history.history["loss"][-1] < history.history["loss"][0]


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


# --- losses by name: the values of Keras's documentation ------------------------------------

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


# --- callbacks inside fit ------------------------------------------------------------------


class ScriptedValLoss(callbacks.Callback):
    """Puts a scripted ``val_loss`` in the epoch logs and snapshots the weights, for the callbacks after it."""

    def __init__(self, values):
        super().__init__()
        self.values, self.snapshots = values, []

    def on_epoch_end(self, epoch, logs=None):
        logs["val_loss"] = self.values[epoch]
        self.snapshots.append(self.model.get_weights())


def test_early_stopping_stops_at_the_right_epoch_and_restores_the_best_weights():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.5, 0.6, 0.7, 0.4, 0.3])
    stop = callbacks.EarlyStopping(patience=2, restore_best_weights=True)
    history = model.fit(x, y, epochs=6, callbacks=[script, stop], verbose=0)
    assert history.epoch == [0, 1, 2, 3]  # no improvement at epochs 2 and 3
    assert stop.stopped_epoch == 3 and stop.best_epoch == 1
    assert same(model.get_weights(), script.snapshots[1])


def test_early_stopping_restores_the_best_weights_when_patience_never_runs_out():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.8, 0.4, 0.6, 0.7])
    stop = callbacks.EarlyStopping(patience=10, restore_best_weights=True)
    history = model.fit(x, y, epochs=5, callbacks=[script, stop], verbose=0)
    assert len(history.epoch) == 5 and stop.stopped_epoch == 0
    assert same(model.get_weights(), script.snapshots[2])
    assert not same(script.snapshots[2], script.snapshots[4])


def test_early_stopping_on_a_real_validation_loss():
    x, y = blobs()
    model = mlp()
    model.optimizer.param_groups[0]["lr"] = 0.5
    stop = callbacks.EarlyStopping(monitor="val_loss", patience=1)
    history = model.fit(x, y, epochs=100, validation_split=0.3, callbacks=[stop], verbose=0)
    val = history.history["val_loss"]
    assert len(val) < 100 and stop.stopped_epoch == len(val) - 1
    # With patience 1, training stops at the first epoch that does not beat every earlier one.
    assert all(val[i] < min(val[:i]) for i in range(1, len(val) - 1)) and val[-1] >= min(val[:-1])


def test_model_checkpoint_keeps_the_best_model_and_it_loads(tmp_path):
    x, y = blobs()
    model = mlp()
    path = tmp_path / "best.nabla"
    script = ScriptedValLoss([1.0, 0.5, 0.7, 0.3, 0.6])
    model.fit(x, y, epochs=5, callbacks=[script, callbacks.ModelCheckpoint(path, save_best_only=True)], verbose=0)
    loaded = load_model(path)
    assert same(loaded.get_weights(), script.snapshots[3])
    model.set_weights(script.snapshots[3])
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_reduce_lr_on_plateau_lowers_the_learning_rate():
    x, y = blobs()
    model = mlp()
    script = ScriptedValLoss([1.0, 0.5, 0.6, 0.7, 0.4, 0.8])
    history = model.fit(
        x, y, epochs=6, callbacks=[script, callbacks.ReduceLROnPlateau(factor=0.5, patience=1)], verbose=0
    )
    assert model.optimizer.param_groups[0]["lr"] == pytest.approx(0.01 / 8)
    assert history.history["learning_rate"] == pytest.approx([0.01, 0.01, 0.01, 0.005, 0.0025, 0.0025])


def test_terminate_on_nan_stops_training():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32)
    y = np.zeros((32, 1), dtype=np.float32)
    calls = []

    def loss_with_a_nan(y_true, y_pred):
        calls.append(1)  # the first call is fit's check of the labels, then one per batch
        per_sample = ((y_pred - nb.tensor(y_true)) ** 2).mean(axis=-1)
        return per_sample * float("nan") if len(calls) == 4 else per_sample

    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss=loss_with_a_nan)
    batches = []
    spy = callbacks.LambdaCallback(on_train_batch_end=lambda batch, logs: batches.append(batch))
    history = model.fit(x, y, epochs=3, batch_size=4, callbacks=[callbacks.TerminateOnNaN(), spy], verbose=0)
    assert batches == [0, 1, 2]  # stopped right after the batch whose loss was NaN
    assert history.epoch == [0] and np.isnan(history.history["loss"][0])


def test_terminate_on_nan_with_a_huge_learning_rate():
    x = np.random.default_rng(0).normal(size=(32, 3)).astype(np.float32) * 100
    y = np.zeros((32, 1), dtype=np.float32)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=1e15), loss="mse")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # NumPy's overflow warnings
        history = model.fit(x, y, epochs=20, batch_size=4, callbacks=[callbacks.TerminateOnNaN()], verbose=0)
    assert len(history.epoch) == 1 and not np.isfinite(history.history["loss"][0])


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = blobs()
    model = mlp(metrics=["accuracy"])
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, validation_split=0.2, callbacks=[callbacks.CSVLogger(path)], verbose=0)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    for i, row in enumerate(rows[1:]):
        assert float(row[2]) == pytest.approx(history.history["loss"][i])
        assert float(row[4]) == pytest.approx(history.history["val_loss"][i])


def test_learning_rate_scheduler_sets_the_rate_each_epoch():
    x, y = blobs()
    model = mlp()
    used = []
    spy = callbacks.LambdaCallback(on_epoch_begin=lambda e, logs: used.append(model.optimizer.param_groups[0]["lr"]))
    schedule = callbacks.LearningRateScheduler(lambda epoch, lr: 0.1 / (epoch + 1))
    history = model.fit(x, y, epochs=3, callbacks=[schedule, spy], verbose=0)
    assert used == pytest.approx([0.1, 0.05, 0.1 / 3])
    assert history.history["learning_rate"] == pytest.approx([0.1, 0.05, 0.1 / 3])


# --- saving and loading -------------------------------------------------------------------


def trained_model(epochs: int = 2, optimizer="adam") -> tuple[Sequential, np.ndarray, np.ndarray]:
    x, y = blobs()
    nb.manual_seed(1)
    model = Sequential(
        [
            Dense(8, activation="relu", input_shape=(3,)),
            BatchNormalization(),
            Dropout(0.3),
            Dense(3, activation="softmax"),
        ]
    )
    model.compile(optimizer=optimizer, loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(x, y, epochs=epochs, batch_size=16, verbose=0)
    return model, x, y


def test_save_and_load_model_predict_identically(tmp_path):
    model, x, _ = trained_model()
    model.save(tmp_path / "model.keras")
    loaded = load_model(tmp_path / "model.keras")
    assert type(loaded) is Sequential and loaded is not model
    assert same(loaded.get_weights(), model.get_weights())  # moving statistics included
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))
    assert loaded.count_params() == model.count_params()
    assert type(loaded.optimizer) is nb.optim.Adam and loaded.loss.name == "sparse_categorical_crossentropy"


@pytest.mark.parametrize("optimizer", ["adam", "rmsprop", lambda: nb.optim.SGD(lr=0.1, momentum=0.9)])
def test_training_continues_the_same_run_after_loading(tmp_path, optimizer):
    model, x, y = trained_model(optimizer=optimizer() if callable(optimizer) else optimizer)
    model.save(tmp_path / "model.nabla")
    loaded = load_model(tmp_path / "model.nabla")
    nb.manual_seed(5)
    original = model.fit(x, y, epochs=3, batch_size=16, verbose=0)
    nb.manual_seed(5)
    resumed = loaded.fit(x, y, epochs=3, batch_size=16, verbose=0)
    assert original.history == resumed.history
    assert same(model.get_weights(), loaded.get_weights())


def test_loss_objects_are_saved_with_their_options(tmp_path):
    x, y = two_moons(n=40)
    nb.manual_seed(0)
    model = Sequential([Dense(8, activation="relu", input_shape=(2,)), Dense(1)])
    model.compile(optimizer="adam", loss=losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "logits.nabla")
    loaded = load_model(tmp_path / "logits.nabla")
    assert type(loaded.loss) is losses.BinaryCrossentropy and loaded.loss.options["from_logits"] is True
    assert loaded.evaluate(x, y, verbose=0) == model.evaluate(x, y, verbose=0)

    model.compile(optimizer="adam", loss=lambda y_true, y_pred: (y_pred - nb.tensor(y_true)) ** 2)
    model.save(tmp_path / "function.nabla")
    with pytest.warns(UserWarning, match="Python function, which cannot be saved"):
        uncompiled = load_model(tmp_path / "function.nabla")
    assert uncompiled.loss is None
    np.testing.assert_array_equal(uncompiled.predict(x), model.predict(x))


def test_save_weights_and_load_weights(tmp_path):
    model, x, _ = trained_model()
    model.save_weights(tmp_path / "w.safetensors")
    nb.manual_seed(9)
    other = Sequential(
        [
            Dense(8, activation="relu", input_shape=(3,)),
            BatchNormalization(),
            Dropout(0.3),
            Dense(3, activation="softmax"),
        ]
    )
    assert not same(other.get_weights(), model.get_weights())
    other.load_weights(tmp_path / "w.safetensors")
    np.testing.assert_array_equal(other.predict(x), model.predict(x))
    with pytest.raises(RuntimeError, match="build the model first"):
        Sequential([Dense(8), Dense(3)]).load_weights(tmp_path / "w.safetensors")


class Subclassed(Model):
    def __init__(self, units: int = 6, **kwargs):
        super().__init__(**kwargs)
        self.units = units
        self.hidden = Dense(units, activation="relu")
        self.out = Dense(3, activation="softmax")

    def call(self, inputs, training=None):
        return self.out(self.hidden(inputs))

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_subclassed_model_needs_custom_objects(tmp_path):
    x, y = blobs()
    model = Subclassed(units=5)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.fit(x, y, epochs=2, verbose=0)
    model.save(tmp_path / "sub.nabla")
    with pytest.raises(ValueError, match="custom_objects=.*Subclassed"):
        load_model(tmp_path / "sub.nabla")
    loaded = load_model(tmp_path / "sub.nabla", custom_objects={"Subclassed": Subclassed})
    assert type(loaded) is Subclassed and loaded.units == 5
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_custom_layers_in_a_sequential_need_custom_objects(tmp_path):
    x, _ = blobs(n=5)
    model = Sequential([Recorder(input_shape=(3,)), Dense(2)])
    model.save(tmp_path / "custom.nabla")
    with pytest.raises(ValueError, match=r"unknown layer class 'Recorder'.*custom_objects"):
        load_model(tmp_path / "custom.nabla")
    loaded = load_model(tmp_path / "custom.nabla", custom_objects={"Recorder": Recorder})
    assert isinstance(loaded.layers[0], Recorder)
    np.testing.assert_array_equal(loaded.predict(x), model.predict(x))


def test_corrupt_or_foreign_files_raise_clear_errors(tmp_path):
    model, _, _ = trained_model(epochs=1)
    model.save(tmp_path / "good.nabla")
    data = (tmp_path / "good.nabla").read_bytes()
    (tmp_path / "truncated.nabla").write_bytes(data[: len(data) // 2])
    (tmp_path / "garbage.nabla").write_bytes(b"\x00not a model" * 20)
    for name in ("truncated.nabla", "garbage.nabla"):
        with pytest.raises(ValueError, match="not a valid safetensors file"):
            load_model(tmp_path / name)
    nb.save({"w": nb.ones(3)}, tmp_path / "state.nabla")
    with pytest.raises(ValueError, match="not a nabla model file"):
        load_model(tmp_path / "state.nabla")
    with pytest.raises(FileNotFoundError):
        load_model(tmp_path / "missing.nabla")


# --- Ctrl-C ------------------------------------------------------------------------------------


def test_ctrl_c_stops_after_the_current_batch():
    x, y = blobs(n=64)
    model = mlp()
    snapshots = []

    class PressCtrlC(callbacks.Callback):
        def on_train_batch_end(self, batch, logs=None):
            snapshots.append(self.model.get_weights())
            if batch == 2:
                os.kill(os.getpid(), signal.SIGINT)

    handler = signal.getsignal(signal.SIGINT)
    with pytest.warns(UserWarning, match="interrupted"):
        history = model.fit(x, y, epochs=5, batch_size=8, callbacks=[PressCtrlC()], verbose=0)
    assert isinstance(history, callbacks.History) and history.epoch == [0]
    assert len(snapshots) == 3  # batches 0, 1, 2 ran; training stopped after batch 2
    assert same(model.get_weights(), snapshots[-1])
    assert signal.getsignal(signal.SIGINT) is handler  # the previous handler is put back


# --- checks before training: warnings and errors -------------------------------------------------


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
    assert not changed and any("no trainable weights" in m for m in messages)


def test_an_optimizer_object_that_was_never_bound_reloads_as_itself(tmp_path):
    model = Sequential([Dense(2, input_shape=(3,))])
    model.compile(optimizer=nb.optim.SGD(lr=0.3, momentum=0.9), loss="mse")
    path = tmp_path / "unbound.nabla"
    model.save(path)
    loaded = load_model(path)
    assert type(loaded.optimizer) is nb.optim.SGD
    assert loaded.optimizer.param_groups[0]["lr"] == 0.3
    assert loaded.optimizer.param_groups[0]["momentum"] == 0.9


def test_validation_data_with_sample_weights_weights_the_validation_loss():
    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.normal(size=(16, 3)).astype(np.float32)
    y = rng.normal(size=(16, 1)).astype(np.float32)
    model = Sequential([Dense(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse")
    w = np.zeros(16, dtype=np.float32)
    w[:4] = 1.0
    history = model.fit(x, y, epochs=1, batch_size=16, verbose=0, validation_data=(x, y, w))
    per_sample = ((model.predict(x) - y) ** 2).mean(axis=1)
    np.testing.assert_allclose(history.history["val_loss"][0], (w * per_sample).sum() / 16, rtol=1e-5)
