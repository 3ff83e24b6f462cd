"""Saving whole functional models (``keras.Model(inputs, outputs)``) and the newer layers, against Keras 3's numbers."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras
from nabla.keras.models.file_check import ModelFileError

RNG = np.random.default_rng(3)
A, B = (RNG.standard_normal((5, 6)).astype(np.float32) for _ in range(2))


def two_towers(k):
    """Two inputs, a layer shared by both, merges, arithmetic, reshaping, global pooling and two outputs."""
    a, b = k.Input(shape=(6,), name="left"), k.Input(shape=(6,), name="right")
    shared = k.layers.Dense(4, activation="tanh")
    x = k.layers.Concatenate()([shared(a), shared(b)])
    x = k.layers.Permute((2, 1))(k.layers.Reshape((4, 2))(x * 0.5 + 1.0))
    first = k.layers.Dense(3, activation="softmax")(k.layers.GlobalAveragePooling1D()(x))
    merged = [k.layers.Add()([shared(a), shared(b)]), k.layers.Subtract()([shared(b), shared(a)]),
              k.layers.Multiply()([shared(a), shared(b)]), k.layers.Maximum()([shared(a), -shared(b)])]  # fmt: skip
    second = k.layers.Dense(1)(k.layers.Average()([k.layers.Minimum()(merged), k.layers.GlobalMaxPooling1D()(x)]))
    return k.Model([a, b], [first, second])


def outputs(model, inputs) -> list[np.ndarray]:
    return [np.asarray(keras.ops.convert_to_numpy(t)) for t in model(inputs)]


def test_a_functional_model_saves_and_loads_with_keras_numbers(tmp_path):
    reference_keras = keras_on_torch()
    reference, model = two_towers(reference_keras), two_towers(keras)
    model.set_weights(reference.get_weights())
    want = [reference_keras.ops.convert_to_numpy(t) for t in reference([A, B])]
    for got, expected in zip(outputs(model, [A, B]), want):
        np.testing.assert_allclose(got, expected, rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "towers.keras")
    loaded = keras.models.load_model(tmp_path / "towers.keras")
    assert type(loaded) is type(model) and loaded is not model
    assert [t.name for t in loaded.inputs] == ["left", "right"] and len(loaded.layers) == len(model.layers)
    assert loaded.count_params() == model.count_params() == reference.count_params()
    for got, expected in zip(outputs(loaded, [A, B]), outputs(model, [A, B])):
        np.testing.assert_array_equal(got, expected)


def test_a_loaded_functional_model_trains_on_as_the_saved_one(tmp_path):
    inputs = keras.Input(shape=(6,))
    hidden = keras.layers.Dense(8, activation="relu")(inputs)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.add([hidden, hidden * 2.0])))
    y = RNG.standard_normal((5, 2)).astype(np.float32)
    model.compile(optimizer="adam", loss="mse")
    model.fit(A, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    nb.manual_seed(4)
    want = model.fit(A, y, epochs=3, verbose=0).history["loss"]
    nb.manual_seed(4)
    assert loaded.fit(A, y, epochs=3, verbose=0).history["loss"] == want
    np.testing.assert_array_equal(loaded.predict(A), model.predict(A))


def test_dict_outputs_and_one_input_keep_their_structure(tmp_path):
    inputs = keras.Input(shape=(6,))
    heads = {"score": keras.layers.Dense(1)(inputs), "same": keras.layers.Activation("relu")(inputs)}
    model = keras.Model(inputs, heads)
    model.save(tmp_path / "d.keras")
    loaded = keras.models.load_model(tmp_path / "d.keras")
    got, want = loaded(A), model(A)
    assert set(got) == {"score", "same"}
    np.testing.assert_array_equal(got["score"].detach().numpy(), want["score"].detach().numpy())


@pytest.mark.parametrize(
    "stack",
    [
        lambda k: [k.layers.Reshape((3, 4)), k.layers.GlobalMaxPooling1D(), k.layers.Dense(2)],
        lambda k: [k.layers.Reshape((2, 3, 2)), k.layers.Permute((3, 1, 2)), k.layers.GlobalAveragePooling2D(),
                   k.layers.Dense(2)],
        lambda k: [k.layers.Reshape((2, 2, -1)), k.layers.GlobalMaxPooling2D(keepdims=True), k.layers.Flatten()],
        lambda k: [k.layers.Reshape((4, 3)), k.layers.GlobalAveragePooling1D(keepdims=True), k.layers.Flatten()],
    ],
)  # fmt: skip
def test_the_newer_layers_save_in_a_sequential_with_keras_numbers(stack, tmp_path):
    reference_keras = keras_on_torch()
    x = RNG.standard_normal((5, 12)).astype(np.float32)
    reference = reference_keras.Sequential([reference_keras.Input(shape=(12,)), *stack(reference_keras)])
    model = keras.Sequential([keras.Input(shape=(12,)), *stack(keras)])
    model.set_weights(reference.get_weights())
    np.testing.assert_allclose(model.predict(x), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    model.save(tmp_path / "s.keras")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "s.keras").predict(x), model.predict(x))


def test_a_lambda_or_an_ops_call_is_refused_in_one_line_and_nothing_is_written(tmp_path):
    inputs = keras.Input(shape=(6,))
    with_lambda = keras.Model(inputs, keras.layers.Lambda(lambda t: t * 2.0, name="doubler")(inputs))
    with pytest.raises(TypeError, match=r"^Lambda layer 'doubler' holds Python code.*save_weights") as caught:
        with_lambda.save(tmp_path / "l.keras")
    assert "\n" not in str(caught.value)
    with_ops = keras.Model(inputs, keras.layers.Dense(2)(keras.ops.square(inputs)))
    with pytest.raises(TypeError, match=r"calls square on symbolic tensors.*layers.*save_weights"):
        with_ops.save(tmp_path / "o.keras")
    assert not list(tmp_path.iterdir())


def tower(k):
    """A subclassed model that writes no get_config."""

    class Tower(k.Model):
        def __init__(self, units, scale=1.0, **kwargs):
            super().__init__(**kwargs)
            self.dense, self.scale = k.layers.Dense(units), scale

        def call(self, inputs):
            return self.dense(inputs) * self.scale

    return Tower


def test_a_subclassed_model_without_a_config_is_saved_with_its_arguments_as_keras(tmp_path):
    """Keras's automatic config: the arguments the model was made with (defaults filled in) beside the base keys."""
    def scaled(k):
        class Scaled(k.layers.Layer):  # (Keras 3.15 records a subclassed Layer's arguments, not a Model's)
            def __init__(self, units, scale=1.0, **kwargs):
                super().__init__(**kwargs)
                self.units, self.scale = units, scale

        return Scaled

    mine, theirs = scaled(keras)(3, name="s").get_config(), scaled(keras_on_torch())(3, name="s").get_config()
    assert mine == theirs == {**mine, "units": 3, "scale": 1.0}
    assert scaled(keras).from_config(mine).get_config() == mine
    Tower = tower(keras)
    assert Tower(3, name="t").get_config() == {**mine, "name": "t"}
    model = Tower(3, scale=0.5)
    model(A)
    model.save(tmp_path / "t.keras")
    loaded = keras.models.load_model(tmp_path / "t.keras", custom_objects={"Tower": Tower})
    assert (loaded.dense.units, loaded.scale) == (3, 0.5)
    np.testing.assert_array_equal(loaded.predict(A, verbose=0), model.predict(A, verbose=0))


