"""Ratios, the issue's targets, and the outputs: a table on stdout, JSON, and a Markdown report."""

from __future__ import annotations

import json
from pathlib import Path

from . import distributed, keras_fit
from .harness import QUIET_CORES

# (workloads, what is compared, required ratio of nabla's median throughput to the other's).
# "Within 10% of the floor" is read as "a step takes at most 1.1 times the floor's", a ratio of 1/1.1.
SPEED_TARGETS = [
    (("W1", "W2"), "torch", 4.0, "nabla >= 4x PyTorch"),
    (("W1", "W2"), "floor", 0.5, "nabla >= 0.5x the floor"),
    (("W1", "W2"), "floor", 1.0, "nabla >= 1.0x the floor (issue 18)"),
    (("W3", "W4", "W5", "W7"), "floor", 1 / 1.1, "nabla within 10% of the floor"),
    (("W6",), "torch", 0.5, "nabla within 2x of PyTorch"),
]
MEMORY_LIMIT = 1.2  # nabla's step peak <= PyTorch's + 20%
PROVISIONAL_LOAD = 0.5


def ratios(workload: dict) -> dict:
    """For each implementation, its median throughput over torch's and over the floor's."""
    res = workload["results"]
    out = {}
    for impl, r in res.items():
        out[impl] = {
            other: r["median"] / res[other]["median"] for other in ("torch", "floor") if other in res and other != impl
        }
    return out


def _shortfall(measured: float, required: float) -> str:
    return f"needs {required / measured:.2f}x more speed" if measured < required else ""


def evaluate_targets(results: dict) -> list[dict]:
    """Every target that the run can judge, met or not; nabla's Keras paths are judged as well."""
    rows = []
    workloads = results["workloads"]
    for keys, other, required, text in SPEED_TARGETS:
        for key in keys:
            if key not in workloads:
                continue
            for impl, r in ratios(workloads[key]).items():
                if not impl.startswith("nabla") or other not in r:
                    continue
                measured = r[other]
                rows.append(
                    {
                        "target": text,
                        "workload": key,
                        "implementation": impl,
                        "measured": measured,
                        "required": required,
                        "met": measured >= required,
                        "shortfall": _shortfall(measured, required),
                    }
                )
    loop = results.get("tf_loop", {})
    if "speedup" in loop:
        rows.append(
            {
                "target": f"nabla.tf >= {loop['target']:g}x TensorFlow eager",
                "workload": "K4",
                "implementation": "nabla.tf",
                "measured": loop["speedup"],
                "required": loop["target"],
                "met": loop["speedup"] >= loop["target"],
                "shortfall": _shortfall(loop["speedup"], loop["target"]),
            }
        )
    fits = keras_fit.target_rows(results)
    rows += [{**row, "shortfall": _shortfall(row["measured"], row["required"])} for row in fits]
    for key, mem in results.get("memory", {}).items():
        torch = mem.get("torch", {})
        for impl, nabla in mem.items():
            if not impl.startswith("nabla") or "rss_step_peak_mib" not in nabla or "rss_step_peak_mib" not in torch:
                continue
            measured = nabla["rss_step_peak_mib"] / max(torch["rss_step_peak_mib"], 1e-9)
            over = nabla["rss_step_peak_mib"] - MEMORY_LIMIT * torch["rss_step_peak_mib"]
            rows.append(
                {
                    "target": "memory <= PyTorch + 20%",
                    "workload": key,
                    "implementation": impl,
                    "measured": measured,
                    "required": MEMORY_LIMIT,
                    "met": measured <= MEMORY_LIMIT,
                    "shortfall": f"{over:.1f} MiB over the limit" if measured > MEMORY_LIMIT else "",
                }
            )
    return rows


def provisional(results: dict) -> bool:
    load = results["load"]
    return load["loadavg_start"][0] > PROVISIONAL_LOAD or load.get("other_processes_cores", 0.0) > PROVISIONAL_LOAD


def _disturbed(results: dict) -> str:
    loads = [x for wl in results["workloads"].values() for r in wl["results"].values() for x in r["other_load"]]
    judged = [x for x in loads if x is not None]
    busy = sum(x >= QUIET_CORES for x in judged)
    return (
        f"In this run {busy} of the {len(judged)} timed blocks long enough to judge "
        f"(of {len(loads)}) still ran while other processes used more."
    )


