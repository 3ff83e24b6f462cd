"""The benchmark suite runs end to end (``python -m benchmarks --quick``); no test asserts a time."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from conftest import require

ROOT = Path(__file__).resolve().parent.parent
REPORT = ROOT / "docs" / "performance.md"


def test_quick_run_covers_every_workload_and_implementation(tmp_path):
    require("torch")
    sys.path.insert(0, str(ROOT))
    try:
        from benchmarks.workloads import WORKLOADS
    finally:
        sys.path.remove(str(ROOT))
    before = REPORT.stat().st_mtime_ns if REPORT.exists() else None
    out = tmp_path / "results.json"

    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks", "--quick", "--out", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )

    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    results = json.loads(out.read_text())
    assert set(results["workloads"]) == {w.key for w in WORKLOADS}
    for w in WORKLOADS:
        got = results["workloads"][w.key]
        assert set(got["results"]) == set(w.implementations), w.key
        assert got["agreement"]["ok"], (w.key, got["agreement"])
        for impl, r in got["results"].items():
            assert r["min"] <= r["median"] <= r["max"], (w.key, impl)
    assert set(results["memory"]["W3"]) == {"nabla", "torch", "floor"}
    assert {"numpy", "nabla", "torch"} <= set(results["op_overhead"])
    assert results["matmul"]["max"] > 0
    assert out.with_suffix(".md").read_text().startswith("# Performance")
    # The quick run never touches the full run's report.
    assert (REPORT.stat().st_mtime_ns if REPORT.exists() else None) == before
