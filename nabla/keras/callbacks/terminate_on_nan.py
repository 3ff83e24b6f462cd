"""``TerminateOnNaN``: stop training at the first batch whose loss is NaN or infinite."""

from __future__ import annotations

import numpy as np

from ..utils.io_utils import print_msg
from .callback import Callback, log_value


class TerminateOnNaN(Callback):
    """Stop training as soon as a batch's ``"loss"`` is NaN or infinite.

    Sets ``model.stop_training`` (``fit`` stops; the weights are whatever the
    bad step left, possibly NaN) or, with ``raise_error=True``, raises a
    ``RuntimeError`` naming the epoch and batch, which ends ``fit`` at once.

    Args:
        raise_error: raise instead of stopping, default False.

    Example::

        model.fit(x, y, epochs=10, callbacks=[TerminateOnNaN(raise_error=True)])
    """

    def __init__(self, raise_error: bool = False):
        super().__init__()
        self.raise_error = bool(raise_error)
        self._epoch = 0

    def on_epoch_begin(self, epoch, logs=None):
        self._epoch = epoch

    def on_train_batch_end(self, batch, logs=None):
        loss = (logs or {}).get("loss")
        if loss is None or np.isfinite(log_value(loss)):
            return
        message = f"Epoch {self._epoch + 1}, batch {batch}: invalid loss {log_value(loss)}, terminating training"
        if self.raise_error:
            raise RuntimeError(f"TerminateOnNaN: {message}")
        print_msg(message)
        self.model.stop_training = True

    def get_config(self) -> dict:
        return {"raise_error": self.raise_error}
