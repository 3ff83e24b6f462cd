"""A ReLU convolution pooled by ``max_pool2d_nhwc``: one node, one gradient pass (engine/ops/conv.py).

When the pooled tensor is, in the graph, the output of ``conv2d_nhwc(..., relu=True)``, the pooling is
recorded from the convolution's own inputs and its gradient runs the pool's and ReLU's rules as one pass
(``relu_max_pool_grad``). Checked here: the values and the three gradients equal the unfused rules' bit for
bit (tiling and overlapping windows, padding, strides, dilation, no bias, NaN, float64), and PyTorch's
conv-ReLU-pool; a second use of the convolution's output adds its own gradient; a hook on that output keeps
the plain nodes, and asking for its gradient after the pooling (retain_grad, a hook, nb.grad) turns the fused
node back into them; second derivatives; a captured step replays it bit for bit.
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla.engine import ops

CASES = [  # (x shape NHWC, kernel (kh, kw, C, O), conv stride, padding, dilation, pool, pool stride, bias)
    ((4, 9, 9, 3), (3, 3, 3, 5), 1, 0, 1, (2, 2), None, True),
    ((2, 10, 11, 2), (3, 3, 2, 4), 1, 1, 1, (3, 3), (2, 2), True),  # overlapping windows, padding
    ((3, 12, 12, 1), (3, 2, 1, 6), 2, 0, 1, (2, 2), None, False),  # no bias, strided convolution
    ((2, 13, 13, 4), (2, 2, 4, 3), 1, 0, 2, (3, 2), (3, 2), True),  # dilation, windows leaving a strip
]


def _run(case, fused: bool, dtype=np.float32, seed=0, hook=None):
    shape, kshape, stride, padding, dilation, pool, pool_stride, has_bias = case
    rng = np.random.default_rng(seed)
    x = nb.tensor(rng.integers(-3, 4, shape).astype(dtype), requires_grad=True)  # integers: ties in windows
    k = nb.tensor(rng.integers(-2, 3, kshape).astype(dtype), requires_grad=True)
    b = nb.tensor(rng.integers(-2, 3, kshape[3]).astype(dtype), requires_grad=True) if has_bias else None
    y = ops.conv2d_nhwc(x, k, b, stride, padding, dilation, relu=True)
    if hook is not None:
        y.register_hook(hook)
    if fused:
        p = ops.max_pool2d_nhwc(y, pool, pool_stride)
    else:
        p = ops.max_pool2d(y.permute(0, 3, 1, 2), pool, pool_stride).permute(0, 2, 3, 1)
    g = np.random.default_rng(seed + 1).standard_normal(p.shape).astype(dtype)
    (p * nb.tensor(g)).sum().backward()
    grads = [t.grad.numpy() for t in (x, k, b) if t is not None]
    return p, [p.detach().numpy(), *grads]


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_one_node_gives_the_unfused_numbers_bit_for_bit(case, dtype):
    pooled, fused = _run(case, True, dtype)
    assert pooled._node.prim.name == "conv2d_relu_max_pool"
    _, plain = _run(case, False, dtype)
    for a, b in zip(fused, plain):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("path", ["numpy", "compiled"])
def test_nan_windows_and_both_paths(path, monkeypatch):
    # A NaN pixel makes NaN windows (their gradient reaches nothing, as ReLU's gradient is 0 at NaN), with
    # and without Numba's loops.
    if path == "compiled":
        require("numba")
    else:
        from nabla.engine import pool_kernels

        monkeypatch.setattr(pool_kernels._gradient_loops, "_kernel", None)
    case = CASES[0]
    results = []
    for fused in (True, False):
        rng = np.random.default_rng(3)
        xs = rng.standard_normal(case[0]).astype(np.float32)
        xs[1, 4, 4, 0] = np.nan
        x = nb.tensor(xs, requires_grad=True)
        k = nb.tensor(rng.standard_normal(case[1]).astype(np.float32), requires_grad=True)
        y = ops.conv2d_nhwc(x, k, None, relu=True)
        p = ops.max_pool2d_nhwc(y, 2) if fused else ops.max_pool2d(y.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
        p.sum().backward()
        results.append([p.detach().numpy(), x.grad.numpy(), k.grad.numpy()])
    assert np.isnan(results[0][0]).any()
    for a, b in zip(*results):
        np.testing.assert_array_equal(a, b)


def test_matches_pytorch():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(5)
    x = rng.standard_normal((3, 11, 10, 4))
    k = rng.standard_normal((3, 3, 4, 6))
    b = rng.standard_normal(6)
    g = rng.standard_normal((3, 3, 3, 6))  # (11x10 padded by 1, pooled by 3)
    tx, tk, tb = (torch.tensor(a, requires_grad=True) for a in (x.transpose(0, 3, 1, 2), k.transpose(3, 2, 0, 1), b))
    tp = torch.nn.functional.max_pool2d(torch.relu(torch.nn.functional.conv2d(tx, tk, tb, padding=1)), 3, 3)
    (tp * torch.tensor(g.transpose(0, 3, 1, 2))).sum().backward()
    nx, nk, nbias = (nb.tensor(a, requires_grad=True) for a in (x, k, b))
    p = ops.max_pool2d_nhwc(ops.conv2d_nhwc(nx, nk, nbias, padding=1, relu=True), 3)
    assert p._node.prim.name == "conv2d_relu_max_pool"
    (p * nb.tensor(g)).sum().backward()
    np.testing.assert_allclose(p.detach().numpy(), tp.detach().numpy().transpose(0, 2, 3, 1), rtol=1e-12)
    np.testing.assert_allclose(nx.grad.numpy(), tx.grad.numpy().transpose(0, 2, 3, 1), rtol=1e-12, atol=1e-12)
    np.testing.assert_allclose(nk.grad.numpy(), tk.grad.numpy().transpose(2, 3, 1, 0), rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(nbias.grad.numpy(), tb.grad.numpy(), rtol=1e-10)


def test_a_second_use_of_the_convolution_output_adds_its_gradient():
    def run(fused):
        rng = np.random.default_rng(8)
        x = nb.tensor(rng.standard_normal((2, 8, 8, 3)).astype(np.float32), requires_grad=True)
        k = nb.tensor(rng.standard_normal((3, 3, 3, 4)).astype(np.float32), requires_grad=True)
        y = ops.conv2d_nhwc(x, k, None, padding=1, relu=True)
        p = ops.max_pool2d_nhwc(y, 2) if fused else ops.max_pool2d(y.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
        (p.sum() + (y * y).mean()).backward()
        return x.grad.numpy(), k.grad.numpy()

    for a, b in zip(run(True), run(False)):
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


def test_a_hooked_convolution_output_keeps_the_plain_nodes():
    seen = []
    pooled, fused = _run(CASES[0], True, hook=lambda g: seen.append(g.shape))
    assert pooled._node.prim.name != "conv2d_relu_max_pool"
    assert seen == [(4, 7, 7, 5)]  # the hook saw the convolution output's gradient
    _, plain = _run(CASES[0], False)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a, b)


def _asked_later(case, how: str, fused: bool = True):
    """Gradients of the convolution's output ``y`` asked for after ``y`` was pooled: ``retain`` (y.retain_grad()),
    ``hook`` (y.register_hook), ``grad`` (nb.grad(loss, [y, x]))."""
    shape, kshape, stride, padding, dilation, pool, pool_stride, _ = case
    rng = np.random.default_rng(11)
    x = nb.tensor(rng.integers(-3, 4, shape).astype(np.float32), requires_grad=True)
    k = nb.tensor(rng.integers(-2, 3, kshape).astype(np.float32), requires_grad=True)
    y = ops.conv2d_nhwc(x, k, None, stride, padding, dilation, relu=True)
    if fused:
        p = ops.max_pool2d_nhwc(y, pool, pool_stride)
        assert p._node.prim.name == "conv2d_relu_max_pool"
    else:
        p = ops.max_pool2d(y.permute(0, 3, 1, 2), pool, pool_stride).permute(0, 2, 3, 1)
    loss = (p * nb.tensor(rng.standard_normal(p.shape).astype(np.float32))).sum()
    if how == "grad":
        return [g.numpy() for g in nb.grad(loss, [y, x])]
    seen = []
    if how == "hook":
        y.register_hook(lambda g: seen.append(g.numpy().copy()))
    else:
        y.retain_grad()
    loss.backward()
    return [seen[0] if how == "hook" else y.grad.numpy(), x.grad.numpy(), k.grad.numpy()]


@pytest.mark.parametrize("how", ["retain", "hook", "grad"])
@pytest.mark.parametrize("case", CASES[:2])
def test_the_convolution_outputs_gradient_asked_for_after_the_pooling_is_the_plain_graphs(case, how):
    # Grad-CAM asks tape.gradient(class_score, conv_output) of a model whose Conv2D(relu) is pooled: the fused
    # node must turn back into the pool on y, or y's gradient is None (and a hook never runs).
    fused, plain = _asked_later(case, how), _asked_later(case, how, fused=False)
    assert np.abs(plain[0]).sum() > 0
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a, b)


def test_without_a_graph_it_pools_plainly():
    x = np.random.default_rng(2).standard_normal((2, 6, 6, 3)).astype(np.float32)
    k = np.random.default_rng(3).standard_normal((3, 3, 3, 2)).astype(np.float32)
    with nb.no_grad():
        p = ops.max_pool2d_nhwc(ops.conv2d_nhwc(x, k, None, relu=True), 2)
    expected = np.maximum(ops.conv2d_nhwc(x, k, None).numpy(), 0).reshape(2, 2, 2, 2, 2, 2).max(axis=(2, 4))
    np.testing.assert_array_equal(p.numpy(), expected)


def test_second_derivatives_equal_the_unfused_graphs():
    def run(fused):
        rng = np.random.default_rng(6)
        x = nb.tensor(rng.standard_normal((2, 7, 7, 3)) + 0.3, requires_grad=True)
        k = nb.tensor(rng.standard_normal((2, 2, 3, 4)), requires_grad=True)
        y = ops.conv2d_nhwc(x, k, None, relu=True)
        p = ops.max_pool2d_nhwc(y, 2) if fused else ops.max_pool2d(y.permute(0, 3, 1, 2), 2).permute(0, 2, 3, 1)
        (gx,) = nb.grad((p**2).sum(), x, create_graph=True)
        (gx**2).sum().backward()
        return gx.detach().numpy(), x.grad.numpy(), k.grad.numpy()

    for a, b in zip(run(True), run(False)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


def test_a_captured_step_replays_it_bit_for_bit():
    rng = np.random.default_rng(4)
    batches = [rng.standard_normal((4, 10, 10, 2)).astype(np.float32) for _ in range(3)]

    def make():
        k = nb.tensor(rng.standard_normal((3, 3, 2, 5)).astype(np.float32) * 0.4, requires_grad=True)
        return k, nb.optim.SGD([k], lr=0.1)

    def step(k, opt, x):
        opt.zero_grad()
        loss = (ops.max_pool2d_nhwc(ops.conv2d_nhwc(x, k, None, relu=True), 2) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    k_eager, opt_eager = make()
    k_cap = nb.tensor(k_eager.detach().numpy().copy(), requires_grad=True)
    opt_cap = nb.optim.SGD([k_cap], lr=0.1)
    captured = nb.capture(lambda x: step(k_cap, opt_cap, x))
    for x in batches:
        eager_loss, cap_loss = step(k_eager, opt_eager, nb.tensor(x)), captured(nb.tensor(x))
        assert eager_loss.item() == cap_loss.item()
    np.testing.assert_array_equal(k_eager.detach().numpy(), k_cap.detach().numpy())
    assert "conv2d_relu_max_pool" in captured.code


def test_rejects_wrong_inputs():
    with pytest.raises(ValueError, match=r"expected an \(N, H, W, C\) input"):
        ops.max_pool2d_nhwc(nb.zeros(3, 4, 4), 2)
    with pytest.raises(ValueError, match="too small"):
        ops.max_pool2d_nhwc(nb.zeros(1, 2, 2, 1), 3)


# --- channels-first: relu(z) pooled by max_pool2d (nn.ReLU then nn.MaxPool2d) ------------------------------

NCHW_CASES = [  # (z shape NCHW, pool, pool stride)
    ((4, 5, 9, 9), 2, None),
    ((2, 3, 10, 11), 3, 2),  # overlapping windows
    ((3, 2, 13, 12), (3, 2), (3, 2)),  # windows leaving a strip
]


def _relu_pool(case, plain: bool, dtype=np.float32, how=None):
    """relu(z) then max_pool2d, z the output of a node (z = w * v); ``plain``: a hook on relu(z) keeps the
    plain nodes. ``how``: ask for relu(z)'s gradient after the pooling (see :func:`_asked_later`)."""
    shape, pool, stride = case
    rng = np.random.default_rng(21)
    v = nb.tensor(rng.integers(-3, 4, shape).astype(dtype), requires_grad=True)  # integers: ties in windows
    w = nb.tensor(rng.integers(1, 3, shape[1:]).astype(dtype), requires_grad=True)
    y = nb.relu(v * w)
    if plain:
        y.register_hook(lambda g: None)
    p = ops.max_pool2d(y, pool, stride)
    assert (p._node.prim.name == "relu_max_pool") is not plain
    loss = (p * nb.tensor(rng.standard_normal(p.shape).astype(dtype))).sum()
    if how == "grad":
        return [g.numpy() for g in nb.grad(loss, [y, v])]
    seen = []
    if how == "hook":
        y.register_hook(lambda g: seen.append(g.numpy().copy()))
    elif how == "retain":
        y.retain_grad()
    loss.backward()
    asked = [seen[0] if how == "hook" else y.grad.numpy()] if how else []
    return [p.detach().numpy(), *asked, v.grad.numpy(), w.grad.numpy()]


