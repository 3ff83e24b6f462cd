"""Hands-On Machine Learning (3rd ed.), chapter 12, "Custom Models and Training with TensorFlow", with
``import nabla.tf as tf``: the cells that failed on nabla, each run on nabla.tf and on TensorFlow (the reference)
and compared in values, dtypes and errors.

- Strings as code points: ``tf.strings.length(b, unit="UTF8_CHAR")``, ``unicode_encode``, ``unicode_decode`` (a
  ``tf.RaggedTensor`` for a batch), then ``r[1]``, ``r[1:3]``, ``tf.concat`` of ragged tensors on both axes and
  ``to_tensor``.
- Sparse tensors: float32 values from Python floats, ``sp * 42.0``, ``tf.sparse.sparse_dense_matmul``,
  ``to_dense`` refusing indices out of order, ``tf.sparse.reorder``.
"""

from __future__ import annotations

import pytest
from tf_parity import assert_same, run_both


def _ragged_list(r):
    return r.to_list() if hasattr(r, "to_list") else r


def _texts(t):
    """A string tensor's bytes (a Python list for a batch): what both libraries' ``numpy()`` give."""
    data = t.numpy()
    return data.tolist() if hasattr(data, "tolist") else data


def test_a_string_s_length_in_bytes_and_characters_and_its_code_points():
    def cells(tf):
        u = tf.constant([ord(c) for c in "café"])
        b = tf.strings.unicode_encode(u, "UTF-8")
        return [_texts(b), tf.strings.length(b, unit="UTF8_CHAR"), tf.strings.length(b),
                tf.strings.unicode_decode(b, "UTF-8")]

    ours, theirs = run_both(cells)
    assert_same(ours, theirs)


def test_a_batch_of_strings_decodes_to_a_ragged_tensor_that_slices_concatenates_and_pads():
    def cells(tf):
        p = tf.constant(["Café", "Coffee", "caffè", "咖啡"])
        r = tf.strings.unicode_decode(p, "UTF8")
        r2 = tf.ragged.constant([[65, 66], [], [67]])
        r3 = tf.ragged.constant([[68, 69, 70], [71], [], [72, 73]])
        return [tf.strings.length(p, unit="UTF8_CHAR"), _ragged_list(r), r[1], _ragged_list(r[1:3]),
                _ragged_list(tf.concat([r, r2], axis=0)), _ragged_list(tf.concat([r, r3], axis=1)), r.to_tensor(),
                _texts(tf.strings.unicode_encode(r, "UTF-8")), r.dtype.name]  # fmt: skip

    ours, theirs = run_both(cells)
    assert_same(ours, theirs)


def test_invalid_utf8_counts_and_decodes_as_tensorflow_s():
    def cells(tf):
        bad = tf.constant([b"\xff", b"\x80\x80a", b"caf\xc3\xa9"])
        return [tf.strings.length(bad, unit="UTF8_CHAR"), _ragged_list(tf.strings.unicode_decode(bad, "UTF-8")),
                _ragged_list(tf.strings.unicode_decode(bad, "UTF-8", errors="ignore"))]  # fmt: skip

    assert_same(*run_both(cells))
    ours, theirs = run_both(lambda tf: tf.strings.unicode_decode(b"\xff", "UTF-8", errors="strict"))
    assert type(theirs).__name__ == "InvalidArgumentError"
    assert_same(ours, theirs)


def _sparse(tf):
    return tf.SparseTensor(indices=[[0, 1], [1, 0], [2, 3]], values=[1.0, 2.0, 3.0], dense_shape=[3, 4])


def test_a_sparse_tensor_times_a_number_and_a_dense_matrix():
    def cells(tf):
        s = _sparse(tf)
        s4 = tf.constant([[10.0, 20.0], [30.0, 40.0], [50.0, 60.0], [70.0, 80.0]])
        product = s * 42.0
        return [tf.sparse.to_dense(s), product.values, product.indices,
                tf.sparse.sparse_dense_matmul(s, s4)]  # fmt: skip

    ours, theirs = run_both(cells)
    assert_same(ours, theirs)


@pytest.mark.parametrize("expression", ["s + 42.0", "2.0 * s", "tf.sparse.to_dense(s5)"])
def test_sparse_refusals_match(expression):
    def cell(tf):
        s, s5 = _sparse(tf), tf.SparseTensor(indices=[[0, 2], [0, 1]], values=[1.0, 2.0], dense_shape=[3, 4])
        return eval(expression, {"tf": tf, "s": s, "s5": s5})  # noqa: S307 - the test's own expressions

    ours, theirs = run_both(cell)
    assert isinstance(theirs, Exception)
    assert_same(ours, theirs)


def test_reorder_sorts_the_indices_so_to_dense_works():
    def cell(tf):
        s5 = tf.SparseTensor(indices=[[0, 2], [0, 1]], values=[1.0, 2.0], dense_shape=[3, 4])
        s6 = tf.sparse.reorder(s5)
        return [s6.indices, s6.values, tf.sparse.to_dense(s6)]

    assert_same(*run_both(cell))


@pytest.mark.parametrize("errors", ["replace", "ignore", "strict", None])
def test_invalid_code_points_encode_as_tensorflow_s(errors):
    # (TensorFlow's default is errors="replace": a surrogate, a negative or a too large code point is U+FFFD)
    def cells(tf):
        kwargs = {} if errors is None else {"errors": errors, "replacement_char": 63}
        return [_texts(tf.strings.unicode_encode(points, encoding, **kwargs))
                for points in ([104, 0xD800, 105], [[104, -5], [0x110000, 0x1F600]])
                for encoding in ("UTF-8", "UTF-16-BE")]  # fmt: skip

    assert_same(*run_both(cells))


@pytest.mark.parametrize("errors", ["replace", "ignore"])
def test_a_replacement_char_replaces_malformed_bytes_only_not_a_real_u_fffd(errors):
    def cell(tf):
        return tf.strings.unicode_decode(b"a\xef\xbf\xbd\xff\xe2\x82x", "UTF-8", errors=errors, replacement_char=63)

    assert_same(*run_both(cell))


@pytest.mark.parametrize("expression", ["i * 0.5", "i * 2.0", "s * tf.constant([[2] * 4] * 3)",
                                        "s * tf.constant([[1.0, 2.0]])", "i * np.int64(3)", "s * np.ones(4)"])
def test_sparse_times_a_factor_of_another_dtype_or_shape_as_tensorflow(expression):
    # (an int sparse tensor times 0.5 is TensorFlow's TypeError, not int(0.5) = 0 at every value)
    import numpy as np

    def cell(tf):
        s, i = _sparse(tf), tf.SparseTensor(indices=[[0, 1]], values=[3], dense_shape=[2, 2])
        product = eval(expression, {"tf": tf, "s": s, "i": i, "np": np})  # noqa: S307 - the test's own expressions
        return [product.values, product.indices]

    assert_same(*run_both(cell))


def test_concat_of_a_dense_tensor_then_a_ragged_one_refuses_in_one_line():
    import nabla.tf as ntf

    with pytest.raises(TypeError, match="ragged tensors join only with ragged tensors"):
        ntf.concat([ntf.constant([[1, 2]]), ntf.ragged.constant([[3]])], 0)
