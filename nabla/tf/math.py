"""``tf.math``: the elementwise functions and reductions, under TensorFlow's names.

The functions live in ``math_ops`` (elementwise) and ``reduce_ops`` (reductions), where their
TensorFlow semantics are written down; this module is the namespace course material reaches them by
(``tf.math.log``, ``tf.math.reduce_sum``, ``tf.math.argmax``...).
"""

from ._missing import missing
from .math_ops import (
    abs,
    add,
    add_n,
    ceil,
    cos,
    divide,
    divide_no_nan,
    equal,
    erf,
    exp,
    expm1,
    floor,
    floordiv,
    floormod,
    greater,
    greater_equal,
    is_finite,
    is_inf,
    is_nan,
    less,
    less_equal,
    log,
    log1p,
    log_sigmoid,
    logical_and,
    logical_not,
    logical_or,
    logical_xor,
    maximum,
    minimum,
    mod,
    multiply,
    negative,
    not_equal,
    pow,
    reciprocal,
    rint,
    round,
    rsqrt,
    scalar_mul,
    sigmoid,
    sign,
    sin,
    softplus,
    sqrt,
    square,
    squared_difference,
    subtract,
    tan,
    tanh,
    truediv,
)
from .reduce_ops import (
    argmax,
    argmin,
    confusion_matrix,
    count_nonzero,
    cumsum,
    l2_normalize,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_std,
    reduce_sum,
    reduce_variance,
    top_k,
)


def __getattr__(name: str):
    raise missing("tf.math", name)
