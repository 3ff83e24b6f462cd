"""Shared by the ONNX tests: run an exported model in ONNX Runtime and compare it with nabla."""

from __future__ import annotations

import numpy as np
from conftest import require

import nabla as nb
import nabla.onnx
from nabla import models

BATCHES = (1, 7)


def session(source):
    """An ONNX Runtime session for a ModelProto or a file path."""
    ort = require("onnxruntime")
    data = source if isinstance(source, str) else source.SerializeToString()
    return ort.InferenceSession(data, providers=["CPUExecutionProvider"])


def nabla_outputs(model, x: np.ndarray) -> np.ndarray:
    """What nabla computes for ``x`` at inference: ``predict`` for a Keras-style model, eval mode otherwise."""
    if isinstance(model, models.Model):
        return model.predict(x, batch_size=len(x))
    mode = model.training
    model.eval()
    with nb.no_grad():
        out = model(nb.from_numpy(x)).numpy()
    model.train(mode)
    return out


def assert_exports(model, make_input, path=None, *, example=None, tol=1e-5, **options):
    """Export ``model`` and check ONNX Runtime gives nabla's outputs at batch sizes 1 and 7.

    ``make_input(n)`` draws a batch of n inputs; the file is written to ``path`` when given.
    Returns the ModelProto.
    """
    require("onnx")
    proto = nabla.onnx.export(model, example, None if path is None else str(path), **options)
    source = str(path) if path is not None else proto
    run = session(source)
    (inp,), (out,) = run.get_inputs(), run.get_outputs()
    assert inp.shape[0] == "batch" and out.shape[0] == "batch", "the batch axis must be symbolic"
    for n in BATCHES:
        x = make_input(n)
        got = run.run(["output"], {"input": x})[0]
        want = nabla_outputs(model, x)
        assert got.shape == want.shape and got.dtype == want.dtype
        np.testing.assert_allclose(got, want, rtol=tol, atol=tol)
    return proto


def floats(*shape, scale: float = 1.0, seed: int = 0):
    """A maker of float32 batches of one-sample ``shape``, different at each call."""
    rng = np.random.default_rng(seed)
    return lambda n: (scale * rng.standard_normal((n, *shape))).astype(np.float32)


def assert_functional_exports(model, makers, path=None, *, tol=1e-5, **options):
    """Export a functional model and check ONNX Runtime gives each of its outputs, at batch sizes 1 and 7.

    ``makers``: one batch maker per input (see :func:`floats`). Returns the ModelProto.
    """
    require("onnx")
    proto = nabla.onnx.export(model, None, None if path is None else str(path), **options)
    run = session(str(path) if path is not None else proto)
    assert all(i.shape[0] == "batch" for i in run.get_inputs()), "every input's batch axis must be symbolic"
    assert all(o.shape[0] == "batch" for o in run.get_outputs()), "every output's batch axis must be symbolic"
    for n in BATCHES:
        xs = [make(n) for make in makers]
        got = run.run(None, {i.name: x for i, x in zip(run.get_inputs(), xs)})
        model.eval()
        with nb.no_grad():
            want = model(xs if len(xs) > 1 else xs[0], training=False)
        want = [t.numpy() for t in (want if isinstance(want, (list, tuple)) else [want])]
        assert len(got) == len(want)
        for g, w in zip(got, want):
            assert g.shape == w.shape and g.dtype == w.dtype
            np.testing.assert_allclose(g, w, rtol=tol, atol=tol)
    return proto