def test_a_subclassed_model_made_with_values_no_config_holds_is_refused_saying_to_save_the_weights(tmp_path):
    Tower = tower(keras)
    model = Tower(3, scale=np.float32(2.0))  # (a NumPy scalar: not a JSON value)
    model(A)
    with pytest.raises(NotImplementedError, match=r"subclassed model \(Tower\).*takes units.*model\.save_weights") as e:
        model.save(tmp_path / "t.keras")
    assert "\n" not in str(e.value) and not list(tmp_path.iterdir())
    model.save_weights(tmp_path / "t.weights.h5")  # what the message says works
    again = Tower(3, scale=np.float32(2.0))
    again(A)
    again.load_weights(tmp_path / "t.weights.h5")
    np.testing.assert_array_equal(again.predict(A), model.predict(A))


# --- hostile or damaged files: refused before anything is built -----------------------------------------------------


def _saved(tmp_path):
    inputs = keras.Input(shape=(6,))
    shared = keras.layers.Dense(4)
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.layers.add([shared(inputs), shared(inputs) * 3.0])))
    model.save(tmp_path / "ok.keras")
    return nb.load(tmp_path / "ok.keras")


def _rewritten(tmp_path, change):
    payload = _saved(tmp_path)
    change(payload)
    nb.save(payload, tmp_path / "bad.keras")
    return tmp_path / "bad.keras"


