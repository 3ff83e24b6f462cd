"""Data-parallel nabla on this machine: epochs on 1 and 2 processes, all-reduce cost, streaming memory.

Measured (each configuration in fresh processes, interleaved over the repeats, medians):

- an epoch of W3's MLP and of W6's CNN on MNIST (global batches of 128 and 64) by one process with
  one BLAS thread, one process with two, and two processes of one thread each (``mpiexec -n 2``,
  each rank half of every batch, gradients averaged): the speed-up and the efficiency (speed-up
  over the number of cores used) of the two processes;
- per step, the time spent averaging the gradients (waiting for the other rank included) against
  the step's time, and the bare all-reduce of a gradient-sized buffer;
- the peak memory of an MLP epoch trained from the chunked file on disk against from arrays.

``python -m benchmarks.distributed [--quick] [--merge]`` runs this part alone; ``--merge`` adds the
numbers to ``benchmarks/results.json`` and regenerates ``docs/performance.md`` from it.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

from . import scaling
from .machine import OtherLoad

ROOT = Path(__file__).resolve().parent.parent
SETUPS = (("1 process, 1 thread", 1, 1), ("1 process, 2 threads", 1, 2), ("2 processes, 1 thread each", 2, 1))
MODELS = {"mlp": ("W3 MLP 784-256-128-10", 128), "cnn": ("W6 CNN", 64)}  # name, global batch


def _env(threads: int) -> dict:
    path = os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))
    blas = {v: str(threads) for v in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS")}
    return {**os.environ, "PYTHONPATH": path, **blas}


def mpi_missing() -> str | None:
    """Why the two-process runs cannot happen here, or None."""
    try:
        import mpi4py  # noqa: F401

        from nabla.distributed.launch import mpiexec

        mpiexec()
    except (ImportError, FileNotFoundError) as e:
        return f"needs MPI: pip install 'nabla[mpi]' ({e})"
    return None


def _epoch(model: str, samples: int, ranks: int, threads: int, out: Path, quick: bool) -> dict:
    from nabla.distributed.launch import launch

    batch = MODELS[model][1]
    argv = [sys.executable, "-m", "benchmarks.dp_worker", "--model", model, "--samples", str(samples)]
    argv += ["--batch", str(batch), "--out", str(out)] + (["--synthetic"] if quick else [])
    if ranks == 1:
        proc = subprocess.run(argv, cwd=ROOT, env=_env(threads), capture_output=True, text=True, timeout=1800)
    else:
        proc = launch(argv, ranks, timeout=1800, env=_env(threads), capture_output=True, cwd=ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"the {ranks}-process {model} epoch failed:\n{(proc.stderr or '')[-2000:]}")
    return json.loads(out.read_text())


def _streaming(source: str, samples: int, file: Path | None, quick: bool) -> dict:
    argv = [sys.executable, "-m", "benchmarks.streaming", "--source", source, "--samples", str(samples)]
    argv += (["--file", str(file)] if file else []) + (["--synthetic"] if quick else [])
    proc = subprocess.run(argv, cwd=ROOT, env=_env(1), capture_output=True, text=True, timeout=1800)
    if proc.returncode != 0:
        raise RuntimeError(f"the {source} streaming run failed:\n{proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1])


def _summary(runs: list[dict]) -> dict:
    epochs = [r["epoch_s"] for r in runs]
    keep = ("data", "samples", "global_batch", "steps", "parameters", "ranks")
    out = {k: runs[0][k] for k in keep}
    out.update(epoch_s=statistics.median(epochs), epoch_min_s=min(epochs), epoch_max_s=max(epochs))
    for key in ("step_s", "sync_s_per_step", "allreduce_s"):
        out[key] = statistics.median(r[key] for r in runs)
    return out


def measure(quick: bool, repeats: int = 3) -> dict:
    """Every measurement of this module, as a JSON-able dict (``{"skipped": why}`` without MPI)."""
    why = mpi_missing()
    if why:
        return {"skipped": why}
    # NOTE: the CNN's "epoch" is the first 12,000 training images (188 steps): a full one takes minutes per run.
    samples = {"mlp": 1024 if quick else 60000, "cnn": 128 if quick else 12000}
    repeats = 1 if quick else repeats
    result: dict = {"repeats": repeats, "models": {}}
    others = OtherLoad().start()
    with tempfile.TemporaryDirectory(prefix="nabla-dp-bench-") as tmp:
        for model in MODELS:
            setups = [s for s in SETUPS if not (quick and s[2] == 2)]  # quick: no two-thread run
            runs: dict[str, list] = {name: [] for name, _, _ in setups}
            for rep in range(repeats):  # interleaved: 1x1, 1x2, 2x1, 1x1, ...
                for name, ranks, threads in setups:
                    print(f"  {model}: {name} ({rep + 1}/{repeats})", flush=True)
                    runs[name].append(_epoch(model, samples[model], ranks, threads, Path(tmp) / "epoch.json", quick))
            summaries = {name: _summary(r) for name, r in runs.items()}
            base, two = summaries[SETUPS[0][0]]["epoch_s"], summaries[SETUPS[2][0]]["epoch_s"]
            result["models"][model] = {"name": MODELS[model][0], "setups": summaries, "speedup": base / two,
                                       "efficiency": base / two / 2}  # fmt: skip
            if SETUPS[1][0] in summaries:
                result["models"][model]["speedup_vs_two_threads"] = summaries[SETUPS[1][0]]["epoch_s"] / two
        stream_rows = 2048 if quick else 60000
        print("  streaming from disk vs arrays in memory", flush=True)
        from .streaming import prepare

        file = prepare(Path(tmp) / "train.nbd", stream_rows, synthetic=quick)
        result["streaming"] = {
            "memory": _streaming("memory", stream_rows, None, quick),
            "disk": _streaming("disk", stream_rows, file, quick),
        }
    result["model"] = scaling.fit(result)
    load = others.cores()
    if load is not None:
        result["other_processes_cores"] = load
    return result


def _fmt_s(x: float) -> str:
    return f"{x * 1e3:.2f} ms" if x < 1 else f"{x:.2f} s"


def _row(model: str, name: str, s: dict) -> list[str]:
    """One configuration's row of the report's table."""
    row = [model, f"{s['samples']:,} / {s['global_batch']}", name, f"{s['epoch_s']:.2f}"]
    row += [f"{s['epoch_min_s']:.2f} - {s['epoch_max_s']:.2f}", _fmt_s(s["step_s"])]
    if s["ranks"] == 1:
        return row + ["", ""]
    share = s["sync_s_per_step"] / s["step_s"] if s["step_s"] else 0.0
    return row + [f"{_fmt_s(s['sync_s_per_step'])} ({share:.0%})", _fmt_s(s["allreduce_s"])]


def _reading(m: dict) -> str:
    """What one model's rows say: the speed-up, and where a step of the two processes goes."""
    one, two = m["setups"][SETUPS[0][0]], m["setups"][SETUPS[2][0]]
    text = (
        f"- {m['name']}: two processes are {m['speedup']:.2f}x as fast as one process with one thread (efficiency "
        f"{m['efficiency']:.0%} of the two cores)"
    )
    if "speedup_vs_two_threads" in m:
        text += f", {m['speedup_vs_two_threads']:.2f}x one process with two BLAS threads"
    compute = max(0.0, two["step_s"] - two["sync_s_per_step"])
    return text + (
        f". A step of the two: {_fmt_s(compute)} computing half the batch (one process computes all of it in "
        f"{_fmt_s(one['step_s'])}), then {_fmt_s(two['sync_s_per_step'])} averaging, of which the all-reduce itself "
        f"takes {_fmt_s(two['allreduce_s'])}: the rest is waiting for the other rank to reach it, that is, for a "
        "core, when other processes hold them."
    )


