"""``History``: the epoch logs of ``fit``, which ``fit`` returns."""

from __future__ import annotations

from .callback import Callback


class History(Callback):
    """Records the epoch logs: ``history.history["val_loss"][i]`` is epoch ``history.epoch[i]``'s value.

    ``fit`` adds one and returns it (it is also ``model.history``). A History
    passed to several ``fit`` calls keeps appending to both ``history`` and
    ``epoch`` (Keras resets ``epoch`` but not ``history``).

    Attributes:
        history: dict from log key to the list of its values, one per epoch.
        epoch: the epoch numbers recorded (from 0).

    Example::

        history = model.fit(x, y, epochs=10, validation_split=0.2)
        best = min(history.history["val_loss"])
    """

    def __init__(self):
        super().__init__()
        self.history: dict[str, list] = {}
        self.epoch: list[int] = []

    def on_epoch_end(self, epoch, logs=None):
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)
        if self.model is not None:
            self.model.history = self
