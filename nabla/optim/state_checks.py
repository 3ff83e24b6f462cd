"""Checks of state dicts read from files (``nb.load``), before an optimizer or a scheduler trusts them.

A checkpoint's optimizer and scheduler states come back from a file as plain dicts, lists, numbers,
strings and arrays, whatever the file held. These functions check their layout and say, in one
``ValueError``, which entry is wrong; they never change anything.
"""

from __future__ import annotations

import numbers

import numpy as np


def shown(value) -> str:
    """``repr(value)`` cut to 60 characters: a message never echoes a huge entry."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _index(value, where: str) -> int:
    """A parameter index as state dicts hold it: an int, or its digits (after a JSON round trip)."""
    if isinstance(value, str) and value.isdigit() and len(value) < 10:
        return int(value)
    if isinstance(value, (int, np.integer)) and not isinstance(value, bool) and 0 <= value < 2**31:
        return int(value)
    raise ValueError(f"{where}: expected a parameter index (an integer >= 0), got {shown(value)}")


def checked_structure(state_dict, where: str) -> list[dict]:
    """Check the layout :meth:`Optimizer.state_dict` makes before anything reads it; return the param groups.

    ``{"state": {index: {name: value}}, "param_groups": [{"params": [index, ...], option: value, ...}]}``;
    a state dict read from a file (``nb.load``) may be anything, and gets a ``ValueError`` naming the entry.
    """
    if not isinstance(state_dict, dict) or "state" not in state_dict or "param_groups" not in state_dict:
        raise ValueError(f"{where} expects a dict with 'state' and 'param_groups' entries, got {shown(state_dict)}")
    groups, state = state_dict["param_groups"], state_dict["state"]
    if not isinstance(groups, (list, tuple)):
        raise ValueError(f"{where}: 'param_groups' must be a list of dicts, got {shown(groups)}")
    for i, group in enumerate(groups):
        if not isinstance(group, dict) or not isinstance(group.get("params"), (list, tuple)):
            raise ValueError(f"{where}: param_groups[{i}] must be a dict with a 'params' list, got {shown(group)}")
        for index in group["params"]:
            _index(index, f"{where}: param_groups[{i}]['params']")
    if not isinstance(state, dict):
        raise ValueError(f"{where}: 'state' must be a dict of parameter index -> dict, got {shown(state)}")
    for key, values in state.items():
        _index(key, f"{where}: 'state'")
        if not isinstance(values, dict):
            raise ValueError(f"{where}: state[{key!r}] must be a dict of names to values, got {shown(values)}")
    return list(groups)


def _kind(value) -> str:
    """The kind a state entry must keep across a save and a load."""
    if value is None:
        return "None"
    if isinstance(value, (bool, np.bool_)):
        return "a bool"
    if isinstance(value, (numbers.Real, np.integer, np.floating)):
        return "a number"  # NOTE: ints and floats alike: an lr given as 1 is an int here and 0.5 in the file
    if isinstance(value, str):
        return "a string"
    if isinstance(value, (list, tuple)):
        return "a list"
    if isinstance(value, dict):
        return "a dict"
    return type(value).__name__


def _fits(template, value) -> bool:
    want, got = _kind(template), _kind(value)
    if want == "None":
        return True  # unset in this scheduler (e.g. before its first step): any plain value may be restored
    if want == "a list" and got == "a list" and len(template):
        return all(_fits(template[0], v) for v in value)
    return want == got


def check_like(template: dict, state, where: str, skipped: tuple = ()) -> None:
    """Check that ``state`` holds only entries of ``template`` (a fresh ``state_dict()``), each of the same kind.

    Entries of ``skipped`` are ignored (they are never restored); missing entries keep their value, as in PyTorch.
    """
    if not isinstance(state, dict):
        raise ValueError(f"{where} expects a dict (what state_dict() returned), got {shown(state)}")
    for key, value in state.items():
        if key in skipped:
            continue
        if key not in template:
            raise ValueError(f"{where}: unknown entry {shown(key)}; expected entries of {sorted(template)}")
        if not _fits(template[key], value):
            expected = f"{_kind(template[key])} like {shown(template[key])}"
            raise ValueError(f"{where}: entry {key!r} must be {expected}, got {shown(value)}")