@pytest.mark.parametrize("case", NCHW_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_relu_then_max_pool2d_is_one_node_with_the_plain_numbers_bit_for_bit(case, dtype):
    for a, b in zip(_relu_pool(case, False, dtype), _relu_pool(case, True, dtype)):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)


@pytest.mark.parametrize("how", ["retain", "hook", "grad"])
def test_relu_outputs_gradient_asked_for_after_max_pool2d_is_the_plain_graphs(how):
    fused, plain = _relu_pool(NCHW_CASES[0], False, how=how), _relu_pool(NCHW_CASES[0], True, how=how)
    for a, b in zip(fused, plain):
        np.testing.assert_array_equal(a, b)


def test_relu_then_max_pool2d_of_a_leaf_and_with_padding():
    z = nb.tensor(np.random.default_rng(3).standard_normal((2, 3, 6, 6)).astype(np.float32), requires_grad=True)
    p = ops.max_pool2d(nb.relu(z), 2)  # (z a leaf: its gradient accumulates into z.grad)
    assert p._node.prim.name == "relu_max_pool"
    p.sum().backward()
    fused = z.grad.numpy().copy()
    z.grad = None
    (ops.max_pool2d(nb.relu(z) * 1.0, 2)).sum().backward()
    np.testing.assert_array_equal(fused, z.grad.numpy())
    assert ops.max_pool2d(nb.relu(z), 3, 2, padding=1)._node.prim.name == "max_pool"  # (padding: -inf, plain)


