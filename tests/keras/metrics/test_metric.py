"""Metrics: Keras's documented examples, hand-computed values, weights, accumulation, the resolver."""

from __future__ import annotations

import doctest
import importlib
import itertools
import json
import math
import pkgutil

import numpy as np
import pytest

import nabla as nb
from nabla import metrics as M

# --- Keras documentation examples (values as documented) -------------------------------------


def test_module_docstring_examples():
    # The examples of the package's docstring and of every metric, in each file of nabla.keras.metrics.
    modules = [M, *(importlib.import_module(f"{M.__name__}.{info.name}") for info in pkgutil.iter_modules(M.__path__))]
    attempted = 0
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted > 20


def test_mean_keras_example():
    m = M.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0


@pytest.mark.parametrize(
    "metric, y_true, y_pred, weights, plain, weighted",
    [
        (M.BinaryAccuracy(), [[1], [1], [0], [0]], [[0.98], [1], [0], [0.6]], [1, 0, 0, 1], 0.75, 0.5),
        (
            M.CategoricalAccuracy(),
            [[0, 0, 1], [0, 1, 0]],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
            [0.7, 0.3],
            0.5,
            0.3,
        ),
        (
            M.SparseCategoricalAccuracy(),
            [[2], [1]],
            [[0.1, 0.6, 0.3], [0.05, 0.95, 0]],
            [0.7, 0.3],
            0.5,
            0.3,
        ),
        (
            M.TopKCategoricalAccuracy(k=1),
            [[0, 0, 1], [0, 1, 0]],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
            [0.7, 0.3],
            0.5,
            0.3,
        ),
        (
            M.SparseTopKCategoricalAccuracy(k=1),
            [2, 1],
            [[0.1, 0.9, 0.8], [0.05, 0.95, 0]],
            [0.7, 0.3],
            0.5,
            0.3,
        ),
        (M.MeanAbsoluteError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.25, 0.5),
        (M.MeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.25, 0.5),
        (M.RootMeanSquaredError(), [[0, 1], [0, 0]], [[1, 1], [0, 0]], [1, 0], 0.5, math.sqrt(0.5)),
        (M.Precision(), [0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0], 2 / 3, 1.0),
        (M.Recall(), [0, 1, 1, 1], [1, 0, 1, 1], [0, 0, 1, 0], 2 / 3, 1.0),
        (M.AUC(), [0, 0, 1, 1], [0, 0.5, 0.3, 0.9], [1, 0, 0, 1], 0.75, 1.0),
    ],
    ids=lambda v: type(v).__name__ if isinstance(v, M.Metric) else "",
)
def test_keras_documented_examples(metric, y_true, y_pred, weights, plain, weighted):
    metric.update_state(y_true, y_pred)
    assert metric.result() == pytest.approx(plain)
    assert isinstance(metric.result(), float)
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    assert metric.result() == pytest.approx(weighted)


def test_top_k_keras_k3_and_default():
    y_true, y_pred = [[0, 0, 1], [0, 1, 0]], [[0.1, 0.9, 0.8], [0.05, 0.95, 0]]
    np.testing.assert_array_equal(M.top_k_categorical_accuracy(y_true, y_pred, k=3), [1.0, 1.0])
    assert M.TopKCategoricalAccuracy()(y_true, y_pred) == 1.0  # k=5 > 3 classes: always in


def test_r2_keras_example():
    m = M.R2Score()
    m.update_state(np.array([[1], [4], [3]], np.float32), np.array([[2], [4], [4]], np.float32))
    assert m.result() == pytest.approx(0.5714285714)


# --- hand-computed values, shapes, edge cases ---------------------------------------------------


def test_results_are_python_floats_and_zero_before_any_update():
    for m in (M.Mean(), M.BinaryAccuracy(), M.Precision(), M.Recall(), M.AUC(), M.R2Score(), M.MeanSquaredError()):
        assert m.result() == 0.0 and type(m.result()) is float


def test_column_vs_flat_labels_are_not_broadcast():
    # (N,) against (N, 1) would broadcast to (N, N) and give 0.5 here; it must give 1.0.
    y_true = np.array([0, 1, 1, 0])
    y_pred = np.array([[0.1], [0.9], [0.8], [0.3]])
    assert M.BinaryAccuracy()(y_true, y_pred) == 1.0
    assert M.MeanAbsoluteError()(y_true, y_pred) == pytest.approx((0.1 + 0.1 + 0.2 + 0.3) / 4)
    with pytest.raises(ValueError, match=r"shape \(3,\).*\(4, 1\)"):
        M.MeanSquaredError().update_state([1, 2, 3], y_pred)


