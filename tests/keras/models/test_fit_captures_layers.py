"""Every built-in layer of the course models trains in ``fit``'s captured step (``jit_compile=True``, which
raises where a step cannot be captured) to the weights of eager training (``jit_compile=False``) bit for bit,
from the same weights and seed: a replay recomputes all the step's values from its batch."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla import keras
from nabla.keras import layers as L  # noqa: N812

RNG = np.random.default_rng(0)
N = 10  # batches of 4, 4 and 2: replays, and a second capture for the last batch's shape
VEC = RNG.normal(size=(N, 6)).astype("float32")
SEQ = RNG.normal(size=(N, 5, 3)).astype("float32")
IMG = RNG.normal(size=(N, 6, 6, 2)).astype("float32")
TOKENS = RNG.integers(1, 9, size=(N, 6))
TOKENS[:, 4:] = 0  # padding for mask_zero
TOKENS[::3, 2:] = 0
RNG_Y = np.random.default_rng(1).normal(size=(N, 2)).astype("float32")


def _seq(layers):
    return lambda: ([L.Input((5, 3)), *layers(), L.Flatten(), L.Dense(2)], SEQ)


def _tokens(layers):
    return lambda: ([L.Input((6,), dtype="int32"), L.Embedding(9, 4, mask_zero=True), *layers(), L.Dense(2)], TOKENS)


def _vec(layers):
    return lambda: ([L.Input((6,)), *layers(), L.Dense(2)], VEC)


def _img(layers):
    return lambda: ([L.Input((6, 6, 2)), *layers(), L.Flatten(), L.Dense(2)], IMG)


TEXTS = np.array(["a b c", "b c d e", "a a", "e d c b a f", "c", "d e", "a c e", "b d", "a b", "e"])[:, None]


def _text(**options):
    """TextVectorization (adapted) into Embedding and LSTM: a model of strings, the NLP labs' first layer."""

    def build():
        vectorize = L.TextVectorization(max_tokens=8, **options)
        vectorize.adapt(TEXTS)
        return [
            L.Input((1,), dtype="string"),
            vectorize,
            L.Embedding(8, 4, mask_zero=True),
            L.LSTM(3),
            L.Dense(2),
        ], TEXTS

    return build


LAYERS = {
    "Dense": _vec(lambda: [L.Dense(4, activation="relu")]),
    "Conv1D+pooling": _seq(lambda: [L.Conv1D(4, 2, padding="same"), L.MaxPooling1D(2), L.AveragePooling1D(1)]),
    "Conv2D+pooling": _img(lambda: [L.Conv2D(3, 3, padding="same"), L.MaxPooling2D(), L.AveragePooling2D(1)]),
    "GlobalAveragePooling1D": _seq(lambda: [L.Conv1D(4, 2), L.GlobalAveragePooling1D(), L.Reshape((4,))]),
    "BatchNormalization": _vec(lambda: [L.Dense(4), L.BatchNormalization()]),
    "LayerNormalization": _vec(lambda: [L.Dense(4), L.LayerNormalization()]),
    "Dropout+noise": _vec(lambda: [L.Dense(4), L.Dropout(0.3), L.GaussianNoise(0.1), L.GaussianDropout(0.2)]),
    "SimpleRNN": _seq(lambda: [L.SimpleRNN(4, return_sequences=True)]),
    "SimpleRNN(last,backwards)": _seq(lambda: [L.SimpleRNN(4, go_backwards=True)]),
    "LSTM": _seq(lambda: [L.LSTM(4, return_sequences=True)]),
    "LSTM(last)": _seq(lambda: [L.LSTM(4)]),
    "LSTM(backwards)": _seq(lambda: [L.LSTM(4, go_backwards=True, return_sequences=True)]),
    "GRU": _seq(lambda: [L.GRU(4, return_sequences=True)]),
    "GRU(last,backwards)": _seq(lambda: [L.GRU(4, go_backwards=True)]),
    "LSTM(dropout)": _seq(lambda: [L.LSTM(4, dropout=0.2, recurrent_dropout=0.2)]),
    "Bidirectional(LSTM)": _seq(lambda: [L.Bidirectional(L.LSTM(4, return_sequences=True))]),
    "Bidirectional(GRU,last)": _seq(lambda: [L.Bidirectional(L.GRU(4))]),
    "TimeDistributed": _seq(lambda: [L.TimeDistributed(L.Dense(4))]),
    "Embedding+LSTM(mask)": _tokens(lambda: [L.LSTM(4)]),
    "Embedding+GRU(mask,seq)": _tokens(lambda: [L.GRU(4, return_sequences=True), L.GlobalAveragePooling1D()]),
    "Embedding+SimpleRNN(mask,backwards)": _tokens(lambda: [L.SimpleRNN(4, go_backwards=True)]),
    "Embedding+Bidirectional(mask)": _tokens(lambda: [L.Bidirectional(L.LSTM(3)), L.Dense(3)]),
    "Embedding+stacked LSTM(mask)": _tokens(lambda: [L.LSTM(3, return_sequences=True), L.LSTM(3)]),
    "Embedding+GlobalAveragePooling1D(mask)": _tokens(lambda: [L.GlobalAveragePooling1D()]),
    "RNN(cells)": _seq(lambda: [L.RNN([L.LSTMCell(3), L.GRUCell(3)], return_sequences=True)]),
    "TextVectorization": _text(output_sequence_length=4),
    "TextVectorization(padded to each batch)": _text(),
    "Lambda(keras.ops)": _vec(lambda: [L.Dense(4), L.Lambda(lambda t: keras.ops.tanh(t) * keras.ops.mean(t))]),
    **{  # the image augmentations, which draw in training only
        f"{name}{args}": _img(lambda name=name, args=args: [getattr(L, name)(*args), L.Conv2D(2, 3)])
        for name, args in (
            ("RandomFlip", ()),
            ("RandomRotation", (0.2,)),
            ("RandomTranslation", (0.1, 0.1)),
            ("RandomZoom", (0.1,)),
            ("RandomContrast", (0.2,)),
            ("RandomBrightness", (0.2,)),
            ("RandomCrop", (4, 4)),
        )
    },
}


