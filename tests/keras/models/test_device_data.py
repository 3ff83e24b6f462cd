"""``fit`` keeps its arrays on the model's device: one copy per fit, batches cut there (models/device_data.py).

The reference is the same seeded run on the host (whose fit is checked against Keras elsewhere): histories,
evaluations, predictions and weights agree to 1e-6 for shuffled and ordered batches, a validation split,
validation data with weights, sample and class weights, steps_per_epoch and a model of two inputs. The
library's host-to-device copy is counted: each array crosses once per fit (a small permutation once per
epoch), none per batch; data over the budget goes a batch at a time. device1's arrays refuse np.asarray,
so a silent conversion on the way fails.
"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from conftest import OTHER_DEVICES, require_device

import nabla as nb
import nabla.keras as keras
from nabla.engine import backend, devices, standard
from nabla.keras.models import device_data
from nabla.keras.models.sources import ArrayRows, epoch_batches

DEVICE = "array_api_strict:device1"
N, BATCH = 48, 8


@pytest.fixture
def copies(monkeypatch):
    """The (shape, dtype) of every host-to-device copy of the library of the device it is called with."""
    seen: list = []
    watched: set = set()

    def watch(device):
        lib = standard.library(devices.parse(device)[0])
        if id(lib) in watched:
            return seen
        watched.add(id(lib))
        copy = lib.from_host

        def counted(host, dev):
            seen.append((host.shape, str(host.dtype)))
            return copy(host, dev)

        monkeypatch.setattr(lib, "from_host", counted)
        return seen

    return watch


def _data(rng=None):
    rng = rng or np.random.default_rng(1)
    x = rng.normal(size=(N, 6)).astype(np.float32)
    return x, rng.integers(0, 3, N), rng.uniform(0.5, 1.5, N)


def _mlp():
    layers = [keras.Input((6,)), keras.layers.Dense(16, activation="relu"), keras.layers.Dropout(0.25)]
    return keras.Sequential([*layers, keras.layers.Dense(3, activation="softmax")])


def _two_inputs():
    a, b = keras.Input((6,), name="a"), keras.Input((2,), name="b")
    hidden = keras.layers.Dense(8, activation="relu")(keras.layers.Concatenate()([a, b]))
    return keras.Model([a, b], keras.layers.Dense(3, activation="softmax")(hidden))


def _run(device, network=_mlp, two_inputs=False, seen=None, **options):
    """fit, evaluate, predict; ``seen``: the copies list, kept to fit's copies alone."""
    nb.manual_seed(0)
    model = network()
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    model.to(device)
    x, y, w = _data()
    if two_inputs:
        x = [x, x[:, :2] * 2.0]
    fit = {k: (v(x, y, w) if callable(v) else v) for k, v in options.items()}
    if seen is not None:
        seen.clear()
    history = model.fit(x, y, batch_size=BATCH, epochs=3, verbose=0, **fit).history
    fit_copies = None if seen is None else list(seen)
    result = model.evaluate(x, y, sample_weight=w, verbose=0)
    predicted = model.predict(x, verbose=0)
    weights = [p.detach().cpu().numpy() for p in model.parameters()]
    return (history, result, predicted, weights), fit_copies


def _same(ours, reference):
    (h, r, p, w), (h0, r0, p0, w0) = ours, reference
    assert h.keys() == h0.keys()
    for key in h:
        np.testing.assert_allclose(h[key], h0[key], rtol=1e-6, atol=1e-6, err_msg=key)
    for a, b in [(r, r0), (p, p0), *zip(w, w0)]:
        np.testing.assert_allclose(a, b, rtol=1e-6, atol=1e-6)


FIT_OPTIONS = {
    "shuffled": {},
    "ordered": {"shuffle": False},
    "validation_split": {"validation_split": 0.25},
    "validation_data": {"validation_data": lambda x, y, w: (x[:20], y[:20], w[:20])},
    "sample_weight": {"sample_weight": lambda x, y, w: w},
    "class_weight": {"class_weight": {0: 1.0, 1: 2.5, 2: 0.5}},
    "steps_per_epoch": {"steps_per_epoch": 4},
}


@pytest.mark.parametrize("options", FIT_OPTIONS.values(), ids=FIT_OPTIONS.keys())
def test_fit_on_data_kept_on_the_device_equals_the_host(options, copies):
    require_device(DEVICE)
    ours, seen = _run(DEVICE, seen=copies(DEVICE), **options)
    assert ((N, 6), "float32") in seen or ((36, 6), "float32") in seen  # x (its training part) crossed whole
    assert ((BATCH, 6), "float32") not in seen and ((BATCH,), "int64") not in seen  # and no batch did
    _same(ours, _run("cpu", **options)[0])


@pytest.mark.parametrize("device", OTHER_DEVICES)
def test_a_model_of_two_inputs_trains_on_data_kept_on_the_device(device, copies):
    require_device(device)
    ours, seen = _run(device, _two_inputs, two_inputs=True, seen=copies(device), validation_split=0.25)
    assert Counter(seen)[((36, 2), "float32")] == Counter(seen)[((12, 2), "float32")] == 1  # 2nd input, once
    _same(ours, _run("cpu", _two_inputs, two_inputs=True, validation_split=0.25)[0])


