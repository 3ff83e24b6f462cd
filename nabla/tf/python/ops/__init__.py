"""``tensorflow.python.ops``: only :mod:`.resource_variable_ops` (the class of ``tf.Variable``)."""
