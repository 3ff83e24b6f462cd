"""keras.io's "Timeseries classification from scratch", small, on nabla and on Keras 3 from the same weights.

The example's model (three Conv1D-BatchNormalization-ReLU blocks, GlobalAveragePooling1D, a softmax), its
three callbacks (ModelCheckpoint("best_model.keras", save_best_only=True, monitor="val_loss"),
ReduceLROnPlateau, EarlyStopping(verbose=1)), ``sparse_categorical_accuracy`` and
``keras.models.load_model("best_model.keras")``: the same histories, the same printouts, and the reloaded
best model scores the best epoch's validation loss. Keras 3 on PyTorch is the reference; the starting
weights are nabla's, copied into it.
"""

from __future__ import annotations

import os

import numpy as np
from keras_reference import keras_on_torch

import nabla.keras as nk

rng = np.random.default_rng(0)
LABELS = rng.integers(0, 2, 48)
SERIES = (np.sin(np.linspace(0, 6, 40) * (1 + 2 * LABELS[:, None])) + rng.normal(0, 0.5, (48, 40)))[..., None]


def make_model(keras, input_shape, num_classes=2):
    input_layer = keras.layers.Input(input_shape)
    x = input_layer
    for _ in range(3):
        x = keras.layers.Conv1D(filters=8, kernel_size=3, padding="same")(x)
        x = keras.layers.BatchNormalization()(x)
        x = keras.layers.ReLU()(x)
    gap = keras.layers.GlobalAveragePooling1D()(x)
    output_layer = keras.layers.Dense(num_classes, activation="softmax")(gap)
    return keras.models.Model(inputs=input_layer, outputs=output_layer)


def _run(keras, weights, folder, capsys):
    os.chdir(folder)
    model = make_model(keras, SERIES.shape[1:])
    model.set_weights(weights)
    callbacks = [
        keras.callbacks.ModelCheckpoint("best_model.keras", save_best_only=True, monitor="val_loss"),
        keras.callbacks.ReduceLROnPlateau(monitor="val_loss", factor=0.5, patience=1, min_lr=0.0001, verbose=1),
        keras.callbacks.EarlyStopping(monitor="val_loss", patience=3, verbose=1),
    ]
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["sparse_categorical_accuracy"])
    capsys.readouterr()
    history = model.fit(SERIES.astype("float32"), LABELS, batch_size=16, epochs=12, callbacks=callbacks,
                        validation_split=0.25, verbose=0, shuffle=False)  # fmt: skip
    printed = capsys.readouterr().out
    best = keras.models.load_model("best_model.keras")
    best_loss = best.evaluate(SERIES[36:].astype("float32"), LABELS[36:], verbose=0)[0]
    return history.history, printed, best_loss, model.count_params()


def test_the_timeseries_example_trains_as_keras_does(tmp_path, capsys):
    keras = keras_on_torch()
    start = make_model(nk, SERIES.shape[1:]).get_weights()
    here = os.getcwd()
    try:
        (tmp_path / "nabla").mkdir(), (tmp_path / "keras").mkdir()
        ours = _run(nk, start, tmp_path / "nabla", capsys)
        theirs = _run(keras, start, tmp_path / "keras", capsys)
    finally:
        os.chdir(here)
    assert ours[3] == theirs[3]
    assert sorted(ours[0]) == sorted(theirs[0]) and len(ours[0]["loss"]) == len(theirs[0]["loss"])
    for key, values in theirs[0].items():
        np.testing.assert_allclose(ours[0][key], values, rtol=2e-3, atol=1e-4, err_msg=key)
    assert ours[1] == theirs[1] and "early stopping" in ours[1] and "reducing learning rate" in ours[1], ours[1]
    assert abs(ours[2] - min(ours[0]["val_loss"])) < 1e-5 and abs(ours[2] - theirs[2]) < 1e-3