@pytest.mark.parametrize(
    "change, message",
    [
        (lambda p: p["config"]["layers"][0]["config"].update(units=10**9), r"config.layers\[0\].config.*10000000"
                                                                          r"|weight dense.*of shape"),
        (lambda p: p["config"]["nodes"][0]["args"].__setitem__(0, {"node": 3, "output": 0}), "not made before it"),
        (lambda p: p["config"]["nodes"][0]["args"].__setitem__(0, {"input": 2}), "input 2 does not exist"),
        (lambda p: p["config"]["layers"][0].update(class_name="Evil"), "unknown layer class 'Evil'"),
        (lambda p: p["config"]["layers"][0].update(module="__class__."), "not a name of its own"),
        (lambda p: p["config"]["nodes"][3].update(op="getattr"), r"config.nodes\[3\].op"),
        (lambda p: p["config"]["input_specs"][0].update(batch_shape=[None, 2**40]), r"input_specs\[0\]"),
        (lambda p: p["weights"].update(extra=nb.zeros(3)), "weights.extra: a weight that no layer"),
        (lambda p: p["config"]["nodes"][0]["kwargs"].update(mask={"input": 0}), r"nodes\[0\].*one argument"),
        (lambda p: p["config"]["nodes"][0]["args"].__setitem__(0, [{"input": 0}] * 2), r"Dense layer .* one tensor"),
        (lambda p: p["config"]["nodes"][3]["args"].__setitem__(0, {"input": 0}), r"Add layer .* a list of tensors"),
    ],
)  # fmt: skip
def test_damaged_functional_files_are_refused_naming_the_field(tmp_path, change, message):
    with pytest.raises(ModelFileError, match=message):
        keras.models.load_model(_rewritten(tmp_path, change))


def test_keras_saving_names_and_registered_classes_load_without_custom_objects(tmp_path):
    reference_keras = keras_on_torch()
    for name in ("save_model", "load_model", "register_keras_serializable", "get_registered_name"):
        assert hasattr(reference_keras.saving, name) and hasattr(keras.saving, name), name

    @keras.saving.register_keras_serializable(package="tests")
    class ScaleBySeven(keras.layers.Layer):
        def call(self, inputs):
            return inputs * 7.0

    assert keras.saving.get_registered_name(ScaleBySeven) == "tests>ScaleBySeven"
    inputs = keras.Input(shape=(6,))
    model = keras.Model(inputs, keras.layers.Dense(2)(ScaleBySeven()(inputs)))
    keras.saving.save_model(model, tmp_path / "scaled.keras")
    with pytest.raises(FileExistsError, match="overwrite=True"):
        keras.saving.save_model(model, tmp_path / "scaled.keras", overwrite=False)
    loaded = keras.saving.load_model(tmp_path / "scaled.keras")
    np.testing.assert_array_equal(loaded.predict(A), model.predict(A))


def test_a_model_compiled_with_a_dict_of_losses_per_output_loads_compiled(tmp_path):
    """As Keras 3's (compared with it in test_saving_output_metrics.py)."""
    a = keras.Input(shape=(6,))
    model = keras.Model(a, [keras.layers.Dense(1, name="reg")(a), keras.layers.Dense(3, name="cls")(a)])
    model.compile(optimizer="adam", loss={"cls": "sparse_categorical_crossentropy", "reg": "mse"})
    model.save(tmp_path / "heads.keras")
    loaded = keras.models.load_model(tmp_path / "heads.keras")
    for got, want in zip(outputs(loaded, A), outputs(model, A)):
        np.testing.assert_array_equal(got, want)
    targets = [np.zeros((len(A), 1), np.float32), np.arange(len(A)) % 3]
    assert loaded.evaluate(A, targets, verbose=0, return_dict=True) == model.evaluate(
        A, targets, verbose=0, return_dict=True
    )
