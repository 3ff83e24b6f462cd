"""Layers, losses, utils and init against PyTorch: the nabla weights are copied into the torch layer,
then forward values, input gradients, parameter gradients and buffers are compared."""

from __future__ import annotations

import math

import numpy as np
import pytest
from reference import TOL, compare, torch

import nabla as nb
from nabla import nn
from nabla.nn import functional as F

DTYPES = [np.float32, np.float64]


# --- helpers ---------------------------------------------------------------------------


def val(t):
    return t.detach().numpy()


def _tol(dtype, scale=1.0):
    return {k: v * scale for k, v in TOL[np.dtype(dtype).type].items()}


def _randomize(module, seed=0):
    """Non-trivial parameter values (BatchNorm's ones/zeros would hide a mix-up of weight and bias)."""
    rng = np.random.default_rng(seed)
    with nb.no_grad():
        for p in module.parameters():
            p.copy_(rng.uniform(-1.0, 1.0, p.shape))


def _sync(ours, theirs, dtype, randomize=True):
    """Put ``ours`` in ``dtype`` (with random parameters) and copy its state into ``theirs``."""
    th = torch()
    ours.to(dtype)
    theirs.to(th.float64 if dtype == np.float64 else th.float32)
    if randomize:
        _randomize(ours)
    theirs.load_state_dict({k: th.tensor(val(v).copy()) for k, v in ours.state_dict().items()})


def _as_tuple(out):
    return out if isinstance(out, tuple) else (out,)


def _run(ours, theirs, inputs, dtype, call=None, tol_scale=1.0, seed=1):
    """Forward and backward through both; compare outputs, input and parameter gradients, and state dicts."""
    th = torch()
    call = call or (lambda m, *xs: m(*xs))
    floats = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in inputs]
    nb_in = [nb.tensor(a, requires_grad=f) if isinstance(a, np.ndarray) else a for a, f in zip(inputs, floats)]
    th_in = [th.tensor(a, requires_grad=f) if isinstance(a, np.ndarray) else a for a, f in zip(inputs, floats)]
    nb_out, th_out = _as_tuple(call(ours, *nb_in)), _as_tuple(call(theirs, *th_in))
    tol = _tol(dtype, tol_scale)
    rng = np.random.default_rng(seed)
    nb_loss = th_loss = 0
    assert len(nb_out) == len(th_out)
    for i, (a, b) in enumerate(zip(nb_out, th_out)):
        assert (a is None) == (b is None), f"output {i}: {a} vs torch {b}"
        if a is None:
            continue
        expect = b.detach().numpy()
        assert a.shape == expect.shape and a.dtype == expect.dtype, f"output {i}: {a.shape} {a.dtype} vs {expect.shape}"
        np.testing.assert_allclose(val(a), expect, **tol, err_msg=f"output {i} differs")
        if a.requires_grad:
            w = rng.uniform(0.5, 1.5, expect.shape).astype(expect.dtype)
            nb_loss = nb_loss + (a * nb.tensor(w)).sum()
            th_loss = th_loss + (b * th.tensor(w)).sum()
    if not isinstance(nb_loss, int):
        nb_loss.backward()
        th_loss.backward()
    for i, (a, b, f) in enumerate(zip(nb_in, th_in, floats)):
        if f:
            expect = b.grad.numpy() if b.grad is not None else np.zeros(b.shape, dtype)
            got = a.grad.numpy() if a.grad is not None else np.zeros(a.shape, dtype)
            np.testing.assert_allclose(got, expect, **tol, err_msg=f"gradient of input {i} differs")
    theirs_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        q = theirs_params[name]
        expect = q.grad.numpy() if q.grad is not None else np.zeros(q.shape, dtype)
        got = p.grad.numpy() if p.grad is not None else np.zeros(p.shape, dtype)
        assert got.dtype == p.dtype
        np.testing.assert_allclose(got, expect, **tol, err_msg=f"gradient of {name} differs")
    theirs_state = theirs.state_dict()
    for name, t in ours.state_dict().items():
        np.testing.assert_allclose(val(t), theirs_state[name].numpy(), **tol, err_msg=f"state {name} differs")
    return nb_out


def check_module(ours, theirs, *inputs, dtype=np.float64, call=None, tol_scale=1.0, randomize=True):
    _sync(ours, theirs, dtype, randomize)
    return _run(ours, theirs, inputs, dtype, call, tol_scale)


def rand(*shape, dtype=np.float64, seed=0, low=-2.0, high=2.0):
    return np.random.default_rng(seed).uniform(low, high, shape).astype(dtype)


# --- Linear, Identity, Flatten -------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("shape", [(5, 3), (2, 4, 3), (3,)])
@pytest.mark.parametrize("bias", [True, False])
def test_linear_matches_torch(dtype, shape, bias):
    th = torch()
    check_module(nn.Linear(3, 4, bias=bias), th.nn.Linear(3, 4, bias=bias), rand(*shape, dtype=dtype), dtype=dtype)


def test_linear_bias_false_has_no_bias_parameter():
    layer = nn.Linear(3, 2, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]
    np.testing.assert_allclose(val(layer(nb.ones(1, 3))), val(layer.weight).sum(1, keepdims=True).T, rtol=1e-6)


def test_identity_and_flatten():
    th = torch()
    x = rand(2, 3, 4, 5)
    check_module(nn.Identity(7, foo=1), th.nn.Identity(), x)
    for args in [(), (0,), (1, 2), (2, -1), (0, -2)]:
        check_module(nn.Flatten(*args), th.nn.Flatten(*args), x)


# --- activations ------------------------------------------------------------------------

