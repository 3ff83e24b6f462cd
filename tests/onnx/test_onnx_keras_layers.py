"""ONNX export of the Keras-style layers, checked by ONNX Runtime against nabla's predict.

Weights are drawn at random (moving variances positive) so that every weight matters; each model runs at
batch sizes 1 and 7 through one exported file (the batch axis is symbolic).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from onnx_check import assert_exports, floats

from nabla import layers, models


def randomize(model, seed: int = 0):
    """Random weights for every entry of the state dict (variances positive), as a trained model would have."""
    rng = np.random.default_rng(seed)
    state = {}
    for key, value in model.state_dict().items():
        array = value.numpy()
        if array.dtype.kind != "f":
            state[key] = array
        elif "variance" in key or "running_var" in key:
            state[key] = rng.uniform(0.5, 2.0, array.shape).astype(array.dtype)
        else:
            state[key] = (0.5 * rng.standard_normal(array.shape)).astype(array.dtype)
    model.load_state_dict(state)
    return model


def sequential(*stack):
    return randomize(models.Sequential(list(stack)))


def test_dense_stack_exports_as_gemm_with_a_symbolic_batch(tmp_path):
    model = sequential(layers.Input((5,)), layers.Dense(8, activation="relu"), layers.Dense(3, activation="softmax"))
    proto = assert_exports(model, floats(5), tmp_path / "mlp.onnx")
    assert [n.op_type for n in proto.graph.node] == ["Gemm", "Relu", "Gemm", "Softmax"]
    assert proto.opset_import[0].version == 17
    assert (tmp_path / "mlp.onnx").read_bytes() == proto.SerializeToString()


def test_dense_without_bias_and_on_three_axes():
    model = sequential(layers.Input((4, 6)), layers.Dense(5, use_bias=False), layers.Dense(2, activation="tanh"))
    proto = assert_exports(model, floats(4, 6))
    assert "MatMul" in [n.op_type for n in proto.graph.node]


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("strides, dilation", [((1, 1), (1, 1)), ((2, 1), (1, 1)), ((1, 1), (2, 2)), ((2, 2), (1, 1))])
def test_conv2d_channels_last_with_padding_strides_and_dilation(padding, strides, dilation):
    model = sequential(
        layers.Input((9, 8, 3)),
        layers.Conv2D(4, (3, 2), strides=strides, padding=padding, dilation_rate=dilation, activation="elu"),
    )
    assert_exports(model, floats(9, 8, 3))


@pytest.mark.parametrize("pool", [layers.MaxPooling2D, layers.AveragePooling2D])
@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, strides", [((2, 2), None), ((3, 3), (2, 2)), ((2, 3), (1, 2))])
def test_pooling_valid_and_same(pool, padding, size, strides):
    """ "same" on odd sizes: Keras's extra padding at the bottom/right, left out of an average."""
    model = sequential(layers.Input((7, 9, 2)), pool(size, strides=strides, padding=padding))
    assert_exports(model, floats(7, 9, 2))


def test_convnet_flattens_in_keras_channels_last_order():
    """Keras's MNIST convnet shape: two transposes in all (in, and back before Flatten), the flatten order kept."""
    model = sequential(
        layers.Input((12, 12, 1)),
        layers.Conv2D(4, 3, activation="relu"),
        layers.MaxPooling2D(2),
        layers.Conv2D(3, 3, activation="relu", padding="same"),
        layers.MaxPooling2D(2),
        layers.Flatten(),
        layers.Dropout(0.5),
        layers.Dense(10, activation="softmax"),
    )
    proto = assert_exports(model, floats(12, 12, 1))
    ops = [n.op_type for n in proto.graph.node]
    assert ops.count("Transpose") == 2 and "Dropout" not in ops


def test_batch_normalization_inference_form_after_dense_and_conv():
    model = sequential(
        layers.Input((6, 6, 3)),
        layers.Conv2D(5, 3),
        layers.BatchNormalization(),
        layers.Activation("relu"),
        layers.Flatten(),
        layers.Dense(8),
        layers.BatchNormalization(epsilon=0.01, center=False),
        layers.Activation("sigmoid"),
        layers.Dense(2, activation="softmax"),
    )
    proto = assert_exports(model, floats(6, 6, 3))
    assert [n.op_type for n in proto.graph.node].count("BatchNormalization") == 2


def test_batch_normalization_trained_by_fit_uses_its_moving_statistics():
    rng = np.random.default_rng(1)
    x, y = (3 + 2 * rng.standard_normal((64, 4))).astype(np.float32), rng.integers(0, 2, 64)
    model = models.Sequential([layers.Input((4,)), layers.Dense(6), layers.BatchNormalization(), layers.Dense(2)])
    model.compile(optimizer="adam", loss="mse")
    model.fit(x, np.eye(2, dtype=np.float32)[y], epochs=3, batch_size=16, verbose=0)
    assert_exports(model, lambda n: x[:n])


@pytest.mark.parametrize("axis", [1, -1])
def test_normalization_over_another_axis_than_onnx_expects(axis):
    """BatchNormalization on (N, T, F) over F, LayerNormalization over T: moved to where ONNX wants them."""
    model = sequential(
        layers.Input((3, 5)),
        layers.BatchNormalization(axis=axis),
        layers.LayerNormalization(axis=axis, epsilon=1e-5),
        layers.Dense(2),
    )
    assert_exports(model, floats(3, 5, scale=3.0))