# --- formatting ----------------------------------------------------------------------------------------


def _rate(x: float) -> str:
    return f"{x:,.0f}" if x >= 100 else f"{x:,.2f}"


def throughput_rows(results: dict) -> list[list[str]]:
    peak = results["matmul"]["max"]
    rows = []
    for key, wl in results["workloads"].items():
        rs = ratios(wl)
        for impl, r in wl["results"].items():
            gflops = r.get("gflops")
            judged = [x for x in r["other_load"] if x is not None]
            quiet = f"{sum(x < QUIET_CORES for x in judged)}/{len(judged)}" if judged else "-"
            rows.append(
                [
                    f"{key} {wl['name']}",
                    impl,
                    _rate(r["median"]),
                    _rate(r["min"]),
                    _rate(r["max"]),
                    wl["unit"],
                    f"{rs[impl]['torch']:.2f}x" if "torch" in rs[impl] else "",
                    f"{rs[impl]['floor']:.2f}x" if "floor" in rs[impl] else "",
                    f"{gflops:.1f} ({gflops / peak:.0%})" if gflops is not None else "",
                    quiet,
                ]
            )
    return rows


THROUGHPUT_HEADER = ["workload", "implementation", "median", "min", "max", "unit"]
THROUGHPUT_HEADER += ["vs torch", "vs floor", "GFLOP/s (of matmul)", "quiet blocks"]


def text_table(header: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(str(c)) for c in col) for col in zip(header, *rows)]
    line = lambda cells: "  ".join(str(c).ljust(w) for c, w in zip(cells, widths)).rstrip()
    return "\n".join([line(header), line(["-" * w for w in widths]), *(line(r) for r in rows)])


def markdown_table(header: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join(" --- " for _ in header) + "|"]
    return "\n".join(lines + ["| " + " | ".join(str(c) for c in r) + " |" for r in rows])


def print_summary(results: dict) -> None:
    print()
    print(text_table(THROUGHPUT_HEADER, throughput_rows(results)))
    print()
    for t in results["targets"]:
        status = "met" if t["met"] else f"MISSED ({t['shortfall']})"
        what = f"{t['workload']} {t['implementation']:14s} {t['target']:32s}"
        print(f"{what} {t['measured']:.2f} vs {t['required']:.2f}: {status}")


