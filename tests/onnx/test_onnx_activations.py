"""Every activation nabla has exports, and gives nabla's values in ONNX Runtime (GELU in both forms at opset 17,
which has no Gelu operator; softplus past its threshold; extreme inputs).

Activations that Keras 3 names and nabla may hold (SELU, softsign, hard sigmoid...) are checked against
PyTorch's functions, which define them the same way.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest
from conftest import require
from onnx_check import assert_exports, floats, session

import nabla as nb
import nabla.onnx
from nabla import activations, layers, models
from nabla.onnx import activations as emitters

NO_ONNX_FORM = {"glu", "sparsemax", "squareplus", "sparse_plus", "threshold"}  # refused by name at export
NABLA_NAMES = sorted(set(activations._ACTIVATIONS) - NO_ONNX_FORM)


def dense_with(activation, features: int = 6):
    nb.manual_seed(3)
    return models.Sequential([layers.Input((features,)), layers.Dense(5, activation=activation)])


def test_every_named_activation_of_nabla_has_an_onnx_form_but_the_listed_few():
    missing = [name for name in NABLA_NAMES if name not in emitters.BY_NAME]
    assert not missing, f"nabla activations without an ONNX form: {missing}"
    assert not NO_ONNX_FORM & set(emitters.BY_NAME)


@pytest.mark.parametrize("name", NABLA_NAMES)
@pytest.mark.parametrize("scale", [1.0, 30.0])
def test_named_activation_matches_nabla(name, scale):
    """scale 30: pre-activations in the hundreds (softplus past its threshold, saturated sigmoids and tanh)."""
    assert_exports(dense_with(name), floats(6, scale=scale))


@pytest.mark.parametrize(
    "fn",
    [
        nb.leaky_relu,
        nb.elu,
        nb.gelu,
        functools.partial(nb.gelu, approximate="tanh"),
        functools.partial(nb.softplus, beta=2.0, threshold=5.0),
        functools.partial(nb.elu, alpha=0.3),
        functools.partial(nb.leaky_relu, negative_slope=0.1),
        nb.log_softmax,
    ],
    ids=repr,
)
def test_nabla_operations_and_their_partials_as_activations(fn):
    assert_exports(dense_with(fn), floats(6, scale=3.0))


def test_an_activation_without_onnx_form_is_refused_naming_layer_and_function(tmp_path):
    def wiggle(x):
        return x * nb.cos(x)

    model = models.Sequential([layers.Input((3,)), layers.Dense(2, activation=wiggle, name="odd")])
    with pytest.raises(nabla.onnx.ExportError, match=r"Dense 'odd'.*'wiggle'"):
        nabla.onnx.export(model, path=tmp_path / "odd.onnx")
    assert not (tmp_path / "odd.onnx").exists()


def torch_reference(name: str):
    torch = require("torch")
    F = torch.nn.functional
    return {
        "selu": F.selu,
        "softsign": F.softsign,
        "hard_sigmoid": F.hardsigmoid,  # relu6(x + 3) / 6, Keras 3's definition
        "hard_silu": F.hardswish,
        "hard_swish": F.hardswish,
        "relu6": F.relu6,
        "mish": F.mish,
        "exponential": torch.exp,
    }[name]


@pytest.mark.parametrize("name", sorted(set(emitters.BY_NAME) - set(NABLA_NAMES)))
def test_keras_activations_nabla_may_name_match_their_definition(name):
    onnx = require("onnx")
    torch = require("torch")
    graph = nabla.onnx.Graph(onnx, 17)
    x = nabla.onnx.Value("input", (None, 64), np.dtype(np.float32))
    y = emitters.BY_NAME[name](graph, x, name)
    graph.nodes.append(onnx.helper.make_node("Identity", [y.name], ["output"]))
    info = [onnx.helper.make_tensor_value_info(n, onnx.TensorProto.FLOAT, ["batch", 64]) for n in ("input", "output")]
    body = onnx.helper.make_graph(graph.nodes, name, info[:1], info[1:], initializer=graph.initializers)
    model = onnx.helper.make_model(body, opset_imports=[onnx.helper.make_opsetid("", 17)], ir_version=8)
    onnx.checker.check_model(model, full_check=True)
    values = np.linspace(-8, 8, 2 * 64, dtype=np.float32).reshape(2, 64)
    got = session(model).run(["output"], {"input": values})[0]
    want = torch_reference(name)(torch.from_numpy(values)).numpy()
    np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-6)
