"""``tf.name_scope``: the prefix TensorFlow puts before the names of the Variables made inside it.

Eager TensorFlow 2 names nothing but Variables, so that is all a scope changes here::

    with tf.name_scope("layer1") as scope:     # scope == "layer1/"
        w = tf.Variable(1.0, name="w")         # w.name == "layer1/w:0"

The rules are TensorFlow 2.21's (eager): a scope nests under the current one; a name that ends in ``/`` is
taken as the whole scope; ``""`` returns to the top. Scopes are not made unique (two ``"abc"`` scopes are both
``abc/``), and each thread has its own, as in TensorFlow.
"""

from __future__ import annotations

import threading

_state = threading.local()


def current_scope() -> str:
    """The scope Variables are named in now: ``""`` at the top, else a prefix that ends in ``/``."""
    return getattr(_state, "scope", "")


class name_scope:  # noqa: N801 (TensorFlow's name)
    """``with tf.name_scope(name) as scope:``: names the Variables made inside ``scope + name``."""

    def __init__(self, name: str):
        if not isinstance(name, str):
            raise ValueError("name for name_scope must be a string.")
        self._name = name
        self._outer: list[str] = []

    @property
    def name(self) -> str:
        return self._name

    def __enter__(self) -> str:
        outer = current_scope()
        if not self._name or self._name.endswith("/"):
            scope = self._name
        else:
            scope = f"{outer}{self._name}/"
        self._outer.append(outer)  # (a list: the same scope object may be entered again inside itself)
        _state.scope = scope
        return scope

    def __exit__(self, *exc) -> None:
        _state.scope = self._outer.pop()
