"""A model's compiled metrics survive ``model.save`` and ``load_model`` as Keras 3's do: those of each output of a
model of several (a dict keyed by output name, a list of lists, None for an output), its losses given as a
dict, and metric objects that their name does not rebuild (``SparseCategoricalAccuracy(name="acc2")``,
``AUC(curve="PR")``), which Keras 3's file keeps by class and config.

Reference: Keras 3 on its PyTorch backend, saving and loading the same model; the loaded models' ``evaluate``
(its logs by name, and its list) are compared.
"""

from __future__ import annotations

import inspect

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras
from nabla.keras.models import file_schema_training
from nabla.keras.models.compile_utils import saved_metric_names
from nabla.schema import validate

RNG = np.random.default_rng(0)
X = RNG.normal(size=(16, 4)).astype(np.float32)
Y_REGRESSION = RNG.normal(size=(16, 1)).astype(np.float32)
Y_CLASS = RNG.integers(0, 3, size=(16,))
Y_BINARY = (X[:, :1] > 0).astype(np.float32)


def _two_outputs(k):
    inputs = k.Input((4,), name="x")
    hidden = k.layers.Dense(5, activation="relu", kernel_initializer=k.initializers.Constant(0.3))(inputs)
    first = k.layers.Dense(1, name="out_a", kernel_initializer=k.initializers.Constant(0.2))(hidden)
    second = k.layers.Dense(3, activation="softmax", name="out_b", kernel_initializer=k.initializers.Constant(-0.1))
    return k.Model(inputs, [first, second(hidden)])


def _compile_options(k, form: str) -> dict:
    losses = ["mse", "sparse_categorical_crossentropy"]
    keyed = {
        "out_a": ["mae", k.metrics.RootMeanSquaredError()],
        "out_b": ["accuracy", "sparse_categorical_crossentropy"],
    }
    return {
        "dict": {"loss": dict(zip(["out_a", "out_b"], losses)), "metrics": keyed},
        "dict_weighted": {"loss": dict(zip(["out_a", "out_b"], losses)), "metrics": keyed,
                          "loss_weights": {"out_a": 0.5, "out_b": 2.0}},
        "lists": {"loss": losses, "metrics": [["mae", "mse"],
                                              ["accuracy", k.metrics.SparseCategoricalAccuracy(name="acc2")]]},
        "an_output_without_any": {"loss": losses, "metrics": [None, ["accuracy"]]},
        "only_second_keyed": {"loss": losses, "metrics": {"out_b": [k.metrics.SparseTopKCategoricalAccuracy(k=2)]}},
    }[form]  # fmt: skip


def _one_output(k, keyed: bool):
    model = k.Sequential([k.Input((4,)), k.layers.Dense(1, activation="sigmoid", name="head",
                                                        kernel_initializer=k.initializers.Constant(0.4))])  # fmt: skip
    metrics = [k.metrics.AUC(curve="PR", name="prc"), k.metrics.BinaryAccuracy(threshold=0.3, name="acc_03"),
               k.metrics.BinaryCrossentropy(label_smoothing=0.1), "accuracy"]  # fmt: skip
    if keyed:  # (one output takes every metric of a dict, whatever its keys, in their order: Keras 3's tree.flatten)
        metrics = {"head": metrics[:2], "another": ["mse", metrics[2]]}
    model.compile(optimizer="sgd", loss="binary_crossentropy", metrics=metrics)
    return model


FORMS = [
    "dict",
    "dict_weighted",
    "lists",
    "an_output_without_any",
    "only_second_keyed",
    "one_output",
    "one_output_keyed",
]


def _evaluated_after_loading(k, form: str, tmp_path) -> tuple[dict, list, dict]:
    """(the loaded model's evaluate logs, its list, the saved model's logs before saving)."""
    if form.startswith("one_output"):
        model, x, y = _one_output(k, keyed=form == "one_output_keyed"), X, Y_BINARY
    else:
        model, x, y = _two_outputs(k), X, [Y_REGRESSION, Y_CLASS]
        model.compile(optimizer="sgd", **_compile_options(k, form))
    before = model.evaluate(x, y, verbose=0, return_dict=True)
    path = tmp_path / f"{form}.keras"
    model.save(path)
    loaded = k.models.load_model(path)
    logs = {name: float(v) for name, v in loaded.evaluate(x, y, verbose=0, return_dict=True).items()}
    return logs, [float(v) for v in loaded.evaluate(x, y, verbose=0)], {n: float(v) for n, v in before.items()}


@pytest.fixture(scope="module")
def keras_loaded(tmp_path_factory) -> dict:
    keras = keras_on_torch()
    folder = tmp_path_factory.mktemp("keras")
    return {form: _evaluated_after_loading(keras, form, folder) for form in FORMS}


@pytest.mark.parametrize("form", FORMS)
def test_a_loaded_model_evaluates_its_metrics_as_keras_3s(keras_loaded, tmp_path, form):
    logs, listed, before = _evaluated_after_loading(nabla.keras, form, tmp_path)
    want_logs, want_list, _ = keras_loaded[form]
    assert sorted(logs) == sorted(want_logs)
    for name in want_logs:
        np.testing.assert_allclose(logs[name], want_logs[name], rtol=1e-5, err_msg=name)
    np.testing.assert_allclose(listed, want_list, rtol=1e-5)
    assert logs == before  # (and as the model did before it was saved)


METRICS = {  # one object of each class a file keeps by class and config, none of them with its defaults
    "AUC": {"num_thresholds": 50, "curve": "PR", "summation_method": "minoring", "name": "prc"},
    "BinaryAccuracy": {"threshold": 0.25},
    "BinaryCrossentropy": {"from_logits": True, "label_smoothing": 0.1},
    "CategoricalCrossentropy": {"label_smoothing": 0.2},
    "SparseCategoricalCrossentropy": {"from_logits": True},
    "CosineSimilarity": {"axis": 1},
    "TopKCategoricalAccuracy": {"k": 2},
    "SparseTopKCategoricalAccuracy": {"k": 3},
    "TruePositives": {"thresholds": [0.25, 0.75]},
    "Precision": {"thresholds": 0.3, "class_id": 1},
    "Recall": {"top_k": 2},
    "F1Score": {"average": "macro", "threshold": 0.4},
    "FBetaScore": {"average": "weighted", "beta": 2.0},
    "R2Score": {"class_aggregation": "variance_weighted_average", "num_regressors": 1},
}


@pytest.mark.parametrize("name", sorted(file_schema_training.METRIC_CONFIGS))
def test_every_metric_class_a_file_keeps_passes_its_schema_and_rebuilds_as_it_was(name):
    cls = getattr(nabla.keras.metrics, name)
    metric = cls(**{"name": "renamed", **METRICS.get(name, {})})
    (saved,) = saved_metric_names([metric])
    assert saved["class_name"] == name
    validate(saved, {"anyOf": file_schema_training._ONE_METRIC})
    options = file_schema_training.METRIC_CONFIGS[name]
    # ("dtype", in Keras 3's config of every metric, is set by from_config: the constructors do not take it)
    assert set(saved["config"]) <= set(options) <= {*inspect.signature(cls).parameters, "dtype"}, name
    validate(saved["config"], {"type": "object", "properties": options, "additionalProperties": False})
    rebuilt = nabla.keras.metrics.get(saved)
    assert type(rebuilt) is cls and rebuilt.get_config() == metric.get_config()
