"""``get_compile_config`` / ``compile_from_config`` against Keras 3 (PyTorch backend), run here.

The optimizer is serialized as Keras 3 serializes it, but under ``"module": "keras.optimizers"`` (Keras writes
its backend's module, ``keras.src.backend.torch.optimizers.torch_adam``); ``jit_compile`` is nabla's setting
("auto" unless given: Keras 3 reports the value it resolved, False on PyTorch).
"""

from __future__ import annotations

import re
import warnings

import numpy as np
import pytest

import nabla.keras as nk
from nabla.keras.models import load_model


def _model(m):
    return m.Sequential([m.Input((4,)), m.layers.Dense(2)])


def _comparable(config: dict) -> dict:
    """``config`` less what differs by design: the optimizer's module, jit_compile, and the optimizer's name
    (Keras numbers default names across the session, "sgd_20": see test_default_optimizer_names_are_keras)."""
    optimizer = dict(config["optimizer"], config=dict(config["optimizer"]["config"]))
    optimizer.pop("module"), optimizer["config"].pop("name")
    return {k: v for k, v in dict(config, optimizer=optimizer).items() if k != "jit_compile"}


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Nadam", "Ftrl"])
def test_default_optimizer_names_are_keras(keras, name):
    theirs = getattr(keras.optimizers, name)().get_config()["name"]
    assert getattr(nk.optimizers, name)().get_config()["name"] == re.sub(r"_\d+$", "", theirs)


COMPILES = [
    lambda m: dict(optimizer="adam", loss="mse", metrics=["mae"]),
    lambda m: dict(
        optimizer=m.optimizers.SGD(0.1, momentum=0.9),
        loss=m.losses.MeanSquaredError(),
        metrics=["mae"],
        weighted_metrics=["mse"],
        run_eagerly=True,
    ),
    lambda m: dict(
        optimizer=m.optimizers.RMSprop(0.01), loss="categorical_crossentropy", metrics=["accuracy"], jit_compile=False
    ),
    lambda m: dict(optimizer="adam", loss=m.losses.MeanSquaredError(), loss_weights=[1.0]),  # one loss, one weight
]


def test_compile_config_is_empty_before_compile(keras):
    assert _model(nk).get_compile_config() == _model(keras).get_compile_config() == {}


@pytest.mark.parametrize("case", range(len(COMPILES)))
def test_compile_config_matches_keras(keras, case):
    theirs, ours = _model(keras), _model(nk)
    theirs.compile(**COMPILES[case](keras))
    ours.compile(**COMPILES[case](nk))
    got, want = ours.get_compile_config(), theirs.get_compile_config()
    assert list(got) == list(want)
    assert _comparable(got) == _comparable(want)
    assert got["optimizer"]["module"] == "keras.optimizers"


def test_compile_from_config_takes_keras_config(keras):
    theirs = _model(keras)
    theirs.compile(optimizer=keras.optimizers.SGD(0.1, momentum=0.9), loss=keras.losses.MeanSquaredError(),
                   metrics=["mae"], run_eagerly=True)  # fmt: skip
    config = theirs.get_compile_config()
    ours = _model(nk)
    ours.compile_from_config(config)
    assert isinstance(ours.optimizer, nk.optimizers.SGD) and isinstance(ours.loss, nk.losses.MeanSquaredError)
    assert _comparable(ours.get_compile_config()) == _comparable(config)
    x, y = np.ones((4, 4), np.float32), np.zeros((4, 2), np.float32)
    assert set(ours.fit(x, y, verbose=0).history) == {"loss", "mae"}


def test_compile_from_config_round_trip_and_load_model(tmp_path):
    model = _model(nk)
    model.compile(optimizer=nk.optimizers.Adam(0.01), loss="mse", metrics=["mae"], run_eagerly=True)
    config = model.get_compile_config()
    again = _model(nk)
    again.compile_from_config(config)
    assert again.get_compile_config() == config
    model.save(tmp_path / "m.keras")  # (the file keeps run_eagerly, which it now records)
    assert load_model(tmp_path / "m.keras").get_compile_config() == config


