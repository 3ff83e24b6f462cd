"""``tf.Module``: a container of Variables and sub-modules, as TensorFlow's guides build models.

A subclass assigns ``tf.Variable``\\ s and other modules to attributes (directly, or in lists, tuples and
dicts); ``variables``, ``trainable_variables`` and ``submodules`` find them, walking the attributes in the
order of their names (TensorFlow's order: ``self.w`` and ``self.b`` are listed b first).

Example::

    class Linear(tf.Module):
        def __init__(self):
            super().__init__()
            self.w = tf.Variable(5.0)
            self.b = tf.Variable(0.0)

        def __call__(self, x):
            return self.w * x + self.b

    model = Linear()
    model.trainable_variables      # (b, w)
"""

from __future__ import annotations

import functools
import re

import nabla as nb

from .name_scope import name_scope
from .variable import Variable

# TensorFlow's own rule for a module's default name (tf.Module's camel_to_snake), which is not Keras's
# (nabla.keras.utils.naming): a capital after a lower-case letter or digit, or a capital that starts a
# word, begins a new part; so "MLP" -> "mlp", "ABCNet" -> "abc_net", "MaxPooling2D" -> "max_pooling2_d".
_WORD_START = re.compile(r"((?<=[a-z0-9])[A-Z]|(?!^)[A-Z](?=[a-z]))")


def _snake_case(name: str) -> str:
    return _WORD_START.sub(r"_\1", name).lower()


class Trackable:
    """An object whose attributes ``tf.train.Checkpoint`` follows (``tf.Module``, ``tf.train.Checkpoint``).

    A checkpoint restored into it may hold values for attributes it does not have yet (a module that makes
    its variables at its first call); as in TensorFlow, such an attribute is restored when it is set.
    """

    def __setattr__(self, name: str, value) -> None:
        object.__setattr__(self, name, value)
        pending = self.__dict__.get("_restore_on_assign")
        if pending and name in pending:
            pending.pop(name)(value)


class Module(Trackable):
    """``tf.Module(name=None)``: the base class of models made of Variables."""

    def __init__(self, name: str | None = None):
        if name is not None and not re.fullmatch(r"[A-Za-z_][\w.\-/]*", name):
            raise ValueError(f"{name!r} is not a valid module name: use letters, digits and underscores")
        self._name = name or _snake_case(type(self).__name__)
        with name_scope(self._name) as scope:  # (TensorFlow fixes the module's scope where it is made)
            self._name_scope = name_scope(scope)

    @property
    def name(self) -> str:
        return self._name

    @property
    def name_scope(self) -> name_scope:
        """The module's scope (``outer/name/`` when made in ``outer``): ``with self.name_scope:`` names the
        Variables made inside after the module."""
        return self._name_scope

    def _walk(self, want, seen: set) -> list:
        found = []
        for key in sorted(vars(self)):
            found += _collect(vars(self)[key], want, seen)
        return found

    @property
    def variables(self) -> tuple:
        """Every Variable of the module and its sub-modules, each once."""
        return tuple(self._walk(lambda v: isinstance(v, Variable), set()))

    @property
    def trainable_variables(self) -> tuple:
        """The trainable Variables (those a tape watches and an optimizer updates)."""
        return tuple(v for v in self.variables if v.trainable)

    @property
    def non_trainable_variables(self) -> tuple:
        return tuple(v for v in self.variables if not v.trainable)

    @property
    def submodules(self) -> tuple:
        """The modules held, directly or through other modules, each once."""
        return tuple(self._walk(lambda v: isinstance(v, Module), set()))

    @classmethod
    def with_name_scope(cls, method):
        """A decorator that runs ``method`` in the module's scope (Variables it makes are named after it)."""

        @functools.wraps(method)
        def in_scope(self, *args, **kwargs):
            with self.name_scope:
                return method(self, *args, **kwargs)

        return in_scope


def _collect(value, want, seen: set) -> list:
    """The objects ``want`` accepts in ``value``, looking into lists, tuples, dicts and modules."""
    if isinstance(value, nb.Tensor):
        if want(value) and id(value) not in seen:
            seen.add(id(value))
            return [value]
        return []
    if isinstance(value, Module):
        if id(value) in seen:
            return []
        seen.add(id(value))
        return ([value] if want(value) else []) + value._walk(want, seen)
    if isinstance(value, dict):
        return [item for key in sorted(value, key=str) for item in _collect(value[key], want, seen)]
    if isinstance(value, (list, tuple)):
        return [item for v in value for item in _collect(v, want, seen)]
    return []