def test_binary_accuracy_threshold_and_multi_output_samples():
    m = M.BinaryAccuracy(threshold=0.0)  # logits
    m.update_state([1, 0, 1], [2.0, -1.0, -0.5])
    assert m.result() == pytest.approx(2 / 3)
    # Two outputs per sample: each sample counts the fraction it got right, weights per sample.
    per_sample = M.binary_accuracy([[1, 0], [1, 1]], [[0.9, 0.8], [0.7, 0.6]])
    np.testing.assert_allclose(per_sample, [0.5, 1.0])
    m = M.BinaryAccuracy()
    m.update_state([[1, 0], [1, 1]], [[0.9, 0.8], [0.7, 0.6]], sample_weight=[3, 1])
    assert m.result() == pytest.approx((3 * 0.5 + 1 * 1.0) / 4)


def test_threshold_is_strict():
    # Keras: positive when y_pred > threshold, so exactly 0.5 is negative.
    assert M.BinaryAccuracy()([0], [0.5]) == 1.0
    assert M.Precision()([1, 0], [0.5, 0.5]) == 0.0


def test_sparse_labels_shapes_and_errors():
    y_pred = np.array([[0.2, 0.7, 0.1], [0.6, 0.3, 0.1], [0.1, 0.2, 0.7]])
    for labels in ([1, 0, 0], [[1], [0], [0]], np.array([1.0, 0.0, 0.0])):
        assert M.SparseCategoricalAccuracy()(labels, y_pred) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        M.SparseCategoricalAccuracy().update_state([1, 0, 3], y_pred)
    with pytest.raises(ValueError, match=r"integers in \[0, 3\)"):
        M.SparseTopKCategoricalAccuracy(k=2).update_state([1, -1, 0], y_pred)
    with pytest.raises(ValueError, match="one class index per sample"):
        M.SparseCategoricalAccuracy().update_state([[0, 1, 0]] * 3, y_pred)


def test_sequence_outputs_average_per_sample():
    # (N, T, C) scores with (N, T) labels: each sample scores the fraction of its steps right.
    y_pred = np.zeros((2, 2, 3))
    y_pred[0, 0, 1] = y_pred[0, 1, 2] = y_pred[1, 0, 0] = y_pred[1, 1, 0] = 1.0
    labels = np.array([[1, 0], [0, 0]])
    np.testing.assert_allclose(M.sparse_categorical_accuracy(labels, y_pred), [0.5, 1.0])


def test_top_k_ties_count_as_in():
    # As tf.math.in_top_k: a label tied with the k-th score is in the top k.
    y_pred = [[0.4, 0.4, 0.2], [0.5, 0.3, 0.2]]
    np.testing.assert_array_equal(M.sparse_top_k_categorical_accuracy([1, 1], y_pred, k=1), [1.0, 0.0])
    np.testing.assert_array_equal(M.sparse_top_k_categorical_accuracy([2, 2], y_pred, k=2), [0.0, 0.0])
    with pytest.raises(ValueError, match="positive integer"):
        M.TopKCategoricalAccuracy(k=0)


def test_categorical_accuracy_on_logits_equals_on_probabilities():
    rng = np.random.default_rng(0)
    logits = rng.normal(size=(50, 4))
    probs = np.exp(logits) / np.exp(logits).sum(1, keepdims=True)
    onehot = np.eye(4)[rng.integers(0, 4, 50)]
    assert M.CategoricalAccuracy()(onehot, logits) == M.CategoricalAccuracy()(onehot, probs)


def test_precision_recall_hand_computed_with_weights():
    y_true = [1, 1, 0, 0, 1]
    y_pred = [0.9, 0.2, 0.7, 0.1, 0.6]
    w = [1.0, 2.0, 3.0, 1.0, 0.5]
    # TP: samples 0 (w 1) and 4 (w 0.5); FP: sample 2 (w 3); FN: sample 1 (w 2).
    assert M.Precision()(y_true, y_pred, w) == pytest.approx(1.5 / 4.5)
    assert M.Recall()(y_true, y_pred, w) == pytest.approx(1.5 / 3.5)
    assert M.Precision(thresholds=0.8)(y_true, y_pred) == 1.0
    with pytest.raises(TypeError, match="one threshold"):
        M.Precision(thresholds=[0.3, 0.5])


