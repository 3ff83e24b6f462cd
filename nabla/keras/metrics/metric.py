"""``Metric``, the base of the metrics: state updated per batch, read with ``result()``."""

from __future__ import annotations

from ..utils.naming import snake_case


class Metric:
    """Base class of the metrics: state updated per batch, read with :meth:`result`.

    A subclass sets its options, then calls ``super().__init__(name)`` (which
    calls :meth:`reset_state` to create the state), and implements
    :meth:`update_state`, :meth:`result` and :meth:`reset_state`.

    Args:
        name: the key under which ``fit`` logs the value; defaults to the
            class name in snake_case.

    Attributes:
        direction: ``"up"`` if higher is better, ``"down"`` if lower is,
            ``None`` if unknown; read by callbacks in ``mode="auto"``.

    Example::

        class Maximum(Metric):
            def reset_state(self):
                self.value = -math.inf

            def update_state(self, y_true, y_pred, sample_weight=None):
                self.value = max(self.value, float(np.max(y_pred)))

            def result(self):
                return self.value
    """

    direction: str | None = None

    def __init__(self, name: str | None = None):
        if name is not None and not isinstance(name, str):
            raise TypeError(f"{type(self).__name__}: name must be a string, got {type(name).__name__}")
        self.name = name or snake_case(type(self).__name__)
        self.reset_state()

    def update_state(self, y_true, y_pred, sample_weight=None) -> None:
        """Accumulate the statistics of one batch."""
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self) -> float:
        """The metric's value over everything seen since the last reset."""
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def reset_state(self) -> None:
        """Forget everything accumulated."""
        raise NotImplementedError(f"{type(self).__name__} must implement reset_state")

    def __call__(self, *args, **kwargs) -> float:
        """Update with one batch and return the accumulated result, as Keras's ``metric(...)``: the arguments are
        :meth:`update_state`'s (``(y_true, y_pred, sample_weight=None)``, or ``(values)`` for ``Mean``)."""
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self) -> dict:
        """The constructor arguments, JSON-able: ``type(m).from_config(m.get_config())`` rebuilds it."""
        return {"name": self.name}

    @classmethod
    def from_config(cls, config: dict) -> Metric:
        """Build a metric from what :meth:`get_config` returned."""
        return cls(**config)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(name={self.name!r})"
