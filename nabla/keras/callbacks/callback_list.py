"""``CallbackList``: the callbacks of one ``fit`` (or ``evaluate``, ``predict``) called as one."""

from __future__ import annotations

from collections.abc import Iterable

from .callback import Callback
from .history import History
from .progbar_logger import ProgbarLogger


class CallbackList(Callback):
    """Dispatches every hook to a list of callbacks, in order, sharing one ``logs`` dict.

    ``fit`` wraps its callbacks in one, adding a :class:`History` (unless one
    is given) and, when ``add_progbar``, a :class:`ProgbarLogger`, at the end
    so that they see what the other callbacks wrote into ``logs``.

    Args:
        callbacks: the callbacks (default none).
        add_history: append a :class:`History` if none is in ``callbacks``.
        add_progbar: append a :class:`ProgbarLogger` if none is in ``callbacks``.
        model: if given, passed to every callback's ``set_model``.
        **params: if given, passed to every callback's ``set_params``
            (``epochs=``, ``steps=``, ``verbose=``).

    Example::

        callbacks = CallbackList(user_callbacks, add_history=True, add_progbar=verbose != 0,
                                 model=model, epochs=epochs, steps=len(loader), verbose=verbose)
        callbacks.on_train_begin()
        ...
        return callbacks.history
    """

    def __init__(
        self,
        callbacks: Iterable[Callback] | None = None,
        add_history: bool = False,
        add_progbar: bool = False,
        model=None,
        **params,
    ):
        super().__init__()
        self.callbacks: list[Callback] = list(callbacks or [])
        for cb in self.callbacks:
            if not isinstance(cb, Callback):
                raise TypeError(
                    f"CallbackList: every callback must be an nb.callbacks.Callback, got {type(cb).__name__} "
                    "(use LambdaCallback to wrap a function)"
                )
        self.history: History | None = next((cb for cb in self.callbacks if isinstance(cb, History)), None)
        if add_history and self.history is None:
            self.history = History()
            self.callbacks.append(self.history)
        if add_progbar and not any(isinstance(cb, ProgbarLogger) for cb in self.callbacks):
            self.callbacks.append(ProgbarLogger())
        if model is not None:
            self.set_model(model)
        if params:
            self.set_params(params)

    def append(self, callback: Callback) -> None:
        """Add a callback at the end."""
        self.callbacks.append(callback)

    def __iter__(self):
        return iter(self.callbacks)

    def __len__(self) -> int:
        return len(self.callbacks)

    def set_model(self, model) -> None:
        super().set_model(model)
        for cb in self.callbacks:
            cb.set_model(model)

    def set_params(self, params: dict) -> None:
        super().set_params(params)
        for cb in self.callbacks:
            cb.set_params(params)

    def _call(self, hook: str, *args, logs: dict | None) -> dict:
        logs = {} if logs is None else logs
        for cb in self.callbacks:
            getattr(cb, hook)(*args, logs)
        return logs

    def on_train_begin(self, logs=None):
        self._call("on_train_begin", logs=logs)

    def on_train_end(self, logs=None):
        self._call("on_train_end", logs=logs)

    def on_epoch_begin(self, epoch, logs=None):
        self._call("on_epoch_begin", epoch, logs=logs)

    def on_epoch_end(self, epoch, logs=None):
        self._call("on_epoch_end", epoch, logs=logs)

    def on_train_batch_begin(self, batch, logs=None):
        self._call("on_train_batch_begin", batch, logs=logs)

    def on_train_batch_end(self, batch, logs=None):
        self._call("on_train_batch_end", batch, logs=logs)

    def on_batch_begin(self, batch, logs=None):
        self._call("on_batch_begin", batch, logs=logs)

    def on_batch_end(self, batch, logs=None):
        self._call("on_batch_end", batch, logs=logs)

    def on_test_begin(self, logs=None):
        self._call("on_test_begin", logs=logs)

    def on_test_end(self, logs=None):
        self._call("on_test_end", logs=logs)

    def on_test_batch_begin(self, batch, logs=None):
        self._call("on_test_batch_begin", batch, logs=logs)

    def on_test_batch_end(self, batch, logs=None):
        self._call("on_test_batch_end", batch, logs=logs)

    def on_predict_begin(self, logs=None):
        self._call("on_predict_begin", logs=logs)

    def on_predict_end(self, logs=None):
        self._call("on_predict_end", logs=logs)

    def on_predict_batch_begin(self, batch, logs=None):
        self._call("on_predict_batch_begin", batch, logs=logs)

    def on_predict_batch_end(self, batch, logs=None):
        self._call("on_predict_batch_end", batch, logs=logs)

    def get_config(self) -> dict:
        raise NotImplementedError("CallbackList has no config: serialise its callbacks one by one")
