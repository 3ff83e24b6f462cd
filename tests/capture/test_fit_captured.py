"""Keras-style fit through a captured step (compile(jit_compile="auto")): the same numbers as eager fit."""

from __future__ import annotations

import copy

import numpy as np
import pytest
from capture_helpers import _assert_twins, _batches, _train_step, _twins

import nabla as nb
from nabla import nn


def _fit_twice(build, x, y, **fit_kwargs):
    """fit the same model from the same seed with the captured step and eagerly; return both runs."""
    runs = []
    for eager in (False, True):
        nb.manual_seed(0)
        model = build()
        compile_kwargs = model._test_compile
        model.compile(**compile_kwargs, run_eagerly=eager)
        nb.manual_seed(1)
        history = model.fit(x, y, verbose=0, **fit_kwargs)
        runs.append((history.history, model.get_weights(), model))
    return runs


def _assert_same_fit(runs):
    (h1, w1, _), (h2, w2, _) = runs
    assert h1.keys() == h2.keys()
    for k in h1:
        np.testing.assert_array_equal(h1[k], h2[k])
    for a, b in zip(w1, w2, strict=True):
        np.testing.assert_array_equal(a, b)


def _keras_model(hidden_layers, compile_kwargs):
    from nabla.layers import Dense

    def build():
        model = nb.models.Sequential([Dense(8, activation="relu", input_shape=(4,)), *hidden_layers(), Dense(3)])
        model._test_compile = compile_kwargs
        return model

    return build


def test_fit_captured_equals_fit_eager():
    from nabla.layers import Dense, Dropout

    rng = np.random.default_rng(4)
    x, y = rng.standard_normal((50, 4)).astype(np.float32), rng.integers(0, 3, 50)
    build = _keras_model(
        lambda: [Dropout(0.3), Dense(8, activation="tanh", kernel_regularizer=nb.regularizers.L2(1e-2))],
        compile_kwargs=dict(
            optimizer="adam",
            loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True),
            metrics=["accuracy"],
        ),
    )
    runs = _fit_twice(build, x, y, epochs=3, batch_size=16, validation_split=0.2, class_weight={0: 1.0, 1: 2.0, 2: 0.5})
    _assert_same_fit(runs)
    step = runs[0][2]._captured_step
    assert step is not None and step.code is not None
    # 40 training samples in batches of 16: two full batches and one of 8, for 3 epochs with validation in
    # between (evaluation sets layer attributes, to the same values): two signatures, each recorded once.
    assert step.captures == 2


class _Peek(nb.layers.Layer):
    """Reads a value into Python at every call (a debugging print would): a model with it cannot be captured."""

    def call(self, inputs, training=None):
        return inputs * (1.0 if float(inputs.sum()) < 1e30 else 0.0)


