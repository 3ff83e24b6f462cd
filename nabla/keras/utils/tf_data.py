"""The ``tf.data`` that Keras's dataset functions build on: ``nabla.tf.data``, handed down by the package's top.

Keras 3's ``timeseries_dataset_from_array`` and ``image_dataset_from_directory`` return a ``tf.data.Dataset`` of
``tf.Tensor``\\ s (Keras imports TensorFlow for them), and tutorials chain ``tf.data``'s whole API onto it
(``element_spec``, ``unbatch``, ``shuffle``, ``map`` with ``set_shape``...). nabla's ``tf.data`` and ``tf.Tensor``
live in ``nabla.tf``, a room above the Keras side, which the Keras side never imports (docs/architecture.md).
So the dependency points the other way: ``nabla/__init__.py``, which imports every room, hands ``nabla.tf.data``
to :func:`install` when ``nabla`` is imported, before any of these functions can run (``import nabla.keras``
imports ``nabla`` first). There is one ``tf.data`` and one way these functions behave, whatever was imported.
"""

from __future__ import annotations

from types import ModuleType

_installed: list[ModuleType] = []  # (at most one: nabla.tf.data)


def install(module: ModuleType) -> None:
    """Make ``module`` (``nabla.tf.data``) the ``tf.data`` of the Keras side's dataset functions."""
    _installed[:] = [module]


def data() -> ModuleType:
    """``nabla.tf.data``, as :func:`install` received it."""
    if not _installed:
        raise RuntimeError("keras.utils' datasets need nabla.tf.data, which `import nabla` installs: import nabla")
    return _installed[0]
