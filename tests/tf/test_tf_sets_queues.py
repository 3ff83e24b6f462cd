"""tf.sets and tf.queue (Géron's chapter 12, "Sets" and "Queues"): the same code on nabla.tf and TensorFlow."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import tensorflow

import nabla.tf as ntf


def _plain(value):
    """A result as plain Python data: SparseTensors as (indices, values, dense_shape, dtype), tensors as
    (array, dtype), lists and dicts of them, for == between the two libraries."""
    if hasattr(value, "dense_shape"):
        return (value.indices.numpy().tolist(), value.values.numpy().tolist(), value.dense_shape.numpy().tolist(),
                value.values.dtype.name)
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, bytes, int, float)):  # (bool is an int)
        return value
    array = np.asarray(value.numpy())
    return (array.tolist(), array.shape, value.dtype.name)


def _outcome(fn, tf):
    try:
        return _plain(fn(tf))
    except Exception as e:  # the error's type is what must agree
        return type(e).__name__


def same(fn):
    """``fn(tf)`` on nabla.tf and on TensorFlow: equal results, or the same error type."""
    ours, theirs = _outcome(fn, ntf), _outcome(fn, tensorflow())
    assert ours == theirs
    return ours


A = [[1, 5, 9], [10, 0, 0]]
B = [[5, 6, 9, 11], [13, 0, 0, 0]]
SET1, SET2 = [[2, 3, 5, 7], [7, 9, 0, 0]], [[4, 5, 6], [9, 10, 0]]


def _sp_a(tf):
    return tf.SparseTensor([[0, 1], [1, 3]], [7, 3], [3, 6])


def _sp_b(tf):
    return tf.SparseTensor([[0, 0], [1, 1]], [7, 3], [2, 4])  # (2 sets where sp_a has 3)


# -- tf.sets: Géron's cells 85-91, then dtypes, sparse operands and ranks


@pytest.mark.parametrize("op", ["union", "intersection", "difference"])
def test_set_operations_on_gerons_tensors(op):
    same(lambda tf: getattr(tf.sets, op)(tf.constant(A), tf.constant(B)))
    same(lambda tf: tf.sparse.to_dense(getattr(tf.sets, op)(tf.constant(SET1), tf.constant(SET2))))
    same(lambda tf: tf.sparse.to_dense(getattr(tf.sets, op)(tf.constant(A), tf.constant(B)), default_value=-1))


def test_gerons_membership_check():
    same(lambda tf: tf.sets.size(tf.sets.intersection(tf.constant(SET1)[:1], tf.constant([[5, 0, 0, 0]]))) > 0)


def test_difference_b_minus_a_and_empty_results():
    same(lambda tf: tf.sets.difference(tf.constant(SET1), tf.constant(SET2), aminusb=False))
    same(lambda tf: tf.sets.intersection(tf.constant([[1, 2]]), tf.constant([[3]])))
    same(lambda tf: tf.sets.union(tf.zeros([0, 3], tf.int32), tf.zeros([0, 2], tf.int32)))


@pytest.mark.parametrize("dtype", ["int8", "int16", "int32", "int64", "uint8", "uint16"])
def test_integer_dtypes_are_kept(dtype):
    same(lambda tf: tf.sets.union(tf.constant([[3, 1, 3]], getattr(tf, dtype)), tf.constant([[2]], getattr(tf, dtype))))


def test_strings_lists_and_negative_numbers():
    same(lambda tf: tf.sets.union([["b", "a"], ["c", "c"]], [["a"], [""]]))
    same(lambda tf: tf.sets.difference(tf.constant([["x", "y"]]), tf.constant([["y", "z"]])))
    same(lambda tf: tf.sets.union([[-3, 2]], [[-7]]))


def test_rank_3_sets():
    same(lambda tf: tf.sets.difference(tf.constant([[[1, 2], [3, 3]]]), tf.constant([[[2], [4]]])))
    triples = lambda tf: tf.SparseTensor([[0, 0, 1], [0, 0, 2], [1, 1, 0]], [4, 4, 2], [2, 3, 5])  # noqa: E731
    same(lambda tf: tf.sets.size(triples(tf)))


@pytest.mark.parametrize("op", ["union", "intersection", "difference"])
def test_sparse_operands_in_every_order(op):
    same(lambda tf: getattr(tf.sets, op)(_sp_a(tf), tf.SparseTensor([[0, 0], [2, 1]], [7, 3], [3, 2])))
    same(lambda tf: getattr(tf.sets, op)(tf.constant(B), tf.SparseTensor([[0, 0], [1, 0]], [9, 0], [2, 3])))
    same(lambda tf: getattr(tf.sets, op)(tf.SparseTensor([[0, 0], [1, 0]], [9, 0], [2, 3]), tf.constant(B)))
    same(lambda tf: tf.sets.size(getattr(tf.sets, op)(tf.constant(A), tf.constant(B))))


def test_validate_indices():
    unsorted = lambda tf: tf.SparseTensor([[0, 1], [0, 0]], [1, 2], [1, 2])  # noqa: E731
    one = lambda tf: tf.SparseTensor([[0, 0]], [1], [1, 2])  # noqa: E731
    assert same(lambda tf: tf.sets.union(unsorted(tf), one(tf))) == "InvalidArgumentError"
    same(lambda tf: tf.sets.union(unsorted(tf), one(tf), validate_indices=False))
    assert same(lambda tf: tf.sets.size(unsorted(tf))) == "InvalidArgumentError"
    repeated = lambda tf: tf.SparseTensor([[0, 0], [0, 0]], [1, 2], [1, 2])  # noqa: E731
    assert same(lambda tf: tf.sets.size(repeated(tf))) == "InvalidArgumentError"
    same(lambda tf: tf.sets.size(tf.SparseTensor([[0, 0], [0, 1]], [2, 2], [1, 2])))


@pytest.mark.parametrize(
    "expression, error",
    [
        ("tf.sets.union(tf.constant([1, 2]), tf.constant([1]))", "InvalidArgumentError"),  # rank 1
        ("tf.sets.union(tf.constant(1), tf.constant(2))", "InvalidArgumentError"),
        ("tf.sets.union(tf.constant([[1]]), tf.constant([[1.0]]))", "TypeError"),
        ("tf.sets.union(tf.constant([[1]]), tf.constant([[1]], tf.int64))", "TypeError"),
        ("tf.sets.union(tf.constant([['a']]), tf.constant([[1]]))", "TypeError"),
        ("tf.sets.union(tf.constant([[1.0]]), tf.constant([[1.0]]))", "TypeError"),
        ("tf.sets.union(tf.constant([[True]]), tf.constant([[True]]))", "TypeError"),
        ("tf.sets.union(tf.constant([[1, 2]]), tf.constant([[1], [2], [3]]))", "InvalidArgumentError"),
        ("tf.sets.union(tf.constant([[[1]]]), tf.constant([[1]]))", "InvalidArgumentError"),
        ("tf.sets.union(sp_a, sp_b)", "InvalidArgumentError"),
        ("tf.sets.size(tf.constant([[1, 2]]))", "TypeError"),
        ("tf.sets.size(tf.SparseTensor([[0]], [1], [3]))", "InvalidArgumentError"),
        ("tf.sets.size(tf.SparseTensor([[0, 0]], [1.0], [3, 3]))", "TypeError"),
    ],
)
def test_set_errors_as_tensorflow(expression, error):
    outcome = same(lambda tf: eval(expression, {"tf": tf, "sp_a": _sp_a(tf), "sp_b": _sp_b(tf)}))
    assert outcome == error


def test_set_error_messages_are_one_line_and_say_what_to_do():
    with pytest.raises(TypeError, match="int32 and float32.*tf.cast"):
        ntf.sets.union(ntf.constant([[1]]), ntf.constant([[1.0]]))
    with pytest.raises(ntf.errors.InvalidArgumentError, match="rank 1 < 2"):
        ntf.sets.intersection([1, 2], [1])
    with pytest.raises(ntf.errors.InvalidArgumentError, match=r"\[2\] vs \[3\]"):
        ntf.sets.union([[1], [2]], [[1], [2], [3]])
    with pytest.raises(AttributeError, match="tf.sets.set_union"):
        ntf.sets.set_union  # noqa: B018 (TensorFlow 2 has no such alias either)


# -- tf.queue: Géron's cells 93-96, then every method, closing, and what TensorFlow would wait on


def _run(steps):
    """A test body: ``steps(tf)`` returns the list of results of each call, the errors' types in their place."""

    def body(tf):
        results = []
        for step in steps(tf):
            try:
                results.append(_plain(step()))
            except Exception as e:
                results.append(type(e).__name__)
        return results

    return body