def test_a_captured_cnn_step_with_relu_and_max_pool2d_replays_bit_for_bit():
    rng = np.random.default_rng(9)
    batches = [rng.standard_normal((4, 1, 12, 12)).astype(np.float32) for _ in range(3)]

    def make():
        nb.manual_seed(0)
        model = nb.nn.Sequential(nb.nn.Conv2d(1, 4, 3), nb.nn.ReLU(), nb.nn.MaxPool2d(2), nb.nn.Flatten(),
                                 nb.nn.Linear(100, 3))  # fmt: skip
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    def step(model, opt, x):
        opt.zero_grad()
        loss = (model(x) ** 2).mean()
        loss.backward()
        opt.step()
        return loss

    (eager, opt_eager), (cap, opt_cap) = make(), make()
    captured = nb.capture(lambda x: step(cap, opt_cap, x))
    for x in batches:
        assert step(eager, opt_eager, nb.tensor(x)).item() == captured(nb.tensor(x)).item()
    for a, b in zip(eager.parameters(), cap.parameters()):
        np.testing.assert_array_equal(a.detach().numpy(), b.detach().numpy())
    assert "relu_max_pool" in captured.code


def test_second_derivatives_through_relu_and_max_pool2d_equal_the_plain_graphs():
    def run(plain):
        z = nb.tensor(np.random.default_rng(6).standard_normal((2, 3, 6, 6)) + 0.3, requires_grad=True)
        y = nb.relu(z * z)
        if plain:
            y.register_hook(lambda g: None)
        (gz,) = nb.grad((ops.max_pool2d(y, 2) ** 2).sum(), z, create_graph=True)
        (gz**2).sum().backward()
        return gz.detach().numpy(), z.grad.numpy()

    for a, b in zip(run(False), run(True)):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("plain", [False, True])
