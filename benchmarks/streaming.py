"""Peak memory of an epoch trained from disk against one trained from arrays in memory.

``python -m benchmarks.streaming --source memory|disk --samples N [--file F]`` trains W3's MLP for
one epoch (batches of 128, shuffled) on MNIST (or random arrays of its shapes) and prints one JSON
object: the epoch's time and the growth of the resident set's high-water mark (``VmHWM``) over what
was resident after the imports. ``memory`` loads the images as float32 arrays first (what
``nb.datasets.mnist(normalize=True)`` gives); ``disk`` reads the chunked file F (uint8, scaled per
batch), a window of chunks at a time, with the next batch read in a background thread.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

import numpy as np

import nabla as nb

from .dp_worker import mnist_arrays
from .workloads import BY_KEY, nabla_model


def _status(field: str) -> int:
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))


def _scale(x: np.ndarray, y: np.ndarray):
    return x.reshape(len(x), -1).astype(np.float32) / np.float32(255.0), y


def prepare(path: Path, samples: int, synthetic: bool = False) -> Path:
    """Write the chunked file the ``disk`` run reads: MNIST's uint8 images (or random ones) and labels."""
    folder = nb.datasets.data_dir() / "mnist"
    if samples >= 60000 and not synthetic and (folder / "train-images-idx3-ubyte.gz").is_file():
        return nb.datasets.on_disk("mnist", "train", folder=path.parent).path
    x, y, _ = mnist_arrays(samples, images=False, synthetic=synthetic)
    return nb.data.write_chunked(path, ((x * 255).astype(np.uint8), y))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--source", choices=("memory", "disk"), required=True)
    parser.add_argument("--samples", type=int, required=True)
    parser.add_argument("--file", type=Path, help="the chunked file (--source disk)")
    parser.add_argument("--synthetic", action="store_true", help="random data of MNIST's shapes (--quick)")
    args = parser.parse_args(argv)
    resident = _status("VmRSS")
    nb.manual_seed(0)
    if args.source == "memory":
        x, y, _ = mnist_arrays(args.samples, images=False, synthetic=args.synthetic)
        data = nb.data.TensorDataset(x, y)
    else:
        data = nb.data.ChunkedDataset(args.file, transform=_scale)
    model = nabla_model(BY_KEY["W3"])
    opt = nb.optim.SGD(model.parameters(), lr=0.01)
    start = time.perf_counter()
    for xb, yb in nb.data.DataLoader(data, batch_size=128, shuffle=True):
        loss = nb.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
    out = {
        "epoch_s": time.perf_counter() - start,
        "peak_growth_mib": (_status("VmHWM") - resident) / 2**20,
        "rows": len(data),
    }
    if args.file is not None:
        out["file_mib"] = args.file.stat().st_size / 2**20
    print(json.dumps(out))


if __name__ == "__main__":
    main()
