"""``tf_keras`` (Keras 2, 2.21), the reference of nabla's Keras 2 preprocessing (``ImageDataGenerator``,
``Tokenizer``): Keras 3 dropped both, and ``tf_keras`` still has them.

It is not in the test extra: its package names the full ``tensorflow`` as a dependency, where the extra has
``tensorflow-cpu`` (the same module). Install it with ``pip install --no-deps tf_keras==2.21.0`` (as
``.ci/run`` does), or aside, ``pip install --no-deps --target /tmp/tfk tf_keras==2.21.0``:
``$NABLA_TF_KERAS_DIR`` (``/tmp/tfk`` by default) is then put on ``sys.path``. Missing, the tests skip locally
and fail in CI, as ``conftest.require`` does.
"""

from __future__ import annotations

import importlib.util
import os
import sys


def tf_keras():
    """The ``tf_keras`` module; also the reference of models that take strings (Keras 3 runs them on TensorFlow
    only, where the tests' Keras 3 runs on PyTorch)."""
    from conftest import require

    aside = os.environ.get("NABLA_TF_KERAS_DIR", "/tmp/tfk")
    if importlib.util.find_spec("tf_keras") is None and os.path.isdir(os.path.join(aside, "tf_keras")):
        sys.path.append(aside)
    require("tensorflow")
    return require("tf_keras")


def tf_keras_preprocessing():
    """``(image, text)``: ``tf_keras``'s ``preprocessing.image`` and ``preprocessing.text`` modules."""
    tf_keras()
    from tf_keras.src.preprocessing import image, text

    return image, text
