"""Ragged rows as TensorFlow's text material reads them: ``TextVectorization(ragged=True)``,
``Dataset.ragged_batch`` and ``tf.strings.reduce_join``, each run on TensorFlow and on nabla.tf and compared
(the ragged value is turned into arrays at once, as that material does: ``numpy()``, ``to_tensor()``).
The reference layer is ``tf_keras``'s: the tests' Keras 3 runs on PyTorch, where ``ragged=True`` is refused;
Keras 3 on TensorFlow (``tf.keras`` of TF 2.21) gives the same rows (checked by hand)."""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras_reference import tf_keras
from tf_parity import tensorflow

import nabla.tf as ntf

CORPUS = ["the cat sat", "the dog", "a cat and a dog ran", "ran"]


def _rows(array) -> list:
    return [list(row) for row in array]


def _vectorizer(keras, **kwargs):
    layer = keras.layers.TextVectorization(ragged=True, **kwargs)
    layer.adapt(CORPUS)
    return layer


def test_text_vectorization_ragged_matches_tensorflow():
    want = _vectorizer(tf_keras())(CORPUS)
    got = _vectorizer(ntf.keras)(CORPUS)
    assert isinstance(got, ntf.RaggedTensor) and got.shape == (4, None)
    assert _rows(got.numpy()) == _rows(want.numpy()) and got.numpy().dtype == want.numpy().dtype  # object rows
    np.testing.assert_array_equal(got.to_tensor(), want.to_tensor().numpy())
    np.testing.assert_array_equal(got[2], want[2].numpy())
    assert got[1:].to_list() == want[1:].to_list() and repr(got) == repr(want)
    same_length = ["the cat", "a dog"]  # (rows of one length: numpy() is a 2-D array, as TensorFlow's)
    np.testing.assert_array_equal(
        _vectorizer(ntf.keras)(same_length).numpy(), _vectorizer(tf_keras())(same_length).numpy()
    )


def test_ragged_cut_to_output_sequence_length():
    # Keras 3 on TensorFlow (tf_keras refuses the pair): tf.keras.layers.TextVectorization(ragged=True,
    # output_sequence_length=2), adapted on ["a b c", "a b", "d"], gives [[3, 2], [4]] for ["a b c", "d"]
    layer = ntf.keras.layers.TextVectorization(ragged=True, output_sequence_length=2)
    layer.adapt(["a b c", "a b", "d"])
    assert layer(["a b c", "d"]).to_list() == [[3, 2], [4]]


def test_ragged_refuses_other_output_modes():
    with pytest.raises(ValueError, match="ragged=True takes output_mode='int'"):
        ntf.keras.layers.TextVectorization(ragged=True, output_mode="count")


def test_ragged_batch_matches_tensorflow():
    def batches(tf, keras, size):
        ds = tf.data.Dataset.from_tensor_slices(CORPUS).map(_vectorizer(keras))
        return [b.numpy() for b in ds.ragged_batch(size)], ds.ragged_batch(ds.cardinality()).get_single_element()

    (want, want_all), (got, got_all) = batches(tensorflow(), tf_keras(), 2), batches(ntf, ntf.keras, 2)
    assert [_rows(g) for g in got] == [_rows(w) for w in want]
    np.testing.assert_array_equal(got_all.to_tensor(), want_all.to_tensor().numpy())
    ints = [np.arange(3), np.arange(3) + 1]  # (one known length, and scalars: dense batches in both)
    dense, labels = ntf.data.Dataset.from_tensor_slices((np.stack(ints), [0, 1])).ragged_batch(2).get_single_element()
    np.testing.assert_array_equal(dense, np.stack(ints))
    np.testing.assert_array_equal(labels, [0, 1])


