"""Stateful SimpleRNN, LSTM and GRU against Keras 3 (PyTorch backend): states carried from call to call and
reset to zeros, not among the weights; the fixed batch size (keras.Input's batch_size, Keras 2's
batch_input_shape); fit(shuffle=False) carrying states without training them; configs and model files."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(5)
BATCHES = RNG.standard_normal((3, 2, 4, 2)).astype(np.float32)  # three consecutive batches of 2 sequences


def _model(library, name: str, **options):
    layer = getattr(library.layers, name)(3, stateful=True, **options)
    return library.Sequential([library.Input(shape=(4, 2), batch_size=2), layer]), layer


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU"])
def test_states_carry_over_and_reset_as_keras(name):
    reference, reference_layer = _model(keras_on_torch(), name, return_sequences=True)
    model, layer = _model(keras, name, return_sequences=True)
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    for x in BATCHES:  # each batch continues the sequences of the one before
        np.testing.assert_allclose(model.predict(x, verbose=0), reference.predict(x, verbose=0), atol=1e-5)
    assert [tuple(s.shape) for s in layer.states] == [tuple(s.shape) for s in reference_layer.states]
    np.testing.assert_allclose(layer.states[0].numpy(), np.asarray(reference_layer.states[0]), atol=1e-5)
    reference_layer.reset_states()
    layer.reset_states()
    np.testing.assert_allclose(
        model.predict(BATCHES[0], verbose=0), reference.predict(BATCHES[0], verbose=0), atol=1e-5
    )
    assert [w.name for w in layer.weights] == [w.name for w in reference_layer.weights]  # states are no weights
    assert not model.non_trainable_weights and not reference.non_trainable_weights


def test_fit_without_shuffling_carries_the_states_and_does_not_train_them():
    # (Keras 3's torch backend cannot fit a stateful RNN: its backward finds the state variable changed in place.)
    model = keras.Sequential([keras.layers.LSTM(3, stateful=True, batch_input_shape=(2, 4, 2)), keras.layers.Dense(1)])
    model.compile(keras.optimizers.SGD(0.0), "mse")  # (lr 0: the weights stay, so the states can be recomputed)
    x, y = BATCHES.reshape(6, 4, 2), np.ones((6, 1), np.float32)
    model.fit(x, y, batch_size=2, shuffle=False, epochs=1, verbose=0)
    after_fit = [s.numpy() for s in model.layers[0].states]
    assert not any(s.requires_grad for s in model.layers[0].states)
    model.reset_states()  # Keras 2's model.reset_states()
    assert not model.layers[0].states[0].numpy().any()
    for batch in BATCHES:
        model.predict(batch, verbose=0)
    for ours, again in zip(after_fit, model.layers[0].states):
        np.testing.assert_allclose(ours, again.numpy(), atol=1e-6)
    model.compile(keras.optimizers.SGD(0.1), "mse")
    history = model.fit(x, y, batch_size=2, shuffle=False, epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_the_batch_size_is_fixed_and_configs_and_files_keep_it(tmp_path):
    model, layer = _model(keras, "GRU")
    model.predict(BATCHES[0], verbose=0)
    with pytest.raises(ValueError, match="stateful with batch size 2, got a batch of 3"):
        model.predict(np.zeros((3, 4, 2), np.float32), verbose=0)
    config = layer.get_config()
    assert config["stateful"] is True and config["batch_size"] == 2
    assert type(layer).from_config(config).get_config() == config
    model.save(tmp_path / "stateful.keras")
    loaded = keras.models.load_model(tmp_path / "stateful.keras").layers[0]
    assert loaded.stateful and loaded.batch_size == 2 and loaded.states is None  # the states are not saved
    set_to = [np.full((2, 3), 0.5, np.float32), np.zeros((2, 3), np.float32)]
    lstm = keras.layers.LSTM(3, stateful=True, batch_size=2, input_shape=(4, 2))  # Keras 2's spelling
    lstm.reset_states(set_to)
    np.testing.assert_allclose(lstm.states[0].numpy(), set_to[0])
