"""``keras.config``: Keras 3's global settings, as ``keras.backend`` answers them in nabla.

``backend()`` is ``"nabla"``; ``floatx()``, ``epsilon()`` and ``image_data_format()`` are fixed
(``"float32"``, ``1e-7``, ``"channels_last"``) and their setters accept only those values (see
:mod:`nabla.keras.backend`, the one implementation); so does the global ``dtype_policy()`` (see
:mod:`nabla.keras.dtype_policies`). ``enable_unsafe_deserialization()`` is accepted
and changes nothing: nabla's model files hold no code and no pickles, so there is nothing unsafe to
enable (a model with a ``Lambda`` layer is refused at load with its own message).
"""

from __future__ import annotations

from ._missing import missing as _missing
from .backend import (
    backend,
    epsilon,
    floatx,
    image_data_format,
    set_epsilon,
    set_floatx,
    set_image_data_format,
)
from .dtype_policies import dtype_policy, set_dtype_policy

__all__ = [
    "backend",
    "dtype_policy",
    "enable_unsafe_deserialization",
    "epsilon",
    "floatx",
    "image_data_format",
    "set_dtype_policy",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
]


def enable_unsafe_deserialization() -> None:
    """Keras's switch for loading Lambda layers' code; nabla never loads code from a file, so this does nothing."""


def __getattr__(name: str):
    raise _missing("keras.config", name)
