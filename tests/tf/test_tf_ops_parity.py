"""nabla.tf's operations against TensorFlow's: values, dtypes and gradients, over a sweep of functions and
shapes (broadcasting included). One line per case; see tf_parity.compare."""

from __future__ import annotations

import numpy as np
import pytest
from tf_parity import compare, same_refusal

UNARY_POSITIVE = ["sqrt", "math.log", "math.log1p", "math.rsqrt", "math.reciprocal"]
# TensorFlow computes these in float32 arithmetic even for float64 tensors: compared at float32's precision.
FLOAT32_INSIDE = {"nn.gelu": dict(rtol=1e-6, atol=1e-7)}
UNARY = ["exp", "sin", "cos", "tanh", "sigmoid", "abs", "square", "negative", "math.expm1", "math.tan",
         "math.softplus", "math.erf", "math.log_sigmoid", "nn.relu", "nn.relu6", "nn.elu", "nn.selu", "nn.softsign",
         "nn.leaky_relu", "nn.gelu", "nn.silu", "nn.sigmoid", "nn.tanh", "math.floor", "math.ceil", "math.round",
         "sign", "identity", "stop_gradient"]  # fmt: skip


def _attr(tf, path: str):
    obj = tf
    for part in path.split("."):
        obj = getattr(obj, part)
    return obj


@pytest.mark.parametrize("name", UNARY)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_unary(name, dtype):
    compare(
        lambda tf, x: _attr(tf, name)(x), shapes=[(3, 4)], dtype=dtype, low=-3, high=3, **FLOAT32_INSIDE.get(name, {})
    )


@pytest.mark.parametrize("name", UNARY_POSITIVE)
def test_unary_positive_domain(name):
    compare(lambda tf, x: _attr(tf, name)(x), shapes=[(5,)], low=0.1, high=3)


def test_gelu_approximate_and_leaky_slope():
    compare(lambda tf, x: tf.nn.gelu(x, approximate=True), shapes=[(6,)], **FLOAT32_INSIDE["nn.gelu"])
    compare(lambda tf, x: tf.nn.leaky_relu(x, alpha=0.3), shapes=[(6,)])
    compare(lambda tf, x: tf.nn.silu(x, beta=1.5), shapes=[(6,)])


BINARY = ["add", "subtract", "multiply", "divide", "truediv", "maximum", "minimum", "pow", "math.squared_difference",
          "math.floormod", "math.divide_no_nan"]  # fmt: skip
BROADCASTS = [[(3, 4), (3, 4)], [(3, 1), (1, 4)], [(), (2, 3)], [(2, 3), ()], [(4,), (3, 4)]]


@pytest.mark.parametrize("name", BINARY)
@pytest.mark.parametrize("shapes", BROADCASTS, ids=str)
def test_binary(name, shapes):
    low = 0.5 if name == "pow" else -2.0
    compare(lambda tf, x, y: _attr(tf, name)(x, y), shapes=shapes, low=low)


@pytest.mark.parametrize("op", ["+", "-", "*", "/", "**", "//", "%", "<", "<=", ">", ">=", "==", "!="])
def test_operators(op):
    compare(lambda tf, x, y: eval(f"x {op} y"), shapes=[(3, 1), (1, 4)], low=0.5)  # noqa: S307
    compare(lambda tf, x: eval(f"2.0 {op} x"), shapes=[(3,)], low=0.5)  # noqa: S307 (reflected)


def test_ties_go_to_x_in_maximum_and_minimum():
    inputs = [np.array([1.0, 2.0, 3.0]), np.array([1.0, 1.0, 3.0])]
    compare(lambda tf, x, y: tf.maximum(x, y), inputs=inputs)
    compare(lambda tf, x, y: tf.minimum(x, y), inputs=inputs)


def test_ties_share_the_gradient_in_reductions():
    inputs = [np.array([[1.0, 3.0, 3.0], [2.0, 2.0, 0.0]])]
    for name in ("reduce_max", "reduce_min"):
        compare(lambda tf, x, name=name: getattr(tf, name)(x), inputs=inputs)
        compare(lambda tf, x, name=name: getattr(tf, name)(x, axis=1), inputs=inputs)


def test_kinks_at_zero():
    inputs = [np.array([-1.0, 0.0, 1.0])]
    for fn in ("abs", "nn.relu", "nn.leaky_relu", "nn.relu6", "nn.elu"):
        compare(lambda tf, x, fn=fn: _attr(tf, fn)(x), inputs=inputs)
    compare(lambda tf, x: tf.clip_by_value(x, 0.0, 1.0), inputs=inputs)


REDUCTIONS = ["reduce_sum", "reduce_mean", "reduce_max", "reduce_min", "reduce_prod", "math.reduce_std",
              "math.reduce_variance", "math.reduce_logsumexp"]  # fmt: skip


@pytest.mark.parametrize("name", REDUCTIONS)
@pytest.mark.parametrize("axis", [None, 0, 1, -1, [0, 2], (1,)], ids=str)
@pytest.mark.parametrize("keepdims", [False, True])
def test_reductions(name, axis, keepdims):
    compare(lambda tf, x: _attr(tf, name)(x, axis=axis, keepdims=keepdims), shapes=[(2, 3, 4)])


