"""``tf.errors``: the exceptions TensorFlow raises where its operations refuse their inputs.

nabla.tf raises :class:`InvalidArgumentError` where TensorFlow does (two tensors of different dtypes in
one operation, a matmul of vectors), so that ``except tf.errors.InvalidArgumentError`` in course material
behaves the same. As in TensorFlow, these derive from ``OpError``, which derives from ``Exception``.
"""

from ._missing import missing as _missing


class OpError(Exception):
    """An operation failed (TensorFlow's base class of its runtime errors)."""

    def __init__(self, node_def=None, op=None, message="", *args):
        # TensorFlow's signature is (node_def, op, message); a single argument is the message.
        if not message and op is None and isinstance(node_def, str):
            node_def, message = None, node_def
        super().__init__(message)
        self.node_def, self.op, self.message = node_def, op, message


class InvalidArgumentError(OpError):
    """An operation received an argument it cannot take (a dtype mismatch, a wrong rank)."""


class NotFoundError(OpError):
    """Something requested (a file, a name) does not exist."""


class AlreadyExistsError(OpError):
    """What an operation would create exists already (``tf.io.gfile.rename`` or ``copy`` onto a file)."""


class UnimplementedError(OpError):
    """The operation is not implemented for these inputs."""


class ResourceExhaustedError(OpError):
    """Out of memory or another resource."""


class FailedPreconditionError(OpError):
    """The system is not in a state the operation needs (a dataset whose count is not the one asserted)."""


class DataLossError(OpError):
    """Data was lost or corrupted (a TFRecord file whose lengths or checksums are wrong, or that ends early)."""


class CancelledError(OpError):
    """An operation was cancelled (an enqueue into a closed ``tf.queue`` queue, closing one twice)."""


class DeadlineExceededError(OpError):
    """An operation would wait longer than allowed (nabla: a ``tf.queue`` dequeue from a queue without enough
    elements, which TensorFlow would wait on forever)."""


class OutOfRangeError(OpError):
    """An iterator has no more elements (``iterator.get_next()`` at the end of a ``tf.data`` dataset)."""


def __getattr__(name: str):
    raise _missing("tf.errors", name)