def test_fit_falls_back_to_eager_for_a_model_that_cannot_be_captured():
    from nabla.layers import Dropout

    rng = np.random.default_rng(5)
    x, y = rng.standard_normal((20, 4)).astype(np.float32), rng.integers(0, 3, 20)
    kwargs = dict(optimizer="sgd", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    # The refused capture has drawn dropout's mask already: the eager step must draw the same one.
    # So has BatchNormalization updated its moving statistics: they are restored, not updated twice.
    hidden = lambda: [Dropout(0.3), nb.layers.BatchNormalization(), _Peek()]  # noqa: E731
    runs = _fit_twice(_keras_model(hidden, compile_kwargs=kwargs), x, y, epochs=2, batch_size=8)
    _assert_same_fit(runs)
    assert runs[0][2]._captured_step is None  # "auto" gave up on capturing

    nb.manual_seed(0)
    model = _keras_model(lambda: [_Peek()], compile_kwargs=kwargs)()
    model.compile(**kwargs, jit_compile=True)
    with pytest.raises(nb.CaptureError, match="reads a tensor's value"):
        model.fit(x, y, epochs=1, batch_size=8, verbose=0)


def test_batch_norm_running_statistics_are_updated_by_every_replay():
    xs, ys = _batches(6, 8, 4, classes=3)

    def build():
        model = nn.Sequential(nn.Linear(4, 6), nn.BatchNorm1d(6), nn.ReLU(), nn.Linear(6, 3))
        return model, nb.optim.SGD(model.parameters(), lr=0.1, momentum=0.9)

    results = _twins(build, _train_step(nb.cross_entropy), xs, ys)
    _assert_twins(results)
    (_, eager, _), (_, replayed, step) = results
    assert step.captures == 1 and "running_update(" in step.code
    for name, buffer in eager.named_buffers():
        np.testing.assert_array_equal(dict(replayed.named_buffers())[name].numpy(), buffer.numpy())
    assert int(replayed[1].num_batches_tracked.item()) == len(xs)

    # Keras's layer: fit through the captured step gives the eager numbers, moving statistics included.
    from nabla.layers import BatchNormalization

    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((24, 4)).astype(np.float32), rng.integers(0, 3, 24)
    kwargs = dict(optimizer="adam", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    runs = _fit_twice(_keras_model(lambda: [BatchNormalization()], compile_kwargs=kwargs), x, y, epochs=3, batch_size=8)
    _assert_same_fit(runs)  # (get_weights holds the moving mean and variance)
    assert runs[0][2]._captured_step is not None and runs[0][2]._captured_step.captures == 1


def test_reading_running_statistics_after_updating_them_in_the_step_is_refused():
    bn = nn.BatchNorm1d(3)

    def train_then_evaluate(x):
        bn.train()
        out = bn(x)
        bn.eval()
        return out + bn(x)  # eager mode reads the updated statistics; a replay updates them last

    with pytest.raises(nb.CaptureError, match="after updating it in place"):
        nb.capture(train_then_evaluate)(nb.randn(4, 3))
    alias = bn.running_mean.detach()  # shares the array (state_dict() hands out such aliases)
    bn.train()

    def read_alias(x):
        return bn(x).sum() + (alias * 2).sum()

    def read_view(x):
        prior = bn.running_mean.reshape(1, 3)  # a view, taken before the update
        return bn(x).sum() + (prior * 2).sum()

    for read in (read_alias, read_view):
        with pytest.raises(nb.CaptureError, match="after updating it in place"):
            nb.capture(read)(nb.randn(4, 3))
    np.testing.assert_array_equal(bn.running_mean.numpy(), np.zeros(3))  # each refusal restored the statistics
    from nabla.nn import functional as F

    def fresh_statistics(x):  # made in the step: a replay would keep updating the ones made at capture
        mean, var = nb.zeros(3), nb.ones(3)
        return F.batch_norm(x, mean, var, training=True).sum()

    with pytest.raises(nb.CaptureError, match="a tensor of the step"):
        nb.capture(fresh_statistics)(nb.randn(4, 3))
    cumulative = nn.BatchNorm1d(3, momentum=None)
    with pytest.raises(nb.CaptureError, match="batch count"):
        nb.capture(lambda x: cumulative(x))(nb.randn(4, 3))
    assert int(cumulative.num_batches_tracked.item()) == 0  # refused before any change


def test_noise_layers_and_random_tensors_draw_fresh_values_at_every_replay():
    from nabla.layers import GaussianDropout, GaussianNoise

    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((24, 4)).astype(np.float32), rng.integers(0, 3, 24)
    kwargs = dict(optimizer="adam", loss=nb.losses.SparseCategoricalCrossentropy(from_logits=True))
    runs = _fit_twice(
        _keras_model(lambda: [GaussianNoise(0.2), GaussianDropout(0.3)], compile_kwargs=kwargs),
        x,
        y,
        epochs=3,
        batch_size=8,
    )
    _assert_same_fit(runs)
    step = runs[0][2]._captured_step
    assert step is not None and step.captures == 1 and step.code.count("draw(") == 2

    # The core API: noise made with nb.randn, nb.rand, nb.normal, nb.uniform and nb.randint inside the step.
    xs, ys = _batches(5, 8, 4, classes=2)

    def noisy(model, opt):
        def step(x, y):
            opt.zero_grad()
            x = x + 0.1 * nb.randn(*x.shape) + nb.normal(0.0, 0.05, size=x.shape) * nb.rand(*x.shape)
            x = x * nb.uniform(0.5, 1.5, size=(1, 4)) + nb.randint(0, 2, size=(4,)).astype(nb.float32)
            loss = nb.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step

    def build():
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 2))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    results = _twins(build, noisy, xs, ys)
    _assert_twins(results)
    assert results[1][2].code.count("draw(") == 5


def test_fit_with_a_loss_function_of_the_user_trains_eagerly():
    rng = np.random.default_rng(6)
    x, y = rng.standard_normal((24, 4)).astype(np.float32), rng.standard_normal((24, 3)).astype(np.float32)

    def scaled_mse(y_true, y_pred):
        scale = float(np.mean(np.abs(y_true)))  # a Python number from the labels: different at every batch
        return ((y_pred - y_true) ** 2).mean(axis=-1) * scale

    runs = _fit_twice(_keras_model(list, compile_kwargs=dict(optimizer="sgd", loss=scaled_mse)), x, y, epochs=2)
    _assert_same_fit(runs)
    assert runs[0][2]._captured_step is None  # "auto" does not capture a loss it cannot see into


def test_compile_checks_jit_compile():
    from nabla.layers import Dense

    model = nb.models.Sequential([Dense(1, input_shape=(2,))])
    with pytest.raises(ValueError, match="jit_compile"):
        model.compile(optimizer="sgd", loss="mse", jit_compile="yes")
    with pytest.raises(TypeError, match="run_eagerly"):
        model.compile(optimizer="sgd", loss="mse", run_eagerly="no")


def test_fit_records_again_after_the_optimizer_is_replaced_and_a_copy_records_its_own():

    from nabla.layers import Dense

    rng = np.random.default_rng(7)
    x, y = rng.standard_normal((16, 2)).astype(np.float32), rng.standard_normal((16, 1)).astype(np.float32)
    nb.manual_seed(0)
    model = nb.models.Sequential([Dense(1, input_shape=(2,))])
    model.compile(optimizer="sgd", loss="mse")
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    model.optimizer = nb.optim.SGD(model.parameters(), lr=0.0)  # lr 0: weights must not move any more
    before = model.get_weights()
    model.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(before, model.get_weights()):
        np.testing.assert_array_equal(a, b)

    twin = copy.deepcopy(model)
    twin.optimizer.param_groups[0]["lr"] = 0.1
    twin.fit(x, y, epochs=1, batch_size=8, verbose=0)
    for a, b in zip(before, model.get_weights()):  # training the copy left the original alone
        np.testing.assert_array_equal(a, b)
    assert any((a != b).any() for a, b in zip(before, twin.get_weights()))