def test_sample_weight_shapes():
    m = M.MeanAbsoluteError()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]], sample_weight=[[1.0], [3.0]])  # (N, 1) weights
    assert m.result() == pytest.approx((1 + 9) / 4)
    m.reset_state()
    m.update_state([[0.0], [0.0]], [[1.0], [3.0]], sample_weight=2.0)  # a scalar weight
    assert m.result() == pytest.approx(2.0)
    with pytest.raises(ValueError, match="sample_weight has shape"):
        m.update_state([0.0, 0.0], [1.0, 3.0], sample_weight=[1.0, 2.0, 3.0])


def test_tensors_are_accepted():
    y_true = nb.tensor([[0.0, 1.0], [1.0, 0.0]])
    y_pred = nb.tensor([[0.2, 0.8], [0.4, 0.6]], requires_grad=True)
    assert M.CategoricalAccuracy()(y_true, y_pred) == 0.5
    assert M.MeanSquaredError()(y_true, y_pred) == pytest.approx((0.04 * 2 + 0.36 * 2) / 4)


# --- accumulation across batches, then reset -----------------------------------------------------


@pytest.mark.parametrize(
    "make, kind",
    [
        (M.BinaryAccuracy, "binary"),
        (M.Precision, "binary"),
        (M.Recall, "binary"),
        (M.AUC, "binary"),
        (lambda: M.AUC(curve="PR"), "binary"),
        (M.MeanAbsoluteError, "regression"),
        (M.MeanSquaredError, "regression"),
        (M.RootMeanSquaredError, "regression"),
        (M.R2Score, "regression"),
        (M.CategoricalAccuracy, "onehot"),
        (lambda: M.TopKCategoricalAccuracy(k=2), "onehot"),
        (M.SparseCategoricalAccuracy, "sparse"),
        (lambda: M.SparseTopKCategoricalAccuracy(k=2), "sparse"),
    ],
)
def test_batches_accumulate_to_the_full_data_result_and_reset_forgets(make, kind):
    rng = np.random.default_rng(1)
    n = 37
    if kind == "binary":
        y_true, y_pred = rng.integers(0, 2, (n, 1)), rng.random((n, 1))
    elif kind == "regression":
        y_true, y_pred = rng.normal(size=(n, 2)), rng.normal(size=(n, 2))
    else:
        labels, y_pred = rng.integers(0, 4, n), rng.random((n, 4))
        y_true = np.eye(4)[labels] if kind == "onehot" else labels
    w = rng.random(n)
    whole = make()
    whole.update_state(y_true, y_pred, sample_weight=w)
    batched = make()
    for start in range(0, n, 10):
        batched.update_state(
            y_true[start : start + 10], y_pred[start : start + 10], sample_weight=w[start : start + 10]
        )
    assert batched.result() == pytest.approx(whole.result(), rel=1e-12)
    # Not the mean of per-batch results (checked for one metric below), and reset forgets everything.
    batched.reset_state()
    assert batched.result() == 0.0
    batched.update_state(y_true[:10], y_pred[:10], sample_weight=w[:10])
    first = make()
    first.update_state(y_true[:10], y_pred[:10], sample_weight=w[:10])
    assert batched.result() == pytest.approx(first.result(), rel=1e-12)


def test_accuracy_weights_batches_by_their_size():
    m = M.BinaryAccuracy()
    m.update_state([1, 1, 1], [0.9, 0.9, 0.9])  # 3 right
    m.update_state([1], [0.1])  # 1 wrong
    assert m.result() == 0.75  # not (1.0 + 0.0) / 2


# --- R2 ---------------------------------------------------------------------------------------------


def _r2_reference(y_true, y_pred, w=None):
    """Direct two-pass formula in float64 (scikit-learn's r2_score, uniform average)."""
    y_true, y_pred = np.asarray(y_true, float).reshape(len(y_true), -1), np.asarray(y_pred, float)
    y_pred = y_pred.reshape(y_true.shape)
    w = np.ones(len(y_true)) if w is None else np.asarray(w, float)
    mean = (w[:, None] * y_true).sum(0) / w.sum()
    ss_tot = (w[:, None] * (y_true - mean) ** 2).sum(0)
    ss_res = (w[:, None] * (y_true - y_pred) ** 2).sum(0)
    return float(np.mean(1 - ss_res / ss_tot))


