"""Inputs of unknown length, ``keras.Input(shape=(None,))``, in functional and Sequential models, against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nabla_keras


def _text_model(k, mask_zero=True):
    inputs = k.Input(shape=(None,), dtype="int32")
    x = k.layers.Embedding(50, 8, mask_zero=mask_zero)(inputs)
    x = k.layers.LSTM(6)(x)
    return k.Model(inputs, k.layers.Dense(1, activation="sigmoid")(x))


def _conv_model(k):
    inputs = k.Input(shape=(None, 3))
    x = k.layers.Conv1D(4, 3, strides=2, activation="relu")(inputs)
    x = k.layers.Dense(5)(x)
    return k.Model(inputs, k.layers.Dense(2)(k.layers.GlobalAveragePooling1D()(x)))


def _masking_model(k):
    inputs = k.Input(shape=(None, 3))
    x = k.layers.Masking(0.0)(inputs)
    x = k.layers.GRU(4, return_sequences=True)(x)
    return k.Model(inputs, k.layers.Dense(2)(x))


def _sequential_model(k):
    return k.Sequential([k.Input(shape=(None,), dtype="int32"), k.layers.Embedding(50, 8, mask_zero=True),
                         k.layers.GlobalAveragePooling1D(), k.layers.Dense(3, activation="softmax")])  # fmt: skip


def _padded(rng, n, length):
    """Token sequences of random lengths, padded with 0 at the end to ``length``."""
    x = rng.integers(1, 50, (n, length)).astype(np.int32)
    for row, keep in zip(x, rng.integers(1, length + 1, n)):
        row[keep:] = 0
    return x


def _rows(model) -> list[list[str]]:
    """The shapes and counts of the summary's rows of ``model.layers`` (the names differ by Keras's session
    counters; Keras 3 adds rows for the ops that compute masks, ``not_equal (NotEqual)``, and a "Connected
    to" column, which nabla's summary has not)."""
    lines, blocks = [], []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(text.splitlines()))
    for line in lines:
        if line.startswith(("┡", "├")):
            blocks.append([])
        elif line.startswith("│"):  # a row, or the next line of a row whose cells wrap
            blocks[-1].append([cell.strip() for cell in line.strip("│").split("│")])
    rows = [[" ".join(filter(None, column)) for column in zip(*block)] for block in blocks]
    kinds = {f"({type(layer).__name__})" for layer in model.layers}
    return [row[1:3] for row in rows if row[0].split(" ")[-1] in kinds]


@pytest.mark.parametrize("build", [_text_model, _conv_model, _masking_model, _sequential_model])
def test_shapes_summary_and_predictions_are_keras_3s(keras, build):
    rng = np.random.default_rng(0)
    reference, model = build(keras), build(nabla_keras)
    assert model.output_shape == tuple(reference.output_shape)
    assert [tuple(layer.output.shape) for layer in model.layers] == [
        tuple(layer.output.shape) for layer in reference.layers
    ]
    rows = _rows(model)
    assert len(rows) == len(model.layers) and rows == _rows(reference)
    model.set_weights(reference.get_weights())
    for length in (5, 11):  # one model, batches of two lengths
        if build in (_text_model, _sequential_model):
            x = _padded(rng, 4, length)
        else:
            x = rng.standard_normal((4, length, 3)).astype(np.float32)
            x[:, length - 2 :] = 0.0  # padded steps, which Masking hides
        np.testing.assert_allclose(model.predict(x, verbose=0), reference.predict(x, verbose=0), rtol=1e-5, atol=1e-6)


def test_the_mask_of_embedding_reaches_the_lstm():
    """Padding after a sequence does not change its prediction, as in Keras (``mask_zero=True``)."""
    model = _text_model(nabla_keras)
    x = np.array([[3, 7, 9]], dtype=np.int32)
    padded = np.array([[3, 7, 9, 0, 0, 0]], dtype=np.int32)
    np.testing.assert_allclose(model.predict(padded, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    unmasked = _text_model(nabla_keras, mask_zero=False)
    unmasked.set_weights(model.get_weights())
    assert not np.allclose(unmasked.predict(padded, verbose=0), unmasked.predict(x, verbose=0))


def test_fit_takes_batches_of_different_lengths_as_keras(keras):
    rng = np.random.default_rng(1)
    batches = [(_padded(rng, 4, length), rng.integers(0, 2, (4, 1)).astype(np.float32)) for length in (4, 9, 6)]
    reference, model = _text_model(keras), _text_model(nabla_keras)
    model.set_weights(reference.get_weights())
    losses = []
    for m, k in ((reference, keras), (model, nabla_keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.5), loss="binary_crossentropy")
        history = m.fit((b for b in batches * 2), epochs=2, steps_per_epoch=3, shuffle=False, verbose=0).history
        losses.append(history["loss"])
    np.testing.assert_allclose(losses[1], losses[0], rtol=1e-4)
    for got, want in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(got, want, rtol=1e-4, atol=1e-5)
    assert model.input_shape == (None, None)


def test_a_length_that_cannot_be_known_stays_none():
    inputs = nabla_keras.Input(shape=(None, 8))
    assert nabla_keras.layers.Flatten()(inputs).shape == (None, None)
    assert nabla_keras.layers.MaxPooling1D(3)(inputs).shape == (None, None, 8)
    assert nabla_keras.layers.Dense(4)(inputs).shape == (None, None, 4)
    assert nabla_keras.layers.GlobalMaxPooling1D()(inputs).shape == (None, 8)
    assert nabla_keras.layers.LSTM(3, return_sequences=True)(inputs).shape == (None, None, 3)


@pytest.mark.parametrize("build", [_text_model, _sequential_model])
def test_a_model_of_unknown_lengths_saves_and_loads(tmp_path, build):
    model = build(nabla_keras)
    model.save(tmp_path / "model.keras")
    loaded = nabla_keras.models.load_model(tmp_path / "model.keras")
    assert loaded.input_shape == model.input_shape == (None, None)
    rng = np.random.default_rng(2)
    for length in (3, 8):
        x = _padded(rng, 2, length)
        np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)
    again = nabla_keras.models.model_from_json(model.to_json())
    assert again.output_shape == model.output_shape
