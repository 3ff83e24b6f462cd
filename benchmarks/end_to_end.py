"""End to end: ``nabla train --dataset mnist`` against the same training written for PyTorch.

The nabla side is the command a user types (``python -m nabla train --dataset mnist``: MLP
784-512-512-10, ReLU, dropout 0.3, softmax, Adam with a learning rate decaying from 1e-3 along a
cosine over 20 epochs, batches of 128, the test split evaluated after every epoch). The PyTorch
side is the script a PyTorch user would write for that recipe (:func:`torch_script`): same data
scaling, model, optimizer, schedule, batch size, epochs and per-epoch evaluation. Each runs in a
fresh process; the wall time covers loading the data, training and evaluating.

    python -m benchmarks.end_to_end [--epochs N]     # prints JSON; the suite calls measure()
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"  # the project's copy of MNIST, used when NABLA_DATA_DIR is unset
EPOCHS = 20


def torch_script(epochs: int, threads: int) -> dict:
    """The recipe of ``nabla train --dataset mnist``, written in PyTorch; returns accuracy and times."""
    import numpy as np
    import torch

    import nabla.datasets

    started = time.perf_counter()
    torch.manual_seed(0)
    torch.set_num_threads(threads)
    (x_train, y_train), (x_test, y_test) = nabla.datasets.mnist()
    prepare = lambda x: torch.from_numpy((x.reshape(len(x), -1) / np.float32(255.0)).astype(np.float32))  # noqa: E731
    x_train, x_test = prepare(x_train), prepare(x_test)
    y_train, y_test = torch.from_numpy(y_train.astype(np.int64)), torch.from_numpy(y_test.astype(np.int64))
    nn = torch.nn
    model = nn.Sequential(
        nn.Linear(784, 512), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(512, 512), nn.ReLU(), nn.Dropout(0.3),
        nn.Linear(512, 10),
    )  # fmt: skip
    opt = torch.optim.Adam(model.parameters(), lr=1e-3, eps=1e-7)
    loss_fn = nn.CrossEntropyLoss()
    fit_started = time.perf_counter()
    for epoch in range(epochs):
        for group in opt.param_groups:  # the cosine schedule, set at the start of each epoch
            group["lr"] = 0.5e-3 * (1.0 + math.cos(math.pi * epoch / epochs))
        model.train()
        for idx in torch.randperm(len(x_train)).split(128):
            opt.zero_grad()
            loss_fn(model(x_train[idx]), y_train[idx]).backward()
            opt.step()
        model.eval()
        with torch.no_grad():  # evaluated after every epoch, as fit(validation_data=...) does
            accuracy = (model(x_test).argmax(1) == y_test).float().mean().item()
    return {
        "test_accuracy": accuracy,
        "train_seconds": time.perf_counter() - fit_started,
        "wall_seconds": time.perf_counter() - started,
    }


def _nabla_command(epochs: int, env: dict) -> dict:
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        command = [sys.executable, "-m", "nabla", "train", "--dataset", "mnist", "--epochs", str(epochs)]
        _run([*command, "--quiet", "--out", out], env)
        wall = time.perf_counter() - started
        metrics = json.loads((Path(out) / "metrics.json").read_text())
    accuracy, seconds = metrics["test"]["accuracy"], metrics["training"]["seconds"]
    return {"test_accuracy": accuracy, "train_seconds": seconds, "wall_seconds": wall}


def measure(threads: int, epochs: int = EPOCHS) -> dict:
    """Both runs, one after the other, each in a fresh interpreter."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    if "NABLA_DATA_DIR" not in env and SHARED_DATA.is_dir():
        env["NABLA_DATA_DIR"] = str(SHARED_DATA)
    env.update({name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    result = {"epochs": epochs, "nabla": _nabla_command(epochs, env)}
    script = [sys.executable, "-m", "benchmarks.end_to_end", "--torch", "--epochs", str(epochs)]
    result["torch"] = json.loads(_run([*script, "--threads", str(threads)], env).strip().splitlines()[-1])
    return result


def _run(command: list[str], env: dict) -> str:
    """Run ``command`` in the repository; its stdout, or an error that quotes the end of its stderr."""
    proc = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if proc.returncode != 0:
        raise RuntimeError(f"end to end: {' '.join(command[1:4])} failed:\n{proc.stderr[-1500:]}")
    return proc.stdout


if __name__ == "__main__":
    import argparse

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", action="store_true", help="run only the PyTorch script (used by measure())")
    parser.add_argument("--epochs", type=int, default=EPOCHS)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    args = parser.parse_args()
    outcome = torch_script(args.epochs, args.threads) if args.torch else measure(args.threads, args.epochs)
    print(json.dumps(outcome))
