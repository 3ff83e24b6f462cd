"""One rank of the data-parallel benchmark: an epoch of W3's MLP or W6's CNN on MNIST, timed.

``python -m benchmarks.dp_worker --model mlp --samples 60000 --batch 128 --out result.json`` on one
process, or under ``mpiexec -n N``: every rank takes its shard (DistributedSampler), the global batch
of ``--batch`` samples is split among the ranks, and a DistributedOptimizer averages the gradients.
Rank 0 writes one JSON object: the epoch's time (the slowest rank's), the time per step spent in the
gradient averaging (waiting for the other rank included), and the time of the bare all-reduce of a
gradient-sized buffer (after a barrier, so without waiting), per call.

The data is MNIST when its files are in the data folder, else random arrays of MNIST's shapes (the
timings are the same: nothing depends on the values).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from pathlib import Path

import numpy as np

import nabla as nb
import nabla.distributed as dist

from .workloads import BY_KEY, nabla_model


def mnist_arrays(samples: int, images: bool, synthetic: bool = False) -> tuple[np.ndarray, np.ndarray, str]:
    """``samples`` MNIST training images, float32 in [0, 1], flat or 1x28x28; random ones of the same shapes
    when ``synthetic`` or when the files are absent."""
    folder = nb.datasets.data_dir() / "mnist"
    real = (folder / "train-images-idx3-ubyte.gz").is_file() and (folder / "train-labels-idx1-ubyte.gz").is_file()
    if real and not synthetic:
        (x, y), _ = nb.datasets.mnist(normalize=True)
        source = "MNIST"
    else:
        rng = np.random.default_rng(0)
        x, y = rng.random((samples, 28, 28), dtype=np.float32), rng.integers(0, 10, samples)
        source = "synthetic (MNIST's shapes)"
    x, y = x[:samples], y[:samples]
    return (x.reshape(len(x), 1, 28, 28) if images else x.reshape(len(x), -1)), y, source


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--model", choices=("mlp", "cnn"), required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--batch", type=int, default=128, help="the global batch, split among the ranks")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--allreduce-reps", type=int, default=50)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--synthetic", action="store_true", help="random data of MNIST's shapes (--quick)")
    args = parser.parse_args(argv)

    dist.init()
    nb.manual_seed(0)
    workload = BY_KEY["W3" if args.model == "mlp" else "W6"]
    model = nabla_model(workload)
    opt = dist.DistributedOptimizer(nb.optim.SGD(model.parameters(), lr=workload.lr))
    dist.broadcast_parameters(model.state_dict())
    x, y, source = mnist_arrays(args.samples, images=args.model == "cnn", synthetic=args.synthetic)
    data = nb.data.TensorDataset(x, y)
    sampler = dist.DistributedSampler(data, shuffle=True, seed=0, drop_last=True)
    loader = nb.data.DataLoader(data, batch_size=args.batch // dist.size(), sampler=sampler, drop_last=True)

    def step(xb, yb, timings=None):
        loss = nb.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        start = time.perf_counter()
        opt.synchronize()
        if timings is not None:
            timings.append(time.perf_counter() - start)
        opt.step()

    for i, (xb, yb) in enumerate(loader):  # warm-up: caches, first allocations
        if i >= args.warmup:
            break
        step(xb, yb)
    sampler.set_epoch(1)
    syncs: list[float] = []
    dist.barrier()
    start = time.perf_counter()
    for xb, yb in loader:
        step(xb, yb, syncs)
    epoch = time.perf_counter() - start
    epoch = float(dist.allreduce(epoch, op=dist.Max))  # the epoch ends when the slowest rank is done

    n_params = sum(p.size for p in model.parameters())
    buffer = np.ones(n_params + len(list(model.parameters())) + 1, np.float32)  # what synchronize sends
    bare = []
    for _ in range(args.allreduce_reps):
        dist.barrier()
        start = time.perf_counter()
        dist.allreduce(buffer, op=dist.Sum)
        bare.append(time.perf_counter() - start)
    sync_per_step = float(dist.allreduce(float(np.mean(syncs)))) if syncs else 0.0
    if dist.is_root():
        result = {
            "ranks": dist.size(),
            "model": args.model,
            "data": source,
            "samples": len(loader) * args.batch,
            "global_batch": args.batch,
            "steps": len(loader),
            "parameters": int(n_params),
            "epoch_s": epoch,
            "step_s": epoch / max(1, len(loader)),
            "sync_s_per_step": sync_per_step,
            "allreduce_s": statistics.median(bare) if bare else 0.0,
        }
        args.out.write_text(json.dumps(result))


if __name__ == "__main__":
    main()
