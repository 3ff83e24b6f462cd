"""Your own optimizer, Keras 3's way: subclass ``keras.optimizers.Optimizer`` and write ``build`` and ``update_step``.

::

    class Momentum(keras.optimizers.Optimizer):
        def __init__(self, learning_rate=0.01, momentum=0.9, **kwargs):
            super().__init__(learning_rate=learning_rate, **kwargs)
            self.momentum = momentum

        def build(self, var_list):
            if self.built:
                return
            super().build(var_list)
            self.velocities = [self.add_variable_from_reference(v, "velocity") for v in var_list]

        def update_step(self, gradient, variable, learning_rate):
            v = self.velocities[self._get_variable_index(variable)]
            self.assign(v, self.momentum * v - learning_rate * gradient)
            self.assign_add(variable, v)

``build(var_list)`` runs once, before the first update (from ``apply_gradients`` or ``fit``), on the
variables to train; ``update_step(gradient, variable, learning_rate)`` then runs for each variable that has a
gradient, with the gradient and the rate (the schedule's value, a scalar of the variable's dtype) as tensors.
Everything around it is the base class's, in Keras's order: the schedule, clipping, weight decay, the
constraints, ``iterations``. The arithmetic is :mod:`nabla.keras.ops` on tensors, as in Keras; the
assignments change the variables in place.
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, no_grad
from ..variables import Variable


class UpdateSteps:
    """Mixed into :class:`~nabla.keras.optimizers.Optimizer`: the parts of Keras 3's base class that a subclass
    with its own ``update_step`` uses (see the module's docstring)."""

    def update_step(self, gradient: Tensor, variable: Tensor, learning_rate: Tensor) -> None:
        """Update ``variable`` in place from ``gradient``: what a subclass of yours writes (Keras 3's hook)."""
        who = type(self).__name__
        raise NotImplementedError(f"{who} must implement update_step(gradient, variable, learning_rate)")

    def _has_update_step(self) -> bool:
        return type(self).update_step is not UpdateSteps.update_step

    def _index_variables(self, var_list) -> None:
        """Number the variables ``build`` was given (:meth:`_get_variable_index`) and mark the optimizer built."""
        self._variable_index = {id(v): i for i, v in enumerate(var_list)}
        self._update_steps_built = True

    def _get_variable_index(self, variable) -> int:
        """The position of ``variable`` in the list ``build`` was given (Keras 3's)."""
        index = getattr(self, "_variable_index", {}).get(id(variable))
        if index is None:
            raise KeyError(f"{type(self).__name__}: this variable was not in the list given to build()")
        return index

    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation: str = "none", name=None) -> Variable:
        """A non-trainable :class:`~nabla.keras.Variable` of the optimizer's state, listed in ``variables``."""
        variable = Variable(initializer, shape=tuple(shape), dtype=dtype, trainable=False, name=name or "variable")
        variable._path = f"{self.name}/{variable.name}"
        self.__dict__.setdefault("_own_slots", []).append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros") -> Variable:
        """A state variable of ``reference_variable``'s shape and dtype, named after its path as Keras names
        it (``dense_kernel_velocity``)."""
        path = (getattr(reference_variable, "path", None) or "variable").replace("/", "_")
        return self.add_variable(
            reference_variable.shape, initializer, reference_variable.dtype, name=f"{path}_{name}" if name else path
        )

    def assign(self, variable, value) -> None:
        """``variable``'s values become ``value`` (in place, recorded by no graph)."""
        _write(variable, value, lambda old, new: new)

    def assign_add(self, variable, value) -> None:
        _write(variable, value, lambda old, new: old + new)

    def assign_sub(self, variable, value) -> None:
        _write(variable, value, lambda old, new: old - new)

    def _run_update_steps(self, group: dict) -> None:
        """``update_step`` on each variable of ``group`` that has a gradient (``build`` first, once)."""
        if not getattr(self, "_update_steps_built", False):
            self.build([p for g in self.param_groups for p in g["params"]])
            self._update_steps_built = True  # (a build of yours that did not call super().build)
        for p, param, grad in self._with_grads(group):
            rate = Tensor._make(np.asarray(group["lr"], dtype=param.dtype))
            self.update_step(Tensor._make(grad), p, rate)


def _write(variable, value, combine) -> None:
    data = variable._data
    new = value._data if isinstance(value, Tensor) else np.asarray(value)
    if new.shape != data.shape and new.size != 1:
        raise ValueError(f"assign: a variable of shape {data.shape} got a value of shape {new.shape}")
    with no_grad():
        data[...] = combine(data, new)
        variable._version.v += 1
