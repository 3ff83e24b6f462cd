"""Models nested as layers (a Sequential or functional model inside another) save whole and load back, as in
Keras 3: the inner model's config nests in the outer one's layer list, its weights sit under its name.

The patterns of TensorFlow's and Keras's tutorials, each built in nabla and in Keras 3 (torch backend) with
Keras's weights: the same predictions, the same nesting of configs, then ``model.save`` / ``load_model``,
``from_config`` and ``model_from_json`` give the model back (predictions, summary, config, compiled state).
Damaged nested parts of a file are refused in one line naming the field, as a flat model's are."""

from __future__ import annotations

import contextlib
import io

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import keras
from nabla.keras.models import file_schema

RNG = np.random.default_rng(0)
X = RNG.standard_normal((6, 5)).astype(np.float32)
X2 = RNG.standard_normal((6, 5)).astype(np.float32)


def transfer(k):
    """Transfer learning: a base model called with training=False inside a functional model."""
    base = k.Sequential([k.layers.Dense(4, activation="relu"), k.layers.Dense(3)], name="base")
    inputs = k.Input(shape=(5,))
    return k.Model(inputs, k.layers.Dense(1)(base(inputs, training=False)))


def preprocessing_head(k):
    """TensorFlow's "Load CSV data": a functional preprocessing model, then a Sequential body."""
    raw = k.Input(shape=(5,))
    head = k.Model(raw, k.layers.Concatenate()([k.layers.Dense(2)(raw), raw]), name="titanic_preprocessing")
    body = k.Sequential([k.layers.Dense(8, activation="relu"), k.layers.Dense(1)], name="body")
    inputs = k.Input(shape=(5,))
    return k.Model(inputs, body(head(inputs)))


def sequential_in_sequential(k):
    inner = k.Sequential([k.layers.Dense(3, activation="relu"), k.layers.Dense(3)], name="inner")
    return k.Sequential([k.Input(shape=(5,)), inner, k.layers.Dense(2)])


def autoencoder(k):
    encoder = k.Sequential([k.Input(shape=(5,)), k.layers.Dense(2, activation="tanh")], name="encoder")
    decoder = k.Sequential([k.Input(shape=(2,)), k.layers.Dense(5)], name="decoder")
    return k.Sequential([encoder, decoder])


def shared_encoder(k):
    """One encoder applied to two inputs: one set of weights, two calls."""
    encoder = k.Sequential([k.Input(shape=(5,)), k.layers.Dense(2)], name="encoder")
    a, b = k.Input(shape=(5,), name="a"), k.Input(shape=(5,), name="b")
    return k.Model([a, b], k.layers.Dense(1)(k.layers.Subtract()([encoder(a), encoder(b)])))


PATTERNS = {"transfer": transfer, "preprocessing-head": preprocessing_head,
            "sequential-in-sequential": sequential_in_sequential, "autoencoder": autoencoder,
            "shared-encoder": shared_encoder}  # fmt: skip


def _inputs(name):
    return [X, X2] if name == "shared-encoder" else X


def _summary(model) -> str:
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        model.summary()
    return out.getvalue()


def _nesting(config: dict) -> list:
    """A config's layer classes, nested models as (class, their nesting): the shape of the tree, in nabla's
    config or Keras 3's (whose functional models list an InputLayer per input among the layers)."""
    return [(e["class_name"], _nesting(e["config"])) if "layers" in e["config"] else e["class_name"]
            for e in config["layers"] if e["class_name"] != "InputLayer"]  # fmt: skip


def _calls(config: dict) -> dict:
    """How many times a functional config calls each nested model: Keras's inbound nodes, nabla's nodes."""
    if "nodes" in config:
        named = {i: e["config"]["name"] for i, e in enumerate(config["layers"]) if "layers" in e["config"]}
        calls = [named[n["layer"]] for n in config["nodes"] if n.get("layer") in named]
    else:
        calls = [e["config"]["name"] for e in config["layers"] for _ in e.get("inbound_nodes", [])
                 if "layers" in e["config"]]  # fmt: skip
    return {name: calls.count(name) for name in calls}


@pytest.mark.parametrize("name", PATTERNS)
def test_a_nested_model_predicts_and_nests_its_config_as_keras(name):
    reference_keras = keras_on_torch()
    reference, model = PATTERNS[name](reference_keras), PATTERNS[name](keras)
    model.set_weights(reference.get_weights())
    want = reference.predict(_inputs(name), verbose=0)
    np.testing.assert_allclose(model.predict(_inputs(name), verbose=0), want, rtol=1e-5, atol=1e-6)
    mine, theirs = model.get_config(), reference.get_config()
    assert _nesting(mine) == _nesting(theirs)
    assert _calls(mine) == _calls(theirs)


@pytest.mark.parametrize("name", PATTERNS)
def test_a_nested_model_saves_and_loads_whole(name, tmp_path):
    model = PATTERNS[name](keras)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded) is type(model) and loaded is not model
    np.testing.assert_array_equal(loaded.predict(_inputs(name), verbose=0), model.predict(_inputs(name), verbose=0))
    assert _summary(loaded) == _summary(model)
    assert loaded.get_config() == model.get_config()
    assert list(loaded.state_dict()) == list(model.state_dict())


@pytest.mark.parametrize("name", PATTERNS)
def test_a_nested_config_rebuilds_with_from_config_and_json(name):
    model = PATTERNS[name](keras)
    config = model.get_config()
    rebuilt = type(model).from_config(config)
    from_json = keras.models.model_from_json(model.to_json())
    for again in (rebuilt, from_json):
        assert again.get_config() == config and _summary(again) == _summary(model)
        again.set_weights(model.get_weights())
        np.testing.assert_array_equal(again.predict(_inputs(name), verbose=0), model.predict(_inputs(name), verbose=0))
    if name in ("transfer", "preprocessing-head", "shared-encoder"):  # keras.Model.from_config of a functional one
        assert keras.Model.from_config(config).get_config() == config


