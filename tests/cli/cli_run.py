"""Running the ``nabla`` command in tests: in a subprocess as a user would, or in-process for speed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_nabla(*args, cwd=None, timeout: float = 120, env: dict | None = None) -> subprocess.CompletedProcess:
    """``python -m nabla ARGS`` in a subprocess; one BLAS thread, so that a busy machine does not thrash."""
    full_env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1", **(env or {})}
    full_env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), full_env.get("PYTHONPATH", "")) if p)
    return subprocess.run(
        [sys.executable, "-m", "nabla", *map(str, args)],
        cwd=cwd,
        env=full_env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def assert_one_line_error(done: subprocess.CompletedProcess, command: str, status: int = 1) -> str:
    """The run failed with ``status`` and one line on stderr, ``nabla COMMAND: error: ...``, no traceback."""
    err = done.stderr.strip()
    assert done.returncode == status, (done.returncode, err[-2000:])
    assert "Traceback" not in err, err[-3000:]
    assert len(err.splitlines()) == 1, err[-3000:]
    assert err.startswith(f"nabla {command}: error: "), err[:300]
    return err


def fuzz_cases(default: int) -> int:
    """How many cases a fuzz test generates: ``default`` in CI, ``NABLA_FUZZ_CASES=N`` for a longer local run."""
    return int(os.environ.get("NABLA_FUZZ_CASES", "").strip() or default)


def fuzz_seed(default: int) -> int:
    """The generator's seed: ``default`` in CI (the same cases every run), another with ``NABLA_FUZZ_SEED=S``."""
    return int(os.environ.get("NABLA_FUZZ_SEED", "").strip() or default)


def run_in_worker(argvs: list[list[str]], folder: Path, timeout: float) -> list[dict]:
    """Run the command lines in one worker process (``fuzz_worker.py``); one result per case, in order.

    If the worker dies or hangs, the assertion names the case it was running.
    """
    import json

    cases, results = folder / "cases.json", folder / "results.jsonl"
    cases.write_text(json.dumps(argvs), encoding="utf-8")
    env = {**os.environ, "MPLBACKEND": "Agg", "OPENBLAS_NUM_THREADS": "1"}
    env["PYTHONPATH"] = os.pathsep.join(p for p in (str(ROOT), env.get("PYTHONPATH", "")) if p)
    worker = Path(__file__).with_name("fuzz_worker.py")
    try:
        done = subprocess.run(
            [sys.executable, str(worker), str(cases), str(results)],
            env=env,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        problem = f"exit status {done.returncode}: {done.stderr[-2000:]}" if done.returncode else ""
    except subprocess.TimeoutExpired:
        problem = f"no answer within {timeout:.0f}s (a hang?)"
    lines = results.read_text(encoding="utf-8").splitlines() if results.exists() else []
    if problem or len(lines) != len(argvs):
        at = min(len(lines), len(argvs) - 1)
        raise AssertionError(f"the worker stopped at case {at}: {argvs[at]}: {problem}")
    return [json.loads(line) for line in lines]


def ending_problems(command: str, result: dict) -> list[str]:
    """What is wrong with how a case ended, whatever it was meant to do.

    Success: exit status 0 and nothing on stderr but notes. Failure: exit status 1 and one line
    ``nabla COMMAND: error: ...`` of at most 1,000 characters. Anything else (a traceback, another
    status) is a problem.
    """
    status = result["status"]
    lines = [line for line in result["err"].splitlines() if not line.startswith(f"nabla {command}: note: ")]
    if status == 0:
        return [f"stderr besides notes: {[e[:200] for e in lines[:3]]}"] if lines else []
    if status == 1:
        if len(lines) != 1 or not lines[0].startswith(f"nabla {command}: error: ") or len(lines[0]) > 1000:
            return [f"not one short error line: {[e[:200] for e in lines[:3]]}"]
        return []
    return [f"status {status}: {result['err'][-1500:]}"]


def assert_no_failures(failures: list[str], cases: int) -> None:
    assert not failures, f"{len(failures)} of {cases} cases:\n" + "\n".join(failures[:20])
