"""CSVLogger: columns, separators, missing keys, appending; then a real fit's rows."""

from __future__ import annotations

import csv

import numpy as np
import pytest
from fake_fit import fit
from keras_toys import blobs, mlp

from nabla import callbacks
from nabla import callbacks as C


def test_csv_logger_writes_epoch_then_sorted_keys(tmp_path):
    path = tmp_path / "log.csv"
    logs = [
        {"loss": 0.5, "val_loss": 0.6, "accuracy": np.float32(0.75), "val_accuracy": 0.7},
        {"loss": 0.25, "val_loss": 0.5, "accuracy": 0.875, "val_accuracy": 0.8},
    ]
    fit([C.CSVLogger(path)], logs)
    assert path.read_text().splitlines() == [
        "epoch,accuracy,loss,val_accuracy,val_loss",
        "0,0.75,0.5,0.7,0.6",
        "1,0.875,0.25,0.8,0.5",
    ]


def test_csv_logger_separator_missing_keys_and_overwrite(tmp_path):
    path = tmp_path / "log.tsv"
    path.write_text("old content\n")
    with pytest.warns(UserWarning, match="extra"):
        fit([C.CSVLogger(path, separator="\t")], [{"loss": 0.5, "val_loss": 0.4}, {"loss": 0.25, "extra": 1.0}])
    assert path.read_text().splitlines() == ["epoch\tloss\tval_loss", "0\t0.5\t0.4", "1\t0.25\tNA"]


def test_csv_logger_append_continues_under_the_existing_header(tmp_path):
    path = tmp_path / "log.csv"
    fit([C.CSVLogger(path, append=True)], [{"loss": 0.5, "val_loss": 0.4}])
    fit([C.CSVLogger(path, append=True)], [{"val_loss": 0.3, "loss": 0.25}, {"loss": 0.125, "val_loss": 0.2}])
    assert path.read_text().splitlines() == ["epoch,loss,val_loss", "0,0.5,0.4", "0,0.25,0.3", "1,0.125,0.2"]


def test_csv_logger_writes_one_row_per_epoch(tmp_path):
    x, y = blobs()
    model = mlp(metrics=["accuracy"])
    path = tmp_path / "log.csv"
    history = model.fit(x, y, epochs=3, validation_split=0.2, callbacks=[callbacks.CSVLogger(path)], verbose=0)
    with open(path, newline="") as f:
        rows = list(csv.reader(f))
    assert rows[0] == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]
    assert [int(r[0]) for r in rows[1:]] == [0, 1, 2]
    for i, row in enumerate(rows[1:]):
        assert float(row[2]) == pytest.approx(history.history["loss"][i])
        assert float(row[4]) == pytest.approx(history.history["val_loss"][i])
