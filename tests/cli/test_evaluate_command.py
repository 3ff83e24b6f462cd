"""``nabla evaluate``: it reproduces the training run's test metrics, and a damaged ``metrics.json`` is one line."""

from __future__ import annotations

import json

import pytest
from cli_run import assert_one_line_error, run_nabla

from nabla import cli


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "20", "--out", str(out), "--quiet"]) == 0
    return out


def test_evaluate_reproduces_the_test_metrics(moons_run, capsys):
    capsys.readouterr()
    assert cli.main(["evaluate", str(moons_run / "model.nabla"), "--dataset", "moons"]) == 0
    out = capsys.readouterr().out
    expected = json.loads((moons_run / "metrics.json").read_text())["test"]["accuracy"]
    assert f"accuracy {expected:.4f}" in out and "test split, 250 samples, seed 0" in out
    # Without --dataset, the metrics.json beside the model says which.
    assert cli.main(["evaluate", str(moons_run / "model.nabla")]) == 0
    assert f"accuracy {expected:.4f}" in capsys.readouterr().out


def test_evaluate_on_a_dataset_of_another_width_fails_cleanly(moons_run, capsys):
    assert cli.main(["evaluate", str(moons_run / "model.nabla"), "--dataset", "sine"]) == 1
    err = capsys.readouterr().err.strip()
    assert "takes 2 features but sine has 1" in err and len(err.splitlines()) == 1


def test_a_record_naming_the_dataset_in_other_letters_or_an_alias_is_read(moons_run, tmp_path, capsys):
    for spelling in ("MOONS", "Moons"):
        run = _copy_run(moons_run, tmp_path / spelling, dataset=spelling)
        assert cli.main(["evaluate", str(run / "model.nabla")]) == 0
        assert capsys.readouterr().out.startswith("moons (test split")


def _copy_run(source, target, **changes):
    target.mkdir()
    (target / "model.nabla").write_bytes((source / "model.nabla").read_bytes())
    record = json.loads((source / "metrics.json").read_text())
    record.update(changes)
    (target / "metrics.json").write_text(json.dumps(record))
    return target


@pytest.mark.parametrize(
    "content, message",
    [
        ("[]", "holds a JSON list, not an object"),
        ('"moons"', "holds a JSON str, not an object"),
        ("{", "is not valid JSON"),
        ("", "is not valid JSON"),
        ("[" * 100_000, "is not valid JSON"),
        ('{"dataset": "Imagenet"}', "unknown dataset 'Imagenet'; known datasets: and_gate"),
        ('{"dataset": 7}', "'dataset' must be a dataset name, got 7"),
        ('{"dataset": null}', "'dataset' must be a dataset name, got null"),
        ('{"dataset": "moons", "seed": "x"}', "'seed' must be an integer >= 0, got \"x\""),
        ('{"dataset": "moons", "seed": -1}', "'seed' must be an integer >= 0, got -1"),
        ('{"dataset": "moons", "seed": 1.5}', "'seed' must be an integer >= 0, got 1.5"),
        ('{"dataset": "moons", "seed": true}', "'seed' must be an integer >= 0, got true"),
        ('{"dataset": "moons", "seed": NaN}', "'seed' must be an integer >= 0, got NaN"),
        ('{"dataset": "moons", "model": []}', "'model' must be an object"),
        ('{"dataset": "moons", "model": {"features": [1, 2]}}', "'model.features' must be a list of column names"),
    ],
)
def test_a_damaged_record_is_one_line(moons_run, tmp_path, content, message):
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.nabla").write_bytes((moons_run / "model.nabla").read_bytes())
    (run / "metrics.json").write_text(content)
    err = assert_one_line_error(run_nabla("evaluate", run / "model.nabla"), "evaluate")
    assert message in err and str(run / "metrics.json") in err


def test_a_record_that_is_not_utf8_is_one_line(moons_run, tmp_path):
    run = _copy_run(moons_run, tmp_path / "run")
    (run / "metrics.json").write_bytes(b'{"dataset": "m\xf6ons"}')
    assert "is not UTF-8 text" in assert_one_line_error(run_nabla("evaluate", run / "model.nabla"), "evaluate")


def test_missing_or_damaged_model_files_are_one_line(tmp_path, capsys):
    assert cli.main(["evaluate", str(tmp_path / "nope.nabla"), "--dataset", "moons"]) == 1
    assert "no model file at" in capsys.readouterr().err
    not_a_model = tmp_path / "model.nabla"
    not_a_model.write_text("hello")
    assert cli.main(["evaluate", str(not_a_model), "--dataset", "moons"]) == 1
    err = capsys.readouterr().err.strip()
    assert err.startswith("nabla evaluate: error: cannot load the model") and len(err.splitlines()) == 1
    assert cli.main(["evaluate", str(tmp_path), "--dataset", "moons"]) == 1
    assert "is not a file" in capsys.readouterr().err


def test_a_damaged_record_is_not_read_when_the_command_line_says_everything(moons_run, tmp_path, capsys):
    run = _copy_run(moons_run, tmp_path / "run")
    (run / "metrics.json").write_text("[]")
    assert cli.main(["evaluate", str(run / "model.nabla"), "--dataset", "moons", "--seed", "0"]) == 0
    assert capsys.readouterr().out.startswith("moons (test split, 250 samples, seed 0)")
    assert cli.main(["evaluate", str(run / "model.nabla"), "--dataset", "moons"]) == 1  # the seed comes from it
    assert "holds a JSON list" in capsys.readouterr().err