def section(results: dict) -> list[str]:
    """The report's section: this machine's measurements, then the model on paper built from them."""
    d = results.get("distributed")
    if not d:
        return []
    lines = ["## Data-parallel training (`nabla.distributed`)", ""]
    if "skipped" in d:
        return lines + [f"Not measured: {d['skipped']}.", ""]
    rows = [_row(m["name"], name, setup) for m in d["models"].values() for name, setup in m["setups"].items()]
    first = next(iter(d["models"].values()))["setups"]
    anyone = next(iter(first.values()))
    from .report import markdown_table

    lines += [
        f"An epoch ({anyone['data']}; for the CNN, its first 12,000 images), each configuration in fresh "
        f"processes, {d['repeats']} interleaved repeat(s), median. "
        "Two processes split every global batch in two (`DistributedSampler`, `DistributedOptimizer`); "
        "*averaging per step* is the time each rank spends in `synchronize()` (the gradients packed into one "
        "buffer, reduced, unpacked; waiting for the other rank included), *bare all-reduce* the same collective "
        "on a gradient-sized buffer right after a barrier. The machine has 2 cores shared with other sessions: "
        "the speed-ups are what a busy 2-core machine gave, not a property of nabla."
        + (
            f" Other processes used {d['other_processes_cores']:.1f} cores on average while these ran."
            if "other_processes_cores" in d
            else ""
        ),
        "",
        markdown_table(
            [
                "model",
                "samples / global batch",
                "configuration",
                "epoch (s)",
                "range (s)",
                "step",
                "averaging per step",
                "bare all-reduce",
            ],
            rows,
        ),  # fmt: skip
        "",
    ]
    lines += [_reading(m) for m in d["models"].values()]
    s = d["streaming"]
    lines += [
        "",
        f"Peak memory of one epoch of the MLP ({s['memory']['rows']:,} samples, batches of 128, shuffled): from "
        f"float32 arrays in memory the resident set grew by {s['memory']['peak_growth_mib']:.0f} MiB "
        f"({s['memory']['epoch_s']:.2f} s); streamed from the chunked file on disk ({s['disk']['file_mib']:.0f} "
        f"MiB of uint8, scaled per batch, read ahead in a thread) by {s['disk']['peak_growth_mib']:.0f} MiB "
        f"({s['disk']['epoch_s']:.2f} s). Streaming holds a shuffle window and a few batches, whatever the "
        "file's size.",
        "",
    ]
    return lines + scaling.section(d)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.distributed", description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--merge", action="store_true", help="add to benchmarks/results.json, regenerate the report")
    args = parser.parse_args(argv)
    d = measure(args.quick, args.repeats)
    print(json.dumps(d, indent=1))
    if args.merge:
        from . import report
        from .__main__ import DEFAULT_JSON, DEFAULT_REPORT

        results = json.loads(DEFAULT_JSON.read_text())
        results["distributed"] = d
        report.write_json(results, DEFAULT_JSON)
        report.write_markdown(results, DEFAULT_REPORT)
        print(f"merged into {DEFAULT_JSON} and {DEFAULT_REPORT}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
