"""K1-K3, K5: the same Keras code trained with ``fit`` on nabla.keras, Keras 3 on TensorFlow and Keras 3 on PyTorch.

The teacher's alternative to nabla is TensorFlow (issue 12), so these time what a Keras lab runs, with
``keras`` bound to ``nabla.keras``, to Keras 3 with ``KERAS_BACKEND=tensorflow`` and to Keras 3 with
``KERAS_BACKEND=torch``:

- **K1** a Dense 16-16-1 (ReLU) regression, mean squared error, Adam, on 1,000 random points of 8
  features, batch 32, ``validation_split=0.1``;
- **K2** the MNIST MLP Flatten-128-64-10 (ReLU, softmax), RMSprop, sparse categorical cross-entropy and
  accuracy, batch 128, the 10,000 test images as ``validation_data``;
- **K3** the MNIST convnet Conv2D(32, 3x3, ReLU), MaxPooling2D(2), Flatten, Dense(10, softmax), Adam,
  batch 128, the first 20,000 training images;
- **K5** the time-series lab's forecaster: windows of 64 steps of a noisy seasonal series into LSTM(64,
  return_sequences) - LSTM(64) - Dense(1), Huber loss, Adam, batch 32, 2,000 windows.

MNIST comes from ``nabla.keras.datasets.mnist.load_data()`` for all three libraries; without it K2 and K3
are skipped with the reason. The measure is seconds per epoch of ``fit(verbose=0)`` after one warm-up
epoch (which builds the model and traces or compiles the step). The libraries start from their own
initialisers, so the losses are a sanity check, not an agreement test.

Each library runs in a fresh process (TensorFlow, PyTorch and NumPy's BLAS keep thread pools that would
fight in one) that runs every selected workload in turn; the processes alternate between the libraries
over the repeats and the median is reported. ``--quick`` trains a few batches of each (K2 and K3 on a
slice of MNIST, the time scaled to the full epoch).

    python -m benchmarks.keras_fit --library nabla --only K1,K2     # one process, prints JSON
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np

from .tf_loop import ROOT, child_environment

KEYS = ("K1", "K2", "K3", "K5")
# Issue 12: nabla at least this many times as fast as Keras 3 on TensorFlow.
TARGETS = {"K1": 10.0, "K2": 2.0, "K3": 1.0, "K5": 1.0}
LIBRARIES = {"nabla.keras": "nabla", "keras/tensorflow": "tensorflow", "keras/torch": "torch"}
DESCRIPTIONS = {
    "K1": "Dense 16-16-1 regression (ReLU, MSE, Adam) on 1,000 random points, batch 32, validation_split 0.1",
    "K2": "MNIST MLP Flatten-128-64-10 (RMSprop, sparse cross-entropy, accuracy), batch 128, 60k images, "
    "10k validation",
    "K3": "MNIST convnet Conv2D 32 3x3 - MaxPooling2D 2 - Flatten - Dense 10 (Adam), batch 128, 20k images",
    "K5": "time-series LSTM(64, return_sequences) - LSTM(64) - Dense 1 (Huber, Adam) on 2,000 windows of 64 "
    "steps, batch 32",
}
TIMED_EPOCHS = {"K1": 3, "K2": 1, "K3": 1, "K5": 1}
FULL_SAMPLES = {"K1": 1_000, "K2": 60_000, "K3": 20_000, "K5": 2_000}
QUICK_SAMPLES = {"K1": 320, "K2": 512, "K3": 256, "K5": 128}  # a smoke test: a few batches, the time scaled up
MNIST_KEYS = ("K2", "K3")
WINDOW = 64  # K5's steps per window


def build(keras, key: str):
    """The workload's model, compiled: the Keras code every library runs."""
    layers = keras.layers
    if key == "K1":
        model = keras.Sequential(
            [
                keras.Input((8,)),
                layers.Dense(16, activation="relu"),
                layers.Dense(16, activation="relu"),
                layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="mse")
    elif key == "K2":
        model = keras.Sequential(
            [
                keras.Input((28, 28)),
                layers.Flatten(),
                layers.Dense(128, activation="relu"),
                layers.Dense(64, activation="relu"),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(optimizer="rmsprop", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    elif key == "K3":
        model = keras.Sequential(
            [
                keras.Input((28, 28, 1)),
                layers.Conv2D(32, (3, 3), activation="relu"),
                layers.MaxPooling2D((2, 2)),
                layers.Flatten(),
                layers.Dense(10, activation="softmax"),
            ]
        )
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    else:
        model = keras.Sequential(
            [
                keras.Input((WINDOW, 1)),
                layers.LSTM(64, return_sequences=True),
                layers.LSTM(64),
                layers.Dense(1),
            ]
        )
        model.compile(optimizer="adam", loss="huber", metrics=["mae"])
    return model


def data(key: str, samples: int, mnist) -> tuple[tuple, dict]:
    """``(x, y)`` and the extra ``fit`` arguments of a workload, ``samples`` training examples."""
    if key == "K1":
        rng = np.random.default_rng(0)
        x = rng.normal(size=(samples, 8)).astype(np.float32)
        y = (np.sin(x[:, :1]) + 0.5 * x[:, 1:2] * x[:, 2:3]).astype(np.float32)
        return (x, y), {"batch_size": 32, "validation_split": 0.1}
    if key == "K5":  # the lab's series: trend, a yearly season and noise, cut into windows and the next value
        rng = np.random.default_rng(0)
        t = np.arange(samples + WINDOW, dtype=np.float32)
        series = 0.05 * t + 10 * np.sin(2 * np.pi * t / 365) + rng.normal(scale=2.0, size=t.shape)
        series = ((series - series.mean()) / series.std()).astype(np.float32)
        x = np.lib.stride_tricks.sliding_window_view(series[:-1], WINDOW)[:samples, :, None].copy()
        return (x, series[WINDOW : WINDOW + samples, None].copy()), {"batch_size": 32}
    (x_train, y_train), (x_test, y_test) = mnist
    x, y = x_train[:samples].astype(np.float32) / 255.0, y_train[:samples].astype(np.int64)
    if key == "K3":
        return (x[..., None], y), {"batch_size": 128}
    validation = max(samples // 6, 1)  # quick: the test set cut in the training set's proportion
    x_val, y_val = x_test[:validation].astype(np.float32) / 255.0, y_test[:validation].astype(np.int64)
    return (x, y), {"batch_size": 128, "validation_data": (x_val, y_val)}


def _keras(library: str, threads: int):
    if library == "nabla":
        import nabla.keras

        return nabla.keras
    os.environ["KERAS_BACKEND"] = library  # before Keras is imported: it reads the backend once
    if library == "tensorflow":
        import tensorflow

        tensorflow.config.threading.set_intra_op_parallelism_threads(threads)
        tensorflow.config.threading.set_inter_op_parallelism_threads(threads)
    else:
        import torch

        torch.set_num_threads(threads)
    import keras

    if keras.backend.backend() != library:
        raise RuntimeError(f"Keras runs on {keras.backend.backend()}, not {library}: set KERAS_BACKEND first")
    return keras


def one_run(library: str, keys: list[str], threads: int, quick: bool) -> dict:
    """In this process: every workload of ``keys`` on ``library``; seconds per (full) epoch and last loss."""
    keras = _keras(library, threads)
    mnist, missing = None, ""
    if any(k in MNIST_KEYS for k in keys):
        try:
            import nabla.keras.datasets.mnist

            mnist = nabla.keras.datasets.mnist.load_data()
        except Exception as error:  # noqa: BLE001 - any reason the data cannot be read is reported as the skip
            missing = f"MNIST is not available ({type(error).__name__}: {str(error).splitlines()[0]})"
    out = {}
    for key in keys:
        if key in MNIST_KEYS and mnist is None:
            out[key] = {"skipped": missing}
            continue
        samples = (QUICK_SAMPLES if quick else FULL_SAMPLES)[key]
        (x, y), kwargs = data(key, samples, mnist)
        model = build(keras, key)
        model.fit(x, y, epochs=1, verbose=0, **kwargs)  # warm-up: builds, traces, compiles
        epochs = 1 if quick else TIMED_EPOCHS[key]
        start = time.perf_counter()
        history = model.fit(x, y, epochs=epochs, verbose=0, **kwargs)
        seconds = (time.perf_counter() - start) / epochs * FULL_SAMPLES[key] / samples
        out[key] = {"seconds": seconds, "loss": float(history.history["loss"][-1]), "samples": samples}
    return out


def _spawn(library: str, keys: list[str], threads: int, quick: bool) -> dict:
    env = child_environment(threads)
    env.pop("KERAS_BACKEND", None)
    command = [sys.executable, "-m", "benchmarks.keras_fit", "--library", library, "--only", ",".join(keys)]
    command += ["--threads", str(threads)] + (["--quick"] if quick else [])
    done = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        raise RuntimeError(f"{','.join(keys)}: the {library} run failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def available(library: str) -> bool:
    """Whether ``library`` can run: nabla always; Keras 3 with its backend installed."""
    name = LIBRARIES[library]
    return name == "nabla" or all(importlib.util.find_spec(m) is not None for m in ("keras", name))


def measure(keys: list[str], threads: int, quick: bool, repeats: int, settle=lambda: None, log=print) -> dict:
    """K1-K3, K5 in full: ``repeats`` rounds (one when quick), each a fresh process per library, alternating the
    order; per workload the median, min and max seconds per epoch, and nabla's speedups over the others."""
    libraries = [lib for lib in LIBRARIES if available(lib)]
    runs: dict[str, list[dict]] = {lib: [] for lib in libraries}
    for round_ in range(1 if quick else repeats):
        for lib in libraries if round_ % 2 == 0 else reversed(libraries):
            settle()
            runs[lib].append(_spawn(LIBRARIES[lib], keys, threads, quick))
            done = runs[lib][-1]
            log(
                "  "
                + ", ".join(
                    f"{k} {lib}: " + (f"{done[k]['seconds']:.3f} s/epoch" if "seconds" in done[k] else "skipped")
                    for k in keys
                )
            )
    result = {}
    for key in keys:
        first = runs[libraries[0]][0][key]
        if "skipped" in first:
            result[key] = {"description": DESCRIPTIONS[key], "skipped": first["skipped"]}
            continue
        entry = {"description": DESCRIPTIONS[key], "target": TARGETS[key], "samples": first["samples"], "results": {}}
        for lib, done in runs.items():
            per_epoch = [r[key]["seconds"] for r in done]
            entry["results"][lib] = {
                "median": statistics.median(per_epoch),
                "min": min(per_epoch),
                "max": max(per_epoch),
                "samples": per_epoch,
                "loss": done[0][key]["loss"],
            }
        nabla = entry["results"]["nabla.keras"]["median"]
        entry["speedup"] = {lib: r["median"] / nabla for lib, r in entry["results"].items() if lib != "nabla.keras"}
        result[key] = entry
    return result


def target_rows(results: dict) -> list[dict]:
    """The issue's targets for K1-K3, K5 (nabla.keras against Keras 3 on TensorFlow), as the report lists them."""
    rows = []
    for key, entry in results.get("keras_fit", {}).items():
        measured = entry.get("speedup", {}).get("keras/tensorflow")
        if measured is None:
            continue
        rows.append(
            {
                "target": f"nabla.keras >= {entry['target']:g}x Keras 3 on TensorFlow",
                "workload": key,
                "implementation": "nabla.keras",
                "measured": measured,
                "required": entry["target"],
                "met": measured >= entry["target"],
            }
        )
    return rows


def section(results: dict, table) -> list[str]:
    """The report's section: one row per workload and library; ``table`` formats a Markdown table."""
    fits = results.get("keras_fit")
    if not fits:
        return []
    rows, skipped = [], []
    for key, entry in fits.items():
        if "skipped" in entry:
            skipped.append(f"{key} skipped: {entry['skipped']}.")
            continue
        for lib, r in entry["results"].items():
            speedup = "1.00x" if lib == "nabla.keras" else f"{entry['speedup'][lib]:.2f}x"
            target = f"{entry['target']:g}x" if lib == "keras/tensorflow" else ""
            rows.append(
                [
                    key,
                    lib,
                    f"{r['median']:.3f}",
                    f"{r['min']:.3f} - {r['max']:.3f}",
                    speedup,
                    target,
                    f"{r['loss']:.4f}",
                ]
            )
    lines = [
        "## K1-K3, K5: the same Keras code on nabla.keras, Keras 3 on TensorFlow and Keras 3 on PyTorch",
        "",
        "Seconds per epoch of `model.fit(verbose=0)` after a warm-up epoch, each library in a fresh process, the "
        "libraries alternating (`benchmarks/keras_fit.py`). *nabla speedup*: this row's median over nabla's; "
        "*target*: the speedup over TensorFlow that issue 12 asks of nabla. The last loss is a sanity check (each "
        "library starts from its own initialisers).",
        "",
        *[f"- **{key}**: {entry['description']}." for key, entry in fits.items()],
        "",
    ]
    if rows:
        header = ["workload", "library", "s / epoch (median)", "min - max", "nabla speedup", "target", "last loss"]
        lines += [table(header, rows), ""]
    return lines + ([" ".join(skipped), ""] if skipped else [])


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--library", choices=tuple(LIBRARIES.values()), required=True)
    parser.add_argument("--only", default=",".join(KEYS), help="comma-separated among K1,K2,K3,K5")
    parser.add_argument("--threads", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    chosen = [k.strip().upper() for k in args.only.split(",") if k.strip()]
    if not chosen or any(k not in KEYS for k in chosen):
        parser.error(f"--only: choose among {', '.join(KEYS)}, got {args.only!r}")
    print(json.dumps(one_run(args.library, chosen, args.threads, args.quick)))