ACTIVATIONS = [
    ("ReLU", {}),
    ("LeakyReLU", {}),
    ("LeakyReLU", {"negative_slope": 0.2}),
    ("ELU", {}),
    ("ELU", {"alpha": 0.5}),
    ("GELU", {}),
    ("GELU", {"approximate": "tanh"}),
    ("SiLU", {}),
    ("Sigmoid", {}),
    ("Tanh", {}),
    ("Softplus", {}),
    ("Softplus", {"beta": 2.0, "threshold": 5.0}),
    ("Softmax", {"dim": -1}),
    ("Softmax", {"dim": 0}),
    ("LogSoftmax", {"dim": 1}),
    ("LogSoftmax", {"dim": 0}),
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, kwargs", ACTIVATIONS)
def test_activation_modules_match_torch(name, kwargs, dtype):
    th = torch()
    # Values well past Softplus's threshold on both sides, avoiding the kinks at exactly 0.
    x = rand(6, 7, dtype=dtype, low=-4.0, high=4.0)
    x[np.abs(x) < 1e-3] = 0.5
    check_module(getattr(nn, name)(**kwargs), getattr(th.nn, name)(**kwargs), x, dtype=dtype)


def test_softplus_threshold_region_matches_torch():
    th = torch()
    x = np.linspace(-15, 15, 61)
    check_module(nn.Softplus(beta=2.0, threshold=5.0), th.nn.Softplus(beta=2.0, threshold=5.0), x)


def test_swish_is_silu():
    assert nn.Swish is nn.SiLU


def test_step_is_heaviside_with_zero_gradient():
    th = torch()
    x = np.array([-2.0, -1e-9, 0.0, 1e-9, 3.0])
    t = nb.tensor(x, requires_grad=True)
    y = nn.Step()(t)
    expect = th.heaviside(th.tensor(x), th.tensor(1.0, dtype=th.float64)).numpy()
    np.testing.assert_array_equal(val(y), expect)
    np.testing.assert_array_equal(val(y), [0, 0, 1, 1, 1])
    (y * nb.tensor(np.arange(5.0))).sum().backward()
    assert t.grad is None or not np.any(t.grad.numpy())


# --- Dropout ---------------------------------------------------------------------------


@pytest.mark.parametrize("p", [0.1, 0.5, 0.8])
def test_dropout_train_zero_frequency_and_scaling(p):
    n = 200_000
    x = nb.tensor(np.ones(n), requires_grad=True)
    y = nn.Dropout(p)(x)
    out = val(y)
    dropped = out == 0
    # Binomial(n, p): 5 standard deviations is well under 0.01 here.
    assert abs(dropped.mean() - p) < 5 * math.sqrt(p * (1 - p) / n)
    np.testing.assert_allclose(out[~dropped], 1.0 / (1.0 - p), rtol=1e-12)
    y.sum().backward()  # the gradient is the same mask times the same scale
    np.testing.assert_array_equal(x.grad.numpy(), out)


def test_dropout_keeps_dtype_and_mean():
    x = nb.ones(100_000)
    y = nn.Dropout(0.3)(x)
    assert y.dtype == nb.float32
    assert abs(float(val(y).mean()) - 1.0) < 0.02


def test_dropout_eval_p0_p1():
    x = nb.tensor(rand(4, 5), requires_grad=True)
    d = nn.Dropout(0.5).eval()
    np.testing.assert_array_equal(val(d(x)), val(x))
    np.testing.assert_array_equal(val(nn.Dropout(0.0)(x)), val(x))
    y = nn.Dropout(1.0)(x)
    assert y.shape == x.shape and not np.any(val(y))
    y.sum().backward()
    assert not np.any(x.grad.numpy())
    with pytest.raises(ValueError, match="1.5"):
        nn.Dropout(1.5)


def test_dropout_reproducible_with_manual_seed():
    x = nb.ones(1000)
    nb.manual_seed(123)
    a = val(nn.Dropout(0.5)(x))
    b = val(nn.Dropout(0.5)(x))
    nb.manual_seed(123)
    np.testing.assert_array_equal(val(nn.Dropout(0.5)(x)), a)
    assert not np.array_equal(a, b)


# --- BatchNorm, LayerNorm -------------------------------------------------------------


BN_CASES = [("BatchNorm1d", (8, 3)), ("BatchNorm1d", (6, 3, 5)), ("BatchNorm2d", (4, 3, 5, 6))]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name, shape", BN_CASES)
@pytest.mark.parametrize(
    "kwargs",
    [{}, {"momentum": 0.3}, {"affine": False}, {"track_running_stats": False}, {"momentum": None}],
    ids=["default", "momentum", "no_affine", "no_stats", "cumulative"],
)
def test_batchnorm_train_steps_then_eval_match_torch(name, shape, kwargs, dtype):
    th = torch()
    ours, theirs = getattr(nn, name)(3, **kwargs), getattr(th.nn, name)(3, **kwargs)
    _sync(ours, theirs, dtype)
    tol_scale = 10.0 if dtype == np.float32 else 1.0
    for step in range(4):
        x = rand(*shape, dtype=dtype, seed=step) * (step + 1) + step  # the statistics move between steps
        ours.zero_grad()
        theirs.zero_grad()
        _run(ours, theirs, [x], dtype, tol_scale=tol_scale)
    if kwargs.get("track_running_stats", True):
        assert int(ours.num_batches_tracked.item()) == 4
        assert not np.allclose(val(ours.running_mean), 0)
    ours.eval()
    theirs.eval()
    _run(ours, theirs, [rand(*shape, dtype=dtype, seed=9)], dtype, tol_scale=tol_scale)


def test_batchnorm_eval_uses_running_statistics():
    bn = nn.BatchNorm1d(2).eval()
    with nb.no_grad():
        bn.running_mean.copy_(np.array([1.0, -2.0]))
        bn.running_var.copy_(np.array([4.0, 0.25]))
    x = nb.tensor(np.array([[3.0, -1.0], [1.0, -2.0]], dtype=np.float32))
    expect = (x.numpy() - [1.0, -2.0]) / np.sqrt(np.array([4.0, 0.25]) + 1e-5)
    np.testing.assert_allclose(val(bn(x)), expect, rtol=1e-6)
    np.testing.assert_array_equal(val(bn.running_mean), [1.0, -2.0])  # eval does not update


def test_batchnorm_rejects_wrong_shape_and_single_value_batches():
    with pytest.raises(ValueError, match=r"BatchNorm1d\(3\).*3 channels.*\(4, 5\)"):
        nn.BatchNorm1d(3)(nb.randn(4, 5))
    with pytest.raises(ValueError, match=r"BatchNorm2d.*\(4, 3\)"):
        nn.BatchNorm2d(3)(nb.randn(4, 3))
    with pytest.raises(ValueError, match="more than 1 value"):
        nn.BatchNorm1d(3)(nb.randn(1, 3))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "shape, normalized, kwargs",
    [
        ((4, 5), 5, {}),
        ((2, 3, 4), (3, 4), {}),
        ((3, 6), 6, {"elementwise_affine": False}),
        ((3, 6), 6, {"bias": False}),
    ],
)
def test_layernorm_matches_torch(shape, normalized, kwargs, dtype):
    th = torch()
    tol_scale = 10.0 if dtype == np.float32 else 1.0
    x = rand(*shape, dtype=dtype) * 3 + 1
    check_module(
        nn.LayerNorm(normalized, **kwargs), th.nn.LayerNorm(normalized, **kwargs), x, dtype=dtype, tol_scale=tol_scale
    )


