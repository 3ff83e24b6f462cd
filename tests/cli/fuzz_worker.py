"""Run many ``nabla`` command lines in one process, apart from pytest, and report how each ended.

Usage: ``python fuzz_worker.py CASES.json RESULTS.jsonl``. CASES.json is a list of argument lists.
For each, ``nabla.cli.main`` runs with stdout and stderr captured; a line of RESULTS.jsonl records
``{"case": i, "status": ..., "out": ..., "err": ...}``, flushed before the next case starts, so that
if the process dies (a crash, the memory limit, a hang the caller kills) the caller knows which case
did it. An exception escaping ``main`` is a traceback the user would have seen: recorded as status
``"traceback"`` with its text. The address space is capped (4 GiB), so a memory blow-up fails fast.
"""

from __future__ import annotations

import contextlib
import io
import json
import sys
import traceback


def main() -> None:
    try:
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (4 << 30, 4 << 30))
    except (ImportError, ValueError, OSError):  # not on every platform
        pass
    from nabla import cli

    cases = json.loads(open(sys.argv[1], encoding="utf-8").read())
    with open(sys.argv[2], "w", encoding="utf-8") as results:
        for i, argv in enumerate(cases):
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = cli.main(argv)
            except SystemExit as e:
                status = e.code
            except BaseException:  # noqa: BLE001  (anything escaping main is what a user would see)
                status, err = "traceback", io.StringIO(err.getvalue() + traceback.format_exc())
            line = {"case": i, "status": status, "out": out.getvalue()[-20000:], "err": err.getvalue()[-20000:]}
            results.write(json.dumps(line) + "\n")
            results.flush()


if __name__ == "__main__":
    main()
