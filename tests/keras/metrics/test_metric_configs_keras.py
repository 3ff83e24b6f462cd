"""Metric configs against Keras 3 (PyTorch backend), run here: ``get_config`` (``dtype`` included),
``keras.metrics.serialize``/``deserialize``, and a Keras compile config naming a metric by its config."""

from __future__ import annotations

import re

import numpy as np
import pytest

import nabla.keras as nk

CASES = [
    ("AUC", {"curve": "PR", "num_thresholds": 50}),
    ("Precision", {"thresholds": 0.3}),
    ("Recall", {"top_k": 2}),
    ("TruePositives", {}),
    ("MeanIoU", {"num_classes": 3}),
    ("IoU", {"num_classes": 3, "target_class_ids": [0]}),
    ("BinaryIoU", {}),
    ("F1Score", {"threshold": 0.5}),
    ("FBetaScore", {"beta": 2.0}),
    ("PrecisionAtRecall", {"recall": 0.5}),
    ("R2Score", {}),
    ("BinaryAccuracy", {"threshold": 0.4}),
    ("Mean", {}),
]


def _unnumbered(config: dict) -> dict:
    # Keras numbers default names across the session ("mean_io_u_1")
    return dict(config, name=re.sub(r"_\d+$", "", config["name"]))


@pytest.mark.parametrize(("name", "args"), CASES, ids=[c[0] for c in CASES])
def test_config_and_serialize_round_trip_as_keras(keras, name, args):
    theirs, ours = getattr(keras.metrics, name)(**args), getattr(nk.metrics, name)(**args)
    assert ours.get_config() == _unnumbered(theirs.get_config())
    rebuilt = nk.metrics.deserialize(keras.metrics.serialize(theirs))  # Keras's form: module, dtype...
    assert type(rebuilt) is type(ours) and rebuilt.get_config() == theirs.get_config()
    again = nk.metrics.deserialize(nk.metrics.serialize(ours))
    assert (
        again.get_config() == ours.get_config()
        and type(ours).from_config(ours.get_config()).get_config() == ours.get_config()
    )


def test_a_config_dtype_is_kept(keras):
    config = keras.metrics.serialize(keras.metrics.AUC(dtype="float64"))
    assert config["config"]["dtype"] == "float64"
    auc = nk.metrics.deserialize(config)
    # Keras 3's AUC keeps a float32 result whatever its dtype (see test_metric_dtype.py for every metric)
    assert auc.get_config()["dtype"] == "float64" and auc.result().dtype == np.float32
    with pytest.raises(ValueError, match="dtype must be a float type"):
        nk.metrics.AUC.from_config({"dtype": "int32"})


def test_keras_compile_config_with_metric_configs_compiles_and_reloads(keras, tmp_path):
    def model(m):
        return m.Sequential([m.Input((3,)), m.layers.Dense(1, activation="sigmoid")])

    theirs = model(keras)
    theirs.compile(
        optimizer="adam",
        loss="mse",
        metrics=[keras.metrics.AUC(curve="PR", name="pr_auc"), keras.metrics.Precision(name="p")],
    )
    config = theirs.get_compile_config()  # the metrics as {"module", "class_name", "config": {..., "dtype"}, ...}
    ours = model(nk)
    ours.compile_from_config(config)
    x, y = np.random.default_rng(0).random((8, 3)), np.array([0, 1] * 4, np.float32)[:, None]
    assert set(ours.fit(x, y, verbose=0).history) == {"loss", "pr_auc", "p"}
    ours.save(tmp_path / "a.keras")
    loaded = nk.models.load_model(tmp_path / "a.keras")
    loaded.save(tmp_path / "b.keras")  # (a reloaded model saves its metrics again)
    again = nk.models.load_model(tmp_path / "b.keras")
    assert [m["config"] for m in again.get_compile_config()["metrics"]] == [m["config"] for m in config["metrics"]]


@pytest.mark.parametrize("name", ["CategoricalCrossentropy", "SparseCategoricalCrossentropy"])
def test_cross_entropy_metric_configs_are_keras_s_and_save(keras, name, tmp_path):
    """Keras 3 writes ``axis`` (and ``ignore_class``) in these configs; nabla reads and writes them as Keras."""
    theirs = getattr(keras.metrics, name)().get_config()
    ours = getattr(nk.metrics, name).from_config(theirs)
    assert ours.get_config() == theirs
    model = nk.Sequential([nk.Input((3,)), nk.layers.Dense(3, activation="softmax")])
    model.compile(loss="sparse_categorical_crossentropy" if name.startswith("Sparse") else "categorical_crossentropy",
                  metrics=[getattr(nk.metrics, name)(name="xent")])  # fmt: skip
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras")
    assert loaded.get_compile_config()["metrics"] == model.get_compile_config()["metrics"]
    with pytest.raises(ValueError, match="last axis"):
        getattr(nk.metrics, name)(axis=1)
