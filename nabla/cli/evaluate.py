"""``nabla evaluate``: a saved model's loss and metrics on its dataset's test (or training) split."""

from __future__ import annotations

import argparse

from .datasets import load_split
from .errors import UsageError, one_line
from .model_file import input_width, open_model
from .options import dataset_option, name_choice, seed
from .progress import format_logs
from .recipes import RECIPES
from .run_record import METRICS_FILE, read_record


def run(args: argparse.Namespace) -> int:
    model = open_model(args.model)
    # The record beside the model is read (and checked) only for what the command line leaves out.
    record = read_record(args.model) if args.dataset is None or args.seed is None else {}
    name = args.dataset or record.get("dataset")
    if name is None:
        raise UsageError(f"which dataset? give --dataset (no {METRICS_FILE} beside the model says)")
    seed = args.seed if args.seed is not None else record.get("seed", 0)
    data = load_split(name, seed)
    width = input_width(model)
    if width != data.x_test.shape[1]:
        raise UsageError(
            f"the model takes {width} features but {name} has {data.x_test.shape[1]}: "
            "was it trained on another dataset?"
        )
    if model.loss is None:
        raise UsageError("the model was saved without compile settings: no loss to evaluate")
    x, y = (data.x_train, data.y_train) if args.split == "train" else (data.x_test, data.y_test)
    try:
        logs = model.evaluate(x.reshape((-1, *model.input_shape[1:])), y, batch_size=1024, verbose=0, return_dict=True)
    except ValueError as e:
        raise UsageError(f"the model does not fit dataset {name!r}: {one_line(e)}") from None
    print(f"{name} ({args.split} split, {len(x)} samples, seed {seed}): {format_logs(logs)}")
    return 0


def add_parser(commands) -> argparse.ArgumentParser:
    cmd = commands.add_parser(
        "evaluate",
        help="print a saved model's metrics on a dataset's test split",
        description="Load a model written by 'nabla train' and print its loss and metrics on the test split "
        "(regenerated from the same seed for synthetic sets).",
    )
    cmd.add_argument("model", help="a model file, e.g. nabla-run/model.nabla")
    dataset_option(cmd, RECIPES, None, "default: the one in metrics.json beside the model")
    cmd.add_argument("--seed", type=seed, help="seed of the split (default: the training run's, else 0)")
    cmd.add_argument("--split", type=name_choice("split", ("test", "train")), default="test", help="test or train")
    cmd.set_defaults(run=run)
    return cmd
