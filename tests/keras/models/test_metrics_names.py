"""``model.metrics_names`` against Keras 3 (PyTorch backend), run here: after compile, fit and evaluate, with and
without metrics, for one output and for two, and with a metric set as the model's attribute."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

X, Y = np.ones((8, 3), np.float32), np.ones((8, 1), np.float32)


def _one(m, metrics):
    model = m.Sequential([m.Input((3,)), m.layers.Dense(1)])
    model.compile("adam", "mse", metrics=metrics)
    return model, X, Y


def _two(m, metrics):
    inputs = m.Input((3,))
    model = m.Model(inputs, [m.layers.Dense(1, name="a")(inputs), m.layers.Dense(1, name="b")(inputs)])
    model.compile("adam", ["mse", "mse"], metrics=metrics)
    return model, X, [Y, Y]


def _tracked(m, metrics):
    class Tracked(m.Model):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.extra = m.metrics.Mean(name="extra")

    inputs = m.Input((3,))
    model = Tracked(inputs, m.layers.Dense(1)(inputs))
    model.compile("adam", "mse", metrics=metrics)
    return model, X, Y


CASES = [(_one, None), (_one, ["mae"]), (_one, ["mae", "accuracy"]), (_two, None), (_two, [["mae"], ["mae"]]),
         (_tracked, ["mae"])]  # fmt: skip


def _names(m, make, metrics) -> list:
    model, x, y = make(m, metrics)
    names = [model.metrics_names]
    model.fit(x, y, verbose=0)
    names.append(model.metrics_names)
    model.evaluate(x, y, verbose=0)
    return [*names, model.metrics_names]


@pytest.mark.parametrize(("make", "metrics"), CASES)
def test_metrics_names_are_keras(keras, make, metrics):
    assert _names(nk, make, metrics) == _names(keras, make, metrics)


def test_an_uncompiled_model_has_no_metrics_names(keras):
    for m in (keras, nk):
        assert m.Sequential([m.Input((3,)), m.layers.Dense(1)]).metrics_names == []
