"""Peak memory of one training step, each implementation in a fresh process.

What is measured is the memory a step needs on top of the model, the data
and the optimizer state: activations kept for backward, gradients and
temporaries. After two warm-up steps the gradients are dropped
(``zero_grad()``, which frees them in nabla and PyTorch alike), then one step
runs and its peak is taken over what was resident before it.

- **RSS peak** (every implementation; the measure of the nabla-vs-PyTorch
  target): the kernel's resident-set high-water mark is reset
  (``echo 5 > /proc/self/clear_refs``) before the step and read after it.
  The child runs with ``MALLOC_MMAP_THRESHOLD_=65536`` so that glibc maps
  every array of 64 KiB or more on its own and unmaps it when freed:
  otherwise memory freed by earlier steps is reused without showing in the
  RSS and a step looks free. PyTorch's CPU allocator goes through the same
  malloc, so both are measured alike.
- **tracemalloc peak** (nabla and the floor): NumPy reports its array
  allocations to ``tracemalloc``, so its peak over the step counts exactly
  the bytes alive at once. PyTorch's allocations are invisible to it.

The floor allocates its activation and gradient buffers once, at
construction; they are resident before the step, so its figures are those
buffers plus what the step allocates on top. So do a captured step's
buffers for its large temporaries (``step.buffer_bytes``).

Run as ``python -m benchmarks.memory W3 nabla 2`` (prints JSON); the suite
calls :func:`measure_all`, which does that in subprocesses.
"""

from __future__ import annotations

import gc
import json
import os
import re
import subprocess
import sys
import tracemalloc
from pathlib import Path

IMPLEMENTATIONS = ("nabla", "nabla-captured", "torch", "floor")
ENV = {"MALLOC_MMAP_THRESHOLD_": "65536"}


def _status_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        return int(re.search(rf"^{field}:\s+(\d+) kB", f.read(), re.M).group(1))


def _reset_peak() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def child(key: str, impl: str, threads: int) -> dict:
    """Measure one (workload, implementation) in this process."""
    from .machine import set_threads
    from .workloads import BY_KEY, make_trainer

    set_threads(threads)
    trainer = make_trainer(BY_KEY[key], impl)
    # A captured step's first replay records the sizes of its large temporaries and the second allocates
    # their buffers (nabla.capture.buffers): one more warm-up step, and those buffers count as the floor's do.
    trainer.run(3 if impl == "nabla-captured" else 2)
    workspace = trainer.net.workspace_bytes() / 2**20 if impl == "floor" else 0.0
    if impl == "nabla-captured":
        workspace = trainer.step.buffer_bytes / 2**20

    def before_step() -> None:
        if impl != "floor":
            trainer.opt.zero_grad()
        gc.collect()

    before_step()
    before = _status_kib("VmRSS")
    reset = _reset_peak()
    trainer.run(1)
    out = {
        "rss_before_mib": before / 1024,
        "rss_step_peak_mib": workspace + (_status_kib("VmHWM") - before) / 1024,
    }
    if not reset:  # the high-water mark then also holds earlier peaks: an upper bound
        out["note"] = "could not reset the RSS high-water mark; the value is an upper bound"
    if impl != "torch":
        tracemalloc.start()
        trainer.run(1)  # so that what the measured step frees was allocated under tracing
        before_step()
        tracemalloc.reset_peak()
        current = tracemalloc.get_traced_memory()[0]
        trainer.run(1)
        out["tracemalloc_step_peak_mib"] = workspace + (tracemalloc.get_traced_memory()[1] - current) / 2**20
        tracemalloc.stop()
    if impl == "floor":
        out["floor_buffers_mib"] = workspace
    if impl == "nabla-captured":
        out["step_buffers_mib"] = workspace
    return out


def measure_all(key: str, threads: int) -> dict[str, dict]:
    """Run :func:`child` for every implementation, each in a fresh interpreter, concurrently.

    Concurrency does not change what is measured (each process's own RSS),
    only how long the measurement takes.
    """
    root = Path(__file__).resolve().parent.parent
    path = os.pathsep.join(filter(None, [str(root), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, **ENV, "PYTHONPATH": path}
    procs = {
        impl: subprocess.Popen(
            [sys.executable, "-m", "benchmarks.memory", key, impl, str(threads)],
            cwd=root,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for impl in IMPLEMENTATIONS
    }
    out = {}
    for impl, proc in procs.items():
        stdout, stderr = proc.communicate(timeout=600)
        if proc.returncode != 0:
            out[impl] = {"error": stderr.strip().splitlines()[-1] if stderr.strip() else f"exit {proc.returncode}"}
        else:
            out[impl] = json.loads(stdout.strip().splitlines()[-1])
    return out


if __name__ == "__main__":
    print(json.dumps(child(sys.argv[1], sys.argv[2], int(sys.argv[3]))))
