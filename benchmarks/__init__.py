"""nabla's benchmark suite: training-step throughput against PyTorch and a hand-written NumPy floor.

Run ``python -m benchmarks`` from the repository root (``--quick`` for a smoke
run, ``--only W3,W6`` to select workloads). One file per concern:

- ``workloads``: the workloads W1..W7 and each one's implementations (nabla, torch, floor);
- ``floor``: the hand-written NumPy training steps;
- ``harness``: the agreement check, warm-up, interleaved timed repeats;
- ``memory``: the peak memory of one step, in fresh processes;
- ``micro``: matmul throughput and per-operation overhead;
- ``profiling``: cProfile's hottest functions for the targets that are missed;
- ``machine``: CPU, versions, BLAS, threads, the load from other processes;
- ``report``: ratios, targets, the table, the JSON and ``docs/performance.md``.
"""
