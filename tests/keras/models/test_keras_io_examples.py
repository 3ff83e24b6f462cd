"""Listings of keras.io's code examples (examples/keras_recipes, examples/vision) that did not run before, with
the import changed to nabla.keras, against Keras 3 (PyTorch backend) on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras


def mnist_model_class(k):
    """packaging_keras_models_for_wide_distribution.py's "Functional Subclassing" model, shrunk: a subclass whose
    __init__ builds a graph and calls ``super().__init__(inputs=inputs, outputs=outputs)``."""

    class MnistModel(k.Model):
        def __init__(self, **kwargs):
            inputs = k.layers.Input(shape=(None, None, 1), dtype="uint8")
            y = k.layers.Rescaling(1 / 255.0)(inputs)
            y = k.layers.Conv2D(filters=4, kernel_size=3, padding="same", activation="relu", strides=2)(y)
            y = k.layers.GlobalAveragePooling2D()(y)
            outputs = k.layers.Dense(10, activation="softmax", name="classification_head")(y)
            super().__init__(inputs=inputs, outputs=outputs, **kwargs)

    return MnistModel


def test_a_subclass_calling_super_init_with_inputs_and_outputs_is_a_functional_model_as_in_keras():
    theirs_class, mine_class = mnist_model_class(keras_on_torch()), mnist_model_class(keras)
    theirs, mine = theirs_class(name="mnist"), mine_class(name="mnist")
    assert isinstance(mine, mine_class) and mine.name == "mnist"
    assert [type(layer).__name__ for layer in mine.layers] == [type(layer).__name__ for layer in theirs.layers]
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    x = np.random.default_rng(0).integers(0, 256, (4, 12, 12, 1)).astype(np.uint8)
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    # the example's model surgery: a new head on the layer graph
    head = keras.layers.Dense(1, activation="sigmoid", name="binary_classification_head")
    binary = keras.Model(mine.input, head(mine.get_layer("classification_head").input))
    assert binary.output_shape == (None, 1) and binary.count_params() == mine.count_params() - 10 * 4 - 10 + 4 + 1


def endpoint_model(k):
    """endpoint_layer_pattern.py's LogisticEndpoint as in Keras 3 (its ``add_metric`` is gone: the layer updates
    a metric it holds), on 12 features instead of 764."""

    class LogisticEndpoint(k.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = k.losses.BinaryCrossentropy(from_logits=True)
            self.accuracy_fn = k.metrics.BinaryAccuracy(name="accuracy")

        def call(self, logits, targets=None, sample_weight=None):
            if targets is not None:
                self.add_loss(self.loss_fn(targets, logits, sample_weight))
                self.accuracy_fn.update_state(targets, logits, sample_weight)
            return k.ops.sigmoid(logits)

    inputs = k.Input((12,), name="inputs")
    targets, sample_weight = k.Input((1,), name="targets"), k.Input((1,), name="sample_weight")
    preds = LogisticEndpoint()(k.layers.Dense(1)(inputs), targets, sample_weight)
    model = k.Model([inputs, targets, sample_weight], preds)
    model.compile(k.optimizers.Adam(1e-2))
    return model


def endpoint_models_and_data(seed: int, n: int):
    """Keras's endpoint model and nabla's, with the same weights, and n rows of its three named inputs."""
    theirs, mine = endpoint_model(keras_on_torch()), endpoint_model(keras)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    rng = np.random.default_rng(seed)
    data = {"inputs": rng.random((n, 12)).astype(np.float32),
            "targets": rng.integers(0, 2, (n, 1)).astype(np.float32),
            "sample_weight": rng.random((n, 1)).astype(np.float32)}  # fmt: skip
    return theirs, mine, data


def test_a_metric_held_by_a_layer_is_in_the_models_metrics_and_logs_as_in_keras():
    theirs, mine, data = endpoint_models_and_data(1, 64)
    want = theirs.fit(data, epochs=2, batch_size=16, shuffle=False, verbose=0).history
    got = mine.fit(data, epochs=2, batch_size=16, shuffle=False, verbose=0).history
    assert set(got) == set(want) == {"loss", "accuracy"}
    for key, values in want.items():
        np.testing.assert_allclose(got[key], values, rtol=1e-5, err_msg=key)
    assert [m.name for m in mine.metrics] == [m.name for m in theirs.metrics]


def test_evaluate_takes_x_alone_when_the_model_adds_its_own_loss_as_keras():
    theirs, mine, data = endpoint_models_and_data(2, 40)
    want = theirs.evaluate(data, batch_size=16, verbose=0, return_dict=True)
    assert mine.evaluate(data, batch_size=16, verbose=0, return_dict=True) == pytest.approx(want, rel=1e-5)


def dict_input_model(k):
    """structured_data_classification_from_scratch.py's shape of model, shrunk: a dict of inputs in the order
    of its features (not sorted), one of them a tensor a layer computed, concatenated."""
    inputs = {"z": k.Input(shape=(1,), name="z"), "a": k.Input(shape=(2,), name="a", dtype="int64")}
    inputs["m"] = k.layers.Normalization(mean=1.0, variance=4.0)(k.Input(shape=(1,), name="m"))
    features = k.layers.concatenate([k.layers.Dense(2, name=f"d_{key}")(v) for key, v in inputs.items()], name="join")
    return k.Model(inputs, k.layers.Dense(1, name="head")(features))


def test_a_dict_of_inputs_lists_model_inputs_by_sorted_key_and_runs_as_keras():
    theirs, mine = dict_input_model(keras_on_torch()), dict_input_model(keras)
    assert [t.shape for t in mine.inputs] == [tuple(t.shape) for t in theirs.inputs]
    def names(items):  # (Keras numbers the computed input's "keras_tensor_9CLONE" by a session-wide count)
        return [item.name if "CLONE" not in item.name else "CLONE" for item in items]

    assert names(mine.inputs) == names(theirs.inputs) == ["a", "CLONE", "z"]
    assert names(mine.layers) == names(theirs.layers)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    rng = np.random.default_rng(3)
    x = {"m": rng.random((5, 1)).astype(np.float32), "a": rng.integers(0, 3, (5, 2)), "z": rng.random((5, 1))}
    np.testing.assert_allclose(mine.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_a_loss_takes_python_lists_as_keras_3_takes_two_lists():
    """sample_size_estimate.py fits ``a * x**b`` to mean accuracies with ``mse(y_pred, mean_acc)``, a list."""
    k = keras_on_torch()
    sizes, accuracies = [165.0, 330.0, 825.0, 1651.0], [0.81, 0.87, 0.9, 0.91]
    want = k.losses.MeanSquaredError()(sizes, accuracies)
    assert float(keras.losses.MeanSquaredError()(sizes, accuracies)) == pytest.approx(float(want), rel=1e-6)
    curve = np.float32(0.4) * np.asarray(sizes, np.float32) ** np.float32(0.12)
    want = k.losses.MeanAbsoluteError()(curve, np.asarray(accuracies, np.float32))  # (Keras refuses the list here)
    assert float(keras.losses.MeanAbsoluteError()(curve, accuracies)) == pytest.approx(float(want), rel=1e-6)