def test_layer_normalization_without_scale_or_center():
    model = sequential(
        layers.Input((7,)),
        layers.LayerNormalization(scale=False),
        layers.Dense(4),
        layers.LayerNormalization(center=False),
    )
    assert_exports(model, floats(7, scale=4.0))


def test_training_only_layers_export_as_nothing():
    model = sequential(
        layers.Input((6, 6, 1)),
        layers.RandomTranslation(0.2, 0.2),
        layers.GaussianNoise(0.3),
        layers.Conv2D(2, 3),
        layers.GaussianDropout(0.2),
        layers.Flatten(),
        layers.Dropout(0.4),
        layers.Dense(3),
    )
    proto = assert_exports(model, floats(6, 6, 1))
    assert [n.op_type for n in proto.graph.node] == ["Transpose", "Conv", "Transpose", "Flatten", "Gemm"]


def test_a_model_of_identities_still_has_a_graph():
    assert_exports(sequential(layers.Input((3,)), layers.Dropout(0.5)), floats(3))


def test_nested_sequential_models_are_walked():
    inner = models.Sequential([layers.Dense(4, activation="tanh"), layers.Dense(4, activation="relu")])
    model = sequential(layers.Input((3,)), inner, layers.Dense(2))
    assert_exports(model, floats(3))


def test_the_newest_opset_exports_too():
    newest = require("onnx").defs.onnx_opset_version()
    model = sequential(
        layers.Input((4, 4, 2)), layers.Conv2D(2, 2), layers.Flatten(), layers.Dense(3, activation="gelu")
    )
    proto = assert_exports(model, floats(4, 4, 2), opset_version=newest)
    assert proto.opset_import[0].version == newest


def test_softmax_and_dense_on_channels_last_images():
    """A softmax over the channels of a convolution's output, and a Dense applied to every pixel."""
    model = sequential(
        layers.Input((5, 5, 2)),
        layers.Conv2D(3, 2, activation="softmax"),
        layers.Dense(4, activation="relu"),
        layers.Conv2D(2, 2),
        layers.Activation("log_softmax"),
    )
    assert_exports(model, floats(5, 5, 2))


def test_the_tutorial_layers_with_an_onnx_form_export(tmp_path):
    """LeakyReLU and ELU as their ONNX operators; the augmentation and identity layers as nothing."""
    model = sequential(
        layers.Input((6, 6, 2)), layers.RandomFlip(), layers.RandomRotation(0.1), layers.RandomZoom(0.1),
        layers.RandomContrast(0.2), layers.Conv2D(3, 3), layers.LeakyReLU(0.1), layers.SpatialDropout2D(0.2),
        layers.Flatten(), layers.ActivityRegularization(l2=0.01), layers.Identity(), layers.Dense(4),
        layers.ELU(alpha=0.5),
    )  # fmt: skip
    proto = assert_exports(model, floats(6, 6, 2), tmp_path / "tutorial.onnx")
    kinds = [n.op_type for n in proto.graph.node]
    assert "LeakyRelu" in kinds and "Elu" in kinds and "RandomUniform" not in kinds


@pytest.mark.parametrize(
    "kwargs",
    [{"kernel_size": 3}, {"kernel_size": 3, "strides": 2, "padding": "same"},
     {"kernel_size": (2, 3), "strides": (3, 2)},  # a stride beyond the kernel: zeros after (output_padding)
     {"kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 1, "activation": "relu"},
     {"kernel_size": 3, "dilation_rate": 2, "padding": "same", "use_bias": False}],
)  # fmt: skip
def test_conv2d_transpose_exports_as_conv_transpose(kwargs):
    model = sequential(layers.Input((5, 4, 3)), layers.Conv2DTranspose(2, **kwargs))
    proto = assert_exports(model, floats(5, 4, 3))
    assert "ConvTranspose" in [n.op_type for n in proto.graph.node]


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_depthwise_and_separable_convolutions_export_as_grouped_convs(padding):
    model = sequential(layers.Input((8, 7, 3)),
                       layers.DepthwiseConv2D(3, depth_multiplier=2, padding=padding, activation="relu"),
                       layers.SeparableConv2D(4, (2, 3), strides=2, padding=padding, depth_multiplier=2))  # fmt: skip
    proto = assert_exports(model, floats(8, 7, 3))
    groups = [a.i for n in proto.graph.node for a in n.attribute if n.op_type == "Conv" and a.name == "group"]
    assert groups == [3, 6]


def test_masking_zeroes_the_padded_steps():
    """Steps whose features all equal mask_value come out as 0 (here -1.0 pads whole steps, and one feature
    of a real step equals it too: that step stays)."""
    rng = np.random.default_rng(3)

    def padded(n):
        x = rng.standard_normal((n, 5, 3)).astype(np.float32)
        x[:, 3:] = -1.0
        x[:, 0, 1] = -1.0
        return x

    model = sequential(layers.Input((5, 3)), layers.Masking(-1.0), layers.Dense(2))
    assert_exports(model, padded)
    assert not nabla_predict_has_padding(model, padded(2))


def nabla_predict_has_padding(model, x) -> bool:
    """Whether the masked steps of ``x`` reach the Dense layer as anything but zeros (its bias alone)."""
    out = model.predict(x, batch_size=len(x))
    bias = model.layers[-1].bias.numpy()
    return not np.allclose(out[:, 3:], bias)
