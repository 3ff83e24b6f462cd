"""Autodiff as Géron teaches it ("Hands-On Machine Learning", 3rd edition, chapter 12): a custom Huber loss,
gradients with GradientTape (persistent, watched constants, stop_gradient, Jacobians and Hessians by nested
tapes), the numerical trouble of a naive softplus and its fix with ``tf.custom_gradient``, and a persistent
tape whose gradients feed two groups of variables stepped one after the other.

Runs on TensorFlow as written; on nabla with the one line ``import nabla.tf as tf`` changed. Both print
the same values, character for character.

    python examples/tf/custom_gradients_geron.py
"""

import numpy as np
import tensorflow as tf


def huber_fn(y_true, y_pred):
    error = y_true - y_pred
    is_small_error = tf.abs(error) < 1
    squared_loss = tf.square(error) / 2
    linear_loss = tf.abs(error) - 0.5
    return tf.where(is_small_error, squared_loss, linear_loss)


print(huber_fn(0, np.linspace(-4, 4, 5)))
print(huber_fn(tf.constant([[2.0], [0.0]]), tf.constant([[10.0], [0.5]])))


def f(w1, w2):
    return 3 * w1**2 + 2 * w1 * w2


w1, w2 = tf.Variable(5.0), tf.Variable(3.0)
with tf.GradientTape() as tape:
    z = f(w1, w2)
print(tape.gradient(z, [w1, w2]))

with tf.GradientTape(persistent=True) as tape:
    z = f(w1, w2)
dz_dw1 = tape.gradient(z, w1)
dz_dw2 = tape.gradient(z, w2)
del tape
print(dz_dw1, dz_dw2)

c1, c2 = tf.constant(5.0), tf.constant(3.0)
with tf.GradientTape() as tape:
    z = f(c1, c2)
print(tape.gradient(z, [c1, c2]))
with tf.GradientTape() as tape:
    tape.watch(c1)
    tape.watch(c2)
    z = f(c1, c2)
print(tape.gradient(z, [c1, c2]))

with tf.GradientTape() as tape:
    z1 = f(w1, w2 + 2.0)
    z2 = f(w1, w2 + 5.0)
    z3 = f(w1, w2 + 7.0)
print(tape.gradient([z1, z2, z3], [w1, w2]))

with tf.GradientTape(persistent=True) as hessian_tape:
    with tf.GradientTape() as jacobian_tape:
        z = f(w1, w2)
    jacobians = jacobian_tape.gradient(z, [w1, w2])
hessians = [hessian_tape.gradient(jacobian, [w1, w2]) for jacobian in jacobians]
del hessian_tape
print(jacobians)
print(hessians)


def f(w1, w2):
    return 3 * w1**2 + tf.stop_gradient(2 * w1 * w2)


with tf.GradientTape() as tape:
    z = f(w1, w2)
print(z, tape.gradient(z, [w1, w2]))

x = tf.Variable(1e-50)
with tf.GradientTape() as tape:
    z = tf.sqrt(x)
print(tape.gradient(z, [x]))
print(tf.math.log(tf.exp(tf.constant(30.0, dtype=tf.float32)) + 1.0))


@tf.custom_gradient
def my_softplus(z):
    def my_softplus_gradients(grads):
        return grads * (1 - 1 / (1 + tf.exp(z)))

    result = tf.math.log(1 + tf.exp(-tf.abs(z))) + tf.maximum(0.0, z)
    return result, my_softplus_gradients


x = tf.Variable([1000.0])
with tf.GradientTape() as tape:
    z = my_softplus(x)
print(z, tape.gradient(z, [x]))

# Two groups of variables, each stepped with its gradient from one persistent tape, one after the other.
lower = tf.Variable([[0.5, -1.0], [2.0, 0.25]])
upper = tf.Variable([[1.5], [-0.5]])
inputs = tf.constant([[1.0, 2.0], [3.0, -1.0]])
with tf.GradientTape(persistent=True) as tape:
    loss = tf.reduce_mean(huber_fn(tf.constant([[1.0], [2.0]]), tf.nn.relu(inputs @ lower) @ upper))
for variables, learning_rate in (([lower], 0.1), ([upper], 0.01)):
    gradients = tape.gradient(loss, variables)
    for variable, gradient in zip(variables, gradients):
        variable.assign_sub(learning_rate * gradient)
del tape
print(loss)
print(lower)
print(upper)
