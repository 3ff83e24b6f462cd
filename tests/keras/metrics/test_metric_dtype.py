"""Every metric constructor takes Keras 3's ``dtype=``: the metric's dtype, its config's and its result's.

The reference is Keras 3 on TensorFlow (run in a subprocess): there the mean metrics give their result in
their dtype while the confusion-count ones (AUC, Precision, the IoUs...) keep float32. (Keras on PyTorch
gives float32 for a float64 mean too: its ``divide_no_nan`` casts to floatx.)
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from keras_reference import run_on_keras_tensorflow

import nabla.keras as nk

#: Keras 3's metrics that nabla has.
NAMES = """AUC Accuracy BinaryAccuracy BinaryCrossentropy BinaryIoU CategoricalAccuracy CategoricalCrossentropy
CategoricalHinge CosineSimilarity F1Score FBetaScore FalseNegatives FalsePositives Hinge IoU KLDivergence LogCoshError
Mean MeanAbsoluteError MeanAbsolutePercentageError MeanIoU MeanSquaredError MeanSquaredLogarithmicError OneHotIoU
OneHotMeanIoU Poisson Precision PrecisionAtRecall R2Score Recall RecallAtPrecision RootMeanSquaredError
SensitivityAtSpecificity SparseCategoricalAccuracy SparseTopKCategoricalAccuracy SpecificityAtSensitivity
SquaredHinge Sum TopKCategoricalAccuracy TrueNegatives TruePositives""".split()


def _dtypes(module) -> dict:
    """``"name dtype" -> [dtype, config dtype, result dtype]`` of each metric made with dtype float64 or float16."""
    required = {
        "IoU": {"num_classes": 3, "target_class_ids": [0]}, "MeanIoU": {"num_classes": 3},
        "OneHotIoU": {"num_classes": 3, "target_class_ids": [0]}, "OneHotMeanIoU": {"num_classes": 3},
        "PrecisionAtRecall": {"recall": 0.5}, "RecallAtPrecision": {"precision": 0.5},
        "SensitivityAtSpecificity": {"specificity": 0.5}, "SpecificityAtSensitivity": {"sensitivity": 0.5},
    }  # fmt: skip
    one_hot = np.array([[0, 1, 0], [1, 0, 0]], "float32")
    scores = np.array([[0.2, 0.7, 0.1], [0.3, 0.3, 0.4]], "float32")
    data = {"SparseCategoricalAccuracy": ([1, 2], scores), "SparseTopKCategoricalAccuracy": ([1, 2], scores),
            "IoU": ([0, 1], [0, 2]), "MeanIoU": ([0, 1], [0, 2]), "BinaryIoU": ([0, 1], [0.2, 0.7]),
            "Mean": ([1.0, 2.0],), "Sum": ([1.0, 2.0],)}  # fmt: skip
    found = {}
    for name in NAMES:
        for dtype in ("float64", "float16"):
            metric = getattr(module.metrics, name)(dtype=dtype, **required.get(name, {}))
            metric.update_state(*data.get(name, (one_hot, scores)))
            result = np.asarray(metric.result()).dtype.name
            found[f"{name} {dtype}"] = [str(metric.dtype), metric.get_config()["dtype"], result]
    return found


@pytest.mark.filterwarnings("ignore:overflow")  # (a percentage error of 1e9 is inf in float16, as in Keras)
def test_every_metric_takes_dtype_as_keras_on_tensorflow():
    # (_dtypes's source, run by Keras on TensorFlow in a fresh process)
    script = f"import json\nimport keras\nimport numpy as np\nNAMES = {NAMES!r}\n{inspect.getsource(_dtypes)}"
    want = run_on_keras_tensorflow(script + "print(json.dumps(_dtypes(keras)))")
    assert _dtypes(nk) == want


def test_a_metric_of_yours_makes_its_variables_in_the_dtype_asked(keras):
    def counter(m):
        class Count(m.metrics.Metric):
            def __init__(self, **kwargs):
                super().__init__(**kwargs)
                self.n = self.add_variable(shape=(), initializer="zeros", name="n")  # (float32, as Keras's)
                self.m = self.add_variable(shape=(), initializer="zeros", dtype=self.dtype, name="m")

            def update_state(self, values):
                self.n.assign_add(m.ops.cast(m.ops.size(values), self.dtype))

            def result(self):
                return self.n

        return Count(dtype="float64")

    ours, theirs = counter(nk), counter(keras)
    assert ours.n.dtype == theirs.n.dtype == "float32" and ours.m.dtype == theirs.m.dtype == "float64"
    for metric in (ours, theirs):
        metric.update_state(np.ones(3))
    assert float(ours.result()) == float(theirs.result()) == 3.0
    assert ours.get_config() == {"name": "count", "dtype": "float64"} == theirs.get_config()


def test_a_wrapped_function_keeps_dtype_out_of_its_arguments(keras):
    def error(y_true, y_pred):
        return np.abs(np.asarray(y_true) - np.asarray(y_pred))

    ours = nk.metrics.MeanMetricWrapper(error, dtype="float64")
    ours.update_state([1.0, 2.0], [1.5, 2.0])
    assert ours.result().dtype == np.float64 and float(ours.result()) == 0.25
    assert ours.get_config()["dtype"] == keras.metrics.MeanMetricWrapper(error, dtype="float64").get_config()["dtype"]
    assert nk.metrics.Accuracy.from_config(nk.metrics.Accuracy(dtype="float64").get_config()).dtype == "float64"
