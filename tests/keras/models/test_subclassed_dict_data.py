"""A subclassed model whose ``call`` reads a dict (or a list, a tuple) of arrays, trained, evaluated and run
on such data (models/input_structures.py), against Keras 3 with the same weights: what ``call`` receives,
and the numbers of ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla.keras as keras
import nabla.tf as tf

RNG = np.random.default_rng(5)
N = 30
COLUMNS = {  # as a CSV file gives them: float64 and int64 columns, one value per sample
    "thalach": RNG.normal(150.0, 20.0, N),
    "age": RNG.integers(30, 70, N),
    "chol": RNG.normal(240.0, 40.0, N),
}
Y = (RNG.random(N) > 0.5).astype(np.float32).reshape(-1, 1)


def _scaled(k, inputs):
    """The columns of ``inputs`` (a dict in key order, else in order), scaled, as one (batch, 3) matrix."""
    values = [inputs[key] for key in sorted(inputs)] if isinstance(inputs, dict) else list(inputs)
    columns = [k.ops.reshape(k.ops.cast(v, "float32"), (-1, 1)) for v in values]
    return k.ops.concatenate(columns, axis=1) * 0.01


def _dtype(tensor) -> str:
    return str(tensor.dtype).rsplit(".", 1)[-1]  # (torch.int64 -> int64)


def columns_model_class(k):
    class Columns(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = k.layers.Dense(4, activation="tanh")
            self.out = k.layers.Dense(1, activation="sigmoid")
            self.seen = set()  # what call was given: the structure, the keys, each array's shape and dtype

        def call(self, inputs):
            items = inputs.items() if isinstance(inputs, dict) else enumerate(inputs)
            arrays = tuple((key, tuple(v.shape)[1:], _dtype(v)) for key, v in items)
            self.seen.add((type(inputs).__name__, arrays))
            return self.out(self.hidden(_scaled(k, inputs)))

    return Columns


def twins(data):
    """The Keras model and the nabla model, called once on ``data``'s first samples, Keras's weights copied."""
    reference_keras = keras_on_torch()
    reference, model = columns_model_class(reference_keras)(), columns_model_class(keras)()
    first = _rows(data, slice(0, 2))
    reference(first), model(first)
    model.set_weights(reference.get_weights())
    reference.seen.clear(), model.seen.clear()
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy", metrics=["mae"])
    return reference, model


def _rows(data, index):
    if isinstance(data, dict):
        return {key: v[index] for key, v in data.items()}
    return type(data)(v[index] for v in data)


def forms():
    pd = require("pandas")
    frame = pd.DataFrame(COLUMNS)
    return {
        "numpy dict": dict(COLUMNS),
        "pandas dict(df)": dict(frame),
        "list": [COLUMNS[key] for key in sorted(COLUMNS)],
        "tuple": tuple(COLUMNS[key] for key in sorted(COLUMNS)),
    }


FORMS = ["numpy dict", "pandas dict(df)", "list", "tuple"]


@pytest.mark.parametrize("form", FORMS)
def test_call_gets_the_structure_keras_gives_it(form):
    data = forms()[form]
    reference, model = twins(data)
    for m in (reference, model):
        m.fit(data, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
        m.evaluate(data, Y, verbose=0)
        m.predict(data, verbose=0)
    # a dict's keys in its order; a 1-D NumPy column stays 1-D, a pandas one becomes (N, 1); ints stay ints
    assert model.seen == reference.seen


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("run_eagerly", [False, True])
def test_fit_evaluate_predict_give_keras_numbers(form, run_eagerly):
    data = forms()[form]
    reference, model = twins(data)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="binary_crossentropy", metrics=["mae"],
                  run_eagerly=run_eagerly)  # fmt: skip
    val = (_rows(data, slice(0, 10)), Y[:10])
    for kwargs in ({"validation_split": 0.2}, {"validation_data": val}):
        want = reference.fit(data, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, **kwargs).history
        got = model.fit(data, Y, batch_size=8, epochs=1, shuffle=False, verbose=0, **kwargs).history
        assert sorted(got) == sorted(want)
        for key in want:
            np.testing.assert_allclose(got[key], want[key], rtol=1e-4, err_msg=key)
    np.testing.assert_allclose(model.evaluate(data, Y, verbose=0), reference.evaluate(data, Y, verbose=0), rtol=1e-4)
    got, want = model.predict(data, batch_size=7, verbose=0), reference.predict(data, batch_size=7, verbose=0)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-6)


def test_on_batch_methods_give_keras_numbers():
    data = forms()["numpy dict"]
    reference, model = twins(data)
    for m in (reference, model):
        m.train_on_batch(data, Y)
    np.testing.assert_allclose(model.test_on_batch(data, Y), reference.test_on_batch(data, Y), rtol=1e-4)
    np.testing.assert_allclose(model.predict_on_batch(data), reference.predict_on_batch(data), rtol=1e-4)
    assert model.seen == reference.seen


def test_a_dataset_and_a_generator_of_dicts_train_as_the_arrays():
    data = forms()["numpy dict"]
    reference, model = twins(data)
    want = reference.fit(data, Y, batch_size=8, epochs=2, shuffle=False, verbose=0).history
    dataset = tf.data.Dataset.from_tensor_slices((data, Y)).batch(8)
    got = model.fit(dataset, epochs=2, verbose=0).history
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-4, err_msg=key)
    assert {kind for kind, _ in model.seen} == {"dict"}
    np.testing.assert_allclose(model.evaluate(dataset, verbose=0), reference.evaluate(data, Y, verbose=0), rtol=1e-4)
    predictions = reference.predict(data, verbose=0)
    np.testing.assert_allclose(model.predict(dataset, verbose=0), predictions, rtol=1e-4, atol=1e-6)

    def batches():
        for start in range(0, N, 8):
            yield _rows(data, slice(start, start + 8)), Y[start : start + 8]

    reference, model = twins(data)
    want = reference.fit(batches(), epochs=1, verbose=0).history
    got = model.fit(batches(), epochs=1, verbose=0).history
    np.testing.assert_allclose(got["loss"], want["loss"], rtol=1e-4)


def test_the_keys_come_with_the_data_not_the_model():
    data = forms()["numpy dict"]
    reference, model = twins(data)
    for m in (reference, model):
        m.fit(data, Y, batch_size=8, epochs=1, shuffle=False, verbose=0)
    # call reads the keys in sorted order, whatever they are: Keras 3 hands any dict to call
    renamed = {"a": data["age"], "c": data["chol"], "t": data["thalach"]}
    np.testing.assert_allclose(model.predict(renamed, verbose=0), reference.predict(renamed, verbose=0), rtol=1e-4)
    model.seen.clear()
    model.predict(renamed, verbose=0)
    assert {keys for _, arrays in model.seen for keys in [tuple(key for key, *_ in arrays)]} == {("a", "c", "t")}


class ReadsAge(keras.Model):
    def __init__(self):
        super().__init__()
        self.out = keras.layers.Dense(1)

    def call(self, inputs):
        return self.out(keras.ops.reshape(inputs["age"], (-1, 1)))


def test_mistakes_in_the_data_are_clear_errors():
    model = ReadsAge()
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match=r"the arrays of x hold different numbers of samples: .*'age': 30.*'chol': 5"):
        model.fit({"age": COLUMNS["age"], "chol": COLUMNS["chol"][:5]}, Y, verbose=0)
    with pytest.raises(ValueError, match="x and y have different lengths: 30 samples vs 10 labels"):
        model.fit({"age": COLUMNS["age"]}, Y[:10], verbose=0)
    with pytest.raises(ValueError, match=r"x\['age'\] is a dict or holds dicts.*nested structures"):
        model.fit({"age": {"years": COLUMNS["age"]}}, Y, verbose=0)
    with pytest.raises(KeyError, match="age"):  # call reads a key the data lacks: its own error, as in Keras
        model.fit({"years": COLUMNS["age"]}, Y, verbose=0)
    with pytest.raises(ValueError, match="distributed=True trains models of one input"):
        model.fit({"age": COLUMNS["age"]}, Y, verbose=0, distributed=True)


def test_a_sequential_model_keeps_a_list_of_rows_as_one_array():
    rows = [np.array([0.0, 1.0]), np.array([1.0, 0.0]), np.array([1.0, 1.0])]
    model = keras.Sequential([keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(rows, np.ones(3), verbose=0)
    assert model.predict(rows, verbose=0).shape == (3, 1)


def test_a_sequential_model_whose_first_layer_reads_a_dict():
    def build(k):
        class Stack(k.layers.Layer):
            def call(self, inputs):
                return _scaled(k, inputs)

        return k.Sequential([Stack(), k.layers.Dense(1)])

    data = forms()["numpy dict"]
    reference_keras = keras_on_torch()
    reference, model = build(reference_keras), build(keras)
    reference(_rows(data, slice(0, 2))), model(_rows(data, slice(0, 2)))
    model.set_weights(reference.get_weights())
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="mse")
    want = reference.fit(data, Y, batch_size=8, shuffle=False, validation_split=0.2, verbose=0).history
    got = model.fit(data, Y, batch_size=8, shuffle=False, validation_split=0.2, verbose=0).history
    for key in want:
        np.testing.assert_allclose(got[key], want[key], rtol=1e-4, err_msg=key)
    np.testing.assert_allclose(model.predict(data, verbose=0), reference.predict(data, verbose=0), rtol=1e-4)


def test_a_train_step_of_yours_gets_the_structure():
    def build(k):
        class Recording(columns_model_class(k)):
            def train_step(self, data):
                x, y = data
                self.steps.append((type(x).__name__, sorted(x) if isinstance(x, dict) else len(x), tuple(y.shape)))
                return {"steps": len(self.steps)}

        model = Recording()
        model.steps = []
        return model

    reference_keras = keras_on_torch()
    for form in ("numpy dict", "tuple"):
        data = forms()[form]
        reference, model = build(reference_keras), build(keras)
        reference.compile(optimizer="sgd", loss="mse"), model.compile(optimizer="sgd", loss="mse")
        reference.fit(data, Y, batch_size=8, shuffle=False, verbose=0)
        model.fit(data, Y, batch_size=8, shuffle=False, verbose=0)
        assert model.steps == reference.steps
