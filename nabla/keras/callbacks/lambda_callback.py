"""``LambdaCallback``: a callback made of functions, one per hook."""

from __future__ import annotations

from collections.abc import Callable

from .callback import _HOOKS, Callback


class LambdaCallback(Callback):
    """A callback made of functions, one per hook: ``LambdaCallback(on_epoch_end=lambda epoch, logs: ...)``.

    Each function takes the hook's arguments: ``(logs)`` for
    ``on_train_begin/end``, ``on_test_begin/end``, ``on_predict_begin/end``;
    ``(epoch, logs)`` for ``on_epoch_begin/end``; ``(batch, logs)`` for the
    batch hooks (``on_batch_begin/end`` are the training ones, as in Keras).

    Args:
        on_epoch_begin, on_epoch_end, on_train_begin, on_train_end,
        on_train_batch_begin, on_train_batch_end: the usual hooks, default None.
        **hooks: any other hook by name (``on_test_end=...``); an unknown name
            raises ``TypeError``.

    Example::

        losses = []
        LambdaCallback(on_train_batch_end=lambda batch, logs: losses.append(logs["loss"]))
    """

    def __init__(
        self,
        on_epoch_begin: Callable | None = None,
        on_epoch_end: Callable | None = None,
        on_train_begin: Callable | None = None,
        on_train_end: Callable | None = None,
        on_train_batch_begin: Callable | None = None,
        on_train_batch_end: Callable | None = None,
        **hooks: Callable,
    ):
        super().__init__()
        unknown = sorted(set(hooks) - set(_HOOKS))
        if unknown:
            raise TypeError(f"LambdaCallback: unknown hooks {unknown}; valid hooks are {list(_HOOKS)}")
        hooks.update(
            on_epoch_begin=on_epoch_begin,
            on_epoch_end=on_epoch_end,
            on_train_begin=on_train_begin,
            on_train_end=on_train_end,
            on_train_batch_begin=on_train_batch_begin,
            on_train_batch_end=on_train_batch_end,
        )
        for name, fn in hooks.items():
            if fn is None:
                continue
            if not callable(fn):
                raise TypeError(f"LambdaCallback: {name} must be callable, got {type(fn).__name__}")
            setattr(self, name, fn)

    def get_config(self) -> dict:
        raise NotImplementedError("LambdaCallback holds Python functions, which have no JSON config")
