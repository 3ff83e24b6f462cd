"""Weight penalties added to the loss during ``fit``: ``Dense(64, kernel_regularizer=l2(1e-4))``.

As in Keras, ``l2(c)`` adds ``c * sum(w^2)`` (no factor 1/2) and ``l1(c)`` adds ``c * sum(|w|)``. The classes
are Keras 3's: ``L1``, ``L2`` and ``L1L2`` (``l1``, ``l2`` and ``l1_l2`` are the same classes), each with its
own config (``l2(0.001).get_config() == {"l2": 0.001}``), written into a layer's config as Keras 3 writes it
(``{"module": "keras.regularizers", "class_name": "L2", "config": {...}, "registered_name": None}``).
"""

from __future__ import annotations

from ._engine import Tensor, ops


def _factor(value, name: str, who: str) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)) or not value >= 0:
        raise ValueError(f"{who}: {name} must be a number >= 0, got {name}={value!r}")
    return float(value)


class Regularizer:
    """Base class: a penalty on a weight tensor. Subclass it and write ``__call__(self, w)`` (and
    ``get_config`` to save it in a model's config)."""

    def __call__(self, w: Tensor) -> Tensor:
        raise NotImplementedError(f"regularizer '{type(self).__name__}' must override __call__(self, w)")

    def get_config(self) -> dict:
        raise NotImplementedError(f"regularizer '{type(self).__name__}' must override get_config() to be saved")

    @classmethod
    def from_config(cls, config: dict) -> Regularizer:
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}({', '.join(f'{k}={v}' for k, v in self.get_config().items())})"


class L1L2(Regularizer):
    """``l1 * sum(|w|) + l2 * sum(w^2)`` (elastic net). Both default to 0, as in Keras 3 (Keras 2's ``l1_l2``
    function defaulted to 0.01)."""

    def __init__(self, l1: float = 0.0, l2: float = 0.0):
        self.l1, self.l2 = _factor(l1, "l1", "L1L2"), _factor(l2, "l2", "L1L2")

    def __call__(self, w: Tensor) -> Tensor:
        penalty = 0.0
        if self.l1:
            penalty = penalty + self.l1 * ops.sum(ops.abs(w))
        if self.l2:
            penalty = penalty + self.l2 * ops.sum(w * w)
        return penalty

    def get_config(self) -> dict:
        return {"l1": self.l1, "l2": self.l2}


class L1(L1L2):
    """``l1 * sum(|w|)``: pushes weights to exactly zero (sparse models)."""

    def __init__(self, l1: float = 0.01):
        super().__init__(l1=_factor(l1, "l1", "L1"))

    def get_config(self) -> dict:
        return {"l1": self.l1}


class L2(L1L2):
    """``l2 * sum(w^2)``: weight decay, keeps weights small."""

    def __init__(self, l2: float = 0.01):
        super().__init__(l2=_factor(l2, "l2", "L2"))

    def get_config(self) -> dict:
        return {"l2": self.l2}


l1, l2, l1_l2 = L1, L2, L1L2
_BY_NAME = {"L1": L1, "L2": L2, "L1L2": L1L2, "l1": L1, "l2": L2}  # (Keras 3 knows no "l1_l2" string)


def activity_penalty(regularizer, output: Tensor) -> Tensor:
    """Keras 3's penalty on a layer's output (its ``activity_regularizer``): ``regularizer(output) / batch_size``,
    so that its strength does not depend on the batch size (the batch is the first axis; a 0-d output is not
    divided)."""
    penalty = regularizer(output)
    return penalty / output.shape[0] if output.ndim else penalty


def serialize(regularizer: Regularizer) -> dict:
    """Keras 3's form: ``{"module": "keras.regularizers", "class_name": ..., "config": ..., ...}``."""
    return {"module": "keras.regularizers", "class_name": type(regularizer).__name__,
            "config": regularizer.get_config(), "registered_name": None}  # fmt: skip


def deserialize(config: dict, custom_objects: dict | None = None) -> Regularizer:
    """The regularizer :func:`serialize` described (a class of ``custom_objects`` too), or, from a plain
    ``{"l1": ..., "l2": ...}`` (what nabla wrote before), an ``L1L2``."""
    if "class_name" not in config:
        return L1L2(**config)
    cls = {**_BY_NAME, **(custom_objects or {})}.get(config["class_name"])
    if cls is None:
        raise ValueError(
            f"unknown regularizer {config['class_name']!r}: built in are L1, L2 and L1L2 (pass yours in "
            "custom_objects={name: class})"
        )
    return cls.from_config(dict(config.get("config", {})))


def get(identifier) -> Regularizer | None:
    """A regularizer from None, an instance or function, a config dict, or the names "l1", "l2" ("L1", "L2",
    "L1L2"), with their default factors."""
    if identifier is None or isinstance(identifier, Regularizer) or callable(identifier):
        return identifier
    if isinstance(identifier, dict):
        return deserialize(identifier)
    if identifier in _BY_NAME or identifier == "l1_l2":
        return _BY_NAME.get(identifier, L1L2)()
    raise ValueError(f"unknown regularizer {identifier!r}; use l1, l2, l1_l2 or keras.regularizers.l2(0.01)")
