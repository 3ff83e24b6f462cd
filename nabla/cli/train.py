"""``nabla train``: a lab's steps in order, each one a library call you could make from Python.

1. ``nabla.datasets.load_split``: the dataset, with a held-out test split (the recipe's sizes).
2. ``nabla.data.StandardScaler`` fitted on the training split only (or ``x / pixel_max`` for
   images); regression targets are standardised too.
3. A Keras-style ``Sequential`` MLP (``nabla.layers.Dense``): softmax and sparse categorical
   cross-entropy for classes, a linear output and MSE for regression.
4. ``model.fit`` with the recipe's optimizer (Keras's defaults), learning rate and schedule.
5. ``nabla.data.fold_scaling``: the scalings folded into the first and last layers, so the
   saved model takes raw features and answers in the target's units.
6. ``model.evaluate`` on both splits; ``model.save``; ``metrics.json``; ``history.csv``
   (``callbacks.CSVLogger``); the pictures (``nabla.plot``).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import sys
import time
from pathlib import Path

import numpy as np

from .datasets import load_split
from .errors import UsageError
from .files import write_text_atomic
from .optimizers import NAMES as OPTIMIZERS
from .optimizers import make_optimizer
from .options import dataset_option, hidden_sizes, name_choice, positive_float, positive_int, rate, seed
from .progress import EpochProgress, format_logs
from .recipes import RECIPES, Recipe
from .run_record import METRICS_FILE

MODEL_FILE = "model.nabla"
HISTORY_FILE = "history.csv"


def build_mlp(n_features: int, n_outputs: int, hidden, activation: str, dropout: float, task: str):
    """An MLP ``n_features - hidden... - n_outputs`` as a Keras-style Sequential (softmax output for classes)."""
    from .. import layers, models

    stack = [layers.Input(shape=(n_features,))]
    for units in hidden:
        stack.append(layers.Dense(units, activation=activation))
        if dropout:
            stack.append(layers.Dropout(dropout))
    stack.append(layers.Dense(n_outputs, activation="softmax" if task == "classification" else None))
    return models.Sequential(stack)


def cosine_decay(lr: float, epochs: int):
    """``lr * (1 + cos(pi * epoch / epochs)) / 2``: from ``lr`` down towards 0 over the run."""
    return lambda epoch: 0.5 * lr * (1.0 + math.cos(math.pi * epoch / max(epochs, 1)))


def matplotlib_available() -> bool:
    """Whether the pictures can be drawn (matplotlib is a dependency, but an environment may lack it)."""
    return importlib.util.find_spec("matplotlib") is not None


def _settings(args: argparse.Namespace, recipe: Recipe) -> dict:
    """The recipe's settings with the command line's overrides."""
    given = {
        "hidden": args.hidden,
        "activation": args.activation,
        "optimizer": args.optimizer,
        "lr": args.lr,
        "epochs": args.epochs,
        "batch_size": args.batch_size,
        "dropout": args.dropout,
    }
    return {key: getattr(recipe, key) if value is None else value for key, value in given.items()}


def _input_scaling(recipe: Recipe, x_train: np.ndarray):
    """The input scaling, fitted on the training split only: a StandardScaler, or ``(0, pixel_max)`` for images."""
    from ..data import StandardScaler

    if recipe.scaling == "pixels":
        return (0.0, recipe.entry.pixel_max)
    return StandardScaler().fit(x_train)


def _scaled(scaling, x: np.ndarray) -> np.ndarray:
    if isinstance(scaling, tuple):
        shift, scale = scaling
        return ((x - np.float32(shift)) / np.float32(scale)).astype(np.float32)
    return scaling.transform(x).astype(np.float32)


def _on_processes(args: argparse.Namespace) -> int:
    """``nabla train --np N`` outside a launcher: this same command (without ``--np``) as N MPI processes."""
    from ..distributed.launch import launch

    argv, rest = list(args.argv), []
    while argv:
        word = argv.pop(0)
        if word == "--np":
            argv.pop(0)
        elif not word.startswith("--np="):
            rest.append(word)
    try:
        result = launch([sys.executable, "-m", "nabla", *rest], args.np)
    except FileNotFoundError as e:
        raise UsageError(str(e)) from None
    return 1 if result.returncode < 0 else result.returncode


def run(args: argparse.Namespace) -> int:
    import nabla as nb

    from .. import callbacks
    from .. import distributed as dist
    from ..data import StandardScaler, fold_scaling

    processes = dist.size()
    if args.np > 1 and processes == 1:  # not started by a launcher yet: start N copies of this command
        return _on_processes(args)
    root = dist.rank() == 0
    recipe = RECIPES[args.dataset]
    s = _settings(args, recipe)
    out = Path(args.out)
    say = (lambda *a, **k: None) if args.quiet or not root else print

    started = time.perf_counter()
    nb.manual_seed(args.seed)
    data = load_split(recipe.dataset, args.seed)
    classification = data.task == "classification"
    n_features = data.x_train.shape[1]
    n_outputs = data.classes if classification else data.y_train.shape[1]
    x_scaling = _input_scaling(recipe, data.x_train)
    x_train, x_test = _scaled(x_scaling, data.x_train), _scaled(x_scaling, data.x_test)
    y_scaling, y_train, y_test = None, data.y_train, data.y_test
    if not classification:
        y_scaling = StandardScaler().fit(data.y_train)
        y_train, y_test = (y_scaling.transform(y).astype(np.float32) for y in (data.y_train, data.y_test))

    model = build_mlp(n_features, n_outputs, s["hidden"], s["activation"], s["dropout"], data.task)
    model.compile(
        optimizer=make_optimizer(s["optimizer"], s["lr"]),
        loss="sparse_categorical_crossentropy" if classification else "mse",
        metrics=["accuracy"] if classification else ["mae", "r2"],
    )
    sizes = "-".join(str(n) for n in (n_features, *s["hidden"], n_outputs))
    say(
        f"nabla train: {data.name} ({len(x_train)} train / {len(x_test)} test samples, {n_features} features, "
        + (f"{n_outputs} classes)" if classification else "regression, standardised targets)")
    )
    say(
        f"model: MLP {sizes}, {s['activation']}"
        + (f", dropout {s['dropout']}" if s["dropout"] and s["hidden"] else "")
        + f", {model.count_params():,} parameters; {s['optimizer']} lr {s['lr']:g}"
        + (" (cosine decay)" if recipe.schedule == "cosine" else "")
        + f", {s['epochs']} epochs, batch {s['batch_size']}, seed {args.seed}"
        + (f"; data-parallel on {processes} processes" if processes > 1 else "")
    )

    out.mkdir(parents=True, exist_ok=True)
    cbs = [callbacks.CSVLogger(out / HISTORY_FILE)] if root else []  # the ranks' logs are the same
    if recipe.schedule == "cosine":
        cbs.append(callbacks.LearningRateScheduler(cosine_decay(s["lr"], s["epochs"])))
    verbose = 0
    if not args.quiet and math.ceil(len(x_train) / s["batch_size"]) >= 100:
        verbose = "auto"  # long epochs: Keras's bar per epoch
    elif not args.quiet and root:
        cbs.append(EpochProgress(s["epochs"]))
    # NOTE: the test split is passed as validation data for its curve only (as Keras's MNIST examples
    # do); nothing (no early stopping, no schedule) is decided on it, and the pictures call it "test".
    fit_started = time.perf_counter()
    history = model.fit(
        x_train,
        y_train,
        batch_size=s["batch_size"],
        epochs=s["epochs"],
        verbose=verbose,
        callbacks=cbs,
        validation_data=(x_test, y_test),
        distributed=processes > 1,
    )
    train_seconds = time.perf_counter() - fit_started
    if not root:  # every rank holds the same model: rank 0 evaluates it and writes the files
        return 0

    fold_scaling(model, x_scaling, y_scaling)
    results = {
        split: model.evaluate(x, y, batch_size=1024, verbose=0, return_dict=True)
        for split, x, y in (("train", data.x_train, data.y_train), ("test", data.x_test, data.y_test))
    }
    print(f"train: {format_logs(results['train'])}")
    print(f"test:  {format_logs(results['test'])}")

    model.save(out / MODEL_FILE)
    written = [MODEL_FILE, METRICS_FILE, HISTORY_FILE]
    if matplotlib_available():
        written += _pictures(model, history, data, out)
    else:
        print("matplotlib is not installed (pip install matplotlib): no pictures written", file=sys.stderr)
    report = {
        "dataset": data.name,
        "task": data.task,
        "seed": args.seed,
        "model": {
            "layers": [n_features, *s["hidden"], n_outputs],
            "activation": s["activation"],
            "dropout": s["dropout"],
            "parameters": model.count_params(),
            "inputs": "raw features (the scaling is folded into the first layer)",
            "features": data.feature_names if n_features <= 64 else f"{n_features} pixels",
            "target": data.target,
            "units": data.units,
            "file_columns": data.file_columns,
        },
        "training": {
            "optimizer": s["optimizer"],
            "lr": s["lr"],
            "schedule": recipe.schedule,
            "epochs": s["epochs"],
            "epochs_run": len(history.history.get("loss", [])),
            "batch_size": s["batch_size"],
            "processes": processes,
            "seconds": round(train_seconds, 2),
            "validation_data": "the test split, for the curves only (nothing is chosen on it)",
        },
        "train": results["train"],
        "test": results["test"],
        "files": written,
        "nabla": nb.__version__,
    }
    write_text_atomic(out / METRICS_FILE, json.dumps(report, indent=2) + "\n")
    say(f"wrote {', '.join(str(out / f) for f in written)} ({time.perf_counter() - started:.1f}s)")
    return 0


def _pictures(model, history, data, out: Path) -> list[str]:
    """The loss curves always; the decision boundary for 2-D inputs; the fit for regression. Returns the file names."""
    from .. import plot

    written = ["history.png"]
    plot.history(history, path=out / "history.png", held_out="test")
    test = (data.x_test, data.y_test)
    if data.task == "classification":
        if data.x_train.shape[1] == 2:
            plot.decision_boundary(model, data.x_train, data.y_train, test=test, path=out / "decision_boundary.png")
            written.append("decision_boundary.png")
        if data.classes > 2:
            predicted = model.predict(data.x_test, batch_size=1024, verbose=0).argmax(-1)
            plot.confusion_matrix(data.y_test, predicted, path=out / "confusion_matrix.png")
            written.append("confusion_matrix.png")
    else:
        feature = data.feature_names[0] if len(data.feature_names) == 1 else "x"
        plot.regression_fit(
            model, data.x_train, data.y_train, test, feature, data.target, data.units, path=out / "fit.png"
        )
        written.append("fit.png")
    return written


def add_parser(commands) -> argparse.ArgumentParser:
    """``nabla train``'s options; each defaults to the dataset's recipe."""
    from .recipes import HIDDEN_ACTIVATIONS

    cmd = commands.add_parser(
        "train",
        help="train an MLP on a dataset and write the model, metrics and pictures",
        description="Train an MLP on a dataset; print train/test metrics; write the model, metrics.json, "
        "history.csv, the loss curves and (for 2-D inputs) the decision boundary to --out. "
        "Every option defaults to the dataset's tuned recipe (nabla/cli/recipes.py).",
    )
    dataset_option(cmd, RECIPES, "moons", "default moons")
    cmd.add_argument(
        "--hidden", type=hidden_sizes, metavar="W1,W2", help="hidden layer widths, e.g. 16,16; none for no hidden layer"
    )
    cmd.add_argument(
        "--activation",
        type=name_choice("activation", HIDDEN_ACTIVATIONS),
        metavar="NAME",
        help=f"hidden activation: {', '.join(HIDDEN_ACTIVATIONS)} (default relu)",
    )
    cmd.add_argument(
        "--optimizer",
        type=name_choice("optimizer", OPTIMIZERS),
        metavar="NAME",
        help=f"{', '.join(OPTIMIZERS)}, with Keras's defaults (default adam; momentum = SGD with 0.9)",
    )
    cmd.add_argument("--lr", type=positive_float, help="learning rate (default: the dataset's)")
    cmd.add_argument("--epochs", type=positive_int, help="passes over the training split (default: the dataset's)")
    cmd.add_argument("--batch-size", type=positive_int, help="mini-batch size (default: the dataset's)")
    cmd.add_argument("--dropout", type=rate, help="dropout rate after each hidden layer")
    cmd.add_argument("--seed", type=seed, default=0, help="seed of the data split, the weights and the batches")
    cmd.add_argument("--out", default="nabla-run", help="output folder (default ./nabla-run)")
    cmd.add_argument("--quiet", action="store_true", help="no progress bar; print only the final metrics")
    cmd.add_argument(
        "--np",
        type=positive_int,
        default=1,
        metavar="N",
        help="train data-parallel on N processes (MPI; pip install 'nabla[mpi]'); the batch size stays the "
        "global one, so the run matches one process's",
    )
    cmd.set_defaults(run=run)
    return cmd
