"""``keras.activations``: Keras 3's activation functions, under its names and signatures.

``Dense(10, activation=keras.activations.softmax)``, ``Dense(4, activation="relu")`` and
``keras.activations.relu(x, negative_slope=0.1, max_value=6.0)`` all work: each function is composed of
nabla's differentiable operations, so gradients flow through it. They take tensors, Variables, NumPy
arrays and numbers, and return tensors of the input's float dtype (float32 stays float32).

Numerics: each function is written so that no intermediate overflows on extreme finite inputs (±1e30,
±3e38), where a textbook formula would (``squareplus``'s ``x**2``, ``sparse_plus``'s ``(x+1)**2``,
``gelu``'s ``x**3``); the values then agree with Keras's computed in float64. ``exponential`` is ``e^x``
and overflows to ``inf`` above about 88 in float32, as in Keras.

Names: :func:`get` and :func:`deserialize` take Keras's names (``"swish"`` is ``silu`` and
``"hard_swish"`` is ``hard_silu``, whose saved names are ``"silu"`` and ``"hard_silu"``, as Keras's
:func:`serialize` writes them) and nabla's ``"step"`` (the perceptron's Heaviside step, not in Keras).
"""

from __future__ import annotations

import functools
from collections.abc import Callable

from ._convert import convert_to_tensor as _tensor
from ._engine import Tensor, ops
from .activation_logits import remember_logits
from .output_class import returns_like_inputs

_SELU_ALPHA = 1.6732632423543772
_SELU_SCALE = 1.0507009873554805


def relu(x, negative_slope: float = 0.0, max_value: float | None = None, threshold: float = 0.0) -> Tensor:
    """Rectified linear unit, with Keras's options. With ``t = threshold``, ``m = max_value``, ``a = negative_slope``::

        relu(x) = min(x, m)       for x > t   (no ceiling when m is None)
        relu(x) = a * (x - t)     for x <= t  (0 by default)

    computed as Keras does (``where(x > t, x, 0)`` clipped to [0, m], minus ``a * relu(t - x)``), so values
    and gradients agree everywhere. ``relu(x)`` alone is nabla's ReLU primitive (the fast path).
    """
    if negative_slope == 0.0 and max_value is None and threshold == 0.0:
        return ops.relu(x)
    x = _tensor(x)
    if negative_slope != 0.0 and max_value is None and threshold == 0.0:
        return ops.leaky_relu(x, negative_slope)
    out = ops.where(x > threshold, x, 0.0) if threshold != 0.0 else ops.relu(x)
    if max_value is not None:
        out = ops.clip(out, 0.0, float(max_value))
    if negative_slope != 0.0:
        out = out - float(negative_slope) * ops.relu(threshold - x)
    return out


def relu6(x) -> Tensor:
    """``min(max(x, 0), 6)``."""
    return ops.clip(x, 0.0, 6.0)


def leaky_relu(x, negative_slope: float = 0.2) -> Tensor:
    """``x`` for x > 0, else ``negative_slope * x`` (Keras's default slope 0.2; PyTorch's is 0.01)."""
    return ops.leaky_relu(x, negative_slope)


def elu(x, alpha: float = 1.0) -> Tensor:
    """``x`` for x > 0, ``alpha * (e^x - 1)`` otherwise."""
    return ops.elu(x, alpha)


def selu(x) -> Tensor:
    """``scale * elu(x, alpha)`` with Klambauer et al.'s constants (alpha 1.67326..., scale 1.05070...)."""
    return ops.elu(x, _SELU_ALPHA) * _SELU_SCALE


def celu(x, alpha: float = 1.0) -> Tensor:
    """``max(x, 0) + alpha * (e^(min(x, 0) / alpha) - 1)`` (Barron, 2017)."""
    x, alpha = _tensor(x), float(alpha)
    return ops.relu(x) + alpha * ops.expm1(ops.minimum(x, 0.0) * (1.0 / alpha))


def gelu(x, approximate: bool = False) -> Tensor:
    """Gaussian error linear unit ``x * Phi(x)``; the exact erf form by default, as ``keras.activations.gelu``
    (``keras.ops.gelu`` defaults to the tanh approximation, ``approximate=True``)."""
    return ops.gelu(x, approximate="tanh" if approximate else "none")


