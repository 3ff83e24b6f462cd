"""Grad modes: no_grad, enable_grad, set_grad_enabled as blocks, decorators and calls."""

from __future__ import annotations

import pytest
from autograd_helpers import _grad_mode_restored  # noqa: F401  (a fixture)

import nabla as nb

# --- grad modes ------------------------------------------------------------------------------


def test_no_grad_builds_no_graph():
    x = nb.ones(3, requires_grad=True)
    with nb.no_grad():
        assert not nb.is_grad_enabled()
        y = (x * 2).exp().sum()
    assert nb.is_grad_enabled()
    assert not y.requires_grad and y.grad_fn is None and y.is_leaf


def test_no_grad_as_decorator():
    x = nb.ones(3, requires_grad=True)

    @nb.no_grad()
    def f(t):
        return t * 2, nb.is_grad_enabled()

    y, enabled = f(x)
    assert not enabled and not y.requires_grad and y.grad_fn is None
    assert nb.is_grad_enabled()


def test_no_grad_decorated_recursive_function_restores_the_mode():
    @nb.no_grad()
    def depth(n):
        return 0 if n == 0 else 1 + depth(n - 1)

    assert depth(3) == 3
    assert nb.is_grad_enabled()


def test_no_grad_restores_the_mode_after_an_exception():
    with pytest.raises(ZeroDivisionError), nb.no_grad():
        1 / 0
    assert nb.is_grad_enabled()


def test_enable_grad_inside_no_grad():
    x = nb.ones(3, requires_grad=True)
    with nb.no_grad():
        with nb.enable_grad():
            y = x * 2
        z = x * 2
    assert y.requires_grad and y.grad_fn.name == "mul"
    assert not z.requires_grad

    @nb.enable_grad()
    def f(t):
        return t * 3

    with nb.no_grad():
        w = f(x)
    assert w.requires_grad


def test_set_grad_enabled_as_call_context_and_decorator():
    x = nb.ones(3, requires_grad=True)
    try:
        nb.set_grad_enabled(False)
        assert not nb.is_grad_enabled() and not (x * 2).requires_grad
    finally:
        nb.set_grad_enabled(True)
    assert (x * 2).requires_grad

    with nb.set_grad_enabled(False):
        assert not (x * 2).requires_grad
    assert nb.is_grad_enabled()
    with nb.no_grad(), nb.set_grad_enabled(True):
        assert (x * 2).requires_grad
    assert nb.is_grad_enabled()

    @nb.set_grad_enabled(False)
    def f(t):
        return t * 2

    assert nb.is_grad_enabled(), "decorating with set_grad_enabled(False) switched the mode off"
    assert not f(x).requires_grad
    assert nb.is_grad_enabled()


@pytest.mark.filterwarnings("ignore::RuntimeWarning")
def test_detect_anomaly_as_decorator_restores():
    @nb.detect_anomaly()
    def f():
        return nb.ones(1) * 2

    f()
    nb.log(nb.tensor([-1.0]).abs() - 2)  # outside: no check (NaN, no error)


def test_grad_mode_is_per_thread_as_in_pytorch():
    """no_grad in one thread leaves another recording, and a new thread starts recording (torch's rule)."""
    import threading

    import torch

    entered, release = threading.Event(), threading.Event()
    seen = {}

    def hold_no_grad():
        with nb.no_grad():
            seen["inside"] = nb.is_grad_enabled()
            entered.set()
            release.wait(10)

    def torch_hold_no_grad():
        with torch.no_grad():
            entered.set()
            release.wait(10)

    for hold, is_enabled in ((hold_no_grad, nb.is_grad_enabled), (torch_hold_no_grad, torch.is_grad_enabled)):
        entered.clear()
        release.clear()
        worker = threading.Thread(target=hold)
        worker.start()
        entered.wait(10)
        seen[hold.__name__] = is_enabled()  # main thread, while the worker sits inside no_grad
        release.set()
        worker.join()
    assert seen == {"inside": False, "hold_no_grad": True, "torch_hold_no_grad": True}

    with nb.no_grad():
        fresh = []
        thread = threading.Thread(target=lambda: fresh.append(nb.is_grad_enabled()))
        thread.start()
        thread.join()
        assert fresh == [True] and not nb.is_grad_enabled()
    x = nb.tensor([1.0, 2.0], requires_grad=True)
    assert (x * 2).requires_grad
