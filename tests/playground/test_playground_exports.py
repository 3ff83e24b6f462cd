"""The downloads: model.nabla loads with nabla and predicts as the page; the code rebuilds the same network."""

from __future__ import annotations

import base64
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nabla import datasets, models
from nabla.playground import Session
from nabla.playground.csvdata import parse_csv
from nabla.playground.exports import csv_text, file_message, python_code

ROOT = Path(__file__).resolve().parents[2]


def trained(setup: dict, frames: int = 3) -> Session:
    session = Session(setup)
    for _ in range(frames):
        session.train_frame()
    return session


def saved_model(session: Session, folder: Path):
    message = file_message(session, "model")
    assert message["name"] == "model.nabla"
    path = folder / "model.nabla"
    path.write_bytes(base64.b64decode(message["b64"]))
    return models.load_model(path)


@pytest.mark.parametrize(
    "setup",
    [
        {"dataset": "xor", "hidden": [4], "regularization": "l2", "reg_rate": 0.001, "dropout": 0.1},
        {"dataset": "blobs", "classes": 3, "hidden": [6, 6], "activation": "relu", "optimizer": "adam"},
        {"dataset": "sine", "features": ["x1", "sin(x1)"], "hidden": [8], "optimizer": "rmsprop", "lr": 0.01},
        {"dataset": "circles", "output": "tanh_mse", "features": ["x1^2", "x2^2"], "hidden": []},
    ],
)
def test_model_nabla_loads_with_load_model_and_predicts_what_the_page_shows(setup, tmp_path):
    session = trained(setup)
    model = saved_model(session, tmp_path)
    inputs = session.inputs_test
    page = session.activations(inputs)[1]
    predicted = model.predict(inputs)
    output = session.network.output
    if output == "sigmoid":
        np.testing.assert_allclose(predicted[:, 0], page[:, 1], rtol=1e-5, atol=1e-6)
    elif output == "softmax":
        np.testing.assert_allclose(predicted, page, rtol=1e-5, atol=1e-6)
    elif output == "tanh_mse":
        np.testing.assert_allclose((predicted[:, 0] + 1) / 2, page[:, 1], rtol=1e-5, atol=1e-6)
    else:
        np.testing.assert_allclose(predicted[:, 0], page, rtol=1e-5, atol=1e-6)
    # compiled as the page trained it: fit continues with the same optimizer state
    assert type(model.optimizer).__name__ == type(session.network.optimizer).__name__
    assert model.optimizer.param_groups[0]["lr"] == session.config.lr


def run_code(session: Session, folder: Path, epochs: int) -> dict:
    """Execute the exported script in ``folder`` with EPOCHS set to ``epochs``; returns its variables."""
    code = python_code(session)
    assert f"EPOCHS = {session.epoch or 100}" in code
    code = code.replace(f"EPOCHS = {session.epoch or 100}", f"EPOCHS = {epochs}", 1)
    (folder / "playground_data.csv").write_text(csv_text(session))
    scope = {"__name__": "__main__"}
    cwd = os.getcwd()
    os.chdir(folder)
    try:
        exec(compile(code, "playground_model.py", "exec"), scope)
    finally:
        os.chdir(cwd)
    return scope


@pytest.mark.parametrize(
    "setup",
    [
        {
            "dataset": "moons",
            "hidden": [5, 3],
            "features": ["x1", "x2", "x1*x2"],
            "regularization": "l1",
            "reg_rate": 0.003,
            "dropout": 0.2,
            "optimizer": "momentum",
            "lr": 0.1,
            "batch_size": 25,
            "seed": 9,
        },
        {"dataset": "spiral", "classes": 3, "hidden": [8], "output": "auto", "optimizer": "adagrad", "seed": 2},
        {"dataset": "plane", "hidden": [4], "activation": "relu", "optimizer": "adam", "seed": 4},
    ],
)
def test_the_code_regenerates_the_data_and_rebuilds_the_initial_network(setup, tmp_path):
    session = trained(setup, frames=1)
    scope = run_code(session, tmp_path, epochs=0)  # no training: the initial network
    np.testing.assert_array_equal(scope["X"], session.data.X)
    np.testing.assert_array_equal(scope["y"], session.data.y)
    np.testing.assert_array_equal(scope["train"], session.data.train)
    np.testing.assert_array_equal(scope["x_train"], session.inputs_train)
    np.testing.assert_array_equal(scope["y_train"], session.targets_train.reshape(scope["y_train"].shape))
    session.reset()
    initial = [a for pair in session.dense_weights() for a in pair]
    for got, want in zip(scope["model"].get_weights(), initial):
        np.testing.assert_array_equal(got, want)

    def unnamed(model):
        return [{k: v for k, v in layer["config"].items() if k != "name"} for layer in model.get_config()["layers"]]

    assert unnamed(scope["model"]) == unnamed(session.network.model)


def test_the_code_runs_as_a_script_and_trains(tmp_path):
    session = trained({"dataset": "xor", "hidden": [4], "optimizer": "adam", "lr": 0.05}, frames=2)
    code = python_code(session).replace("EPOCHS = 2", "EPOCHS = 30", 1)
    (tmp_path / "playground_model.py").write_text(code)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run(
        [sys.executable, "playground_model.py"], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "test loss and accuracy:" in done.stdout
    accuracy = float(done.stdout.strip().rsplit(",", 1)[1].strip(" ]"))
    assert accuracy >= 0.95
    model = models.load_model(tmp_path / "model.nabla")
    assert model.count_params() == session.network.model.count_params()


def test_uploaded_data_round_trips_through_the_csv_and_the_code(tmp_path):
    X, y = datasets.gaussian_blobs(120, centers=[[0, 0], [4, 1], [1, 5]], std=0.7, seed=3)
    raw = "a,b,kind\n" + "\n".join(f"{p[0] * 100:.3f},{p[1] - 7:.3f},{'xyz'[c]}" for p, c in zip(X, y))
    session = Session({"optimizer": "adam", "hidden": [6]})
    notice = session.upload("blobs.csv", raw)
    assert "3 classes (x, y, z)" in notice and session.config.dataset == "csv"
    again = parse_csv("again.csv", csv_text(session), 2000)  # the export, uploaded again: the same points
    np.testing.assert_allclose(again.X, session.data.X, atol=1e-5)
    np.testing.assert_array_equal(again.y, session.data.y)
    session.train_frame()
    scope = run_code(session, tmp_path, epochs=0)
    np.testing.assert_allclose(scope["X"], session.data.X, atol=1e-6)
    np.testing.assert_array_equal(scope["train"], session.data.train)


def test_the_csv_says_which_points_were_for_testing():
    session = Session({"dataset": "sine", "features": ["x1"], "points": 40})
    lines = csv_text(session).splitlines()
    assert lines[0] == "x1,label,split" and len(lines) == 41
    tests = [i for i, line in enumerate(lines[1:]) if line.endswith(",test")]
    assert tests == session.data.test.tolist()
    first = lines[1].split(",")
    assert float(first[0]) == pytest.approx(session.data.X[0, 0], rel=1e-6)
    assert float(first[1]) == pytest.approx(session.data.y[0], rel=1e-6)
