"""Run the same function through ``nabla.tf`` and TensorFlow and compare values, dtypes and gradients.

Most op tests are one line::

    compare(lambda tf, x, y: tf.maximum(x, y), shapes=[(3, 1), (1, 4)])

``fn`` receives the module (``nabla.tf`` in one run, ``tensorflow`` in the other) and the inputs, so the
very code a TensorFlow user writes runs on both. Float inputs are trainable ``tf.Variable``\\ s; the
gradients of ``sum(out * w)`` for a random ``w`` are taken with a ``GradientTape`` in each library, and a
None in one must be a None in the other.
"""

from __future__ import annotations

import numpy as np

import nabla.tf as ntf

TOL = {np.dtype(np.float32): dict(rtol=2e-5, atol=2e-6), np.dtype(np.float64): dict(rtol=1e-10, atol=1e-12)}


def tensorflow():
    """TensorFlow, the reference (skips locally without it, fails in CI); conftest sets its quiet, plain-kernel
    environment before anything imports it."""
    from conftest import require

    return require("tensorflow")


def random_inputs(shapes, dtype=np.float64, low=-2.0, high=2.0, seed=0) -> list:
    rng = np.random.default_rng(seed)
    return [rng.uniform(low, high, size=s).astype(dtype) for s in shapes]


def _run(tf, fn, inputs, weights_seed: int, grad: bool):
    """``fn(tf, *inputs)`` under a tape, with the gradients of sum(out * w) for every float input."""
    floats = [isinstance(a, np.ndarray) and a.dtype.kind == "f" for a in inputs]
    args = [tf.Variable(a) if f else a for a, f in zip(inputs, floats)]
    with tf.GradientTape() as tape:
        out = fn(tf, *args)
        if grad and out.dtype.is_floating:
            w = np.random.default_rng(weights_seed).uniform(0.5, 1.5, size=tuple(out.shape))
            total = tf.reduce_sum(out * tf.constant(w.astype(out.dtype.as_numpy_dtype)))
    if not grad or not out.dtype.is_floating or not any(floats):
        return out, None
    grads = tape.gradient(total, [a for a, f in zip(args, floats) if f])
    return out, grads


def compare(
    fn, shapes=None, inputs=None, dtype=np.float64, grad=True, low=-2.0, high=2.0, rtol=None, atol=None, seed=0
):
    """Compare ``fn`` on ``nabla.tf`` with ``fn`` on TensorFlow: shape, dtype, values, gradients."""
    tf = tensorflow()
    if inputs is None:
        inputs = random_inputs(shapes, dtype, low, high, seed)
    ours, our_grads = _run(ntf, fn, inputs, seed + 1, grad)
    theirs, their_grads = _run(tf, fn, inputs, seed + 1, grad)
    expect = theirs.numpy()
    assert tuple(ours.shape) == expect.shape, f"shape {tuple(ours.shape)} != TensorFlow's {expect.shape}"
    assert ours.dtype.name == theirs.dtype.name, f"dtype {ours.dtype.name} != TensorFlow's {theirs.dtype.name}"
    tol = dict(TOL.get(expect.dtype, dict(rtol=0, atol=0)))
    tol.update({k: v for k, v in (("rtol", rtol), ("atol", atol)) if v is not None})
    np.testing.assert_allclose(ours.numpy(), expect, **tol, err_msg="values differ from TensorFlow's")
    if their_grads is None:
        return ours
    for i, (g, h) in enumerate(zip(our_grads, their_grads)):
        if h is None:
            assert g is None, f"gradient {i}: TensorFlow's is None, nabla.tf's is {g}"
            continue
        assert g is not None, f"gradient {i}: nabla.tf's is None, TensorFlow's is {h}"
        assert g.dtype.name == h.dtype.name, f"gradient {i} has dtype {g.dtype.name}, TensorFlow's {h.dtype.name}"
        np.testing.assert_allclose(g.numpy(), h.numpy(), **tol, err_msg=f"gradient {i} differs from TensorFlow's")
    return ours


def random_image(shape, dtype, seed=0) -> np.ndarray:
    """An image as tf.image takes it: uint8 values in [0, 255], float ones in [0, 1)."""
    rng = np.random.default_rng(seed)
    if np.dtype(dtype).kind == "u":
        return rng.integers(0, 256, size=shape).astype(dtype)
    return rng.uniform(0, 1, size=shape).astype(dtype)


