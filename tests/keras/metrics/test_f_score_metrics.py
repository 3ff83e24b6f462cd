"""F1Score and FBetaScore against Keras 3 (every average, thresholds, weights) and scikit-learn's f1/fbeta."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch
from metric_reference import check_fit, check_streaming, random_batches

import nabla.keras as nk
from nabla.keras import metrics as M


def _multi_hot(rng):
    return rng.integers(0, 2, (12, 4)).astype(np.float32), rng.random((12, 4)).astype(np.float32)


def _one_hot(rng):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 12)], rng.random((12, 4)).astype(np.float32)


@pytest.mark.parametrize("average", [None, "micro", "macro", "weighted"])
@pytest.mark.parametrize("threshold", [None, 0.5, 0.3])
@pytest.mark.parametrize("weighted", [False, True])
def test_f_scores_match_keras(average, threshold, weighted):
    keras = keras_on_torch()
    for make in (_multi_hot, _one_hot):
        ours, theirs = M.F1Score(average, threshold), keras.metrics.F1Score(average, threshold)
        assert ours.name == theirs.name
        check_streaming(ours, theirs, random_batches(make, seed=21, weighted=weighted))
        ours = M.FBetaScore(average, beta=2.0, threshold=threshold)
        theirs = keras.metrics.FBetaScore(average, beta=2.0, threshold=threshold)
        check_streaming(ours, theirs, random_batches(make, seed=22, weighted=weighted))
        assert M.FBetaScore.from_config(ours.get_config()).get_config() == ours.get_config()


def test_f1_equals_scikit_learn_on_one_hot_predictions():
    require("sklearn")
    from sklearn.metrics import f1_score

    rng = np.random.default_rng(5)
    labels, scores = rng.integers(0, 3, 200), rng.random((200, 3))
    m = M.F1Score(average="macro")
    m.update_state(np.eye(3)[labels], scores)
    assert float(m.result()) == pytest.approx(f1_score(labels, scores.argmax(-1), average="macro"), abs=1e-5)


def test_in_fit_as_keras():
    keras = keras_on_torch()
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((64, 5)).astype(np.float32), np.eye(3, dtype=np.float32)[rng.integers(0, 3, 64)]
    check_fit(
        M.F1Score(average="macro"),
        keras.metrics.F1Score(average="macro"),
        x,
        y,
        3,
        "softmax",
        "categorical_crossentropy",
    )


def test_per_class_scores_are_logged_as_arrays():
    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((32, 5)).astype(np.float32), np.eye(3, dtype=np.float32)[rng.integers(0, 3, 32)]
    model = nk.Sequential([nk.Input((5,)), nk.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="sgd", loss="categorical_crossentropy", metrics=[M.F1Score()])
    history = model.fit(x, y, epochs=2, verbose=0).history
    assert np.shape(history["f1_score"]) == (2, 3)
    assert np.shape(model.evaluate(x, y, verbose=0, return_dict=True)["f1_score"]) == (3,)


def test_bad_arguments():
    with pytest.raises(ValueError, match="average"):
        M.F1Score(average="samples")
    with pytest.raises(ValueError, match="beta"):
        M.FBetaScore(beta=0)
    with pytest.raises(ValueError, match="threshold"):
        M.F1Score(threshold=0.0)
    with pytest.raises(ValueError, match=r"\(N, C\)"):
        M.F1Score()([1, 0], [0.3, 0.6])
