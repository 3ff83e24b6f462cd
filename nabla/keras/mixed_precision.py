"""``keras.mixed_precision``: the dtype-policy functions under their Keras 2 and 3 names.

Mixed policies ("mixed_float16") are refused, with what to do instead (see :mod:`.dtype_policies`):
``set_global_policy("float32")`` and ``global_policy()`` work, so material that sets float32 runs.
"""

from __future__ import annotations

from ._missing import missing as _missing
from .dtype_policies import DTypePolicy, dtype_policy, set_dtype_policy

Policy = DTypePolicy  # (Keras 2's name)
global_policy = dtype_policy
set_global_policy = set_dtype_policy

__all__ = ["DTypePolicy", "Policy", "dtype_policy", "global_policy", "set_dtype_policy", "set_global_policy"]


def __getattr__(name: str):
    raise _missing("keras.mixed_precision", name)