def test_gerons_fifo_queue():
    def steps(tf):
        q = tf.queue.FIFOQueue(3, [tf.int32, tf.string], shapes=[(), ()])
        return [lambda: q.enqueue([10, b"windy"]), lambda: q.enqueue([15, b"sunny"]), q.size, q.dequeue,
                lambda: q.enqueue_many([[13, 16], [b"cloudy", b"rainy"]]), lambda: q.dequeue_many(3),
                lambda: [q.dtypes, q.shapes, q.names] and None, q.is_closed, q.close, q.is_closed,
                q.dequeue, lambda: q.enqueue([1, b"x"]), q.close]  # fmt: skip

    results = same(_run(steps))
    assert results[-3:] == ["OutOfRangeError", "CancelledError", "CancelledError"]


def test_fifo_queue_components_shapes_and_conversion():
    def steps(tf):
        q = tf.queue.FIFOQueue(5, tf.float32)
        r = tf.queue.FIFOQueue(5, [tf.int32], shapes=[(2,)])
        s = tf.queue.FIFOQueue(5, [tf.int32, tf.int32], shapes=[(), ()])
        return [lambda: q.enqueue(1.5), lambda: q.enqueue([2.5]), lambda: q.enqueue([[2.5, 3.0]]),
                lambda: q.enqueue(1), lambda: q.enqueue("a"), q.dequeue, q.dequeue, q.dequeue,
                lambda: q.dequeue_many(1), lambda: q.dequeue_up_to(1), lambda: [str(x) for x in q.shapes],
                lambda: r.enqueue([[1, 2]]), lambda: r.enqueue([[1, 2, 3]]), lambda: r.enqueue(tf.constant([3, 4])),
                lambda: r.enqueue(tf.constant([1.5, 2.5])), lambda: r.enqueue_many(tf.constant([[5, 6], [7, 8]])),
                r.size, lambda: r.dequeue_up_to(2), lambda: r.dequeue_many(0), r.close, lambda: r.dequeue_up_to(5),
                lambda: r.dequeue_up_to(5), lambda: s.enqueue([1]), lambda: s.enqueue((1, 2)),
                lambda: s.enqueue_many([[1, 2], [3]]), lambda: s.enqueue_many([1, 2]), lambda: s.enqueue({"a": 1}),
                lambda: s.dequeue_many(1)]  # fmt: skip

    same(_run(steps))