def _copies_of_fit(copies, epochs: int, **options) -> list:
    nb.manual_seed(0)
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3, activation="softmax")])
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy")
    model.to(DEVICE)
    x, y, w = _data()
    seen = copies(DEVICE)
    seen.clear()
    model.fit(x, y, sample_weight=w, validation_data=(x[:16], y[:16]), batch_size=BATCH, epochs=epochs, verbose=0,
              **options)  # fmt: skip
    return list(seen)


def test_the_dataset_crosses_once_per_fit_and_a_permutation_once_per_epoch(copies):
    require_device(DEVICE)
    one, three = _copies_of_fit(copies, 1), _copies_of_fit(copies, 3)
    whole = [((N, 6), "float32"), ((N,), "int64"), ((N,), "float32"), ((16, 6), "float32"), ((16,), "int64")]
    for epochs, seen in [(1, one), (3, three)]:
        counted = Counter(seen)
        assert all(counted[shape] == 1 for shape in whole[2:]), seen  # weights and validation arrays: once
        assert counted[((N, 6), "float32")] == 1 and counted[((N,), "int64")] == 1 + epochs  # y + permutations
        assert not any(shape[0] == BATCH for shape, _ in seen), seen  # no batch crossed
    assert len(three) - len(one) == 2  # two more epochs: two more permutations, nothing else
    ordered = _copies_of_fit(copies, 3, shuffle=False)
    assert Counter(ordered)[((N,), "int64")] == 1  # unshuffled: no permutation, y alone


def test_data_over_the_budget_goes_a_batch_at_a_time(copies):
    require_device(DEVICE)
    x_bytes = N * 6 * 4
    per_batch = Counter(_copies_of_fit(copies, 2, device_data_limit=x_bytes))  # x fits, but not with y and weights
    assert per_batch[((N, 6), "float32")] == 0 and per_batch[((BATCH, 6), "float32")] == 2 * N // BATCH
    assert per_batch[((16, 6), "float32")] == 1  # the validation arrays fit in the budget on their own
    never = Counter(_copies_of_fit(copies, 2, device_data_limit=0))
    assert never[((N, 6), "float32")] == never[((16, 6), "float32")] == 0
    assert never[((BATCH, 6), "float32")] == 2 * (N // BATCH + 16 // BATCH)
    _same(_run(DEVICE, device_data_limit=0)[0], _run("cpu")[0])


def test_the_default_budget(monkeypatch):
    monkeypatch.setattr(backend, "free_memory", lambda device: None)
    assert device_data.budget(DEVICE, None) == 1 << 30  # a library that does not report its memory
    monkeypatch.setattr(backend, "free_memory", lambda device: 8_000_000)
    assert device_data.budget("cuda:0", None) == 2_000_000  # a quarter of what is free
    assert device_data.budget("cuda:0", 123) == 123


def test_the_standard_reports_no_free_memory_and_the_host_none_needed():
    require_device(DEVICE)
    assert backend.free_memory(DEVICE) is None and backend.free_memory("cpu") is None


@pytest.mark.parametrize("limit", [-1, 1.5, True, "1GB"])
def test_a_bad_limit_is_refused(limit):
    model = keras.Sequential([keras.Input((6,)), keras.layers.Dense(3)])
    model.compile(optimizer="sgd", loss="mse")
    with pytest.raises(ValueError, match="device_data_limit must be a number of bytes"):
        model.fit(np.zeros((4, 6), np.float32), np.zeros((4, 3), np.float32), device_data_limit=limit, verbose=0)


def test_the_host_keeps_its_arrays_as_they_are():
    model = _mlp()
    x, y, w = _data()
    rows, validation = ArrayRows(x, y, w), (x, y, w)
    kept = device_data.on_device(model, rows, validation, None)
    assert kept[0] is rows and kept[1] is validation
    batch = next(iter(epoch_batches(rows, None, BATCH)))[1][0]
    assert np.shares_memory(batch, x)  # an unshuffled batch on the host is a view of x, not a copy


class _OwnStep(keras.Sequential):
    """A model whose fit runs through train_step / test_step (its batches arrive as Tensors on its device)."""

    def train_step(self, data):
        _, _, weights = keras.utils.unpack_x_y_sample_weight(data)
        assert weights is not None and weights.device == self.device
        return super().train_step(data)


def _own_step():
    return _OwnStep(_mlp().layers)


def test_a_train_step_of_your_own_takes_weights_kept_on_the_device(copies):
    require_device(DEVICE)
    options = {"sample_weight": lambda x, y, w: w, "validation_data": lambda x, y, w: (x[:20], y[:20], w[:20])}
    ours, seen = _run(DEVICE, _own_step, seen=copies(DEVICE), **options)
    assert ((BATCH, 6), "float32") not in seen and Counter(seen)[((N,), "float32")] == 1
    _same(ours, _run("cpu", _own_step, **options)[0])
