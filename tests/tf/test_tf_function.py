"""tf.function: the same results as the undecorated function, captured with nb.capture where that is safe,
run eagerly where nb.capture refuses (reading values, assignments, tapes), once at each new signature."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import tensorflow

import nabla as nb
import nabla.tf as tf


def test_a_pure_function_is_captured_and_replayed_with_the_same_numbers():
    w = tf.Variable(np.arange(6, dtype=np.float32).reshape(3, 2))
    calls = []

    @tf.function
    def predict(x):
        calls.append(1)  # Python side effects happen when the function is recorded, as in TensorFlow
        return tf.nn.relu(tf.matmul(x, w) + 1.0)

    x = tf.constant(np.random.default_rng(0).normal(size=(4, 3)).astype(np.float32))
    first, second = predict(x), predict(x)
    expected = tf.nn.relu(tf.matmul(x, w) + 1.0)
    for out in (first, second):
        assert isinstance(out, tf.Tensor) and out.dtype == tf.float32
        np.testing.assert_array_equal(out.numpy(), expected.numpy())
    assert len(calls) == 1 and predict._captured.captures == 1
    w.assign(w * 2.0)  # a variable's new values are read by the replay
    np.testing.assert_array_equal(predict(x).numpy(), tf.nn.relu(tf.matmul(x, w) + 1.0).numpy())


def test_a_training_step_with_a_tape_runs_eagerly_with_the_same_results():
    def make():
        nb.manual_seed(0)
        return tf.Variable(tf.random.normal((3, 1))), tf.Variable(tf.zeros(1))

    x = tf.constant(np.random.default_rng(1).normal(size=(8, 3)).astype(np.float32))
    y = tf.constant(np.random.default_rng(2).normal(size=(8, 1)).astype(np.float32))

    def step(w, b):
        with tf.GradientTape() as tape:
            loss = tf.reduce_mean(tf.square(tf.matmul(x, w) + b - y))
        dw, db = tape.gradient(loss, [w, b])
        w.assign_sub(0.1 * dw)
        b.assign_sub(0.1 * db)
        return loss

    w1, b1 = make()
    w2, b2 = make()
    decorated = tf.function(step, jit_compile=True, reduce_retracing=True)
    for _ in range(3):
        assert float(step(w1, b1)) == float(decorated(w2, b2))
    np.testing.assert_array_equal(w1.numpy(), w2.numpy())
    assert decorated._eager


def test_reading_values_or_printing_runs_eagerly():
    @tf.function
    def f(x):
        if tf.reduce_sum(x) > 0:  # Python control flow on a value: nb.capture refuses, eager mode decides
            return x * 2.0
        return x * -1.0

    assert f(tf.constant([1.0, 2.0])).numpy().tolist() == [2.0, 4.0]
    assert f(tf.constant([-1.0, -2.0])).numpy().tolist() == [1.0, 2.0]


def test_a_function_called_under_a_tape_is_differentiable():
    v = tf.Variable(3.0)
    square = tf.function(lambda t: t * t)
    square(tf.constant(1.0))
    with tf.GradientTape() as tape:
        y = square(v)
    assert float(tape.gradient(y, v)) == 6.0


def test_methods_and_run_functions_eagerly():
    class Scale(tf.Module):
        def __init__(self):
            super().__init__()
            self.k = tf.Variable(2.0)

        @tf.function
        def __call__(self, x):
            return self.k * x

    a, b = Scale(), Scale()
    b.k.assign(3.0)
    assert float(a(tf.constant(1.0))) == 2.0 and float(b(tf.constant(1.0))) == 3.0
    tf.config.run_functions_eagerly(True)
    try:
        assert tf.config.functions_run_eagerly() and float(a(tf.constant(2.0))) == 4.0
    finally:
        tf.config.run_functions_eagerly(False)


def test_a_refusal_after_a_state_change_raises_rather_than_doing_it_twice():
    w = tf.Variable([1.0])
    opt = nb.optim.SGD([w], lr=1.0)

    @tf.function
    def update(x):
        opt.step()  # an effect nb.capture replays...
        return float(x.numpy().sum())  # ...then a value read into Python, which it refuses

    w.grad = nb.ones(1)
    with pytest.raises(RuntimeError, match="changed state"):
        update(tf.constant([1.0]))
    assert w.numpy().tolist() == [0.0]  # the step was done once


def test_python_values_returned_become_tensors_as_in_tensorflow():
    """A graph function returns tensors: ``return 1`` gives ``tf.Tensor(1, shape=(), dtype=int32)``, captured or
    run eagerly (a function that prints with tf.print runs eagerly here)."""
    real = tensorflow()

    def body(tf):
        def f(x):
            tf.print("x:", x)
            return 1, 2.5, True, np.arange(3), None, {"y": x * 2}

        return f

    ours, theirs = tf.function(body(tf))(tf.constant(3.0)), real.function(body(real))(real.constant(3.0))
    assert repr(ours[:4]) == repr(theirs[:4]) and ours[4] is theirs[4] is None
    assert repr(ours[5]) == repr(theirs[5])
    captured = tf.function(lambda x: (x + 1, 7))(tf.constant([1.0]))
    assert repr(captured) == repr(real.function(lambda x: (x + 1, 7))(real.constant([1.0])))


def test_tf_print_prints_at_every_call_and_python_print_once_as_in_tensorflow(capfd):
    """The guide "Introduction to graphs and tf.function": Python's print runs while tracing, tf.print at
    every call; the function stays captured (nabla records the print and every replay repeats it).
    (TensorFlow's print op writes to the process's standard output itself: captured at the descriptor.)"""
    import sys

    def transcript(tf) -> str:
        @tf.function
        def f(x):
            print("Tracing!")
            tf.print("Executing", x, output_stream=sys.stdout, summarize=2)
            return x * 2

        for values in ([1, 2, 3, 4, 5], [6, 7, 8, 9, 10], [0, 0, 0, 0, 1]):
            f(tf.constant(values))
        sys.stdout.flush()
        return capfd.readouterr().out

    theirs = transcript(tensorflow())
    assert transcript(tf) == theirs