# --- Embedding --------------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("padding_idx", [None, 0, 3])
def test_embedding_matches_torch(padding_idx, dtype):
    th = torch()
    idx = np.array([[0, 3, 3, 1], [3, 2, 0, 3]])  # repeated indices accumulate
    ours = nn.Embedding(5, 4, padding_idx=padding_idx)
    if padding_idx is not None:
        assert not np.any(val(ours.weight)[padding_idx])
    check_module(ours, th.nn.Embedding(5, 4, padding_idx=padding_idx), idx, dtype=dtype)
    grad = ours.weight.grad.numpy()
    if padding_idx is not None:
        assert not np.any(grad[padding_idx])
    assert not np.any(grad[4])  # an index never used gets no gradient
    assert np.any(grad[2])


def test_embedding_repeated_index_gradient_accumulates():
    emb = nn.Embedding(3, 2)
    emb(nb.tensor([1, 1, 1, 2])).sum().backward()
    np.testing.assert_array_equal(emb.weight.grad.numpy(), [[0, 0], [3, 3], [1, 1]])


def test_embedding_bad_indices():
    emb = nn.Embedding(3, 2)
    with pytest.raises(IndexError, match="3"):
        emb(nb.tensor([0, 3]))
    with pytest.raises(TypeError, match="integers"):
        emb(nb.tensor([0.0, 1.0]))


# --- Conv2d and pooling ------------------------------------------------------------------


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"stride": 2},
        {"padding": 1},
        {"dilation": 2},
        {"stride": (2, 1), "padding": (1, 2), "dilation": (1, 2)},
        {"bias": False},
    ],
)
def test_conv2d_matches_torch(kwargs, dtype):
    th = torch()
    x = rand(2, 3, 7, 8, dtype=dtype)
    check_module(nn.Conv2d(3, 4, 3, **kwargs), th.nn.Conv2d(3, 4, 3, **kwargs), x, dtype=dtype)


def test_conv2d_refuses_a_bias_of_the_wrong_shape():
    with pytest.raises(ValueError, match=r"bias must have shape \(4,\)"):
        nb.conv2d(nb.ones(1, 3, 5, 5), nb.ones(4, 3, 3, 3), nb.ones(3))


def test_conv2d_rectangular_kernel():
    th = torch()
    check_module(nn.Conv2d(2, 3, (2, 3), padding=(1, 0)), th.nn.Conv2d(2, 3, (2, 3), padding=(1, 0)), rand(1, 2, 5, 6))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("name", ["MaxPool2d", "AvgPool2d"])
@pytest.mark.parametrize(
    "kwargs",
    [
        {"kernel_size": 2},
        {"kernel_size": 3, "stride": 2},
        {"kernel_size": 3, "padding": 1},
        {"kernel_size": (2, 3), "stride": (1, 2), "padding": (1, 1)},
    ],
)
def test_pooling_matches_torch(name, kwargs, dtype):
    th = torch()
    x = rand(2, 3, 7, 8, dtype=dtype)
    check_module(getattr(nn, name)(**kwargs), getattr(th.nn, name)(**kwargs), x, dtype=dtype)


