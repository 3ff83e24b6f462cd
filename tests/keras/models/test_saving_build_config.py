"""Keras 3's build-config hooks in model files: a layer's own ``get_build_config()`` is saved and its
``build_from_config(config)`` called at load, before the variables are loaded; the same code runs on Keras 3
(PyTorch backend) and on nabla, and both must call the hooks with the same configs, in the same order."""

from __future__ import annotations

import json

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

X = np.random.default_rng(0).normal(size=(5, 4)).astype(np.float32)


def _scaled_class(k, events: list):
    """A layer whose output is scaled by a number kept in its build config (keras.io's saving guide's pattern:
    state its build needs beyond the input shape), recording each hook call in ``events``."""

    class Scaled(k.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.scale = units, 1.0

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="glorot_uniform")

        def get_build_config(self):
            return {**(super().get_build_config() or {}), "scale": self.scale}

        def build_from_config(self, config):
            events.append(("build_from_config", config, len(self.weights)))
            self.scale = config["scale"]
            self.build(config["input_shape"])

        def load_own_variables(self, store):
            events.append(("load_own_variables", len(self.weights)))
            super().load_own_variables(store)

        def call(self, x):
            return k.ops.matmul(x, self.w) * self.scale

        def get_config(self):
            return {**super().get_config(), "units": self.units}

    return Scaled


def _model(k, scaled, kind: str):
    if kind == "sequential":
        return k.Sequential([k.Input((4,)), scaled(3, name="scaled"), k.layers.Dense(2)])
    if kind == "sequential called":  # (no Input: built at its first call, on a batch of 5)
        model = k.Sequential([scaled(3, name="scaled"), k.layers.Dense(2)])
        model(X)
        return model
    inputs = k.Input((4,))
    return k.Model(inputs, k.layers.Dense(2)(scaled(3, name="scaled")(inputs)))


def _round_trip(k, folder, kind: str):
    events: list = []
    scaled = _scaled_class(k, events)
    model = _model(k, scaled, kind)
    layer = next(layer for layer in model.layers if isinstance(layer, scaled))
    layer.scale = 2.5
    saved_config = layer.get_build_config()
    before = np.asarray(k.ops.convert_to_numpy(model(X)))
    model.save(folder / f"{kind.replace(' ', '_')}.keras")
    assert events == []  # saving calls no build hook
    loaded = k.models.load_model(folder / f"{kind.replace(' ', '_')}.keras", custom_objects={"Scaled": scaled})
    after = np.asarray(k.ops.convert_to_numpy(loaded(X)))
    return saved_config, events, before, after


@pytest.mark.parametrize("kind", ["sequential", "sequential called", "functional"])
def test_a_layers_build_config_comes_back_to_its_build_from_config_before_its_variables(tmp_path, kind):
    theirs = _round_trip(keras_on_torch(), tmp_path, kind)
    ours = _round_trip(keras, tmp_path, kind)
    assert ours[0] == theirs[0]  # the same build config saved ({"input_shape": (None, 4), "scale": 2.5})
    # build_from_config once, on a layer without weights, then the variables into its one weight, as Keras 3
    assert ours[1] == theirs[1]
    assert [event[0] for event in ours[1]] == ["build_from_config", "load_own_variables"]
    np.testing.assert_allclose(ours[3], ours[2], rtol=1e-6)  # the loaded model predicts as the saved one
    np.testing.assert_allclose(theirs[3], theirs[2], rtol=1e-6)


def _subclassed_round_trip(k, folder, serialize_inner: bool):
    """A subclassed model holding the layer; with ``serialize_inner`` its config holds the layer serialized
    (serialize_keras_object writes its build config) and from_config deserializes it."""
    events: list = []
    scaled = _scaled_class(k, events)

    class Holder(k.Model):
        def __init__(self, inner=None, **kwargs):
            super().__init__(**kwargs)
            self.inner = inner if inner is not None else scaled(3)

        def call(self, x):
            return self.inner(x)

        def get_config(self):
            inner = k.saving.serialize_keras_object(self.inner) if serialize_inner else None
            return {**super().get_config(), "inner": inner}

        @classmethod
        def from_config(cls, config):
            inner = config.pop("inner")
            return cls(k.saving.deserialize_keras_object(inner) if inner else None, **config)

    model = Holder()
    model(X)
    model.inner.scale = 2.5
    before = np.asarray(k.ops.convert_to_numpy(model(X)))
    model.save(folder / "holder.keras")
    loaded = k.models.load_model(folder / "holder.keras", custom_objects={"Holder": Holder, "Scaled": scaled})
    after = np.asarray(k.ops.convert_to_numpy(loaded(X)))
    return events, loaded.inner.scale, before, after


