"""The buffers a captured step keeps for its large temporaries (nabla.capture.buffers): replays stay eager
mode's numbers bit for bit, and nothing a replay hands out is overwritten by the next one."""

from __future__ import annotations

import sys

import numpy as np
import pytest
from capture_helpers import _assert_twins, _train_step, _twins

import nabla as nb
from nabla import nn

buffers = sys.modules["nabla.capture.buffers"]  # (nabla.capture is also the name of nb.capture)


def _w6_model():
    """The benchmark CNN (W6): conv3x3x32-ReLU-maxpool2-conv3x3x64-ReLU-maxpool2-dense10 on 1x28x28."""
    return nn.Sequential(
        nn.Conv2d(1, 32, 3), nn.ReLU(), nn.MaxPool2d(2), nn.Conv2d(32, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(64 * 5 * 5, 10),
    )  # fmt: skip


def test_the_benchmark_cnn_replays_bit_for_bit_from_its_buffers():
    rng = np.random.default_rng(3)
    xs = [rng.random((64, 1, 28, 28), dtype=np.float32) for _ in range(5)]
    ys = [rng.integers(0, 10, 64) for _ in range(5)]

    def build():
        model = _w6_model()
        return model, nb.optim.SGD(model.parameters(), lr=0.01)

    results = _twins(build, _train_step(nb.cross_entropy), xs, ys)
    step = _assert_twins(results)
    for p, q in zip(results[0][1].parameters(), results[1][1].parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())
    assert "xpb" in step.code
    # The plan: the arena holds what eager mode holds at once (three of the first layer's 5.3 MiB arrays).
    assert 0 < step.buffer_bytes <= 3 * 64 * 32 * 26 * 26 * 4 + 4096


@pytest.fixture
def small_buffers(monkeypatch):
    """Every array of the pooled kernels from the buffers, so that small models exercise them."""
    monkeypatch.setattr(buffers, "MIN_BYTES", 1)


def test_what_a_replay_hands_out_survives_the_next_replay(small_buffers):
    """Activations returned by the step and the input's gradient (a convolution's, from the buffers) are
    the user's: the next replays take other memory while they are held."""
    rng = np.random.default_rng(4)
    batches = [(rng.standard_normal((3, 2, 8, 8)).astype(np.float32), rng.integers(0, 3, 3)) for _ in range(5)]

    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            h = nb.relu(model[0](x))
            loss = nb.cross_entropy(model[2](model[1](h).reshape(3, -1)), y)
            loss.backward()
            opt.step()
            return loss, h

        return step

    def build():
        model = nn.Sequential(nn.Conv2d(2, 4, 3, padding=1), nn.MaxPool2d(2), nn.Linear(4 * 4 * 4, 3))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    runs = []
    for captured in (False, True):
        nb.manual_seed(0)
        model, opt = build()
        step = nb.capture(make(model, opt)) if captured else make(model, opt)
        kept = []
        for x, y in batches:
            xt = nb.from_numpy(x).requires_grad_()
            loss, h = step(xt, nb.from_numpy(y))
            kept.append((loss, h, xt, model[0].weight.grad))
        runs.append([(loss.numpy().copy(), h.numpy().copy(), xt.grad.numpy().copy(), gw.numpy().copy())
                     for loss, h, xt, gw in kept])  # fmt: skip
        runs[-1].append(kept)
    (*eager, _), (*replayed, kept) = runs
    assert "xpb" in step.code and step.buffer_bytes > 0
    for (e, r), (loss, h, xt, gw) in zip(zip(eager, replayed), kept):
        for a, b in zip(e, r):
            np.testing.assert_array_equal(a, b)
        # the arrays themselves, read after every later replay, still hold their own step's values
        for a, t in zip(e, (loss, h, xt.grad, gw)):
            np.testing.assert_array_equal(a, t.numpy())


def test_channels_last_cnn_replays_bit_for_bit_from_its_buffers(small_buffers):
    from test_capture_conv_channels_last import test_captured_channels_last_cnn_is_bit_identical

    test_captured_channels_last_cnn_is_bit_identical()


def test_small_cnn_with_momentum_replays_bit_for_bit_from_its_buffers(small_buffers):
    from test_capture_parity import test_small_cnn_is_bit_identical

    test_small_cnn_is_bit_identical()


@pytest.mark.parametrize(
    "make",
    [
        lambda: np.empty((4, 3, 5, 6), np.float32),
        lambda: np.empty((4, 5, 6, 3), np.float32).transpose(0, 3, 1, 2),  # NCHW view of channels-last memory
        lambda: np.empty((4, 1, 5, 6), np.float32)[:, :, ::2],  # a size-1 axis, a strided view
        lambda: np.empty((6, 5), np.float64).T,
    ],
)
def test_empty_like_lays_memory_out_as_numpy_does(make):
    x = make()
    ws = buffers.Buffers()
    ws.min_bytes = 1
    for dtype in (None, np.bool_):
        got, want = ws.empty_like(x, dtype), np.empty_like(x, dtype=dtype)
        assert got.shape == want.shape and got.dtype == want.dtype and got.strides == want.strides


def test_a_region_still_referenced_is_not_handed_out_again():
    ws = buffers.Buffers()
    ws.min_bytes = 1
    ws.start()
    a = ws.empty((100,), np.float32)  # recorded: freed before the next request
    del a
    b = ws.empty((100,), np.float32)
    ws.start()  # the plan: both requests share one region
    assert ws.nbytes == 400
    first = ws.empty((100,), np.float32)
    second = ws.empty((100,), np.float32)  # `first` is still held: another array
    assert not np.shares_memory(first, second)
    first[:] = 1
    second[:] = 2
    np.testing.assert_array_equal(first, 1)
    del b


def test_small_arrays_are_new_arrays_laid_out_as_numpy_does():
    ws = buffers.Buffers()  # (MIN_BYTES: these are below it)
    x = np.empty((4, 5, 6, 3), np.float32).transpose(0, 3, 1, 2)
    got = ws.empty_like(x)
    assert got.strides == np.empty_like(x).strides and ws.nbytes == 0