@pytest.mark.parametrize(
    "kwargs", [{"kernel_size": 2}, {"kernel_size": 3, "stride": 1}, {"kernel_size": 3, "stride": 2, "padding": 1}]
)
def test_max_pool_ties_send_the_gradient_to_the_first_largest_element_as_torch(kwargs):
    """ReLU outputs are full of tied zeros: each window's gradient must reach one element only, PyTorch's."""
    th = torch()
    x = np.maximum(np.random.default_rng(0).integers(-2, 2, (2, 3, 7, 8)), 0).astype(np.float32)
    g = np.random.default_rng(1).uniform(0.5, 1.5, th.nn.functional.max_pool2d(th.tensor(x), **kwargs).shape)
    g = g.astype(np.float32)
    ours = nb.tensor(x, requires_grad=True)
    out = F.max_pool2d(ours, **kwargs)
    out.backward(nb.tensor(g))
    theirs = th.tensor(x, requires_grad=True)
    expected = th.nn.functional.max_pool2d(theirs, **kwargs)
    expected.backward(th.tensor(g))
    np.testing.assert_array_equal(val(out), expected.detach().numpy())
    np.testing.assert_allclose(val(ours.grad), theirs.grad.numpy(), rtol=1e-6)


def test_max_pool_propagates_nan_as_torch():
    th = torch()
    x = rand(1, 1, 4, 4)
    x[0, 0, 1, 2] = np.nan
    ours = F.max_pool2d(nb.tensor(x), 2)
    np.testing.assert_array_equal(np.isnan(val(ours)), np.isnan(th.nn.functional.max_pool2d(th.tensor(x), 2).numpy()))
    assert np.isnan(val(ours)).sum() == 1


# --- attention -------------------------------------------------------------------------


def _mha_call(**kwargs):
    return lambda m, q, k, v: m(q, k, v, **kwargs)


def _mha_pair(batch_first=False, bias=True, embed=8, heads=2):
    th = torch()
    return (
        nn.MultiheadAttention(embed, heads, batch_first=batch_first, bias=bias),
        th.nn.MultiheadAttention(embed, heads, batch_first=batch_first, bias=bias),
    )


def _qkv(batch_first, length=4, source=5, batch=3, embed=8, dtype=np.float64, self_attention=False):
    def shape(n):
        return (batch, n, embed) if batch_first else (n, batch, embed)

    q = rand(*shape(length), dtype=dtype, seed=1)
    if self_attention:
        return q, q.copy(), q.copy()
    return q, rand(*shape(source), dtype=dtype, seed=2), rand(*shape(source), dtype=dtype, seed=3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("self_attention", [False, True])
def test_multihead_attention_matches_torch(batch_first, self_attention, dtype):
    ours, theirs = _mha_pair(batch_first)
    q, k, v = _qkv(batch_first, dtype=dtype, self_attention=self_attention)
    out, weights = check_module(ours, theirs, q, k, v, dtype=dtype)
    assert out.shape == q.shape and weights.shape == (3, 4, 4 if self_attention else 5)
    np.testing.assert_allclose(val(weights).sum(-1), 1.0, rtol=1e-5)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"need_weights": False},
        {"average_attn_weights": False},
        {"bias": False},
    ],
)
def test_multihead_attention_options(kwargs):
    bias = kwargs.pop("bias", True)
    ours, theirs = _mha_pair(bias=bias)
    out = check_module(ours, theirs, *_qkv(False), call=_mha_call(**kwargs))
    if kwargs.get("need_weights") is False:
        assert out[1] is None
    if kwargs.get("average_attn_weights") is False:
        assert out[1].shape == (3, 2, 4, 5)


def _masks():
    rng = np.random.default_rng(5)
    key_padding = np.zeros((3, 5), dtype=bool)
    key_padding[0, 4] = key_padding[1, 1:3] = True  # every row keeps some key
    attn_bool = rng.random((4, 5)) < 0.3
    attn_bool[:, 0] = False
    attn_float = rng.normal(size=(4, 5))
    attn_float[1, 2] = -np.inf
    attn_3d = rng.normal(size=(3 * 2, 4, 5))
    return key_padding, attn_bool, attn_float, attn_3d


@pytest.mark.parametrize("which", ["key_padding", "attn_bool", "attn_float", "attn_3d", "both_bool"])
def test_multihead_attention_masks_match_torch(which):
    th = torch()
    key_padding, attn_bool, attn_float, attn_3d = _masks()
    kwargs = {
        "key_padding": {"key_padding_mask": key_padding},
        "attn_bool": {"attn_mask": attn_bool},
        "attn_float": {"attn_mask": attn_float},
        "attn_3d": {"attn_mask": attn_3d},
        "both_bool": {"attn_mask": attn_bool, "key_padding_mask": key_padding},
    }[which]
    ours, theirs = _mha_pair()
    _sync(ours, theirs, np.float64)
    q, k, v = _qkv(False)

    def call(m, q, k, v):
        lib_masks = {n: (th.tensor(a) if isinstance(m, th.nn.Module) else nb.tensor(a)) for n, a in kwargs.items()}
        return m(q, k, v, **lib_masks)

    _, weights = _run(ours, theirs, [q, k, v], np.float64, call=call)
    w = val(weights)
    if "key_padding_mask" in kwargs:
        assert np.all(w[key_padding[:, None, :].repeat(4, axis=1)] == 0)
    if which == "attn_bool":
        assert np.all(w[:, attn_bool] == 0)


@pytest.mark.parametrize("batch_first", [False, True])
@pytest.mark.parametrize("masked", [False, True])
def test_multihead_attention_unbatched_matches_torch(batch_first, masked):
    th = torch()
    ours, theirs = _mha_pair(batch_first)
    q, k, v = rand(4, 8, seed=1), rand(5, 8, seed=2), rand(5, 8, seed=3)
    padding = np.array([False, True, False, False, True])

    def call(m, q, k, v):
        if not masked:
            return m(q, k, v)
        lib = th.tensor if isinstance(m, th.nn.Module) else nb.tensor
        return m(q, k, v, key_padding_mask=lib(padding), average_attn_weights=False)

    out, weights = check_module(ours, theirs, q, k, v, call=call)
    assert out.shape == (4, 8) and weights.shape == ((2, 4, 5) if masked else (4, 5))


