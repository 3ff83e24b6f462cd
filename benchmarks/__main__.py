"""``python -m benchmarks``: run the suite, print the table, write the JSON and the Markdown report.

    python -m benchmarks                 # full run: benchmarks/results.json and docs/performance.md
    python -m benchmarks --quick         # a few steps of everything, output in a temporary folder
    python -m benchmarks --only W3,W6    # selected workloads (output in a temporary folder unless --out/--report)
    python -m benchmarks --only W1 --end-to-end-epochs 1   # a workload and a one-epoch end-to-end run
    python -m benchmarks.distributed --merge   # only the data-parallel part, merged into the full run's files
    python -m benchmarks --only K4       # the GradientTape loop, nabla.tf against TensorFlow
    python -m benchmarks --only K1,K2,K3,K5 # Keras fit: nabla.keras, Keras 3 on TensorFlow, on PyTorch

Exits with status 1 if the implementations of a workload do not compute the same losses.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

from . import distributed, end_to_end, harness, keras_fit, memory, micro, playground, profiling, report, tf_loop
from .machine import LoadMonitor, cpu_count, describe, set_threads
from .workloads import BY_KEY, WORKLOADS

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_JSON = ROOT / "benchmarks" / "results.json"
DEFAULT_REPORT = ROOT / "docs" / "performance.md"
MEMORY_WORKLOADS = ("W3", "W4", "W6")


def parse_args(argv=None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="a handful of steps, one repeat (a smoke test)")
    parser.add_argument("--only", help="comma-separated workloads, e.g. W3,W6, K1 or K4 (default: all)")
    parser.add_argument("--out", type=Path, help="the JSON results (default: benchmarks/results.json)")
    parser.add_argument("--report", type=Path, help="the Markdown report (default: docs/performance.md)")
    parser.add_argument("--repeats", type=int, default=5, help="timed repeats per implementation (default 5)")
    parser.add_argument("--threads", type=int, default=cpu_count(), help="torch and BLAS threads (default: cores)")
    parser.add_argument(
        "--end-to-end-epochs",
        type=int,
        help="also time `nabla train --dataset mnist` against its PyTorch twin for this many epochs "
        f"(default: {end_to_end.EPOCHS} in a full run, none with --quick or --only)",
    )
    args = parser.parse_args(argv)
    if args.only:
        keys = [k.strip().upper() for k in args.only.split(",") if k.strip()]
        known = [*BY_KEY, *keras_fit.KEYS, tf_loop.KEY]
        unknown = [k for k in keys if k not in known]
        if unknown:
            parser.error(f"--only: unknown workload(s) {unknown}; choose among {', '.join(known)}")
        args.only = keys
    if args.repeats < 1:
        parser.error(f"--repeats must be at least 1, got {args.repeats}")
    # A partial or quick run never overwrites the full run's files unless asked to.
    partial = args.quick or args.only
    scratch = Path(tempfile.mkdtemp(prefix="nabla-benchmarks-")) if partial else None
    if args.out is None:
        args.out = scratch / "results.json" if partial else DEFAULT_JSON
    if args.report is None:
        args.report = args.out.with_suffix(".md") if partial else DEFAULT_REPORT
    if args.quick and args.report.resolve() == DEFAULT_REPORT:
        parser.error("--quick never writes docs/performance.md; give another --report path")
    return args


def main(argv=None) -> int:
    args = parse_args(argv)
    monitor = LoadMonitor()
    set_threads(args.threads)
    settings = harness.Settings.for_run(args.quick, args.repeats)
    settle = settings.wait
    selected = [w for w in WORKLOADS if not args.only or w.key in args.only]
    results = {"settings": {"quick": args.quick, "repeats": 1 if args.quick else args.repeats}, "threads": args.threads}
    results["machine"] = describe()
    print(f"nabla benchmarks{' (quick)' if args.quick else ''}: {results['machine']['cpu']}, {args.threads} threads")

    matmul = lambda: micro.matmul_gflops(1024 if args.quick else 2048, 2 if args.quick else 5, settle)
    results["matmul"] = matmul()
    print(f"float32 matmul: {results['matmul']['max']:.1f} GFLOP/s")

    results["workloads"] = {}
    for w in selected:
        print(f"{w.label}: {w.description}", flush=True)
        results["workloads"][w.key] = harness.bench_workload(w, settings)

    results["memory"] = {}
    for key in [k for k in MEMORY_WORKLOADS if k in results["workloads"]][: 1 if args.quick else None]:
        print(f"memory {key}", flush=True)
        results["memory"][key] = memory.measure_all(key, args.threads)

    if not args.only or tf_loop.KEY in args.only:
        print(f"{tf_loop.KEY}: {tf_loop.DESCRIPTION}", flush=True)
        results["tf_loop"] = tf_loop.measure(args.threads, args.quick, args.repeats, settle)

    fits = [k for k in keras_fit.KEYS if not args.only or k in args.only]
    if fits:
        print(f"{', '.join(fits)}: Keras fit on nabla.keras, Keras 3 on TensorFlow and on PyTorch", flush=True)
        results["keras_fit"] = keras_fit.measure(fits, args.threads, args.quick, args.repeats, settle)

    print("per-operation overhead", flush=True)
    results["op_overhead"] = micro.op_overhead(1_000 if args.quick else 10_000, 1 if args.quick else 5, settle)

    if not args.only:  # a run of selected workloads leaves the playground out
        print("nabla playground: frames per second through the server's training loop", flush=True)
        settle()
        results["playground"] = playground.measure(0.5 if args.quick else 5.0)

    epochs = (
        args.end_to_end_epochs
        if args.end_to_end_epochs is not None
        else (None if args.only or args.quick else end_to_end.EPOCHS)
    )
    if epochs:
        print(f"end to end: nabla train --dataset mnist and the PyTorch script, {epochs} epochs each", flush=True)
        settle()
        results["end_to_end"] = end_to_end.measure(args.threads, epochs)

    if not args.only:
        print("data-parallel: epochs on 1 and 2 processes, all-reduce, streaming memory", flush=True)
        settle()
        results["distributed"] = distributed.measure(args.quick)

    if not args.quick:  # measured again at the end, in case the start was disturbed: the best is the ceiling
        again = matmul()
        print(f"float32 matmul again: {again['max']:.1f} GFLOP/s")
        runs = [results["matmul"]["max"], again["max"]]
        results["matmul"] = {**max(results["matmul"], again, key=lambda m: m["max"]), "runs": runs}

    results["targets"] = report.evaluate_targets(results)
    results["profiles"] = []
    speed = [t for t in results["targets"] if "memory" not in t["target"]]
    missed = {(t["workload"], t["implementation"]) for t in speed if not t["met"] and t["workload"] in BY_KEY}
    for key, impl in sorted(missed)[: 1 if args.quick else None]:  # quick: one, to show the path works
        w = BY_KEY[key]
        print(f"profiling {key} {impl}", flush=True)
        steps = settings.steps(w) if impl == "nabla-fit" else min(settings.steps(w), 500)  # fit: whole epochs
        results["profiles"].append(profiling.hottest(w, impl, steps, settle=settle))

    results["load"] = monitor.finish()
    results["provisional"] = report.provisional(results)
    report.write_json(results, args.out)
    report.write_markdown(results, args.report)
    report.print_summary(results)
    print(f"\nwrote {args.out} and {args.report}")
    disagree = [k for k, wl in results["workloads"].items() if not wl["agreement"]["ok"]]
    if "tf_loop" in results and not results["tf_loop"]["agreement"]["ok"]:
        disagree.append(tf_loop.KEY)
    if disagree:
        print(f"the implementations disagree on {', '.join(disagree)}: the comparison is meaningless", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