def test_a_backward_pass_through_the_fused_node_frees_the_relu_node_as_the_plain_graphs(plain):
    z = nb.tensor(np.random.default_rng(2).standard_normal((2, 3, 6, 6)).astype(np.float32), requires_grad=True)
    y = nb.relu(z * 2.0)
    if plain:
        y.register_hook(lambda g: None)
    ops.max_pool2d(y, 2).sum().backward()
    assert y.grad_fn.next_inputs == ()  # (freed: a step may return y, as captured steps return activations)
    with pytest.raises(RuntimeError, match="second time"):
        y.sum().backward()


def _relu_of_leaf(plain: bool):
    """(z, y = relu(z)): z a leaf; ``plain``: a hook on y keeps the plain nodes."""
    z = nb.tensor(np.random.default_rng(3).standard_normal((2, 3, 6, 6)).astype(np.float32), requires_grad=True)
    y = nb.relu(z)
    if plain:
        y.register_hook(lambda g: None)
    return z, y


@pytest.mark.parametrize("plain", [False, True])
def test_pooling_a_relu_output_whose_node_backward_freed_records_the_plain_node(plain):
    z, y = _relu_of_leaf(plain)
    ops.max_pool2d(y, 2).sum().backward()
    p = ops.max_pool2d(y, 2)  # (the fused pooling read the freed node's inputs: TypeError)
    assert p._node.prim.name == "max_pool"
    with pytest.raises(RuntimeError, match="'relu' a second time"):
        p.sum().backward()


