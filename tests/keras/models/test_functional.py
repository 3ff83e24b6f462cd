"""The functional API, ``keras.Model(inputs, outputs)`` on ``keras.Input``, against Keras 3's."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras


def functional_model(k):
    """A small graph with a branch, a residual sum, a keras.ops call and a shared layer."""
    inputs = k.Input(shape=(4,))
    shared = k.layers.Dense(4, activation="tanh")
    h = shared(inputs)
    h = shared(h) + inputs
    a = k.layers.Dense(3, activation="relu")(h)
    b = k.layers.Dense(3)(k.ops.square(h))
    outputs = k.layers.Dense(2, activation="softmax")(k.ops.concatenate([a, b * 0.5], axis=-1))
    return k.Model(inputs=inputs, outputs=outputs)


def test_a_functional_model_computes_and_trains_as_keras():
    reference_keras = keras_on_torch()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 4)).astype(np.float32), rng.integers(0, 2, 32)
    reference, model = functional_model(reference_keras), functional_model(keras)
    assert [tuple(w.shape) for w in reference.weights] == [w.shape for w in model.weights]
    assert model.count_params() == reference.count_params()
    model.set_weights(reference.get_weights())
    np.testing.assert_allclose(model.predict(x), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss="sparse_categorical_crossentropy")
    want = reference.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    got = model.fit(x, y, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, want, rtol=1e-4)
    for g, w in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def test_input_is_symbolic_and_shapes_follow_the_graph():
    inputs = keras.Input(shape=(28, 28, 1), name="image")
    x = keras.layers.Conv2D(4, 3, activation="relu")(inputs)
    x = keras.layers.MaxPooling2D()(x)
    x = keras.layers.Flatten()(x)
    assert isinstance(inputs, keras.KerasTensor) and inputs.shape == (None, 28, 28, 1)
    assert x.shape == (None, 13 * 13 * 4)
    model = keras.Model(inputs, keras.layers.Dense(10)(x), name="cnn")
    assert model.name == "cnn" and model.predict(np.zeros((3, 28, 28, 1), np.float32)).shape == (3, 10)
    with pytest.raises(TypeError, match="holds no values"):
        np.asarray(inputs)


def test_two_inputs_and_two_outputs():
    a, b = keras.Input(shape=(3,)), keras.Input(shape=(2,))
    merged = keras.ops.concatenate([keras.layers.Dense(4)(a), b], axis=1)
    model = keras.Model(inputs=[a, b], outputs=[merged, keras.layers.Dense(1)(merged)])
    first, second = model([nb.ones(5, 3), nb.ones(5, 2)])
    assert first.shape == (5, 6) and second.shape == (5, 1)


def test_a_sequential_starts_with_keras_input_and_is_callable_in_a_graph():
    body = keras.Sequential([keras.Input(shape=(3,)), keras.layers.Dense(2)])
    assert body.count_params() == 8
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(1)(body(inputs)))
    assert model.predict(np.ones((2, 3), np.float32)).shape == (2, 1)
    assert len(model.trainable_variables) == 4


def test_outputs_that_do_not_come_from_the_inputs_are_refused():
    stray = keras.Input(shape=(2,))
    with pytest.raises(ValueError, match="not among the model's inputs"):
        keras.Model(keras.Input(shape=(2,)), keras.layers.Dense(1)(stray))


def test_get_layer_by_name_and_index():
    inputs = keras.Input(shape=(3,))
    hidden = keras.layers.Dense(4, name="hidden")
    model = keras.Model(inputs, keras.layers.Dense(1, name="head")(hidden(inputs)))
    assert model.get_layer("hidden") is hidden and model.get_layer(index=-1).name == "head"
    with pytest.raises(ValueError, match="no layer named 'hiden'"):
        model.get_layer("hiden")


def test_the_layers_and_weights_come_in_keras_order(keras):
    """Branches of different depths, two inputs, a shared layer: model.layers (and so get_weights) in Keras 3's
    order (deepest first, ties in the order a walk from the outputs meets them), an InputLayer for each
    input among them."""
    import nabla.keras as nk

    def build(k):
        first, second = k.Input((4,), name="first"), k.Input((3,), name="second")
        shared = k.layers.Dense(4, name="shared")
        a = k.layers.Dense(4, name="a")(first)
        b = k.layers.Dense(4, name="b")(a)
        c = k.layers.Dense(4, name="c")(second)
        d = shared(k.layers.Dense(4, name="h")(k.layers.Concatenate(name="cat")([c, b])))
        e = shared(k.layers.Dense(4, name="e")(d))
        out = k.layers.Add(name="add")([e, k.layers.Dense(4, name="f")(c)])
        return k.Model([first, second], [out, k.layers.Dense(1, name="g")(a)])

    theirs = [(layer.name, type(layer).__name__) for layer in build(keras).layers]
    ours = build(nk)
    assert [(layer.name, type(layer).__name__) for layer in ours.layers] == theirs
    assert [tuple(w.shape) for w in ours.get_weights()] == [tuple(w.shape) for w in build(keras).get_weights()]


def test_a_layer_of_sequences_of_bounded_length_on_an_input_of_unknown_length():
    """Deep Learning with Python's Transformer: a learned positional embedding of ``sequence_length`` positions
    on ``keras.Input(shape=(None,))``. nabla infers shapes by running the layer at two lengths; where one of
    them is too long for the layer, shorter ones are tried, and the model is Keras 3's."""

    def build(lib, sequence_length):
        class PositionalEmbedding(lib.layers.Layer):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.tokens = lib.layers.Embedding(input_dim=50, output_dim=4)
                self.positions = lib.layers.Embedding(input_dim=sequence_length, output_dim=4)

            def call(self, inputs):
                positions = lib.ops.arange(0, lib.ops.shape(inputs)[-1])
                return self.tokens(inputs) + self.positions(positions)

        inputs = lib.Input(shape=(None,), dtype="int64")
        outputs = lib.layers.GlobalAveragePooling1D()(PositionalEmbedding()(inputs))
        return lib.Model(inputs, lib.layers.Dense(1)(outputs))

    x = np.random.default_rng(0).integers(0, 50, (3, 7))
    for sequence_length in (20, 10):  # too short for the second probe length, then for both
        model, k_model = build(keras, sequence_length), build(keras_on_torch(), sequence_length)
        assert model.layers[1].output.shape == tuple(k_model.layers[1].output.shape) == (None, None, 4)
        model.set_weights([np.asarray(w) for w in k_model.get_weights()])
        np.testing.assert_allclose(model.predict(x, verbose=0), np.asarray(k_model.predict(x, verbose=0)), rtol=1e-5)
    with pytest.raises(ValueError, match=r"index \d+ is outside \[0, 1\)"):
        build(keras, 1)  # no length of 2 or more fits: the error of the first length tried


