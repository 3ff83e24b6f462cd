"""Normalization's ``count`` weight is int64, as Keras 3 makes it on TensorFlow (the course's backend): the
weights' dtypes and the summary's byte totals are checked against Keras 3 run on TensorFlow in a subprocess
(the tests' Keras 3 runs on PyTorch, where its "int" is int32)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import run_on_keras_tensorflow

import nabla.keras as keras

pytest.importorskip("tensorflow")

X = np.random.default_rng(0).normal(size=(20, 3)).astype(np.float32)

_REFERENCE = """
import io, json, contextlib, numpy as np, keras
x = np.random.default_rng(0).normal(size=(20, 3)).astype("float32")
layer = keras.layers.Normalization()
layer.adapt(x)
model = keras.Sequential([keras.Input((3,)), layer, keras.layers.Dense(2)])
text = io.StringIO()
with contextlib.redirect_stdout(text):
    model.summary()
print(json.dumps({"dtypes": [str(w.dtype) for w in layer.get_weights()],
                  "totals": [s.strip() for s in text.getvalue().splitlines() if "params:" in s]}))
"""


def _model(k):
    layer = k.layers.Normalization()
    layer.adapt(X)
    return k.Sequential([k.Input((3,)), layer, k.layers.Dense(2)])


@pytest.fixture(scope="module")
def keras_on_tensorflow() -> dict:
    return run_on_keras_tensorflow(_REFERENCE)


def test_the_weights_have_keras_dtypes_on_tensorflow(keras_on_tensorflow):
    layer = _model(keras).layers[0]
    assert [str(w.dtype) for w in layer.get_weights()] == keras_on_tensorflow["dtypes"]
    assert [str(w.dtype) for w in layer.weights] == keras_on_tensorflow["dtypes"]


def test_the_summary_counts_the_int64_count_in_eight_bytes_as_keras(keras_on_tensorflow, capsys):
    _model(keras).summary()
    totals = [line.strip() for line in capsys.readouterr().out.splitlines() if "params:" in line]
    assert totals == keras_on_tensorflow["totals"]


def test_the_count_survives_save_and_load_as_an_integer(tmp_path):
    model = _model(keras)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    count = loaded.layers[0].get_weights()[2]
    assert count.dtype == np.int64 and count == len(X)
    np.testing.assert_array_equal(loaded.predict(X, verbose=0), model.predict(X, verbose=0))
    model.save_weights(tmp_path / "m.weights.h5")
    again = keras.Sequential([keras.Input((3,)), keras.layers.Normalization(), keras.layers.Dense(2)])
    again.load_weights(tmp_path / "m.weights.h5")
    assert again.layers[0].get_weights()[2].dtype == np.int64
    np.testing.assert_array_equal(again.predict(X, verbose=0), model.predict(X, verbose=0))