def test_r2_accumulates_over_batches_not_per_batch_average():
    rng = np.random.default_rng(2)
    y_true = rng.normal(size=(40, 3))
    y_pred = y_true + 0.5 * rng.normal(size=(40, 3))
    w = rng.random(40)
    m = M.R2Score()
    for start in range(0, 40, 7):
        m.update_state(y_true[start : start + 7], y_pred[start : start + 7], sample_weight=w[start : start + 7])
    assert m.result() == pytest.approx(_r2_reference(y_true, y_pred, w), rel=1e-12)
    per_batch = np.mean([_r2_reference(y_true[s : s + 7], y_pred[s : s + 7], w[s : s + 7]) for s in range(0, 40, 7)])
    assert abs(m.result() - per_batch) > 1e-3


def test_r2_is_stable_for_targets_with_a_large_offset():
    rng = np.random.default_rng(3)
    y = rng.normal(size=200)
    y_pred = y + 0.1 * rng.normal(size=200)
    expected = _r2_reference(y, y_pred)
    offset = 1e8  # sum(y^2) - n mean^2 would lose every digit here
    m = M.R2Score()
    for start in range(0, 200, 16):
        m.update_state(y[start : start + 16] + offset, y_pred[start : start + 16] + offset)
    assert m.result() == pytest.approx(expected, abs=1e-6)


def test_r2_constant_target_variance_weighting_and_adjusted():
    # A constant column: 1.0 when predicted exactly, else 0.0 (scikit-learn's force_finite).
    assert M.R2Score()([2.0, 2.0, 2.0], [2.0, 2.0, 2.0]) == 1.0
    assert M.R2Score()([2.0, 2.0, 2.0], [2.0, 1.0, 2.0]) == 0.0
    y_true = np.array([[1.0, 10.0], [2.0, 30.0], [3.0, 20.0], [4.0, 40.0]])
    y_pred = np.array([[1.5, 12.0], [2.0, 25.0], [2.5, 20.0], [4.0, 41.0]])
    ss_tot = ((y_true - y_true.mean(0)) ** 2).sum(0)
    raw = 1 - ((y_true - y_pred) ** 2).sum(0) / ss_tot
    assert M.R2Score()(y_true, y_pred) == pytest.approx(raw.mean())
    weighted = M.R2Score(class_aggregation="variance_weighted_average")(y_true, y_pred)
    assert weighted == pytest.approx((raw * ss_tot).sum() / ss_tot.sum())
    adjusted = M.R2Score(num_regressors=1)(y_true, y_pred)
    assert adjusted == pytest.approx(1 - (1 - raw.mean()) * 3 / 2)
    with pytest.warns(UserWarning, match="adjusted R2"):
        assert M.R2Score(num_regressors=3)(y_true, y_pred) == pytest.approx(raw.mean())
    with pytest.raises(ValueError, match="class_aggregation"):
        M.R2Score(class_aggregation="raw_values")


# --- AUC --------------------------------------------------------------------------------------------


def _auc_pairs(y, s, w):
    """ROC AUC by brute force over every (positive, negative) pair, ties counting 1/2."""
    num = den = 0.0
    for i, j in itertools.product(range(len(y)), repeat=2):
        if y[i] == 1 and y[j] == 0:
            num += w[i] * w[j] * (1.0 if s[i] > s[j] else 0.5 if s[i] == s[j] else 0.0)
            den += w[i] * w[j]
    return num / den


def _average_precision_loop(y, s, w):
    """Average precision by a loop over the distinct thresholds, highest first."""
    ap, prev_recall = 0.0, 0.0
    total_pos = sum(wi for yi, wi in zip(y, w) if yi == 1)
    for t in sorted(set(s), reverse=True):
        tp = sum(wi for yi, si, wi in zip(y, s, w) if si >= t and yi == 1)
        fp = sum(wi for yi, si, wi in zip(y, s, w) if si >= t and yi == 0)
        recall = tp / total_pos
        ap += (recall - prev_recall) * (tp / (tp + fp) if tp + fp else 0.0)
        prev_recall = recall
    return ap