def test_negative_dequeue_counts_are_refused_and_take_nothing():
    def steps(tf):
        q = tf.queue.FIFOQueue(5, tf.int32, shapes=[()])
        return [lambda: q.enqueue_many([[1, 2, 3]]), lambda: q.dequeue_many(-1), lambda: q.dequeue_up_to(-2),
                q.size, lambda: q.dequeue_many(3)]  # fmt: skip

    assert same(_run(steps))[1:3] == ["InvalidArgumentError", "InvalidArgumentError"]


def test_named_components_are_dicts():
    def steps(tf):
        q = tf.queue.FIFOQueue(5, [tf.int32, tf.float32], shapes=[(), ()], names=["a", "b"])
        return [lambda: q.enqueue({"a": 1, "b": 2.0}), lambda: q.enqueue([1, 2.0]), lambda: q.enqueue({"a": 1}),
                q.dequeue, lambda: q.enqueue_many({"a": [1, 2], "b": [3.0, 4.0]}), lambda: q.dequeue_many(2),
                lambda: q.names, lambda: tf.queue.FIFOQueue(5, [tf.int32], names=["a", "b"])]  # fmt: skip

    same(_run(steps))


def test_constructor_errors():
    def steps(tf):
        return [lambda: tf.queue.FIFOQueue(5, [tf.int32], shapes=[(), ()]),
                lambda: tf.queue.FIFOQueue(5, [tf.int32], shapes=[(None,)]),
                lambda: tf.queue.FIFOQueue(5, tf.int32, shapes=(2,)).shapes[0].as_list(),
                lambda: tf.queue.FIFOQueue(-1, tf.int32).enqueue_many([list(range(100))])]  # fmt: skip

    assert same(_run(steps))[:2] == ["InvalidArgumentError", "ValueError"]


