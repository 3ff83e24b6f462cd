"""``keras.backend``: the few backend names Keras 3 code reads, with nabla's answers.

``clear_session()`` restarts automatic layer names (:func:`nabla.keras.utils.naming.clear_session`);
``floatx()`` is ``"float32"``, ``epsilon()`` ``1e-7`` (the losses' clipping constant) and
``image_data_format()`` ``"channels_last"``, fixed as nabla's Keras side computes them: their setters
(``set_floatx``...) accept those values, so that material which sets them explicitly runs, and refuse
any other with a ``ValueError`` that says so (Keras would change the layers' dtype, the fuzz factor or
the image layout). ``backend()`` is ``"nabla"``. ``keras.config`` offers the same functions.

Keras 2's backend functions (``K.sum``, ``K.clip``, ``K.get_value``, ``K.set_value``...), which Keras 3
dropped and course material still calls, are here too: :mod:`nabla.keras.backend_functions`.
"""

from __future__ import annotations

import numpy as np

from ._missing import missing as _missing
from .losses import EPSILON
from .symbolic import KerasTensor
from .utils.naming import clear_session

# isort: split
# (Keras 2's K.sum, K.clip, K.get_value...: after the imports above, which import the layers that keras.ops needs)
from . import backend_functions as _functions
from .backend_functions import *  # noqa: F403

__all__ = [
    "backend",
    "clear_session",
    "epsilon",
    "floatx",
    "image_data_format",
    "is_keras_tensor",
    "set_epsilon",
    "set_floatx",
    "set_image_data_format",
    "standardize_dtype",
    *_functions.__all__,
]


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


def _fixed(setting: str, value, current, why: str) -> None:
    if value != current:
        raise ValueError(f"set_{setting}({value!r}): nabla.keras keeps {setting} at {current!r} ({why})")


def set_floatx(value: str) -> None:
    """Accepts ``"float32"``, the dtype nabla's Keras layers compute in; refuses another dtype."""
    _fixed("floatx", value, floatx(), "its layers and losses compute in float32; nabla.nn modules take float64")


def set_epsilon(value: float) -> None:
    """Accepts ``1e-7``, the fuzz factor nabla's losses and metrics use; refuses another value."""
    _fixed("epsilon", value, epsilon(), "the losses' and metrics' clipping constant")


def set_image_data_format(data_format: str) -> None:
    """Accepts ``"channels_last"``; refuses ``"channels_first"`` (transpose the images to (N, H, W, C))."""
    _fixed("image_data_format", data_format, image_data_format(), "images are (batch, height, width, channels)")


_PYTHON_TYPES = {bool: "bool", int: "int64", float: "float32", str: "string"}
_NAMES = frozenset(
    ["bool", "string", "float16", "float32", "float64", "complex64", "complex128"]
    + [f"{sign}int{bits}" for sign in ("", "u") for bits in (8, 16, 32, 64)]
)


def standardize_dtype(dtype=None) -> str:
    """The Keras name of a dtype, as ``keras.backend.standardize_dtype``: None gives :func:`floatx`; Python's
    ``bool``, ``int``, ``float`` and ``str`` give ``"bool"``, ``"int64"`` (Keras on TensorFlow's answer, and
    the engine's integer default), ``"float32"`` and ``"string"``; a NumPy dtype or type, a layer's or an
    Input's dtype, a tensor's ``.dtype`` or a name give the name. Anything else is Keras's ``ValueError``
    ``"Invalid dtype: ..."`` (``"float"`` included, as in Keras)."""
    if dtype is None:
        return floatx()
    if isinstance(dtype, type) and dtype in _PYTHON_TYPES:
        return _PYTHON_TYPES[dtype]
    if isinstance(dtype, str):
        name = str(dtype)
    else:
        try:
            name = np.dtype(dtype).name
        except TypeError:
            name = getattr(dtype, "name", None)
    if name not in _NAMES:
        raise ValueError(f"Invalid dtype: {dtype}")
    return name


def is_keras_tensor(x) -> bool:
    """Whether ``x`` is a symbolic tensor of the functional API (what ``keras.Input`` returns)."""
    return isinstance(x, KerasTensor)


def __getattr__(name: str):
    raise _missing("keras.backend", name)
