"""tf.custom_gradient against TensorFlow's: grad_fn(upstream) for one or several inputs, nested results (each
output's upstream, zeros for an unused one), variables read inside (the ``variables`` keyword, or TF's
TypeError), keyword arguments, second derivatives through the rule, and Keras's fit with a custom op."""

from __future__ import annotations

import numpy as np
from tf_parity import same


def _log1pexp(tf):
    @tf.custom_gradient
    def log1pexp(x):
        e = tf.exp(x)

        def grad(upstream):
            return upstream * (1 - 1 / (1 + e))

        return tf.math.log(1 + e), grad

    return log1pexp


def test_one_input_one_output():
    def fn(tf):
        x = tf.constant([1.0, 2.0, -3.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = _log1pexp(tf)(x)
        return y, tape.gradient(y, x), _log1pexp(tf)(x)  # (and outside any tape)

    same(fn)


def test_several_inputs_and_nested_results_get_each_upstream():
    def fn(tf):
        seen = []

        @tf.custom_gradient
        def pair(x, z):
            def grad(d_first, d_a, d_b):  # the flattened structure: dict entries by sorted key
                seen.extend([d_first, d_a, d_b])
                return [d_first * 2.0 + d_b, tf.reduce_sum(d_a) * 3.0 + 7.0]

            return (x * 2.0, {"a": x * z, "b": x + z}), grad

        x, z = tf.constant([1.0, 2.0]), tf.constant(4.0)
        with tf.GradientTape() as tape:
            tape.watch([x, z])
            first, rest = pair(x, z)
            target = tf.reduce_sum(first * [1.0, 5.0]) + tf.reduce_sum(rest["b"])  # rest["a"] unused: zeros
        return first, rest, tape.gradient(target, [x, z]), seen

    same(fn)


def test_a_variable_read_inside_gets_the_gradient_of_the_variables_keyword():
    def fn(tf):
        v = tf.Variable(3.0, name="v")

        @tf.custom_gradient
        def scaled(x):
            def grad(upstream, variables=None):
                return upstream * v * 10.0, [tf.reduce_sum(upstream * x) * 100.0 for _ in variables]

            return x * v, grad

        x = tf.constant([1.0, 2.0])
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = scaled(x)
        return tape.gradient(y, [x, v])

    same(fn)


def test_a_variable_read_inside_needs_the_variables_keyword():
    def fn(tf):
        v = tf.Variable(3.0)

        @tf.custom_gradient
        def scaled(x):
            return x * v, lambda upstream: upstream * v

        return scaled(tf.constant(1.0))

    same(fn)  # TypeError in both


def test_a_variable_argument_keyword_arguments_and_a_list_of_one_gradient():
    def fn(tf):
        @tf.custom_gradient
        def times(x, scale=2.0):
            return x * scale, lambda upstream: [upstream * scale * 10.0]

        w = tf.Variable([1.0, -1.0])
        with tf.GradientTape() as tape:
            y = times(w, scale=4.0)
        return y, tape.gradient(y, w)

    same(fn)


def test_wrong_number_of_gradients_is_a_value_error():
    def fn(tf):
        @tf.custom_gradient
        def f(x, z):
            return x * z, lambda upstream: upstream

        x = tf.constant(1.0)
        with tf.GradientTape() as tape:
            tape.watch(x)
            y = f(x, tf.constant(2.0))
        return tape.gradient(y, x)

    same(fn)  # ValueError in both


def test_second_derivative_through_the_rule():
    def fn(tf):
        @tf.custom_gradient
        def cube(x):
            return x**3, lambda upstream: upstream * 3.0 * x * x

        x = tf.Variable(2.0)
        with tf.GradientTape() as outer:
            with tf.GradientTape() as inner:
                y = cube(x)
            dy = inner.gradient(y, x)
        return dy, outer.gradient(dy, x)

    same(fn)


def test_fit_through_a_layer_with_a_custom_gradient():
    def fn(tf):
        @tf.custom_gradient
        def clipped_identity(x):
            return tf.identity(x), lambda upstream: tf.clip_by_value(upstream, -0.01, 0.01)

        x = np.linspace(-1, 1, 64, dtype="float32").reshape(32, 2)
        y = (x @ np.array([[2.0], [-1.0]], dtype="float32")).astype("float32")
        model = tf.keras.Sequential(
            [tf.keras.Input((2,)), tf.keras.layers.Lambda(clipped_identity), tf.keras.layers.Dense(1, "zeros")]
        )
        model.compile(tf.keras.optimizers.SGD(0.1), "mse")
        model.fit(x, y, batch_size=32, epochs=3, verbose=0)
        return model.layers[-1].kernel.numpy()

    same(fn)
