"""``tf.TensorArray`` against TensorFlow's eager one: writes, reads, stacking, gradients, refusals."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import assert_same, run_both

X = np.random.default_rng(0).normal(size=(4, 3, 2)).astype(np.float32)

CASES = {
    "unrolled loop": lambda tf: _unrolled(tf, size=4),
    "dynamic size": lambda tf: _unrolled(tf, size=0, dynamic_size=True),
    "empty": lambda tf: tf.TensorArray(tf.float32, size=0).stack(),
    "unwritten index": lambda tf: tf.TensorArray(tf.float32, size=3).write(1, X[0]).stack(),
    "read, size": lambda tf: (lambda ta: (ta.read(1), ta.size()))(tf.TensorArray(tf.float32, 2).unstack(X[:2])),
    "gather": lambda tf: tf.TensorArray(tf.float32, 4).unstack(X).gather([3, 0]),
    "concat": lambda tf: tf.TensorArray(tf.float32, 2).write(0, X[0]).write(1, X[1]).concat(),
    "python list": lambda tf: tf.TensorArray(tf.float32, 1).write(0, [1.0, 2.0]).stack(),
    "past the end": lambda tf: tf.TensorArray(tf.float32, size=1).write(2, X[0]),
    "other dtype": lambda tf: tf.TensorArray(tf.float32, size=1).write(0, tf.ones([2], tf.int32)),
    "other shape": lambda tf: tf.TensorArray(tf.float32, size=2).write(0, X[0]).write(1, X[0, 0]),
}


def _unrolled(tf, size: int, dynamic_size: bool = False):
    """Géron's chapter 15 MyRNN: outputs written in a tf.range loop, stacked and transposed; with the gradient."""
    x = tf.Variable(X)
    with tf.GradientTape() as tape:
        sequences = tf.TensorArray(x.dtype, size=size, dynamic_size=dynamic_size)
        state = tf.zeros([3, 2])
        for step in tf.range(4):
            state = tf.tanh(x[step] + state)
            sequences = sequences.write(step, state)
        out = tf.transpose(sequences.stack(), [1, 0, 2])
        total = tf.reduce_sum(out * out)
    return out, tape.gradient(total, x)


@pytest.mark.parametrize("case", CASES)
def test_tensor_array_matches_tensorflow(case):
    ours, theirs = run_both(CASES[case])
    assert_same(ours, theirs, case)
