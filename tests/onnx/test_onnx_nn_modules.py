"""ONNX export of ``nabla.nn`` modules (PyTorch's layouts: images (N, C, H, W)), checked by ONNX Runtime."""

from __future__ import annotations

import numpy as np
import pytest
from onnx_check import assert_exports, floats

import nabla as nb
import nabla.onnx
from nabla import nn


def trained_batchnorm(norm, x: np.ndarray):
    """Running statistics as training leaves them: a few batches of ``x`` in training mode, affine weights moved."""
    norm.train()
    for _ in range(3):
        norm(nb.from_numpy(x))
    rng = np.random.default_rng(5)
    with nb.no_grad():
        norm.weight.copy_(nb.from_numpy(rng.uniform(0.5, 1.5, norm.num_features).astype(np.float32)))
        norm.bias.copy_(nb.from_numpy(rng.standard_normal(norm.num_features).astype(np.float32)))
    return norm


def test_mlp_with_every_activation_module(tmp_path):
    model = nn.Sequential(
        nn.Linear(6, 8),
        nn.ReLU(),
        nn.Linear(8, 8),
        nn.LeakyReLU(0.05),
        nn.Linear(8, 8),
        nn.ELU(0.7),
        nn.Linear(8, 8),
        nn.GELU(),
        nn.Linear(8, 8),
        nn.GELU(approximate="tanh"),
        nn.Linear(8, 8),
        nn.SiLU(),
        nn.Linear(8, 8),
        nn.Softplus(beta=1.5, threshold=4.0),
        nn.Linear(8, 8),
        nn.Tanh(),
        nn.Linear(8, 8),
        nn.Sigmoid(),
        nn.Dropout(0.3),
        nn.Linear(8, 4),
        nn.Softmax(dim=1),
    )
    example = floats(6, scale=2.0)(3)
    assert_exports(model, floats(6, scale=2.0, seed=1), tmp_path / "mlp.onnx", example=example)


@pytest.mark.parametrize("last", [nn.LogSoftmax(dim=-1), nn.Step(), nn.Identity()], ids=lambda m: type(m).__name__)
def test_output_modules(last):
    model = nn.Sequential(nn.Linear(3, 4, bias=False), last)
    assert_exports(model, floats(3, seed=2), example=np.zeros((1, 3), np.float32))


def test_pytorch_style_convnet_with_padding_and_batchnorm():
    x = floats(2, 10, 9, scale=2.0, seed=3)
    model = nn.Sequential(
        nn.Conv2d(2, 4, 3, stride=1, padding=1),
        nn.BatchNorm2d(4),
        nn.ReLU(),
        nn.MaxPool2d(2, padding=1),
        nn.Conv2d(4, 3, (2, 3), stride=(2, 1), dilation=(1, 2), bias=False),
        nn.AvgPool2d(2, stride=1, padding=1),
        nn.Flatten(),
        nn.Linear(3 * 4 * 2, 5),
        nn.BatchNorm1d(5),
    )
    with nb.no_grad():
        h = model[0](nb.from_numpy(x(16)))
    trained_batchnorm(model[1], h.numpy())
    with nb.no_grad():
        model.eval()
        features = model[:8](nb.from_numpy(x(16)))
    trained_batchnorm(model[8], features.numpy())
    assert_exports(model, x, example=x(2))


def test_layer_norm_over_several_axes_and_without_affine():
    model = nn.Sequential(
        nn.LayerNorm((3, 4)), nn.Flatten(), nn.Linear(12, 6), nn.LayerNorm(6, elementwise_affine=False)
    )
    with nb.no_grad():
        model[0].weight.copy_(nb.from_numpy(np.linspace(0.5, 2, 12, dtype=np.float32).reshape(3, 4)))
    assert_exports(model, floats(3, 4, scale=3.0), example=np.zeros((1, 3, 4), np.float32))


def test_partial_flatten_becomes_a_reshape_that_keeps_the_batch_symbolic():
    model = nn.Sequential(nn.Flatten(start_dim=2), nn.Linear(20, 3))
    proto = assert_exports(model, floats(2, 4, 5), example=np.zeros((1, 2, 4, 5), np.float32))
    assert "Reshape" in [n.op_type for n in proto.graph.node]


def test_embedding_takes_int64_indices():
    model = nn.Sequential(nn.Embedding(10, 4, padding_idx=0), nn.Flatten(), nn.Linear(12, 2))
    rng = np.random.default_rng(0)
    proto = assert_exports(model, lambda n: rng.integers(-10, 10, (n, 3)), example=np.array([[1, 2, 3]]))
    assert proto.graph.input[0].type.tensor_type.elem_type == 7  # INT64


def test_a_single_module_exports():
    assert_exports(nn.Linear(3, 2), floats(3), example=np.zeros((4, 3), np.float32))


def test_batchnorm_without_running_statistics_is_refused():
    model = nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2, track_running_stats=False))
    with pytest.raises(nabla.onnx.ExportError, match="track_running_stats"):
        nabla.onnx.export(model, np.zeros((2, 3), np.float32))


def test_flatten_of_the_batch_axis_is_refused():
    with pytest.raises(nabla.onnx.ExportError, match="batch axis"):
        nabla.onnx.export(nn.Sequential(nn.Flatten(0)), np.zeros((2, 3), np.float32))