def same_outcome(expression: str, namespace: dict | None = None) -> tuple[str, str]:
    """``repr(eval(expression))`` with ``tf`` bound to nabla.tf and to TensorFlow, or the exception's type
    name: what a user sees in each, for tests that the two print and refuse alike."""
    outcomes = []
    for tf in (ntf, tensorflow()):
        scope = {"tf": tf, "np": np, **(namespace or {})}
        try:
            outcomes.append(repr(eval(expression, scope)))  # noqa: S307 - the tests' own expressions
        except Exception as e:  # noqa: BLE001 - the type is what is compared
            outcomes.append(_error_kind(e))
    return outcomes[0], outcomes[1]


def _error_kind(e: Exception) -> str:
    """The exception's TensorFlow-visible kind: its type's name (nabla.tf's errors carry TF's names)."""
    return f"raises {type(e).__name__}"


def run_both(fn) -> tuple:
    """``fn(tf)`` on nabla.tf and on TensorFlow: each result, or the exception it raised."""
    results = []
    for tf in (ntf, tensorflow()):
        try:
            results.append(fn(tf))
        except Exception as e:  # noqa: BLE001 - compared by the caller
            results.append(e)
    return results[0], results[1]


def assert_same(ours, theirs, where: str = "result") -> None:
    """Nested results agree: tensors in values and dtype, None with None, errors with errors of one kind,
    Python values equal."""
    if isinstance(theirs, Exception):
        assert isinstance(ours, Exception), f"{where}: TensorFlow raised {theirs!r}, nabla.tf returned {ours!r}"
        assert type(ours).__name__ == type(theirs).__name__, f"{where}: raised {ours!r}, TensorFlow {theirs!r}"
        return
    assert not isinstance(ours, Exception), f"{where}: nabla.tf raised {ours!r}, TensorFlow returned {theirs!r}"
    if theirs is None:
        assert ours is None, f"{where}: TensorFlow gives None, nabla.tf {ours!r}"
    elif hasattr(theirs, "numpy") and hasattr(theirs, "dtype"):
        assert ours is not None and hasattr(ours, "numpy"), f"{where}: TensorFlow gives {theirs!r}, nabla.tf {ours!r}"
        assert ours.dtype.name == theirs.dtype.name, f"{where}: dtype {ours.dtype.name} != {theirs.dtype.name}"
        expect = np.asarray(theirs.numpy())
        tol = TOL.get(expect.dtype, dict(rtol=0, atol=0))
        np.testing.assert_allclose(np.asarray(ours.numpy()), expect, **tol, err_msg=where)
    elif isinstance(theirs, (np.ndarray, np.generic)):
        assert np.asarray(ours).dtype == np.asarray(theirs).dtype, f"{where}: {ours!r} != {theirs!r}"
        np.testing.assert_allclose(ours, theirs, **TOL.get(np.asarray(theirs).dtype, {}), err_msg=where)
    elif isinstance(theirs, dict):
        assert sorted(ours) == sorted(theirs), f"{where}: keys {sorted(ours)} != {sorted(theirs)}"
        for k in theirs:
            assert_same(ours[k], theirs[k], f"{where}[{k!r}]")
    elif isinstance(theirs, (list, tuple)):
        assert isinstance(ours, (list, tuple)) and len(ours) == len(theirs), f"{where}: {ours!r} != {theirs!r}"
        for i, (a, b) in enumerate(zip(ours, theirs)):
            assert_same(a, b, f"{where}[{i}]")
    else:
        assert ours == theirs, f"{where}: {ours!r} != TensorFlow's {theirs!r}"


def same_refusal(expression: str) -> None:
    """``eval(expression)`` (``tf`` and ``np`` bound) raises on TensorFlow and raises the same kind of error, on one
    line, on nabla.tf."""
    ours, theirs = run_both(lambda tf: eval(expression, {"tf": tf, "np": np}))  # noqa: S307 - the tests' own
    assert isinstance(theirs, Exception), f"TensorFlow accepted {expression}"
    assert isinstance(ours, Exception), f"nabla.tf accepted {expression}: {ours!r}"
    assert type(ours).__name__ == type(theirs).__name__, f"{expression}: {ours!r}; TensorFlow {theirs!r}"
    assert "\n" not in str(ours)


def same(fn) -> None:
    """``fn(tf)`` gives the same result (or the same kind of error) on nabla.tf and on TensorFlow."""
    assert_same(*run_both(fn))
