"""Loss functions against torch.nn.functional: values, dtypes, gradients; extreme inputs; bad inputs."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from reference import compare, random_inputs
from reference import torch as torch_module

import nabla as nb

DTYPES = [pytest.param(np.float32, id="f32"), pytest.param(np.float64, id="f64")]
REDUCTIONS = ["mean", "sum", "none"]


@pytest.fixture(params=DTYPES)
def dtype(request):
    return request.param


def F():
    return torch_module().nn.functional


def T():
    return torch_module()


def _t(a):
    """A NumPy array (or None) as a torch tensor for the reference call."""
    return None if a is None else T().tensor(a)


def _classes(shape, num_classes, seed=0, ignore=None):
    t = np.random.default_rng(seed).integers(0, num_classes, size=shape)
    if ignore is not None:
        t.flat[::3] = ignore
    return t


def _probabilities(shape, axis, dtype, seed=0):
    p = np.random.default_rng(seed).uniform(0.1, 1.0, size=shape)
    return (p / p.sum(axis=axis, keepdims=True)).astype(dtype)


# --- cross-entropy and NLL ------------------------------------------------------------

CE_SHAPES = [((5, 4), (5,)), ((3, 4, 2), (3, 2)), ((2, 3, 2, 2), (2, 2, 2)), ((4,), ())]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", CE_SHAPES, ids=str)
@pytest.mark.parametrize(
    "options",
    [{}, {"weight": True}, {"ignore_index": 1}, {"label_smoothing": 0.1}, {"weight": True, "label_smoothing": 0.2},
     {"weight": True, "ignore_index": 0, "label_smoothing": 0.3}, {"ignore_index": -100}],
    ids=["plain", "weight", "ignore_index", "smoothing", "weight+smoothing", "all", "ignore-unused"],
)  # fmt: skip
def test_cross_entropy_class_indices(options, shapes, reduction, dtype):
    xshape, tshape = shapes
    num_classes = xshape[1] if len(xshape) > 1 else xshape[0]
    ignore = options.get("ignore_index")
    target = _classes(tshape, num_classes, ignore=ignore if ignore is not None and ignore >= 0 else None)
    if ignore is not None and ignore >= 0 and target.size > 1 and (target == ignore).all():
        target.flat[-1] = (ignore + 1) % num_classes
    weight = np.linspace(0.5, 2.0, num_classes).astype(dtype) if options.get("weight") else None
    kw = {k: v for k, v in options.items() if k != "weight"}
    if ignore is not None and target.ndim == 0 and reduction == "mean" and target == ignore:
        pytest.skip("mean over no targets")
    compare(
        lambda x, t: nb.cross_entropy(x, t, weight=weight, reduction=reduction, **kw),
        torch_fn=lambda x, t: F().cross_entropy(x, t, weight=_t(weight), reduction=reduction, **kw),
        inputs=[random_inputs([xshape], dtype, low=-3, high=3)[0], target],
        dtype=dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", CE_SHAPES[:3], ids=str)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
@pytest.mark.parametrize("label_smoothing", [0.0, 0.25])
def test_cross_entropy_probability_targets(label_smoothing, weighted, shapes, reduction, dtype):
    xshape, _ = shapes
    probs = _probabilities(xshape, 1, dtype)
    weight = np.linspace(0.5, 2.0, xshape[1]).astype(dtype) if weighted else None
    kw = dict(reduction=reduction, label_smoothing=label_smoothing)
    compare(
        lambda x, p: nb.cross_entropy(x, p, weight=weight, **kw),
        torch_fn=lambda x, p: F().cross_entropy(x, p, weight=_t(weight), **kw),
        inputs=[random_inputs([xshape], dtype, low=-3, high=3)[0], probs],
        dtype=dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shapes", CE_SHAPES, ids=str)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"ignore_index": 2}, {"weight": True, "ignore_index": 0}])
def test_nll_loss(options, shapes, reduction, dtype):
    xshape, tshape = shapes
    axis = 1 if len(xshape) > 1 else 0
    num_classes = xshape[axis]
    target = _classes(tshape, num_classes, seed=1, ignore=options.get("ignore_index"))
    if target.ndim == 0 and "ignore_index" in options:
        pytest.skip("a single ignored target")
    weight = np.linspace(2.0, 0.5, num_classes).astype(dtype) if options.get("weight") else None
    kw = {k: v for k, v in options.items() if k != "weight"}
    logp = np.log(_probabilities(xshape, axis, dtype, seed=2)).astype(dtype)
    compare(
        lambda x, t: nb.nll_loss(x, t, weight=weight, reduction=reduction, **kw),
        torch_fn=lambda x, t: F().nll_loss(x, t, weight=_t(weight), reduction=reduction, **kw),
        inputs=[logp, target],
        dtype=dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("options", [{}, {"weight": True}, {"ignore_index": 2}], ids=["plain", "weight", "ignore"])
def test_fused_cross_entropy_equals_log_softmax_plus_nll(options, reduction, dtype):
    """(N, C) logits with class indices take one fused node; it must equal the two-node path, values and grads."""
    x, t = random_inputs([(6, 5)], dtype, low=-30, high=30)[0], _classes((6,), 5)
    t[0] = 2
    kw = {"reduction": reduction, "ignore_index": options.get("ignore_index", -100)}
    kw["weight"] = np.linspace(0.5, 2.0, 5).astype(dtype) if options.get("weight") else None
    fused, plain = nb.tensor(x, requires_grad=True), nb.tensor(x, requires_grad=True)
    a = nb.cross_entropy(fused, t, **kw)
    b = nb.nll_loss(nb.log_softmax(plain, axis=1), t, **kw)
    assert a.grad_fn.name == "softmax_cross_entropy" and a.dtype == dtype
    np.testing.assert_allclose(a.detach().numpy(), b.detach().numpy(), rtol=1e-6, atol=1e-6)
    g = np.linspace(0.5, 1.5, a.size).reshape(a.shape).astype(dtype)
    a.backward(nb.tensor(g))
    b.backward(nb.tensor(g))
    np.testing.assert_allclose(fused.grad.numpy(), plain.grad.numpy(), rtol=1e-6, atol=1e-7)


@pytest.mark.parametrize(
    "kwargs", [{}, {"label_smoothing": 0.1}, {"label_smoothing": 0.1, "weight": True}], ids=["", "smooth", "weight"]
)
def test_cross_entropy_all_ignored_mean_is_nan_with_zero_gradient_like_torch(kwargs, dtype):
    """A batch that is all padding: the mean over no targets is NaN, the gradient 0 (PyTorch's result)."""
    kwargs = dict(kwargs)
    if kwargs.pop("weight", False):
        kwargs["weight"] = np.ones(3, dtype=dtype)
    x = nb.tensor(random_inputs([(2, 3)], dtype)[0], requires_grad=True)
    t = np.array([-100, -100])
    out = nb.cross_entropy(x, t, **kwargs)
    out.backward()
    tkw = {k: _t(v) if isinstance(v, np.ndarray) else v for k, v in kwargs.items()}
    assert np.isnan(out.item()) and np.isnan(F().cross_entropy(_t(x.detach().numpy()), _t(t), **tkw).item())
    assert out.dtype == dtype and x.grad.tolist() == [[0.0] * 3] * 2


# --- binary cross-entropy ---------------------------------------------------------------

BCE_SHAPES = [(6,), (3, 4), (2, 3, 2), ()]


def test_binary_cross_entropy_refuses_nan_probabilities_like_torch():
    p, y = np.array([np.nan, 0.5], dtype=np.float32), np.array([1.0, 0.0], dtype=np.float32)
    with pytest.raises(RuntimeError, match="between 0 and 1"):
        F().binary_cross_entropy(_t(p), _t(y))
    with pytest.raises(ValueError, match="NaN"):  # (nabla clamped it to a finite loss of 100 before)
        nb.binary_cross_entropy(nb.tensor(p), nb.tensor(y))


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", BCE_SHAPES, ids=str)
@pytest.mark.parametrize("weighted", [False, True], ids=["", "weight"])
def test_binary_cross_entropy(weighted, shape, reduction, dtype):
    rng = np.random.default_rng(0)
    p = np.asarray(rng.uniform(0.05, 0.95, size=shape), dtype=dtype)
    y = np.asarray(rng.uniform(0, 1, size=shape), dtype=dtype)  # soft targets are allowed
    w = rng.uniform(0.5, 2, size=shape[-1:]).astype(dtype) if weighted else None
    compare(
        lambda a, b: nb.binary_cross_entropy(a, b, weight=w, reduction=reduction),
        torch_fn=lambda a, b: F().binary_cross_entropy(a, b, weight=_t(w), reduction=reduction),
        inputs=[p, y],
        dtype=dtype,
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
def test_binary_cross_entropy_at_exact_zero_and_one(reduction, dtype):
    """PyTorch clamps each log at -100 and the gradient's denominator at 1e-12: all finite.

    (PyTorch's 1e-12 is a float32 constant even in float64, 4e-9 away from nabla's: hence rtol=1e-8.)
    """
    p = np.array([0.0, 0.0, 1.0, 1.0, 0.5, 1e-30 if dtype == np.float64 else 0.0], dtype=dtype)
    y = np.array([0.0, 1.0, 0.0, 1.0, 1.0, 1.0], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = compare(
            lambda a: nb.binary_cross_entropy(a, y, reduction=reduction),
            torch_fn=lambda a: F().binary_cross_entropy(a, _t(y), reduction=reduction),
            inputs=[p],
            dtype=dtype,
            rtol=1e-8 if dtype == np.float64 else None,
        )
        x, t = nb.tensor(p, requires_grad=True), nb.tensor(y, requires_grad=True)
        nb.binary_cross_entropy(x, t, reduction="sum").backward()
    assert np.isfinite(out.detach().numpy()).all() and np.isfinite(x.grad.numpy()).all()
    # d/dy of the clamped loss: log(1 - p) - log(p), each log clamped at -100 (PyTorch: +-inf).
    assert t.grad.tolist()[:5] == [100.0, 100.0, -100.0, -100.0, 0.0]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", BCE_SHAPES, ids=str)
@pytest.mark.parametrize("options", ["plain", "weight", "pos_weight", "both"])
def test_binary_cross_entropy_with_logits(options, shape, reduction, dtype):
    rng = np.random.default_rng(1)
    x = np.asarray(rng.uniform(-4, 4, size=shape), dtype=dtype)
    y = np.asarray(rng.uniform(size=shape) < 0.5, dtype=dtype)
    y.flat[:1] = 0.3  # a soft target too
    k = shape[-1:] if shape else ()
    w = rng.uniform(0.5, 2, size=k).astype(dtype) if options in ("weight", "both") else None
    pw = rng.uniform(0.5, 3, size=k).astype(dtype) if options in ("pos_weight", "both") else None
    compare(
        lambda a, b: nb.binary_cross_entropy_with_logits(a, b, weight=w, pos_weight=pw, reduction=reduction),
        torch_fn=lambda a, b: F().binary_cross_entropy_with_logits(
            a, b, weight=_t(w), pos_weight=_t(pw), reduction=reduction
        ),
        inputs=[x, y],
        dtype=dtype,
    )


def test_binary_cross_entropy_with_logits_target_gradient(dtype):
    # Gradients flow to the target too (compare differentiates every float input).
    compare(
        lambda a, b: nb.binary_cross_entropy_with_logits(a, b, pos_weight=np.array([2.0], dtype=dtype)),
        torch_fn=lambda a, b: F().binary_cross_entropy_with_logits(a, b, pos_weight=T().tensor([2.0], dtype=a.dtype)),
        inputs=random_inputs([(3, 4), (3, 4)], dtype, low=0.1, high=0.9),
        dtype=dtype,
    )


# --- regression losses ------------------------------------------------------------------


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("shape", [(), (5,), (3, 4)], ids=str)
@pytest.mark.parametrize(
    "loss, kwargs",
    [("mse_loss", {}), ("l1_loss", {}), ("huber_loss", {}), ("huber_loss", {"delta": 0.5}),
     ("huber_loss", {"delta": 2.5})],
    ids=["mse", "l1", "huber", "huber(0.5)", "huber(2.5)"],
)  # fmt: skip
def test_regression_losses(loss, kwargs, shape, reduction, dtype):
    compare(
        lambda a, b: getattr(nb, loss)(a, b, reduction=reduction, **kwargs),
        torch_fn=lambda a, b: getattr(F(), loss)(a, b, reduction=reduction, **kwargs),
        shapes=[shape, shape],
        dtype=dtype,
        low=-3,
        high=3,
    )


def test_huber_at_the_delta_boundary(dtype):
    x = np.array([0.0, 1.0, -1.0, 2.0, 0.5], dtype=dtype)
    y = np.zeros(5, dtype=dtype)
    compare(lambda a, b: nb.huber_loss(a, b, reduction="none"),
            torch_fn=lambda a, b: F().huber_loss(a, b, reduction="none"), inputs=[x, y], dtype=dtype)  # fmt: skip


def test_regression_loss_with_constant_target(dtype):
    y = np.linspace(-1, 1, 6).astype(dtype)
    compare(lambda a: nb.mse_loss(a, y), torch_fn=lambda a: F().mse_loss(a, _t(y)), shapes=[(6,)], dtype=dtype)
    compare(lambda a: nb.l1_loss(a, y.tolist()), torch_fn=lambda a: F().l1_loss(a, _t(y)), shapes=[(6,)], dtype=dtype)


# --- one_hot ----------------------------------------------------------------------------


@pytest.mark.parametrize("num_classes", [-1, 6])
@pytest.mark.parametrize("shape", [(), (5,), (2, 3)], ids=str)
def test_one_hot(shape, num_classes):
    idx = np.random.default_rng(0).integers(0, 4, size=shape)
    idx.flat[0] = 3
    out = nb.one_hot(nb.tensor(idx), num_classes)
    ref = F().one_hot(_t(idx), num_classes).numpy()
    assert out.dtype == ref.dtype == np.int64 and not out.requires_grad
    np.testing.assert_array_equal(out.numpy(), ref)
    np.testing.assert_array_equal(nb.one_hot(idx, num_classes).numpy(), ref)


# --- extreme inputs: finite, and NumPy never warns ----------------------------------------

BIG = 1e4


@pytest.mark.parametrize(
    "name, fn",
    [
        ("cross_entropy", lambda x: nb.cross_entropy(x, np.array([0, 1, 2]))),
        ("cross_entropy(probs)", lambda x: nb.cross_entropy(x, np.full((3, 3), 1 / 3, dtype=x.dtype))),
        ("cross_entropy(smoothing)", lambda x: nb.cross_entropy(x, np.array([2, 0, 1]), label_smoothing=0.1)),
        ("nll(log_softmax)", lambda x: nb.nll_loss(nb.log_softmax(x, axis=1), np.array([1, 1, 0]))),
        ("bce_with_logits", lambda x: nb.binary_cross_entropy_with_logits(x, (x._data > 0).astype(x.dtype))),
        ("bce_with_logits(wrong)", lambda x: nb.binary_cross_entropy_with_logits(x, (x._data < 0).astype(x.dtype))),
        (
            "bce_with_logits(pos_weight)",
            lambda x: nb.binary_cross_entropy_with_logits(x, np.ones((3, 3)), pos_weight=3),
        ),
        ("bce(sigmoid)", lambda x: nb.binary_cross_entropy(nb.sigmoid(x), (x._data < 0).astype(x.dtype))),
        ("softmax", lambda x: nb.softmax(x, axis=1) * np.arange(3.0, dtype=x.dtype)),
        ("softmax(axis=0)", lambda x: nb.softmax(x, axis=0) * np.arange(3.0, dtype=x.dtype)),
        ("log_softmax", lambda x: nb.log_softmax(x, axis=1) * np.arange(3.0, dtype=x.dtype)),
        ("logsumexp", lambda x: nb.logsumexp(x, axis=1)),
        ("sigmoid", nb.sigmoid),
        ("tanh", nb.tanh),
        ("softplus", nb.softplus),
        ("softplus(beta=3)", lambda x: nb.softplus(x, beta=3.0)),
        ("silu", nb.silu),
        ("gelu", nb.gelu),
        ("gelu(tanh)", lambda x: nb.gelu(x, approximate="tanh")),
        ("elu", nb.elu),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_extreme_logits_are_finite_without_warnings(name, fn, dtype):
    logits = np.array([[BIG, -BIG, 0.0], [-BIG, -BIG, BIG], [BIG, BIG, -BIG]], dtype=dtype)
    x = nb.tensor(logits, requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        out = fn(x)
        out.sum().backward()
    assert out.dtype == dtype and x.grad.dtype == dtype
    assert np.isfinite(out.numpy() if not out.requires_grad else out.detach().numpy()).all()
    assert np.isfinite(x.grad.numpy()).all(), x.grad


def test_extreme_cross_entropy_matches_torch(dtype):
    logits = np.array([[BIG, -BIG, 0.0], [-BIG, 0.0, BIG]], dtype=dtype)
    target = np.array([1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare(nb.cross_entropy, torch_fn=lambda x, t: F().cross_entropy(x, t), inputs=[logits, target], dtype=dtype)
        compare(
            nb.binary_cross_entropy_with_logits,
            torch_fn=lambda x, y: F().binary_cross_entropy_with_logits(x, y),
            inputs=[logits, np.array([[0, 1, 1], [1, 0, 0]], dtype=dtype)],
            dtype=dtype,
        )
        compare(nb.softplus, torch_fn=lambda x: F().softplus(x), inputs=[logits], dtype=dtype)
        compare(nb.sigmoid, torch_fn=lambda x: T().sigmoid(x), inputs=[logits], dtype=dtype)
        compare(lambda x: nb.log_softmax(x, axis=1), torch_fn=lambda x: F().log_softmax(x, dim=1), inputs=[logits])


# --- bad inputs: clear errors ------------------------------------------------------------


def _x(*shape):
    return nb.tensor(np.zeros(shape, dtype=np.float32), requires_grad=True)


@pytest.mark.parametrize(
    "fn, error, match",
    [
        (lambda: nb.cross_entropy(_x(2, 3), np.array([0, 3])), ValueError, r"target class 3 is out of range for 3"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([-1, 0])), ValueError, r"target class -1 is out of range"),
        (lambda: nb.nll_loss(_x(2, 3), np.array([5, 0])), ValueError, r"nll_loss: target class 5 is out of range"),
        (lambda: nb.nll_loss(_x(2, 3), np.array([0.0, 1.0])), TypeError, r"nll_loss: target must hold integer"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([0.0, 1.0])), ValueError, r"cross_entropy: float targets"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([True, False])), TypeError, r"cross_entropy: target must be"),
        (lambda: nb.cross_entropy(_x(2, 3), np.zeros((2, 3), dtype=int)), ValueError, r"target shape \(2, 3\)"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([0, 1, 2])), ValueError, r"target shape \(3,\) does not fit"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([0, 1]), label_smoothing=1.5), ValueError, r"label_smoothing"),
        (lambda: nb.one_hot(np.array([0.0, 1.0]), 3), TypeError, r"one_hot: indices must be integers"),
        (lambda: nb.one_hot(np.array([0, 3]), 3), ValueError, r"one_hot: indices must lie in \[0, 3\)"),
        (lambda: nb.mse_loss(_x(3), np.zeros((3, 1))), ValueError, r"mse_loss: input shape \(3,\) and target"),
        (lambda: nb.l1_loss(_x(2, 3), np.zeros(3)), ValueError, r"l1_loss: input shape \(2, 3\)"),
        (lambda: nb.huber_loss(_x(4), np.zeros(5)), ValueError, r"huber_loss: input shape"),
        (lambda: nb.binary_cross_entropy(_x(4), np.zeros(2)), ValueError, r"binary_cross_entropy: input shape"),
        (lambda: nb.binary_cross_entropy_with_logits(_x(4), np.zeros((4, 1))), ValueError, r"input shape \(4,\)"),
        (lambda: nb.binary_cross_entropy(_x(2) + 2, np.zeros(2)), ValueError, r"probabilities in \[0, 1\]"),
        (lambda: nb.mse_loss(_x(3), np.zeros(3), reduction="avg"), ValueError, r"mse_loss: reduction must be one of"),
        (lambda: nb.l1_loss(_x(3), np.zeros(3), reduction="max"), ValueError, r"reduction must be one of.*'max'"),
        (lambda: nb.cross_entropy(_x(2, 3), np.array([0, 1]), reduction="bad"), ValueError, r"reduction must be"),
        (lambda: nb.cross_entropy(_x(2, 3), np.eye(3)[:2], reduction="bad"), ValueError, r"reduction must be"),
        (lambda: nb.nll_loss(_x(2, 3), np.array([0, 1]), reduction="Mean"), ValueError, r"reduction must be"),
        (lambda: nb.binary_cross_entropy_with_logits(_x(3), np.ones(3), reduction=""), ValueError, r"reduction"),
        (lambda: nb.huber_loss(_x(3), np.ones(3), reduction=None), ValueError, r"huber_loss: reduction"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_bad_inputs_raise_clear_errors(fn, error, match):
    with pytest.raises(error, match=match):
        fn()


TOP32 = 0.9 * float(np.finfo(np.float32).max)


@pytest.mark.parametrize(
    "name, fn, torch_fn",
    [
        ("softmax", lambda x: nb.softmax(x, axis=1), lambda x: F().softmax(x, dim=1)),
        ("log_softmax", lambda x: nb.log_softmax(x, axis=1), lambda x: F().log_softmax(x, dim=1)),
        # (over the largest logit, so that the test's weighted sum of the outputs does not overflow itself)
        ("logsumexp", lambda x: nb.logsumexp(x, axis=1) / TOP32, lambda x: x.logsumexp(dim=1) / TOP32),
        ("cross_entropy", lambda x: nb.cross_entropy(x, np.array([1, 2])), lambda x: F().cross_entropy(x, _t([1, 2]))),
    ],
    ids=lambda v: v if isinstance(v, str) else "",
)
def test_logits_spanning_the_whole_float_range_give_torchs_numbers_without_warnings(name, fn, torch_fn, dtype):
    """x - max(x) overflows to -inf where the logits span more than the dtype's range: e^-inf = 0 is the
    answer (PyTorch's, silently), so NumPy's overflow warning is not raised."""
    top = 0.9 * np.finfo(dtype).max if dtype == np.float64 else TOP32
    logits = np.array([[top, -top, 0.0], [-top, 0.0, top]], dtype=dtype)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        compare(fn, torch_fn=torch_fn, inputs=[logits], dtype=dtype)
