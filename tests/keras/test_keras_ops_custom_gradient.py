"""keras.ops.custom_gradient against Keras 3 on its torch backend: grad_fn(*args, upstream=...) for one and
two arguments (broadcast gradients summed back), the forward run without a graph, one output only, the
gradient of a layer's weight under fit (where Keras's torch backend gives none: see the docstring), and
second derivatives through the rule."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import assert_ops_match, keras_on_torch

import nabla as nb
from nabla import keras as nk


def _softplus_with_rule(ops):
    @ops.custom_gradient
    def log1pexp(x):
        e = ops.exp(x)

        def grad(*args, upstream=None):
            if upstream is None:
                (upstream,) = args
            return ops.multiply(upstream, 1.0 - 1.0 / ops.add(1.0, e))

        return ops.log(1.0 + e), grad

    return log1pexp


def _scale_and_shift_with_rule(ops):
    @ops.custom_gradient
    def f(x, z):
        def grad(x, z, upstream=None):  # a deliberately different rule: the result shows which one ran
            return upstream * 2.0 + x, upstream * 3.0

        return x * 2.0 + z, grad

    return f


def test_one_argument_matches_keras():
    x = np.array([1.0, 2.0, -3.0], dtype="float32")
    assert_ops_match(lambda ops, x: _softplus_with_rule(ops)(x), [x])


def test_two_arguments_and_a_broadcast_gradient_match_keras():
    x, z = np.array([[1.0, 2.0], [3.0, 4.0]], dtype="float32"), np.array(5.0, dtype="float32")
    assert_ops_match(lambda ops, x, z: _scale_and_shift_with_rule(ops)(x, z), [x, z])


def test_the_forward_records_no_graph_and_one_output_is_required():
    keras_on_torch()
    inside = []

    @nk.ops.custom_gradient
    def f(x):
        y = x * 2.0
        inside.append(y.requires_grad)
        return y, lambda x, upstream=None: upstream

    x = nb.tensor([1.0], requires_grad=True)
    assert f(x).requires_grad and inside == [False]  # torch.autograd.Function's forward: no grad either

    @nk.ops.custom_gradient
    def two(x):
        return (x, x), lambda x, upstream=None: upstream

    with pytest.raises(TypeError, match="one output tensor"):
        two(x)


def test_second_derivative_through_the_rule():
    @nk.ops.custom_gradient
    def cube(x):
        return x**3, lambda x, upstream=None: upstream * 3.0 * x * x

    x = nb.tensor(2.0, requires_grad=True)
    (dy,) = nb.grad(cube(x), [x], create_graph=True)
    (d2y,) = nb.grad(dy, [x])
    assert float(dy) == 12.0 and float(d2y) == 12.0


def test_a_weight_passed_to_the_function_trains_under_fit():
    @nk.ops.custom_gradient
    def scale(x, w):
        def grad(x, w, upstream=None):
            return upstream * w, nk.ops.sum(upstream * x, axis=0)

        return x * w, grad

    class Scale(nk.layers.Layer):
        def build(self, shape):
            self.w = self.add_weight(shape=(shape[-1],), initializer="ones")

        def call(self, x):
            return scale(x, self.w)

    rng = np.random.default_rng(0)
    x = rng.uniform(size=(32, 3)).astype("float32")
    model = nk.Sequential([nk.Input((3,)), Scale(), nk.layers.Dense(1)])
    model.compile("sgd", "mse")
    model.fit(x, 3.0 * x.sum(1, keepdims=True), epochs=2, verbose=0)
    assert not np.allclose(model.layers[0].w.numpy(), 1.0)  # Keras's torch backend leaves it at ones
