"""Warnings that point at the user's line, not at nabla's.

A warning raised deep inside ``fit`` (a suspicious loss and activation pair, a callback that
monitors a key the logs lack) is reported by Python at the frame ``stacklevel`` names. A fixed
number breaks as soon as the call path changes (``fit`` -> ``_prepare`` -> ``check_setup``, or
``overfit_small_batch`` -> ``_prepare``...), so :func:`warn` counts the frames instead: it skips
every frame whose file lies inside nabla's package folder and names the first one outside, the
line of the user's script or notebook that called into nabla (``model.fit(...)``).

nabla's files are told apart by the package's own folder (where ``nabla/__init__.py`` is), not by
a ``/nabla/`` in the path: a clone of the repository is usually a folder called ``nabla`` too.
"""

from __future__ import annotations

import os
import sys
import warnings


def _package_folder() -> str:
    """nabla's package folder, with a trailing separator."""
    top = sys.modules[__name__.partition(".")[0]]
    return os.path.join(os.path.dirname(os.path.realpath(top.__file__)), "")


def is_nabla_file(filename: str) -> bool:
    """Whether ``filename`` is one of nabla's own source files."""
    return os.path.realpath(filename).startswith(_package_folder())


def user_stacklevel() -> int:
    """The ``stacklevel`` that makes a ``warnings.warn`` in the caller name the innermost frame outside nabla.

    Level 1 is the caller of this function (where ``warnings.warn`` is called); each frame inside
    nabla adds one. When every frame is nabla's (the ``nabla`` command), the outermost is named.
    """
    frame, level = sys._getframe(1), 1
    while frame.f_back is not None and is_nabla_file(frame.f_code.co_filename):
        frame, level = frame.f_back, level + 1
    return level


def warn(message: str, category: type[Warning] = UserWarning) -> None:
    """``warnings.warn(message, category)`` attributed to the user's line (see :func:`user_stacklevel`)."""
    warnings.warn(message, category, stacklevel=user_stacklevel())
