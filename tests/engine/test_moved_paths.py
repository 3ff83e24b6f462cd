"""The engine's old module paths keep working while the code that uses them moves (nabla/_moved.py)."""

from __future__ import annotations

import importlib

import pytest

import nabla as nb


@pytest.mark.parametrize(
    "old, new",
    [
        ("nabla.tensor", "nabla.engine.tensor"),
        ("nabla.backend", "nabla.engine.backend"),
        ("nabla.creation", "nabla.engine.creation"),
        ("nabla.dtypes", "nabla.engine.dtypes"),
        ("nabla.random", "nabla.engine.random"),
        ("nabla.gradcheck", "nabla.engine.gradcheck"),
        ("nabla.serialization", "nabla.engine.serialization"),
        ("nabla.ops", "nabla.engine.ops"),
        ("nabla.ops.primitive", "nabla.engine.ops.primitive"),
        ("nabla.ops.loss", "nabla.engine.ops.loss"),
    ],
)
def test_an_old_path_is_the_very_module(old, new):
    assert importlib.import_module(old) is importlib.import_module(new)


def test_the_public_modules_stay_attributes_of_nabla():
    assert nb.ops is importlib.import_module("nabla.engine.ops")
    assert nb.random is importlib.import_module("nabla.engine.random")
    assert callable(nb.tensor)  # the function, as before: not the module of the same name


def test_a_reseed_through_the_old_path_is_the_generator_the_engine_draws_from():
    from nabla.random import manual_seed

    manual_seed(5)
    first = nb.rand(3).numpy()
    nb.manual_seed(5)
    assert (nb.rand(3).numpy() == first).all()


def test_the_split_modules_re_export_their_names():
    from nabla.autograd import CaptureError, Node, Version, _Mode, no_grad, refuse_in_capture  # noqa: F401
    from nabla.capturing import capture, recompute, replayed, update_in_place  # noqa: F401

    assert capture is nb.capture and CaptureError is nb.CaptureError
    with nb.no_grad():
        assert _Mode.grad_enabled is False
    _Mode.grad_enabled = False
    try:
        assert not nb.is_grad_enabled()
    finally:
        _Mode.grad_enabled = True
    assert _Mode.tape is None