def test_one_loss_object_with_a_list_of_weights_reloads_compiled(keras, tmp_path):
    # Keras 3 records the loss object's config and load_model compiles the model again (checked here)
    for m, path in ((keras, tmp_path / "theirs.keras"), (nk, tmp_path / "ours.keras")):
        model = _model(m)
        model.compile(optimizer="adam", loss=m.losses.MeanSquaredError(), loss_weights=[1.0])
        model.save(path)
        loaded = m.models.load_model(path)
        assert loaded.get_compile_config()["loss"]["class_name"] == "MeanSquaredError"
        x, y = np.ones((4, 4), np.float32), np.zeros((4, 2), np.float32)
        assert np.isclose(loaded.evaluate(x, y, verbose=0), model.evaluate(x, y, verbose=0))


def test_compile_from_config_of_a_model_with_its_own_compile_warns_as_keras(keras):
    def custom(m):
        class Custom(m.Sequential):
            def compile(self, *args, **kwargs):
                super().compile(*args, **kwargs)

        return Custom([m.Input((4,)), m.layers.Dense(2)])

    theirs, ours = custom(keras), custom(nk)
    for model in (theirs, ours):
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            model.compile_from_config({"optimizer": "adam", "loss": "mse"})
        assert any("compile()` was not called" in str(w.message) for w in caught)
    assert ours.get_compile_config() == theirs.get_compile_config() == {}


def test_compile_from_config_refuses_what_nabla_cannot_run():
    with pytest.raises(ValueError, match="steps_per_execution must be 1"):
        _model(nk).compile_from_config({"optimizer": "adam", "loss": "mse", "steps_per_execution": 4})
    with pytest.raises(ValueError, match="expected what get_compile_config returns"):
        _model(nk).compile_from_config({"loss": "mse"})


def _given_loss(m, kind: str):
    """A loss as a course gives it to compile: by name, as an object, per output in a list, as a function."""
    return {"name": "mse", "object": m.losses.Huber(), "list": ["mse", "mae"],
            "function": m.losses.mean_squared_error}[kind]  # fmt: skip


def _two_outputs(m):
    inputs = m.Input((4,))
    return m.Model(inputs, [m.layers.Dense(1)(inputs), m.layers.Dense(1)(inputs)])


def _described(loss):
    """What a test compares of ``model.loss``: a name or list as it is, an object or function by its class/name."""
    if loss is None or isinstance(loss, (str, list, dict)):
        return loss
    return type(loss).__name__ if not callable(loss) or hasattr(loss, "get_config") else loss.__name__


@pytest.mark.parametrize("kind", ["name", "object", "list", "function"])
def test_model_loss_is_what_compile_was_given_as_keras(keras, tmp_path, kind):
    """Keras 3's ``model.loss`` is compile's argument (a name stays a name), also after compile_from_config and
    load_model, which give back what the saved config holds."""
    seen = {}
    for lib, name in ((keras, "theirs"), (nk, "ours")):
        make = _two_outputs if kind == "list" else _model
        model = make(lib)
        model.compile("sgd", _given_loss(lib, kind))
        again = make(lib)
        again.compile_from_config(model.get_compile_config())
        model.save(tmp_path / f"{name}.keras")
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            loaded = (load_model if lib is nk else keras.models.load_model)(tmp_path / f"{name}.keras")
        seen[name] = [_described(m.loss) for m in (model, again, loaded)]
    assert seen["ours"] == seen["theirs"]
    x, y = np.ones((2, 4), np.float32), np.zeros((2, 1), np.float32)
    y = [y, y] if kind == "list" else np.zeros((2, 2), np.float32)
    assert np.isfinite(loaded.evaluate(x, y, verbose=0)).all()  # (nabla's loaded model: it computes its loss)
