"""``nabla.tf``: the TensorFlow 2 names that introductory material uses, over nabla's engine.

Change ``import tensorflow as tf`` to ``import nabla.tf as tf`` (and ``from tensorflow.keras...`` to
``from nabla.tf.keras...``) and a TensorFlow 2 lab runs on nabla: ``tf.constant``, ``tf.Variable``,
``tf.GradientTape``, the math, array, random and ``tf.nn`` functions, ``tf.function``, ``tf.Module``,
``tf.data`` (input pipelines: ``Dataset.from_tensor_slices(...).shuffle(...).batch(...)``), and ``tf.keras``
(the same module as ``nabla.keras``).

It is a facade, not a second engine: a ``tf.Tensor`` is an ``nb.Tensor``, every function calls one of
nabla's operations, and ``tape.gradient`` is nabla's backward pass. Where TensorFlow's semantics differ
from PyTorch's (which nabla's own API follows), ``nabla.tf`` follows TensorFlow and each function's
docstring says how: dtypes (``tf.constant(1)`` is int32, mixed dtypes raise), integer division and means,
ties in ``maximum`` and ``reduce_max``, ``tf.argmax``'s default axis, recording only inside tapes.

A TensorFlow name it does not offer raises an ``AttributeError`` that says so and what nabla offers
instead (``tf.data.Dataset.group_by_window`` -> ``padded_batch``). See docs/tf.md.
"""

from ..keras.ops.core import record_symbolic_calls as _record_symbolic_calls
from ..keras.ragged import RaggedTensor
from . import (
    compat,
    config,
    data,
    debugging,
    distribute,
    dtypes,
    errors,
    image,
    io,
    linalg,
    math,
    nest,
    nn,
    queue,
    ragged,
    random,
    sets,
    sparse,
    strings,
    summary,
    train,
    version,
)
from ._convert import constant, convert_to_tensor
from ._keras_alias import install as _install_keras_alias
from ._missing import missing as _missing
from .array_ops import (
    argsort,
    boolean_mask,
    broadcast_to,
    cast,
    clip_by_global_norm,
    clip_by_norm,
    clip_by_value,
    concat,
    expand_dims,
    gather,
    gather_nd,
    identity,
    meshgrid,
    pad,
    rank,
    repeat,
    reshape,
    reverse,
    shape,
    size,
    slice,
    sort,
    split,
    squeeze,
    stack,
    stop_gradient,
    tile,
    transpose,
    unstack,
    where,
)
from .control_flow import cond, while_loop
from .creation import eye, fill, linspace, one_hot, ones, ones_like, range, zeros, zeros_like
from .custom_gradients import custom_gradient
from .dtypes import (
    DType,
    as_dtype,
    bool,
    double,
    float16,
    float32,
    float64,
    half,
    int8,
    int16,
    int32,
    int64,
    string,
    uint8,
    uint16,
    uint32,
    uint64,
)
from .function import function
from .gradient_tape import GradientTape, UnconnectedGradients
from .indexed_slices import IndexedSlices
from .linalg_ops import einsum, matmul, norm, tensordot
from .math_ops import (
    abs,
    add,
    add_n,
    cos,
    divide,
    equal,
    exp,
    floor,
    greater,
    greater_equal,
    less,
    less_equal,
    logical_and,
    logical_not,
    logical_or,
    maximum,
    minimum,
    multiply,
    negative,
    not_equal,
    pow,
    round,
    sigmoid,
    sign,
    sin,
    sqrt,
    square,
    subtract,
    tan,
    tanh,
    truediv,
)
from .module import Module
from .name_scope import name_scope
from .reduce_ops import (
    argmax,
    argmin,
    cumsum,
    reduce_all,
    reduce_any,
    reduce_logsumexp,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_prod,
    reduce_sum,
)
from .sparse import SparseTensor
from .tensor import Tensor
from .tensor_array import TensorArray
from .tensor_shape import TensorShape
from .utilities import TensorSpec, device, executing_eagerly, is_tensor, newaxis, print
from .variable import Variable

__version__ = version.VERSION  # the TensorFlow API it follows (and is tested against), and that it is nabla

_install_keras_alias()

# Keras 2 (TensorFlow <= 2.15) made a TensorFlow function called on keras.Input tensors a step of the functional
# model (its TFOpLambda layers): course material builds models so, `tf.cast(inputs["age"], tf.float32)`. Keras 3
# refuses; nabla.tf keeps the Keras 2 idiom, as keras.ops records its own calls (tf.shape(inputs) too: a step
# whose value is the batch's shape, as in Keras 2). Those below are not operations on tensors.
_EAGER_ONLY = frozenset(
    ("as_dtype", "custom_gradient", "device", "executing_eagerly", "function", "is_tensor", "missing", "name_scope")
    + ("print",)
)
for _namespace in (globals(), vars(math), vars(nn), vars(linalg)):
    _record_symbolic_calls(_namespace, _EAGER_ONLY)
del _namespace

# The modules implementing the names above (bound here by the imports) are not TensorFlow names: tf.tensor,
# tf.variable... raise like any other name TensorFlow lacks. (They stay importable: nabla.tf.variable.)
for _implementation in (
    *("_convert", "_engine", "_keras_alias", "_nest", "_recording", "array_ops", "control_flow", "creation"),
    *("custom_gradients",),
    *("gradient_tape", "indexed_slices"),
    *("linalg_ops", "math_ops", "module", "nn_ops", "random_ops", "reduce_ops", "tensor", "tensor_shape"),
    *("tensor_array", "conv_ops", "pool_ops"),
    *("utilities", "variable"),
):
    globals().pop(_implementation, None)
del _implementation

# TensorFlow 2's aliases of Keras modules (tf.losses is tf.keras.losses...), reached on first use.
_KERAS_ALIASES = {name: f".{name}" for name in ("losses", "optimizers", "metrics", "initializers")} | {"keras": ""}


# TensorFlow 2's initializer classes of the top namespace (tf.zeros_initializer...), Keras's: reached on first use.
_INITIALIZERS = {f"{kind}_initializer" for kind in ("constant", "ones", "random_normal", "random_uniform", "zeros")}


def __getattr__(name: str):
    if name in _INITIALIZERS:
        from . import initializers_v2

        return getattr(initializers_v2, name)
    if name in _KERAS_ALIASES:
        import importlib

        try:
            return importlib.import_module("nabla.tf.keras" + _KERAS_ALIASES[name])  # nabla.keras[...]
        except ModuleNotFoundError as e:
            raise AttributeError(str(e)) from e
    raise _missing("tf", name)
