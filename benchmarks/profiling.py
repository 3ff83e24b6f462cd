"""Where the time goes: cProfile of an implementation's steps, the hottest functions by own time."""

from __future__ import annotations

import cProfile
import gc
import linecache
import pstats
import re
from pathlib import Path

from .workloads import Workload, make_trainer

ROOT = Path(__file__).resolve().parent.parent


def _where(filename: str, line: int, name: str) -> str:
    """``nabla/engine/backward.py:67 run_backward``, or ``{method 'dot' ...}`` for built-ins.

    nabla's gradient rules are functions named ``_`` under ``@_linear.defvjp``:
    they are shown as ``_ (VJP of _linear)``.
    """
    if filename == "~":
        return name
    if name == "_":
        decorator = re.match(r"\s*@(\w+)\.defvjp", linecache.getline(filename, line))
        if decorator:
            name = f"_ (VJP of {decorator.group(1)})"
    path = Path(filename)
    try:
        path = path.resolve().relative_to(ROOT)
    except ValueError:
        parts = path.parts
        path = Path(*parts[parts.index("site-packages") + 1 :]) if "site-packages" in parts else Path(path.name)
    return f"{path}:{line} {name}"


def hottest(w: Workload, impl: str, steps: int, top: int = 5, settle=lambda: None) -> dict:
    """Profile ``steps`` steps of ``impl`` on ``w`` (after a warm-up) and list the ``top`` functions by tottime."""
    trainer = make_trainer(w, impl)
    trainer.run(min(steps, 2))
    settle()
    gc.collect()
    gc.freeze()  # as in the timings: a full collection of older objects would be charged to a random function
    profiler = cProfile.Profile()
    try:
        profiler.enable()
        trainer.run(steps)
        profiler.disable()
    finally:
        gc.unfreeze()
    stats = pstats.Stats(profiler)
    total = stats.total_tt
    rows = sorted(stats.stats.items(), key=lambda item: item[1][2], reverse=True)[:top]
    entries = [
        {
            "function": _where(*func),
            "ncalls": ncalls,
            "tottime_s": tottime,
            "cumtime_s": cumtime,
            "share": tottime / total if total else 0.0,
        }
        for func, (_, ncalls, tottime, cumtime, _) in rows
    ]
    by_file: dict[str, float] = {}
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():
        key = "built-ins (NumPy, C calls)" if filename == "~" else _where(filename, 0, "").split(":")[0]
        by_file[key] = by_file.get(key, 0.0) + tottime
    files = sorted(by_file.items(), key=lambda kv: kv[1], reverse=True)[:top]
    return {
        "workload": w.key,
        "implementation": impl,
        "steps": steps,
        "total_s": total,
        "functions": len(stats.stats),
        "top": entries,
        "by_file": [{"file": f, "tottime_s": t, "share": t / total if total else 0.0} for f, t in files],
    }
