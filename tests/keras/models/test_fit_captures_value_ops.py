"""A model whose ``call`` uses an op without gradient computed from the step's values (``one_hot`` of an
argmax, ``argsort``, ``top_k``'s indices, integer ``mod`` and ``floor_divide``, ``isclose``, ``isin``,
``bincount``, ``nanargmax``, ``nanargmin``, ``unravel_index``), or reads values at positions computed so
(``sort``, ``quantile``, ``median``, ``average_pool``'s "same" window sizes) trains in ``fit``'s captured step
(``jit_compile=True``, which raises where a step cannot be captured) to the weights of eager training bit for
bit, so every replay recomputed the op from its batch; the op's values are Keras 3's (on torch, in-process)."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import keras

DIM = 4
RNG = np.random.default_rng(0)
X = RNG.normal(size=(10, DIM)).astype("float32")  # 10: batches of 4, 4 and 2 (replays, and a second capture)
Y = RNG.normal(size=(10, DIM)).astype("float32")


def _f(ops, x):
    return ops.cast(x, "float32")


# name: (the op on h, a (batch, DIM) float tensor; the layer's output from h and the op's result)
CASES = {
    "one_hot": (lambda ops, h: ops.one_hot(ops.argmax(h, -1), DIM), lambda ops, h, r: h * r + h),
    "argsort": (lambda ops, h: ops.argsort(h, -1), lambda ops, h, r: h * _f(ops, r)),
    "top_k": (
        lambda ops, h: ops.top_k(h, 2),
        lambda ops, h, r: ops.concatenate([r[0], r[0] * _f(ops, r[1])], axis=-1),
    ),
    "mod": (lambda ops, h: ops.mod(ops.argsort(h, -1), 3), lambda ops, h, r: h * _f(ops, r + 1)),
    "floor_divide": (lambda ops, h: ops.floor_divide(ops.argsort(h, -1), 2), lambda ops, h, r: h * _f(ops, r + 1)),
    "isclose": (lambda ops, h: ops.isclose(h, ops.zeros_like(h), atol=0.5), lambda ops, h, r: h * _f(ops, r) + h),
    "isin": (lambda ops, h: ops.isin(ops.argsort(h, -1), [0, 2]), lambda ops, h, r: h * _f(ops, r) + h),
    "bincount": (
        lambda ops, h: ops.bincount(ops.argmax(h, -1), minlength=DIM),
        lambda ops, h, r: h * ops.expand_dims(_f(ops, r), 0),
    ),
    "nanargmax": (lambda ops, h: ops.nanargmax(h, -1), lambda ops, h, r: h * ops.expand_dims(_f(ops, r + 1), -1)),
    "nanargmin": (lambda ops, h: ops.nanargmin(h, -1), lambda ops, h, r: h * ops.expand_dims(_f(ops, r + 1), -1)),
    "unravel_index": (
        lambda ops, h: ops.unravel_index(ops.argsort(h, -1), (2, 2)),
        lambda ops, h, r: h * _f(ops, r[0] - r[1] + 2),
    ),
    # differentiable ones that read positions computed from values or shapes
    "sort": (lambda ops, h: ops.sort(h, -1), lambda ops, h, r: h * r),
    "quantile": (lambda ops, h: ops.quantile(h, 0.3, axis=-1), lambda ops, h, r: h * ops.expand_dims(r, -1)),
    "median": (lambda ops, h: ops.median(h, axis=-1, keepdims=True), lambda ops, h, r: h * r),
    "average_pool(same)": (
        lambda ops, h: ops.average_pool(ops.reshape(h, (-1, 2, 2, 1)), 2, 1, padding="same"),
        lambda ops, h, r: h * ops.reshape(r, (-1, DIM)),
    ),
}


def _model(k, name):
    op, combine = CASES[name]

    class Uses(k.layers.Layer):
        def call(self, h):
            return combine(k.ops, h, op(k.ops, h))

    x = k.Input((DIM,))
    return k.Model(x, k.layers.Dense(DIM)(Uses()(k.layers.Dense(DIM)(x))))


def _fit(k, name, weights, **compile_kwargs):
    model = _model(k, name)
    model.compile(k.optimizers.SGD(0.01), "mse", **compile_kwargs)
    model.set_weights(weights)
    model.fit(X, Y, epochs=2, batch_size=4, shuffle=False, verbose=0)
    return model.get_weights()


@pytest.mark.parametrize("name", list(CASES))
def test_a_value_op_in_a_layer_trains_in_the_captured_step_as_eagerly(name):
    weights = [
        np.random.default_rng(1).normal(0, 0.5, w.shape).astype("float32") for w in _model(keras, name).get_weights()
    ]
    captured = _fit(keras, name, weights, jit_compile=True)
    eager = _fit(keras, name, weights, jit_compile=False)
    for c, e in zip(captured, eager):
        np.testing.assert_array_equal(c, e)


@pytest.mark.parametrize("name", list(CASES))
def test_the_value_op_gives_keras_values(name):
    k = keras_on_torch()
    h = RNG.normal(size=(6, DIM)).astype("float32")
    want, got = CASES[name][0](k.ops, k.ops.convert_to_tensor(h)), CASES[name][0](keras.ops, h)
    pairs = zip(want, got) if isinstance(want, (tuple, list)) else [(want, got)]
    for w, g in pairs:
        w, g = k.ops.convert_to_numpy(w), keras.ops.convert_to_numpy(g)
        assert g.shape == w.shape and g.dtype.kind == w.dtype.kind, (g.shape, w.shape, g.dtype, w.dtype)
        np.testing.assert_allclose(g, w, rtol=1e-6)


def test_convert_to_numpy_in_a_captured_step_is_refused_and_auto_trains_eagerly():
    """A replay would reuse the first batch's copy, so it is refused, as ``.numpy()`` is (TensorFlow refuses
    ``.numpy()`` in a ``tf.function`` too); ``jit_compile="auto"`` then trains eagerly."""

    def build():
        class Reads(keras.layers.Layer):
            def call(self, h):
                return h * keras.ops.convert_to_tensor(keras.ops.convert_to_numpy(h) > 0, "float32")

        x = keras.Input((DIM,))
        return keras.Model(x, keras.layers.Dense(DIM)(Reads()(keras.layers.Dense(DIM)(x))))

    model = build()
    model.compile(keras.optimizers.SGD(0.01), "mse", jit_compile=True)
    with pytest.raises(nb.CaptureError, match=r"keras.ops.convert_to_numpy"):
        model.fit(X, Y, epochs=1, batch_size=4, verbose=0)
    auto, eager = build(), build()
    eager.set_weights(auto.get_weights())
    for model, jit in ((auto, "auto"), (eager, False)):
        model.compile(keras.optimizers.SGD(0.01), "mse", jit_compile=jit)
        model.fit(X, Y, epochs=1, batch_size=4, shuffle=False, verbose=0)
    for a, e in zip(auto.get_weights(), eager.get_weights()):
        np.testing.assert_array_equal(a, e)


def test_an_array_or_number_converted_in_a_captured_step_is_read_at_each_replay():
    """``convert_to_tensor`` of a NumPy array of the user's is read by reference (changing it between steps
    changes what the step computes, as eagerly); a Python number is a constant of the step."""
    scale = np.ones(DIM, np.float32)
    step = nb.capture(lambda h: h * keras.ops.convert_to_tensor(scale) + keras.ops.convert_to_tensor(2.0))
    h = nb.tensor(X[:4])
    np.testing.assert_array_equal(step(h).numpy(), X[:4] + np.float32(2.0))
    scale[:] = 3.0
    np.testing.assert_array_equal(step(h).numpy(), X[:4] * np.float32(3.0) + np.float32(2.0))
