"""The fuzzing harness: cases run in child processes under a memory limit and a per-case time limit.

The parent (:func:`run_suite`) starts one child for a whole batch of cases and reads its verdicts.
Each case is made from ``(seed, index)`` alone, so any case can be run again by itself::

    PYTHONPATH=. python tests/fuzz/fuzzing.py SUITE SEED START STOP FOLDER [SECONDS]

A child prints ``START i`` before case ``i`` and ``RESULT {json}`` after it. A case that kills the
child (a crash, the memory limit hit in C code, the per-case time limit, which ``faulthandler``
enforces even inside C code) leaves a ``START`` without a ``RESULT``: the parent records it as a
crash or a hang and starts a new child at the next case.

A verdict is good when the reader returned, or raised one of the suite's documented exception
types with a one-line message (at most 2,000 characters) that names the file (or, for
``load_state_dict``, the argument). Anything else is bad: another exception type (``MemoryError``,
``RecursionError``, ``KeyError`` where a ``ValueError`` is documented...), a message that does not
name the file, a NumPy ``RuntimeWarning`` (turned into an error), a crash, a hang.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
CASE_SECONDS = 30  # longer is a hang; NOTE: generous, as CI machines are shared and slow
# Address space a case may add to what the child held after setup: above the IDX reader's default
# limit of 1 GiB (a header may honestly declare that much), below the 2 GiB of the gzip bombs.
MEMORY_BUDGET = 3 << 29


def good(verdict: dict) -> bool:
    return verdict["outcome"] in ("returned", "clear error")


def judge(error: BaseException, allowed: tuple, subject: str) -> dict:
    message = str(error)
    kind = type(error).__name__
    if not isinstance(error, allowed):
        outcome = "wrong exception type"
    elif subject not in message:
        outcome = f"message does not name {subject!r}"
    elif "\n" in message or len(message) > 2000:
        outcome = "message is not one short line"
    else:
        outcome = "clear error"
    return {"outcome": outcome, "error": f"{kind}: {message[:600]}"}


def _limit_memory() -> None:
    """Cap the address space at what the child holds now plus MEMORY_BUDGET (Linux; elsewhere no cap)."""
    try:
        import resource

        size = next(line for line in Path("/proc/self/status").read_text().splitlines() if line.startswith("VmSize"))
        held = int(size.split()[1]) * 1024
        resource.setrlimit(resource.RLIMIT_AS, (held + MEMORY_BUDGET, resource.RLIM_INFINITY))
    except (ImportError, OSError, StopIteration, ValueError):
        pass


def child(suite_name: str, seed: int, start: int, stop: int, folder: Path, case_seconds: float) -> None:
    import faulthandler
    import traceback
    import warnings

    import numpy as np

    sys.path.insert(0, str(HERE))
    import fuzz_targets

    suite = fuzz_targets.SUITES[suite_name]
    folder.mkdir(parents=True, exist_ok=True)
    seeds = suite.setup(folder)
    _limit_memory()
    warnings.simplefilter("error", RuntimeWarning)  # NumPy's overflow and invalid-value warnings
    for i in range(start, stop):
        print(f"START {i}", flush=True)
        rng = np.random.default_rng([seed, i])
        try:
            description, run, subject = suite.make_case(rng, seeds, folder / f"case-{i}")
        except Exception:  # noqa: BLE001  (a bug in the generator, reported as such)
            verdict = {"outcome": "generator failed", "error": traceback.format_exc(limit=-3)}
            description = "?"
        else:
            faulthandler.dump_traceback_later(case_seconds, exit=True)
            try:
                extra = run()
                verdict = {"outcome": "returned"} if extra is None else extra
            except BaseException as e:  # noqa: BLE001  (judged below: every exception type is a verdict)
                verdict = judge(e, suite.allowed, subject)
                if not good(verdict):
                    verdict["where"] = traceback.format_exc(limit=-2)[-800:]
            faulthandler.cancel_dump_traceback_later()
        for p in folder.glob(f"case-{i}*"):
            p.unlink()
        print("RESULT " + json.dumps({"i": i, "case": description, **verdict}), flush=True)


def run_suite(suite_name: str, cases: int, seed: int, folder: Path, case_seconds: float = CASE_SECONDS) -> list[dict]:
    """Run cases ``0 .. cases-1`` of a suite; return every verdict (one per case)."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1"}
    verdicts, start = [], 0
    while start < cases:
        arguments = [suite_name, seed, start, cases, folder, case_seconds]
        command = [sys.executable, str(Path(__file__)), *map(str, arguments)]
        done = subprocess.run(command, capture_output=True, text=True, env=env, timeout=3600)
        last = None
        for line in done.stdout.splitlines():
            if line.startswith("START "):
                last = int(line.split()[1])
            elif line.startswith("RESULT "):
                verdicts.append(json.loads(line[7:]))
                last = None
        if done.returncode == 0:
            break
        if last is None:
            raise RuntimeError(f"the fuzzing child of {suite_name} failed outside any case:\n{done.stderr[-3000:]}")
        hang = "Timeout" in done.stderr
        verdicts.append(
            {
                "i": last,
                "case": "(see the reproduction command)",
                "outcome": f"hang (over {case_seconds} s)" if hang else f"crash (exit status {done.returncode})",
                "error": done.stderr[-1500:],
            }
        )
        start = last + 1
    return verdicts


def report(suite_name: str, seed: int, verdicts: list[dict], folder: Path) -> str:
    bad = [v for v in verdicts if not good(v)]
    counts: dict[str, int] = {}
    for v in verdicts:
        counts[v["outcome"]] = counts.get(v["outcome"], 0) + 1
    lines = [f"{suite_name}: {len(verdicts)} cases, {len(bad)} bad; outcomes {counts}"]
    for v in bad[:15]:
        lines.append(f"  case {v['i']} ({v['case']}): {v['outcome']}: {v.get('error', '')[:400]}")
        if v.get("where"):
            lines.append("    " + v["where"].strip().replace("\n", "\n    "))
        lines.append(
            f"    rerun: PYTHONPATH=. python tests/fuzz/fuzzing.py {suite_name} {seed} {v['i']} {v['i'] + 1} {folder}"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    name, seed_, start_, stop_, folder_ = sys.argv[1:6]
    seconds = float(sys.argv[6]) if len(sys.argv) > 6 else CASE_SECONDS
    child(name, int(seed_), int(start_), int(stop_), Path(folder_), seconds)
