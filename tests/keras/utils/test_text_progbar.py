"""``keras.utils.Progbar``: the text Keras 3 prints for the same updates, times aside; the running averages."""

from __future__ import annotations

import re

import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras


def _screen(text: str) -> list[str]:
    """The printed lines without what depends on the clock (times, and the padding that follows them)."""
    text = re.sub(r"\x1b\[1m[\d:]+s?\x1b\[0m", "<time>", text)
    text = re.sub(r" \d+(ms|us|s)/", " <t>/", text)
    text = re.sub(r" - \d+s -", " - <time> -", text)
    return [part.replace("\b", "").rstrip(" ") for part in re.split(r"[\r\n]", text) if part.strip("\b ")]


def _run(progbar_class, capsys, calls, **options) -> list[str]:
    bar = progbar_class(interval=0, **options)
    for method, args in calls:
        getattr(bar, method)(*args)
    return _screen(capsys.readouterr().out)


CALLS = [("update", (1, [("loss", 0.5), ("acc", 0.25)])), ("update", (3, [("loss", 0.1), ("acc", 0.5)])),
         ("add", (1, [("loss", 0.2), ("acc", 0.00001)])), ("update", (5, [("loss", 0.3)]))]  # fmt: skip


@pytest.mark.parametrize(
    "options",
    [
        {"target": 5},
        {"target": 5, "stateful_metrics": ["acc"]},
        {"target": 5, "stateless_metrics": ["loss"], "width": 7, "unit_name": "sample"},
        {"target": None},
        {"target": 5, "verbose": 2},
        {"target": 5, "verbose": 0},
    ],
)
def test_the_text_is_keras_s(options, capsys):
    reference = keras_on_torch().utils.Progbar
    capsys.readouterr()
    assert _run(keras.utils.Progbar, capsys, CALLS, **options) == _run(reference, capsys, CALLS, **options)


def test_the_averages_weigh_each_value_by_its_steps(capsys):
    bar = keras.utils.Progbar(10, interval=0)
    bar.update(1, [("loss", 1.0)])
    bar.update(4, [("loss", 2.0)])  # three steps at 2.0
    assert "loss: 1.7500" in capsys.readouterr().out


def test_values_may_be_tensors_of_a_training_loop(capsys):
    bar = keras.utils.Progbar(2, interval=0)
    loss = (nb.tensor([1.0, 2.0], requires_grad=True) ** 2).mean()
    bar.update(1, [("loss", loss)])
    bar.add(1, [("loss", loss * 3)])
    assert "loss: 7.5000" in capsys.readouterr().out  # (2.5, then finalised at 7.5 as Keras shows the last)


def test_both_metric_lists_are_refused():
    with pytest.raises(ValueError, match="Only one of `stateful_metrics` or `stateless_metrics`"):
        keras.utils.Progbar(3, stateful_metrics=["a"], stateless_metrics=["b"])
