"""The ``nabla`` command end to end: train, datasets, evaluate, predict, xor, and its errors.

Most commands run in-process through ``nabla.cli.main`` (fast, output captured); a few run as
``python -m nabla`` in a subprocess, to check exit statuses and that a user error prints one line
and no traceback. The datasets come from ``shared/data`` beside the repository via ``NABLA_DATA_DIR``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FASHION_FILES, FISH_FILES, MNIST_FILES, real_data, require

import nabla as nb
from nabla import cli


def shared_dir() -> Path:
    """The real datasets (``$NABLA_DATA_DIR`` or ``../shared/data``): skip locally when absent, fail in CI."""
    return real_data(*MNIST_FILES, *FISH_FILES)


def run_nabla(*args, cwd=None, timeout=120):
    """``python -m nabla ARGS`` in a subprocess; one BLAS thread, so that a busy machine does not thrash."""
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    return subprocess.run(
        [sys.executable, "-m", "nabla", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    """One short training run on moons, shared by the tests that read what it wrote."""
    out = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "20", "--out", str(out), "--quiet"]) == 0
    return out


# --- train ----------------------------------------------------------------------------------------


def test_train_moons_writes_model_metrics_and_pictures(moons_run, capsys):
    metrics = json.loads((moons_run / "metrics.json").read_text())
    assert metrics["dataset"] == "moons" and metrics["task"] == "classification"
    assert metrics["model"]["layers"] == [2, 16, 16, 2]
    assert metrics["training"]["epochs_run"] == 20
    assert 0.85 <= metrics["test"]["accuracy"] <= 1.0
    assert set(metrics["train"]) == {"loss", "accuracy"}
    assert (moons_run / "model.nabla").stat().st_size > 0
    assert "model.nabla" in metrics["files"]
    lines = (moons_run / "history.csv").read_text().splitlines()
    assert lines[0].startswith("epoch,loss,accuracy,val_loss") and len(lines) == 21
    require("matplotlib")
    for name in ("history.png", "decision_boundary.png"):
        assert (moons_run / name).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_train_prints_metrics_and_progress(tmp_path, capsys):
    assert cli.main(["train", "--dataset", "circles", "--epochs", "10", "--hidden", "8", "--out", str(tmp_path)]) == 0
    out = capsys.readouterr().out
    assert "MLP 2-8-2" in out
    assert "Epoch 10/10" in out  # not a terminal: one line per tenth of the run
    assert "train: loss" in out and "test:  loss" in out and "accuracy" in out


def test_train_with_no_arguments_is_the_quick_start(tmp_path):
    done = run_nabla("train", cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "nabla-run" / "metrics.json").read_text())
    assert metrics["dataset"] == "moons"
    assert metrics["test"]["accuracy"] >= 0.95
    assert "test:  loss" in done.stdout


def test_train_regression_reports_r2_and_mae(tmp_path):
    assert cli.main(["train", "--dataset", "sine", "--epochs", "60", "--out", str(tmp_path), "--quiet"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["task"] == "regression"
    assert set(metrics["test"]) == {"loss", "mae", "r2"}
    assert metrics["test"]["r2"] > 0.8
    if cli._matplotlib_available():
        assert (tmp_path / "fit.png").exists() and not (tmp_path / "decision_boundary.png").exists()


def test_train_fish_standardises_on_train_and_saves_a_raw_unit_model(tmp_path):
    shared_dir()
    assert cli.main(["train", "--dataset", "fish", "--epochs", "150", "--out", str(tmp_path), "--quiet"]) == 0
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"]["features"][0] == "Length1"
    assert metrics["test"]["r2"] > 0.9
    # The saved model takes raw measurements (cm, one-hot species) and answers in grams.
    model = nb.models.load_model(tmp_path / "model.nabla")
    data = cli.load_split("fish", 0)
    predicted = model.predict(data.x_test)
    assert abs(float(np.mean(np.abs(predicted - data.y_test))) - metrics["test"]["mae"]) < 1e-3


def test_missing_matplotlib_skips_pictures_once(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(cli, "_matplotlib_available", lambda: False)
    assert cli.main(["train", "--epochs", "2", "--out", str(tmp_path), "--quiet"]) == 0
    err = capsys.readouterr().err
    assert err.count("matplotlib is not installed") == 1
    assert sorted(p.name for p in tmp_path.iterdir()) == ["history.csv", "metrics.json", "model.nabla"]


def test_fold_scaling_is_exact():
    """The scalings folded into the first and last Dense layers give the same outputs as applying them outside."""
    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    model = cli.build_model(3, 2, (5,), "tanh", 0.0, "regression")
    x = rng.normal(5.0, 3.0, size=(7, 3)).astype(np.float32)
    shift, scale = np.array([5.0, 4.0, -1.0]), np.array([3.0, 0.5, 2.0])
    y_shift, y_scale = np.array([100.0, -2.0]), np.array([40.0, 0.1])
    before = model.predict(((x - shift) / scale).astype(np.float32)) * y_scale + y_shift
    cli.fold_scaling(model, shift, scale, y_shift, y_scale)
    np.testing.assert_allclose(model.predict(x), before, rtol=1e-4, atol=1e-3)


# --- datasets / evaluate / predict --------------------------------------------------------------------


def test_datasets_lists_every_dataset_and_the_cache(capsys):
    data = real_data(*MNIST_FILES, *FASHION_FILES, *FISH_FILES)
    assert cli.main(["datasets"]) == 0
    out = capsys.readouterr().out
    rows = {line.split()[0]: line.split()[2] for line in out.splitlines()[1:] if line and not line.startswith("data ")}
    assert set(rows) == set(cli.DATASETS)
    assert rows["moons"] == "generated"
    assert rows["mnist"] == rows["fashion-mnist"] == rows["fish"] == "yes"
    assert str(data) in out


def test_evaluate_reproduces_the_test_metrics(moons_run, capsys):
    capsys.readouterr()
    assert cli.main(["evaluate", str(moons_run / "model.nabla"), "--dataset", "moons"]) == 0
    out = capsys.readouterr().out
    expected = json.loads((moons_run / "metrics.json").read_text())["test"]["accuracy"]
    assert f"accuracy {expected:.4f}" in out and "test split, 250 samples" in out
    # Without --dataset, the metrics.json beside the model says which.
    assert cli.main(["evaluate", str(moons_run / "model.nabla")]) == 0
    assert f"accuracy {expected:.4f}" in capsys.readouterr().out


def test_evaluate_on_a_dataset_of_another_width_fails_cleanly(moons_run, capsys):
    assert cli.main(["evaluate", str(moons_run / "model.nabla"), "--dataset", "sine"]) == 1
    err = capsys.readouterr().err.strip()
    assert "takes 2 features but sine has 1" in err and len(err.splitlines()) == 1


def test_predict_prints_classes_and_probabilities(moons_run, tmp_path, capsys):
    rows = np.array([[-1.0, 0.5], [2.0, -0.3], [0.5, 0.25]], dtype=np.float32)
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("x1,x2\n" + "\n".join(f"{a},{b}" for a, b in rows) + "\n")
    capsys.readouterr()
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(csv_file)]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0] == "class,p0,p1" and len(lines) == 4
    probabilities = nb.models.load_model(moons_run / "model.nabla").predict(rows)
    assert [int(line.split(",")[0]) for line in lines[1:]] == probabilities.argmax(1).tolist()
    assert lines[1].split(",")[0] == "0" and lines[2].split(",")[0] == "1"  # upper moon, lower moon
    np.testing.assert_allclose([float(line.split(",")[2]) for line in lines[1:]], probabilities[:, 1], rtol=1e-4)

    # No header, and the predictions written to a file.
    csv_file.write_text("\n".join(f"{a},{b}" for a, b in rows) + "\n")
    target = tmp_path / "out.csv"
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(csv_file), "--output", str(target)]) == 0
    assert target.read_text().splitlines() == lines


@pytest.mark.parametrize(
    "content, message",
    [
        ("x1,x2\n1,2\n3,4,5\n", "line 3: 3 values, but the model takes 2 features per row"),
        ("1,2\nfoo,4\n", "line 2: not a number"),
        ("x1,x2\n", "holds no rows of numbers"),
    ],
)
def test_predict_bad_csv_is_a_one_line_error(moons_run, tmp_path, capsys, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_text(content)
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(bad)]) == 1
    err = capsys.readouterr().err.strip()
    assert message in err and len(err.splitlines()) == 1 and err.startswith("nabla predict: error:")


def test_missing_files_are_one_line_errors(moons_run, tmp_path, capsys):
    assert cli.main(["predict", str(tmp_path / "nope.nabla"), str(tmp_path / "x.csv")]) == 1
    assert "no model file at" in capsys.readouterr().err
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(tmp_path / "x.csv")]) == 1
    assert "no input file at" in capsys.readouterr().err
    not_a_model = tmp_path / "model.nabla"
    not_a_model.write_text("hello")
    assert cli.main(["evaluate", str(not_a_model), "--dataset", "moons"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nabla evaluate: error: cannot load the model") and len(err.splitlines()) == 1


def test_user_errors_in_a_subprocess_exit_non_zero_without_traceback(tmp_path):
    done = run_nabla("train", "--dataset", "imagenet", "--out", tmp_path)
    assert done.returncode == 2
    err = done.stderr.strip()
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert "invalid choice: 'imagenet'" in err and "'moons'" in err and "'fashion-mnist'" in err

    bad = tmp_path / "bad.csv"
    bad.write_text("1,2,3\n")
    done = run_nabla("predict", tmp_path / "missing.nabla", bad)
    assert (
        done.returncode == 1
        and done.stderr.strip() == f"nabla predict: error: no model file at {tmp_path / 'missing.nabla'}"
    )

    done = run_nabla("train", "--hidden", "16,x")
    assert done.returncode == 2 and "expected layer widths such as 16,16" in done.stderr


def test_options_accept_catalog_names_and_reject_bad_values(capsys):
    assert cli.build_parser().parse_args(["train", "--dataset", "fashion_mnist"]).dataset == "fashion-mnist"
    assert cli.build_parser().parse_args(["train", "--hidden", "none"]).hidden == ()
    for argv in (["train", "--lr", "-1"], ["train", "--optimizer", "lbfgs"], ["train", "--dropout", "1.5"]):
        with pytest.raises(SystemExit) as exc:
            cli.main(argv)
        assert exc.value.code == 2
    assert "choose from 'adam'" in capsys.readouterr().err


def test_xor_demo(capsys):
    assert cli.main(["xor", "--epochs", "2000"]) == 0
    assert "XOR predictions" in capsys.readouterr().out
    assert cli.train_xor(epochs=2000, log_every=0) < 0.01


# --- one real MNIST run ----------------------------------------------------------------------------------


def test_mnist_mlp_reaches_97_5_percent_in_three_epochs(tmp_path):
    """The CLI's MNIST MLP (784-512-512-10, dropout, Adam, cosine decay), 3 epochs instead of 20."""
    shared_dir()
    done = run_nabla("train", "--dataset", "mnist", "--epochs", "3", "--quiet", "--out", tmp_path, timeout=300)
    assert done.returncode == 0, done.stderr
    metrics = json.loads((tmp_path / "metrics.json").read_text())
    assert metrics["model"]["layers"] == [784, 512, 512, 10]
    assert metrics["test"]["accuracy"] >= 0.975, metrics["test"]
