"""The Keras-style layers against PyTorch, and their initializers and activations.

Each layer runs in float64 on channels-last data; the torch reference
permutes the data (and the kernel) to PyTorch's layouts. Forward values and
the gradients of ``sum(out * w)`` for a random ``w`` with respect to the input
and to every weight must agree.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference import compare, torch

import nabla as nb
from nabla import activations, initializers, layers
from nabla.layers import (
    Activation,
    AveragePooling2D,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    LayerNormalization,
    MaxPooling2D,
)

TOL = dict(rtol=1e-9, atol=1e-10)


def check_layer(layer, x: np.ndarray, torch_fn, training=None, seed: int = 1):
    """Run ``layer`` on ``x`` and ``torch_fn(x, params)`` in torch; compare outputs and gradients.

    ``params`` maps the layer's parameter names (``"kernel"``, ``"bias"``...)
    to torch copies of their current values. Returns the nabla output.
    """
    th = torch()
    nb_x = nb.tensor(x, requires_grad=True)
    out = layer(nb_x) if training is None else layer(nb_x, training=training)
    params = dict(layer.named_parameters())
    th_x = th.tensor(x, requires_grad=True)
    th_params = {k: th.tensor(p.detach().numpy(), requires_grad=True) for k, p in params.items()}
    ref = torch_fn(th_x, th_params)
    assert out.shape == tuple(ref.shape)
    np.testing.assert_allclose(out.detach().numpy(), ref.detach().numpy(), **TOL, err_msg="forward values differ")
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape)
    (out * nb.tensor(w)).sum().backward()
    (ref * th.tensor(w)).sum().backward()
    np.testing.assert_allclose(nb_x.grad.numpy(), th_x.grad.numpy(), **TOL, err_msg="input gradient differs")
    for name, p in params.items():
        np.testing.assert_allclose(p.grad.numpy(), th_params[name].grad.numpy(), **TOL, err_msg=f"{name} grad")
    return out


def inputs(*shape, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).normal(size=shape)


def nchw(t):
    return t.permute(0, 3, 1, 2)


def nhwc(t):
    return t.permute(0, 2, 3, 1)


def tf_same_padding(size: int, k: int, s: int, d: int = 1) -> tuple[int, int]:
    """TensorFlow's "same": ceil(size / s) outputs, the odd pixel of padding after (bottom / right)."""
    total = max((math.ceil(size / s) - 1) * s + (k - 1) * d + 1 - size, 0)
    return total // 2, total - total // 2


# --- Dense -----------------------------------------------------------------------------


@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3)])
@pytest.mark.parametrize("activation", [None, "relu", "tanh", "sigmoid"])
def test_dense_matches_torch(shape, activation):
    th = torch()
    fn = {None: lambda t: t, "relu": th.relu, "tanh": th.tanh, "sigmoid": th.sigmoid}[activation]
    layer = Dense(4, activation=activation, dtype="float64")
    out = check_layer(layer, inputs(*shape), lambda x, p: fn(x @ p["kernel"] + p["bias"]))
    assert out.dtype == np.float64
    assert layer.kernel.shape == (3, 4) and layer.bias.shape == (4,)  # Keras's (in, units) layout


def test_dense_without_bias_and_lazy_build():
    layer = Dense(2, use_bias=False, dtype="float64")
    assert not layer.built and not list(layer.parameters())
    check_layer(layer, inputs(3, 5), lambda x, p: x @ p["kernel"])
    assert layer.built and [n for n, _ in layer.named_parameters()] == ["kernel"]


def test_dense_default_dtype_is_float32_and_rejects_wrong_feature_count():
    layer = Dense(3, input_shape=(4,))
    assert layer.kernel.dtype == np.float32
    assert layer(np.ones((2, 4))).dtype == np.float32
    with pytest.raises(ValueError, match="expects inputs with 4 features"):
        layer(np.ones((2, 5), dtype=np.float32))
    with pytest.raises(ValueError, match="units must be a positive integer, got 0"):
        Dense(0)


