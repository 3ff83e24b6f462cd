"""Model file names: ``model.save`` and ``ModelCheckpoint`` refuse a name without ``.keras``/``.h5`` (or
nabla's ``.nabla``) before anything is written, as Keras 3 refuses it."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras
from nabla.keras.models import load_model


def _model(k):
    model = k.Sequential([k.Input((3,)), k.layers.Dense(2)])
    model.compile("adam", "mse")
    return model


@pytest.mark.parametrize("save", ["method", "saving", "models"])
def test_a_name_without_an_extension_is_refused_as_keras_3_refuses_it(tmp_path, save):
    def run(k, path):
        model = _model(k)
        {"method": model.save, "saving": lambda p: k.saving.save_model(model, p),
         "models": lambda p: k.models.save_model(model, p)}[save](path)  # fmt: skip

    with pytest.raises(ValueError) as theirs:
        run(keras_on_torch(), str(tmp_path / "theirs"))
    with pytest.raises(ValueError) as ours:
        run(keras, str(tmp_path / "mm"))
    for error, name in ((theirs, "theirs"), (ours, "mm")):
        assert str(error.value).startswith("Invalid filepath extension for saving. Please add either a `.keras`")
        assert str(error.value).endswith(f"Received: filepath={tmp_path / name}.")
    assert sorted(p.name for p in tmp_path.iterdir()) == []  # nothing written, by either


@pytest.mark.parametrize("name", ["m.keras", "m.h5", "m.weights.h5", "m.nabla"])
def test_the_known_extensions_save_and_load(tmp_path, name):
    model = _model(keras)
    model.save(tmp_path / name)
    x = np.ones((2, 3), np.float32)
    np.testing.assert_array_equal(load_model(tmp_path / name).predict(x, verbose=0), model.predict(x, verbose=0))
    if name != "m.nabla":  # Keras 3 takes the same names
        _model(keras_on_torch()).save(tmp_path / ("k" + name))


def test_model_checkpoint_refuses_a_model_name_without_an_extension_when_made(tmp_path):
    with pytest.raises(ValueError, match="The filepath provided must end in `.keras`"):
        keras_on_torch().callbacks.ModelCheckpoint(str(tmp_path / "ckpt"))
    with pytest.raises(ValueError, match="(?i)the filepath provided must end in `.keras`.*Received: filepath="):
        keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt"))
    keras.callbacks.ModelCheckpoint(str(tmp_path / "ckpt.weights"), save_weights_only=True)  # any weights name
    keras.callbacks.ModelCheckpoint(str(tmp_path / "{epoch:02d}.nabla"))
