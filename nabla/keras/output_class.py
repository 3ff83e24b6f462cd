"""A layer's or a loss function's outputs in the tensor class of its inputs: ``tf.Tensor`` in, ``tf.Tensor`` out.

Keras returns its backend's tensors, so on TensorFlow ``layer(tf.zeros(...))`` is a ``tf.Tensor``: it
prints as one, and ``x += y`` in a ``call`` makes a new tensor (TensorFlow's tensors are immutable),
where nabla's own tensors would be changed in place (refused while they require grad). A tensor class
that wants this (``nabla.tf``'s ``Tensor`` and ``Variable``) names the class of its results as
``keras_output_class``; the Keras side never imports ``nabla.tf``. Called on nabla's own tensors or on
arrays (what ``fit`` feeds), a layer returns nabla's tensors as before.
"""

from __future__ import annotations

import functools

from ._engine import Tensor


def like_inputs(outputs, inputs):
    """``outputs`` (a tensor, or a list, tuple or dict of them) with every plain ``Tensor`` switched to the
    ``keras_output_class`` of the first input, when it has one; ``outputs`` unchanged otherwise."""
    first = inputs[0] if isinstance(inputs, (list, tuple)) and inputs else inputs
    cls = getattr(type(first), "keras_output_class", None)
    return outputs if cls is None else switch_class(outputs, cls)


def returns_like_inputs(fn):
    """``fn`` (a function of tensors, such as ``losses.mean_absolute_error``) whose result takes the
    ``keras_output_class`` of its first argument that has one: ``tf.keras.losses.mae(np_array, tf_tensor)``
    is a ``tf.Tensor``, which NumPy reads as TensorFlow's (``np.mean(loss)``)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        out = fn(*args, **kwargs)
        for arg in args:
            if getattr(type(arg), "keras_output_class", None) is not None:
                return like_inputs(out, arg)
        return out

    return wrapper


def switch_class(outputs, cls):
    """``outputs`` (a tensor, or a list, tuple or dict of them) with every plain ``Tensor`` relabelled ``cls``."""
    if type(outputs) is Tensor:
        outputs.__class__ = cls  # (a subclass without state of its own: the same object, relabelled)
        return outputs
    if type(outputs) in (list, tuple):
        return type(outputs)(switch_class(o, cls) for o in outputs)
    if type(outputs) is dict:
        return {k: switch_class(v, cls) for k, v in outputs.items()}
    return outputs


# tf.keras's short names of the loss and metric functions (Keras 2's, which TensorFlow's tf.keras keeps; Keras 3's
# keras.losses and keras.metrics have only the long ones): the autoencoder tutorial's ``tf.keras.losses.mae``.
SHORT_NAMES = {
    "mae": "mean_absolute_error", "MAE": "mean_absolute_error", "mse": "mean_squared_error",
    "MSE": "mean_squared_error", "mape": "mean_absolute_percentage_error", "MAPE": "mean_absolute_percentage_error",
    "msle": "mean_squared_logarithmic_error", "MSLE": "mean_squared_logarithmic_error", "kld": "kl_divergence",
    "KLD": "kl_divergence", "kullback_leibler_divergence": "kl_divergence", "logcosh": "log_cosh",
}  # fmt: skip


def offer_functions(namespace: dict, public: list[str]) -> None:
    """In a namespace of loss or metric functions (a module's ``globals()``): each public function returns
    ``tf.Tensor``\\ s for ``tf.Tensor`` inputs (:func:`returns_like_inputs`), and tf.keras's short names
    (:data:`SHORT_NAMES`, listed in ``public``) name the same functions."""
    for name in public:
        fn = namespace.get(name)
        if name[0].islower() and name not in SHORT_NAMES and name not in ("deserialize", "get", "serialize"):
            if callable(fn) and not isinstance(fn, type):
                namespace[name] = returns_like_inputs(fn)
    namespace.update({short: namespace[long] for short, long in SHORT_NAMES.items()})
