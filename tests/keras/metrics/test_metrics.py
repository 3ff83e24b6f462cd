"""``metrics.get``: names as given, the accuracy that fits the loss or the data, functions and unknown names."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import metrics as M


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
    assert float(wrapped.result()) == pytest.approx((3 * 1 + 2 * 3) / 4)


def test_get_unknown_name_lists_the_valid_ones():
    with pytest.raises(ValueError, match="unknown metric 'acuracy'.*'accuracy'.*'mae'.*'auc'"):
        M.get("acuracy")
    with pytest.raises(TypeError, match="got int"):
        M.get(3)


def test_every_keras_name_resolves_to_the_same_metric():
    keras = keras_on_torch()
    from keras.src.metrics import ALL_OBJECTS_DICT

    # Not by string: values rather than (y_true, y_pred), or a required argument; and Keras's correlations.
    skipped = {"Metric", "Mean", "Sum", "MeanMetricWrapper", "ConcordanceCorrelation", "PearsonCorrelation"}
    skipped |= {cls.__name__ for cls in M._ARGUMENT_METRICS}
    checked = 0
    for name, cls in ALL_OBJECTS_DICT.items():
        if cls.__name__ in skipped or name.lower() in ("accuracy", "acc"):
            continue  # (compile reads "Accuracy" case-insensitively as "accuracy", as Keras's compile does)
        ours = M.get(name)
        assert type(ours).__name__ == cls.__name__ == type(keras.metrics.get(name)).__name__, name
        assert ours.name == name
        checked += 1
    assert checked > 60