def test_auc_hand_computed_values():
    # The example of scikit-learn's roc_auc_score / average_precision_score docs.
    y, s = [0, 0, 1, 1], [0.1, 0.4, 0.35, 0.8]
    assert M.AUC()(y, s) == pytest.approx(0.75)
    assert M.AUC(curve="PR")(y, s) == pytest.approx(0.5 * 1.0 + 0.5 * 2 / 3)  # 0.8333
    # Ties between a positive and a negative count one half (average ranks).
    assert M.AUC()([0, 1], [0.5, 0.5]) == 0.5
    assert M.AUC()([0, 0, 1, 1], [0.2, 0.6, 0.6, 0.9]) == pytest.approx((2 * 1 + 1 * 1 + 1 * 0.5) / 4)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_auc_equals_brute_force_with_ties_and_weights(seed):
    rng = np.random.default_rng(seed)
    n = 60
    y = rng.integers(0, 2, n)
    s = np.round(rng.random(n), 1)  # many ties
    w = rng.random(n)
    m, pr = M.AUC(), M.AUC(curve="pr")
    for start in range(0, n, 13):
        m.update_state(y[start : start + 13], s[start : start + 13], sample_weight=w[start : start + 13])
        pr.update_state(y[start : start + 13], s[start : start + 13], sample_weight=w[start : start + 13])
        m.result()  # reading mid-way must not disturb the accumulation
    assert m.result() == pytest.approx(_auc_pairs(y, s, w), rel=1e-12)
    assert pr.result() == pytest.approx(_average_precision_loop(y, s, w), rel=1e-12)


def test_auc_only_depends_on_the_order_of_scores():
    rng = np.random.default_rng(4)
    y, logits = rng.integers(0, 2, 50), rng.normal(size=50)
    for curve in ("ROC", "PR"):
        assert M.AUC(curve)(y, logits) == pytest.approx(M.AUC(curve)(y, 1 / (1 + np.exp(-logits))))


def test_auc_degenerate_inputs():
    assert M.AUC()([1, 1, 1], [0.2, 0.5, 0.9]) == 0.0  # one class only: undefined, 0 as Keras
    assert math.isnan(M.AUC()([0, 1], [0.2, np.nan]))
    assert M.AUC()([0, 1, 0, 1], [0.1, 0.9, 0.2, 0.8]) == 1.0
    assert M.AUC()([0, 1, 0, 1], [0.9, 0.1, 0.8, 0.2]) == 0.0
    with pytest.raises(ValueError, match="curve"):
        M.AUC(curve="precision-recall")


# --- get -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "identifier, cls",
    [
        ("binary_accuracy", M.BinaryAccuracy),
        ("categorical_accuracy", M.CategoricalAccuracy),
        ("sparse_categorical_accuracy", M.SparseCategoricalAccuracy),
        ("top_k_categorical_accuracy", M.TopKCategoricalAccuracy),
        ("sparse_top_k_categorical_accuracy", M.SparseTopKCategoricalAccuracy),
        ("mae", M.MeanAbsoluteError),
        ("mean_absolute_error", M.MeanAbsoluteError),
        ("mse", M.MeanSquaredError),
        ("mean_squared_error", M.MeanSquaredError),
        ("rmse", M.RootMeanSquaredError),
        ("root_mean_squared_error", M.RootMeanSquaredError),
        ("r2", M.R2Score),
        ("r2_score", M.R2Score),
        ("precision", M.Precision),
        ("recall", M.Recall),
        ("auc", M.AUC),
        ("AUC", M.AUC),
    ],
)
def test_get_by_name_keeps_the_name_as_given(identifier, cls):
    metric = M.get(identifier)
    assert type(metric) is cls and metric.name == identifier


@pytest.mark.parametrize(
    "loss, cls, threshold",
    [
        ("binary_crossentropy", M.BinaryAccuracy, 0.5),
        ("categorical_crossentropy", M.CategoricalAccuracy, None),
        ("sparse_categorical_crossentropy", M.SparseCategoricalAccuracy, None),
        ("binary_cross_entropy_with_logits", M.BinaryAccuracy, 0.0),
        (nb.nn.BCELoss(), M.BinaryAccuracy, 0.5),
        (nb.nn.BCEWithLogitsLoss(), M.BinaryAccuracy, 0.0),
        (nb.nn.NLLLoss(), M.SparseCategoricalAccuracy, None),
    ],
)
def test_get_accuracy_from_the_loss(loss, cls, threshold):
    for name in ("accuracy", "acc"):
        metric = M.get(name, loss=loss)
        assert type(metric) is cls and metric.name == name
        if threshold is not None:
            assert metric.threshold == threshold


