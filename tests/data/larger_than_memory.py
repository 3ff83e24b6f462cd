"""Train one epoch on a dataset file larger than this process may address (run by test_larger_than_memory.py).

``python larger_than_memory.py FILE HEADROOM_MB``: caps the address space (RLIMIT_AS) at what the
process uses after importing nabla plus HEADROOM_MB, then trains a linear classifier for one epoch
over FILE, read from disk batch by batch, with a DataLoader and then with Keras-style ``fit``, and
prints one JSON line with what happened.
"""

from __future__ import annotations

import json
import os
import resource
import sys

import numpy as np

import nabla as nb
from nabla import layers, models


def status(field: str) -> int:
    """A size from /proc/self/status, in bytes (VmSize: address space; VmRSS, VmHWM: resident memory, its peak)."""
    with open("/proc/self/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith(field + ":"))


def main(path: str, headroom_mb: int) -> None:
    resident = status("VmRSS")
    limit = status("VmSize") + headroom_mb * 2**20
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        np.ones(os.path.getsize(path), np.uint8)
        loaded = True
    except MemoryError:
        loaded = False
    nb.manual_seed(0)
    scale = lambda x, y: (x.astype(np.float32) / np.float32(255.0) - np.float32(0.5), y)  # noqa: E731
    data = nb.data.ChunkedDataset(path, transform=scale, shuffle_buffer=2048)
    model = nb.nn.Linear(data.shapes[0][0], 2)
    opt = nb.optim.SGD(model.parameters(), lr=0.02)
    losses, rows = [], 0
    for xb, yb in nb.data.DataLoader(data, batch_size=256, shuffle=True):
        loss = nb.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        rows += len(yb)
    # The same data through Keras-style fit (batches read from disk, the next one in a thread).
    keras = models.Sequential([layers.Dense(2, input_shape=data.shapes[0])])
    keras.compile(optimizer=nb.optim.SGD(lr=0.02), loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    fit = keras.fit(data, batch_size=256, epochs=1, verbose=0).history["loss"][0]
    # NOTE: VmHWM, not getrusage's ru_maxrss, which Linux carries over from the forked parent (pytest) across exec.
    growth = status("VmHWM") - resident
    print(json.dumps({"limit": limit, "could_load_file": loaded, "rows": rows, "first": losses[0],
                      "last": float(np.mean(losses[-20:])), "fit_loss": fit, "peak_rss_growth": growth}))  # fmt: skip


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]))
