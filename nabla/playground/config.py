"""A playground's whole setup, as the page and the shareable URL hold it, and its validation.

:class:`Config` is what one browser tab chose: the data (dataset, points, noise, classes, train/test
ratio, seed), the features, the network (hidden layer sizes, activation, output, L1/L2, dropout) and
the training (optimizer, learning rate, batch size, epochs per frame). :func:`parse_config` builds one
from the page's JSON and refuses anything malformed, out of range or too large to train interactively
with a one-line :class:`PlaygroundError`, before anything changes.

Defaults follow TensorFlow Playground (circles, 500 points, half of them for training, x1 and x2, two
hidden layers of 4 and 2 tanh units, learning rate 0.03, batch size 10, plain SGD) except the loss:
cross-entropy on a sigmoid (one class against the other) where TensorFlow Playground has squared error
on a tanh (still available as the output "tanh_mse").
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass

from .errors import PlaygroundError
from .features import FEATURES, available
from .recipes import RECIPES

ACTIVATIONS = ("relu", "tanh", "sigmoid", "linear", "leaky_relu", "elu", "gelu", "swish", "softplus")
OPTIMIZERS = ("sgd", "momentum", "rmsprop", "adagrad", "adam")
OUTPUTS = ("auto", "sigmoid", "softmax", "tanh_mse", "linear")
REGULARIZATIONS = ("none", "l1", "l2")
UPLOADED = "csv"  # the dataset name of uploaded data

# What still trains at >= 20 frames a second on two cores (see benchmarks/playground.py).
LIMITS = {
    "hidden_layers": 10,
    "units": 64,
    "weights": 20_000,
    "points": (10, 2000),
    "classes": (2, 6),
    "train_ratio": (10, 90),
    "noise": (0.0, 1.0),
    "lr": (1e-6, 10.0),
    "reg_rate": (0.0, 10.0),
    "dropout": (0.0, 0.9),
    "batch_size": (1, 2000),
    "epochs_per_frame": (1, 100),
    "seed": (0, 2**31 - 1),
}


@dataclass(frozen=True)
class Config:
    """One tab's setup. ``hidden``: units per hidden layer; ``train_ratio``: percent of the points for training."""

    dataset: str = "circles"
    points: int = 500
    noise: float = 0.05
    classes: int = 2
    train_ratio: int = 50
    seed: int = 1
    features: tuple[str, ...] = ("x1", "x2")
    hidden: tuple[int, ...] = (4, 2)
    activation: str = "tanh"
    output: str = "auto"
    regularization: str = "none"
    reg_rate: float = 0.0
    dropout: float = 0.0
    optimizer: str = "sgd"
    lr: float = 0.03
    batch_size: int = 10
    epochs_per_frame: int = 1

    def to_json(self) -> dict:
        return {k: list(v) if isinstance(v, tuple) else v for k, v in dataclasses.asdict(self).items()}


FIELDS = {f.name: f for f in dataclasses.fields(Config)}
DATA_FIELDS = ("dataset", "points", "noise", "classes", "train_ratio", "seed")
LIVE_FIELDS = ("lr", "epochs_per_frame")  # changed while training goes on, as TensorFlow Playground's learning rate


@dataclass(frozen=True)
class Task:
    """What the data asks for: "classification" (with ``classes``) or "regression", points of ``dims`` coordinates."""

    kind: str
    classes: int
    dims: int


def _integer(name: str, value, low: int, high: int) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or value != value or value != int(value):
        raise PlaygroundError(f"{name} must be a whole number, got {value!r}")
    value = int(value)
    if not low <= value <= high:
        raise PlaygroundError(f"{name} must be between {low} and {high}, got {value}")
    return value


def _number(name: str, value, low: float, high: float) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise PlaygroundError(f"{name} must be a finite number, got {value!r}")
    if not low <= value <= high:
        raise PlaygroundError(f"{name} must be between {low:g} and {high:g}, got {value:g}")
    return float(value)


def _choice(name: str, value, choices) -> str:
    if value not in choices:
        raise PlaygroundError(f"{name} must be one of {', '.join(choices)}, got {value!r}"[:200])
    return value


