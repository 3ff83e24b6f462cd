"""The confusion counts, Precision/Recall (thresholds, top_k, class_id) and AUC against Keras 3 on PyTorch."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_fit, check_streaming, random_batches

import nabla.keras as nk
from nabla.keras import metrics as M


def _binary(rng):
    return rng.integers(0, 2, (16, 1)).astype(np.float32), rng.random((16, 1)).astype(np.float32)


def _multi(rng):
    # Several outputs per sample, scores on a coarse grid (ties with each other and with the thresholds).
    return rng.integers(0, 2, (16, 3)).astype(np.float32), np.round(rng.random((16, 3)), 1).astype(np.float32)


COUNTS = ["TruePositives", "FalsePositives", "TrueNegatives", "FalseNegatives"]


@pytest.mark.parametrize("cls", [*COUNTS, "Precision", "Recall"])
@pytest.mark.parametrize("thresholds", [None, 0.3, [0.0, 0.25, 0.5, 0.9, 1.0], [0.0, 0.5, 1.0]])
@pytest.mark.parametrize("weighted", [False, True])
def test_counts_precision_recall_match_keras(cls, thresholds, weighted):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(thresholds=thresholds), getattr(keras.metrics, cls)(thresholds=thresholds)
    assert theirs.name.startswith(ours.name)  # Keras numbers unnamed instances: true_positives_1, ...
    for make in (_binary, _multi):
        check_streaming(ours, theirs, random_batches(make, seed=11, weighted=weighted))
    assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


def _classes(rng):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 16)], rng.random((16, 4)).astype(np.float32)


@pytest.mark.parametrize("cls", ["Precision", "Recall"])
@pytest.mark.parametrize(
    "kwargs", [{"top_k": 2}, {"class_id": 1}, {"top_k": 1, "class_id": 3}, {"top_k": 2, "thresholds": 0.3}]
)
def test_precision_recall_top_k_class_id_match_keras(cls, kwargs):
    keras = keras_on_torch()
    ours, theirs = getattr(M, cls)(**kwargs), getattr(keras.metrics, cls)(**kwargs)
    check_streaming(ours, theirs, random_batches(_classes, seed=12))


AUC_CASES = [
    {},
    {"curve": "PR"},
    {"curve": "PR", "summation_method": "minoring"},
    {"summation_method": "majoring"},
    {"curve": "PRGAIN"},
    {"num_thresholds": 7},
    {"num_thresholds": 13, "curve": "pr"},
    {"thresholds": [0.1, 0.35, 0.5, 0.8]},
    {"from_logits": True},
    {"label_weights": [0.2, 1.0, 3.0]},
]


@pytest.mark.parametrize("kwargs", AUC_CASES)
@pytest.mark.parametrize("weighted", [False, True])
def test_auc_matches_keras(kwargs, weighted):
    keras = keras_on_torch()
    ours, theirs = M.AUC(**kwargs), keras.metrics.AUC(**kwargs)
    make = _multi
    if kwargs.get("from_logits"):

        def make(rng):
            return rng.integers(0, 2, (16, 3)).astype(np.float32), (3 * rng.standard_normal((16, 3))).astype(np.float32)

    check_streaming(ours, theirs, random_batches(make, seed=13, weighted=weighted), rtol=1e-4, atol=1e-5)
    assert M.AUC.from_config(ours.get_config()).get_config() == ours.get_config()


@pytest.mark.parametrize("kwargs", [{}, {"curve": "PR"}, {"label_weights": [0.5, 2.0, 1.0]}, {"num_labels": 3}])
def test_multi_label_auc_matches_keras(kwargs):
    keras = keras_on_torch()
    ours, theirs = M.AUC(multi_label=True, **kwargs), keras.metrics.AUC(multi_label=True, **kwargs)
    check_streaming(ours, theirs, random_batches(_multi, seed=14), rtol=1e-4, atol=1e-5)


def test_auc_bad_arguments():
    with pytest.raises(ValueError, match="curve"):
        M.AUC(curve="precision-recall")
    with pytest.raises(ValueError, match="summation_method"):
        M.AUC(summation_method="trapezoid")
    with pytest.raises(ValueError, match="num_thresholds"):
        M.AUC(num_thresholds=1)
    with pytest.raises(ValueError, match="num_labels"):
        M.AUC(num_labels=3)


def test_imbalanced_data_tutorial_metrics_in_fit():
    # The metrics of TensorFlow's "classification on imbalanced data" tutorial, compiled together.
    keras = keras_on_torch()

    def tutorial_metrics(k):
        return [
            k.metrics.BinaryCrossentropy(name="cross entropy"),
            k.metrics.MeanSquaredError(name="Brier score"),
            k.metrics.TruePositives(name="tp"),
            k.metrics.FalsePositives(name="fp"),
            k.metrics.TrueNegatives(name="tn"),
            k.metrics.FalseNegatives(name="fn"),
            k.metrics.BinaryAccuracy(name="accuracy"),
            k.metrics.Precision(name="precision"),
            k.metrics.Recall(name="recall"),
            k.metrics.AUC(name="auc"),
            k.metrics.AUC(name="prc", curve="PR"),
        ]

    rng = np.random.default_rng(3)
    x = rng.standard_normal((96, 6)).astype(np.float32)
    y = (rng.random((96, 1)) < 0.2).astype(np.float32)
    for ours, theirs in zip(tutorial_metrics(nk), tutorial_metrics(keras)):
        check_fit(ours, theirs, x, y, 1, "sigmoid", "binary_crossentropy", rtol=1e-4)