def test_get_accuracy_from_a_loss_object_with_from_logits():
    class BinaryCrossentropy:
        name = "binary_crossentropy"
        from_logits = True

    metric = M.get("accuracy", loss=BinaryCrossentropy())
    assert type(metric) is M.BinaryAccuracy and metric.threshold == 0.0

    class CategoricalCrossentropy:  # options in get_config, a user-chosen name: the class name decides
        name = "my_loss"

        def get_config(self):
            return {"name": self.name, "from_logits": True}

    assert type(M.get("acc", loss=CategoricalCrossentropy())) is M.CategoricalAccuracy


def test_get_accuracy_from_output_shape_then_from_the_data():
    assert type(M.get("accuracy", loss="mse", output_shape=(None, 1))) is M.BinaryAccuracy
    # Ambiguous until data is seen (PyTorch's cross_entropy takes indices or probabilities).
    cases = [
        ([1, 0], [[0.8], [0.3]], 1.0),  # one output per sample: binary
        ([2, 0], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]], 1.0),  # labels: sparse
        ([[0, 0, 1], [0, 1, 0]], [[0.1, 0.2, 0.7], [0.5, 0.3, 0.2]], 0.5),  # one-hot: categorical
    ]
    for y_true, y_pred, expected in cases:
        metric = M.get("accuracy", loss=nb.nn.CrossEntropyLoss(), output_shape=(None, 3))
        assert metric.name == "accuracy"
        assert metric(y_true, y_pred) == expected
    resolved = [M.get("accuracy") for _ in cases]
    for metric, (y_true, y_pred, _) in zip(resolved, cases):
        metric.update_state(y_true, y_pred)
    assert [m.resolved for m in resolved] == ["binary", "sparse", "categorical"]


def test_get_passes_metrics_through_and_wraps_functions():
    m = M.Precision(name="p")
    assert M.get(m) is m
    assert M.get(None) is None
    assert type(M.get(M.Recall)) is M.Recall

    def max_abs_error(y_true, y_pred):
        return np.abs(np.asarray(y_true) - np.asarray(y_pred)).max(axis=-1)

    wrapped = M.get(max_abs_error)
    assert isinstance(wrapped, M.MeanMetricWrapper) and wrapped.name == "max_abs_error"
    wrapped.update_state([[0, 0], [0, 0]], [[1, 3], [2, 0]], sample_weight=[1, 3])
    assert wrapped.result() == pytest.approx((3 * 1 + 2 * 3) / 4)


def test_get_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown metric 'acuracy'.*'accuracy'.*'mae'.*'auc'"):
        M.get("acuracy")
    with pytest.raises(TypeError, match="got int"):
        M.get(3)


# --- config -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "metric",
    [
        M.Mean(name="avg"),
        M.BinaryAccuracy(threshold=0.3),
        M.CategoricalAccuracy(),
        M.SparseCategoricalAccuracy(name="acc"),
        M.TopKCategoricalAccuracy(k=3),
        M.SparseTopKCategoricalAccuracy(k=2),
        M.MeanAbsoluteError(name="mae"),
        M.MeanSquaredError(),
        M.RootMeanSquaredError(),
        M.R2Score(class_aggregation="variance_weighted_average", num_regressors=2),
        M.Precision(thresholds=0.7),
        M.Recall(),
        M.AUC(curve="PR"),
        M.get("accuracy"),
    ],
    ids=lambda m: type(m).__name__,
)
def test_config_is_json_and_rebuilds_the_metric(metric):
    text = json.dumps(M.serialize(metric))
    rebuilt = M.get(json.loads(text))
    assert type(rebuilt) is type(metric)
    assert rebuilt.get_config() == metric.get_config()


def test_direction():
    assert M.BinaryAccuracy.direction == M.AUC.direction == M.R2Score.direction == M.Recall.direction == "up"
    assert M.MeanSquaredError.direction == M.MeanAbsoluteError.direction == "down"
    assert M.Mean.direction is None
