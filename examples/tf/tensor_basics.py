"""TensorFlow 2 basics: constant tensors, variables, tensor math, and a first gradient.

The opening of a "tensors, variables and the gradient tape" lab, in TensorFlow's own idiom. It runs on
TensorFlow as written; on nabla, change the import line to ``import nabla.tf as tf`` and nothing else:
the printout is the same, character for character.

    python examples/tf/tensor_basics.py
"""

import numpy as np
import tensorflow as tf

# All-ones and all-zeros tensors, and random tensors (their shapes: their values depend on the generator).
x = tf.ones(shape=(2, 1))
print(x)
x = tf.zeros(shape=(2, 1))
print(x)
x = tf.random.normal(shape=(3, 1), mean=0.0, stddev=1.0)
print(x.shape, x.dtype)
x = tf.random.uniform(shape=(3, 1), minval=0.0, maxval=1.0)
print(x.shape, x.dtype)

# NumPy arrays are assignable, TensorFlow tensors are not: variables are.
x = np.ones(shape=(2, 2))
x[0, 0] = 0.0
v = tf.Variable(initial_value=tf.ones((3, 1)))
print(v)
v.assign(tf.ones((3, 1)) * 2.0)
v[0, 0].assign(3.0)
v.assign_add(tf.ones((3, 1)))
print(v)

# Tensor math.
a = tf.ones((2, 2))
b = tf.square(a)
c = tf.sqrt(a)
d = b + c
e = tf.matmul(a, b)
e *= d
print(e)
print(tf.reduce_sum(e), tf.reduce_mean(e, axis=0))

# dtypes as TensorFlow infers them.
print(tf.constant(1).dtype, tf.constant(1.0).dtype, tf.constant(np.ones(2)).dtype, tf.range(3))
print(tf.constant([1, 2]) / tf.constant([2, 2]))

# A first gradient.
input_var = tf.Variable(initial_value=3.0)
with tf.GradientTape() as tape:
    result = tf.square(input_var)
gradient = tape.gradient(result, input_var)
print(gradient)

# Constants must be watched.
input_const = tf.constant(3.0)
with tf.GradientTape() as tape:
    tape.watch(input_const)
    result = tf.square(input_const)
gradient = tape.gradient(result, input_const)
print(f"d(x^2)/dx at 3 = {gradient:.1f}")

# A scalar tensor formats like a number.
loss = tf.reduce_mean(tf.square(tf.constant([0.5, 1.5]) - 1.0))
print(f"loss: {loss:.4f}")
