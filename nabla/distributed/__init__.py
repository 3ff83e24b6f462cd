"""Data-parallel training over MPI, in Horovod's shape: N processes, one model each, averaged gradients.

Start N copies of a script with ``mpiexec -n N python train.py`` (or ``python -m nabla.distributed
--np N train.py``). Each process, a *rank*, holds the same model, trains on its own shard of the
data, and before each update the ranks average their gradients, so every replica takes the same
step: the step one process would take on the union of their batches. Started without a launcher,
the script is one rank of one, and every call below is a no-op: the same script runs anywhere.

A few lines make a training script data-parallel::

    import nabla.distributed as dist
    dist.init()
    sampler = dist.DistributedSampler(train, shuffle=True, seed=0)          # each rank its shard
    loader = nb.data.DataLoader(train, batch_size=64, sampler=sampler)
    opt = dist.DistributedOptimizer(nb.optim.Adam(model.parameters()))      # averages the gradients
    dist.broadcast_parameters(model.state_dict(), root=0)                    # start from rank 0's weights
    dist.broadcast_optimizer_state(opt, root=0)
    for epoch in range(epochs):
        sampler.set_epoch(epoch)
        for xb, yb in loader:
            opt.zero_grad()
            nb.cross_entropy(model(xb), yb).backward()
            opt.step()
        dist.print(f"epoch {epoch} done")                                     # printed once
    dist.save(model.state_dict(), "model.nabla")                              # written once

The Keras way is ``model.fit(x, y, distributed=True)``. Needs ``pip install 'nabla[mpi]'``
(``mpi4py`` and the MPICH runtime, whose ``mpiexec`` is installed next to Python). See
docs/distributed.md for the semantics (batch sizes, learning rates, faults, timeouts).
"""

from .collectives import (
    Average,
    Max,
    Min,
    ReduceOp,
    Sum,
    allgather,
    allgather_object,
    allreduce,
    allreduce_,
    barrier,
    broadcast,
    broadcast_,
    broadcast_object,
)
from .errors import CollectiveTimeoutError, DistributedError, RankFailedError
from .optimizer import DistributedOptimizer
from .parameters import broadcast_optimizer_state, broadcast_parameters
from .root import print, rank_zero_only, save
from .sampler import DistributedSampler
from .world import DEFAULT_TIMEOUT, init, is_initialized, is_root, local_rank, local_size, rank, size

__all__ = [
    "DEFAULT_TIMEOUT",
    "Average",
    "CollectiveTimeoutError",
    "DistributedError",
    "DistributedOptimizer",
    "DistributedSampler",
    "Max",
    "Min",
    "RankFailedError",
    "ReduceOp",
    "Sum",
    "allgather",
    "allgather_object",
    "allreduce",
    "allreduce_",
    "barrier",
    "broadcast",
    "broadcast_",
    "broadcast_object",
    "broadcast_optimizer_state",
    "broadcast_parameters",
    "init",
    "is_initialized",
    "is_root",
    "local_rank",
    "local_size",
    "print",
    "rank",
    "rank_zero_only",
    "save",
    "size",
]