def glu(x, axis: int = -1) -> Tensor:
    """Gated linear unit: ``a * sigmoid(b)`` where ``a, b`` are the two halves of ``x`` along ``axis``."""
    x = _tensor(x)
    if x.shape[axis] % 2:
        raise ValueError(f"glu: the size of axis {axis} must be even, got shape {tuple(x.shape)}")
    a, b = ops.split(x, 2, axis=axis)
    return a * ops.sigmoid(b)


def silu(x) -> Tensor:
    """``x * sigmoid(x)``, also called swish."""
    return ops.silu(x)


def sigmoid(x) -> Tensor:
    """``1 / (1 + e^-x)``, without overflow for any x. The output remembers ``x`` as its logits, which the
    cross-entropies use in its place, as Keras on TensorFlow (on PyTorch Keras clips): see
    :mod:`.activation_logits`."""
    x = _tensor(x)
    return remember_logits(ops.sigmoid(x), x)


def hard_sigmoid(x) -> Tensor:
    """``clip(x / 6 + 1/2, 0, 1)``: Keras 3's piecewise-linear sigmoid (Keras 2's slope was 0.2)."""
    return ops.clip(_tensor(x) * (1.0 / 6.0) + 0.5, 0.0, 1.0)


def hard_silu(x) -> Tensor:
    """``x * hard_sigmoid(x)``, also called hard swish."""
    x = _tensor(x)
    return x * hard_sigmoid(x)


def sparse_sigmoid(x) -> Tensor:
    """0 for x <= -1, 1 for x >= 1, ``(x + 1) / 2`` between."""
    return (ops.clip(x, -1.0, 1.0) + 1.0) * 0.5


def log_sigmoid(x) -> Tensor:
    """``log(sigmoid(x)) = -softplus(-x)``, stable for large |x|."""
    return -ops.softplus(-_tensor(x))


def tanh(x) -> Tensor:
    """Hyperbolic tangent."""
    return ops.tanh(x)


def hard_tanh(x) -> Tensor:
    """``clip(x, -1, 1)``."""
    return ops.clip(x, -1.0, 1.0)


def tanh_shrink(x) -> Tensor:
    """``x - tanh(x)``."""
    x = _tensor(x)
    return x - ops.tanh(x)


def soft_shrink(x, threshold: float = 0.5) -> Tensor:
    """``x - threshold`` above threshold, ``x + threshold`` below -threshold, else 0: ``x - clip(x, -t, t)``."""
    x, t = _tensor(x), float(threshold)
    return x - ops.clip(x, -t, t)


def hard_shrink(x, threshold: float = 0.5) -> Tensor:
    """``x`` where ``|x| > threshold``, else 0."""
    x = _tensor(x)
    return ops.where(ops.abs(x) > threshold, x, 0.0)


def threshold(x, threshold: float, default_value: float) -> Tensor:  # noqa: F811 - Keras's argument name
    """``x`` where ``x > threshold``, else ``default_value``."""
    x = _tensor(x)
    return ops.where(x > threshold, x, float(default_value))


def mish(x) -> Tensor:
    """``x * tanh(softplus(x))`` (Misra, 2019)."""
    x = _tensor(x)
    return x * ops.tanh(ops.softplus(x))


def softplus(x) -> Tensor:
    """``log(1 + e^x)``, computed without overflow (linear above x = 20, as PyTorch)."""
    return ops.softplus(x)


def softsign(x) -> Tensor:
    """``x / (1 + |x|)``."""
    x = _tensor(x)
    return x / (1.0 + ops.abs(x))


def squareplus(x, b: float = 4) -> Tensor:
    """``(x + sqrt(x^2 + b)) / 2`` (So, 2021), a smooth ReLU.

    NOTE: ``x^2`` overflows float32 beyond |x| ~ 1.8e19, so ``r = sqrt(x^2 + b)`` is computed as a hypot,
    ``m * sqrt((x/m)^2 + b/m/m)`` with ``m = max(|x|, 1)``, and for x < 0 the cancelling sum ``x + r`` is
    rewritten as ``b / (r + |x|)``. ``r`` does not depend on ``m``, so its gradient is exact too.
    ``b = 0`` is ReLU.
    """
    x, b = _tensor(x), float(b)
    if b < 0:
        raise ValueError(f"squareplus: b must be >= 0, got {b}")
    if b == 0:
        return ops.relu(x)
    m = ops.maximum(ops.abs(x), 1.0)
    r = m * ops.sqrt(ops.square(x / m) + b / m / m)
    half_x, half_r = x * 0.5, r * 0.5  # halved before adding: x + r overflows near float32's maximum
    return ops.where(x >= 0, half_x + half_r, (0.25 * b) / (half_r + ops.abs(half_x)))