def test_from_row_lengths_matches_tensorflow():
    args = ([3, 2, 5, 3, 4, 3], [3, 1, 2])
    want = tensorflow().RaggedTensor.from_row_lengths(*args)
    got = ntf.RaggedTensor.from_row_lengths(*args)
    np.testing.assert_array_equal(got.to_tensor(default_value=-1), want.to_tensor(default_value=-1).numpy())
    np.testing.assert_array_equal(got.row_lengths(), want.row_lengths().numpy())
    with pytest.raises(ValueError, match="add up to 4"):
        ntf.RaggedTensor.from_row_lengths([1, 2, 3], [2, 2])


@pytest.mark.parametrize(
    "args, kwargs",
    [((["the", "cat", "sat"],), {"separator": " "}), (([["a", "b"], ["c", "d"]],), {"axis": 1, "separator": "-"}),
     (([["a", "b"], ["c", "d"]],), {"axis": 0, "keepdims": True}), (([["a", "b"], ["c", "d"]],), {})],
)  # fmt: skip
def test_reduce_join_matches_tensorflow(args, kwargs):
    want = tensorflow().strings.reduce_join(*args, **kwargs).numpy()
    got = ntf.strings.reduce_join(*args, **kwargs).numpy()
    np.testing.assert_array_equal(got, want)
    assert type(got) is type(want)  # (bytes for a scalar, as TensorFlow's)


def test_a_ragged_tensors_dtype_is_a_tf_dtype_as_tensorflows():
    tf = tensorflow()
    cases = [
        lambda t: t.ragged.constant([[1, 2], [3]]),
        lambda t: t.ragged.constant([[1.5], [2.0, 3.0]]),
        lambda t: t.strings.split(t.constant(["a b", "c"])),
        lambda t: t.RaggedTensor.from_row_lengths(t.constant([4, 5, 6], t.int64), [2, 1]),
    ]
    for make in cases:
        got, want = make(ntf), make(tf)
        assert repr(got.dtype) == repr(want.dtype) and got.dtype.name == want.dtype.name
        assert got.dtype == getattr(ntf, want.dtype.name) and type(got[0]).__module__.startswith("nabla.tf")


def _chorales(tf):
    """Géron's chapter 15 Bach chorales: rows of 4-note chords of different lengths as one ragged tensor of ragged
    rank 1, sliced into a dataset and cut into windows of 3 chords (each flattened to an arpeggio)."""
    chorales = [np.arange(8).reshape(4, 2).tolist(), [[7, 8]], np.arange(6).reshape(3, 2).tolist()]
    ragged = tf.ragged.constant(chorales, ragged_rank=1)

    def to_windows(chorale):
        windows = tf.data.Dataset.from_tensor_slices(chorale).window(3, 1, drop_remainder=True)
        return windows.flat_map(lambda window: window.batch(3))

    dataset = tf.data.Dataset.from_tensor_slices(ragged)
    windows = dataset.flat_map(to_windows).map(lambda w: tf.reshape(w, [-1])).batch(2)
    return {
        "repr": repr(ragged),
        "shape": tuple(ragged.shape),
        "dtype": ragged.dtype.name,
        "padded": ragged.to_tensor().numpy().tolist(),
        "rows": [(tuple(row.shape), row.dtype.name, row.numpy().tolist()) for row in dataset],
        "row_shape": tuple(dataset.element_spec.shape),
        "windows": [w.numpy().tolist() for w in windows],
    }


def test_ragged_rank_1_with_uniform_inner_axes_slices_as_tensorflows():
    assert _chorales(ntf) == _chorales(tensorflow())


def test_nested_rows_without_ragged_rank_1_are_refused_as_before():
    # (TensorFlow infers ragged rank 2 there, which nabla does not have: one line says what to do)
    with pytest.raises(ValueError, match="ragged_rank=1"):
        ntf.ragged.constant([[[1, 2]], [[3, 4], [5, 6]]])
    with pytest.raises(ValueError, match="one shape"):
        ntf.ragged.constant([[[1, 2]], [[3, 4, 5]]], ragged_rank=1)
