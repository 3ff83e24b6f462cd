"""Checking a state dict against a module's tensors, all of it, before a single value is copied.

``Module.load_state_dict`` calls :func:`check_state_dict` and copies only when it
returns, so a call that fails leaves every weight as it was. Values may be
Tensors, NumPy arrays or anything ``np.asarray`` reads as numbers (nested lists,
torch tensors); each is cast to its target's dtype here, and a value that the
cast would change beyond rounding (``1e300`` into float32, NaN into an integer
buffer) is refused rather than stored as ``inf`` or garbage.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from ..engine.tensor import Tensor

_SHOWN = 10  # keys listed in one message; the rest are counted


def _name(key) -> str:
    text = repr(key) if not isinstance(key, str) else key
    return text if len(text) <= 80 else text[:77] + "..."


def names(keys: list) -> str:
    """``[a, b, c]``, or the first few of a long list and how many more (so a message stays one readable line)."""
    shown = ", ".join(_name(k) for k in keys[:_SHOWN])
    return f"[{shown}]" if len(keys) <= _SHOWN else f"[{shown}, ... and {len(keys) - _SHOWN} more]"


def _as_array(value) -> np.ndarray:
    return value._data if isinstance(value, Tensor) else np.asarray(value)


def _cast(key: str, value, target: Tensor) -> tuple[np.ndarray | None, str | None]:
    """``value`` as an array of ``target``'s shape and dtype, or ``(None, what is wrong with it)``."""
    try:
        array = _as_array(value)
    except Exception as e:  # noqa: BLE001  (a ragged list, an object whose __array__ fails: all say the same)
        return None, f"{_name(key)}: cannot be read as an array of numbers ({type(e).__name__}: {e})"
    if array.dtype.kind not in "biuf":
        return None, f"{_name(key)}: holds {array.dtype} values, not numbers"
    if array.shape != target.shape:
        return None, f"{_name(key)}: checkpoint {array.shape} vs model {target.shape}"
    try:
        with np.errstate(over="raise", invalid="raise"):
            return array.astype(target.dtype, copy=array.dtype != target.dtype), None
    except FloatingPointError:
        return None, f"{_name(key)}: holds values that {target.dtype} cannot represent (too large, or NaN/inf)"


def check_state_dict(own: Mapping, state_dict, strict: bool, who: str) -> tuple[dict, list, list]:
    """Check ``state_dict`` against ``own`` (name -> the module's Tensor); return the arrays to copy.

    Returns ``(arrays, missing, unexpected)``: ``arrays`` maps each name found in both to
    its value, cast to the module's dtype.

    Raises:
        TypeError: ``state_dict`` is not a mapping (``None``, a list of pairs, a Tensor).
        ValueError: a value of the wrong shape, not numbers, not representable in the model's
            dtype, or not an array at all; every such key is named (even with ``strict=False``,
            as in PyTorch), with the missing and unexpected keys too when ``strict``.
        KeyError: only keys are wrong, and ``strict``: the missing and unexpected keys are named.
    """
    if not isinstance(state_dict, Mapping):
        raise TypeError(
            f"load_state_dict into {who}: state_dict must be a mapping of names to tensors (such as "
            f"model.state_dict() or nb.load(path)), got {type(state_dict).__name__}"
        )
    missing = [k for k in own if k not in state_dict]
    unexpected = [k for k in state_dict if k not in own]
    wrong, arrays = [], {}
    for k, target in own.items():
        if k in state_dict:
            arrays[k], problem = _cast(k, state_dict[k], target)
            if problem:
                wrong.append(problem)
    parts = ["shape or type mismatch for " + "; ".join(wrong[:_SHOWN])] if wrong else []
    if len(wrong) > _SHOWN:
        parts[0] += f"; ... and {len(wrong) - _SHOWN} more"
    if strict and missing:
        parts.append(f"missing keys {names(missing)}")
    if strict and unexpected:
        parts.append(f"unexpected keys {names(unexpected)}")
    if parts:
        raise (ValueError if wrong else KeyError)(
            f"load_state_dict into {who}: "
            + " and ".join(parts)
            + " (is the checkpoint from a different architecture? pass strict=False to skip missing and "
            "unexpected keys)"
        )
    return arrays, missing, unexpected
