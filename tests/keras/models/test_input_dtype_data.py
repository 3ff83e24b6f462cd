"""A model's data in the dtype of its ``keras.Input``, as Keras 3's functional model converts its inputs: an int32
or int64 input keeps its integers through ``fit``, ``evaluate``, ``predict``, a call and the ``*_on_batch``
methods (token ids past 2**24, where float32 holds no odd integer, stay exact); a float64 input keeps float64 data
in a call and the ``*_on_batch`` methods (``fit``, ``evaluate`` and ``predict`` pass arrays through float32 first,
as Keras's data adapters do).

The reference is Keras 3 on its PyTorch backend, run on the same model and data; Keras on TensorFlow gives the same
dtypes and values (checked by hand with KERAS_BACKEND=tensorflow).
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

from nabla import keras

BIG = 2**24


def _model(k, dtype: str, sequential: bool = False):
    """A model whose output shows what data reached it: the sum of ``x - 2**24`` for integers (2**24 + 1 and
    2**24 + 5 are 1 and 5 exactly, 0 and 4 read as float32), of ``(x - 1) * 1e12`` for float64 data holding
    1 + 1e-12 (0 in float32); a Dense of ones on it gives fit a weight (which a zero learning rate keeps)."""
    shift, scale = (BIG, 1.0) if dtype.startswith("int") else (1.0, 1e12)
    layers = [
        k.Input((2,), dtype=dtype),
        k.layers.Lambda(lambda t: k.ops.sum(k.ops.cast(t - shift, "float64"), axis=-1, keepdims=True) * scale,
                        dtype="float64"),
        k.layers.Dense(1, kernel_initializer="ones", use_bias=False),
    ]  # fmt: skip
    model = k.Sequential(layers) if sequential else k.Model(layers[0], layers[2](layers[1](layers[0])))
    model.compile(k.optimizers.SGD(learning_rate=0.0), "mse")
    return model


def _outcomes(k, dtype: str, sequential: bool = False) -> dict:
    x = np.array([[BIG + 1, BIG + 5]] * 4, dtype) if dtype.startswith("int") else np.full((4, 2), 1 + 1e-12)
    y = np.zeros((4, 1), np.float32)
    model = _model(k, dtype, sequential)
    value = lambda out: float(np.asarray(k.ops.convert_to_numpy(out)).ravel()[0])  # noqa: E731
    return {
        "fit": model.fit(x, y, batch_size=4, verbose=0).history["loss"][0],
        "evaluate": model.evaluate(x, y, verbose=0),
        "predict": value(model.predict(x, verbose=0)),
        "call": value(model(x)),
        "train_on_batch": float(model.train_on_batch(x, y)),
        "test_on_batch": float(model.test_on_batch(x, y)),
        "predict_on_batch": value(model.predict_on_batch(x)),
    }


@pytest.mark.parametrize("sequential", [False, True], ids=["functional", "sequential"])
@pytest.mark.parametrize("dtype", ["int32", "int64"])
def test_an_integer_input_keeps_its_integers_in_every_method_as_keras(dtype, sequential):
    ours, theirs = _outcomes(keras, dtype, sequential), _outcomes(keras_on_torch(), dtype, sequential)
    assert ours.keys() == theirs.keys()
    for method, expected in theirs.items():
        assert ours[method] == pytest.approx(expected, rel=1e-6), method
    assert ours["predict"] == 6.0 and ours["fit"] == 36.0  # (0 + 4 = 4 and 16 read as float32)


def test_a_float64_input_keeps_float64_data_in_a_call_and_the_on_batch_methods_as_keras():
    ours, theirs = _outcomes(keras, "float64"), _outcomes(keras_on_torch(), "float64")
    assert ours.keys() == theirs.keys()
    for method, expected in theirs.items():
        assert ours[method] == pytest.approx(expected, rel=1e-6), method
    assert ours["call"] > 1.0 and ours["predict"] == 0.0  # (predict's arrays pass through float32, as Keras's)


def test_floats_given_to_an_integer_input_are_truncated_to_its_dtype_as_keras():
    def run(k):
        inp = k.Input((2,), dtype="int32")
        model = k.Model(inp, k.layers.Lambda(lambda t: t * 1)(inp))
        return np.asarray(k.ops.convert_to_numpy(model.predict(np.array([[1.7, -2.2]], np.float32), verbose=0)))

    ours, theirs = run(keras), run(keras_on_torch())
    assert ours.dtype == theirs.dtype == np.int32
    np.testing.assert_array_equal(ours, theirs)