def sparse_plus(x) -> Tensor:
    """0 for x <= -1, ``(x + 1)^2 / 4`` for -1 < x < 1, ``x`` for x >= 1.

    NOTE: the square is taken of ``clip(x, -1, 1)``, so it never overflows where it is not used."""
    x = _tensor(x)
    return ops.where(x >= 1.0, x, ops.square(ops.clip(x, -1.0, 1.0) + 1.0) * 0.25)


def exponential(x) -> Tensor:
    """``e^x`` (``inf`` above about 88 in float32, as in Keras)."""
    return ops.exp(x)


def linear(x):
    """The identity: ``x`` itself."""
    return x


def softmax(x, axis: int | tuple = -1) -> Tensor:
    """``e^x_i / sum_j e^x_j`` along ``axis`` (an int or a tuple of axes); the max is subtracted first.

    The output remembers ``x`` as its logits (whatever the axis, as Keras's), which the cross-entropies
    use in its place, as Keras on TensorFlow (on PyTorch Keras clips): see :mod:`.activation_logits`."""
    x = _tensor(x)
    if isinstance(axis, (tuple, list)):
        return remember_logits(ops.exp(x - ops.logsumexp(x, axis=tuple(axis), keepdims=True)), x)
    return remember_logits(ops.softmax(x, axis=axis), x)


def log_softmax(x, axis: int | tuple = -1) -> Tensor:
    """``x - logsumexp(x)`` along ``axis``: the stable log of softmax."""
    if isinstance(axis, (tuple, list)):
        x = _tensor(x)
        return x - ops.logsumexp(x, axis=tuple(axis), keepdims=True)
    return ops.log_softmax(x, axis=axis)


def sparsemax(x, axis: int = -1) -> Tensor:
    """The Euclidean projection of ``x`` onto the probability simplex along ``axis`` (Martins & Astudillo, 2016):
    ``max(x - tau, 0)``, with ``tau`` chosen so that the outputs sum to 1 (many are exactly 0).

    The support (the ``x_i`` above ``tau``) is found without sorting: ``x_i`` is in it when
    ``1 + k_i x_i > s_i``, with ``k_i`` the number and ``s_i`` the sum of the ``x_j >= x_i``
    (quadratic in the size of the axis, small for class scores). Then ``tau = (sum of the support - 1) / k``
    is computed with gradients, which gives sparsemax's exact Jacobian ``diag(s) - s s^T / k``.
    """
    x = ops.moveaxis(_tensor(x), axis, -1)
    # NOTE: sparsemax(x - c) = sparsemax(x): the support is found on x - max(x), whose sums stay finite.
    values = x.detach()
    values = values - ops.max(values, axis=-1, keepdims=True)
    at_least = ops.astype(ops.expand_dims(values, -2) >= ops.expand_dims(values, -1), values.dtype)
    k_i = ops.sum(at_least, axis=-1)
    s_i = ops.sum(at_least * ops.expand_dims(values, -2), axis=-1)
    support = ops.astype(1.0 + k_i * values > s_i, values.dtype)
    x = x - ops.max(x, axis=-1, keepdims=True).detach()
    tau = (ops.sum(x * support, axis=-1, keepdims=True) - 1.0) / ops.sum(support, axis=-1, keepdims=True)
    return ops.moveaxis(ops.relu(x - tau), -1, axis)


# The operation a Keras 3 activation records on a KerasTensor where it is not the function's own name: relu is
# activations' ReLU operation (a layer "re_lu" in a summary), exponential is keras.ops.exp.
_OP_CLASSES = {"relu": "ReLU", "exponential": "exp"}


