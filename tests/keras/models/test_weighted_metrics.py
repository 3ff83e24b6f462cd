"""``compile(metrics=...)`` against ``weighted_metrics=...``, and what the metric objects hold afterwards, as Keras 3.

Keras 3 weighs only ``weighted_metrics`` by ``sample_weight`` (and by ``class_weight``, which fit turns into
it); ``metrics`` count every sample once (keras.io's credit-card-fraud example prints whole counts of
TruePositives... with a class_weight). The metric objects given to compile are the ones updated, and an
evaluation leaves its results in them. Checked against Keras 3 on its PyTorch backend.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk

X = np.linspace(-1.0, 1.0, 12, dtype=np.float32).reshape(-1, 1)
Y = (np.arange(12) % 3 == 0).astype(np.float32).reshape(-1, 1)
WEIGHTS = np.linspace(0.5, 3.0, 12).astype(np.float32)


def _model(keras, weighted_metrics=None):
    """A logistic unit with fixed weights; SGD at rate 0 so that fit's metrics see the same predictions."""
    unit = keras.layers.Dense(1, activation="sigmoid", kernel_initializer="ones")
    model = keras.Sequential([keras.Input((1,)), unit])
    metrics = [keras.metrics.TruePositives(name="tp"), keras.metrics.FalsePositives(name="fp"), "accuracy"]
    model.compile(optimizer=keras.optimizers.SGD(0.0), loss="binary_crossentropy", metrics=metrics,
                  weighted_metrics=weighted_metrics)  # fmt: skip
    return model, metrics


def _close(ours: dict, theirs: dict):
    assert sorted(ours) == sorted(theirs)
    for key, value in theirs.items():
        np.testing.assert_allclose(ours[key], float(value), rtol=1e-5, err_msg=key)


@pytest.mark.parametrize("weighted", [None, ["accuracy", nk.metrics.Precision], ["mae"]])
def test_evaluate_weighs_only_the_weighted_metrics(weighted):
    keras = keras_on_torch()
    reference = weighted and [getattr(keras.metrics, m.__name__) if isinstance(m, type) else m for m in weighted]
    ours, _ = _model(nk, weighted)
    theirs, _ = _model(keras, reference)
    kwargs = dict(sample_weight=WEIGHTS, batch_size=5, verbose=0, return_dict=True)
    _close(ours.evaluate(X, Y, **kwargs), theirs.evaluate(X, Y, **kwargs))


def test_fit_class_weight_weighs_the_loss_and_the_weighted_metrics_only():
    keras = keras_on_torch()
    kwargs = dict(class_weight={0: 0.25, 1: 3.0}, batch_size=4, epochs=1, verbose=0)
    ours = _model(nk, ["accuracy"])[0].fit(X, Y, **kwargs).history
    theirs = _model(keras, ["accuracy"])[0].fit(X, Y, **kwargs).history
    assert "weighted_accuracy" in ours
    _close({k: v[-1] for k, v in ours.items()}, {k: v[-1] for k, v in theirs.items()})


def test_the_metric_objects_given_to_compile_hold_the_last_evaluation():
    keras = keras_on_torch()
    results = []
    for lib in (nk, keras):
        model, metrics = _model(lib)
        model.fit(X, Y, batch_size=4, epochs=1, verbose=0, validation_data=(X[:6], Y[:6]))
        after_fit = [float(m.result()) for m in metrics[:2]]  # the validation's, as Keras leaves them
        model.evaluate(X[6:], Y[6:], verbose=0)
        results.append((after_fit, [float(m.result()) for m in metrics[:2]]))
    assert results[0] == results[1]


def test_weighted_metrics_of_several_outputs_are_refused_clearly():
    inputs = nk.Input((1,))
    model = nk.Model(inputs, [nk.layers.Dense(1)(inputs), nk.layers.Dense(1)(inputs)])
    with pytest.raises(ValueError, match="weighted_metrics for a model of several outputs"):
        model.compile(loss=["mse", "mse"], weighted_metrics=["mae"])


def test_weighted_metrics_are_saved_and_reloaded(tmp_path):
    model = nk.Sequential([nk.Input((1,)), nk.layers.Dense(1, activation="sigmoid")])
    model.compile(loss="binary_crossentropy", metrics=["accuracy"], weighted_metrics=["accuracy"])
    kwargs = dict(sample_weight=WEIGHTS, verbose=0, return_dict=True)
    before = model.evaluate(X, Y, **kwargs)
    model.save(tmp_path / "m.keras")
    after = nk.models.load_model(tmp_path / "m.keras").evaluate(X, Y, **kwargs)
    assert sorted(before) == ["accuracy", "loss", "weighted_accuracy"] and after == pytest.approx(before)
