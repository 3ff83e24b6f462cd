"""The models of the labs in examples/ and of ``nabla train`` export, and ONNX Runtime gives nabla's predictions.

Each lab's own model-building function is taken from its script (labs 02 and 12 build their
nn.Sequential inline: the same stacks are written here). Labs 01, 08 and 11 hold no model object (they
train raw tensors). The CLI's models are trained for real, then compared on raw inputs: ``nabla train``
folds its input scaling into the first Dense layer (and a regression's target scaling into the last),
so the exported file takes raw features, as ``nabla predict`` does.
"""

from __future__ import annotations

import ast
import types
from pathlib import Path

import numpy as np
import pytest
from conftest import FISH_FILES, MNIST_FILES, real_data, require
from onnx_check import assert_exports, floats, session

import nabla as nb
import nabla.onnx
from nabla import cli, nn
from nabla.cli.recipes import HIDDEN_ACTIVATIONS

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"


def lab(name: str):
    """A lab script's definitions as a module: its imports, functions, classes and UPPER_CASE constants.

    The lab's run (its top-level steps, notebook cells) is left out.
    """
    require("matplotlib")  # the labs import nabla.plot
    path = EXAMPLES / name
    tree = ast.parse(path.read_text(encoding="utf-8"))
    tree.body = [node for node in tree.body if _is_definition(node)]
    module = types.ModuleType(f"lab_{name[:3]}")
    exec(compile(tree, str(path), "exec"), module.__dict__)
    return module


def _is_definition(node: ast.stmt) -> bool:
    if isinstance(node, (ast.Import, ast.ImportFrom, ast.FunctionDef, ast.ClassDef)):
        return True
    return isinstance(node, ast.Assign) and all(isinstance(t, ast.Name) and t.id.isupper() for t in node.targets)


def test_lab02_and_lab12_tanh_networks():
    for model in (
        nn.Sequential(nn.Linear(2, 2), nn.Tanh(), nn.Linear(2, 1)),
        nn.Sequential(nn.Linear(2, 3), nn.Tanh(), nn.Linear(3, 1)),
    ):
        assert_exports(model, floats(2), example=np.zeros((1, 2), np.float32))


def test_lab03_every_network_of_the_comparison():
    module = lab("03_moons_circles_spiral.py")
    for hidden, activation in module.NETWORKS.values():
        assert_exports(module.mlp(hidden, activation, 3), floats(2, scale=2.0))


def test_lab04_fish_market_regressor():
    assert_exports(lab("04_fish_market.py").mlp(12), floats(12, scale=10.0))


def test_lab05_mnist_mlp_with_dropout():
    assert_exports(lab("05_mnist_mlp.py").build(), floats(784))


def test_lab05b_keras_convnet_with_augmentation():
    """Keras's MNIST convnet: RandomTranslation and Dropout vanish, channels-last input and flatten order kept."""
    model = lab("05b_mnist_cnn.py").build()
    x = floats(28, 28, 1)
    model.fit(x(64), np.arange(64) % 10, epochs=1, batch_size=32, verbose=0)
    proto = assert_exports(model, x)
    assert [n.op_type for n in proto.graph.node].count("Transpose") == 2


def test_lab06_and_lab07_classifiers():
    assert_exports(lab("06_optimizers.py").mlp(), floats(2))
    assert_exports(lab("07_learning_rate_batch_size.py").mlp(), floats(2))


def test_lab09_every_variant_with_its_own_noise_layer_registered_as_identity():
    module = lab("09_regularization.py")
    with pytest.raises(nabla.onnx.ExportError, match=r"GaussianNoise.*nabla\.onnx\.register"):
        nabla.onnx.export(module.network(noise=0.15))
    nabla.onnx.register(module.GaussianNoise, nabla.onnx.identity)
    for kwargs, _ in module.VARIANTS.values():
        assert_exports(module.network(**kwargs), floats(2))


def test_lab10_trained_one_hidden_layer_network():
    x = np.linspace(-3, 3, 32, dtype=np.float32)[:, None]
    model = lab("10_universal_approximation.py").fit_one_hidden_layer(x, np.sin(x), width=16, epochs=5)
    assert_exports(model, floats(1, scale=3.0))


@pytest.mark.parametrize("activation", HIDDEN_ACTIVATIONS)
def test_cli_models_with_every_activation_of_nabla_train(activation, tmp_path):
    args = ["train", "--dataset", "spiral", "--hidden", "8,8", "--activation", activation, "--epochs", "2"]
    assert cli.main([*args, "--dropout", "0.1", "--out", str(tmp_path), "--quiet"]) == 0
    model = nb.models.load_model(tmp_path / "model.nabla")
    assert_exports(model, floats(2, scale=3.0))


def test_cli_regression_model_answers_in_raw_units(tmp_path):
    """Fish Market: raw centimetres in, grams out; both scalings live in the exported weights."""
    real_data(*FISH_FILES)
    assert cli.main(["train", "--dataset", "fish", "--epochs", "20", "--out", str(tmp_path), "--quiet"]) == 0
    model = nb.models.load_model(tmp_path / "model.nabla")
    x_test = nb.datasets.fish_market()[0]
    assert_exports(model, lambda n: x_test[:n], tmp_path / "fish.onnx")


def test_cli_mnist_model_takes_raw_pixels(tmp_path):
    """``nabla train --dataset mnist`` (one short epoch): the file takes 0..255 pixels, as the saved model does."""
    real_data(*MNIST_FILES)
    args = ["train", "--dataset", "mnist", "--hidden", "64", "--epochs", "1", "--out", str(tmp_path), "--quiet"]
    assert cli.main(args) == 0
    model = nb.models.load_model(tmp_path / "model.nabla")
    _, (x_test, y_test) = nb.datasets.mnist()
    pixels = x_test.reshape(len(x_test), -1).astype(np.float32)
    assert_exports(model, lambda n: pixels[:n], tmp_path / "mnist.onnx")
    predicted = session(str(tmp_path / "mnist.onnx")).run(["output"], {"input": pixels[:2000]})[0].argmax(1)
    assert (predicted == y_test[:2000]).mean() > 0.9
