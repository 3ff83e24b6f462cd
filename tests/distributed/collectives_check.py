"""Every collective on every rank, under mpiexec; each rank writes what it got to ``OUT/rank<r>.json``."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.distributed as dist


def main(out: Path) -> None:
    group = dist.init()
    r, n = dist.rank(), dist.size()
    got = {"rank": r, "size": n, "local_rank": dist.local_rank(), "local_size": dist.local_size(), "repr": repr(group)}
    x = np.arange(4, dtype=np.float32) + 10 * r
    got["average"] = dist.allreduce(x).tolist()
    got["average_dtype"] = str(dist.allreduce(x).dtype)
    got["sum_int"] = dist.allreduce(np.array([r, 1]), op=dist.Sum).tolist()
    got["min"] = dist.allreduce(x, op=dist.Min).tolist()
    got["max"] = dist.allreduce(x, op="max").tolist()
    got["weighted"] = dist.allreduce(float(r), weight=r + 1)
    got["tensor"] = dist.allreduce(nb.tensor([float(r)], dtype=nb.float64)).tolist()
    inplace = nb.tensor([1.0 + r])
    dist.allreduce_(inplace, op=dist.Sum)
    got["inplace"] = inplace.tolist()
    got["broadcast"] = dist.broadcast(np.full(3, r, np.int64), root=n - 1).tolist()
    got["float16"] = dist.allreduce(np.array([0.5 * (r + 1)], np.float16), op=dist.Sum).tolist()
    got["allgather"] = dist.allgather(np.full((r + 1, 2), r)).tolist()
    got["object"] = dist.broadcast_object({"from": r, "tuple": (1, 2)}, root=1)
    got["objects"] = dist.allgather_object({"r": r})
    big = np.random.default_rng(r).normal(size=100_003)  # uneven slices of the reduce-scatter
    got["big_bytes"] = dist.allreduce(big, op=dist.Sum).tobytes().hex()[:64] + str(dist.allreduce(big).sum())
    try:
        dist.allreduce(np.array([1, 2]))
    except TypeError as e:
        got["int_average_error"] = str(e)
    try:  # a model that differs on one rank: every rank raises, nothing is overwritten
        model = nb.nn.Linear(3, 2 + (r == n - 1))
        dist.broadcast_parameters(model.state_dict())
    except ValueError as e:
        got["model_mismatch"] = str(e)
    # Gradients: one on every rank, one on rank 0 only (averaged with the others' zeros), one on none (stays None).
    a, b, c = (nb.tensor(v, requires_grad=True) for v in ([1.0, 2.0], [3.0], [0.0]))
    opt = dist.DistributedOptimizer(nb.optim.SGD([a, b, c], lr=1.0))
    (a * (r + 1)).sum().backward()
    if r == 0:
        (b * 3).sum().backward()
    opt.synchronize()
    got["grads"] = [a.grad.tolist(), b.grad.tolist(), c.grad is None]
    opt.step()  # already synchronized: not averaged twice
    got["after_step"] = [a.tolist(), b.tolist()]
    summed = dist.DistributedOptimizer(nb.optim.SGD([a], lr=1.0), op=dist.Sum)
    summed.zero_grad()
    (a * (r + 1)).sum().backward()
    summed.synchronize()
    got["summed"] = a.grad.tolist()
    dist.barrier()
    (out / f"rank{r}.json").write_text(json.dumps(got))


if __name__ == "__main__":
    main(Path(sys.argv[1]))