# --- Conv2D ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "kernel, strides, padding, dilation",
    [
        (3, 1, "valid", 1),
        (3, 2, "valid", 1),
        ((2, 3), (2, 1), "valid", 1),
        (3, 1, "valid", 2),
        (3, 1, "same", 1),
        (2, 1, "same", 1),  # even kernel: the extra pixel of padding goes after
        (3, 2, "same", 1),
        ((2, 3), (3, 2), "same", 1),
        (3, 1, "same", 2),
    ],
)
def test_conv2d_matches_torch(kernel, strides, padding, dilation):
    th = torch()
    F = th.nn.functional
    x = inputs(2, 7, 6, 3)
    layer = Conv2D(4, kernel, strides=strides, padding=padding, dilation_rate=dilation, dtype="float64")
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else kernel
    sh, sw = (strides, strides) if isinstance(strides, int) else strides

    def reference(t, p):
        t = nchw(t)
        if padding == "same":
            top, bottom = tf_same_padding(7, kh, sh, dilation)
            left, right = tf_same_padding(6, kw, sw, dilation)
            t = F.pad(t, (left, right, top, bottom))
        weight = p["kernel"].permute(3, 2, 0, 1)  # (kh, kw, in, out) -> (out, in, kh, kw)
        return nhwc(F.conv2d(t, weight, p["bias"], stride=(sh, sw), dilation=dilation))

    out = check_layer(layer, x, reference)
    assert layer.kernel.shape == (kh, kw, 3, 4)
    if padding == "same":
        assert out.shape[1:3] == (math.ceil(7 / sh), math.ceil(6 / sw))


def test_conv2d_same_padding_by_hand():
    """A 2x2 kernel of ones on a 3x3 image, "same": the padding row and column come after the image."""
    layer = Conv2D(1, 2, padding="same", kernel_initializer="ones", dtype="float64")
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    expected = np.array([[8, 12, 7], [20, 24, 13], [13, 15, 8]], dtype=np.float64)
    np.testing.assert_array_equal(layer(x).detach().numpy()[0, :, :, 0], expected)


def test_conv2d_rejects_wrong_inputs():
    with pytest.raises(ValueError, match="padding must be 'valid' or 'same'"):
        Conv2D(2, 3, padding="full")
    with pytest.raises(ValueError, match="filters must be a positive integer, got 0"):
        Conv2D(0, 3)
    with pytest.raises(ValueError, match=r"strides must be a positive int or a pair of them, got \(2, 0\)"):
        Conv2D(2, 3, strides=(2, 0))
    with pytest.raises(ValueError, match="pool_size must be a positive int or a pair of them, got 0"):
        MaxPooling2D(0)
    layer = Conv2D(2, 3)
    with pytest.raises(ValueError, match=r"needs \(batch, height, width, channels\)"):
        layer(np.ones((2, 5, 5), dtype=np.float32))
    layer(np.ones((1, 5, 5, 3), dtype=np.float32))
    with pytest.raises(ValueError, match=r"expects \(batch, H, W, 3\)"):
        layer(np.ones((1, 5, 5, 4), dtype=np.float32))


# --- pooling ----------------------------------------------------------------------------


