"""Géron's chapter 12: a loss function, a Loss subclass and a streaming metric of yours saved with the model and
reloaded through ``custom_objects``; ``weighted_metrics`` beside ``metrics`` (Keras 3 weighs only the former),
against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

X = np.linspace(-1, 1, 24, dtype=np.float32).reshape(12, 2)
Y = (X[:, :1] * 3.0 - X[:, 1:] + 0.5).astype(np.float32)
W = np.linspace(0.1, 1.0, 12).astype(np.float32)


def parts(k):
    def create_huber(threshold=1.0):
        def huber_fn(y_true, y_pred):
            error = y_true - y_pred
            small = k.ops.abs(error) < threshold
            return k.ops.where(small, k.ops.square(error) / 2, threshold * k.ops.abs(error) - threshold**2 / 2)

        return huber_fn

    class HuberLoss(k.losses.Loss):
        def __init__(self, threshold=1.0, **kwargs):
            self.threshold = threshold
            super().__init__(**kwargs)

        def call(self, y_true, y_pred):
            return create_huber(self.threshold)(y_true, y_pred)

        def get_config(self):
            return {**super().get_config(), "threshold": self.threshold}

    class HuberMetric(k.metrics.Mean):
        def __init__(self, threshold=1.0, name="HuberMetric", dtype=None):
            self.threshold = threshold
            super().__init__(name=name, dtype=dtype)

        def update_state(self, y_true, y_pred, sample_weight=None):
            super().update_state(create_huber(self.threshold)(y_true, y_pred), sample_weight)

        def get_config(self):
            return {**super().get_config(), "threshold": self.threshold}

    return create_huber, HuberLoss, HuberMetric


def model_in(k):
    model = k.Sequential([k.Input((2,)), k.layers.Dense(1, kernel_initializer="ones")])
    return model


@pytest.mark.parametrize("which", ["function", "class"])
def test_a_custom_loss_and_metric_reload_compiled_from_custom_objects(tmp_path, which):
    create_huber, HuberLoss, HuberMetric = parts(nk)
    loss = create_huber(2.0) if which == "function" else HuberLoss(2.0)
    model = model_in(nk)
    model.compile(loss=loss, optimizer="sgd", metrics=[HuberMetric(2.0)])
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    with pytest.warns(UserWarning, match="custom_objects"):  # not given: loaded uncompiled, saying what to pass
        assert not nk.models.load_model(tmp_path / "m.keras")._compiled
    given = {"huber_fn": create_huber(2.0)} if which == "function" else {"HuberLoss": HuberLoss}
    loaded = nk.models.load_model(tmp_path / "m.keras", custom_objects={**given, "HuberMetric": HuberMetric})
    assert loaded.evaluate(X, Y, verbose=0, return_dict=True) == model.evaluate(X, Y, verbose=0, return_dict=True)
    if which == "class":
        assert type(loaded.loss) is HuberLoss and loaded.loss.threshold == 2.0


def test_weighted_metrics_see_the_sample_weights_and_metrics_do_not(keras):
    results = []
    for k in (keras, nk):
        _, _, HuberMetric = parts(k)
        model = model_in(k)
        model.compile(loss=k.losses.Huber(2.0), optimizer=k.optimizers.SGD(learning_rate=0.05),
                      metrics=["mae"], weighted_metrics=["mae", HuberMetric(2.0)])  # fmt: skip
        history = model.fit(X, Y, sample_weight=W, epochs=2, batch_size=4, shuffle=False, verbose=0).history
        results.append((history, model.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)))
    (their_history, theirs), (our_history, ours) = results
    assert sorted(our_history) == sorted(their_history) == ["HuberMetric", "loss", "mae", "weighted_mae"]
    for key in their_history:
        np.testing.assert_allclose(our_history[key], their_history[key], rtol=1e-5, err_msg=key)
    assert sorted(ours) == sorted(theirs)
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)


def test_weighted_metrics_come_back_with_the_model(tmp_path):
    _, _, HuberMetric = parts(nk)
    model = model_in(nk)
    model.compile(loss="mse", optimizer="sgd", weighted_metrics=[HuberMetric(2.0), "mae"])
    model.fit(X, Y, sample_weight=W, epochs=1, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras", custom_objects={"HuberMetric": HuberMetric})
    expected = model.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True)
    assert loaded.evaluate(X, Y, sample_weight=W, verbose=0, return_dict=True) == expected
    assert sorted(expected) == ["HuberMetric", "loss", "mae"]


def test_the_libraries_own_loss_and_metric_functions_reload_compiled_without_custom_objects(tmp_path, keras):
    results = []
    for k in (keras, nk):
        model = model_in(k)
        model.compile(loss=k.losses.mean_squared_error, optimizer="sgd", metrics=[k.metrics.mean_absolute_error])
        model.fit(X, Y, epochs=1, verbose=0)
        model.save(tmp_path / f"{k.__name__}.keras")
        loaded = k.models.load_model(tmp_path / f"{k.__name__}.keras")
        results.append(loaded.evaluate(X, Y, verbose=0, return_dict=True))
    theirs, ours = results
    assert sorted(ours) == sorted(theirs) == ["loss", "mean_absolute_error"]
    for key in theirs:
        np.testing.assert_allclose(ours[key], theirs[key], rtol=1e-5, err_msg=key)