def test_a_loaded_nested_model_trains_on_as_the_saved_one(tmp_path):
    model = preprocessing_head(keras)
    y = RNG.standard_normal((6, 1)).astype(np.float32)
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
    model.fit(X, y, epochs=2, verbose=0)
    model.save(tmp_path / "m.keras")
    loaded = keras.models.load_model(tmp_path / "m.keras")
    assert type(loaded.optimizer) is type(model.optimizer) and loaded.optimizer.iterations == 2
    nb.manual_seed(3)
    want = model.fit(X, y, epochs=3, verbose=0).history["loss"]
    nb.manual_seed(3)
    assert loaded.fit(X, y, epochs=3, verbose=0).history["loss"] == want


def test_models_nest_several_deep(tmp_path):
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(3)], name="level_0")
    for level in range(1, 4):
        inputs = keras.Input(shape=(5,))
        model = keras.Model(inputs, keras.layers.Dense(5)(model(inputs)), name=f"level_{level}")
    model.save(tmp_path / "deep.keras")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "deep.keras").predict(X), model.predict(X))


@keras.saving.register_keras_serializable(package="nested_tests")
class Scaled(keras.Model):
    """A subclassed model with a config, registered as Keras asks."""

    def __init__(self, units: int = 3, **kwargs):
        super().__init__(**kwargs)
        self.units, self.dense = units, keras.layers.Dense(units)

    def call(self, inputs):
        return self.dense(inputs) * 2.0

    def get_config(self):
        return {**super().get_config(), "units": self.units}


def test_a_registered_subclassed_model_nests_and_one_without_a_config_is_refused(tmp_path):
    inputs = keras.Input(shape=(5,))
    model = keras.Model(inputs, keras.layers.Dense(1)(Scaled(3)(inputs)))
    model.save(tmp_path / "s.keras")
    np.testing.assert_array_equal(keras.models.load_model(tmp_path / "s.keras").predict(X), model.predict(X))

    class Tower(keras.Model):  # no get_config, made with a value a config cannot hold
        def __init__(self, scale, **kwargs):
            super().__init__(**kwargs)
            self.dense, self.scale = keras.layers.Dense(2), scale

        def call(self, inputs):
            return self.dense(inputs) * self.scale

    unsaveable = keras.Model(inputs, Tower(np.float32(2.0))(inputs))
    with pytest.raises(NotImplementedError, match=r"subclassed model \(Tower\).*get_config"):
        unsaveable.save(tmp_path / "t.keras")
    assert not (tmp_path / "t.keras").exists()


# --- damaged nested parts: refused in one line naming the field, before anything is built -------------------------


def _payload(tmp_path, build=shared_encoder):
    build(keras).save(tmp_path / "ok.keras")
    return nb.load(tmp_path / "ok.keras")


def _inner(payload) -> dict:
    """The nested encoder's entry of shared_encoder's config."""
    return next(e for e in payload["config"]["layers"] if e["class_name"] == "Sequential")


def _wrap(payload, times: int):
    """The file's Sequential inner model wrapped ``times`` more times in Sequentials (nesting ever deeper)."""
    entry = _inner(payload)
    for _ in range(times):
        entry["config"] = {"name": "wrap", "layers": [{"class_name": "Sequential", "config": entry["config"]}]}


@pytest.mark.parametrize(
    "change, what",
    [
        (lambda p: _inner(p)["config"]["layers"][0]["config"].update(units=7),
         r"config.layers\[\d\].config.layers\[0\].config: the layer needs a weight encoder.0.kernel of shape \(5, 7\)"),
        (lambda p: _inner(p)["config"]["layers"][0].update(class_name="Exec"),
         r"config.layers\[\d\].config.layers\[0\].class_name: unknown layer class 'Exec'"),
        (lambda p: _inner(p)["config"].pop("layers"), r"config.layers\[\d\].config.layers: missing"),
        (lambda p: _inner(p)["config"].update(extra=1), r"config.layers\[\d\].config.extra"),
        (lambda p: _inner(p)["config"].update(build_input_shape=[None, 4]),
         r"config.layers\[\d\].config: the model takes samples of shape \[4\], but is called on \[5\]"),
        (lambda p: p["weights"].update({"encoder.9.kernel": nb.zeros((2, 2))}),
         r"weights.encoder.9.kernel: a weight that no layer of the config has"),
        (lambda p: _wrap(p, file_schema.MAX_NESTING), rf"models nest at most {file_schema.MAX_NESTING} deep"),
    ],
    ids=["units", "unknown-class", "no-layers", "unknown-field", "input-shape", "extra-weight", "too-deep"],
)
def test_a_damaged_nested_model_is_refused_in_one_line(tmp_path, change, what):
    payload = _payload(tmp_path)
    change(payload)
    nb.save(payload, tmp_path / "bad.keras")
    with pytest.raises(ValueError, match=what) as caught:
        keras.models.load_model(tmp_path / "bad.keras")
    assert "\n" not in str(caught.value)


def test_a_nested_functional_model_called_on_the_wrong_number_of_inputs_is_refused(tmp_path):
    payload = _payload(tmp_path, preprocessing_head)
    head = next(e for e in payload["config"]["layers"] if e["class_name"] == "Functional")
    head["config"]["input_specs"].append(dict(head["config"]["input_specs"][0], name="second"))
    nb.save(payload, tmp_path / "bad.keras")
    with pytest.raises(ValueError, match=r"config.nodes\[0\].args\[0\]: a Functional layer is called on a list"):
        keras.models.load_model(tmp_path / "bad.keras")