@pytest.mark.parametrize("serialize_inner", [False, True])
def test_a_layer_inside_a_subclassed_model_has_its_hook_called_only_when_the_config_serializes_it(
    tmp_path, serialize_inner
):
    theirs = _subclassed_round_trip(keras_on_torch(), tmp_path, serialize_inner)
    ours = _subclassed_round_trip(keras, tmp_path, serialize_inner)
    # Keras 3 builds a subclassed model's layers by running the model: their own hooks are not called, and
    # the scale they keep is lost, unless the model's config serializes the layer
    assert [e[0] for e in ours[0]] == [e[0] for e in theirs[0]]
    # (as JSON: nabla's file keeps the tuples of a config of yours, Keras's JSON makes them lists)
    assert json.dumps([e[1:] for e in ours[0]]) == json.dumps([e[1:] for e in theirs[0]])
    assert ours[1] == theirs[1] == (2.5 if serialize_inner else 1.0)
    if serialize_inner:
        np.testing.assert_allclose(ours[3], ours[2], rtol=1e-6)


def _model_with_hooks_round_trip(k, folder):
    """A subclassed model whose own class writes the hooks: its build config (a width beside the input
    shape) is saved, and its build_from_config builds it at load, before its weights are loaded."""
    events: list = []

    class Wide(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.width = 2

        def build(self, input_shape):
            self.dense = k.layers.Dense(self.width)
            self.dense.build(input_shape)

        def get_build_config(self):
            return {"input_shape": [None, 4], "width": self.width}

        def build_from_config(self, config):
            events.append((config, len(self.weights)))
            self.width = config["width"]
            self.build(tuple(config["input_shape"]))

        def call(self, x):
            return self.dense(x)

    model = Wide()
    model.width = 3
    before = np.asarray(k.ops.convert_to_numpy(model(X)))
    model.save(folder / "wide.keras")
    loaded = k.models.load_model(folder / "wide.keras", custom_objects={"Wide": Wide})
    return events, before, np.asarray(k.ops.convert_to_numpy(loaded(X)))


def test_a_subclassed_models_own_hooks_build_it_before_its_weights_load(tmp_path):
    theirs = _model_with_hooks_round_trip(keras_on_torch(), tmp_path)
    ours = _model_with_hooks_round_trip(keras, tmp_path)
    assert ours[0] == theirs[0] == [({"input_shape": [None, 4], "width": 3}, 0)]
    np.testing.assert_allclose(ours[2], ours[1], rtol=1e-6)
    np.testing.assert_allclose(theirs[2], theirs[1], rtol=1e-6)


def test_to_json_carries_the_build_config_to_model_from_json():
    events: list = []
    scaled = _scaled_class(keras, events)
    model = _model(keras, scaled, "functional")
    model.layers[1].scale = 0.5
    rebuilt = keras.models.model_from_json(model.to_json(), custom_objects={"Scaled": scaled})
    assert [e[:2] for e in events] == [("build_from_config", {"input_shape": [None, 4], "scale": 0.5})]
    assert rebuilt.layers[1].scale == 0.5


# --- what the file holds is checked before anything is built -------------------------------------------------


def _saved_payload(tmp_path):
    scaled = _scaled_class(keras, [])
    model = _model(keras, scaled, "sequential")
    model.save(tmp_path / "ok.keras")
    return scaled, nb.load(tmp_path / "ok.keras")


def _load_changed(tmp_path, payload, custom):
    nb.save(payload, tmp_path / "bad.keras")
    return keras.models.load_model(tmp_path / "bad.keras", custom_objects=custom)


def test_a_build_config_holding_no_json_value_is_refused_at_load(tmp_path):
    scaled, payload = _saved_payload(tmp_path)
    assert payload["config"]["layers"][0]["build_config"] == {"input_shape": [None, 4], "scale": 1.0}
    payload["config"]["layers"][0]["build_config"]["scale"] = nb.ones(3)  # (a tensor where a number was)
    with pytest.raises(ValueError, match=r"config.layers\[0\].build_config.scale: expected"):
        _load_changed(tmp_path, payload, {"Scaled": scaled})


def test_a_build_config_for_one_of_nablas_layers_is_refused_at_load(tmp_path):
    scaled, payload = _saved_payload(tmp_path)
    payload["config"]["layers"][1]["build_config"] = {"input_shape": [None, 10**9]}
    with pytest.raises(ValueError, match=r"layers\[1\].build_config: a build config is kept for layers of yours"):
        _load_changed(tmp_path, payload, {"Scaled": scaled})


def test_a_build_config_for_a_class_without_the_hooks_is_refused_at_load(tmp_path):
    _, payload = _saved_payload(tmp_path)

    class Scaled(keras.layers.Dense):  # (the same name, no hooks: the file does not fit this code)
        def __init__(self, units, **kwargs):
            super().__init__(units, use_bias=False, **kwargs)

    with pytest.raises(ValueError, match="does not override get_build_config / build_from_config"):
        _load_changed(tmp_path, payload, {"Scaled": Scaled})


def test_a_build_config_that_a_file_cannot_hold_is_refused_at_save(tmp_path):
    scaled = _scaled_class(keras, [])
    model = _model(keras, scaled, "sequential")
    for value, why in ((float("nan"), "holds nan"), ({1, 2}, "holds {1, 2} .set."), ([[[[[[[[[1]]]]]]]]], "deeper")):
        model.layers[0].scale = value
        with pytest.raises(TypeError, match=f"get_build_config of 'scaled'.*{why}.*JSON values"):
            model.save(tmp_path / "m.keras")
        assert not (tmp_path / "m.keras").exists()


# --- serialize_keras_object / deserialize_keras_object: build and compile configs ----------------------------


def _serialized(k, which: str):
    if which == "dense":
        obj = k.layers.Dense(2)
        obj.build((None, 3))
    elif which == "unbuilt dense":
        obj = k.layers.Dense(2)
    elif which == "sequential":
        obj = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
    else:
        obj = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
        obj.compile(optimizer=k.optimizers.SGD(0.05), loss="mse", metrics=["mae"])
    return obj, k.saving.serialize_keras_object(obj)


@pytest.mark.parametrize("which", ["dense", "unbuilt dense", "sequential", "compiled"])
def test_serialize_writes_the_build_and_compile_configs_as_keras(which):
    k = keras_on_torch()
    _, theirs = _serialized(k, which)
    _, ours = _serialized(keras, which)
    assert sorted(ours) == sorted(theirs)
    assert ours.get("build_config") == theirs.get("build_config")
    assert ours.get("compile_config", "absent") == theirs.get("compile_config", "absent") or which == "compiled"
    if which == "compiled":
        assert sorted(ours["compile_config"]) == sorted(theirs["compile_config"])
        for key in ("loss", "metrics", "loss_weights", "weighted_metrics", "run_eagerly", "steps_per_execution"):
            assert ours["compile_config"][key] == theirs["compile_config"][key], key


@pytest.mark.parametrize("which", ["dense", "sequential", "compiled"])
def test_deserialize_gives_back_a_built_layer_and_a_compiled_model(which):
    results = []
    for k in (keras_on_torch(), keras):
        original, serialized = _serialized(k, which)
        made = k.saving.deserialize_keras_object(serialized)
        optimizer = getattr(made, "optimizer", None) if which == "compiled" else None
        results.append((made.built, [tuple(w.shape) for w in made.weights], getattr(made, "compiled", None),
                        None if optimizer is None else (type(optimizer).__name__,
                                                        round(float(optimizer.learning_rate), 6))))  # fmt: skip
        assert made is not original
    assert results[0] == results[1]
    assert results[1][0] and results[1][1] == [(3, 2), (2,)]


def test_deserialize_calls_a_layers_own_build_from_config_once_as_keras():
    calls = []
    for k in (keras_on_torch(), keras):
        events: list = []
        scaled = _scaled_class(k, events)
        layer = scaled(2)
        layer.build((None, 3))
        layer.scale = 4.0
        made = k.saving.deserialize_keras_object(k.saving.serialize_keras_object(layer), {"Scaled": scaled})
        calls.append((events, made.scale, made.built))
    assert calls[1] == calls[0] == ([("build_from_config", {"input_shape": (None, 3), "scale": 4.0}, 0)], 4.0, True)
