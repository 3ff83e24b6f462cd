"""Masks of padded sequences (Masking, Embedding(mask_zero=True)) against Keras 3 (PyTorch backend): the masks
themselves, the recurrent layers' outputs and states, Bidirectional, GlobalAveragePooling1D, gradients,
masked losses and metrics in fit and evaluate, configs, model files and summaries."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras
from nabla.keras.layers.masking import get_mask, masked_metric_batch

RNG = np.random.default_rng(7)
TOKENS = RNG.integers(1, 6, size=(4, 5))
TOKENS[0, 3:] = 0  # padded at the end
TOKENS[1, :2] = 0  # at the start
TOKENS[2, 2] = 0  # in the middle
TOKENS[3, :] = 0  # a sequence of padding only
FEATURES = RNG.standard_normal((4, 5, 3)).astype(np.float32)
FEATURES[TOKENS == 0] = 0.0


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def flat(outputs) -> list:
    return list(outputs) if isinstance(outputs, (list, tuple)) else [outputs]


def twins(build):
    """``build(keras_module)`` in Keras 3 and in nabla, nabla holding Keras's (random) weights."""
    reference = build(keras_on_torch())
    model = build(keras)
    model.set_weights([numpy(w) for w in reference.get_weights()])
    return reference, model


def assert_same_outputs(reference, model, x) -> None:
    theirs, ours = flat(reference(x)), flat(model(x))
    assert len(theirs) == len(ours)
    for mine, reference_value in zip(ours, theirs):
        np.testing.assert_allclose(mine.numpy(), numpy(reference_value), rtol=1e-5, atol=1e-6)


def embedded(k, layer):
    inputs = k.Input((5,))
    return k.Model(inputs, layer(k.layers.Embedding(6, 4, mask_zero=True)(inputs)))


RECURRENT = [
    ("SimpleRNN", {}),
    ("SimpleRNN", {"return_sequences": True}),
    ("LSTM", {"return_sequences": True, "return_state": True}),
    ("LSTM", {"go_backwards": True, "return_state": True}),
    ("GRU", {"return_sequences": True, "go_backwards": True}),
    ("GRU", {"reset_after": False, "return_state": True}),
]


@pytest.mark.parametrize(("name", "options"), RECURRENT, ids=[f"{n}-{'-'.join(o) or 'plain'}" for n, o in RECURRENT])
def test_recurrent_layers_skip_masked_steps_as_keras(name, options):
    """Masked steps keep the states and repeat the previous output (zeros before the first real step)."""
    reference, model = twins(lambda k: embedded(k, getattr(k.layers, name)(3, **options)))
    assert_same_outputs(reference, model, TOKENS)


@pytest.mark.parametrize("options", [{}, {"return_sequences": True}, {"return_sequences": True, "merge_mode": None}])
def test_bidirectional_with_a_mask_is_keras(options):
    """With return_sequences the masked steps give zeros in both halves (Keras's zero_output_for_mask)."""
    reference, model = twins(lambda k: embedded(k, k.layers.Bidirectional(
        k.layers.LSTM(3, return_sequences=options.get("return_sequences", False)),
        merge_mode=options.get("merge_mode", "concat"))))  # fmt: skip
    assert_same_outputs(reference, model, TOKENS)


def test_masking_layer_and_average_pooling_over_the_real_steps():
    def build(k):
        return k.Sequential([k.Input((5, 3)), k.layers.Masking(0.0), k.layers.Dense(2),
                             k.layers.GlobalAveragePooling1D()])  # fmt: skip

    reference, model = twins(build)
    x = FEATURES[:3]  # (a sequence of padding only averages 0/0 in both libraries)
    assert_same_outputs(reference, model, x)
    masked = model.layers[0](x)
    np.testing.assert_array_equal(get_mask(masked).numpy(), TOKENS[:3] != 0)
    np.testing.assert_array_equal(get_mask(model.layers[1](masked)).numpy(), TOKENS[:3] != 0)  # Dense passes it on


