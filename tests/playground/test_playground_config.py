"""The playground's settings: defaults, the task's output, and every refusal with its one-line reason."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nabla import datasets
from nabla.playground.config import LIMITS, Config, Task, count_weights, parse_config, resolve_output
from nabla.playground.data import task_of
from nabla.playground.errors import PlaygroundError
from nabla.playground.features import FEATURES, feature_matrix, features_source
from nabla.playground.recipes import RECIPES


def parse(raw):
    return parse_config(raw, lambda c: task_of(c, None))


def test_the_defaults_are_tensorflow_playgrounds():
    config, task = parse({})
    assert config == Config()
    assert (config.dataset, config.points, config.train_ratio, config.hidden) == ("circles", 500, 50, (4, 2))
    assert (config.activation, config.lr, config.batch_size, config.optimizer) == ("tanh", 0.03, 10, "sgd")
    assert task == Task("classification", 2, 2)


def test_the_output_follows_the_task():
    binary, three, values = Task("classification", 2, 2), Task("classification", 3, 2), Task("regression", 0, 1)
    assert resolve_output("auto", binary) == "sigmoid"
    assert resolve_output("auto", three) == "softmax"
    assert resolve_output("auto", values) == "linear"
    assert resolve_output("tanh_mse", binary) == "tanh_mse"
    for output, task in (("sigmoid", three), ("tanh_mse", three), ("softmax", values), ("linear", binary)):
        with pytest.raises(PlaygroundError):
            resolve_output(output, task)


def test_features_keep_the_pages_order_and_need_x2_only_when_they_say_so():
    config, _ = parse({"features": ["sin(x1)", "x1"]})
    assert config.features == ("x1", "sin(x1)")
    with pytest.raises(PlaygroundError, match="need x2"):
        parse({"dataset": "sine", "features": ["x1", "x1*x2"]})
    row = feature_matrix(np.array([[2.0, 3.0]]), tuple(FEATURES))[0]
    assert row.tolist() == pytest.approx([2, 3, 4, 9, 6, math.sin(2), math.sin(3)])
    assert "np.sin(X[:, 0]),  # sin(x1)" in features_source(("x1", "sin(x1)"))


@pytest.mark.parametrize(
    ("raw", "message"),
    [
        ({"hidden": [4] * 11}, "at most 10 hidden layers"),
        ({"hidden": [65]}, "between 1 and 64"),
        ({"hidden": [64] * 6}, "would not train interactively"),
        ({"hidden": "4,2"}, "list of layer sizes"),
        ({"hidden": [2.5]}, "whole number"),
        ({"points": True}, "whole number"),
        ({"points": 5}, "between 10 and 2000"),
        ({"lr": float("nan")}, "finite number"),
        ({"lr": float("inf")}, "finite number"),
        ({"lr": 0}, "between"),
        ({"lr": "0.1"}, "finite number"),
        ({"noise": -1}, "between"),
        ({"dataset": "mnist"}, "dataset must be one of"),
        ({"dataset": "csv"}, "no CSV was uploaded"),
        ({"activation": "cosine"}, "activation must be one of"),
        ({"features": []}, "non-empty list"),
        ({"features": ["x1", "x1"]}, "once"),
        ({"features": ["x3"]}, "a feature must be one of"),
        ({"seed": -1}, "between 0"),
        ({"output": "sigmoid", "dataset": "spiral", "classes": 3}, "with 3 classes use softmax"),
        ({"surprise": 1}, "unknown setting"),
    ],
)
def test_bad_settings_are_refused_with_a_reason(raw, message):
    with pytest.raises(PlaygroundError, match=message):
        parse(raw)


def test_a_non_object_is_refused():
    with pytest.raises(PlaygroundError, match="object"):
        parse([1, 2])


def test_the_weight_limit_counts_weights_and_biases():
    assert count_weights(2, (16, 16), 2) == 2 * 16 + 16 + 16 * 16 + 16 + 16 * 2 + 2
    assert LIMITS["weights"] >= count_weights(7, (64, 64, 64, 64), 6)  # four wide layers still train


@pytest.mark.parametrize("name", sorted(RECIPES))
def test_every_recipe_regenerates_from_its_own_source(name):
    """The exported code's data lines compute exactly the arrays the server trains on."""
    recipe = RECIPES[name]
    X, y = recipe.generate(37, 0.1, 3, 11)
    scope = {"np": np, "datasets": datasets}
    exec(recipe.source(37, 0.1, 3, 11), scope)
    np.testing.assert_array_equal(scope["X"], X)
    np.testing.assert_array_equal(scope["y"], y)
    assert X.dtype == np.float32 and X.shape[1] == recipe.dims
    assert y.dtype == (np.int64 if recipe.task == "classification" else np.float32)
    if recipe.dims == 2 and name not in ("plane",):  # the classification sets are centred on the origin
        assert np.all(np.abs(X.mean(axis=0)) < 0.5)