def test_multihead_attention_errors():
    with pytest.raises(ValueError, match="divisible"):
        nn.MultiheadAttention(10, 3)
    with pytest.raises(ValueError, match=r"MultiheadAttention.*8.*\(4, 3, 6\)"):
        nn.MultiheadAttention(8, 2)(*(nb.randn(4, 3, 6),) * 3)
    with pytest.raises(ValueError, match=r"MultiheadAttention.*3 dimensions.*\(2, 4, 3, 8\)"):
        nn.MultiheadAttention(8, 2)(*(nb.randn(2, 4, 3, 8),) * 3)


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("case", ["plain", "causal", "causal_rect", "bool_mask", "float_mask", "scale", "value_dim"])
def test_scaled_dot_product_attention_matches_torch(case, dtype):
    th = torch()
    rng = np.random.default_rng(3)
    length, source, ev = 4, 6, 5 if case == "value_dim" else 3
    if case == "causal":
        source = length
    shapes = [(2, 3, length, 3), (2, 3, source, 3), (2, 3, source, ev)]
    kwargs = {}
    if case.startswith("causal"):
        kwargs["is_causal"] = True
    if case == "bool_mask":
        mask = rng.random((length, source)) < 0.6  # True = attend, as in torch
        mask[:, 0] = True
        kwargs["attn_mask"] = mask
    if case == "float_mask":
        kwargs["attn_mask"] = rng.normal(size=(2, 1, length, source)).astype(dtype)
    if case == "scale":
        kwargs["scale"] = 0.3

    def fn(q, k, v, lib):
        kw = dict(kwargs)
        if "attn_mask" in kw:
            kw["attn_mask"] = lib(kw["attn_mask"])
        return kw

    compare(
        lambda q, k, v: F.scaled_dot_product_attention(q, k, v, **fn(q, k, v, nb.tensor)),
        shapes,
        torch_fn=lambda q, k, v: th.nn.functional.scaled_dot_product_attention(q, k, v, **fn(q, k, v, th.tensor)),
        dtype=dtype,
    )


def test_scaled_dot_product_attention_bool_mask_blocks_false_entries():
    mask = np.array([[True, False, False], [True, True, False]])
    q, k, v = nb.randn(2, 4), nb.randn(3, 4), nb.tensor(np.eye(3, dtype=np.float32))
    out = val(F.scaled_dot_product_attention(q, k, v, attn_mask=nb.tensor(mask)))
    np.testing.assert_allclose(out[0], [1, 0, 0], atol=1e-7)  # the weights, since v is the identity
    assert out[1, 2] == 0 and out[1, :2].sum() == pytest.approx(1.0)


# --- losses ---------------------------------------------------------------------------


REDUCTIONS = ["mean", "sum", "none"]


def _loss_check(ours, theirs, inp, target, dtype=np.float64, tol_scale=1.0):
    th = torch()
    x = nb.tensor(inp, requires_grad=True)
    tx = th.tensor(inp, requires_grad=True)
    nb_out = ours(x, nb.tensor(target))
    th_out = theirs(tx, th.tensor(target))
    expect = th_out.detach().numpy()
    assert nb_out.shape == expect.shape and nb_out.dtype == expect.dtype
    np.testing.assert_allclose(val(nb_out), expect, **_tol(dtype, tol_scale))
    w = np.random.default_rng(7).uniform(0.5, 1.5, expect.shape).astype(dtype)
    (nb_out * nb.tensor(w)).sum().backward()
    (th_out * th.tensor(w)).sum().backward()
    np.testing.assert_allclose(x.grad.numpy(), tx.grad.numpy(), **_tol(dtype, tol_scale))


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize(
    "name, kwargs", [("MSELoss", {}), ("L1Loss", {}), ("HuberLoss", {}), ("HuberLoss", {"delta": 0.5})]
)
def test_regression_losses_match_torch(name, kwargs, reduction, dtype):
    th = torch()
    inp, target = rand(4, 5, dtype=dtype, seed=1), rand(4, 5, dtype=dtype, seed=2)
    _loss_check(
        getattr(nn, name)(reduction=reduction, **kwargs),
        getattr(th.nn, name)(reduction=reduction, **kwargs),
        inp,
        target,
        dtype,
    )


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_losses_match_torch(reduction, weighted, dtype):
    th = torch()
    probs = rand(4, 3, dtype=dtype, low=0.05, high=0.95, seed=1)
    logits = rand(4, 3, dtype=dtype, low=-6, high=6, seed=1)
    target = (rand(4, 3, seed=2) > 0).astype(dtype)
    target[0, 0] = 0.3  # soft labels are allowed
    weight = rand(3, dtype=dtype, low=0.5, high=2.0, seed=3) if weighted else None
    nw = None if weight is None else nb.tensor(weight)
    tw = None if weight is None else th.tensor(weight)
    _loss_check(nn.BCELoss(nw, reduction=reduction), th.nn.BCELoss(tw, reduction=reduction), probs, target, dtype)
    _loss_check(
        nn.BCEWithLogitsLoss(nw, reduction=reduction),
        th.nn.BCEWithLogitsLoss(tw, reduction=reduction),
        logits,
        target,
        dtype,
    )
    pos = rand(3, dtype=dtype, low=0.5, high=3.0, seed=4)
    _loss_check(
        nn.BCEWithLogitsLoss(nw, reduction=reduction, pos_weight=nb.tensor(pos)),
        th.nn.BCEWithLogitsLoss(tw, reduction=reduction, pos_weight=th.tensor(pos)),
        logits,
        target,
        dtype,
    )