def cut_model(k):
    """keras-io's structured data example: the model's inputs are, by name, a Normalization's output and a
    keras.Input; Keras 3 cuts the graph at the computed tensor (the Normalization is not the model's)."""
    age = k.Input((1,), name="age")
    normalized = k.layers.Normalization(mean=1.0, variance=4.0)(age)
    sex = k.Input((2,), name="sex")
    hidden = k.layers.Dense(3, activation="relu")(k.layers.concatenate([normalized, sex]))
    return k.Model({"age": normalized, "sex": sex}, k.layers.Dense(1, activation="sigmoid")(hidden))


def test_a_model_on_a_computed_tensor_cuts_the_graph_there_as_keras(tmp_path):
    reference_keras = keras_on_torch()
    rng = np.random.default_rng(0)
    x = {"age": rng.uniform(-2, 3, (16, 1)).astype(np.float32), "sex": np.eye(2, dtype=np.float32)[[0, 1] * 8]}
    y = rng.integers(0, 2, (16, 1)).astype(np.float32)
    reference, model = cut_model(reference_keras), cut_model(keras)
    # (Keras numbers its tensors, keras_tensor_46; an InputLayer made of one adds CLONE to the name)
    assert model.layers[0].name.endswith("CLONE") and reference.layers[0].name.endswith("CLONE")
    assert [type(layer).__name__ for layer in model.layers] == [type(layer).__name__ for layer in reference.layers]
    model.set_weights(reference.get_weights())
    np.testing.assert_allclose(model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6)
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.01), loss="binary_crossentropy")
    want = reference.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0).history["loss"],
                               want, rtol=1e-4)  # fmt: skip
    model.save(tmp_path / "cut.keras")
    loaded = keras.models.load_model(tmp_path / "cut.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def _two_cuts(k):
    """A model cut at two computed tensors (and one at a computed tensor and a keras.Input), as Keras 3 cuts."""
    a, b = k.Input((4,), name="a"), k.Input((4,), name="b")
    ha, hb = k.layers.Dense(3)(a), k.layers.Dense(3)(b)
    out = k.layers.Dense(1)(k.layers.Concatenate()([ha, hb]))
    return k.Model([ha, hb], out), k.Model([a, hb], out), k.Model(hb, k.layers.Dense(2)(hb))


def test_cut_inputs_are_named_as_keras_each_its_own(tmp_path):
    """Keras 3 names the input made of a computed tensor after the tensor, "keras_tensor_4CLONE": one name
    per tensor (the same in each model cut there), distinct tensors distinct names."""
    import re

    def form(model):  # (Keras numbers every tensor of the session, nabla those that become inputs: not compared)
        return [re.sub(r"^keras_tensor(_\d+)?CLONE$", "keras_tensor_NCLONE", t.name) for t in model.inputs]

    ours, theirs = _two_cuts(keras), _two_cuts(keras_on_torch())
    assert [form(m) for m in ours] == [form(m) for m in theirs]
    for models in (ours, theirs):
        assert len({t.name for t in models[0].inputs}) == 2  # (nabla named both "keras_tensorCLONE")
        assert models[0].inputs[1].name == models[1].inputs[1].name == models[2].inputs[0].name
        assert [layer.name for layer in models[0].layers][:2] == [t.name for t in models[0].inputs]
    model = ours[0]
    model.save(tmp_path / "cut.keras")
    x = [np.ones((2, 3), np.float32), np.zeros((2, 3), np.float32)]
    np.testing.assert_allclose(keras.models.load_model(tmp_path / "cut.keras").predict(x, verbose=0),
                               model.predict(x, verbose=0), rtol=1e-6)  # fmt: skip
