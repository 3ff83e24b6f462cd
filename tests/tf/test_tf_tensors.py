"""What a TensorFlow user sees of a tensor, against TensorFlow: dtype inference, dtype refusals, printing,
shapes, conversions, operators. Each expression is evaluated with ``tf`` bound to nabla.tf and to
TensorFlow; the reprs (or the kinds of error) must be identical."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import same_outcome, tensorflow

import nabla.tf as ntf

DTYPE_INFERENCE = [
    "tf.constant(1)",
    "tf.constant([], dtype=tf.int64)",  # (an empty list converts to any dtype)
    "tf.constant([[]], dtype=tf.bool)",
    "tf.constant([])",
    "tf.constant(1.)",
    "tf.constant([1, 2.5])",
    "tf.constant(np.array([1., 2.]))",
    "tf.constant(np.int64(3))",
    "tf.constant(True)",
    "tf.constant([[1, 2], [3, 4]])",
    "tf.constant(np.float64(2.0))",
    "tf.constant(2**40)",
    "tf.constant([1, 2**31])",
    # Python ints wrap into a narrower integer dtype, as TensorFlow 2.21 converts them (not a loss it refuses)
    "tf.constant([2**40], tf.int32)",
    "tf.constant([1, 2**31, -2**40 - 3], dtype=tf.int32)",
    "tf.constant(-1, tf.uint8)",
    # integers past int64 become floats when asked (inf past float32's range), and uint64s up to 2**64 - 1
    "tf.constant([2**200], tf.float32)",
    "tf.constant(2**200, tf.float64)",
    "tf.constant([[2**70, 1]], tf.float32)",
    "tf.constant(2**64 - 1, tf.uint64)",
    "tf.constant(-2**63)",
    "tf.constant(70000, tf.int16)",
    "tf.convert_to_tensor(2**40, tf.int32)",
    "tf.Variable([2**40], dtype=tf.int32)",
    "tf.constant([1], tf.int32) + 2**40",
    "tf.constant(np.uint8(3))",
    "tf.constant(1, dtype=tf.float32)",
    "tf.constant([1, 2], dtype=np.float32)",
    "tf.constant(np.array([1, 2]), dtype=tf.float32)",
    "tf.constant(np.float64(2.5), dtype=tf.int32)",
    "tf.constant(np.array([2.5]), dtype=tf.int32)",
    "tf.constant(True, dtype=tf.int32)",
    "tf.constant(3, shape=(2, 2))",
    "tf.constant([1, 2, 3, 4], shape=(2, 2))",
    "tf.convert_to_tensor([1, 2])",
    "tf.convert_to_tensor(np.float32(1))",
    "tf.convert_to_tensor([1, 2], dtype_hint=tf.float32)",
    "tf.convert_to_tensor([1.5], dtype_hint=tf.int32)",
    "tf.Variable(1)",
    "tf.Variable(np.ones(2))",
    "tf.Variable(3., dtype=tf.float64)",
    "tf.range(5)",
    "tf.range(5.)",
    "tf.range(1, 5, 0.5)",
    "tf.range(np.int64(3))",
    "tf.range(2, 3.5)",
    "tf.range(0, 10, 3, dtype=tf.float32)",
    "tf.linspace(0., 1., 5)",
    "tf.linspace(0, 1, 5)",
    "tf.linspace([0., 1.], [1., 2.], 3)",
    "tf.zeros((2,))",
    "tf.zeros(3, dtype=tf.int32)",
    "tf.ones([2, 2])",
    "tf.fill([2], 3)",
    "tf.fill([2], 3.)",
    "tf.eye(2)",
    "tf.ones_like([1, 2])",
    "tf.zeros_like(tf.ones((2,), tf.float64))",
    "tf.one_hot([0, 2], 3)",
    "tf.one_hot([0, 5, -1], 3)",
    "tf.one_hot([0, 1], 3, on_value=5, off_value=-1)",
    "tf.random.uniform((2,)).dtype",
    "tf.random.uniform((2,), 0, 10, dtype=tf.int32).dtype",
    "tf.random.normal([2]).dtype",
]

ARITHMETIC = [
    "tf.constant([1., 2.]) * 2",
    "tf.constant([1., 2.]) * np.array([1., 2.])",
    "np.array([1., 2.]) * tf.constant([1., 2.])",
    "tf.constant([1, 2]) * np.array([1.5, 2])",
    "tf.constant([1., 2.]) * np.float64(2)",
    "tf.constant([1, 2]) + np.int64(2)",
    "tf.constant([1., 2.], tf.float64) * 2.5",
    "tf.constant([1., 2.]) * [1, 2]",
    "tf.constant([1, 2]) * True",
    "tf.constant([1, 2]) / tf.constant([2, 2])",
    "tf.constant([1, 2], dtype=tf.int64) / 2",
    "tf.constant([1, 2], dtype=tf.int16) / 2",
    "tf.constant([1, 2]) // 2",
    "tf.constant([7, -7]) % 3",
    "tf.constant([-7, 7]) // 2",
    "tf.constant(7.) // 2",
    "tf.constant(-7.) % 3",
    "tf.constant(5) / 0",
    "tf.constant(5.) / 0",
    "tf.constant(0.) / 0",
    "tf.constant(1.) ** 2",
    "2 ** tf.constant(3)",
    "tf.pow(2, 3)",
    "-tf.constant([1, 2])",
    "abs(tf.constant(-2.))",
    "tf.add(1, 2)",
    "tf.multiply(2, tf.constant(3.))",
    "tf.subtract(2, tf.constant(3.))",
    "tf.divide(5, 2)",
    "tf.math.floordiv(7, 2)",
    "tf.math.truediv(1, 2)",
    "tf.reduce_mean(tf.constant([1, 2]))",
    "tf.reduce_mean(tf.constant([-1, -2]))",
    "tf.reduce_sum([1, 2, 3])",
    "tf.reduce_sum(tf.constant([1, 2], tf.uint8))",
    "tf.argmax(tf.constant([[1, 5], [7, 2]]))",
    "tf.argmax(tf.constant([1., 3.]), output_type='int32')",
    "tf.cast(tf.constant([1.7, -1.7]), tf.int32)",
    "tf.math.count_nonzero(tf.constant([[0., 1.], [2., 0.]]), axis=1)",
    "tf.square(3)",
    "tf.abs(-3)",
    "tf.constant([1., 2.]) == tf.constant([1., 3.])",
    "tf.constant([1., 2.]) == 1.",
    "tf.constant([1, 2]) == None",
    "tf.constant([1, 2]) == tf.constant([1, 2, 3])",
    "tf.constant([1, 2]) != tf.constant([1, 2, 3])",
    "tf.constant(3) & 1",
    "tf.constant([True]) | False",
    "~tf.constant([True, False])",
    "~tf.constant([1, 2])",
    "tf.constant(5) > 3",
    "tf.math.round(2.5)",
    "tf.round(3.5)",
    "tf.math.sign(-2.)",
    "tf.math.is_nan(1.)",
    "tf.maximum(float('nan'), 1.)",
    "tf.stack([tf.constant(1.), 2.])",
    "tf.concat([[1.], np.array([2.])], 0)",
    "tf.gather([[1, 2], [3, 4]], [[0], [1]], batch_dims=1)",
    "tf.constant([[1, 2], [3, 4]])[[0, 1]]",
    "tf.constant([1, 2])[tf.constant([True, False])]",
    "tf.constant([1, 2])[tf.constant(1)]",
]

REFUSALS = [
    "tf.constant([2**64])",  # (past 64 bits: ValueError, out-of-range integer)
    "tf.constant(2**63, tf.int64)",
    "tf.constant(2**63)",
    "tf.constant(2**70, tf.int32)",
    "tf.constant([2**40], tf.bool)",
    "tf.constant([1, 2]) * 2.5",
    "tf.constant([1, 2]) * 2.0",
    "tf.constant([1., 2.]) + tf.constant([1, 2])",
    "tf.constant(np.ones(2)) * tf.constant(1.)",
    "tf.Variable(2.) + tf.Variable(1)",
    "tf.constant([1, 2]) * [1.5, 2]",
    "tf.constant([1.5], dtype=tf.int32)",
    "tf.constant(1, dtype=tf.bool)",
    "tf.maximum(1, 2.)",
    "tf.sqrt(4)",
    "tf.exp(1)",
    "tf.constant(tf.constant([1, 2]), dtype=tf.float32)",
    "tf.convert_to_tensor(tf.constant([1, 2]), dtype=tf.float32)",
    "tf.constant([1, 2, 3], shape=(2, 2))",
    "tf.constant([[1], [2, 3]])",
    "tf.equal(tf.constant([1, 2]), tf.constant([1., 2.]))",
    "tf.constant([1., 2.]) < tf.constant([1, 2])",
    "tf.constant(2.) ** tf.constant(2)",
    "tf.matmul(np.ones((2, 2)), tf.ones((2, 2)))",
    "tf.constant([1., 2.]) @ tf.constant([[1.], [2.]])",
    "tf.concat([tf.constant([1.]), tf.constant([2])], 0)",
    "tf.random.uniform([2], dtype=tf.int32)",
    "tf.linspace(0., 1., 5.)",
    "tf.reduce_sum(tf.constant([True, False]))",
    "bool(tf.constant([1., 2.]))",
    "len(tf.constant(1.))",
]

PRINTING = [
    "str(tf.constant([1., 2.]))",
    "repr(tf.constant([1., 2.]))",
    "str(tf.constant(3.))",
    "repr(tf.constant(3))",
    "str(tf.constant(True))",
    "repr(tf.constant(np.float64(0.1)))",
    "str(tf.constant([0.1, 1 / 3]))",
    "repr(tf.constant([0.1, 1 / 3]))",
    "str(tf.constant([[1., 2.], [3., 4.]]))",
    "repr(tf.constant([[1, 2], [3, 4]]))",
    "repr(tf.constant(np.arange(2000.).reshape(2, 1000)))",
    "repr(tf.Variable([1., 2.], name='w'))",
    "str(tf.Variable([1., 2.]))",
    "repr(tf.Variable(np.float32(2.5)))",
    "str(tf.Variable([[1., 2.], [3., 4.]], name='kernel'))",
    "f'{tf.constant(3.14159):.2f}'",
    "f'{tf.constant(5):3d}'",
    "'{}'.format(tf.constant(2.))",
    "format(tf.constant([1., 2.]))",
    "repr(tf.float32)",
    "str(tf.float32)",
    "str(tf.constant([1., 2.]).dtype)",
    "tf.constant([1., 2.]).shape",
    "str(tf.zeros((2, 3)).shape)",
    "str(tf.constant([1.]).shape)",
    "repr(tf.TensorShape([None, 3]))",
]

VALUES = [
    "tf.constant([1., 2.]).numpy()",
    "tf.constant(3.).numpy()",
    "type(tf.constant(3.).numpy()).__name__",
    "float(tf.constant(2.5))",
    "int(tf.constant(2))",
    "bool(tf.constant(True))",
    "tf.constant([1., 2.]).numpy().tolist()",
    "[float(e) for e in tf.constant([1., 2.])]",
    "list(tf.zeros((2, 3)).shape)",
    "tf.zeros((2, 3)).shape.as_list()",
    "len(tf.zeros((2, 3)).shape)",
    "tf.zeros((2, 3)).shape[0]",
    "tf.zeros((2, 3)).shape == (2, 3)",
    "tf.zeros((2, 3)).shape == [2, 3]",
    "tf.zeros((2, 3)).shape[1:]",
    "tf.zeros((2, 3)).shape + (4,)",
    "tf.zeros((2, 3)).shape.rank",
    "tf.zeros((2, 3)).shape.num_elements()",
    "tf.zeros((2, 3)).ndim",
    "len(tf.zeros((2, 3)))",
    "tf.shape(tf.zeros((2, 3)))",
    "tf.size(tf.zeros((2, 3)))",
    "tf.rank(tf.zeros((2, 3)))",
    "tf.Variable(1.0).dtype",
    "tf.float32.as_numpy_dtype",
    "tf.float32 == np.float32",
    "tf.constant(3.).dtype == 'float32'",
    "tf.as_dtype('float64')",
    "tf.float64.max",
    "tf.int32.min",
    "tf.uint8.is_unsigned",
    "tf.float32.is_floating",
    "tf.int32.is_integer",
    "tf.float32.size",
    "tf.constant([1, 2]).dtype.name",
    "tf.is_tensor(tf.Variable(1.))",
    "isinstance(tf.Variable(1.), tf.Tensor)",
    "isinstance(tf.constant(1.), tf.Tensor)",
    "tf.executing_eagerly()",
    "tf.config.list_physical_devices('GPU')",
    "np.mean(tf.constant([1., 2.]))",
    "np.asarray(tf.Variable([1., 2.])).tolist()",
    "np.exp(tf.constant([1., 2.]))",
    "np.argmax(tf.constant([[1, 3], [4, 2]]), axis=1)",
    "np.sum(tf.Variable([1., 2.]))",
    "np.sqrt(tf.constant(4.))",
    "np.ones(2) == tf.ones(2)",
    "np.ones((2, 2)) @ tf.ones((2, 2))",
    "np.ones(2) < tf.ones(2)",
    "np.ones(2) - tf.ones(2)",
    "np.float64(2.) * tf.ones(2)",
    "np.add(tf.ones(2), 1)",
    "np.multiply(tf.Variable([1., 2.]), 42)",
    "np.float32(2.) * tf.Variable([1., 2.])",
    "np.ones(2) + tf.Variable([1., 2.])",
    "np.concatenate([tf.ones(2), np.zeros(1)])",
    "tf.Variable([1., 2.]).trainable",
    "tf.Variable([1, 2]).trainable",
    "tf.Variable(1., name='w').name",
    "tf.Variable(1.).name",
]


@pytest.mark.parametrize("expression", DTYPE_INFERENCE + ARITHMETIC)
def test_dtypes_and_values_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


@pytest.mark.parametrize("expression", REFUSALS)
def test_refusals_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert theirs.startswith("raises"), theirs
    assert ours == theirs


@pytest.mark.parametrize("expression", PRINTING + VALUES)
def test_printing_and_attributes_as_tensorflow(expression):
    ours, theirs = same_outcome(expression)
    assert ours == theirs


def test_dtype_errors_say_how_to_fix_them():
    with pytest.raises(ntf.errors.InvalidArgumentError, match="tf.cast"):
        ntf.constant([1.0]) + ntf.constant([1])
    with pytest.raises(TypeError, match="Cannot convert 2.5 to EagerTensor of dtype int32"):
        ntf.constant([1, 2]) * 2.5


def test_numpy_is_a_copy_even_of_a_tensor_in_a_graph():
    v = ntf.Variable([1.0, 2.0])
    with ntf.GradientTape():
        y = v * 2.0
    values = y.numpy()
    values[0] = 99.0
    assert y.numpy().tolist() == [2.0, 4.0] and v.numpy().tolist() == [1.0, 2.0]


def test_a_dtype_is_a_numpy_dtype_too():
    assert np.zeros(2, dtype=ntf.float32).dtype == np.float32
    assert {np.dtype("float32"): 1}[ntf.float32] == 1
    assert ntf.float64 != ntf.float32 and ntf.float32 != "float64" and ntf.float32 != None  # noqa: E711
    with pytest.raises(TypeError, match="bfloat16"):
        ntf.as_dtype("bfloat16")


def test_hashable_by_identity_and_by_ref():
    a, b = ntf.constant(1.0), ntf.constant(1.0)
    assert len({a.ref(), b.ref(), a.ref()}) == 2 and a.ref().deref() is a
    assert len({a, b}) == 2  # (TensorFlow refuses hash(t); nabla's optimizers key state by tensor)


def test_pandas_data_keeps_its_dtype_as_in_tensorflow():
    """TensorFlow reads a Series or DataFrame as a NumPy array: int64 and float64 stay (lists get 32 bits)."""
    import pandas as pd

    real = tensorflow()
    frame = pd.DataFrame({"a": [1, 2], "b": [1.5, 2.0]})
    for value in (pd.Series([1, 2]), pd.Series([1.5, 2.0]), frame, frame["a"].to_list()):
        assert ntf.constant(value).dtype == real.constant(value).dtype
    spec = ntf.data.Dataset.from_tensor_slices((frame, frame["a"])).element_spec
    want = real.data.Dataset.from_tensor_slices((frame, frame["a"])).element_spec
    assert [s.dtype.name for s in spec] == [s.dtype.name for s in want]
