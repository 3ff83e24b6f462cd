"""Ranks that fail, stall or are interrupted, under mpiexec: ``mpi_faults.py MODE``."""

from __future__ import annotations

import os
import sys
import time

import numpy as np

import nabla.distributed as dist


def main(mode: str) -> None:
    dist.init(timeout=1.0 if mode == "stall" else 60)
    r = dist.rank()
    dist.allreduce(np.ones(3), name="warm-up")
    if mode == "raise":
        if r == 1:
            labels = np.array([0, 1, 12])
            raise ValueError(f"bad label {labels.max()} in the shard of rank 1 (10 classes)")
        dist.allreduce(np.ones(3), name="gradients")
    elif mode == "stall":
        if r == 2:
            time.sleep(60)
        dist.allreduce(np.ones(3), name="gradients")
    elif mode == "loop":
        print(f"ready {r} {os.getpid()}", flush=True)
        while True:
            dist.allreduce(np.ones(1000), name="gradients")
            time.sleep(0.01)


if __name__ == "__main__":
    main(sys.argv[1])
