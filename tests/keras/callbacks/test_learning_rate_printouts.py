"""What the learning-rate callbacks print and what ``optimizer.learning_rate`` reads, as Keras 3 prints them.

Keras's rate is a float32 variable: keras.io's "Writing your own callbacks" guide reads it back with
``float(np.array(model.optimizer.learning_rate))`` (0.10000000149011612 for a rate of 0.1), and
ReduceLROnPlateau prints the float32 rate times its factor in full. Checked against Keras 3 (PyTorch backend).
"""

from __future__ import annotations

import re

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as nk

X = np.linspace(-1.0, 1.0, 16, dtype=np.float32).reshape(-1, 1)
Y = 3.0 * X


class ReadBack:
    """The guide's CustomLearningRateScheduler, in short: read the rate, set the schedule's, print it back."""

    def __init__(self, keras, schedule):
        outer = self

        class Callback(keras.callbacks.Callback):
            def on_epoch_begin(self, epoch, logs=None):
                rate = outer.schedule(epoch, self.model.optimizer.learning_rate)
                self.model.optimizer.learning_rate = rate
                print(f"Epoch {epoch}: {float(np.array(rate))} {float(np.array(self.model.optimizer.learning_rate))}")

        self.schedule, self.callback = schedule, Callback()


def _printout(keras, capsys) -> str:
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
    callbacks = [
        keras.callbacks.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=0, min_lr=0.02, verbose=1, mode="max"),
        keras.callbacks.LearningRateScheduler(lambda epoch, lr: lr if epoch < 3 else 0.07, verbose=1),
        ReadBack(keras, lambda epoch, lr: lr if epoch != 4 else 0.03).callback,
    ]
    capsys.readouterr()
    model.fit(X, Y, epochs=6, batch_size=16, verbose=0, callbacks=callbacks)
    print(repr(model.optimizer.learning_rate))
    return capsys.readouterr().out


def test_the_printouts_are_keras_3s(capsys):
    keras = keras_on_torch()
    theirs = _printout(keras, capsys)
    ours = _printout(nk, capsys)
    assert "0.10000000149011612" in theirs and "reducing learning rate to" in theirs  # (the case is exercised)
    assert ours == re.sub(r"path=sgd_\d+/", "path=sgd/", theirs)  # (Keras numbers the names of later optimizers)


def test_the_optimizer_s_rate_and_iterations_print_as_keras_variables():
    keras = keras_on_torch()
    printed = []
    for lib in (nk, keras):
        model = lib.Sequential([lib.Input((1,)), lib.layers.Dense(1)])
        model.compile(optimizer=lib.optimizers.Adam(learning_rate=0.01), loss="mse")
        model.fit(X, Y, epochs=3, batch_size=8, verbose=0)
        printed.append(re.sub(r"adam_\d+/", "adam/", f"{model.optimizer.learning_rate} {model.optimizer.iterations}"))
    # (Keras's iteration counter is an int64 on TensorFlow, as nabla's; an int32 on PyTorch)
    assert printed[0] == printed[1].replace("int32", "int64")
    assert "value=0.009999999776482582>" in printed[0] and "value=6>" in printed[0]


def _epoch_line(keras, capsys) -> str:
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1, kernel_initializer="zeros")])
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse", metrics=["mae", "mse"])
    capsys.readouterr()
    model.fit(X, Y, epochs=1, batch_size=8, verbose=2, validation_split=0.25,
              callbacks=[keras.callbacks.ReduceLROnPlateau(monitor="loss", patience=3)])  # fmt: skip
    return capsys.readouterr().out.split(" - ", 3)[-1]  # (after the steps, the time and the time per step)


def test_verbose_2_lists_what_a_callback_adds_after_the_metrics_as_keras_3(capsys):
    """keras.io's examples that train with ReduceLROnPlateau print '... - val_loss: 3.8393 - learning_rate: 0.0010':
    Keras's bar keeps the order it first saw entries in (the metrics, then the validation ones, each in name
    order, then what callbacks added); nabla printed learning_rate first."""
    theirs, ours = _epoch_line(keras_on_torch(), capsys), _epoch_line(nk, capsys)
    names = [entry.split(":")[0] for entry in ours.strip().split(" - ")]
    assert names == [entry.split(":")[0] for entry in theirs.strip().split(" - ")]
    assert names == ["loss", "mae", "mse", "val_loss", "val_mae", "val_mse", "learning_rate"]
