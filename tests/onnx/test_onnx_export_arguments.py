"""``nabla.onnx.export``'s arguments as practitioners pass them: Keras's ``opset_version=None``, paths in new
folders, input shapes that disagree with the model's, and a model left exactly as it was found."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from onnx_check import assert_exports, floats

import nabla as nb
import nabla.onnx
from nabla import layers, models, nn

onnx = require("onnx")


def mlp():
    return models.Sequential([layers.Input((4,)), layers.Dense(3, activation="relu"), layers.Dense(2)])


@pytest.mark.parametrize("opset", [None, np.int64(18)])
def test_opset_none_is_the_default_and_numpy_integers_count(opset):
    """Keras's ``export(..., opset_version=None)`` means "the exporter's default"; 17 here."""
    proto = nabla.onnx.export(mlp(), opset_version=opset)
    assert proto.opset_import[0].version == (17 if opset is None else 18)


def test_a_path_in_folders_that_do_not_exist_yet_is_written(tmp_path):
    target = tmp_path / "exports" / "v1" / "model.onnx"
    model = mlp()
    assert_exports(model, floats(4), target)
    assert model.export(str(tmp_path / "again" / "model.onnx")) is None
    assert (tmp_path / "again" / "model.onnx").is_file()


def test_exporting_twice_to_the_same_path_replaces_the_file(tmp_path):
    target = tmp_path / "model.onnx"
    first, second = mlp(), mlp()
    nabla.onnx.export(first, path=target)
    assert_exports(second, floats(4), target)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.onnx"]


def test_a_folder_as_the_path_is_refused_before_any_work(tmp_path):
    with pytest.raises(IsADirectoryError, match=r"is a folder.*model\.onnx"):
        nabla.onnx.export(mlp(), path=tmp_path)


@pytest.mark.parametrize("shape", [(7,), 7])
def test_an_input_shape_that_disagrees_with_the_model_is_refused_and_the_model_is_untouched(shape):
    """The model's Dense layers are not built yet (nabla builds at the first call): exporting with another
    input size must not build them for that size behind the user's back."""
    model = mlp()
    with pytest.raises(nabla.onnx.ExportError, match=r"input_shape \(7,\).*model's input shape \(None, 4\)"):
        nabla.onnx.export(model, input_shape=shape)
    with pytest.raises(nabla.onnx.ExportError, match=r"example_input.*\(7,\).*\(None, 4\)"):
        nabla.onnx.export(model, np.zeros((2, 7), np.float32))
    assert model.predict(np.zeros((2, 4), np.float32)).shape == (2, 2)


def test_a_module_without_example_is_told_to_give_one():
    """An nn module never knows its input shape: the message speaks of example batches, not of Keras's build."""
    with pytest.raises(nabla.onnx.ExportError, match=r"Sequential: a module .*example_input") as caught:
        nabla.onnx.export(nn.Sequential(nn.Linear(3, 2)))
    assert "Input(shape" not in str(caught.value)


def test_an_int_input_shape_is_one_axis():
    assert_exports(models.Sequential([layers.Dense(2)]), floats(5), input_shape=5)


def test_unknown_sizes_besides_the_batch_are_named_and_input_shape_fills_them():
    model = models.Sequential([layers.Input((None, 5)), layers.Dense(2)])
    with pytest.raises(nabla.onnx.ExportError, match=r"\(None, None, 5\).*input_shape=\(.*, 5\)"):
        nabla.onnx.export(model)
    assert_exports(model, floats(3, 5), input_shape=(3, 5))


def test_the_modes_of_the_layers_are_restored_one_by_one():
    """Fine-tuning keeps a BatchNorm in eval mode inside a model in training mode; export must not undo that."""
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.Dropout(0.5), nn.Linear(4, 2))
    model.train()
    model[1].eval()
    nabla.onnx.export(model, np.zeros((1, 3), np.float32))
    assert [m.training for m in model] == [True, False, True, True]


def test_a_float64_model_is_told_how_to_convert():
    model = nn.Sequential(nn.Linear(2, 2, dtype=nb.float64))
    with pytest.raises(nabla.onnx.ExportError, match=r"float64.*\.float\(\)"):
        nabla.onnx.export(model, np.zeros((1, 2)))
    assert_exports(model.float(), floats(2), example=np.zeros((1, 2), np.float32))


def test_a_built_sequential_nested_first_gives_the_outer_model_its_input_shape():
    inner = models.Sequential([layers.Input((3,)), layers.Dense(4, activation="tanh")])
    outer = models.Sequential([inner, layers.Dense(2)])
    assert outer.input_shape == (None, 3)  # as Keras 3's
    assert_exports(outer, floats(3))


def test_model_export_takes_keras_verbose_argument(tmp_path, capsys):
    """Keras 3 prints "Saved artifact at '<path>'." unless verbose=False."""
    mlp().export(tmp_path / "model.onnx", format="onnx", verbose=False)
    assert (tmp_path / "model.onnx").is_file() and capsys.readouterr().out == ""
    mlp().export(tmp_path / "again.onnx", format="onnx")
    assert capsys.readouterr().out == f"Saved artifact at '{tmp_path / 'again.onnx'}'.\n"
