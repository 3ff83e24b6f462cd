"""``tf.version``: the TensorFlow release whose API ``nabla.tf`` follows and is tested against.

``tf.version.VERSION`` and ``tf.__version__`` read ``"2.21.0+nabla"``: notebooks print it in their first
cell, and code that compares it reads a TensorFlow 2 release; the ``+nabla`` says what runs underneath.
"""

from __future__ import annotations

VERSION = "2.21.0+nabla"
__all__ = ["VERSION"]
