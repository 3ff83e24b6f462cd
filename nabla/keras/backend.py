"""``keras.backend``: the few backend names Keras 3 code reads, with nabla's answers.

``clear_session()`` restarts automatic layer names (:func:`nabla.keras.utils.naming.clear_session`);
``floatx()`` is ``"float32"``, ``epsilon()`` ``1e-7`` (the losses' clipping constant) and
``image_data_format()`` ``"channels_last"``, fixed as nabla's Keras side computes them (there are no
setters: a Keras name nabla lacks raises an ``AttributeError`` saying so). ``backend()`` is ``"nabla"``.
"""

from __future__ import annotations

from ._missing import missing as _missing
from .losses import EPSILON
from .symbolic import KerasTensor
from .utils.naming import clear_session

__all__ = ["backend", "clear_session", "epsilon", "floatx", "image_data_format", "is_keras_tensor"]


def backend() -> str:
    """The name of the engine under the Keras API: ``"nabla"`` (Keras answers ``"torch"``, ``"jax"``...)."""
    return "nabla"


def floatx() -> str:
    """The default float dtype: ``"float32"``, as in Keras."""
    return "float32"


def epsilon() -> float:
    """The fuzz factor of the losses and metrics: ``1e-7``, as in Keras."""
    return EPSILON


def image_data_format() -> str:
    """``"channels_last"``: nabla's Keras layers take images as (batch, height, width, channels)."""
    return "channels_last"


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor of the functional API (what ``keras.Input`` returns)."""
    return isinstance(x, KerasTensor)


def __getattr__(name: str):
    raise _missing("keras.backend", name)