def test_bce_with_logits_is_stable_for_large_logits():
    th = torch()
    logits = np.array([-200.0, -50.0, 50.0, 200.0])
    target = np.array([1.0, 0.0, 0.0, 1.0])
    _loss_check(nn.BCEWithLogitsLoss(reduction="none"), th.nn.BCEWithLogitsLoss(reduction="none"), logits, target)


CE_KWARGS = [
    {},
    {"weight": True},
    {"ignore_index": 2},
    {"label_smoothing": 0.1},
    {"weight": True, "ignore_index": 1, "label_smoothing": 0.2},
]


@pytest.mark.parametrize("dtype", DTYPES)
@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("kwargs", CE_KWARGS, ids=lambda k: "-".join(k) or "plain")
@pytest.mark.parametrize("shape", [(6, 4), (3, 4, 5)], ids=["NC", "NCd"])
def test_cross_entropy_and_nll_match_torch(kwargs, reduction, shape, dtype):
    th = torch()
    logits = rand(*shape, dtype=dtype, low=-3, high=3, seed=1)
    target_shape = (shape[0],) + shape[2:]
    target = np.random.default_rng(2).integers(0, 4, target_shape)
    target.reshape(-1)[:3] = [2, 1, 0]
    nb_kw, th_kw = dict(kwargs), dict(kwargs)
    if kwargs.get("weight"):
        w = rand(4, dtype=dtype, low=0.5, high=2.0, seed=3)
        nb_kw["weight"], th_kw["weight"] = nb.tensor(w), th.tensor(w)
    _loss_check(
        nn.CrossEntropyLoss(reduction=reduction, **nb_kw),
        th.nn.CrossEntropyLoss(reduction=reduction, **th_kw),
        logits,
        target,
        dtype,
    )
    nb_kw.pop("label_smoothing", None)
    th_kw.pop("label_smoothing", None)
    log_probs = np.log(np.exp(logits) / np.exp(logits).sum(1, keepdims=True)).astype(dtype)
    _loss_check(
        nn.NLLLoss(reduction=reduction, **nb_kw),
        th.nn.NLLLoss(reduction=reduction, **th_kw),
        log_probs,
        target,
        dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("smoothing", [0.0, 0.25])
def test_cross_entropy_probability_targets_match_torch(reduction, smoothing):
    th = torch()
    logits = rand(5, 3, seed=1)
    target = np.random.default_rng(2).dirichlet(np.ones(3), size=5)
    _loss_check(
        nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing),
        th.nn.CrossEntropyLoss(reduction=reduction, label_smoothing=smoothing),
        logits,
        target,
    )


def test_loss_rejects_unknown_reduction():
    with pytest.raises(ValueError, match="'avg'"):
        nn.MSELoss(reduction="avg")


# --- utils ----------------------------------------------------------------------------


def _grads_pair(seed=0):
    th = torch()
    rng = np.random.default_rng(seed)
    shapes = [(3, 4), (4,), (2, 2, 2)]
    grads = [rng.normal(size=s) for s in shapes]
    ours = [nb.tensor(np.zeros(s), requires_grad=True) for s in shapes]
    theirs = [th.zeros(s, dtype=th.float64, requires_grad=True) for s in shapes]
    for p, q, g in zip(ours, theirs, grads):
        p.grad = nb.tensor(g.copy())
        q.grad = th.tensor(g.copy())
    return ours, theirs


@pytest.mark.parametrize("norm_type", [2.0, 1.0, math.inf, 3.0])
@pytest.mark.parametrize("max_norm", [0.5, 1e6])
def test_clip_grad_norm_matches_torch(norm_type, max_norm):
    th = torch()
    ours, theirs = _grads_pair()
    before = [p.grad.numpy().copy() for p in ours]
    total = nn.utils.clip_grad_norm_(ours, max_norm, norm_type=norm_type)
    expect = th.nn.utils.clip_grad_norm_(theirs, max_norm, norm_type=norm_type)
    assert isinstance(total, nb.Tensor) and total.shape == ()
    assert float(total.item()) == pytest.approx(float(expect), rel=1e-10)
    for p, q, b in zip(ours, theirs, before):
        np.testing.assert_allclose(p.grad.numpy(), q.grad.numpy(), rtol=1e-10, atol=1e-12)
        if max_norm == 1e6:
            np.testing.assert_array_equal(p.grad.numpy(), b)
    if max_norm == 0.5:
        flat = np.concatenate([p.grad.numpy().ravel() for p in ours])
        assert np.linalg.norm(flat, ord=norm_type) == pytest.approx(0.5, rel=1e-5)


def test_clip_grad_norm_single_tensor_skips_missing_grads_and_errors_on_nan():
    p = nb.tensor(np.zeros(2), requires_grad=True)
    q = nb.tensor(np.zeros(2), requires_grad=True)  # no grad: skipped
    p.grad = nb.tensor(np.array([3.0, 4.0]))
    assert nn.utils.clip_grad_norm_(p, 1.0).item() == pytest.approx(5.0)
    np.testing.assert_allclose(p.grad.numpy(), [0.6, 0.8], rtol=1e-5)
    assert nn.utils.clip_grad_norm_([q], 1.0).item() == 0.0
    p.grad = nb.tensor(np.array([np.nan, 1.0]))
    with pytest.raises(RuntimeError, match="nan|NaN"):
        nn.utils.clip_grad_norm_([p], 1.0, error_if_nonfinite=True)


