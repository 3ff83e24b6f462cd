"""``python -m nabla.distributed --np N script.py [args...]``: run a script as N data-parallel processes."""

from __future__ import annotations

import argparse
import sys

from .launch import launch


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m nabla.distributed",
        description="Run a Python script as N MPI processes (mpiexec -n N python script.py ...), stopping them "
        "all on Ctrl-C, on a timeout, or when one fails.",
    )
    parser.add_argument("--np", "-n", type=int, required=True, help="the number of processes")
    parser.add_argument("--timeout", type=float, help="stop the job after this many seconds")
    parser.add_argument("script", help="the Python script each process runs")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="the script's arguments")
    args = parser.parse_args(argv)
    if args.np < 1:
        parser.error(f"--np must be a positive integer, got {args.np}")
    try:
        result = launch([sys.executable, args.script, *args.args], args.np, timeout=args.timeout)
    except (FileNotFoundError, ValueError) as e:
        print(f"python -m nabla.distributed: {e}", file=sys.stderr)
        return 2
    return 1 if result.returncode < 0 else result.returncode


if __name__ == "__main__":
    sys.exit(main())
