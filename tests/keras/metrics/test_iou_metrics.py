"""IoU, MeanIoU, OneHotIoU, OneHotMeanIoU and BinaryIoU against Keras 3 (integer weights, ignore_class, bounds)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch
from metric_reference import check_streaming

from nabla.keras import metrics as M


def _batches(make, seed, weighted):
    rng = np.random.default_rng(seed)
    out = []
    for _ in range(3):
        y_true, y_pred = make(rng)
        # Integer weights: Keras keeps an integer confusion matrix (see IoU's docstring).
        out.append((y_true, y_pred, rng.integers(0, 4, len(y_true)).astype(np.float32) if weighted else None))
    return out


def _ids(rng):
    return rng.integers(0, 4, 20), rng.integers(0, 4, 20)


def _ids_out_of_range(rng):
    return rng.integers(-1, 5, 20), rng.integers(0, 5, 20)


def _one_hot(rng):
    return np.eye(4, dtype=np.float32)[rng.integers(0, 4, 20)], rng.random((20, 4)).astype(np.float32)


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("make", [_ids, _ids_out_of_range])
@pytest.mark.parametrize("ignore_class", [None, 1])
def test_iou_and_mean_iou_match_keras(weighted, make, ignore_class):
    keras = keras_on_torch()
    pairs = [
        (M.MeanIoU(4, ignore_class=ignore_class), keras.metrics.MeanIoU(4, ignore_class=ignore_class)),
        (M.IoU(4, [0, 2], ignore_class=ignore_class), keras.metrics.IoU(4, [0, 2], ignore_class=ignore_class)),
    ]
    for ours, theirs in pairs:
        check_streaming(ours, theirs, _batches(make, 41, weighted))
        assert type(ours).from_config(ours.get_config()).get_config() == ours.get_config()


@pytest.mark.parametrize("weighted", [False, True])
def test_one_hot_forms_match_keras(weighted):
    keras = keras_on_torch()
    pairs = [
        (M.OneHotMeanIoU(4), keras.metrics.OneHotMeanIoU(4)),
        (M.OneHotIoU(4, [1, 3]), keras.metrics.OneHotIoU(4, [1, 3])),
    ]
    for ours, theirs in pairs:
        check_streaming(ours, theirs, _batches(_one_hot, 42, weighted))

    def ids_and_scores(rng):
        y_true, scores = _one_hot(rng)
        return y_true.argmax(-1), scores

    ours, theirs = M.MeanIoU(4, sparse_y_pred=False), keras.metrics.MeanIoU(4, sparse_y_pred=False)
    check_streaming(ours, theirs, _batches(ids_and_scores, 44, weighted))


@pytest.mark.parametrize("kwargs", [{}, {"threshold": 0.3}, {"target_class_ids": [1]}])
def test_binary_iou_matches_keras(kwargs):
    keras = keras_on_torch()

    def make(rng):
        return rng.integers(0, 2, (20, 1)).astype(np.float32), np.round(rng.random((20, 1)), 1).astype(np.float32)

    check_streaming(M.BinaryIoU(**kwargs), keras.metrics.BinaryIoU(**kwargs), _batches(make, 43, True))


def test_segmentation_shapes_and_errors():
    rng = np.random.default_rng(4)
    y_true, scores = rng.integers(0, 3, (2, 5, 5)), rng.random((2, 5, 5, 3))
    m = M.MeanIoU(3, sparse_y_pred=False)
    m.update_state(y_true, scores, sample_weight=[1.0, 0.0])  # one weight per image
    ref = M.MeanIoU(3)
    ref.update_state(y_true[0], scores[0].argmax(-1))
    assert float(m.result()) == pytest.approx(ref.result())
    with pytest.raises(ValueError, match="sparse_y_pred=False"):
        M.MeanIoU(3)(y_true, scores)
    with pytest.raises(ValueError, match="target_class_ids"):
        M.IoU(3, [3])
