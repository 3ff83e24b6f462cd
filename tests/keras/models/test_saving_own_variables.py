"""Keras 3's ``save_own_variables`` / ``load_own_variables``: a layer's own store in the model file, against
Keras 3 on its PyTorch backend (its ``.keras`` file keeps the same stores)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X = np.random.default_rng(0).normal(size=(6, 4)).astype(np.float32)


def _layer_with_a_table(k):
    class Tabled(k.layers.Dense):
        """Dense whose output is scaled by a NumPy table (not a weight) that the hooks save and load."""

        def __init__(self, units, **kwargs):
            super().__init__(units, **kwargs)
            self.table = np.zeros(units, np.float32)

        def save_own_variables(self, store):
            super().save_own_variables(store)
            store["table"] = self.table

        def load_own_variables(self, store):
            self.table = np.array(store["table"])
            for i, weight in enumerate(self.weights):
                weight.assign(store[str(i)])

        def call(self, inputs):
            return super().call(inputs) * k.ops.convert_to_tensor(self.table)

    return Tabled


def _round_trip(k, folder, name):
    tabled = _layer_with_a_table(k)
    model = k.Sequential([k.Input((4,)), tabled(3)])
    model.layers[0].table = np.array([1.0, -2.0, 0.5], np.float32)
    before = k.ops.convert_to_numpy(model(X))
    model.save(folder / name)
    loaded = k.models.load_model(folder / name, custom_objects={"Tabled": tabled})
    after = k.ops.convert_to_numpy(loaded(X))
    return loaded.layers[0].table.tolist(), np.asarray(before), np.asarray(after)


def test_a_layers_own_store_comes_back_to_its_load_own_variables(tmp_path):
    theirs = _round_trip(keras_on_torch(), tmp_path, "k.keras")
    ours = _round_trip(keras, tmp_path, "m.keras")
    assert ours[0] == theirs[0] == [1.0, -2.0, 0.5]
    np.testing.assert_array_equal(ours[2], ours[1])  # the loaded model predicts as the saved one
    np.testing.assert_array_equal(theirs[2], theirs[1])


def _default_store(k):
    layer = k.layers.Dense(2)
    layer.build((None, 3))
    store = {}
    layer.save_own_variables(store)
    return layer, store


def test_the_default_hooks_store_the_layers_own_weights_by_position():
    ours, ours_store = _default_store(keras)
    theirs, theirs_store = _default_store(keras_on_torch())
    assert sorted(ours_store) == sorted(theirs_store) == ["0", "1"]
    assert [v.shape for v in ours_store.values()] == [tuple(v.shape) for v in theirs_store.values()]
    ours.load_own_variables({"0": np.ones((3, 2)), "1": np.full(2, 3.0)})
    np.testing.assert_array_equal(ours.bias.numpy(), [3.0, 3.0])
    for layer in (ours, theirs):
        with pytest.raises(ValueError, match="expected 2 variables, but received 1 variables during loading"):
            layer.load_own_variables({"0": np.ones((3, 2))})


def test_a_store_of_text_is_refused_at_save_with_what_to_use(tmp_path):
    class Named(keras.layers.Dense):
        def save_own_variables(self, store):
            store["label"] = np.array(["a", "b"])

    model = keras.Sequential([keras.Input((4,)), Named(2)])
    with pytest.raises(TypeError, match="stored 'label'.*save text with save_assets"):
        model.save(tmp_path / "m.keras")
    assert not (tmp_path / "m.keras").exists()


def test_a_file_whose_store_names_a_layer_without_hooks_is_refused():
    from nabla.keras.models.own_variables import load_own_variables

    model = keras.Sequential([keras.Input((4,)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="layer '0', which this model lacks or whose class does not override"):
        load_own_variables(model, {"0": {"0": np.zeros((4, 1), np.float32)}})
