"""What a layer call takes positionally after its inputs, as Keras 3's ``Layer.__call__(inputs, *args, **kwargs)``,
and which of Keras's call arguments (``training``, ``mask``) a layer's ``call`` takes.

Keras 3 passes the other positional arguments on to ``call`` as they are, with two rules that nabla follows:

- each of them (each leaf of a list or dict among them) must be a tensor: a nabla ``Tensor``, a
  ``keras.Input`` tensor, anything with ``__array__`` (a NumPy array, which Keras converts), or None. A
  Python bool, number or string raises Keras 3's ``ValueError`` ("Only input tensors may be passed as
  positional arguments ..."): ``model(x, True)`` is refused, write ``model(x, training=True)``. A layer
  class of yours may set ``_allow_non_tensor_positional_args = True``, as Keras's preprocessing layers do;
  a functional model does (so ``model(x, True)`` meets the next rule, as in Keras 3).
- a positional tensor that lands on ``call``'s ``training`` parameter raises the ``TypeError`` Keras 3's
  call raises (``Functional.call() got multiple values for argument 'training'``): ``model(x, mask)`` for a
  model, or a ``Dense``, whose ``call(inputs, training=None, mask=None)`` takes ``training`` second. Pass
  the mask by name: ``model(x, mask=mask)``.
"""

from __future__ import annotations

import functools
import inspect

from .._engine import Tensor
from ..symbolic import KerasTensor, flatten


def check_positional(layer, args: tuple) -> None:
    """Refuse what Keras 3 refuses among ``args``, the positional arguments after a call's inputs."""
    if not args:
        return
    if not getattr(layer, "_allow_non_tensor_positional_args", False):
        for arg in flatten(args):
            if not (arg is None or isinstance(arg, (Tensor, KerasTensor)) or hasattr(arg, "__array__")):
                raise ValueError(
                    "Only input tensors may be passed as positional arguments. The following argument value "
                    f"should be passed as a keyword argument: {arg} (of type {type(arg)})"
                )
    names = _positional_names(type(layer))
    for name, value in zip(names, args):
        if name == "training" and value is not None:
            raise TypeError(f"{type(layer).__qualname__}.call() got multiple values for argument 'training'")


@functools.cache
def _positional_names(cls: type) -> tuple[str, ...]:
    """The names of ``cls.call``'s parameters after ``self`` and the inputs that positional arguments fill."""
    kinds = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)
    parameters = list(inspect.signature(cls.call).parameters.values())[2:]
    names = []
    for parameter in parameters:
        if parameter.kind not in kinds:
            break
        names.append(parameter.name)
    return tuple(names)


@functools.cache
def training_parameter(cls: type) -> tuple[bool, bool | None, bool]:
    """Whether ``cls.call`` has a ``training`` parameter (Keras passes the mode only then; a ``**kwargs``
    does not count, as in Keras), that parameter's default (used when no call sets the mode), and whether
    it is required: then the mode is passed even when none is set, as None, as Keras 2 does
    (d2l's ``call(self, inputs, training)`` in a Sequential model)."""
    parameter = inspect.signature(cls.call).parameters.get("training")
    if parameter is None or parameter.default is inspect.Parameter.empty:
        return parameter is not None, None, parameter is not None
    return True, parameter.default, False


@functools.cache
def call_takes_mask(cls: type) -> bool:
    """Whether ``cls.call`` has a ``mask`` parameter (Keras then passes the input's mask as ``mask=``)."""
    return "mask" in inspect.signature(cls.call).parameters
