"""The passes split over the batch across threads (engine/parallel.py) give the one-thread results bit for bit.

Each kernel that splits a pass (the patch copies and col2im of the convolution, its bias and ReLU, max
pooling and its gradient, ReLU's gradient) runs once on one thread and once split three ways with no size
threshold, over batches smaller than, equal to and not a multiple of the thread count, with and without a
captured step's buffers; then a CNN trains eagerly and under nb.capture, on one thread and split.
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb
from nabla import nn
from nabla.capture.buffers import Buffers
from nabla.engine import backend, conv_kernels, parallel

BATCHES = [1, 2, 3, 5]


@pytest.fixture
def split(monkeypatch):
    """A function that runs ``fn()`` on one thread, then split three ways; returns both results."""
    monkeypatch.setattr(parallel, "MIN_BYTES", 0)
    monkeypatch.setattr(conv_kernels, "BLOCK_BYTES", 2000)  # blocks of a few images, an uneven last one

    def both(fn):
        results = []
        for n in (1, 3):
            monkeypatch.setattr(parallel, "threads", lambda n=n: n)
            results.append(fn())
        return results

    return both


def _same_bits(a, b):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape and a.dtype == b.dtype
    assert np.ascontiguousarray(a).tobytes() == np.ascontiguousarray(b).tobytes()


def _conv_all(x, k, bias, g, stride, dilation, ws):
    if ws is not None:
        ws.start()
    out = conv_kernels.conv(x, k, bias, stride, dilation, relu=True, ws=ws).copy()
    g2 = g.reshape(-1, k.shape[3])
    gk = conv_kernels.conv_kernel_grad(g2, x, k.shape, stride, dilation, ws=ws).copy()
    gx = conv_kernels.conv_input_grad(g2, k, x.shape, stride, dilation, ws=ws).copy()
    return out, gk, gx


@pytest.mark.parametrize("n", BATCHES)
@pytest.mark.parametrize(
    "c, o, kernel, stride, dilation",
    [(1, 4, (3, 3), (1, 1), (1, 1)), (8, 6, (3, 3), (1, 1), (1, 1)), (10, 3, (2, 3), (2, 1), (2, 1))],
)
@pytest.mark.parametrize("buffers", [False, True])
def test_convolution_kernels_split_are_bit_identical(split, n, c, o, kernel, stride, dilation, buffers):
    rng = np.random.default_rng(n * 100 + c)
    x = rng.standard_normal((n, 11, 10, c)).astype(np.float32)
    k = rng.standard_normal((*kernel, c, o)).astype(np.float32)
    bias = rng.standard_normal(o).astype(np.float32)
    oh = (11 - dilation[0] * (kernel[0] - 1) - 1) // stride[0] + 1
    ow = (10 - dilation[1] * (kernel[1] - 1) - 1) // stride[1] + 1
    g = rng.standard_normal((n, oh, ow, o)).astype(np.float32)
    ws = Buffers() if buffers else None
    runs = split(lambda: [_conv_all(x, k, bias, g, stride, dilation, ws) for _ in range(2)])  # record, replay
    for one, three in zip(*runs):
        for a, b in zip(one, three):
            _same_bits(a, b)


@pytest.mark.parametrize("n", BATCHES)
@pytest.mark.parametrize("kernel, stride", [((2, 2), (2, 2)), ((3, 3), (2, 2)), ((2, 3), (1, 2))])
@pytest.mark.parametrize("buffers", [False, True])
def test_max_pool_and_its_gradient_split_are_bit_identical(split, n, kernel, stride, buffers):
    rng = np.random.default_rng(n)
    # channels-last memory seen as (N, C, H, W), as after a convolution; ties and a NaN included
    x = np.round(rng.standard_normal((n, 7, 9, 4)), 1).astype(np.float32)
    x[0, 3, 4, 1] = np.nan
    x = x.transpose(0, 3, 1, 2)
    ws = Buffers() if buffers else None

    def run():
        results = []
        for _ in range(2):
            if ws is not None:
                ws.start()
            out = backend.max_pool(x, kernel, stride, ws=ws)
            g = np.random.default_rng(3).standard_normal(out.shape).astype(np.float32)
            gx = backend.max_pool_grad(g, x, out, kernel, stride, ws=ws)
            relu_g = backend.keep(gx, x > 0, ws=ws)
            results.append((out.copy(), gx.copy(), relu_g.copy()))
        return results

    one, three = split(run)
    for a_run, b_run in zip(one, three):
        for a, b in zip(a_run, b_run):
            _same_bits(a, b)


class _Net(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 8, 3), nn.Conv2d(8, 9, 3)
        self.pool, self.head = nn.MaxPool2d(2), nn.Linear(9 * 2 * 2, 3)

    def forward(self, x):
        h = self.pool(nb.relu(self.c1(x)))
        h = self.pool(nb.relu(self.c2(h)))
        return self.head(h.reshape(h.shape[0], -1))


@pytest.mark.parametrize("n", [3, 5])
def test_a_cnn_trains_bit_identically_split_eager_and_captured(split, n):
    rng = np.random.default_rng(n)
    xs = [rng.standard_normal((n, 1, 14, 14)).astype(np.float32) for _ in range(3)]
    ys = [rng.integers(0, 3, n) for _ in range(3)]

    def train(captured):
        nb.manual_seed(0)
        model = _Net()
        opt = nb.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

        def step(x, y):
            opt.zero_grad()
            loss = nb.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        step = nb.capture(step) if captured else step
        losses = [step(nb.from_numpy(x), nb.from_numpy(y)).detach().numpy().copy() for x, y in zip(xs, ys)]
        return losses + [p.detach().numpy().copy() for p in model.parameters()]

    runs = [r for captured in (False, True) for r in split(lambda captured=captured: train(captured))]
    for other in runs[1:]:
        for a, b in zip(runs[0], other):
            _same_bits(a, b)


def test_one_thread_runs_the_pass_whole_on_the_caller(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 1)
    seen = []
    parallel.over_batch(seen.append, 7, 1 << 30)
    assert seen == [slice(0, 7)]


def test_threads_split_the_batch_into_contiguous_slices(monkeypatch):
    monkeypatch.setattr(parallel, "threads", lambda: 3)
    seen = []
    parallel.over_batch(seen.append, 2, 1 << 30)  # fewer images than threads: one slice each
    assert sorted(seen, key=lambda s: s.start) == [slice(0, 1), slice(1, 2)]
    seen.clear()
    parallel.over_batch(seen.append, 8, 1 << 30)
    assert sorted(seen, key=lambda s: s.start) == [slice(0, 2), slice(2, 5), slice(5, 8)]
    seen.clear()
    parallel.over_batch(seen.append, 8, parallel.MIN_BYTES - 1)  # a small pass stays whole
    assert seen == [slice(0, 8)]


def test_threads_follow_the_blas_setting():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert parallel.threads() == 1
    assert parallel.threads() >= 1