def test_clip_grad_value_matches_torch():
    th = torch()
    ours, theirs = _grads_pair()
    assert nn.utils.clip_grad_value_(ours, 0.5) is None
    th.nn.utils.clip_grad_value_(theirs, 0.5)
    for p, q in zip(ours, theirs):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
        assert np.abs(p.grad.numpy()).max() <= 0.5


def test_parameters_to_vector_and_back_match_torch():
    th = torch()
    ours, theirs = nn.Linear(3, 2).double(), th.nn.Linear(3, 2).double()
    _sync(ours, theirs, np.float64)
    vec = nn.utils.parameters_to_vector(ours.parameters())
    np.testing.assert_array_equal(val(vec), th.nn.utils.parameters_to_vector(theirs.parameters()).detach().numpy())
    new = np.arange(8.0)
    nn.utils.vector_to_parameters(nb.tensor(new), ours.parameters())
    th.nn.utils.vector_to_parameters(th.tensor(new), theirs.parameters())
    np.testing.assert_array_equal(val(ours.weight), theirs.weight.detach().numpy())
    np.testing.assert_array_equal(val(ours.bias), [6.0, 7.0])
    with pytest.raises(ValueError, match="7 values.*8"):
        nn.utils.vector_to_parameters(nb.tensor(np.arange(7.0)), ours.parameters())


# --- default initialisation ---------------------------------------------------------------


def _uniform_stats(a, bound):
    """A sample of U(-bound, bound): within the bounds, reaching near them, std bound/sqrt(3)."""
    a = np.asarray(a, dtype=np.float64).ravel()
    assert np.abs(a).max() <= bound * (1 + 1e-6)
    assert np.abs(a).max() > bound * 0.98
    assert a.std() == pytest.approx(bound / math.sqrt(3), rel=0.03)
    assert abs(a.mean()) < 0.03 * bound


def _torch_param(th_module, name):
    return dict(th_module.named_parameters())[name].detach().numpy()


def test_linear_and_conv_default_init_matches_torch():
    th = torch()
    lin, tlin = nn.Linear(300, 200), th.nn.Linear(300, 200)
    bound = 1 / math.sqrt(300)
    for w in (val(lin.weight), _torch_param(tlin, "weight")):
        _uniform_stats(w, bound)
    assert np.abs(val(lin.bias)).max() <= bound and np.abs(val(lin.bias)).max() > 0.9 * bound
    conv, tconv = nn.Conv2d(16, 64, 3), th.nn.Conv2d(16, 64, 3)
    bound = 1 / math.sqrt(16 * 9)
    for w in (val(conv.weight), _torch_param(tconv, "weight")):
        _uniform_stats(w, bound)
    assert np.abs(val(conv.bias)).max() <= bound
    assert lin.weight.dtype == nb.float32 and conv.weight.dtype == nb.float32


def test_embedding_batchnorm_layernorm_default_init_matches_torch():
    th = torch()
    emb = val(nn.Embedding(500, 64).weight)
    assert emb.mean() == pytest.approx(0.0, abs=0.02) and emb.std() == pytest.approx(1.0, rel=0.02)
    temb = _torch_param(th.nn.Embedding(500, 64), "weight")
    assert emb.std() == pytest.approx(temb.std(), rel=0.03)
    for ours, theirs in [(nn.BatchNorm2d(5), th.nn.BatchNorm2d(5)), (nn.LayerNorm(5), th.nn.LayerNorm(5))]:
        tstate = theirs.state_dict()
        for name, t in ours.state_dict().items():
            np.testing.assert_array_equal(val(t), tstate[name].numpy(), err_msg=name)


def test_multihead_attention_default_init_matches_torch():
    th = torch()
    e = 64
    ours, theirs = nn.MultiheadAttention(e, 4), th.nn.MultiheadAttention(e, 4)
    bound = math.sqrt(6 / (e + 3 * e))
    for w in (val(ours.in_proj_weight), _torch_param(theirs, "in_proj_weight")):
        _uniform_stats(w, bound)
    for w in (val(ours.out_proj.weight), _torch_param(theirs, "out_proj.weight")):
        _uniform_stats(w, 1 / math.sqrt(e))
    assert not np.any(val(ours.in_proj_bias)) and not np.any(val(ours.out_proj.bias))


# --- nn.init ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "nonlinearity, param",
    [
        ("linear", None),
        ("conv2d", None),
        ("conv_transpose2d", None),
        ("sigmoid", None),
        ("tanh", None),
        ("relu", None),
        ("leaky_relu", None),
        ("leaky_relu", 0.2),
        ("leaky_relu", 0),
        ("selu", None),
    ],
)
def test_calculate_gain_matches_torch(nonlinearity, param):
    th = torch()
    assert nn.init.calculate_gain(nonlinearity, param) == pytest.approx(
        th.nn.init.calculate_gain(nonlinearity, param), rel=1e-12
    )


def test_calculate_gain_unknown():
    with pytest.raises(ValueError, match="'softsign'"):
        nn.init.calculate_gain("softsign")


INIT_SHAPE = (256, 128, 3)  # fan_in 384, fan_out 768


def _both(fn_name, *args, **kwargs):
    th = torch()
    ours = getattr(nn.init, fn_name)(nb.zeros(*INIT_SHAPE), *args, **kwargs)
    theirs = getattr(th.nn.init, fn_name)(th.zeros(INIT_SHAPE), *args, **kwargs)
    assert ours.dtype == nb.float32
    return val(ours).astype(np.float64).ravel(), theirs.numpy().astype(np.float64).ravel()


