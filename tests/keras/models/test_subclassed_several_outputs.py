"""A subclassed model of two inputs and two outputs (the Wide & Deep model of Géron's "Hands-On Machine
Learning", chapter 10): compiled with a list of losses, it is fitted, evaluated, predicted, saved and
reloaded as Keras 3 does it, with the logs Keras 3 names after the losses and metrics."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

RNG = np.random.default_rng(1)
X_WIDE = RNG.normal(size=(40, 5)).astype(np.float32)
X_DEEP = RNG.normal(size=(40, 6)).astype(np.float32)
Y = (X_WIDE[:, :1] - X_DEEP[:, 2:3] + 0.5).astype(np.float32)


def wide_and_deep(k):
    class WideAndDeepModel(k.Model):
        def __init__(self, units=8, **kwargs):
            super().__init__(**kwargs)
            self.hidden = k.layers.Dense(units, activation="relu", kernel_initializer="ones")
            self.main_output = k.layers.Dense(1, kernel_initializer="ones")
            self.aux_output = k.layers.Dense(1, kernel_initializer="zeros")

        def call(self, inputs):
            input_wide, input_deep = inputs
            hidden = self.hidden(input_deep)
            concat = k.layers.concatenate([input_wide, hidden])
            return self.main_output(concat), self.aux_output(hidden)

    return WideAndDeepModel


COMPILES = {
    "the book's": dict(loss=("mse", "mse"), loss_weights=(0.9, 0.1),
                       metrics=["RootMeanSquaredError", "RootMeanSquaredError"]),
    "two losses": dict(loss=["mse", "mae"], loss_weights=[0.7, 0.3], metrics=[["mae", "mse"], "mae"]),
    "no metrics": dict(loss=["mse", "mae"]),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(COMPILES))
def test_fit_evaluate_and_predict_log_and_return_what_keras_does(keras, case):
    models = []
    for k in (keras, nk):
        model = wide_and_deep(k)(name="my_cool_model")
        model.compile(optimizer=k.optimizers.SGD(learning_rate=0.01), **COMPILES[case])
        models.append(model)
    theirs, ours = models
    kwargs = dict(epochs=2, batch_size=16, shuffle=False, verbose=0,
                  validation_data=((X_WIDE, X_DEEP), (Y, Y)))  # fmt: skip
    expected = theirs.fit((X_WIDE, X_DEEP), (Y, Y), **kwargs).history
    got = ours.fit((X_WIDE, X_DEEP), (Y, Y), **kwargs).history
    assert sorted(got) == sorted(expected)
    for key in expected:
        np.testing.assert_allclose(got[key], expected[key], rtol=1e-5, atol=1e-6, err_msg=key)
    # the list: loss, the metrics' own names, the losses' names (a name twice gives its value twice), the rest
    np.testing.assert_allclose(ours.evaluate((X_WIDE, X_DEEP), [Y, Y], verbose=0),
                               theirs.evaluate((X_WIDE, X_DEEP), [Y, Y], verbose=0), rtol=1e-5)  # fmt: skip
    mine = ours.evaluate((X_WIDE, X_DEEP), (Y, Y), verbose=0, return_dict=True)
    reference = theirs.evaluate((X_WIDE, X_DEEP), (Y, Y), verbose=0, return_dict=True)
    assert sorted(mine) == sorted(reference)
    predicted, expected_outputs = ours.predict((X_WIDE, X_DEEP), verbose=0), theirs.predict((X_WIDE, X_DEEP), verbose=0)
    assert type(predicted) is type(expected_outputs) is tuple
    for p, q in zip(predicted, expected_outputs):
        np.testing.assert_allclose(p, q, rtol=1e-5, atol=1e-6)


def test_a_list_of_losses_for_a_model_of_one_output_still_names_the_mismatch():
    model = wide_and_deep(nk)()
    model.compile(loss=["mse", "mse", "mse"], optimizer="sgd")
    with pytest.raises(ValueError, match="3 outputs"):
        model.fit((X_WIDE, X_DEEP), (Y, Y), verbose=0)


def test_the_model_saves_and_reloads_built_on_its_two_inputs(tmp_path):
    model_class = wide_and_deep(nk)
    model = model_class(name="my_cool_model")
    model.compile(loss=["mse", "mse"], loss_weights=[0.9, 0.1], optimizer="adam")
    model.fit((X_WIDE, X_DEEP), (Y, Y), epochs=1, verbose=0)
    model.save(tmp_path / "my_model.keras")
    loaded = nk.models.load_model(tmp_path / "my_model.keras", custom_objects={"WideAndDeepModel": model_class})
    assert type(loaded) is model_class and loaded._build_input_shape == [(32, 5), (32, 6)]
    # compiled again with its losses and their weights: it evaluates as the saved model
    assert loaded.evaluate((X_WIDE, X_DEEP), (Y, Y), verbose=0) == model.evaluate((X_WIDE, X_DEEP), (Y, Y), verbose=0)
    for p, q in zip(loaded.predict((X_WIDE, X_DEEP), verbose=0), model.predict((X_WIDE, X_DEEP), verbose=0)):
        np.testing.assert_array_equal(p, q)
    model.save_weights(tmp_path / "my_weights.weights.h5")
    fresh = model_class()
    fresh.build([(None, 5), (None, 6)])  # Keras 3's build of a subclass from a list of input shapes
    fresh.load_weights(tmp_path / "my_weights.weights.h5")
    expected = model.predict((X_WIDE, X_DEEP), verbose=0)[0]
    np.testing.assert_array_equal(fresh.predict((X_WIDE, X_DEEP), verbose=0)[0], expected)


def test_a_functional_model_names_its_outputs_by_their_layers_as_keras_does(keras):
    for k in (keras, nk):
        a, b = k.Input((5,), name="a"), k.Input((6,), name="b")
        main = k.layers.Dense(1, name="main")(k.layers.concatenate([a, b]))
        aux = k.layers.Dense(1, name="aux")(b)
        names = [k.Model([a, b], [main, aux]).output_names, k.Model([a, b], {"m": main, "x": aux}).output_names]
        if k is keras:
            expected = names
    assert names == expected == [["main", "aux"], ["main", "aux"]]