def _records_calls(fn: Callable) -> Callable:
    """``fn``, which called on a KerasTensor (``keras.Input``'s) records a functional model's step instead of
    running, as Keras 3's activations (they are ops) do."""

    @functools.wraps(fn)
    def activation(x, *args, **kwargs):
        if not isinstance(x, Tensor):  # (tensors, the hot path, go straight on)
            from . import symbolic  # (late: symbolic imports the layers, which import the activations)

            if symbolic.is_symbolic(x):
                if fn.__name__ == "linear":
                    return x  # (Keras's linear returns its input: no step of its own)
                return symbolic.call(fn, (x, *args), kwargs, op_name=_OP_CLASSES.get(fn.__name__, fn.__name__))
        return fn(x, *args, **kwargs)

    return activation


# Called on tf.Tensors (nabla.tf's), the functions return tf.Tensors, as tf.keras's do: ``print(sigmoid(z))``
# prints ``tf.Tensor(...)`` and ``type(sigmoid(z)) == EagerTensor`` holds. Called on keras.Input tensors, they
# record a functional model's step, as Keras 3's (WaveNet's ``relu(Add()(skips))`` in Géron's chapter 15).
_FUNCTIONS: tuple[Callable, ...] = tuple(_records_calls(returns_like_inputs(fn)) for fn in (
    celu, elu, exponential, gelu, glu, hard_shrink, hard_sigmoid, hard_silu, hard_tanh, leaky_relu, linear,
    log_sigmoid, log_softmax, mish, relu, relu6, selu, sigmoid, silu, soft_shrink, softmax, softplus, softsign,
    sparse_plus, sparse_sigmoid, sparsemax, squareplus, tanh, tanh_shrink, threshold,
))  # fmt: skip
globals().update({fn.__name__: fn for fn in _FUNCTIONS})
_ACTIVATIONS: dict[str, Callable] = {fn.__name__: fn for fn in _FUNCTIONS}
_ACTIVATIONS.update(swish=silu, hard_swish=hard_silu, step=ops.step)  # Keras's aliases; nabla's perceptron step
swish, hard_swish = silu, hard_silu
# An alias's saved name is its function's canonical one (reversed: the first name of a function wins).
_NAMES: dict[Callable, str] = {fn: name for name, fn in reversed(list(_ACTIVATIONS.items()))}
# nabla's operations that are these functions with their default arguments (``Dense(4, activation=nb.relu)``)
# save under the same names. (nb.leaky_relu is not: its default slope is PyTorch's 0.01, Keras's is 0.2.)
_NAMES.update({ops.relu: "relu", ops.sigmoid: "sigmoid", ops.tanh: "tanh", ops.silu: "silu", ops.elu: "elu",
               ops.gelu: "gelu", ops.softplus: "softplus", ops.softmax: "softmax",
               ops.log_softmax: "log_softmax"})  # fmt: skip


def name_of(fn: Callable) -> str | None:
    """The name :func:`serialize` writes for an activation function, if it is one of these (None otherwise)."""
    try:
        return _NAMES.get(fn)
    except TypeError:  # an unhashable callable is none of these
        return None


def serialize(activation: Callable) -> str:
    """The name of one of these functions (``"silu"`` for ``swish``), as Keras 3 saves it in a config."""
    name = name_of(activation)
    if name is None:
        raise ValueError(
            f"cannot serialize the activation {activation!r}: only the functions of keras.activations have names"
        )
    return name


def deserialize(config, custom_objects: dict | None = None) -> Callable:
    """The function for a name, or for Keras's object form ``{"class_name": "function", "config": name}``;
    a name that is not one of these is looked up as Keras's ``get_registered_object`` does: the
    ``custom_object_scope`` blocks, the functions registered with ``register_keras_serializable``
    (``"package>name"``), then ``custom_objects``."""
    if isinstance(config, dict):
        if config.get("class_name") != "function" or not isinstance(config.get("config"), str):
            raise ValueError(f"cannot deserialize the activation {config!r}: expected a name or a function's config")
        config = config["config"]
    if isinstance(config, str):
        if config in _ACTIVATIONS and not (custom_objects and config in custom_objects):
            return _ACTIVATIONS[config]
        from .utils.object_registration import get_registered_object  # (utils imports the layers)

        found = get_registered_object(config, custom_objects)  # a scope's, "package>name", custom_objects
        if callable(found):
            return found
    raise ValueError(f"unknown activation {config!r}; valid names: {', '.join(sorted(_ACTIVATIONS))}")


def get(identifier) -> Callable:
    """The activation for a name or a serialized config; None gives :func:`linear`; callables pass through."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    return deserialize(identifier)
