"""``tf.keras`` is ``nabla.keras``: one module object under both names, submodules included.

``import nabla.tf.keras``, ``from nabla.tf.keras.layers import Dense`` and ``tf.keras.layers.Dense`` all
reach the modules of ``nabla.keras`` themselves (not copies, whose classes would differ), through an
import hook that answers for the names under ``nabla.tf.keras`` only. The Keras side is imported on
first use, not with ``nabla.tf``.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.util
import sys

ALIAS = "nabla.tf.keras"
TARGET = "nabla.keras"


class _KerasAlias(importlib.abc.MetaPathFinder, importlib.abc.Loader):
    """Finds ``nabla.tf.keras[.x]`` and loads it as the module ``nabla.keras[.x]`` already is."""

    def __init__(self) -> None:
        self._own_specs: dict[int, object] = {}

    def find_spec(self, fullname, path=None, target=None):
        if fullname == ALIAS or fullname.startswith(ALIAS + "."):
            return importlib.util.spec_from_loader(fullname, self)
        return None

    def create_module(self, spec):
        name = TARGET + spec.name[len(ALIAS) :]
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as e:
            if e.name not in (TARGET, name):
                raise
            raise ModuleNotFoundError(
                f"{spec.name} is {name}, which this nabla does not have"
                + ("" if name != TARGET else " (nabla.keras, the Keras 3 namespace, is not installed)"),
                name=spec.name,
            ) from None
        self._own_specs[id(module)] = module.__spec__
        return module

    def exec_module(self, module) -> None:
        # The import system labelled the module with the alias's spec: give it its own back.
        module.__spec__ = self._own_specs.pop(id(module), module.__spec__)


def install() -> None:
    """Put the hook first on ``sys.meta_path`` (once), before the finder that would load copies."""
    if not any(isinstance(finder, _KerasAlias) for finder in sys.meta_path):
        sys.meta_path.insert(0, _KerasAlias())


def keras():
    """The ``nabla.keras`` module, imported now if it was not."""
    return importlib.import_module(ALIAS)
