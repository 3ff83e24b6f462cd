"""Listings of keras.io's developer guides ("Training & evaluation with the built-in methods", "Making new
layers and models via subclassing", "Serialization and saving", "Working with RNNs") that did not run before,
with the import changed to nabla.keras, against Keras 3 (PyTorch backend) on small synthetic data."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(0)
X = RNG.random((40, 6)).astype(np.float32)
Y = RNG.integers(0, 3, 40).astype(np.float32)


def classifier(k):
    inputs = k.Input(shape=(6,), name="digits")
    x = k.layers.Dense(8, activation="relu", name="dense_1")(inputs)
    model = k.Model(inputs, k.layers.Dense(3, activation="softmax", name="predictions")(x))
    model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    return model


def test_fit_and_evaluate_take_a_torch_dataloader_as_their_arrays():
    torch = require("torch")
    loader = torch.utils.data.DataLoader(torch.utils.data.TensorDataset(torch.tensor(X), torch.tensor(Y)),
                                         batch_size=8, shuffle=False)  # fmt: skip
    arrays, model = classifier(keras), classifier(keras)
    model.set_weights(arrays.get_weights())
    expected = arrays.fit(X, Y, batch_size=8, epochs=2, shuffle=False, validation_data=(X, Y), verbose=0)
    history = model.fit(loader, epochs=2, validation_data=loader, verbose=0)
    for key, values in expected.history.items():
        np.testing.assert_allclose(history.history[key], values, rtol=1e-6)
    assert model.evaluate(loader, verbose=0) == pytest.approx(arrays.evaluate(X, Y, verbose=0))


def multi_output(k):
    image_input = k.Input(shape=(8, 8, 3), name="img_input")
    timeseries_input = k.Input(shape=(None, 4), name="ts_input")
    x1 = k.layers.GlobalMaxPooling2D()(k.layers.Conv2D(3, 3)(image_input))
    x2 = k.layers.GlobalMaxPooling1D()(k.layers.Conv1D(3, 3)(timeseries_input))
    x = k.layers.concatenate([x1, x2])
    outputs = [k.layers.Dense(1, name="score_output")(x), k.layers.Dense(5, name="class_output")(x)]
    model = k.Model(inputs=[image_input, timeseries_input], outputs=outputs)
    model.compile(
        optimizer=k.optimizers.RMSprop(1e-3),
        loss={"score_output": k.losses.MeanSquaredError(), "class_output": k.losses.CategoricalCrossentropy()},
        metrics={"score_output": [k.metrics.MeanAbsoluteError()], "class_output": [k.metrics.CategoricalAccuracy()]},
        loss_weights={"score_output": 2.0, "class_output": 1.0},
    )
    return model


def test_a_model_of_two_inputs_and_outputs_with_loss_dicts_and_loss_weights_evaluates_as_keras():
    theirs, mine = multi_output(keras_on_torch()), multi_output(keras)
    mine.set_weights([np.asarray(w) for w in theirs.get_weights()])
    x = {"img_input": RNG.random((16, 8, 8, 3)).astype(np.float32),
         "ts_input": RNG.random((16, 7, 4)).astype(np.float32)}  # fmt: skip
    y = {"score_output": RNG.random((16, 1)).astype(np.float32),
         "class_output": np.eye(5, dtype=np.float32)[RNG.integers(0, 5, 16)]}  # fmt: skip
    want = theirs.evaluate(x, y, verbose=0, return_dict=True)
    got = mine.evaluate(x, y, verbose=0, return_dict=True)
    assert set(got) == set(want)
    for key, value in want.items():
        assert got[key] == pytest.approx(value, rel=1e-5), key


def test_plot_model_draws_inputs_of_unknown_length_from_the_graph(tmp_path):
    drawing = keras.utils.plot_model(multi_output(keras), tmp_path / "m.dot", show_shapes=True)
    assert "ts_input|(None, None, 4)" in drawing.dot
    assert "Conv1D|input: (None, None, 4)|output: (None, None, 3)" in drawing.dot


def test_layer_configs_hold_keras_base_keys_and_round_trip():
    k = keras_on_torch()

    class Linear(keras.layers.Layer):  # the subclassing guide's, with **kwargs passed on
        def __init__(self, units=32, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    mine = Linear(64, name="linear", dtype="float64").get_config()
    assert mine == {"name": "linear", "trainable": True, "units": 64,
                    "dtype": k.layers.Dense(1, dtype="float64").get_config()["dtype"]}  # fmt: skip
    assert Linear.from_config(mine).get_config() == mine
    theirs = k.layers.Dense(3, activation="relu", name="d").get_config()
    base = {key: theirs[key] for key in ("name", "trainable", "dtype", "units", "activation")}
    dense = keras.layers.Dense.from_config(base)  # Keras's base keys, its DTypePolicy config among them
    assert {key: dense.get_config()[key] for key in base} == base


def custom_dense_class(k):
    class CustomDense(k.layers.Layer):  # the functional API guide's: its get_config() leaves out the name
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal")
            self.b = self.add_weight(shape=(self.units,), initializer="random_normal")

        def call(self, inputs):
            return k.ops.matmul(inputs, self.w) + self.b

        def get_config(self):
            return {"units": self.units}

    return CustomDense


def test_a_functional_model_of_a_layer_whose_config_has_no_name_rebuilds_and_loads(tmp_path):
    def rebuilt_names(k):
        custom = custom_dense_class(k)
        inputs = k.Input((4,))
        model = k.Model(inputs, custom(10)(inputs))
        again = k.Model.from_config(model.get_config(), custom_objects={"CustomDense": custom})
        return model, custom, model.layers[1].name != again.layers[1].name

    # Keras 3 makes the layer again under a new name (custom_dense_1)
    assert rebuilt_names(keras_on_torch())[2]
    model, custom, renamed = rebuilt_names(keras)
    assert renamed
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras", custom_objects={"CustomDense": custom})
    np.testing.assert_array_equal(loaded.predict(X[:, :4], verbose=0), model.predict(X[:, :4], verbose=0))


def test_add_loss_of_a_symbolic_tensor_is_refused_as_keras_3_refuses_it():
    """Introduction to Keras for Researchers (Keras 2 era) adds a functional VAE's KL term with
    ``vae.add_loss(kl_loss)``: Keras 3 raises NotImplementedError; nabla too, saying where the loss goes."""
    for k in (keras_on_torch(), keras):
        inputs = k.Input((3,))
        outputs = k.layers.Dense(2)(inputs)
        model = k.Model(inputs, outputs)
        with pytest.raises(NotImplementedError) as refused:
            model.add_loss(k.ops.mean(outputs))
    assert "inside a layer's call()" in str(refused.value)


def test_a_layers_save_assets_files_come_back_to_its_load_assets(tmp_path):
    """Customizing Saving and Serialization's LayerWithCustomAssets: nabla ignored save_assets/load_assets."""

    def restored_vocabulary(k, name):
        class LayerWithCustomAssets(k.layers.Dense):
            def __init__(self, vocab=None, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.vocab = vocab

            def save_assets(self, inner_path):
                with open(f"{inner_path}/vocabulary.txt", "w") as f:
                    f.write(self.vocab)

            def load_assets(self, inner_path):
                with open(f"{inner_path}/vocabulary.txt") as f:
                    self.vocab = f.read().replace("<unk>", "little")

        model = k.Sequential([LayerWithCustomAssets(vocab="Mary had a <unk> lamb.", units=5)])
        model(X[:2, :4])
        model.save(tmp_path / name)
        custom = {"LayerWithCustomAssets": LayerWithCustomAssets}
        return k.models.load_model(tmp_path / name, custom_objects=custom).layers[0].vocab

    # Keras 3 (its .keras file's assets/ folder)
    assert restored_vocabulary(keras_on_torch(), "k.keras") == restored_vocabulary(keras, "m.keras")
    assert restored_vocabulary(keras, "m2.keras") == "Mary had a little lamb."


def test_asset_names_that_leave_the_folder_are_refused(tmp_path):
    from nabla.keras.models.assets import load_assets

    model = keras.Sequential([keras.layers.Dense(1)])
    model.layers[0].load_assets = lambda folder: None
    with pytest.raises(ValueError, match="not a plain file name"):
        load_assets(model, {"0": {"../escape.txt": np.zeros(2, np.uint8)}})


def test_a_sequential_model_that_starts_with_an_embedding_is_unbuilt_until_called_as_keras():
    def rnn_guide_model(k):  # "Working with RNNs", its first listing
        model = k.Sequential()
        model.add(k.layers.Embedding(input_dim=1000, output_dim=64))
        model.add(k.layers.LSTM(128))
        model.add(k.layers.Dense(10))
        return model

    theirs, mine = rnn_guide_model(keras_on_torch()), rnn_guide_model(keras)
    assert (mine.built, len(mine.weights), mine.layers[0].built) == (theirs.built, len(theirs.weights), False)
    for model in (theirs, mine):  # the summary's row: "│ embedding (Embedding) │ ? │ 0 (unbuilt) │"
        lines = []
        model.summary(print_fn=lambda line, lines=lines, **kwargs: lines.append(line))
        row = next(line for line in "\n".join(lines).splitlines() if "(Embedding)" in line)
        assert [cell.strip() for cell in row.split("│")][2:4] == ["?", "0 (unbuilt)"]
    ids = RNG.integers(0, 1000, (2, 5))
    theirs(ids), mine(ids)
    assert mine.count_params() == theirs.count_params() == 64_000 + 98_816 + 1_290
