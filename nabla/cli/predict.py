"""``nabla predict``: a saved model's predictions for the rows of a CSV file (``nabla.datasets.read_features_csv``)."""

from __future__ import annotations

import argparse
import csv
import sys

import numpy as np

from .. import datasets
from .errors import UsageError, one_line
from .files import atomic_text_file
from .model_file import input_width, open_model
from .run_record import read_record


def run(args: argparse.Namespace) -> int:
    model = open_model(args.model)
    width = input_width(model)
    record = read_record(args.model)
    names = record.get("features")
    if names is not None and len(names) != width:
        print(
            f"nabla predict: note: metrics.json beside the model names {len(names)} features but the model takes "
            f"{width}: the columns are read by position",
            file=sys.stderr,
        )
        names = None
    try:
        table = datasets.read_features_csv(args.input, width, names, record.get("file_columns"))
    except datasets.FeatureCsvError as e:
        raise UsageError(one_line(e)) from None
    for note in table.notes:
        print(f"nabla predict: note: {one_line(note)}", file=sys.stderr)
    outputs = model.predict(table.x.reshape((-1, *model.input_shape[1:])), batch_size=1024, verbose=0)
    outputs = outputs.reshape(len(outputs), -1)
    loss_name = str(getattr(model._compile_loss, "name", ""))  # (the loss computed; model.loss may be a name)
    classification = record.get("task") == "classification" or "crossentropy" in loss_name
    if classification and outputs.shape[1] > 1:
        header = ["class"] + [f"p{k}" for k in range(outputs.shape[1])]
        rows = ([str(int(np.argmax(o)))] + [f"{v:.6g}" for v in o] for o in outputs)
    else:
        header = ["prediction"] if outputs.shape[1] == 1 else [f"y{k}" for k in range(outputs.shape[1])]
        rows = ([f"{v:.6g}" for v in o] for o in outputs)
    if args.output:
        try:
            with atomic_text_file(args.output) as f:
                _write_csv(f, header, rows)
        except OSError as e:
            raise UsageError(f"cannot write {args.output}: {e.strerror or e}") from None
        print(f"wrote {len(outputs)} predictions to {args.output}")
    else:
        _write_csv(sys.stdout, header, rows)
    return 0


def _write_csv(f, header: list[str], rows) -> None:
    writer = csv.writer(f, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)


def add_parser(commands) -> argparse.ArgumentParser:
    cmd = commands.add_parser(
        "predict",
        help="predict the rows of a CSV file with a saved model",
        description="One row of raw features per line, UTF-8, comma-separated; a header row is optional and "
        "picks the columns by name. A model trained by 'nabla train' on one-hot columns (fish: Species=Bream...) "
        "also takes the raw column (Species). Prints CSV: the class and its probabilities, or the predicted value.",
    )
    cmd.add_argument("model", help="a model file, e.g. nabla-run/model.nabla")
    cmd.add_argument("input", help="a CSV file of feature rows")
    cmd.add_argument("--output", "-o", help="write the predictions to this CSV file instead of printing them")
    cmd.set_defaults(run=run)
    return cmd
