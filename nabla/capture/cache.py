"""The step cache: one program per signature of a step's calls, and when to stop capturing again.

A call's *key* is what a program froze about it: the grad mode, the names of
its keyword arguments, which arguments are one array (aliasing), and each
argument's signature (a tensor's shape, dtype and ``requires_grad``; a
Python value itself). A call with a key seen before replays that key's
program; another captures again. Two limits keep a step that defeats the
capture from capturing forever: a warning after :data:`MAX_PROGRAMS`
signatures, and a signature whose program's guards failed at
:data:`MAX_RETRACES` calls in a row runs eagerly from then on.
"""

from __future__ import annotations

import warnings

import numpy as np

from ..engine import devices
from ..engine.dtypes import OTHER_LIBRARIES
from ..engine.grad_mode import GradMode
from ..engine.tensor import Tensor
from ..engine.tracing import CaptureError
from .libraries import is_array
from .program import Program

MAX_PROGRAMS = 8  # signatures captured before a warning that the step is re-captured too often
MAX_RETRACES = 8  # captures of one signature in a row (its guards failed at every call) before it runs eagerly


def signature(x):
    """What a program froze about one argument: a tensor's or array's shape and dtype (and device, on another
    library), a Python value."""
    if isinstance(x, Tensor):
        data = x._data
        if OTHER_LIBRARIES[0] and type(data) is not np.ndarray:  # (CuPy's dtypes are NumPy's: the device tells)
            return ("tensor", data.shape, data.dtype, x._rg, devices.device_of(data))
        return ("tensor", data.shape, data.dtype, x._rg)
    if isinstance(x, np.ndarray):
        return ("array", x.shape, x.dtype)
    if isinstance(x, (float, np.floating)):
        return ("float", type(x), float(x).hex())  # exact: 0.0 and -0.0 are different programs (x / 0.0)
    try:
        hash(x)
    except TypeError:
        if is_array(x):  # another library's array (unhashable, as the standard's arrays compare elementwise)
            return ("array", x.shape, x.dtype, devices.device_of(x))
        raise CaptureError(
            f"nb.capture: an argument of type {type(x).__name__} is neither a tensor, an array nor a hashable "
            "Python value; pass tensors, arrays, numbers or strings"
        ) from None
    return ("value", type(x), x)


def key(args: tuple, kwargs: dict) -> tuple[tuple, tuple]:
    """The key of a call, and its arguments flattened (the positional ones, then the keyword ones by name)."""
    if kwargs:
        names = tuple(sorted(kwargs))
        flat = args + tuple([kwargs[k] for k in names])
    else:
        names, flat = (), args
    # Arguments that are one array at capture are one variable of the program: aliasing is part of the key.
    # (Lists, not generators: the key is made at every call, 2.1 -> 0.9 us for two tensors.)
    ids = [id(a._data if isinstance(a, Tensor) else a) for a in flat]
    aliasing = tuple([ids.index(i) for i in ids])
    return (GradMode.enabled, names, aliasing, tuple([signature(a) for a in flat])), flat


class StepCache(dict):
    """The programs of one captured step, by the key of its calls; and the policy of capturing again."""

    def __init__(self, name: str):
        super().__init__()
        self.name = name  # the step's, for the warnings
        self.retraces: dict[tuple, int] = {}  # key -> captures in a row, its guards failing at each call
        self.warned = False

    def replayed(self, key: tuple) -> None:
        """The program of ``key`` ran to its end."""
        self.retraces.pop(key, None)

    def retraced(self, key: tuple) -> bool:
        """The guards of the program of ``key`` failed: True if that signature must run eagerly from now on."""
        self.retraces[key] = retraces = self.retraces.get(key, 0) + 1  # in a row, with no replay between
        if retraces <= MAX_RETRACES:
            return False
        warnings.warn(
            f"nb.capture: {self.name} runs eagerly from now on: it was captured again at {retraces} calls in a "
            "row because a module attribute, a mode or a parameter changed between calls (something sets a "
            "module attribute at every call?)",
            RuntimeWarning,
            stacklevel=3,
        )
        self[key] = Program(None, None)
        return True

    def store(self, key: tuple, program: Program) -> None:
        """Keep the program just captured for ``key``; warn once when there are too many signatures."""
        self[key] = program
        if len(self) > MAX_PROGRAMS and not self.warned:
            self.warned = True
            warnings.warn(
                f"nb.capture: {self.name} was captured for {len(self)} different signatures; arguments whose "
                "Python values or shapes change at every call defeat the capture (pass changing numbers as tensors)",
                RuntimeWarning,
                stacklevel=4,
            )
