"""``tensorflow.python.framework.ops``: ``EagerTensor``, the exact class of what every ``tf`` function returns
(``type(tf.add(a, b)) == EagerTensor`` holds, as in TensorFlow)."""

from ...tensor import Tensor as EagerTensor

__all__ = ["EagerTensor"]