def write_json(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n")


# --- the Markdown report --------------------------------------------------------------------------------


def _machine_section(results: dict) -> list[str]:
    m, load, mm = results["machine"], results["load"], results["matmul"]
    keys = ("internal_api", "name", "version", "num_threads", "threading_layer", "architecture")
    blas = "; ".join(", ".join(f"{k}={v}" for k, v in lib.items() if k in keys) for lib in m["blas"])
    rows = [
        ["CPU", f"{m['cpu']} ({', '.join(m['cpu_flags'])})"],
        ["cores", str(m["cores"])],
        ["threads", f"torch.set_num_threads({m['torch_threads']}); BLAS threads set to {results['threads']}"],
        ["BLAS / OpenMP", f"NumPy and the libraries loaded: {blas}; PyTorch: its own {m.get('torch_blas', '?')}"],
        ["Python / NumPy / torch / nabla", f"{m['python']} / {m['numpy']} / {m['torch']} / {m['nabla']}"],
        ["platform", m["platform"]],
        ["date", m["date"]],
        [
            "load",
            f"loadavg at start {load['loadavg_start'][0]:.2f} (1 min), at end {load['loadavg_end'][0]:.2f} "
            f"(includes the suite itself); other processes used {load.get('other_processes_cores', float('nan')):.2f} "
            f"cores on average during the run ({load['wall_s']:.0f} s)",
        ],
        ["float32 matmul", f"{mm['max']:.1f} GFLOP/s best, {mm['median']:.1f} median (np.matmul, {mm['n']} x {mm['n']}"
         + ("; the better of the measures at the start and at the end of the run)" if "runs" in mm else ")")],
    ]  # fmt: skip
    return ["## Machine", "", markdown_table(["", ""], rows), ""]


def _targets_section(results: dict) -> list[str]:
    rows = [
        [
            t["workload"],
            t["implementation"],
            t["target"],
            f"{t['measured']:.2f}",
            f"{t['required']:.2f}",
            "met" if t["met"] else f"**missed**: {t['shortfall']}",
        ]
        for t in results["targets"]
    ]
    return [
        "## Targets",
        "",
        "Ratios of medians (nabla's throughput over the other's; for memory, nabla's step peak over PyTorch's). "
        "The primary row of each workload is `nabla` (the core API, eager); `nabla-captured` is the same step "
        "through `nb.capture` (recorded once, replayed as NumPy code); `nabla-fused` (W1, W2) is "
        "`nb.capture(fuse=True)`, the captured program compiled by Numba into one kernel (within 1e-6 of the "
        "others, not bit for bit); `nabla-fit` and `nabla-predict` are the "
        "Keras-style paths (`fit` captures its step by default). All are judged against the same bar.",
        "",
        markdown_table(["workload", "implementation", "target", "measured", "required", "status"], rows),
        "",
    ]


def _agreement_section(results: dict) -> list[str]:
    rows = []
    for key, wl in results["workloads"].items():
        a = wl["agreement"]
        diffs = ", ".join(f"{impl} {d:.1e}" for impl, d in a["max_difference"].items() if impl != "torch")
        first = ", ".join(f"{impl} {v[0]:.6f}" for impl, v in a["losses"].items()) or "outputs compared"
        rows.append([key, "yes" if a["ok"] else "**NO**", str(a["steps"]), diffs, first])
    return [
        "## Do the implementations compute the same thing?",
        "",
        "Before timing, every implementation runs the first steps from the same weights on the same batches; "
        "each loss (W7: each output) is compared with PyTorch's, relative to max(1, |value|), tolerance 1e-4.",
        "",
        markdown_table(["workload", "agree", "steps", "max difference vs torch", "first loss"], rows),
        "",
    ]


def _memory_section(results: dict) -> list[str]:
    if not results.get("memory"):
        return []
    rows = []
    for key, mem in results["memory"].items():
        for impl, m in mem.items():
            if "error" in m:
                rows.append([key, impl, "error: " + m["error"], "", ""])
                continue
            trace = m.get("tracemalloc_step_peak_mib")
            rows.append(
                [
                    key,
                    impl,
                    f"{m['rss_step_peak_mib']:.1f}",
                    f"{trace:.1f}" if trace is not None else "(invisible to tracemalloc)",
                    f"{m['rss_before_mib']:.0f}",
                ]
            )
    return [
        "## Memory of one training step",
        "",
        "What one step needs on top of model, data and optimizer state (activations kept for backward, "
        "gradients, temporaries). Each implementation runs in a fresh process: two warm-up steps, `zero_grad()` "
        "(which frees the gradients), then one measured step. *RSS step peak*: the resident-set high-water mark "
        "during the step (reset through `/proc/self/clear_refs`) minus the resident size before it, with "
        "`MALLOC_MMAP_THRESHOLD_=65536` so that freed arrays leave the RSS; this is the measure compared with "
        "PyTorch. *tracemalloc peak*: NumPy's allocations traced over the step (nabla and the floor only: PyTorch "
        "allocates outside Python's tracing). The floor allocates its buffers once, at construction: its figures "
        "are those buffers plus what the step allocates.",
        "",
        markdown_table(
            ["workload", "implementation", "RSS step peak (MiB)", "tracemalloc peak (MiB)", "RSS before (MiB)"], rows
        ),
        "",
    ]


def _end_to_end_section(results: dict) -> list[str]:
    e2e = results.get("end_to_end")
    if not e2e:
        return []
    rows = [
        [name, f"{run['test_accuracy']:.2%}", f"{run['train_seconds']:.0f}", f"{run['wall_seconds']:.0f}"]
        for name, run in (("`nabla train --dataset mnist`", e2e["nabla"]), ("the same recipe in PyTorch", e2e["torch"]))
    ]
    return [
        "## End to end: `nabla train --dataset mnist`",
        "",
        f"The command's MLP recipe (784-512-512-10, ReLU, dropout 0.3, Adam 1e-3 with a cosine decay, batches of "
        f"128, {e2e['epochs']} epochs, the test split evaluated after every epoch), and the same recipe written "
        "for PyTorch (`benchmarks/end_to_end.py`), each in a fresh process. *Training*: the epochs with their "
        "evaluations; *wall*: the whole process (loading the data, and for nabla also saving the model and "
        "drawing its pictures).",
        "",
        markdown_table(["run", "test accuracy", "training (s)", "wall (s)"], rows),
        "",
    ]


def _playground_section(results: dict) -> list[str]:
    from .playground import HEADER, table

    result = results.get("playground")
    if not result:
        return []
    if "skipped" in result:
        return ["## nabla playground", "", f"Not measured: {result['skipped']}.", ""]
    return [
        "## nabla playground: frames per second",
        "",
        "How fast the page can watch a network learn: a tab of `nabla playground` played for "
        f"{result['seconds']:g} s per network through the server's own loop (`benchmarks/playground.py`: the app "
        "in memory, every frame acknowledged at once), on two moons, 500 points (250 for training), batches of "
        "10 unless said, Adam. A frame is one epoch of training, then the losses and accuracies of both splits, "
        "the heatmaps of the output and of every hidden unit, and the weights, as JSON; the browser's drawing "
        "is not included. The bar: 20 frames a second for 2-16-16-2.",
        "",
        markdown_table(HEADER, table(result)),
        "",
    ]


def _tf_loop_section(results: dict) -> list[str]:
    loop = results.get("tf_loop")
    if not loop:
        return []
    rows = [
        [lib, f"{r['median']:.2f}", f"{r['min']:.2f} - {r['max']:.2f}", f"{loop['agreement']['losses'][lib][0]:.6f}"]
        for lib, r in loop["results"].items()
    ]
    speedup = "(TensorFlow is not installed)"
    if "speedup" in loop:
        speedup = f"nabla.tf is **{loop['speedup']:.2f}x** as fast as TensorFlow's eager loop"
    return [
        "## K4: the textbook's GradientTape loop, nabla.tf against TensorFlow",
        "",
        f"{loop['description'][0].upper()}{loop['description'][1:]}: the same Python code run with `tf` bound to "
        "`nabla.tf` and to TensorFlow (`benchmarks/tf_loop.py`), each run in a fresh process, the libraries "
        f"alternating, from the same weights on the same batches ({loop['data']} data); seconds per epoch of "
        f"{loop['steps']} timed steps scaled to 469. {speedup} (target: {loop['target']:g}x). The first losses "
        f"agree to {loop['agreement']['max_difference']:.1e} (relative).",
        "",
        markdown_table(["library", "s / epoch (median)", "min - max", "first loss"], rows),
        "",
    ]


def _overhead_section(results: dict) -> list[str]:
    o = results.get("op_overhead")
    if not o:
        return []
    rows = [
        [name, f"{v['median_us']:.2f}", f"{v['min_us']:.2f}", f"{v['max_us']:.2f}"]
        for name, v in o.items()
        if isinstance(v, dict)
    ]
    return [
        "## Per-operation overhead",
        "",
        f"`a * b + c` (two operations) on 4-element float32 tensors, {o['iterations']:,} times; microseconds per "
        "expression. With `requires_grad` on `a`, each expression also records its graph.",
        "",
        markdown_table(["library", "median (us)", "min (us)", "max (us)"], rows),
        "",
    ]


def _profile_section(results: dict) -> list[str]:
    profiles = results.get("profiles") or []
    if not profiles:
        return []
    lines = [
        "## Where the time goes",
        "",
        "For each workload whose target is missed: cProfile of the nabla implementation's steps, the five "
        "functions with the most own time (tottime). cProfile slows Python code more than BLAS calls, so the "
        "shares of Python functions are upper bounds.",
        "",
    ]
    for p in profiles:
        rows = [
            [f"`{e['function']}`", e["ncalls"], f"{e['tottime_s']:.3f}", f"{e['cumtime_s']:.3f}", f"{e['share']:.0%}"]
            for e in p["top"]
        ]
        top_share = sum(e["share"] for e in p["top"])
        files = ", ".join(f"{f['file']} {f['share']:.0%}" for f in p["by_file"])
        lines += [
            f"**{p['workload']} {p['implementation']}** ({p['steps']} steps, {p['total_s']:.2f} s profiled, "
            f"{p['functions']} functions; these five hold {top_share:.0%} of the time):",
            "",
            markdown_table(["function", "calls", "tottime (s)", "cumtime (s)", "share"], rows),
            "",
            f"Own time by file: {files}.",
            "",
        ]
    return lines


ANALYSIS = Path(__file__).with_name("analysis.md")


def _analysis_section() -> list[str]:
    """The hand-written reading of the numbers (what bounds each missed target, what would close it), kept
    in ``benchmarks/analysis.md`` so that regenerating the report keeps it."""
    return [ANALYSIS.read_text().strip(), ""] if ANALYSIS.exists() else []


def markdown(results: dict) -> str:
    quick = results["settings"]["quick"]
    lines = ["# Performance", ""]
    if quick:
        lines += ["> **Quick run**: a handful of steps, one repeat. These numbers only show that the suite works.", ""]
    if provisional(results):
        lines += [
            "> **Provisional**: other processes were using the CPUs during this run (see *load* below). Rows "
            "whose *quiet blocks* are not all quiet ran partly while others used more than "
            f"{QUIET_CORES} cores: their numbers, and the ratios built on them, are unreliable (a 2-thread BLAS "
            "call stalls when another process takes a core). '-': blocks too short to judge.",
            "",
        ]
    lines += [
        "Training-step throughput of nabla against PyTorch (eager, CPU) and against a hand-written NumPy step "
        "(the *floor*: preallocated buffers, in-place activations, the fused `(softmax - onehot)/B` gradient), "
        "float32, the same model, initial weights and batches for every implementation. Produced by "
        "`python -m benchmarks` (`--quick` for a smoke run, `--only W3,W6` to select); raw numbers in "
        "`benchmarks/results.json`.",
        "",
        "Method: every implementation of a workload is checked to compute the same losses, then warmed up, "
        f"then timed over {results['settings']['repeats']} repeats, interleaved (nabla, torch, floor, torch, ...). "
        "Before each timed block the suite waits (within limits) until other processes use less than "
        f"{QUIET_CORES} cores, and re-runs a block they disturbed: with 2 cores, a BLAS call split over both "
        "threads stalls whenever another process takes one, and a step gets ten times slower, not two. "
        f"{_disturbed(results)} The objects alive before timing (PyTorch's included) are frozen out of the garbage "
        "collector (`gc.freeze()`), so that no full collection of them lands in one library's timing. "
        "Reported: median, min and max of the repeats' throughput. "
        "GFLOP/s counts 6 x parameters x batch per MLP training step (less the input layer's input gradient, which "
        "no implementation computes) and 2 x parameters x inputs per inference pass, and is shown as a share of "
        "the machine's float32 matmul throughput (a large GEMM: the ceiling of any dense step).",
        "",
    ]
    lines += _machine_section(results)
    lines += ["## Workloads", ""]
    lines += [f"- **{k} `{wl['name']}`**: {wl['description']}; {wl['steps']} steps per repeat, {wl['warmup']} warm-up "
              f"steps, {wl['parameters']:,} parameters." for k, wl in results["workloads"].items()]  # fmt: skip
    lines += ["", "## Throughput", "", markdown_table(THROUGHPUT_HEADER, throughput_rows(results)), ""]
    lines += [
        "*vs torch*, *vs floor*: this row's median over theirs. *quiet blocks*: timed blocks during which other "
        "processes used less than the threshold, of those long enough to judge. The W6 floor is a plain im2col "
        "convolution in NumPy, slower than PyTorch's oneDNN kernels: W6 is judged against PyTorch.",
        "",
    ]
    lines += _targets_section(results)
    lines += _analysis_section()
    lines += _agreement_section(results)
    lines += _memory_section(results)
    lines += _end_to_end_section(results)
    lines += _playground_section(results)
    lines += keras_fit.section(results, markdown_table)
    lines += _tf_loop_section(results)
    lines += distributed.section(results)
    lines += _overhead_section(results)
    lines += _profile_section(results)
    return "\n".join(lines).rstrip() + "\n"


def write_markdown(results: dict, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(markdown(results))
