"""Transition aliases: the engine's old module paths (``nabla.tensor``...) name its modules in nabla/engine/.

``nabla.tensor`` is ``nabla.engine.tensor``, the very same object, until
every import uses the new paths. Importing this module (the first thing
``nabla/__init__.py`` does) registers them in ``sys.modules``, where
Python's import looks first. Aliases rather than files at the old paths: one class
``Tensor``, one generator ``nabla.random._generator`` that ``manual_seed``
rebinds, and no file left at an old path, so that git follows each moved
file when branches merge. ``nabla.autograd`` and ``nabla.capturing``, which
were split, are small re-export files instead.
"""

from __future__ import annotations

import importlib
import sys

#: The engine's modules that were at the top of the package: nabla.<name> is nabla.engine.<name>.
MOVED = ("backend", "creation", "dtypes", "gradcheck", "ops", "random", "serialization", "tensor")


def register(package: str) -> None:
    """Make ``{package}.<name>`` (and ``{package}.ops.<sub>``) the modules ``{package}.engine.<name>``."""
    top = sys.modules[package]
    for name in MOVED:
        module = importlib.import_module(f"{package}.engine.{name}")
        sys.modules[f"{package}.{name}"] = module
        setattr(top, name, module)
    prefix = f"{package}.engine.ops."
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix):
            sys.modules[f"{package}.ops.{name[len(prefix) :]}"] = module


register(__name__.rpartition(".")[0])
