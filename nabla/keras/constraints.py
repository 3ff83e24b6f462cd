"""Weight constraints: ``Dense(64, kernel_constraint=keras.constraints.MaxNorm(3))``.

A constraint is a function of a weight that returns the weight it must become. As in Keras 3, the
optimizer applies it to each variable it has just updated, at the end of every update
(``optimizer.apply`` / ``step``: ``w <- constraint(w)``); a layer passes its ``kernel_constraint``,
``bias_constraint`` (``embeddings_constraint``, ``alpha_constraint``) to ``add_weight``, which stores
it as ``variable.constraint``. Constraints are not differentiated through: they act between steps.

The norms are taken over ``axis`` (an int or a list of ints), so ``axis=0`` of a Dense kernel of shape
(inputs, units) constrains the vector of incoming weights of each unit; for a Conv2D kernel
(height, width, in_channels, filters) use ``axis=[0, 1, 2]``. Like Keras, the division adds
``epsilon = 1e-7`` to the norm, so an all-zero weight stays zero.

In a saved config a constraint is written in Keras 3's object form,
``{"module": "keras.constraints", "class_name": "MaxNorm", "config": {"max_value": 2, "axis": 0},
"registered_name": None}``, which :func:`deserialize` (and :func:`get`) read back.
"""

from __future__ import annotations

from ._engine import Tensor, ops
from .utils.naming import snake_case

EPSILON = 1e-7  # Keras's backend.epsilon()


def _norms(w: Tensor, axis) -> Tensor:
    axis = tuple(axis) if isinstance(axis, (list, tuple)) else axis
    return ops.sqrt(ops.sum(ops.square(w), axis=axis, keepdims=True))


class Constraint:
    """The base class: ``__call__(w)`` returns the constrained weight (here ``w`` itself), ``get_config()`` its
    arguments. Subclass it and override ``__call__`` for your own (which is not saved in a config by name)."""

    def __call__(self, w: Tensor) -> Tensor:
        return w

    def get_config(self) -> dict:
        return {}

    @classmethod
    def from_config(cls, config: dict) -> Constraint:
        return cls(**config)

    def __repr__(self) -> str:
        args = ", ".join(f"{k}={v!r}" for k, v in self.get_config().items())
        return f"{type(self).__name__}({args})"


class MaxNorm(Constraint):
    """Each weight vector along ``axis`` is scaled down to norm at most ``max_value``:
    ``w * clip(||w||, 0, max_value) / (epsilon + ||w||)`` (Srivastava et al., 2014, with dropout).

    Args: ``max_value=2``; ``axis=0`` (an int or a list of ints).
    """

    def __init__(self, max_value: float = 2, axis: int | list = 0):
        if max_value < 0:
            raise ValueError(f"MaxNorm: max_value must be >= 0, got {max_value}")
        self.max_value, self.axis = max_value, axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        return w * (ops.clip(norms, 0.0, float(self.max_value)) / (EPSILON + norms))

    def get_config(self) -> dict:
        return {"max_value": self.max_value, "axis": self.axis}


class MinMaxNorm(Constraint):
    """Each weight vector along ``axis`` is moved towards a norm in ``[min_value, max_value]``:
    ``w * desired / (epsilon + ||w||)``, ``desired = rate * clip(||w||, min_value, max_value) + (1 - rate) * ||w||``.

    Args: ``min_value=0.0``, ``max_value=1.0``; ``rate=1.0`` (1: the norm is clipped at once; smaller: a
    step of that fraction towards the interval each update); ``axis=0``.
    """

    def __init__(self, min_value: float = 0.0, max_value: float = 1.0, rate: float = 1.0, axis: int | list = 0):
        if not 0 <= min_value <= max_value:
            raise ValueError(f"MinMaxNorm: need 0 <= min_value <= max_value, got {min_value} and {max_value}")
        self.min_value, self.max_value, self.rate, self.axis = min_value, max_value, rate, axis

    def __call__(self, w: Tensor) -> Tensor:
        norms = _norms(w, self.axis)
        rate = float(self.rate)
        desired = rate * ops.clip(norms, float(self.min_value), float(self.max_value)) + (1.0 - rate) * norms
        return w * (desired / (EPSILON + norms))

    def get_config(self) -> dict:
        return {"min_value": self.min_value, "max_value": self.max_value, "rate": self.rate, "axis": self.axis}


class NonNeg(Constraint):
    """Negative weights become 0: ``max(w, 0)``."""

    def __call__(self, w: Tensor) -> Tensor:
        return ops.maximum(w, 0.0)


class UnitNorm(Constraint):
    """Each weight vector along ``axis`` is scaled to norm 1: ``w / (epsilon + ||w||)``. Args: ``axis=0``."""

    def __init__(self, axis: int | list = 0):
        self.axis = axis

    def __call__(self, w: Tensor) -> Tensor:
        return w / (EPSILON + _norms(w, self.axis))

    def get_config(self) -> dict:
        return {"axis": self.axis}


# Keras 2's lower-case aliases, still in course material.
max_norm, min_max_norm, non_neg, unit_norm = MaxNorm, MinMaxNorm, NonNeg, UnitNorm

#: Class name and its snake_case form (Keras's ALL_OBJECTS_DICT) -> class.
CLASSES: dict[str, type[Constraint]] = {
    name: cls for c in (Constraint, MaxNorm, MinMaxNorm, NonNeg, UnitNorm) for name, cls in
    ((c.__name__, c), (snake_case(c.__name__), c))
}  # fmt: skip


def serialize(constraint: Constraint) -> dict:
    """Keras 3's object form: ``{"module": "keras.constraints", "class_name", "config", "registered_name"}``."""
    cls = type(constraint)
    if CLASSES.get(cls.__name__) is not cls:
        raise ValueError(
            f"cannot serialize the constraint {constraint!r}: only keras.constraints' classes are saved in a config"
        )
    return {"module": "keras.constraints", "class_name": cls.__name__, "config": constraint.get_config(),
            "registered_name": None}  # fmt: skip


def deserialize(config, custom_objects: dict | None = None) -> Constraint:
    """A constraint from Keras's object form (or a ``{"class_name", "config"}`` dict, or a class name)."""
    if isinstance(config, str):
        config = {"class_name": config, "config": {}}
    if not isinstance(config, dict) or not isinstance(config.get("class_name"), str):
        raise ValueError(f"cannot deserialize the constraint {config!r}: expected a class name or its config")
    name = config["class_name"]
    cls = (custom_objects or {}).get(name) or CLASSES.get(name)
    if cls is None:
        raise ValueError(f"unknown constraint {name!r}; valid names: {', '.join(sorted(CLASSES))}")
    return cls.from_config(dict(config.get("config") or {}))


def get(identifier) -> Constraint | None:
    """A constraint from None, an instance (or any callable), a config dict, or a name (``"max_norm"``,
    ``"MaxNorm"``: the class with its default arguments)."""
    if identifier is None or callable(identifier) and not isinstance(identifier, type):
        return identifier
    if isinstance(identifier, type) and issubclass(identifier, Constraint):
        return identifier()
    if isinstance(identifier, (str, dict)):
        return deserialize(identifier)
    raise ValueError(f"cannot interpret {identifier!r} as a constraint; use e.g. keras.constraints.MaxNorm(3)")