def _names(value) -> tuple[str, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise PlaygroundError('features must be a non-empty list of names such as ["x1", "x2"]')
    for v in value:
        _choice("a feature", v, tuple(FEATURES))
    if len(set(value)) != len(value):
        raise PlaygroundError("features: each feature may be chosen once")
    return tuple(n for n in FEATURES if n in value)  # the page's order, whatever order they came in


def _layers(value) -> tuple[int, ...]:
    if not isinstance(value, list):
        raise PlaygroundError(f"hidden must be a list of layer sizes such as [4, 2], got {value!r}"[:200])
    if len(value) > LIMITS["hidden_layers"]:
        raise PlaygroundError(
            f"hidden: at most {LIMITS['hidden_layers']} hidden layers train interactively here, got {len(value)}"
        )
    return tuple(_integer(f"hidden layer {i + 1}", v, 1, LIMITS["units"]) for i, v in enumerate(value))


def count_weights(n_inputs: int, hidden: tuple[int, ...], n_outputs: int) -> int:
    """Weights and biases of a dense network with these layer sizes."""
    sizes = (n_inputs, *hidden, n_outputs)
    return sum(a * b + b for a, b in zip(sizes[:-1], sizes[1:]))


def output_units(output: str, task: Task) -> int:
    """Units of the output layer: one (sigmoid, tanh, a value) or one per class (softmax)."""
    return task.classes if output == "softmax" else 1


def resolve_output(output: str, task: Task) -> str:
    """The output ("sigmoid", "softmax", "tanh_mse" or "linear") that ``output`` means for ``task``."""
    if output == "auto":
        if task.kind == "regression":
            return "linear"
        return "sigmoid" if task.classes == 2 else "softmax"
    if task.kind == "regression" and output != "linear":
        raise PlaygroundError(f"output {output!r} is for classes; regression uses a linear output and squared error")
    if task.kind == "classification" and output == "linear":
        raise PlaygroundError("output 'linear' is for regression; classes use sigmoid, softmax or tanh_mse")
    if output in ("sigmoid", "tanh_mse") and task.classes != 2:
        raise PlaygroundError(f"output {output!r} separates two classes; with {task.classes} classes use softmax")
    return output


def parse_config(raw, task_of) -> tuple[Config, Task]:
    """Validate the page's settings; returns the :class:`Config` and the data's :class:`Task`.

    ``raw`` is a dict of the fields of :class:`Config` (missing ones take their defaults, unknown ones
    are refused); ``task_of(config)`` says what task the chosen data is, and raises a
    :class:`PlaygroundError` when there is no such data (an uploaded dataset that is gone).
    """
    if not isinstance(raw, dict):
        raise PlaygroundError(f"the settings must be an object of named fields, got {type(raw).__name__}")
    unknown = sorted(set(raw) - set(FIELDS))
    if unknown:
        raise PlaygroundError(f"unknown setting(s) {', '.join(map(str, unknown))[:100]}; known: {', '.join(FIELDS)}")
    v = {**dataclasses.asdict(Config()), **raw}
    config = Config(
        dataset=_choice("dataset", v["dataset"], (*RECIPES, UPLOADED)),
        points=_integer("points", v["points"], *LIMITS["points"]),
        noise=_number("noise", v["noise"], *LIMITS["noise"]),
        classes=_integer("classes", v["classes"], *LIMITS["classes"]),
        train_ratio=_integer("train_ratio", v["train_ratio"], *LIMITS["train_ratio"]),
        seed=_integer("seed", v["seed"], *LIMITS["seed"]),
        features=_names(list(v["features"]) if isinstance(v["features"], tuple) else v["features"]),
        hidden=_layers(list(v["hidden"]) if isinstance(v["hidden"], tuple) else v["hidden"]),
        activation=_choice("activation", v["activation"], ACTIVATIONS),
        output=_choice("output", v["output"], OUTPUTS),
        regularization=_choice("regularization", v["regularization"], REGULARIZATIONS),
        reg_rate=_number("reg_rate", v["reg_rate"], *LIMITS["reg_rate"]),
        dropout=_number("dropout", v["dropout"], *LIMITS["dropout"]),
        optimizer=_choice("optimizer", v["optimizer"], OPTIMIZERS),
        lr=_number("lr (the learning rate)", v["lr"], *LIMITS["lr"]),
        batch_size=_integer("batch_size", v["batch_size"], *LIMITS["batch_size"]),
        epochs_per_frame=_integer("epochs_per_frame", v["epochs_per_frame"], *LIMITS["epochs_per_frame"]),
    )
    task = task_of(config)
    missing = [n for n in config.features if n not in available(task.dims)]
    if missing:
        raise PlaygroundError(f"this data has one input, x1: the feature(s) {', '.join(missing)} need x2")
    units = output_units(resolve_output(config.output, task), task)
    weights = count_weights(len(config.features), config.hidden, units)
    if weights > LIMITS["weights"]:
        raise PlaygroundError(
            f"a network of {weights:,} weights would not train interactively (at most {LIMITS['weights']:,}); "
            "use fewer layers or units"
        )
    return config, task