def test_pooling_a_relu_convolutions_output_after_backward_records_the_plain_node():
    x = nb.tensor(np.random.default_rng(4).standard_normal((1, 6, 6, 2)).astype(np.float32))
    k = nb.tensor(np.random.default_rng(5).standard_normal((3, 3, 2, 3)).astype(np.float32), requires_grad=True)
    y = ops.conv2d_nhwc(x, k, relu=True)
    y.sum().backward()
    assert ops.max_pool2d_nhwc(y, 2)._node.prim.name == "max_pool_nhwc"


@pytest.mark.parametrize("plain", [False, True])
def test_a_relu_node_freed_by_another_backward_raises_through_the_fused_node_as_the_plain_graph(plain):
    z, y = _relu_of_leaf(plain)
    p = ops.max_pool2d(y, 2)
    y.sum().backward()  # frees the ReLU's node
    with pytest.raises(RuntimeError, match="'relu' a second time"):
        p.sum().backward()


@pytest.mark.parametrize("plain", [False, True])
def test_a_hook_on_the_pooled_output_may_ask_for_the_relu_outputs_gradient(plain):
    z, y = _relu_of_leaf(plain)
    p = ops.max_pool2d(y, 2)
    p.register_hook(lambda g: y.retain_grad())  # (unfuses the node the walk is at: its rule ran on stale inputs)
    p.sum().backward()
    np.testing.assert_array_equal(y.grad.numpy(), z.grad.numpy())


@pytest.mark.parametrize("plain", [False, True])
def test_a_walk_limited_by_through_stops_at_the_relu_node_it_does_not_accept(plain):
    z, y = _relu_of_leaf(plain)
    mark = nb.engine.graph.sequence_mark()  # (a tape reset between the ReLU and the pooling)
    p = ops.max_pool2d(y, 2)
    (g,) = nb.grad(p.sum(), [z], allow_unused=True, through=lambda node: node.seq > mark)
    assert g is None


@pytest.mark.parametrize("plain", [False, True])
def test_pooling_a_relu_output_whose_leaf_stopped_requiring_grad_keeps_the_graph(plain):
    z, y = _relu_of_leaf(plain)
    z.requires_grad_(False)
    p = ops.max_pool2d(y, 2)
    assert p.requires_grad  # (fused, the needs came from z now: no node, and p.sum().backward() raised)
    p.sum().backward()


@pytest.mark.parametrize("channels_last", [False, True])
def test_a_walk_of_grad_fns_and_a_graph_picture_show_the_plain_operations(channels_last):
    """What the user wrote is what they see: pool <- relu <- convolution, with the plain graph's gradients."""
    rng = np.random.default_rng(4)
    x = nb.tensor(rng.standard_normal((2, 6, 6, 3)).astype(np.float32), requires_grad=True)
    k = nb.tensor(rng.standard_normal((3, 3, 3, 4)).astype(np.float32), requires_grad=True)

    def pooled():
        if channels_last:
            return ops.max_pool2d_nhwc(ops.conv2d_nhwc(x, k, None, 1, 0, 1, relu=True), 2)
        return ops.max_pool2d(nb.relu(x.permute(0, 3, 1, 2) * 2.0), 2)

    want = pooled()
    want.sum().backward()
    plain_grad, x.grad = x.grad.numpy().copy(), None
    p = pooled()
    assert p.grad_fn.name in ("conv2d_relu_max_pool", "relu_max_pool")
    (below,) = p.grad_fn.next_inputs
    assert p.grad_fn.name in ("max_pool_nhwc", "max_pool")
    assert below.grad_fn.name == ("conv2d_relu" if channels_last else "relu")
    assert below.shape == ((2, 4, 4, 4) if channels_last else (2, 3, 6, 6))
    drawing = nb.plot.graph(pooled()).dot
    assert "relu" in drawing.replace("relu_max_pool", "") and "relu_max_pool" not in drawing
    p.sum().backward()
    np.testing.assert_array_equal(x.grad.numpy(), plain_grad)
