"""``nabla train`` end to end: what it prints and writes, the raw-unit model, and the quick start."""

from __future__ import annotations

import json

import numpy as np
import pytest
from cli_run import ROOT, run_nabla
from conftest import FISH_FILES, MNIST_FILES, real_data, require

import nabla as nb
from nabla import cli
from nabla.cli import train as train_command
from nabla.cli.recipes import RECIPES

PNG = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "20", "--out", str(out), "--quiet"]) == 0
    return out


def test_train_moons_writes_model_metrics_history_and_pictures(moons_run):
    metrics = json.loads((moons_run / "metrics.json").read_text())
    assert metrics["dataset"] == "moons" and metrics["task"] == "classification"
    assert metrics["model"]["layers"] == [2, 16, 16, 2]
    assert metrics["model"]["features"] == ["x1", "x2"]
    assert metrics["training"]["epochs_run"] == 20
    assert 0.85 <= metrics["test"]["accuracy"] <= 1.0
    assert set(metrics["train"]) == {"loss", "accuracy"}
    assert "model.nabla" in metrics["files"]
    lines = (moons_run / "history.csv").read_text().splitlines()
    assert lines[0].split(",") == ["epoch", "accuracy", "loss", "val_accuracy", "val_loss"]  # Keras's CSVLogger
    assert len(lines) == 21 and lines[1].startswith("0,")
    require("matplotlib")
    for name in ("history.png", "decision_boundary.png"):
        assert (moons_run / name).read_bytes()[:8] == PNG
    assert not list(moons_run.glob(".*.tmp"))


def test_train_prints_metrics_and_progress(tmp_path, capsys):
    assert cli.main(["train", "--dataset", "circles", "--epochs", "10", "--hidden", "8", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MLP 2-8-2" in out
    assert "Epoch 10/10" in out  # not a terminal: one line per tenth of the run
    assert "train: loss" in out and "test:  loss" in out and "accuracy" in out


def test_quick_start_trains_moons_and_draws_its_pictures(tmp_path):
    """``pip install -e . && nabla train``: matplotlib is a dependency, so the pictures are always written."""
    require("matplotlib")
    done = run_nabla("train", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    run = tmp_path / "nabla-run"
    metrics = json.loads((run / "metrics.json").read_text())
    assert metrics["dataset"] == "moons" and metrics["test"]["accuracy"] >= 0.95
    assert {"history.png", "decision_boundary.png"} <= set(metrics["files"])
    assert all((run / name).is_file() for name in metrics["files"])
    assert "test:  loss" in done.stdout and "matplotlib" not in done.stderr


def test_matplotlib_is_a_dependency_of_the_package():
    tomllib = pytest.importorskip("tomllib")  # Python >= 3.11
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert any(dep.startswith("matplotlib") for dep in project["dependencies"])


def test_without_matplotlib_train_says_so_once_and_writes_the_rest(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(train_command, "matplotlib_available", lambda: False)
    assert cli.main(["train", "--epochs", "2", "--out", str(tmp_path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("matplotlib is not installed") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv", "metrics.json", "model.nabla"]


def test_train_regression_reports_r2_and_mae_and_draws_the_fit(tmp_path):
    assert cli.main(["train", "--dataset", "sine", "--epochs", "60", "--out", str(tmp_path), "--quiet"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["task"] == "regression"
    assert set(metrics["test"]) == {"loss", "mae", "r2"}
    assert metrics["test"]["r2"] > 0.8
    assert metrics["model"]["units"] == {"x1": "rad"}
    require("matplotlib")
    assert (tmp_path / "fit.png").exists() and not (tmp_path / "decision_boundary.png").exists()


def test_train_fish_saves_a_model_of_raw_units(tmp_path):
    """Trained on standardised inputs and targets, the saved model takes cm and one-hot species and answers in g."""
    real_data(*FISH_FILES)
    assert cli.main(["train", "--dataset", "fish", "--epochs", "150", "--out", str(tmp_path), "--quiet"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["dataset"] == "fish_market"  # the catalogue's name, whatever the spelling given
    assert metrics["model"]["features"][0] == "Length1" and metrics["model"]["features"][-1] == "Species=Smelt"
    assert metrics["model"]["units"]["Weight"] == "g"
    assert metrics["test"]["r2"] > 0.9
    model = nb.models.load_model(tmp_path / "model.nabla")
    data = RECIPES["fish_market"].split(0)
    predicted = model.predict(data.x_test)
    assert abs(float(np.mean(np.abs(predicted - data.y_test))) - metrics["test"]["mae"]) < 1e-3


@pytest.mark.parametrize("dataset", ["and_gate", "xor", "Gaussian-Blobs", "linear"])
def test_every_kind_of_recipe_trains(dataset, tmp_path):
    assert cli.main(["train", "--dataset", dataset, "--epochs", "3", "--out", str(tmp_path), "--quiet"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["dataset"] == nb.datasets.lookup(dataset).name


def test_mnist_mlp_reaches_97_5_percent_in_three_epochs(tmp_path):
    """The CLI's MNIST MLP (784-512-512-10, dropout, Adam, cosine decay), 3 epochs instead of 20."""
    real_data(*MNIST_FILES)
    done = run_nabla("train", "--dataset", "mnist", "--epochs", "3", "--quiet", "--out", tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"]["layers"] == [784, 512, 512, 10]
    assert metrics["test"]["accuracy"] >= 0.975, metrics["test"]