@pytest.mark.parametrize(
    "kwargs",
    [
        {},
        {"mode": "fan_out"},
        {"nonlinearity": "relu"},
        {"a": 0.2},
        {"a": math.sqrt(5)},
        {"mode": "fan_out", "nonlinearity": "tanh"},
    ],
)
def test_kaiming_uniform_and_normal_match_torch(kwargs):
    fan = 768 if kwargs.get("mode") == "fan_out" else 384
    gain = nn.init.calculate_gain(kwargs.get("nonlinearity", "leaky_relu"), kwargs.get("a", 0))
    ours, theirs = _both("kaiming_uniform_", **kwargs)
    bound = gain * math.sqrt(3 / fan)
    _uniform_stats(ours, bound)
    _uniform_stats(theirs, bound)
    ours, theirs = _both("kaiming_normal_", **kwargs)
    std = gain / math.sqrt(fan)
    assert ours.std() == pytest.approx(std, rel=0.01) and theirs.std() == pytest.approx(std, rel=0.01)
    assert abs(ours.mean()) < 0.01 * std


@pytest.mark.parametrize("gain", [1.0, 2.0])
def test_xavier_match_torch(gain):
    ours, theirs = _both("xavier_uniform_", gain=gain)
    bound = gain * math.sqrt(6 / (384 + 768))
    _uniform_stats(ours, bound)
    _uniform_stats(theirs, bound)
    ours, theirs = _both("xavier_normal_", gain=gain)
    std = gain * math.sqrt(2 / (384 + 768))
    assert ours.std() == pytest.approx(std, rel=0.01) and theirs.std() == pytest.approx(std, rel=0.01)


def test_uniform_normal_constant_zeros_ones():
    ours, _ = _both("uniform_", -0.5, 2.0)
    assert ours.min() >= -0.5 and ours.max() <= 2.0 and ours.mean() == pytest.approx(0.75, abs=0.01)
    assert ours.std() == pytest.approx(2.5 / math.sqrt(12), rel=0.01)
    ours, _ = _both("normal_", 3.0, 0.5)
    assert ours.mean() == pytest.approx(3.0, abs=0.01) and ours.std() == pytest.approx(0.5, rel=0.01)
    assert np.all(_both("constant_", 0.25)[0] == 0.25)
    assert np.all(_both("zeros_")[0] == 0) and np.all(_both("ones_")[0] == 1)


@pytest.mark.parametrize("mean, std, a, b", [(0.0, 1.0, -2.0, 2.0), (0.5, 2.0, -1.0, 3.0), (0.0, 0.02, -0.04, 0.04)])
def test_trunc_normal_matches_torch(mean, std, a, b):
    ours, theirs = _both("trunc_normal_", mean, std, a, b)
    assert ours.min() >= a and ours.max() <= b
    assert ours.min() < a + 0.01 * (b - a) and ours.max() > b - 0.01 * (b - a)
    assert ours.mean() == pytest.approx(theirs.mean(), abs=0.01 * (b - a))
    assert ours.std() == pytest.approx(theirs.std(), rel=0.02)


def test_init_fan_needs_two_dims():
    with pytest.raises(ValueError, match=r"\(5,\)"):
        nn.init.xavier_uniform_(nb.zeros(5))
    with pytest.raises(ValueError, match="fan_avg"):
        nn.init.kaiming_uniform_(nb.zeros(3, 3), mode="fan_avg")


def test_init_reproducible_with_manual_seed():
    def draw():
        return [
            val(nn.init.kaiming_normal_(nb.zeros(4, 5))),
            val(nn.init.trunc_normal_(nb.zeros(6))),
            val(nn.Linear(3, 2).weight),
            val(nn.Embedding(4, 2).weight),
        ]

    nb.manual_seed(7)
    first = draw()
    again = draw()
    nb.manual_seed(7)
    for a, b in zip(first, draw()):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(first[0], again[0])


def test_init_on_parameter_keeps_it_a_trainable_leaf():
    layer = nn.Linear(3, 2)
    nn.init.xavier_normal_(layer.weight)
    assert layer.weight.requires_grad and layer.weight.is_leaf
    layer(nb.ones(1, 3)).sum().backward()
    assert layer.weight.grad is not None


# --- errors that teach ---------------------------------------------------------------------


def test_linear_wrong_feature_size_names_layer_expected_and_got():
    with pytest.raises(ValueError) as info:
        nn.Linear(3, 4)(nb.randn(2, 5))
    message = str(info.value)
    assert "Linear" in message and "3" in message and "(2, 5)" in message


def test_layer_errors_name_the_layer():
    with pytest.raises(ValueError, match=r"Conv2d.*\(N, 3, H, W\).*\(2, 4, 5, 5\)"):
        nn.Conv2d(3, 2, 3)(nb.randn(2, 4, 5, 5))
    with pytest.raises(ValueError, match=r"LayerNorm\(\(4,\).*\(4,\).*\(2, 3\)"):
        nn.LayerNorm(4)(nb.randn(2, 3))
    with pytest.raises(ValueError, match=r"layer_norm.*\(2, 3\).*\(4,\)"):
        F.layer_norm(nb.randn(2, 3), 4)
    with pytest.raises(ValueError, match="in_features.*0"):
        nn.Linear(0, 3)
    with pytest.raises(ValueError, match="out_channels.*-1"):
        nn.Conv2d(3, -1, 3)
    with pytest.raises(ValueError, match="num_features"):
        nn.BatchNorm1d(0)


def test_trunc_normal_refuses_an_interval_far_in_the_tail():
    t = nb.zeros(10)
    with pytest.raises(ValueError, match="holds only"):
        nn.init.trunc_normal_(t, mean=0.0, std=1.0, a=10.0, b=11.0)
