"""The machine the numbers come from: CPU, versions, BLAS, threads, and how busy the CPUs were."""

from __future__ import annotations

import os
import platform
import re
import resource
import sys
import time

import numpy as np


def cpu_count() -> int:
    """Cores this process may run on (the affinity mask, which containers narrow), else os.cpu_count()."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        return os.cpu_count() or 1


def cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def cpu_flags() -> list[str]:
    """The vector extensions the CPU reports (what the BLAS kernels can use)."""
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("flags"):
                    flags = set(line.split(":", 1)[1].split())
                    return [f for f in ("avx", "avx2", "fma", "avx512f", "avx512_bf16", "amx_tile") if f in flags]
    except OSError:
        pass
    return []


def set_threads(n: int) -> None:
    """The same number of threads for PyTorch's intra-op pool and NumPy's BLAS (threadpoolctl when present)."""
    import torch

    torch.set_num_threads(n)
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return  # NumPy's BLAS then uses its default (OPENBLAS_NUM_THREADS / the core count)
    threadpool_limits(n)


def blas_info() -> list[dict]:
    """The BLAS and OpenMP libraries loaded, with their thread counts (threadpoolctl), or NumPy's build config."""
    try:
        from threadpoolctl import threadpool_info
    except ImportError:
        try:
            config = np.show_config(mode="dicts")
            blas = config["Build Dependencies"]["blas"]
            return [{"source": "np.show_config", "name": blas.get("name"), "version": blas.get("version")}]
        except Exception:  # noqa: BLE001 - older NumPy: no dict mode
            return [{"source": "np.show_config", "name": "unknown"}]
    keys = ("user_api", "internal_api", "version", "num_threads", "threading_layer", "architecture", "filepath")
    return [{k: lib.get(k) for k in keys if k in lib} for lib in threadpool_info()]


def torch_blas() -> str:
    """The BLAS PyTorch was built with (its own copy, linked in: threadpoolctl does not list it)."""
    import torch

    match = re.search(r"BLAS_INFO=(\w+)", torch.__config__.show())
    return match.group(1) if match else "unknown"


def describe() -> dict:
    import torch

    import nabla

    return {
        "cpu": cpu_model(),
        "cpu_flags": cpu_flags(),
        "cores": cpu_count(),
        "platform": platform.platform(),
        "python": sys.version.split()[0],
        "numpy": np.__version__,
        "torch": torch.__version__,
        "nabla": nabla.__version__,
        "torch_threads": torch.get_num_threads(),
        "torch_blas": torch_blas(),
        "blas": blas_info(),
        "date": time.strftime("%Y-%m-%d %H:%M:%S %Z"),
    }


class LoadMonitor:
    """How busy the CPUs were with *other* processes while the suite ran.

    ``os.getloadavg()`` counts this process too, so it is recorded at the
    start (before the suite loads the machine) and at the end. The average
    number of cores used by others over the run is the machine's busy CPU
    time (from /proc/stat) minus this process's and its children's.
    """

    def __init__(self):
        self.load_start = os.getloadavg()
        self.others = OtherLoad().start()

    def finish(self) -> dict:
        out = {
            "loadavg_start": list(self.load_start),
            "loadavg_end": list(os.getloadavg()),
            "wall_s": time.perf_counter() - self.others.wall,
        }
        cores = self.others.cores()
        if cores is not None:
            out["other_processes_cores"] = cores
        return out


class OtherLoad:
    """Cores used by other processes since ``start()`` (None where /proc/stat is missing)."""

    def start(self) -> OtherLoad:
        self.busy, self.own, self.wall = _busy_seconds(), _own_seconds(), time.perf_counter()
        return self

    def cores(self) -> float | None:
        busy, wall = _busy_seconds(), time.perf_counter() - self.wall
        if busy is None or self.busy is None or wall <= 0:
            return None
        return max(0.0, ((busy - self.busy) - (_own_seconds() - self.own)) / wall)


def wait_for_quiet(threshold: float, max_wait: float, window: float = 0.25) -> float | None:
    """Sleep in windows of ``window`` seconds until other processes use fewer than ``threshold`` cores.

    Gives up after ``max_wait`` seconds. The first window is always slept:
    it also lets the worker threads of the library that ran last (OpenBLAS
    spins for a while after each call, OpenMP too) go idle before the next
    one is timed. Returns the load of the last window.
    """
    deadline = time.perf_counter() + max_wait
    while True:
        probe = OtherLoad().start()
        time.sleep(window)
        load = probe.cores()
        if load is None or load < threshold or time.perf_counter() >= deadline:
            return load


def _busy_seconds() -> float | None:
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    busy = sum(fields[:8]) - idle  # user nice system idle iowait irq softirq steal; guest is inside user
    return busy / os.sysconf("SC_CLK_TCK")


def _own_seconds() -> float:
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime
