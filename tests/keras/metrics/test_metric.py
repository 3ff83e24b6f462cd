"""What every metric shares: Keras's documented examples, 0-d tensor results, accumulation over batches and
reset, Tensors as inputs, JSON configs, the direction callbacks read."""

from __future__ import annotations

import doctest
import importlib
import json
import math
import pkgutil

import numpy as np
import pytest

import nabla as nb
from nabla import metrics as M


def test_module_docstring_examples():
    # The examples of the package's docstring and of every metric, in each file of nabla.keras.metrics.
    modules = [M, *(importlib.import_module(f"{M.__name__}.{info.name}") for info in pkgutil.iter_modules(M.__path__))]
    attempted = 0
    for module in modules:
        result = doctest.testmod(module, optionflags=doctest.ELLIPSIS)
        assert result.failed == 0, module.__name__
        attempted += result.attempted
    assert attempted > 20


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
    assert float(metric.result()) == pytest.approx(plain)
    assert isinstance(metric.result(), nb.Tensor) and metric.result().shape == () and metric.result().dtype == "float32"
    metric.reset_state()
    metric.update_state(y_true, y_pred, sample_weight=weights)
    assert float(metric.result()) == pytest.approx(weighted)


def test_results_are_0d_tensors_and_zero_before_any_update():
    for m in (M.Mean(), M.BinaryAccuracy(), M.Precision(), M.Recall(), M.AUC(), M.R2Score(), M.MeanSquaredError()):
        assert m.result().numpy() == 0.0 and m.result().shape == ()


def test_tensors_are_accepted():
    y_true = nb.tensor([[0.0, 1.0], [1.0, 0.0]])
    y_pred = nb.tensor([[0.2, 0.8], [0.4, 0.6]], requires_grad=True)
    assert M.CategoricalAccuracy()(y_true, y_pred) == 0.5
    assert float(M.MeanSquaredError()(y_true, y_pred)) == pytest.approx((0.04 * 2 + 0.36 * 2) / 4)


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
    assert batched._value() == pytest.approx(whole._value(), rel=1e-12)
    # Not the mean of per-batch results (checked for one metric below), and reset forgets everything.
    batched.reset_state()
    assert float(batched.result()) == 0.0
    batched.update_state(y_true[:10], y_pred[:10], sample_weight=w[:10])
    first = make()
    first.update_state(y_true[:10], y_pred[:10], sample_weight=w[:10])
    assert batched._value() == pytest.approx(first._value(), rel=1e-12)


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
