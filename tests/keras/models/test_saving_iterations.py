"""optimizer.iterations after keras.models.load_model is the saved count of updates, as Keras 3's (torch
backend), and counts on from there; also for an optimizer that keeps no per-variable state (plain SGD)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

X, Y = np.ones((10, 3), np.float32), np.ones((10, 1), np.float32)


def _iterations_saved_loaded_and_after(library, optimizer: str, path) -> list[int]:
    model = library.Sequential([library.Input((3,)), library.layers.Dense(1)])
    model.compile(optimizer, "mse")
    model.fit(X, Y, batch_size=4, epochs=2, verbose=0)
    model.save(path)
    loaded = library.models.load_model(path)
    counts = [int(model.optimizer.iterations), int(loaded.optimizer.iterations)]
    loaded.fit(X, Y, batch_size=4, epochs=1, verbose=0)
    return [*counts, int(loaded.optimizer.iterations)]


@pytest.mark.parametrize("optimizer", ["adam", "sgd"])
def test_iterations_survive_a_model_file_as_in_keras(optimizer, tmp_path):
    theirs = _iterations_saved_loaded_and_after(keras_on_torch(), optimizer, tmp_path / "keras.keras")
    ours = _iterations_saved_loaded_and_after(keras, optimizer, tmp_path / "nabla.keras")
    assert ours == theirs == [6, 6, 9]