def pool_reference(x: np.ndarray, size: int, stride: int, padding: str, reduce) -> np.ndarray:
    """Pooling by loops over windows; "same" windows are cut to the image (padding never counts)."""
    n, height, width, c = x.shape

    def windows(length):
        if padding == "valid":
            return [(i * stride, i * stride + size) for i in range((length - size) // stride + 1)]
        before = tf_same_padding(length, size, stride)[0]
        starts = [i * stride - before for i in range(math.ceil(length / stride))]
        return [(max(s, 0), min(s + size, length)) for s in starts]

    rows = [[reduce(x[:, a:b, c0:c1], axis=(1, 2)) for c0, c1 in windows(width)] for a, b in windows(height)]
    return np.array(rows).transpose(2, 0, 1, 3)


@pytest.mark.parametrize("padding", ["valid", "same"])
@pytest.mark.parametrize("size, stride", [(2, None), (3, 1), (3, 2), (2, 1)])
@pytest.mark.parametrize("cls, reduce", [(MaxPooling2D, np.max), (AveragePooling2D, np.mean)])
def test_pooling_matches_window_loops(cls, reduce, size, stride, padding):
    x = inputs(2, 7, 6, 3)
    out = cls(size, strides=stride, padding=padding, dtype="float64")(x)
    expected = pool_reference(x, size, stride or size, padding, reduce)
    assert out.shape == expected.shape
    np.testing.assert_allclose(out.numpy(), expected, **TOL)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_max_pooling_matches_torch(padding):
    th = torch()
    F = th.nn.functional
    layer = MaxPooling2D(3, strides=2, padding=padding, dtype="float64")

    def reference(t, p):
        t = nchw(t)
        if padding == "same":
            top, bottom = tf_same_padding(7, 3, 2)
            left, right = tf_same_padding(6, 3, 2)
            t = F.pad(t, (left, right, top, bottom), value=-math.inf)
        return nhwc(F.max_pool2d(t, 3, 2))

    check_layer(layer, inputs(2, 7, 6, 3), reference)


@pytest.mark.parametrize("padding", ["valid", "same"])
def test_average_pooling_matches_torch(padding):
    """With "same" and symmetric padding, Keras's mean equals torch's ``count_include_pad=False``."""
    th = torch()
    F = th.nn.functional
    layer = AveragePooling2D(3, strides=1, padding=padding, dtype="float64")
    pad = 1 if padding == "same" else 0
    check_layer(
        layer,
        inputs(2, 5, 6, 3),
        lambda t, p: nhwc(F.avg_pool2d(nchw(t), 3, 1, padding=pad, count_include_pad=False)),
    )


def test_average_pooling_same_leaves_padding_out_of_the_mean():
    x = np.arange(9, dtype=np.float64).reshape(1, 3, 3, 1)
    out = AveragePooling2D(2, padding="same", dtype="float64")(x).numpy()[0, :, :, 0]
    np.testing.assert_allclose(out, [[(0 + 1 + 3 + 4) / 4, (2 + 5) / 2], [(6 + 7) / 2, 8.0]])


# --- normalization ----------------------------------------------------------------------


def test_batch_normalization_training_matches_torch():
    th = torch()
    F = th.nn.functional
    layer = BatchNormalization(dtype="float64")
    x = inputs(8, 5) * 3 + 1
    layer.build((None, 5))
    layer.built = True
    with nb.no_grad():
        layer.gamma._data[:] = np.linspace(0.5, 1.5, 5)
        layer.beta._data[:] = np.linspace(-1, 1, 5)
    check_layer(
        layer,
        x,
        lambda t, p: F.batch_norm(t, None, None, p["gamma"], p["beta"], training=True, eps=1e-3),
        training=True,
    )


def test_batch_normalization_channels_last_images_match_torch():
    th = torch()
    F = th.nn.functional
    check_layer(
        BatchNormalization(dtype="float64"),
        inputs(3, 4, 4, 2),
        lambda t, p: nhwc(F.batch_norm(nchw(t), None, None, p["gamma"], p["beta"], training=True, eps=1e-3)),
        training=True,
    )


def test_batch_normalization_moving_statistics_keras_rule():
    """moving = momentum * moving + (1 - momentum) * batch, with the biased batch variance."""
    layer = BatchNormalization(momentum=0.9, dtype="float64")
    mean, var = np.zeros(5), np.ones(5)
    for step in range(3):
        x = inputs(8, 5, seed=step) * (step + 2) + step
        layer(x, training=True)
        mean = 0.9 * mean + 0.1 * x.mean(0)
        var = 0.9 * var + 0.1 * x.var(0)  # ddof=0
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, **TOL)
    np.testing.assert_allclose(layer.moving_variance.numpy(), var, **TOL)
    x = inputs(4, 5, seed=9)
    out = layer(x, training=False).detach().numpy()
    gamma, beta = layer.gamma.detach().numpy(), layer.beta.detach().numpy()
    np.testing.assert_allclose(out, gamma * (x - mean) / np.sqrt(var + 1e-3) + beta, **TOL)
    np.testing.assert_allclose(layer.moving_mean.numpy(), mean, **TOL)  # inference leaves them alone


def test_frozen_batch_normalization_runs_in_inference_mode():
    """Keras: ``trainable = False`` on a BatchNormalization makes it use (and keep) its moving statistics."""
    layer = BatchNormalization(dtype="float64", input_shape=(3,))
    layer(inputs(6, 3) + 5, training=True)
    layer.trainable = False
    before = layer.moving_mean.numpy().copy()
    x = inputs(6, 3, seed=1)
    np.testing.assert_allclose(
        layer(x, training=True).detach().numpy(), layer(x, training=False).detach().numpy(), **TOL
    )
    np.testing.assert_array_equal(layer.moving_mean.numpy(), before)


def test_freezing_a_model_freezes_every_layer_inside():
    """Keras: ``trainable`` is recursive, so a frozen base model's BatchNormalization keeps its statistics."""
    base = nb.models.Sequential([Dense(6, input_shape=(4,)), BatchNormalization()])
    base.trainable = False
    model = nb.models.Sequential([base, Dense(3)])
    model.compile(optimizer="sgd", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    frozen = [w.copy() for w in base.get_weights()]
    rng = np.random.default_rng(0)
    model.fit(rng.standard_normal((16, 4)).astype(np.float32) + 5, rng.integers(0, 3, 16), batch_size=8, verbose=0)
    assert all(not layer.trainable for layer in base.layers)
    for a, b in zip(base.get_weights(), frozen, strict=True):  # kernel, bias, gamma, beta, moving statistics
        np.testing.assert_array_equal(a, b)
    base.trainable = True  # and back, recursively
    assert all(layer.trainable for layer in base.layers)


@pytest.mark.parametrize("shape", [(4, 6), (2, 3, 5)])
def test_layer_normalization_matches_torch(shape):
    th = torch()
    F = th.nn.functional
    layer = LayerNormalization(dtype="float64")
    layer.build((None, *shape[1:]))
    layer.built = True
    with nb.no_grad():
        layer.gamma._data[:] = np.linspace(0.5, 1.5, shape[-1])
        layer.beta._data[:] = np.linspace(-1, 1, shape[-1])
    check_layer(
        layer,
        inputs(*shape) * 2 + 1,
        lambda t, p: F.layer_norm(t, (shape[-1],), p["gamma"], p["beta"], eps=1e-3),
    )


# --- Dropout, Flatten, Activation ------------------------------------------------------


def test_dropout_scales_in_training_and_is_identity_at_inference():
    x = np.ones((200, 50), dtype=np.float32)
    layer = Dropout(0.3)
    out = layer(x, training=True).numpy()
    assert set(np.unique(out)) == {0.0, np.float32(1 / 0.7)}
    assert abs((out == 0).mean() - 0.3) < 0.02
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    with pytest.raises(ValueError, match=r"rate must be in \[0, 1\), got 1.0"):
        Dropout(1.0)


def test_flatten_and_activation_layers():
    x = inputs(2, 3, 4, 5)
    assert Flatten()(x).shape == (2, 60)
    np.testing.assert_allclose(Flatten()(x).numpy(), x.reshape(2, -1).astype(np.float32))
    np.testing.assert_allclose(Activation("relu", dtype="float64")(x).numpy(), np.maximum(x, 0))


# --- layer contract ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "make, input_shape, output_shape, n_weights",
    [
        (lambda: Dense(4), (None, 3), (None, 4), 2),
        (lambda: Dense(4, use_bias=False), (None, 3), (None, 4), 1),
        (lambda: Conv2D(5, 3), (None, 8, 8, 2), (None, 6, 6, 5), 2),
        (lambda: Conv2D(5, 3, strides=2, padding="same"), (None, 7, 7, 2), (None, 4, 4, 5), 2),
        (lambda: MaxPooling2D(2), (None, 7, 7, 2), (None, 3, 3, 2), 0),
        (lambda: AveragePooling2D(2, padding="same"), (None, 7, 7, 2), (None, 4, 4, 2), 0),
        (lambda: BatchNormalization(), (None, 3), (None, 3), 4),
        (lambda: LayerNormalization(), (None, 3), (None, 3), 2),
        (lambda: Dropout(0.5), (None, 3), (None, 3), 0),
        (lambda: Flatten(), (None, 2, 3), (None, 6), 0),
        (lambda: Activation("tanh"), (None, 3), (None, 3), 0),
    ],
)
def test_layer_contract(make, input_shape, output_shape, n_weights):
    """Output shape, number of weights, and a config that rebuilds an equal layer."""
    layer = make()
    out = layer(np.zeros((2, *input_shape[1:]), dtype=np.float32))
    assert layer.output_shape_seen == output_shape and out.shape == (2, *output_shape[1:])
    assert len(layer.weights) == n_weights
    config = layer.get_config()
    clone = type(layer).from_config(config)
    assert clone.get_config() == config
    clone(np.zeros((2, *input_shape[1:]), dtype=np.float32))
    assert [w.shape for w in clone.weights] == [w.shape for w in layer.weights]


def test_default_names_follow_keras():
    layers.clear_session()
    assert [Dense(1).name, Dense(1).name, Conv2D(1, 1).name, MaxPooling2D().name] == [
        "dense",
        "dense_1",
        "conv2d",
        "max_pooling2d",
    ]
    assert layers.snake_case("BatchNormalization") == "batch_normalization"


# --- initializers ------------------------------------------------------------------------

FAN_IN, FAN_OUT = 300, 500


@pytest.mark.parametrize(
    "name, limit",
    [
        ("glorot_uniform", math.sqrt(6 / (FAN_IN + FAN_OUT))),
        ("he_uniform", math.sqrt(6 / FAN_IN)),
        ("lecun_uniform", math.sqrt(3 / FAN_IN)),
        ("random_uniform", 0.05),
    ],
)
def test_uniform_initializers(name, limit):
    nb.manual_seed(0)
    w = initializers.get(name)((FAN_IN, FAN_OUT))
    assert w.shape == (FAN_IN, FAN_OUT)
    assert np.abs(w).max() <= limit
    assert np.abs(w).max() > 0.99 * limit  # the whole interval is used
    assert abs(w.mean()) < 0.01 * limit
    assert w.std() == pytest.approx(limit / math.sqrt(3), rel=0.01)


@pytest.mark.parametrize(
    "name, std",
    [
        ("glorot_normal", math.sqrt(2 / (FAN_IN + FAN_OUT))),
        ("he_normal", math.sqrt(2 / FAN_IN)),
        ("lecun_normal", math.sqrt(1 / FAN_IN)),
    ],
)
def test_truncated_normal_initializers(name, std):
    """Keras draws a normal truncated at 2 standard deviations and rescales it so the final std is the target."""
    nb.manual_seed(0)
    w = initializers.get(name)((FAN_IN, FAN_OUT))
    assert w.std() == pytest.approx(std, rel=0.01)
    assert abs(w.mean()) < 0.01 * std
    assert np.abs(w).max() <= 2 * std / 0.87962566103423978 + 1e-12  # the truncation, before the rescale


def test_other_initializers():
    nb.manual_seed(0)
    shape = (200, 300)
    np.testing.assert_array_equal(initializers.get("zeros")(shape), np.zeros(shape))
    np.testing.assert_array_equal(initializers.get("ones")(shape), np.ones(shape))
    assert initializers.get("random_normal")(shape).std() == pytest.approx(0.05, rel=0.02)
    truncated = initializers.get("truncated_normal")(shape)
    assert np.abs(truncated).max() <= 0.1 and truncated.std() == pytest.approx(0.05 * 0.8796, rel=0.02)


def test_conv_kernel_fans_follow_keras_layout():
    """A (3, 3, 16, 32) kernel has fan_in 3*3*16 = 144 and fan_out 3*3*32 = 288."""
    nb.manual_seed(0)
    w = initializers.get("he_uniform")((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / 144) and np.abs(w).max() > 0.98 * math.sqrt(6 / 144)
    w = initializers.get("glorot_uniform")((3, 3, 16, 32))
    assert np.abs(w).max() <= math.sqrt(6 / (144 + 288)) and np.abs(w).max() > 0.98 * math.sqrt(6 / (144 + 288))


def test_layers_use_their_initializers_and_the_seed():
    nb.manual_seed(3)
    a = Dense(400, kernel_initializer="he_normal", bias_initializer="ones", input_shape=(300,))
    nb.manual_seed(3)
    b = Dense(400, kernel_initializer="he_normal", bias_initializer="ones", input_shape=(300,))
    np.testing.assert_array_equal(a.kernel.detach().numpy(), b.kernel.detach().numpy())
    assert a.kernel.detach().numpy().std() == pytest.approx(math.sqrt(2 / 300), rel=0.01)
    np.testing.assert_array_equal(a.bias.detach().numpy(), np.ones(400, dtype=np.float32))
    custom = Dense(2, kernel_initializer=lambda shape: np.full(shape, 0.5), input_shape=(3,))
    np.testing.assert_array_equal(custom.kernel.detach().numpy(), np.full((3, 2), 0.5, dtype=np.float32))


# --- activations and names -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name, torch_name",
    [
        ("relu", "relu"),
        ("sigmoid", "sigmoid"),
        ("tanh", "tanh"),
        ("softmax", "softmax"),
        ("log_softmax", "log_softmax"),
        ("swish", "silu"),
        ("silu", "silu"),
        ("gelu", "gelu"),
        ("elu", "elu"),
        ("leaky_relu", "leaky_relu"),
        ("softplus", "softplus"),
        ("linear", None),
    ],
)
def test_activations_by_name_match_torch(name, torch_name):
    th = torch()
    F = th.nn.functional
    reference = {
        None: lambda t: t * 1.0,
        "softmax": lambda t: F.softmax(t, dim=-1),
        "log_softmax": lambda t: F.log_softmax(t, dim=-1),
        "leaky_relu": lambda t: F.leaky_relu(t, 0.2),  # Keras's slope 0.2
    }.get(torch_name, getattr(F, torch_name or "relu", None))
    fn = activations.get(name)
    compare(lambda t: fn(t) * 1.0, shapes=[(4, 5)], torch_fn=reference, low=-3, high=3)
    layer = Dense(5, activation=name)
    assert activations.get(activations.name_of(layer.activation)) is fn  # a name in get_config rebuilds it


def test_unknown_names_list_the_valid_ones():
    with pytest.raises(ValueError, match=r"unknown activation 'relux'; valid names: .*relu.*sigmoid"):
        Dense(3, activation="relux")
    with pytest.raises(ValueError, match=r"unknown initializer 'glorot'; valid names: .*glorot_uniform.*he_normal"):
        Dense(3, kernel_initializer="glorot")  # at construction, not at the first call
    with pytest.raises(ValueError, match=r"unknown initializer 'onez'"):
        Conv2D(3, 3, bias_initializer="onez")
    with pytest.raises(ValueError, match=r"unknown regularizer 'l3'"):
        Dense(3, kernel_regularizer="l3")
    with pytest.raises(TypeError, match=r"unexpected arguments \['unit'\]"):
        Dense(3, unit=4)
