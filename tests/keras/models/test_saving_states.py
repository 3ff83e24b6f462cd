"""Model files of functional models whose recurrent layers return their states (``return_state=True``).

keras-io's character-level seq2seq example saves its training model (an encoder LSTM whose states start a
decoder LSTM), loads it, and builds its inference models from ``model.layers[2].output``. Each loaded model
gives Keras 3's outputs (PyTorch backend, the same weights): the output, then the states, in Keras's order.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras

RNG = np.random.default_rng(0)
ENCODER_X = RNG.standard_normal((3, 5, 4)).astype(np.float32)
DECODER_X = RNG.standard_normal((3, 6, 7)).astype(np.float32)


def _numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def seq2seq(k, latent_dim: int = 8):
    """keras-io's lstm_seq2seq training model, written against the ``keras`` module ``k``."""
    encoder_inputs = k.Input(shape=(None, 4))
    _, state_h, state_c = k.layers.LSTM(latent_dim, return_state=True)(encoder_inputs)
    decoder_inputs = k.Input(shape=(None, 7))
    decoder_lstm = k.layers.LSTM(latent_dim, return_sequences=True, return_state=True)
    decoder_outputs, _, _ = decoder_lstm(decoder_inputs, initial_state=[state_h, state_c])
    decoder_outputs = k.layers.Dense(7, activation="softmax")(decoder_outputs)
    return k.Model([encoder_inputs, decoder_inputs], decoder_outputs)


def states_model(k, name: str):
    """A model whose outputs are a recurrent layer's output and states (a Bidirectional's: both directions')."""
    inputs = k.Input(shape=(5, 4))
    layer = getattr(k.layers, name.removeprefix("Bidirectional"))(3, return_state=True)
    outputs = (k.layers.Bidirectional(layer) if name.startswith("Bidirectional") else layer)(inputs)
    return k.Model(inputs, outputs)


def _saved_and_loaded(model, tmp_path):
    model.save(tmp_path / "model.keras")
    return keras.models.load_model(tmp_path / "model.keras")


def _twins(make):
    reference = make(keras_on_torch())
    ours = make(keras)
    ours.set_weights([_numpy(w) for w in reference.get_weights()])
    return reference, ours


def _assert_same(ours, theirs) -> None:
    ours, theirs = (v if isinstance(v, (list, tuple)) else [v] for v in (ours, theirs))
    assert len(ours) == len(theirs)
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(np.asarray(mine), _numpy(reference), rtol=1e-5, atol=1e-6)


def test_the_seq2seq_training_model_saves_loads_and_gives_its_inference_models(tmp_path):
    reference, model = _twins(seq2seq)
    loaded = _saved_and_loaded(model, tmp_path)
    _assert_same(loaded.predict([ENCODER_X, DECODER_X], verbose=0), reference([ENCODER_X, DECODER_X]))
    # the example's inference encoder: the loaded model's encoder LSTM's states
    _, state_h, state_c = loaded.layers[2].output
    ours = keras.Model(loaded.input[0], [state_h, state_c]).predict(ENCODER_X, verbose=0)
    _, reference_h, reference_c = reference.layers[2].output
    theirs = keras_on_torch().Model(reference.input[0], [reference_h, reference_c])(ENCODER_X)
    _assert_same(ours, theirs)


@pytest.mark.parametrize("name", ["SimpleRNN", "LSTM", "GRU", "BidirectionalGRU", "BidirectionalLSTM"])
def test_a_layer_returning_its_states_saves_and_loads(tmp_path, name):
    reference, model = _twins(lambda k: states_model(k, name))
    loaded = _saved_and_loaded(model, tmp_path)
    _assert_same(loaded.predict(ENCODER_X, verbose=0), reference(ENCODER_X))


def test_a_file_whose_calls_read_states_the_layer_does_not_return_is_refused(tmp_path):
    """The load-time check counts a layer's outputs from its config: without return_state, one."""
    seq2seq(keras).save(tmp_path / "model.keras")
    payload = nb.load(tmp_path / "model.keras")
    lstm = next(entry for entry in payload["config"]["layers"] if entry["class_name"] == "LSTM")
    lstm["config"]["return_state"] = False
    nb.save(payload, tmp_path / "tampered.keras")
    with pytest.raises(ValueError, match=r"LSTM gives 1 output\(s\), not 3"):
        keras.models.load_model(tmp_path / "tampered.keras")


def test_the_states_of_a_stack_of_cells_are_refused_at_save(tmp_path):
    inputs = keras.Input(shape=(5, 4))
    cells = keras.layers.StackedRNNCells([keras.layers.GRUCell(3), keras.layers.GRUCell(2)])
    output, *states = keras.layers.RNN(cells, return_state=True)(inputs)
    with pytest.raises(TypeError, match="states of a stack of cells"):
        keras.Model(inputs, [output, *states]).save(tmp_path / "model.keras")
