"""``activity_regularizer=`` on any layer, as Keras 3's base layer takes it: a penalty on each output of a
call (``regularizer(output) / batch_size``), in ``layer.losses`` and in the loss ``fit`` minimises; against
Keras 3 (PyTorch backend)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_compare import check_save_load
from keras_reference import data

import nabla.keras as nk
from nabla.keras import layers as L  # noqa: N812

CASES = [
    ("Dense", (3,), {"activity_regularizer": "l2"}, (4, 5)),
    ("Conv2D", (2, 3), {"activity_regularizer": "l1"}, (2, 6, 6, 3)),
    ("Conv1D", (2, 3), {"activity_regularizer": "l2"}, (2, 7, 3)),
    ("DepthwiseConv2D", (3,), {"activity_regularizer": "l2"}, (2, 5, 5, 2)),
    ("Conv2DTranspose", (2, 3), {"activity_regularizer": "l2"}, (2, 4, 4, 3)),
    ("Activation", ("relu",), {"activity_regularizer": "l1"}, (4, 5)),
    ("LSTM", (3,), {"activity_regularizer": "l2", "return_state": True, "return_sequences": True}, (4, 5, 2)),
    ("Embedding", (7, 3), {"activity_regularizer": "l1"}, None),
]


@pytest.mark.parametrize("name, args, kwargs, shape", CASES, ids=[c[0] for c in CASES])
def test_each_output_is_penalised_as_keras_does(keras, name, args, kwargs, shape):
    x = np.random.default_rng(0).integers(0, 7, (4, 5)) if shape is None else data(*shape)
    layer, k_layer = getattr(L, name)(*args, **kwargs), getattr(keras.layers, name)(*args, **kwargs)
    k_out = k_layer(x)
    layer(x)  # (built)
    layer.set_weights([np.asarray(w) for w in k_layer.get_weights()])
    out = layer(x)  # (its losses replace those of the first call)
    outs, k_outs = (out, k_out) if isinstance(out, list) else ([out], [k_out])
    for a, b in zip(outs, k_outs):
        np.testing.assert_allclose(np.asarray(a), b.detach().numpy(), rtol=1e-5, atol=1e-6)
    assert len(layer.losses) == len(k_layer.losses) == len(outs)  # (an LSTM's states too, as Keras 3)
    for a, b in zip(layer.losses, k_layer.losses):
        np.testing.assert_allclose(float(np.asarray(a)), float(b.detach()), rtol=1e-5)
    assert ("activity_regularizer" in layer.get_config()) == ("activity_regularizer" in k_layer.get_config())


def test_the_penalty_is_part_of_the_loss_fit_reports_and_survives_saving(keras, tmp_path):
    x, y = data(16, 4), data(16, 1, seed=1)

    def build(lib):
        model = lib.Sequential([lib.Input((4,)), lib.layers.Dense(8, activation="tanh", activity_regularizer="l2"),
                                lib.layers.Dense(1, activity_regularizer=lib.regularizers.L1(0.05))])  # fmt: skip
        model.compile(optimizer="sgd", loss="mse")
        return model

    model, k_model = build(nk), build(keras)
    model.set_weights([np.asarray(w) for w in k_model.get_weights()])
    assert model.evaluate(x, y, verbose=0) == pytest.approx(k_model.evaluate(x, y, verbose=0), rel=1e-5)
    history = model.fit(x, y, batch_size=16, epochs=2, verbose=0).history["loss"]
    k_history = k_model.fit(x, y, batch_size=16, epochs=2, verbose=0).history["loss"]
    np.testing.assert_allclose(history, k_history, rtol=1e-5)
    check_save_load(model, x, tmp_path)
    reloaded = nk.models.load_model(tmp_path / "model.keras")
    assert reloaded.layers[1].activity_regularizer.get_config() == {"l1": pytest.approx(0.05)}
