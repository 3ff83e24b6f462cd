"""K4: the textbook's naive dense layer, trained one epoch with a GradientTape loop: nabla.tf against TensorFlow.

The code of the "engine of neural networks" chapter: the classes ``NaiveDense`` (784-512-10, ReLU),
``NaiveSequential`` and ``BatchGenerator`` taken from ``examples/tf/naive_dense_mnist.py``, batches of 128,
one step = forward under a ``GradientTape``, ``tape.gradient``, and ``w.assign_sub(g * learning_rate)`` for
each weight; run twice, with ``tf`` bound to ``nabla.tf`` and to TensorFlow (eager, its default). The loss
is the softmax cross-entropy from logits (``tf.nn.sparse_softmax_cross_entropy_with_logits``; the textbook
takes a softmax layer and Keras's loss, the same computation, which needs ``tf.keras``). Both start from
the same weights (NumPy's, seeded) and train on the same batches; their first losses must agree before
anything is timed.

Each timed run is a fresh process (TensorFlow and NumPy's BLAS keep thread pools that would fight in one
process), warms up a few steps, then times one epoch of ``steps`` steps; the runs alternate between the
libraries and the median is reported. The data are MNIST from nabla's cache when it is there, random
images of MNIST's shape otherwise (the speed does not depend on the pixels).

    python -m benchmarks.tf_loop --library nabla --steps 469     # one run, prints JSON
"""

from __future__ import annotations

import argparse
import ast
import json
import math
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
SHARED_DATA = ROOT.parent / "shared" / "data"
BATCH, HIDDEN, CLASSES = 128, 512, 10
EPOCH_STEPS = math.ceil(60_000 / BATCH)  # 469
WARMUP_STEPS = 5
CHECK_STEPS = 3
TOLERANCE = 1e-4  # relative, float32
LEARNING_RATE = 1e-3
TARGET = 3.0  # nabla.tf at least 3x TensorFlow's eager loop (issue 12)
KEY = "K4"
LIBRARIES = ("nabla.tf", "tensorflow")
_PROCESS_NAME = {"nabla.tf": "nabla", "tensorflow": "tensorflow"}
DESCRIPTION = (
    "the textbook's NaiveDense 784-512-10 (ReLU), GradientTape loop with assign_sub, batch 128, "
    "softmax cross-entropy, learning rate 1e-3, one epoch of MNIST"
)


TEXTBOOK = ROOT / "examples" / "tf" / "naive_dense_mnist.py"


def textbook_classes(tf) -> dict:
    """``NaiveDense``, ``NaiveSequential`` and ``BatchGenerator``, as ``examples/tf/naive_dense_mnist.py`` (the
    textbook's code) defines them, with ``tf`` bound to the library to run."""
    tree = ast.parse(TEXTBOOK.read_text(encoding="utf-8"))
    classes = [node for node in tree.body if isinstance(node, ast.ClassDef)]
    namespace = {"tf": tf, "math": math}
    exec(compile(ast.Module(body=classes, type_ignores=[]), str(TEXTBOOK), "exec"), namespace)  # noqa: S102
    return {node.name: namespace[node.name] for node in classes}


def train(tf, weights: dict, images: np.ndarray, labels: np.ndarray, steps: int, record: int = 0):
    """The textbook's training loop, for ``tf`` either library; returns the seconds the ``steps`` steps took
    (after ``WARMUP_STEPS`` untimed ones) and the first ``record`` losses."""
    textbook = textbook_classes(tf)
    NaiveDense, NaiveSequential = textbook["NaiveDense"], textbook["NaiveSequential"]  # noqa: N806
    model = NaiveSequential([NaiveDense(784, HIDDEN, tf.nn.relu), NaiveDense(HIDDEN, CLASSES, tf.identity)])
    for variable, name in zip(model.weights, ("W1", "b1", "W2", "b2")):
        variable.assign(weights[name])  # the same start for both libraries (their generators differ)

    def one_training_step(images_batch, labels_batch):
        with tf.GradientTape() as tape:
            logits = model(images_batch)
            per_sample_losses = tf.nn.sparse_softmax_cross_entropy_with_logits(labels_batch, logits)
            average_loss = tf.reduce_mean(per_sample_losses)
        gradients = tape.gradient(average_loss, model.weights)
        for g, w in zip(gradients, model.weights):
            w.assign_sub(g * LEARNING_RATE)
        return average_loss

    def run(first: int, count: int) -> list[float]:
        losses = []
        batches = textbook["BatchGenerator"](images, labels, BATCH)
        for i in range(first, first + count):
            if batches.index >= len(images) - BATCH:
                batches.index = 0  # (a quick run's few steps may start anywhere; an epoch is one pass)
            loss = one_training_step(*batches.next())
            if i < record:
                losses.append(float(loss))
            elif i % 100 == 0:
                f"loss at batch {i}: {loss:.2f}"  # noqa: B018 - the textbook prints it: a read of the value
        return losses

    recorded = run(0, max(record, WARMUP_STEPS))
    start = time.perf_counter()
    run(max(record, WARMUP_STEPS), steps)
    return time.perf_counter() - start, recorded