def test_padding_fifo_queue_pads_numbers_and_strings():
    def steps(tf):
        q = tf.queue.PaddingFIFOQueue(5, [tf.int32, tf.string], shapes=[(None,), ()])
        r = tf.queue.PaddingFIFOQueue(5, [tf.string], shapes=[(None,)])
        return [lambda: q.enqueue([[1, 2, 3], "a"]), lambda: q.enqueue([[4], "b"]), lambda: q.enqueue([[5, 6], "c"]),
                q.dequeue, lambda: q.dequeue_many(2), lambda: [s.as_list() for s in q.shapes],
                lambda: r.enqueue([["a", "b"]]), lambda: r.enqueue([["c"]]), lambda: r.dequeue_many(2)]  # fmt: skip

    same(_run(steps))


def test_priority_queue_takes_the_smallest_priority_first():
    def steps(tf):
        q = tf.queue.PriorityQueue(5, [tf.string], shapes=[()])
        return [lambda: q.enqueue([3, "c"]), lambda: q.enqueue([1, "a"]), lambda: q.enqueue_many([[5, 2], ["e", "b"]]),
                lambda: q.dtypes, q.dequeue, lambda: q.dequeue_many(2), lambda: q.enqueue([1.5, "x"]),
                lambda: q.enqueue([tf.constant(1), "x"]), q.size]  # fmt: skip

    same(_run(steps))


def test_random_shuffle_queue_keeps_min_after_dequeue_until_closed():
    def steps(tf):
        q = tf.queue.RandomShuffleQueue(5, 2, [tf.int32], shapes=[()], seed=42)
        # (which element comes out is random in each library: compare sizes and what is left)
        return [lambda: q.enqueue_many([[1, 2, 3, 4]]), lambda: q.dequeue() and None,
                lambda: q.dequeue_many(1) and None, q.size, q.close,
                lambda: sorted(q.dequeue_many(2).numpy().tolist()) and None, q.size, q.dequeue]  # fmt: skip

    assert same(_run(steps))[-1] == "OutOfRangeError"
    q = ntf.queue.RandomShuffleQueue(10, 0, ntf.int32, shapes=[()], seed=1)
    q.enqueue_many([list(range(10))])
    assert sorted(q.dequeue_many(10).numpy().tolist()) == list(range(10))


def test_nabla_raises_where_tensorflow_would_wait_forever():
    q = ntf.queue.FIFOQueue(2, ntf.int32, shapes=[()])
    with pytest.raises(ntf.errors.DeadlineExceededError, match="would wait forever"):
        q.dequeue()
    q.enqueue(1)
    with pytest.raises(ntf.errors.DeadlineExceededError, match="close"):
        q.dequeue_many(2)
    with pytest.raises(ntf.errors.DeadlineExceededError, match="capacity"):
        q.enqueue_many([[2, 3]])
    assert int(q.size()) == 1  # (a refused call changes nothing)
    shuffled = ntf.queue.RandomShuffleQueue(5, 1, ntf.int32, shapes=[()])
    shuffled.enqueue(7)
    with pytest.raises(ntf.errors.DeadlineExceededError):
        shuffled.dequeue()  # (it keeps min_after_dequeue=1 element back until closed)
    shuffled.close()
    assert int(shuffled.dequeue()) == 7