@pytest.mark.parametrize("dtype", [np.int32, np.int64, np.uint8])
@pytest.mark.parametrize("name", ["reduce_sum", "reduce_mean", "reduce_max", "reduce_prod"])
def test_integer_reductions_keep_the_dtype_and_round_toward_zero(name, dtype):
    values = np.array([[-7, 3, 2], [5, -4, 1]]) if dtype != np.uint8 else np.array([[7, 3, 2], [5, 4, 1]])
    for axis in (None, 0, 1):
        compare(lambda tf, x, axis=axis: getattr(tf, name)(x, axis=axis), inputs=[values.astype(dtype)])


@pytest.mark.parametrize("name", ["argmax", "argmin"])
def test_arg_extrema_default_to_axis_zero(name):
    x = np.array([[1.0, 5.0, 2.0], [7.0, 2.0, 9.0]])
    compare(lambda tf, x: getattr(tf, name)(x), inputs=[x])
    compare(lambda tf, x: getattr(tf, name)(x, axis=1, output_type=tf.int32), inputs=[x])


def test_matmul_and_products():
    compare(lambda tf, a, b: tf.matmul(a, b), shapes=[(3, 4), (4, 2)])
    compare(lambda tf, a, b: a @ b, shapes=[(2, 3, 4), (2, 4, 5)])
    compare(lambda tf, a, b: tf.matmul(a, b, transpose_a=True), shapes=[(4, 3), (4, 2)])
    compare(lambda tf, a, b: tf.matmul(a, b, transpose_b=True), shapes=[(3, 4), (2, 4)])
    compare(lambda tf, a, b: tf.linalg.matvec(a, b), shapes=[(3, 4), (4,)])
    compare(lambda tf, a, b: tf.tensordot(a, b, 1), shapes=[(2, 3), (3, 4)])
    compare(lambda tf, a, b: tf.tensordot(a, b, [[0, 2], [1, 0]]), shapes=[(2, 3, 4), (4, 2, 5)])
    compare(lambda tf, a, b: tf.einsum("ij,jk->ik", a, b), shapes=[(2, 3), (3, 4)])
    compare(lambda tf, a: tf.linalg.trace(a), shapes=[(3, 3)])
    compare(lambda tf, a: tf.linalg.diag(a), shapes=[(3,)])
    compare(lambda tf, a: tf.linalg.diag_part(a), shapes=[(2, 3, 3)])


@pytest.mark.parametrize("ord_", ["euclidean", 1, 2, np.inf, 3])
def test_norm(ord_):
    compare(lambda tf, x: tf.norm(x, ord=ord_), shapes=[(5,)])
    compare(lambda tf, x: tf.norm(x, ord=ord_, axis=1, keepdims=True), shapes=[(3, 4)])


SHAPES = [
    ("reshape", lambda tf, x: tf.reshape(x, [4, -1])),
    ("transpose", lambda tf, x: tf.transpose(x)),
    ("transpose_perm", lambda tf, x: tf.transpose(x, perm=[1, 0, 2])),
    ("expand_dims", lambda tf, x: tf.expand_dims(x, 1)),
    ("squeeze", lambda tf, x: tf.squeeze(tf.reshape(x, [1, 2, 1, 12]), axis=[0, 2])),
    ("tile", lambda tf, x: tf.tile(x, [2, 1, 3])),
    ("broadcast_to", lambda tf, x: tf.broadcast_to(x[:, :1], [2, 3, 4])),
    ("reverse", lambda tf, x: tf.reverse(x, [0, 2])),
    ("pad", lambda tf, x: tf.pad(x, [[1, 0], [0, 2], [1, 1]], constant_values=0.5)),
    ("pad_reflect", lambda tf, x: tf.pad(x, [[1, 1], [2, 0], [3, 2]], mode="REFLECT")),
    ("pad_symmetric", lambda tf, x: tf.pad(x, [[2, 1], [0, 3], [4, 1]], mode="symmetric")),
    ("slice", lambda tf, x: tf.slice(x, [0, 1, 1], [2, -1, 2])),
    ("getitem", lambda tf, x: x[1, ::2, tf.newaxis, 1:3]),
    ("getitem_ellipsis", lambda tf, x: x[..., -1]),
    ("concat", lambda tf, x: tf.concat([x, x * 2.0], axis=1)),
    ("stack", lambda tf, x: tf.stack([x, -x], axis=-1)),
    ("meshgrid", lambda tf, x: tf.stack(tf.meshgrid(x[0, :, 0], x[1, 0], x[0, 0, :2]), axis=0)),
    ("meshgrid_ij", lambda tf, x: tf.meshgrid(x[0, :, 0], x[1, 0], indexing="ij")[1] * 3.0),
    ("unstack", lambda tf, x: tf.unstack(x, axis=1)[2]),
    ("split", lambda tf, x: tf.split(x, 2, axis=2)[1]),
    ("split_sizes", lambda tf, x: tf.split(x, [1, -1], axis=1)[1]),
    ("gather", lambda tf, x: tf.gather(x, [2, 0, 2], axis=1)),
    (
        "gather_batch",
        lambda tf, x: tf.gather(tf.reshape(x, [6, 4]), [[0, 3], [1, 1], [2, 0], [3, 3], [0, 0], [1, 2]], batch_dims=1),
    ),
    ("boolean_mask", lambda tf, x: tf.boolean_mask(x, x[:, :, 0] > 0)),
    ("where", lambda tf, x: tf.where(x > 0, x, x * 3.0)),
    ("clip_by_value", lambda tf, x: tf.clip_by_value(x, -0.5, 1.0)),
    ("clip_by_norm", lambda tf, x: tf.clip_by_norm(x, 1.5)),
    ("cast", lambda tf, x: tf.cast(x, tf.float32)),
    ("sort", lambda tf, x: tf.sort(x, axis=1)),
    ("sort_descending", lambda tf, x: tf.sort(x, direction="DESCENDING")),
    ("top_k", lambda tf, x: tf.math.top_k(x, k=2).values),
    ("cumsum", lambda tf, x: tf.cumsum(x, axis=1)),
    ("cumsum_reverse_exclusive", lambda tf, x: tf.math.cumsum(x, axis=2, exclusive=True, reverse=True)),
    ("l2_normalize", lambda tf, x: tf.math.l2_normalize(x, axis=-1)),
    ("add_n", lambda tf, x: tf.add_n([x, x, x * 2.0])),
    ("repeat", lambda tf, x: tf.repeat(x, 2, axis=1)),
]


