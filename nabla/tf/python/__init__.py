"""``tensorflow.python``: TensorFlow's internal package, of which course material imports two class names.

The Deep Learning Specialization's graders check ``type(result) == EagerTensor`` and
``type(parameter) == ResourceVariable`` with ``from tensorflow.python.framework.ops import EagerTensor`` and
``from tensorflow.python.ops.resource_variable_ops import ResourceVariable``. Under the import rule those
lines reach these modules, which name nabla.tf's own classes; nothing else of TensorFlow's internals is here.
"""
