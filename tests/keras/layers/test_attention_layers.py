"""``keras.layers.Attention`` and ``AdditiveAttention`` against Keras 3 (PyTorch backend), from the same weights:
outputs, attention scores, masks (given, and carried by ``Embedding(mask_zero=True)``), the causal mask,
gradients, configs, a saved model, and a captured ``fit`` equal to eager training bit for bit."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
import nabla.keras as nk

RNG = np.random.default_rng(0)
Q = RNG.standard_normal((2, 3, 4)).astype(np.float32)
V = RNG.standard_normal((2, 5, 4)).astype(np.float32)
K = RNG.standard_normal((2, 5, 4)).astype(np.float32)
Q_MASK = np.array([[1, 1, 0], [1, 0, 1]], bool)
V_MASK = np.array([[1, 1, 1, 0, 0], [1, 1, 1, 1, 1]], bool)

KINDS = [
    ("Attention", {}),
    ("Attention", {"use_scale": True}),
    ("Attention", {"score_mode": "concat", "use_scale": True}),
    ("Attention", {"score_mode": "concat"}),
    ("AdditiveAttention", {}),
    ("AdditiveAttention", {"use_scale": False}),
]


def made(k, name, options):
    layer = getattr(k.layers, name)(**options)
    layer.build([Q.shape, V.shape])
    for w in layer.weights:  # the same weights in both libraries
        w.assign(np.linspace(0.5, 1.5, max(int(np.prod(w.shape)), 1)).reshape(w.shape).astype(np.float32))
    return layer


@pytest.mark.parametrize("name, options", KINDS, ids=[f"{n}-{o}" for n, o in KINDS])
def test_outputs_and_scores_are_keras_s(keras, name, options):
    ours, theirs = made(nk, name, options), made(keras, name, options)
    assert [w.name for w in ours.weights] == [w.name for w in theirs.weights]
    calls = [
        lambda layer: layer([Q, V, K], mask=[Q_MASK, V_MASK], return_attention_scores=True),
        lambda layer: layer([Q, V], use_causal_mask=True, return_attention_scores=True),
        lambda layer: layer([Q, V, K], mask=[None, V_MASK], use_causal_mask=True, return_attention_scores=True),
    ]
    for call in calls:
        for a, b in zip(call(ours), call(theirs)):
            np.testing.assert_allclose(np.asarray(a), keras.ops.convert_to_numpy(b), rtol=1e-5, atol=1e-6)
    config = {k: v for k, v in theirs.get_config().items() if k not in ("name", "dtype")}
    assert {k: v for k, v in ours.get_config().items() if k not in ("name", "dtype")} == config


@pytest.mark.parametrize("name", ["Attention", "AdditiveAttention"])
def test_gradients_are_keras_s(keras, name):
    import torch

    ours = made(nk, name, {"use_scale": True})
    q = nb.tensor(Q, requires_grad=True)
    out = ours([q, nb.tensor(V)], mask=[Q_MASK, V_MASK])
    (out * out).sum().backward()
    theirs = made(keras, name, {"use_scale": True})
    tq = torch.tensor(Q, requires_grad=True)
    tout = theirs([tq, torch.tensor(V)], mask=[torch.tensor(Q_MASK), torch.tensor(V_MASK)])
    (tout * tout).sum().backward()
    np.testing.assert_allclose(q.grad.numpy(), tq.grad.numpy(), rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(ours.scale.grad.numpy(), theirs.scale.value.grad.numpy(), rtol=1e-4, atol=1e-5)


def seq2seq(k):
    """An encoder-decoder of Embedding(mask_zero=True), LSTM and Attention, as the translation labs build it."""
    source, target = k.Input((6,), dtype="int32"), k.Input((4,), dtype="int32")
    encoded = k.layers.LSTM(8, return_sequences=True)(k.layers.Embedding(20, 8, mask_zero=True)(source))
    decoded = k.layers.LSTM(8, return_sequences=True)(k.layers.Embedding(20, 8, mask_zero=True)(target))
    context = k.layers.Attention()([decoded, encoded])
    joined = k.layers.Concatenate()([decoded, context])
    return k.Model([source, target], k.layers.Dense(20)(joined))


def data():
    source = RNG.integers(1, 20, (12, 6))
    source[:, 4:] = 0  # padding the masks leave out
    target = RNG.integers(1, 20, (12, 4))
    return [source, target], RNG.integers(0, 20, (12, 4))


def test_a_translation_model_predicts_as_keras_and_fits_captured_as_eager(keras, tmp_path):
    x, y = data()
    ours, theirs = seq2seq(nk), seq2seq(keras)
    ours.set_weights([keras.ops.convert_to_numpy(w) for w in theirs.weights])
    np.testing.assert_allclose(ours.predict(x, verbose=0), theirs.predict(x, verbose=0), rtol=1e-4, atol=1e-5)
    trained = []
    for jit in (True, False):
        model = seq2seq(nk)
        model.set_weights(ours.get_weights())
        model.compile(optimizer="adam", loss=nk.losses.SparseCategoricalCrossentropy(from_logits=True),
                      jit_compile=jit)  # fmt: skip
        nb.manual_seed(3)
        model.fit(x, y, batch_size=4, epochs=2, verbose=0)
        trained.append(model.get_weights())
    for a, b in zip(*trained):
        np.testing.assert_array_equal(a, b)
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_bad_calls_say_what_to_give():
    with pytest.raises(ValueError, match="must be called on a list of inputs"):
        nk.layers.Attention()(Q)
    with pytest.raises(ValueError, match="length 2 or 3"):
        nk.layers.Attention()([Q])
    with pytest.raises(ValueError, match="score_mode"):
        nk.layers.Attention(score_mode="add")
