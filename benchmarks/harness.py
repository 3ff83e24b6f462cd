"""Timing: the agreement check, warm-up, interleaved repeats, median / min / max.

For one workload every implementation is built from the same initial
weights and data. First each runs a few recorded steps and their losses
are compared (the comparison means nothing if they compute different
things); then each warms up; then the timed repeats run *interleaved*
(nabla, torch, floor, torch, floor, nabla, ...), so that slow drifts in the
machine's state hit every implementation alike.

Other processes are the enemy of a 2-core benchmark: a BLAS call split over
two threads waits at every barrier for a thread that another process has
pushed off its core, and a step becomes ten times slower, not two. So
before each timed block the harness waits until other processes use fewer
than ``QUIET_CORES`` cores (up to a time limit), and a block during which
they used more is run again (up to ``retries`` times). The wait also lets
the previous library's worker threads, which spin for a while after their
last call, go idle: otherwise PyTorch's OpenMP threads and NumPy's OpenBLAS
threads fight over the cores when one library is timed right after the other.
"""

from __future__ import annotations

import gc
import statistics
import time
from dataclasses import dataclass

import numpy as np

from .machine import OtherLoad, wait_for_quiet
from .workloads import Workload, make_data, make_trainer

CHECK_STEPS = 3  # 2 in quick mode
TOLERANCE = 1e-4  # float32: |difference| <= TOLERANCE * max(1, |reference|)
REFERENCE = "torch"
QUIET_CORES = 0.3  # other processes' CPU use below which the machine counts as quiet
MIN_JUDGED_S = 0.1  # blocks shorter than this are not judged (/proc/stat counts in 10 ms ticks)


@dataclass
class Settings:
    quick: bool = False
    repeats: int = 5
    max_wait: float = 60.0  # seconds to wait for quiet before a block
    retries: int = 2  # re-runs of a block disturbed by other processes
    wait_budget: float = 1800.0  # seconds of waiting in the whole run, after which blocks run at once
    settle: float = 0.25  # seconds slept before every block (see machine.wait_for_quiet)

    @classmethod
    def for_run(cls, quick: bool, repeats: int) -> Settings:
        if quick:  # a smoke test: no waiting, one short settling pause
            return cls(quick=True, repeats=1, max_wait=0.0, retries=0, wait_budget=0.0, settle=0.1)
        return cls(quick=False, repeats=repeats)

    def wait(self, max_wait: float | None = None) -> float | None:
        """Wait for a quiet machine, within ``max_wait`` and what is left of the run's waiting budget."""
        start = time.perf_counter()
        limit = min(self.max_wait if max_wait is None else max_wait, max(0.0, self.wait_budget))
        load = wait_for_quiet(QUIET_CORES, limit, self.settle)
        self.wait_budget -= time.perf_counter() - start
        return load

    def steps(self, w: Workload) -> int:
        return w.quick_steps if self.quick else w.steps

    def warmup(self, w: Workload) -> int:
        if self.quick:
            return 1
        return min(max(2, w.steps // 10), w.n_batches if w.n_batches > 1 else w.steps)


def summarize(rates: list[float]) -> dict:
    return {"median": statistics.median(rates), "min": min(rates), "max": max(rates), "samples": rates}


def _difference(value, reference) -> float:
    """Relative difference of a loss (float) or an output array, floored at an absolute scale of 1."""
    value, reference = np.asarray(value, dtype=np.float64), np.asarray(reference, dtype=np.float64)
    return float(np.max(np.abs(value - reference)) / max(1.0, float(np.max(np.abs(reference)))))


def check_agreement(recorded: dict[str, list]) -> dict:
    """Compare each implementation's first losses (or outputs) with the reference's (PyTorch's)."""
    reference = recorded[REFERENCE]
    diffs = {impl: max(_difference(v, r) for v, r in zip(values, reference)) for impl, values in recorded.items()}
    losses = {impl: [float(v) for v in values] for impl, values in recorded.items() if np.ndim(values[0]) == 0}
    return {
        "steps": len(reference),
        "tolerance": TOLERANCE,
        "max_difference": diffs,
        "losses": losses,
        "ok": all(d <= TOLERANCE for d in diffs.values()),
    }


def timed_block(trainer, steps: int, settings: Settings) -> tuple[float, float | None]:
    """Steps per second of ``trainer.run(steps)`` on a quiet machine if possible, and the others' load meanwhile."""
    for attempt in range(settings.retries + 1):
        settings.wait()
        gc.collect()
        probe = OtherLoad().start()
        start = time.perf_counter()
        trainer.run(steps)
        elapsed = time.perf_counter() - start
        load = probe.cores() if elapsed >= MIN_JUDGED_S else None
        # Re-running is pointless once the waiting budget is spent: the machine is busy for good.
        if load is None or load < QUIET_CORES or attempt == settings.retries or settings.wait_budget <= 0:
            return steps / elapsed, load
    raise AssertionError("unreachable")


def bench_workload(w: Workload, settings: Settings, log=print) -> dict:
    """Check, warm up and time every implementation of ``w``; returns the workload's results."""
    data = make_data(w)
    trainers = {impl: make_trainer(w, impl, data) for impl in w.implementations}
    check_steps = 1 if w.kind == "inference" else CHECK_STEPS - settings.quick
    agreement = check_agreement({impl: t.run(check_steps, record=True) for impl, t in trainers.items()})
    if not agreement["ok"]:
        log(f"  !! {w.label}: the implementations disagree: {agreement['max_difference']}")

    steps, repeats = settings.steps(w), 1 if settings.quick else settings.repeats
    for t in trainers.values():
        t.run(settings.warmup(w))
    rates: dict[str, list[float]] = {impl: [] for impl in trainers}
    loads: dict[str, list[float | None]] = {impl: [] for impl in trainers}
    order = list(trainers)
    # NOTE: everything alive now (PyTorch's modules, the data...) leaves the garbage collector's view. Otherwise a
    # full collection, which walks every object of the process, can fall inside a timed block: with torch imported
    # that is about 0.2 s, charged to whichever library happens to be running (a nabla-only process has far fewer
    # objects). Collections of the objects the steps create still happen, and are timed.
    gc.collect()
    gc.freeze()
    try:
        for r in range(repeats):
            for impl in order[r % len(order) :] + order[: r % len(order)]:  # rotate who goes first
                rate, load = timed_block(trainers[impl], steps, settings)
                rates[impl].append(rate)
                loads[impl].append(load)
    finally:
        gc.unfreeze()

    results = {impl: {**summarize(samples), "other_load": loads[impl]} for impl, samples in rates.items()}
    flops = w.flops_per_step
    for res in results.values():
        if flops is not None:
            res["gflops"] = flops * res["median"] / 1e9
    return {
        "name": w.name,
        "description": w.description,
        "kind": w.kind,
        "unit": w.unit,
        "batch": w.batch,
        "steps": steps,
        "warmup": settings.warmup(w),
        "repeats": repeats,
        "parameters": w.parameters,
        "flops_per_step": flops,
        "agreement": agreement,
        "results": results,
    }