@pytest.mark.parametrize("fn", [f for _, f in SHAPES], ids=[name for name, _ in SHAPES])
def test_shape_and_selection(fn):
    compare(fn, shapes=[(2, 3, 4)])


@pytest.mark.parametrize("expression", [
    "tf.pad(tf.zeros((2, 3)), [[2, 0], [0, 0]], mode='REFLECT')",  # (REFLECT pads at most the length - 1)
    "tf.pad(tf.zeros((2, 3)), [[0, 0], [0, 4]], mode='SYMMETRIC')",
    "tf.pad(tf.zeros((2, 3)), [[1, 1]])",  # (one pair per axis)
    "tf.pad(tf.zeros((2, 3)), [[-1, 0], [0, 0]])",
    "tf.pad(tf.zeros((2, 3)), [[1, 0], [0, 0]], mode='EDGE')",
])  # fmt: skip
def test_pad_refuses_as_tensorflow(expression):
    same_refusal(expression)


def test_pad_of_a_scalar_is_the_scalar():
    compare(lambda tf, x: tf.pad(x, np.zeros((0, 2), np.int32)), shapes=[()])


LOSSES = [
    ("softmax", lambda tf, x, y: tf.nn.softmax(x) * y),
    ("softmax_axis0", lambda tf, x, y: tf.nn.softmax(x, axis=0) * y),
    ("log_softmax", lambda tf, x, y: tf.nn.log_softmax(x) * y),
    ("sigmoid_ce", lambda tf, x, y: tf.nn.sigmoid_cross_entropy_with_logits(labels=tf.sigmoid(y), logits=x)),
    ("weighted_ce", lambda tf, x, y: tf.nn.weighted_cross_entropy_with_logits(tf.sigmoid(y), x, 2.0)),
    ("softmax_ce", lambda tf, x, y: tf.nn.softmax_cross_entropy_with_logits(labels=tf.nn.softmax(y), logits=x)),
    ("l2_loss", lambda tf, x, y: tf.nn.l2_loss(x - y)),
    ("moments", lambda tf, x, y: tf.nn.moments(x, axes=[0])[1] + tf.nn.moments(y, axes=[0, 1])[0]),
    ("batch_norm", lambda tf, x, y: tf.nn.batch_normalization(x, 0.5, 2.0, y, 1.5, 1e-3)),
    ("bias_add", lambda tf, x, y: tf.nn.bias_add(x, y[0])),
]


@pytest.mark.parametrize("fn", [f for _, f in LOSSES], ids=[name for name, _ in LOSSES])
def test_nn(fn):
    compare(fn, shapes=[(4, 5), (4, 5)], dtype=np.float32)


def test_sparse_softmax_cross_entropy():
    labels = np.array([[1, 0, 4], [3, 3, 2]])
    logits = np.random.default_rng(3).normal(size=(2, 3, 5))
    compare(
        lambda tf, x, y: tf.nn.sparse_softmax_cross_entropy_with_logits(labels=y, logits=x), inputs=[logits, labels]
    )
    compare(lambda tf, x, y: tf.nn.sparse_softmax_cross_entropy_with_logits(y[0], x[0]), inputs=[logits, labels])


def test_float32_inputs_stay_float32():
    compare(lambda tf, x, w: tf.nn.relu(tf.matmul(x, w) + 1.0), shapes=[(8, 5), (5, 3)], dtype=np.float32)
    compare(lambda tf, x: tf.reduce_mean(tf.square(x - 0.5)), shapes=[(10,)], dtype=np.float32)