def test_the_mask_reaches_call_and_is_computed_as_keras():
    reference_keras = keras_on_torch()
    ours = keras.layers.Embedding(6, 4, mask_zero=True)
    theirs = reference_keras.layers.Embedding(6, 4, mask_zero=True)
    np.testing.assert_array_equal(ours.compute_mask(TOKENS).numpy(), numpy(theirs.compute_mask(TOKENS)))
    masking = keras.layers.Masking(mask_value=0.0)
    np.testing.assert_array_equal(masking.compute_mask(FEATURES).numpy(),
                                  numpy(reference_keras.layers.Masking(0.0).compute_mask(FEATURES)))  # fmt: skip
    assert masking.supports_masking and keras.layers.Dense(2).supports_masking
    assert not keras.layers.Flatten().supports_masking and not keras.layers.Conv1D(2, 2).supports_masking
    assert get_mask(keras.layers.Flatten()(ours(TOKENS))) is None  # a layer without masking support drops it


def test_an_explicit_mask_argument_and_no_mask_give_keras_outputs():
    reference_keras = keras_on_torch()
    theirs = reference_keras.layers.GRU(3, return_sequences=True)
    ours = keras.layers.GRU(3, return_sequences=True)
    theirs(FEATURES), ours(FEATURES)
    ours.set_weights([numpy(w) for w in theirs.get_weights()])
    mask = TOKENS != 0
    np.testing.assert_allclose(ours(FEATURES, mask=mask).numpy(), numpy(theirs(FEATURES, mask=mask)),
                               rtol=1e-5, atol=1e-6)  # fmt: skip
    with pytest.raises(ValueError, match="mask has shape"):
        ours(FEATURES, mask=mask[:, :3])


def test_gradients_through_masked_steps_are_keras_ones():
    """One SGD step of Embedding(mask_zero) -> LSTM -> Dense gives Keras's weights (the padding gets none)."""
    reference_keras = keras_on_torch()
    y = RNG.standard_normal((4, 1)).astype(np.float32)

    def build(k):
        return k.Sequential([k.Input((5,)), k.layers.Embedding(6, 4, mask_zero=True), k.layers.LSTM(3),
                             k.layers.Dense(1)])  # fmt: skip

    reference, model = twins(build)
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.5), loss="mse")
        m.train_on_batch(TOKENS, y)
    for mine, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-4, atol=1e-6)


@pytest.mark.parametrize(("loss", "metric"), [("mse", "mae"), ("sparse_categorical_crossentropy", "accuracy")])
def test_fit_and_evaluate_leave_the_masked_steps_out_of_the_loss_and_metrics(loss, metric):
    """A sequence output keeps the mask; Keras 3 weighs the loss and the mean metrics by it."""
    reference_keras = keras_on_torch()
    classes = loss.startswith("sparse")
    y = RNG.integers(0, 3, size=(4, 5)) if classes else RNG.standard_normal((4, 5, 1)).astype(np.float32)

    def build(k):
        head = k.layers.Dense(3, activation="softmax") if classes else k.layers.Dense(1)
        return k.Sequential([k.Input((5,)), k.layers.Embedding(6, 4, mask_zero=True),
                             k.layers.GRU(3, return_sequences=True), head])  # fmt: skip

    reference, model = twins(build)
    logs = []
    for m, k in ((reference, reference_keras), (model, keras)):
        m.compile(optimizer=k.optimizers.SGD(learning_rate=0.1), loss=loss, metrics=[metric])
        before = m.evaluate(TOKENS, y, verbose=0, return_dict=True)
        history = m.fit(TOKENS, y, epochs=2, batch_size=2, shuffle=False, verbose=0).history
        logs.append((before, history))
    (their_before, their_history), (our_before, our_history) = logs
    for key in their_before:
        np.testing.assert_allclose(our_before[key], their_before[key], rtol=1e-5)
        np.testing.assert_allclose(our_history[key], their_history[key], rtol=1e-5)
    for mine, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-4, atol=1e-6)


