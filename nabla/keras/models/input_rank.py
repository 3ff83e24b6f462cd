"""An input one axis of size 1 off the rank a model declares, brought to that rank (Keras 3's
``Functional._adjust_input_rank``).

Keras 3 squeezes a trailing axis of size 1 from an input one rank above the model's input, and adds one to an
input one rank below when the declared input ends in 1; any other rank is an error. A Sequential model with a
known input shape (a ``keras.Input`` first, or built by its first call) is a functional graph in Keras 3, so the
same holds for it. TensorFlow's denoising-autoencoder tutorial relies on it: its ``tf.reshape(x, x.shape + (1,))``
gives ``(N, 28, 28, 1, 1)`` images to an encoder that starts with ``Input(shape=(28, 28, 1))``.
"""

from __future__ import annotations

from .._engine import Tensor, ops


def adjust_input_rank(x, declared: tuple, model_name: str, input_name: str = "input"):
    """``x`` squeezed or expanded at its last axis to the rank of ``declared`` (batch axis included), as Keras 3.

    Only real tensors are adjusted (a symbolic input, text or a structure passes as it is).
    """
    if not isinstance(x, Tensor) or len(x.shape) == len(declared):
        return x
    if len(x.shape) == len(declared) + 1 and x.shape[-1] == 1:
        return ops.squeeze(x, -1)
    if len(x.shape) == len(declared) - 1 and declared[-1] == 1:
        return ops.expand_dims(x, -1)
    raise ValueError(
        f"model '{model_name}': invalid input shape for {input_name!r}: expected shape {tuple(declared)}, but the "
        f"input has the incompatible shape {tuple(x.shape)}; reshape it to the model's input rank"
    )
