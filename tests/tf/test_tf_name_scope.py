"""``tf.name_scope`` and a ``tf.Module``'s scope name Variables as TensorFlow 2.21 names them (TensorFlow's guide
"Introduction to modules" prints such names); each case runs on both libraries and the names are compared."""

from __future__ import annotations

import pytest
from tf_parity import tensorflow

import nabla.tf as ntf


def scoped_names(tf) -> list:
    """Scope strings and Variable names under nested, absolute, top-level and repeated scopes."""
    seen = []
    with tf.name_scope("block") as outer:
        seen.append(outer)
        with tf.name_scope("dense") as inner:
            seen += [inner, tf.Variable(1.0, name="w").name, tf.Variable(1.0).name]
        with tf.name_scope("/absolute/") as absolute:
            seen += [absolute, tf.Variable(1.0, name="w").name]
        with tf.name_scope("other/") as whole:
            seen += [whole, tf.Variable(1.0, name="w").name]
        with tf.name_scope("") as top:
            seen += [top, tf.Variable(1.0, name="w").name]
        seen.append(tf.Variable(1.0, name="a/b").name)
    with tf.name_scope("block") as again:  # not made unique in eager mode
        seen.append(again)
    seen.append(tf.Variable(1.0, name="w").name)
    return seen


def module_names(tf) -> list:
    """A module names the Variables made in its ``name_scope`` or in a ``with_name_scope`` method after it."""

    class Dense(tf.Module):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.unscoped = tf.Variable(1.0, name="u")
            with self.name_scope:
                self.w = tf.Variable(1.0, name="w")

        @tf.Module.with_name_scope
        def __call__(self, x):
            if not hasattr(self, "b"):
                self.b = tf.Variable(1.0, name="b")
            return x * self.w + self.b

    plain = Dense()
    plain(1.0)
    with tf.name_scope("outer"):
        named = Dense("inner")
    named(2.0)  # (called outside "outer": the module's scope was fixed where it was made)
    return [
        plain.unscoped.name,
        plain.w.name,
        plain.b.name,
        plain.name_scope.name,
        named.w.name,
        named.b.name,
        named.name_scope.name,
        Dense.__call__.__name__,
    ]


@pytest.mark.parametrize("case", [scoped_names, module_names])
def test_names_as_tensorflow(case):
    assert case(ntf) == case(tensorflow())


def test_a_scope_name_must_be_a_string():
    with pytest.raises(ValueError, match="must be a string"):
        ntf.name_scope(None)
