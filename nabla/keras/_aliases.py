"""The old names of the Keras modules: ``nabla.layers`` is ``nabla.keras.layers``, the same object.

Before the Keras side had a package of its own its modules sat at the top of nabla (``nabla.layers``,
``nabla.models``, ...). Code and saved notebooks use those names, so they stay, as *aliases*: every
module of the Keras side below one of :data:`ALIASED` is registered in ``sys.modules`` under its old
name too (``nabla.models.checks`` is ``nabla.keras.models.checks``). Python's import looks in
``sys.modules`` first, so ``import nabla.layers``, ``from nabla.layers import Dense`` and
``from nabla.models import load_model`` give the very objects ``nabla.keras`` holds: one class
``Dense``, never a second copy of a module (a copy would make ``isinstance`` checks and warning
filters fail).

This works because ``nabla.keras`` imports every one of its modules when it is imported (a test
checks it): a module that were imported lazily would have no alias until it is loaded.
"""

from __future__ import annotations

import sys

#: The modules of ``nabla.keras`` that are also reachable at the top of nabla, ``nabla.<name>``.
ALIASED = ("activations", "callbacks", "initializers", "layers", "losses", "metrics", "models", "regularizers")


def register(package: str) -> None:
    """Register each loaded module ``{package}.keras.<name>[.<sub>...]`` as ``{package}.<name>[.<sub>...]``."""
    prefix = f"{package}.keras."
    for name, module in list(sys.modules.items()):
        if name.startswith(prefix) and name[len(prefix) :].split(".")[0] in ALIASED:
            sys.modules[f"{package}.{name[len(prefix) :]}"] = module
