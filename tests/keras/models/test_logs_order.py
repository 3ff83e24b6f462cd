"""Keras 3 hands logs over in name order: ``evaluate``/``train_on_batch``/``test_on_batch`` with
``return_dict=True`` and the callbacks' test hooks (``print(model.evaluate(..., return_dict=True))`` prints
``{'accuracy': ..., 'loss': ...}``); the lists without ``return_dict`` keep the loss first. Reference: Keras 3
on its PyTorch backend."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras

X = np.random.default_rng(0).random((8, 3), dtype=np.float32)
Y = np.array([0, 1, 1, 0, 1, 0, 0, 1])


def _orders(keras) -> dict:
    seen = {}

    class Hooks(keras.callbacks.Callback):
        def on_test_end(self, logs=None):
            seen.setdefault("on_test_end", list(logs))

        def on_epoch_end(self, epoch, logs=None):
            seen["on_epoch_end"] = list(logs)

    model = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, activation="softmax")])
    top = keras.metrics.SparseTopKCategoricalAccuracy(k=1, name="a_top")  # (sorts before "accuracy")
    model.compile("sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy", top])
    model.fit(X, Y, epochs=1, verbose=0, validation_data=(X, Y), callbacks=[Hooks()])
    seen["evaluate"] = list(model.evaluate(X, Y, verbose=0, return_dict=True))
    seen["train_on_batch"] = list(model.train_on_batch(X, Y, return_dict=True))
    seen["test_on_batch"] = list(model.test_on_batch(X, Y, return_dict=True))
    seen["evaluate_list_length"] = len(model.evaluate(X, Y, verbose=0))
    return seen


@pytest.fixture(scope="module")
def keras_orders() -> dict:
    return _orders(keras_on_torch())


def test_logs_come_in_keras_order(keras_orders):
    assert _orders(nabla.keras) == keras_orders


def test_the_list_without_return_dict_starts_with_the_loss():
    model = nabla.keras.Sequential([nabla.keras.Input((3,)), nabla.keras.layers.Dense(2, activation="softmax")])
    model.compile("sgd", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    loss, accuracy = model.evaluate(X, Y, verbose=0)
    logs = model.evaluate(X, Y, verbose=0, return_dict=True)
    assert (loss, accuracy) == (logs["loss"], logs["accuracy"]) and list(logs) == ["accuracy", "loss"]
