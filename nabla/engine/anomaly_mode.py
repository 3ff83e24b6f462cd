"""Anomaly detection: ``nb.detect_anomaly()`` stops at the first NaN or Inf, naming where it came from.

While :attr:`AnomalyMode.enabled` is on, every operation checks its output
(:func:`nabla.engine.ops.primitive.apply`), every graph node remembers the
line of user code that created it (:func:`user_frame`), and the backward
walk checks every gradient. As in PyTorch's ``torch/autograd/anomaly_mode.py``.
"""

from __future__ import annotations

import os
import traceback

from .grad_mode import ModeSwitch


class AnomalyMode:
    """The switch: whether results and gradients are checked for NaN/Inf now."""

    enabled: bool = False


class detect_anomaly(ModeSwitch):
    """Check every result for NaN/Inf, in forward and backward, and stop at the first.

    Inside the block each operation's output is checked as it is computed;
    the first one that holds a NaN or an infinity raises ``FloatingPointError``
    naming the operation and the line of your code that called it. In
    backward, the first gradient that is not finite raises naming the
    operation whose gradient rule produced it and where that operation was
    created. It slows everything down: use it to find a NaN, then turn it off.
    """

    _mode = AnomalyMode
    _target = True


# The package's own folder (nabla/, above this engine/ folder): a frame is nabla's when its file lies inside
# it. (Not a substring of the path: a user's clone is often itself called "nabla".)
_PACKAGE_DIR = os.path.join(os.path.realpath(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "")


def is_library_file(filename: str) -> bool:
    """Whether ``filename`` is a source file of the nabla package itself."""
    return os.path.realpath(filename).startswith(_PACKAGE_DIR)


def user_frame() -> str:
    """'file:line in func' of the innermost stack frame outside the nabla package."""
    for frame in reversed(traceback.extract_stack()[:-1]):
        if not is_library_file(frame.filename):
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return "<unknown>"