def test_configs_files_and_summaries_keep_the_masks(tmp_path, capsys):
    def build(k):
        return k.Sequential([k.Input((5, 3)), k.layers.Masking(mask_value=-1.0),
                             k.layers.LSTM(2, return_sequences=True)])  # fmt: skip

    reference, model = twins(build)
    config = model.layers[0].get_config()
    assert config["mask_value"] == reference.layers[0].get_config()["mask_value"] == -1.0
    assert keras.layers.Embedding(6, 4, mask_zero=True).get_config()["mask_zero"] is True
    x = np.where(TOKENS[..., None] == 0, -1.0, FEATURES).astype(np.float32)
    model.save(tmp_path / "masked.keras")
    loaded = keras.models.load_model(tmp_path / "masked.keras")
    np.testing.assert_allclose(loaded(x).numpy(), model(x).numpy(), rtol=1e-6)
    np.testing.assert_allclose(loaded(x).numpy(), numpy(reference(x)), rtol=1e-5, atol=1e-6)
    embedding = keras.Sequential([keras.Input((5,)), keras.layers.Embedding(6, 4, mask_zero=True)])
    embedding.save(tmp_path / "embedding.keras")
    reloaded = keras.models.load_model(tmp_path / "embedding.keras")
    np.testing.assert_array_equal(get_mask(reloaded(TOKENS)).numpy(), TOKENS != 0)
    model.summary()
    assert "Masking" in capsys.readouterr().out
    assert model.count_params() == reference.count_params()


def test_bad_mask_values_are_refused():
    with pytest.raises(ValueError, match="mask_value must be a number"):
        keras.layers.Masking(mask_value="zero")


def test_time_distributed_passes_the_mask_on_as_keras():
    reference, model = twins(lambda k: embedded(k, lambda h: k.layers.GRU(3)(k.layers.TimeDistributed(
        k.layers.Dense(2))(h))))  # fmt: skip
    assert_same_outputs(reference, model, TOKENS)


def test_sample_weights_and_the_mask_weigh_the_metrics_together():
    out = np.ones((2, 3, 1))
    y = np.zeros((2, 3, 1))
    mask = keras.ops.convert_to_tensor(np.array([[True, True, False], [True, False, False]]))
    _, folded, weights = masked_metric_batch(y, out, mask, np.array([1.0, 2.0]))
    assert folded.shape == (6, 1)
    np.testing.assert_array_equal(weights, [1, 1, 0, 2, 0, 0])


@pytest.mark.parametrize(
    "merge", ["Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate", "ConcatenateSteps"]
)
def test_merging_layers_merge_the_masks_as_keras(merge):
    """Two embeddings of differently padded tokens, merged: the mask Keras 3's merge computes reaches the LSTM
    (its outputs agree); one input without a mask gives the elementwise merges no mask, Concatenate all-real."""
    other = TOKENS[::-1].copy()

    def build(k):
        first, second = k.Input((5,)), k.Input((5,))
        a = k.layers.Embedding(6, 4, mask_zero=True)(first)
        b = k.layers.Embedding(6, 4, mask_zero=True)(second)
        layer = (k.layers.Concatenate(axis=1) if merge == "ConcatenateSteps" else getattr(k.layers, merge)())
        return k.Model([first, second], k.layers.LSTM(3, return_sequences=True)(layer([a, b])))

    reference, model = twins(build)
    theirs, ours = numpy(reference([TOKENS, other])), model([TOKENS, other]).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-5, atol=1e-6)
    reference_keras = keras_on_torch()
    name = "Concatenate" if merge == "ConcatenateSteps" else merge
    axis = {"axis": 1} if merge == "ConcatenateSteps" else {}
    for masks in ([TOKENS != 0, other != 0], [TOKENS != 0, None]):
        x = [FEATURES, FEATURES[::-1].copy()]
        want = getattr(reference_keras.layers, name)(**axis).compute_mask(x, masks)
        got = getattr(keras.layers, name)(**axis).compute_mask(x, masks)
        assert (got is None) == (want is None)
        if want is not None:
            np.testing.assert_array_equal(got.numpy(), numpy(want))
