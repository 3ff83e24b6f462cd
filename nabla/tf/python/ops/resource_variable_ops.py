"""``tensorflow.python.ops.resource_variable_ops``: ``ResourceVariable``, the exact class of ``tf.Variable(...)``
(``type(tf.Variable(1.0)) == ResourceVariable`` holds, as in TensorFlow)."""

from ...variable import Variable as ResourceVariable

__all__ = ["ResourceVariable"]
