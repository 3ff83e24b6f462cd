"""``Model``: fit learns, fit's arguments, evaluate, predict, train_on_batch.

Learning tests start from ``nb.manual_seed`` and use small NumPy datasets so the file runs in seconds.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_toys import XOR_X, XOR_Y, Recorder, blobs, circles, mlp, same, two_moons

import nabla as nb
from nabla import callbacks, losses
from nabla.layers import Dense, Dropout
from nabla.models import Model, Sequential


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


def test_train_on_batch_checks_a_batch_once_per_shape_loss_optimizer_and_weights():
    """The checks before training run a forward pass of two samples; a loop of train_on_batch runs them again
    only when something they checked changed, and NaN inputs are refused at every batch."""
    calls = []

    class Counting(Dense):
        def call(self, inputs):
            calls.append(inputs.shape[0])
            return super().call(inputs)

    rng = np.random.default_rng(0)
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=(8, 1)).astype(np.float32)
    model = Sequential([Counting(1, input_shape=(3,))])
    model.compile(optimizer="sgd", loss="mse", jit_compile=False)
    calls.clear()  # (building with input_shape= calls the layer once)
    for _ in range(3):
        model.train_on_batch(x, y)
    assert calls == [2, 8, 8, 8]  # one probe of two samples, then the batches
    calls.clear()
    model.train_on_batch(x[:5], y[:5])  # another shape: checked again
    model.compile(optimizer="adam", loss="mae", jit_compile=False)
    model.train_on_batch(x, y)  # another loss and optimizer: checked again
    assert calls == [2, 5, 2, 8]
    with pytest.raises(ValueError, match="does not fit the model's outputs"):
        model.train_on_batch(x, y[:, [0, 0]])
    bad = x.copy()
    bad[3, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        model.train_on_batch(bad, y)


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


def test_layers_built_after_compile_behind_an_adapted_normalization_train_as_in_keras():
    """The regression lab's model: an adapted Normalization (built at adapt) before Dense layers that get
    their weights only at the first batch, compiled before that. Keras trains every Dense weight; so does
    nabla (the optimizer takes the weights made after compile), with the same losses and weights."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    x = np.stack([np.linspace(0, 50, 32), np.linspace(-3, 1, 32) ** 2], axis=1).astype("float32")
    y = (x[:, :1] * 0.1 - x[:, 1:]).astype("float32")
    results = []
    for k in (keras_on_torch(), nabla_keras):
        norm = k.layers.Normalization(axis=-1)
        norm.adapt(x)
        model = k.Sequential([norm, k.layers.Dense(3, activation="relu", kernel_initializer="ones"),
                              k.layers.Dense(1, kernel_initializer=k.initializers.Constant(0.5))])  # fmt: skip
        model.compile(optimizer=k.optimizers.Adam(0.05), loss="mean_absolute_error")
        history = model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0)
        results.append((history.history["loss"], model.get_weights()))
    (loss, weights), (ref_loss, ref_weights) = results[1], results[0]
    assert loss == pytest.approx(ref_loss, rel=1e-5)
    del weights[2], ref_weights[2]  # (Normalization's count: Keras on torch keeps 0 there)
    for w, r in zip(weights, ref_weights):
        np.testing.assert_allclose(w, r, rtol=1e-5, atol=1e-6)


def test_input_and_output_shape_as_keras_3s():
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    shapes = []
    for k in (keras_on_torch(), nabla_keras):
        sequential = k.Sequential([k.Input((28, 28)), k.layers.Flatten(), k.layers.Dense(10)])
        inputs = [k.Input((3,)), k.Input((4,))]
        two = k.layers.Concatenate()(inputs)
        functional = k.Model(inputs, [k.layers.Dense(2)(two), k.layers.Dense(1)(two)])
        wrapped = k.Sequential([sequential, k.layers.Softmax()])
        shapes.append([(m.input_shape, m.output_shape) for m in (sequential, functional, wrapped)])
    assert shapes[1] == shapes[0]


def test_loss_objects_and_functions_as_metrics_log_under_keras_3s_names():
    """The overfitting lab gives ``BinaryCrossentropy(from_logits=True, name="binary_crossentropy")`` as a
    metric and stops early on "val_binary_crossentropy": the logs carry Keras's keys and values."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    def meanAbsoluteGap(y_true, y_pred):  # noqa: N802 (a camelCase function: Keras logs it in snake_case)
        return abs(y_true - y_pred)

    x = np.linspace(-1, 1, 40, dtype="float32").reshape(20, 2)
    y = (x[:, :1] > 0).astype("float32")
    logs = []
    for k in (keras_on_torch(), nabla_keras):
        model = k.Sequential([k.Input((2,)), k.layers.Dense(1, kernel_initializer="ones")])
        bce = k.losses.BinaryCrossentropy(from_logits=True, name="binary_crossentropy")
        model.compile(optimizer="sgd", loss=k.losses.BinaryCrossentropy(from_logits=True),
                      metrics=[bce, k.losses.MeanSquaredError(), meanAbsoluteGap])  # fmt: skip
        logs.append(model.evaluate(x, y, batch_size=10, verbose=0, return_dict=True))
    assert sorted(logs[1]) == sorted(logs[0]) == ["binary_crossentropy", "loss", "mean_absolute_gap",
                                                  "mean_squared_error"]  # fmt: skip
    assert logs[1] == pytest.approx(logs[0], rel=1e-5)


def test_batched_data_is_evaluated_in_its_own_batches_as_in_keras():
    """evaluate, and fit's validation, of batched data (a PyDataset here, a tf.data pipeline in the labs)
    run its own batches, not 32-sample ones: a loss given as a metric averages per batch, so it shows."""
    from keras_reference import keras_on_torch

    import nabla.keras as nabla_keras

    x = np.linspace(-1, 1, 40, dtype="float32").reshape(20, 2)
    y = (x[:, :1] > 0.1).astype("float32")
    results = []
    for k in (keras_on_torch(), nabla_keras):

        class Batches(k.utils.PyDataset):
            def __len__(self):
                return 3

            def __getitem__(self, i):
                return x[7 * i : 7 * i + 7], y[7 * i : 7 * i + 7]

        model = k.Sequential([k.Input((2,)), k.layers.Dense(1, kernel_initializer="ones")])
        model.compile(optimizer="sgd", loss="mse", metrics=[k.losses.BinaryCrossentropy(from_logits=True)])
        evaluated = model.evaluate(Batches(), verbose=0, return_dict=True)
        history = model.fit(x, y, batch_size=20, epochs=1, shuffle=False, validation_data=Batches(), verbose=0)
        results.append((evaluated, {key: v[0] for key, v in history.history.items()}))
    for ours, theirs in zip(results[1], results[0]):
        assert ours == pytest.approx(theirs, rel=1e-5)
