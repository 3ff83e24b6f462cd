"""compile's ``metrics`` ignore sample weights and ``weighted_metrics`` use them, as Keras 3 (checked against it)."""

from __future__ import annotations

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as nk


def _fit_both(metrics, weighted_metrics, x, y, sample_weight, class_weight=None):
    keras = keras_on_torch()

    def build(k):
        return k.Sequential([k.Input((x.shape[1],)), k.layers.Dense(1, activation="sigmoid")])

    reference, model = build(keras), build(nk)
    model.set_weights(reference.get_weights())
    histories = []
    for m, k in ((reference, keras), (model, nk)):
        m.compile(
            optimizer=k.optimizers.SGD(learning_rate=0.0),
            loss="binary_crossentropy",
            metrics=metrics(k),
            weighted_metrics=weighted_metrics(k),
        )
        kwargs = dict(sample_weight=sample_weight, class_weight=class_weight, batch_size=8, epochs=1, verbose=0)
        histories.append(m.fit(x, y, shuffle=False, **kwargs).history)
    return histories


def test_metrics_unweighted_weighted_metrics_weighted_as_keras():
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((40, 4)).astype(np.float32), rng.integers(0, 2, (40, 1)).astype(np.float32)
    w = rng.random(40).astype(np.float32) * 3
    want, got = _fit_both(
        lambda k: ["binary_accuracy", k.metrics.Precision(name="p")],
        lambda k: ["binary_accuracy", k.metrics.AUC(name="wauc"), k.metrics.BinaryCrossentropy(name="bce")],
        x,
        y,
        w,
    )
    assert set(got) == set(want) == {"loss", "binary_accuracy", "p", "weighted_binary_accuracy", "wauc", "bce"}
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6)
    assert got["binary_accuracy"] != got["weighted_binary_accuracy"]


def test_class_weight_reaches_weighted_metrics_only():
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((40, 4)).astype(np.float32), rng.integers(0, 2, (40, 1)).astype(np.float32)
    want, got = _fit_both(
        lambda k: ["binary_accuracy"], lambda k: [k.metrics.Recall(name="r")], x, y, None, {0: 1.0, 1: 4.0}
    )
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-5, atol=1e-6)


def test_weighted_metrics_survive_save_and_load(tmp_path):
    model = nk.Sequential([nk.Input((3,)), nk.layers.Dense(1, activation="sigmoid")])
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=["auc"], weighted_metrics=["binary_accuracy"])
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = nk.models.load_model(path)
    x, y = np.ones((4, 3), np.float32), np.array([[1.0], [0.0], [1.0], [1.0]], np.float32)
    logs = loaded.evaluate(x, y, sample_weight=np.array([1.0, 0.0, 0.0, 0.0]), verbose=0, return_dict=True)
    assert set(logs) == {"loss", "auc", "binary_accuracy"}
    assert logs["binary_accuracy"] in (0.0, 1.0)  # one sample carries all the weight