def _functional(kind):
    """MultiHeadAttention and the merging layers, which take several inputs."""
    x = keras.Input((5, 3))
    h = L.Dense(4)(x)
    if kind == "MultiHeadAttention":
        h = L.MultiHeadAttention(2, 3)(h, h, use_causal_mask=True)
    else:
        h = L.Concatenate()([h, L.Add()([h, L.Dense(4)(x)])])
    return keras.Model(x, L.Dense(2)(L.Flatten()(h)))


FUNCTIONAL = ["MultiHeadAttention", "Concatenate+Add"]


def _build(name):
    if name in FUNCTIONAL:
        return _functional(name), SEQ
    layers, x = LAYERS[name]()
    return keras.Sequential(layers), x


def _fit(name, weights, jit_compile, loss="mse", metrics=(), y=None):
    model, x = _build(name)
    model.compile(keras.optimizers.Adam(0.01), loss, metrics=list(metrics), jit_compile=jit_compile)
    model.set_weights(weights)
    nb.manual_seed(5)
    y = RNG_Y if y is None else y
    history = model.fit(x, y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    return model.get_weights(), history.history


def _initial_weights(name):
    nb.manual_seed(0)
    return _build(name)[0].get_weights()


@pytest.mark.parametrize("name", [*LAYERS, *FUNCTIONAL])
def test_a_layer_trains_in_the_captured_step_as_eagerly(name):
    weights = _initial_weights(name)
    captured, _ = _fit(name, weights, jit_compile=True)
    eager, _ = _fit(name, weights, jit_compile=False)
    for c, e in zip(captured, eager, strict=True):
        np.testing.assert_array_equal(c, e)


LABELS = np.random.default_rng(2).integers(0, 2, size=(N, 2)).astype("float32")
SPARSE = np.random.default_rng(2).integers(0, 2, size=(N,))
# name: (loss, metrics, targets)
LOSSES = {
    "mse+regression metrics": (
        "mse",
        ["mae", "mape", "msle", "RootMeanSquaredError", "cosine_similarity", "R2Score"],
        RNG_Y,
    ),
    "binary_crossentropy": (
        keras.losses.BinaryCrossentropy(from_logits=True),
        [
            "accuracy",
            "AUC",
            "Precision",
            "Recall",
            "binary_accuracy",
            keras.metrics.BinaryCrossentropy(from_logits=True),
        ],
        LABELS,
    ),
    "categorical_crossentropy": (
        keras.losses.CategoricalCrossentropy(from_logits=True, label_smoothing=0.1),
        ["accuracy", "categorical_accuracy", "top_k_categorical_accuracy", "kl_divergence", "F1Score"],
        np.eye(2, dtype="float32")[SPARSE],
    ),
    "sparse_categorical_crossentropy": (
        keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        ["accuracy", "sparse_categorical_accuracy", "sparse_top_k_categorical_accuracy"],
        SPARSE,
    ),
    "hinge+poisson": ("hinge", ["squared_hinge", "categorical_hinge", "poisson"], LABELS),
    "huber+log_cosh": (keras.losses.Huber(), [keras.losses.LogCosh(), "mean_squared_logarithmic_error"], RNG_Y),
}


@pytest.mark.parametrize("name", list(LOSSES))
def test_a_loss_and_metrics_train_in_the_captured_step_as_eagerly(name):
    loss, metrics, y = LOSSES[name]
    weights = _initial_weights("Dense")
    captured, logs_c = _fit("Dense", weights, True, loss, metrics, y)
    eager, logs_e = _fit("Dense", weights, False, loss, metrics, y)
    for c, e in zip(captured, eager, strict=True):
        np.testing.assert_array_equal(c, e)
    np.testing.assert_equal(logs_c, logs_e)  # (NaN equal to NaN: Poisson's log of negative outputs)


def test_a_stateful_rnn_is_refused_by_the_capture_and_auto_trains_eagerly():
    """A stateful RNN carries its states from batch to batch, which a replay does not repeat: ``jit_compile=True``
    raises, and ``"auto"`` trains eagerly to eager mode's weights."""

    def build():
        nb.manual_seed(0)
        return keras.Sequential([L.Input((5, 3), batch_size=2), L.LSTM(3, stateful=True), L.Dense(2)])

    refused = build()
    refused.compile("adam", "mse", jit_compile=True)
    with pytest.raises(nb.CaptureError, match="stateful RNN"):
        refused.fit(SEQ, RNG_Y, epochs=1, batch_size=2, verbose=0)
    auto, eager = build(), build()
    for model, jit in ((auto, "auto"), (eager, False)):
        model.compile("adam", "mse", jit_compile=jit)
        model.fit(SEQ, RNG_Y, epochs=2, batch_size=2, shuffle=False, verbose=0)
    for a, e in zip(auto.get_weights(), eager.get_weights(), strict=True):
        np.testing.assert_array_equal(a, e)
