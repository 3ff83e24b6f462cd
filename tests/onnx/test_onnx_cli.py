"""``nabla export MODEL.nabla model.onnx``: the command line's way to the ONNX export."""

from __future__ import annotations

import numpy as np
from conftest import require
from onnx_check import session

import nabla as nb
from nabla import cli, layers, models

require("onnx")


def test_export_a_trained_model_from_the_command_line(tmp_path, capsys):
    assert cli.main(["train", "--dataset", "circles", "--epochs", "3", "--out", str(tmp_path), "--quiet"]) == 0
    capsys.readouterr()
    assert cli.main(["export", str(tmp_path / "model.nabla"), str(tmp_path / "model.onnx"), "--opset", "18"]) == 0
    assert "input (batch, 2) -> output (batch, 2)" in capsys.readouterr().out
    model = nb.models.load_model(tmp_path / "model.nabla")
    x = np.random.default_rng(0).uniform(-2, 2, (7, 2)).astype(np.float32)
    got = session(str(tmp_path / "model.onnx")).run(None, {"input": x})[0]
    np.testing.assert_allclose(got, model.predict(x), rtol=1e-5, atol=1e-5)


def test_export_errors_are_one_line(tmp_path, capsys):
    assert cli.main(["export", str(tmp_path / "missing.nabla"), str(tmp_path / "m.onnx")]) == 1
    assert "no model file" in capsys.readouterr().err
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.save(tmp_path / "m.nabla")
    assert cli.main(["export", str(tmp_path / "m.nabla"), str(tmp_path / "m.onnx"), "--opset", "9"]) == 1
    err = capsys.readouterr().err
    assert err.startswith("nabla export: error:") and "opset_version" in err and err.count("\n") == 1
    assert not (tmp_path / "m.onnx").exists()


def test_export_to_a_folder_is_one_line(tmp_path, capsys):
    model = models.Sequential([layers.Input((2,)), layers.Dense(1)])
    model.save(tmp_path / "m.nabla")
    assert cli.main(["export", str(tmp_path / "m.nabla"), str(tmp_path)]) == 1
    assert capsys.readouterr().err.startswith("nabla export: error:")
