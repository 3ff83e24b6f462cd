"""``ActivityRegularization``: a penalty on a layer's output, added to the training loss."""

from __future__ import annotations

from .. import regularizers
from ..regularizers import activity_penalty
from .arguments import is_number
from .layer import Layer


class ActivityRegularization(Layer):
    """Returns its input unchanged and adds ``(l1 * sum(|x|) + l2 * sum(x^2)) / batch_size`` to the loss that
    ``fit`` minimises (``layer.losses`` holds it after a call), pushing the activations towards 0 (l1:
    sparse). Shape: any, unchanged. Parameters: 0.
    """

    BUILT_AT_INIT = True  # no weights (Keras 3 marks it built at construction)
    PASSES_MASKS = True  # as Keras's: the mask goes on unchanged

    def __init__(self, l1: float = 0.0, l2: float = 0.0, **kwargs):
        super().__init__(**kwargs)
        if not (is_number(l1) and is_number(l2) and l1 >= 0 and l2 >= 0):
            raise ValueError(f"ActivityRegularization: l1 and l2 must be numbers >= 0, got l1={l1!r}, l2={l2!r}")
        self.l1, self.l2 = float(l1), float(l2)
        self._regularizer = regularizers.L1L2(l1=self.l1, l2=self.l2)

    def call(self, inputs, training=None):
        if self.l1 or self.l2:
            self.add_loss(activity_penalty(self._regularizer, inputs))
        return inputs

    def get_config(self) -> dict:
        return {**super().get_config(), "l1": self.l1, "l2": self.l2}