def initial_weights(seed: int = 0) -> dict:
    """The textbook's initialisation (uniform in [0, 0.1) for the kernels, zeros for the biases), from NumPy."""
    rng = np.random.default_rng(seed)
    return {
        "W1": rng.uniform(0.0, 0.1, size=(784, HIDDEN)).astype(np.float32),
        "b1": np.zeros(HIDDEN, dtype=np.float32),
        "W2": rng.uniform(0.0, 0.1, size=(HIDDEN, CLASSES)).astype(np.float32),
        "b2": np.zeros(CLASSES, dtype=np.float32),
    }


def load_data() -> tuple[np.ndarray, np.ndarray, str]:
    """MNIST's training images as the textbook prepares them (flattened, / 255), or random stand-ins."""
    try:
        import nabla.datasets

        (images, labels), _ = nabla.datasets.mnist()
        source = "MNIST"
    except Exception:  # noqa: BLE001 - no cached MNIST (offline CI without data): the speed is the same
        rng = np.random.default_rng(0)
        images, labels, source = (
            rng.integers(0, 256, (60_000, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, 60_000),
            "random",
        )
    images = images.reshape(len(images), 784).astype(np.float32) / np.float32(255.0)
    return images, labels.astype(np.int64), source


def _library(name: str, threads: int):
    if name == "tensorflow":
        import tensorflow

        tensorflow.config.threading.set_intra_op_parallelism_threads(threads)
        tensorflow.config.threading.set_inter_op_parallelism_threads(threads)
        return tensorflow
    import nabla.tf

    return nabla.tf


def one_run(library: str, steps: int, threads: int, record: int) -> dict:
    """In this process: one warmed-up, timed run of ``steps`` steps (see :func:`train`)."""
    tf = _library(library, threads)
    images, labels, source = load_data()
    seconds, losses = train(tf, initial_weights(), images, labels, steps, record)
    return {"seconds": seconds, "losses": losses, "data": source}


def child_environment(threads: int) -> dict:
    """The environment of a timed child process: nabla importable, ``threads`` BLAS threads, TensorFlow
    quiet, and nabla's data folder the shared one when there is no other."""
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))}
    env.update({name: str(threads) for name in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")})
    env.update({"TF_CPP_MIN_LOG_LEVEL": "2", "TF_ENABLE_ONEDNN_OPTS": "0"})
    if "NABLA_DATA_DIR" not in env and SHARED_DATA.is_dir():
        env["NABLA_DATA_DIR"] = str(SHARED_DATA)
    return env


def _spawn(library: str, steps: int, threads: int, record: int) -> dict:
    env = child_environment(threads)
    command = [sys.executable, "-m", "benchmarks.tf_loop", "--library", library, "--steps", str(steps)]
    command += ["--threads", str(threads), "--record", str(record)]
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"K4: the {library} run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def tensorflow_available() -> bool:
    import importlib.util

    return importlib.util.find_spec("tensorflow") is not None


def measure(threads: int, quick: bool, repeats: int, settle=lambda: None, log=print) -> dict:
    """K4 in full: agreement of the first losses, then ``repeats`` interleaved timed runs of each library.
    Seconds per epoch: a quick run's few steps scaled to the epoch's 469."""
    steps = 8 if quick else EPOCH_STEPS
    libraries = [lib for lib in LIBRARIES if lib != "tensorflow" or tensorflow_available()]
    runs: dict[str, list[dict]] = {lib: [] for lib in libraries}
    for _ in range(1 if quick else repeats):
        for lib in libraries if len(runs[libraries[0]]) % 2 == 0 else reversed(libraries):
            settle()
            runs[lib].append(_spawn(_PROCESS_NAME[lib], steps, threads, CHECK_STEPS))
            log(f"  K4 {lib}: {runs[lib][-1]['seconds'] * EPOCH_STEPS / steps:.2f} s per epoch")
    result = {"description": DESCRIPTION, "steps": steps, "data": runs[libraries[0]][0]["data"], "target": TARGET}
    result["results"] = {}
    for lib, done in runs.items():
        per_epoch = [r["seconds"] * EPOCH_STEPS / steps for r in done]
        result["results"][lib] = {"median": statistics.median(per_epoch), "min": min(per_epoch), "max": max(per_epoch)}
        result["results"][lib]["samples"] = per_epoch
    losses = {lib: done[0]["losses"] for lib, done in runs.items()}
    reference = losses.get("tensorflow", losses["nabla.tf"])
    difference = max(abs(a - b) / max(1.0, abs(b)) for lib in losses for a, b in zip(losses[lib], reference))
    result["agreement"] = {"losses": losses, "max_difference": difference, "ok": difference <= TOLERANCE}
    if "tensorflow" in result["results"]:
        result["speedup"] = result["results"]["tensorflow"]["median"] / result["results"]["nabla.tf"]["median"]
    return result


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=("nabla", "tensorflow"), required=True)
    parser.add_argument("--steps", type=int, default=EPOCH_STEPS)
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--record", type=int, default=CHECK_STEPS)
    args = parser.parse_args()
    print(json.dumps(one_run(args.library, args.steps, args.threads, args.record)))
