"""TensorFlow 2's initializers of its top namespace: ``tf.random_normal_initializer``, ``tf.zeros_initializer``...

They are TensorFlow's ``init_ops_v2`` classes, whose defaults Keras's initializers share (a normal of mean 0
and stddev 0.05, a uniform on [-0.05, 0.05], a constant of 0): here Keras's, called as TensorFlow calls them,
``init(shape, dtype=tf.float32)``, giving a ``tf.Tensor`` (Introduction to Keras for Researchers:
``tf.Variable(initial_value=w_init(shape=(input_dim, units), dtype="float32"))``).
"""

from __future__ import annotations

from ..keras import initializers as _keras
from . import dtypes
from ._convert import as_tf


def _tf_initializer(keras_class: type, name: str) -> type:
    class Initializer(keras_class):
        def __call__(self, shape, dtype=dtypes.float32, **kwargs):
            return as_tf(super().__call__(shape, dtype=dtype, **kwargs))

    Initializer.__name__ = Initializer.__qualname__ = name
    return Initializer


constant_initializer = _tf_initializer(_keras.Constant, "constant_initializer")
ones_initializer = _tf_initializer(_keras.Ones, "ones_initializer")
random_normal_initializer = _tf_initializer(_keras.RandomNormal, "random_normal_initializer")
random_uniform_initializer = _tf_initializer(_keras.RandomUniform, "random_uniform_initializer")
zeros_initializer = _tf_initializer(_keras.Zeros, "zeros_initializer")
