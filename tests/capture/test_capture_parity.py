"""nb.capture: a replayed step must compute what the eager step computes, bit for bit, or refuse.

Every parity test trains two copies of a model from the same seed, one
eagerly and one through ``nb.capture``, on batches that change at every
call, and compares every loss and every final parameter exactly. The eager
engine itself is checked against PyTorch elsewhere; one test here also
checks the captured step against PyTorch directly.
"""

from __future__ import annotations

import copy
import warnings

import numpy as np
import pytest

import nabla as nb
from nabla import nn

RNG = np.random.default_rng(0)


def _batches(n, batch, features, classes=None, dtype=np.float32):
    rng = np.random.default_rng(1)
    xs = [rng.standard_normal((batch, features)).astype(dtype) for _ in range(n)]
    if classes is None:
        ys = [(rng.random((batch, 1)) > 0.5).astype(dtype) for _ in range(n)]
    else:
        ys = [rng.integers(0, classes, batch) for _ in range(n)]
    return xs, ys


def _twins(build, make_step, xs, ys, wrap=nb.from_numpy):
    """Train an eager and a captured copy; return both loss lists and both models."""
    results = []
    for captured in (False, True):
        nb.manual_seed(0)
        model, opt = build()
        step = make_step(model, opt)
        if captured:
            step = nb.capture(step)
        nb.manual_seed(1)
        losses = [step(wrap(x), wrap(y)) for x, y in zip(xs, ys)]
        results.append(([_value(loss) for loss in losses], model, step))
    return results


def _value(out):
    if isinstance(out, nb.Tensor):
        return out.detach().numpy().copy()
    if isinstance(out, dict):
        return {k: _value(v) for k, v in out.items()}
    return tuple(_value(o) for o in out)


def _same(a, b):
    if isinstance(a, dict):
        assert a.keys() == b.keys()
        for k in a:
            _same(a[k], b[k])
    elif isinstance(a, tuple):
        for p, q in zip(a, b, strict=True):
            _same(p, q)
    else:
        np.testing.assert_array_equal(a, b)


def _assert_twins(results):
    (eager, m1, _), (replay, m2, step) = results
    assert len(eager) == len(replay)
    for a, b in zip(eager, replay):
        _same(a, b)
    for p, q in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_array_equal(p.detach().numpy(), q.detach().numpy())
        assert q.dtype == p.dtype
    return step


def _linear_sgd(n_in: int, n_out: int, lr: float):
    """A builder of one linear layer and its SGD optimizer, for :func:`_twins`."""

    def build():
        model = nn.Linear(n_in, n_out)
        return model, nb.optim.SGD(model.parameters(), lr=lr)

    return build


def _train_step(loss_fn):
    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = loss_fn(model(x), y)
            loss.backward()
            opt.step()
            return loss

        return step

    return make


# --- parity ----------------------------------------------------------------------------------------


def test_xor_mlp_sigmoid_bce_sgd_is_bit_identical():
    xs, ys = _batches(12, 4, 2)

    def build():
        model = nn.Sequential(nn.Linear(2, 4), nn.Tanh(), nn.Linear(4, 1), nn.Sigmoid())
        return model, nb.optim.SGD(model.parameters(), lr=0.5)

    step = _assert_twins(_twins(build, _train_step(nb.binary_cross_entropy), xs, ys))
    assert "linear(" in step.code and "SGD_step()" in step.code


@pytest.mark.parametrize(
    "opt",
    [
        lambda p: nb.optim.SGD(p, lr=0.1, momentum=0.9, nesterov=True, weight_decay=1e-3),
        lambda p: nb.optim.Adam(p, lr=1e-2, weight_decay=1e-2),
        lambda p: nb.optim.AdamW(p, lr=1e-2, amsgrad=True),
        lambda p: nb.optim.RMSprop(p, lr=1e-2, momentum=0.5, centered=True),
        lambda p: nb.optim.Adagrad(p, lr=0.1),
    ],
)
def test_optimizers_with_state_are_bit_identical(opt):
    xs, ys = _batches(8, 16, 5, classes=3)

    def build():
        model = nn.Sequential(nn.Linear(5, 8), nn.ReLU(), nn.Linear(8, 3))
        return model, opt(model.parameters())

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))


@pytest.mark.parametrize(
    "loss",
    [
        lambda out, y: nb.cross_entropy(out, y, weight=nb.tensor([1.0, 2.0, 0.5])),
        lambda out, y: nb.cross_entropy(out, y, label_smoothing=0.1),
        lambda out, y: nb.cross_entropy(out, y, reduction="sum"),
        lambda out, y: nb.nll_loss(nb.log_softmax(out, axis=1), y, weight=nb.tensor([1.0, 2.0, 0.5])),
        lambda out, y: nb.losses.SparseCategoricalCrossentropy(from_logits=True)(y, out),
        lambda out, y: nb.mse_loss(nb.softmax(out, axis=1), nb.one_hot(y, 3).float()),
    ],
)
def test_classification_losses_are_bit_identical(loss):
    xs, ys = _batches(6, 10, 4, classes=3)

    def build():
        model = nn.Sequential(nn.Linear(4, 6), nn.GELU(), nn.Linear(6, 3))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    _assert_twins(_twins(build, _train_step(loss), xs, ys))


def test_ignored_targets_in_some_batches_only():
    # The first call has no ignored target; later ones do: the recorded "no target ignored" decision no
    # longer holds, and those calls must still give the eager numbers.
    xs, ys = _batches(6, 10, 4, classes=3)
    for y in ys[2::2]:
        y[:3] = -100

    def build():  # (dropout draws before the label check: the eager call must draw the same masks)
        model = nn.Sequential(nn.Linear(4, 8), nn.Dropout(0.5), nn.Linear(8, 3))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))


def test_binary_cross_entropy_with_logits_and_pos_weight():
    xs, ys = _batches(6, 8, 3)
    pos_weight = nb.tensor([3.0])

    def build():
        model = nn.Sequential(nn.Linear(3, 5), nn.ReLU(), nn.Linear(5, 1))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    loss = lambda out, y: nb.binary_cross_entropy_with_logits(out, y, pos_weight=pos_weight)  # noqa: E731
    _assert_twins(_twins(build, _train_step(loss), xs, ys))


def test_dropout_draws_a_fresh_mask_at_every_replay():
    xs, ys = _batches(6, 8, 4, classes=2)

    def build():
        model = nn.Sequential(nn.Linear(4, 16), nn.ReLU(), nn.Dropout(0.5), nn.Linear(16, 2))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    results = _twins(build, _train_step(nb.cross_entropy), xs, ys)
    _assert_twins(results)
    assert "dropout_mask(" in results[1][2].code


def test_small_cnn_is_bit_identical():
    rng = np.random.default_rng(2)
    xs = [rng.standard_normal((4, 1, 8, 8)).astype(np.float32) for _ in range(3)]
    ys = [rng.integers(0, 3, 4) for _ in range(3)]

    def build():
        model = nn.Sequential(
            nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2), nn.Flatten(), nn.Linear(4 * 4 * 4, 3)
        )
        return model, nb.optim.SGD(model.parameters(), lr=0.05, momentum=0.9)

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))


def test_schedulers_clipping_and_several_outputs_are_replayed():
    xs, ys = _batches(8, 10, 4, classes=3)

    def build():
        model = nn.Sequential(nn.Linear(4, 8), nn.Tanh(), nn.Linear(8, 3))
        return model, nb.optim.SGD(model.parameters(), lr=0.5)

    def make(model, opt):
        sched = nb.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)

        def step(x, y):
            opt.zero_grad()
            out = model(x)
            loss = nb.cross_entropy(out, y)
            loss.backward()
            nn.utils.clip_grad_norm_(model.parameters(), 0.1)
            opt.step()
            sched.step()
            accuracy = (out.argmax(axis=1) == y).float().mean()
            return {"loss": loss, "accuracy": accuracy, "logits": out}

        return step

    results = _twins(build, make, xs, ys)
    _assert_twins(results)
    assert len({float(r["accuracy"]) for r in results[1][0]}) > 1  # recomputed, not frozen


def test_gradients_accumulate_across_calls_without_zero_grad():
    xs, ys = _batches(4, 6, 3, classes=2)

    build = _linear_sgd(3, 2, lr=0.1)

    def make(model, opt):
        def step(x, y):
            loss = nb.cross_entropy(model(x), y)
            loss.backward()
            return loss

        return step

    (_, m1, _), (_, m2, _) = results = _twins(build, make, xs, ys)
    _assert_twins(results)
    for p, q in zip(m1.parameters(), m2.parameters()):
        np.testing.assert_array_equal(p.grad.numpy(), q.grad.numpy())


def test_float64_model_stays_float64():
    xs, ys = _batches(4, 5, 3, dtype=np.float64)

    def build():
        model = nn.Sequential(nn.Linear(3, 4, dtype=nb.float64), nn.Sigmoid(), nn.Linear(4, 1, dtype=nb.float64))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    results = _twins(build, _train_step(nb.mse_loss), xs, ys)
    _assert_twins(results)
    assert all(loss.dtype == np.float64 for loss in results[1][0])


def test_numpy_arguments_and_an_input_that_requires_grad():
    rng = np.random.default_rng(3)
    w = nb.tensor(rng.standard_normal((3, 2)).astype(np.float32))

    @nb.capture
    def input_gradient(x):
        loss = nb.tanh(x @ w).sum()
        loss.backward()
        return loss

    for _ in range(3):
        x = nb.tensor(rng.standard_normal((4, 3)).astype(np.float32), requires_grad=True)
        input_gradient(x)
        expected = (1 - np.tanh(x.detach().numpy() @ w.numpy()) ** 2) @ w.numpy().T
        np.testing.assert_allclose(x.grad.numpy(), expected, rtol=1e-6)

    @nb.capture
    def predict(x):
        with nb.no_grad():
            return nb.relu(nb.from_numpy(x) @ w)

    for _ in range(3):
        x = rng.standard_normal((5, 3)).astype(np.float32)
        np.testing.assert_array_equal(predict(x).numpy(), np.maximum(x @ w.numpy(), 0))


def test_matches_pytorch_over_a_training_run():
    torch = pytest.importorskip("torch")
    xs, ys = _batches(20, 32, 2)
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 16), nn.ReLU(), nn.Linear(16, 16), nn.ReLU(), nn.Linear(16, 1))
    ref = torch.nn.Sequential(
        torch.nn.Linear(2, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(), torch.nn.Linear(16, 1)
    )
    with torch.no_grad():
        for p, q in zip(model.parameters(), ref.parameters()):
            q.copy_(torch.from_numpy(p.detach().numpy().copy()))
    opt, ref_opt = nb.optim.Adam(model.parameters(), lr=1e-2), torch.optim.Adam(ref.parameters(), lr=1e-2)
    step = nb.capture(_train_step(nb.binary_cross_entropy_with_logits)(model, opt))
    for x, y in zip(xs, ys):
        loss = step(nb.from_numpy(x), nb.from_numpy(y))
        ref_opt.zero_grad()
        ref_loss = torch.nn.functional.binary_cross_entropy_with_logits(ref(torch.from_numpy(x)), torch.from_numpy(y))
        ref_loss.backward()
        ref_opt.step()
        np.testing.assert_allclose(float(loss), ref_loss.item(), rtol=1e-5)
    for p, q in zip(model.parameters(), ref.parameters()):
        np.testing.assert_allclose(p.detach().numpy(), q.detach().numpy(), rtol=1e-4, atol=1e-6)


# --- when the step is captured again ---------------------------------------------------------------


def test_a_new_shape_or_a_mode_switch_captures_again():
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 8), nn.Dropout(0.5), nn.Linear(8, 2))

    @nb.capture
    def forward(x):
        with nb.no_grad():
            return model(x)

    x4, x6 = nb.randn(4, 3), nb.randn(6, 3)
    forward(x4)
    forward(x6)
    assert forward(x6).shape == (6, 2) and forward(x4).shape == (4, 2)
    assert len(forward._programs) == 2
    model.eval()
    with nb.no_grad():
        expected = model(x4).numpy()
    np.testing.assert_array_equal(forward(x4).detach().numpy(), expected)  # dropout off: captured again
    np.testing.assert_array_equal(forward(x4).detach().numpy(), expected)


def test_a_label_out_of_range_in_a_later_batch_raises_as_eager():
    model = nn.Linear(2, 3)
    step = nb.capture(lambda x, y: nb.cross_entropy(model(x), y).detach())
    step(nb.randn(4, 2), nb.tensor([0, 1, 2, 0]))
    with pytest.raises(ValueError, match="out of range"):
        step(nb.randn(4, 2), nb.tensor([0, 1, 5, 0]))


def test_too_many_signatures_warn():
    step = nb.capture(lambda x, scale: x * scale)
    with pytest.warns(RuntimeWarning, match="signatures"):
        for i in range(10):
            step(nb.ones(2), float(i))
    assert float(step(nb.ones(2), 3.0)[0]) == 3.0


# --- refusals --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda m, x: float((m(x) ** 2).mean()), "reads a tensor's value"),
        (lambda m, x: print(m(x).sum().item()), "reads a tensor's value"),
        (lambda m, x: m(x) if m(x).sum() > 0 else -m(x), "reads a tensor's value"),
        (lambda m, x: m.weight.data.mul_(2), "in place"),
        (lambda m, x: m(x) + nb.random.generator().standard_normal(2), "random numbers"),
        (lambda m, x: nb.manual_seed(3) and m(x) + nb.randn(2), "reseeds"),
        (lambda m, x: nb.random.set_state(nb.random.get_state()) or m(x), "sets the state"),
        (lambda m, x: m(x) + nb.tensor(np.ones(2, np.float32)), "not one of its arguments"),
        (lambda m, x: m(x) + nb.ones(2, requires_grad=True), "requires_grad"),
        (lambda m, x: m(x).register_hook(lambda g: g * 2) or m(x), None),
        (lambda m, x: nb.grad(m(x).sum(), m.weight), "nb.grad"),
    ],
)
def test_what_a_replay_would_get_wrong_is_refused(body, message):
    model = nn.Linear(3, 2)
    step = nb.capture(lambda x: body(model, x))
    if message is None:  # a hook registered on an intermediate fires in backward: refused there
        hooked = nb.capture(lambda x: _backward_with_hook(model, x))
        with pytest.raises(nb.CaptureError, match="hook"):
            hooked(nb.randn(4, 3))
        return
    with pytest.raises(nb.CaptureError, match=message):
        step(nb.randn(4, 3))


def test_a_tensor_made_by_code_that_is_not_recorded_is_refused():
    weight = nb.randn(5, 3)
    step = nb.capture(lambda idx: nn.functional.embedding(idx, weight, padding_idx=0))  # its mask is plain NumPy
    with pytest.raises(nb.CaptureError, match="does not record"):
        step(nb.tensor([0, 1, 4]))


def test_constants_made_from_python_values_are_part_of_the_program():
    step = nb.capture(lambda x: (x + nb.zeros(3) + nb.tensor([1.0, 2.0, 3.0]))[nb.tensor([2, 0])])
    for x in (nb.ones(3), nb.arange(3.0)):
        np.testing.assert_array_equal(step(x).numpy(), (x.numpy() + [1.0, 2.0, 3.0])[[2, 0]])


def _backward_with_hook(model, x):
    out = model(x)
    out.register_hook(lambda g: g * 2)
    out.sum().backward()


def test_batch_norm_in_eval_mode_replays():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model.eval()
    step = nb.capture(model)
    x = nb.randn(5, 3)
    with nb.no_grad():
        np.testing.assert_array_equal(step(x).detach().numpy(), model(x).numpy())
        np.testing.assert_array_equal(step(x).detach().numpy(), model(x).numpy())


def test_bad_arguments_are_refused():
    with pytest.raises(TypeError, match="expects a function"):
        nb.capture(3)
    step = nb.capture(lambda x, opts: x)
    with pytest.raises(nb.CaptureError, match="hashable"):
        step(nb.ones(2), [1, 2])


# --- Keras-style fit: compile(jit_compile="auto") -------------------------------------------------


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
    import copy

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


def test_arguments_passed_twice_at_capture_are_not_confused_later():
    step = nb.capture(lambda a, b: a - b)
    x, y = nb.tensor([1.0, 2.0]), nb.tensor([0.5, 0.5])
    np.testing.assert_array_equal(step(x, x).numpy(), [0.0, 0.0])
    np.testing.assert_array_equal(step(x, y).numpy(), [0.5, 1.5])


# --- holes found in review: each replayed wrong before it was fixed --------------------------------


def test_a_boolean_mask_selecting_a_different_count_gives_the_eager_numbers():
    rng = np.random.default_rng(1)
    ys = []
    for i in range(4):
        y = rng.standard_normal((6, 1)).astype(np.float32)
        y[: 1 + i] = np.nan  # a different number of missing labels in every batch
        ys.append(y)
    xs = [rng.standard_normal((6, 3)).astype(np.float32) for _ in ys]

    build = _linear_sgd(3, 1, lr=0.1)

    def masked_mse(pred, y):
        mask = ~nb.isnan(y)
        return nb.mse_loss(pred[mask], y[mask])

    _assert_twins(_twins(build, _train_step(masked_mse), xs, ys))


def test_a_decision_after_a_backward_makes_the_step_run_eagerly():
    # Two micro-batches; an ignored label in the second one of a later call. A replay that found out only
    # after the first backward could not hand the call to eager mode without applying that backward twice.
    rng = np.random.default_rng(2)
    batches = []
    for i in range(3):
        y2 = rng.integers(0, 4, 6)
        y2[0] = -1 if i == 1 else y2[0]
        batches.append((rng.standard_normal((6, 3)).astype(np.float32), rng.integers(0, 4, 6),
                        rng.standard_normal((6, 3)).astype(np.float32), y2))  # fmt: skip
    weights = []
    for captured in (False, True):
        nb.manual_seed(0)
        model = nn.Linear(3, 4)
        step = _two_micro_batches(model, nb.optim.SGD(model.parameters(), lr=0.1))
        if captured:
            step = nb.capture(step)
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            for b in batches:
                step(*map(nb.from_numpy, b))
        weights.append(model.weight.detach().numpy().copy())
    np.testing.assert_array_equal(*weights)
    assert any("runs eagerly" in str(w.message) for w in caught)


def _two_micro_batches(model, opt):
    def step(x1, y1, x2, y2):
        for x, y in ((x1, y1), (x2, y2)):
            nb.cross_entropy(model(x), y, ignore_index=-1).backward()
        opt.step()
        opt.zero_grad()

    return step


def test_backward_into_a_graph_made_before_the_step_is_refused():
    enc, head = nn.Linear(3, 4), nn.Linear(4, 1)

    @nb.capture
    def step(h):
        head(h).sum().backward()

    with pytest.raises(nb.CaptureError, match="computed before the step"):
        step(enc(nb.randn(5, 3)))


@pytest.mark.parametrize(
    "body, message",
    [
        (lambda m, x: m(x).sum().backward() or m.weight.grad.sum(), r"\.grad"),
        (lambda m, x: setattr(m.weight, "grad", None), r"\.grad"),
        (lambda m, x: setattr(m.weight, "requires_grad", False), "requires_grad"),
        (lambda m, x: m(x), "graph"),
        (lambda m, x: copy.deepcopy(m.weight), "copies a tensor"),
        (lambda m, x: nn.init.constant_(m.bias, 1.0), "in place"),
        (lambda m, x: nn.utils.vector_to_parameters(nb.zeros(8), m.parameters()), "in place"),
        (lambda m, x: m.to(nb.float64), "Module.to"),
        (lambda m, x: (m(x).detach(), 0.5), "returns a float"),
    ],
)
def test_more_of_what_a_replay_would_get_wrong_is_refused(body, message):
    model = nn.Linear(3, 2)
    with pytest.raises(nb.CaptureError, match=message):
        nb.capture(lambda x: body(model, x))(nb.randn(4, 3))


def test_tensors_read_by_glue_are_read_at_every_call():
    threshold = nb.tensor([0.0, 0.0, 0.0])
    step = nb.capture(lambda x: nb.where(x > threshold, x, 0.0))
    x = nb.tensor([-1.0, 1.0, 2.0])
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 1.0, 2.0])
    threshold.data = nb.tensor([0.0, 1.5, 1.5])  # a new array, not a change in place
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 0.0, 2.0])


def test_signed_zero_arguments_are_different_programs():
    step = nb.capture(lambda x, s: x / s)
    x = nb.tensor([1.0, -1.0])
    with np.errstate(divide="ignore"):
        step(x, 0.0)
        np.testing.assert_array_equal(step(x, -0.0).numpy(), [-np.inf, np.inf])


def test_a_refused_capture_leaves_the_generator_and_batch_norm_as_they_were():
    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(3, 4), nn.Dropout(0.5), nn.BatchNorm1d(4, momentum=None))
    x = nb.randn(5, 3)
    before = nb.random.get_state()
    with pytest.raises(nb.CaptureError, match="BatchNorm"):
        nb.capture(model)(x)
    assert nb.random.get_state() == before
    assert int(model[2].num_batches_tracked.numpy()) == 0


def test_replaced_layers_and_overridden_optimizer_steps_are_followed():
    class HalfSGD(nb.optim.SGD):  # an optimizer of the user's, overriding step
        def step(self, closure=None):
            for group in self.param_groups:
                group["lr"] *= 0.5
            return super().step(closure)

    nb.manual_seed(0)
    model = nn.Sequential(nn.Linear(2, 2))
    opt = HalfSGD(model.parameters(), lr=1.0)

    @nb.capture
    def step(x):
        opt.zero_grad()
        model(x).sum().backward()
        opt.step()

    for _ in range(3):
        step(nb.ones(1, 2))
    assert opt.param_groups[0]["lr"] == 0.125  # halved at every call, not only at capture

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x)

    net, x = Net(), nb.ones(1, 2)
    with nb.no_grad():
        forward = nb.capture(net)
        first = forward(x).numpy()
        net.fc = nn.Linear(2, 2)  # a new layer: the program recorded the old one
        np.testing.assert_array_equal(forward(x).numpy(), net(x).numpy())
        assert not np.array_equal(first, net(x).numpy())


# --- second review ---------------------------------------------------------------------------------


def test_a_value_returned_by_gradient_clipping_is_the_replays_own():
    xs, ys = _batches(5, 8, 3, classes=2)

    build = _linear_sgd(3, 2, lr=0.5)

    def make(model, opt):
        def step(x, y):
            opt.zero_grad()
            loss = nb.cross_entropy(model(x), y)
            loss.backward()
            norm = nn.utils.clip_grad_norm_(model.parameters(), 0.5)
            opt.step()
            return {"loss": loss, "norm": norm}

        return step

    results = _twins(build, make, xs, ys)
    _assert_twins(results)
    assert len({float(r["norm"]) for r in results[1][0]}) == len(xs)


def test_an_optimizer_closure_is_refused():
    model = nn.Linear(3, 1)
    opt = nb.optim.SGD(model.parameters(), lr=0.1)

    @nb.capture
    def step(x):
        def closure():
            opt.zero_grad()
            loss = model(x).sum()
            loss.backward()
            return loss

        opt.step(closure)

    with pytest.raises(nb.CaptureError, match="closure"):
        step(nb.randn(4, 3))


def test_a_hook_registered_after_capture_is_not_skipped():
    model = nn.Linear(2, 1)
    step = nb.capture(lambda x: model(x).sum().backward())
    step(nb.ones(1, 2))
    model.weight.register_hook(lambda g: g * 0)
    with pytest.raises(nb.CaptureError, match="hook"):  # captured again, and hooks are refused
        step(nb.ones(1, 2))


def test_changes_between_calls_to_module_attributes_are_followed():
    xs, ys = _batches(6, 8, 4, classes=2)
    runs = []
    for captured in (False, True):
        nb.manual_seed(0)
        model = nn.Sequential(nn.Linear(4, 8), nn.ReLU(), nn.Dropout(0.5), nn.Linear(8, 2))
        step = _train_step(nb.cross_entropy)(model, nb.optim.SGD(model.parameters(), lr=0.1))
        step = nb.capture(step) if captured else step
        nb.manual_seed(1)
        losses = []
        for i, (x, y) in enumerate(zip(xs, ys)):
            if i == 3:
                model[2].p = 0.1  # read by forward: a replay of the old program would keep 0.5
            losses.append(float(step(nb.from_numpy(x), nb.from_numpy(y))))
        runs.append((losses, [p.detach().numpy().copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def test_a_module_attribute_set_at_every_call_ends_in_eager_mode():
    model = nn.Linear(2, 1)
    calls = []

    @nb.capture
    def step(x):
        with nb.no_grad():
            return model(x)

    with pytest.warns(RuntimeWarning, match="runs eagerly from now on"):
        for i in range(12):
            model.calls = i  # an attribute set between calls: each one may change what forward does
            calls.append(step(nb.ones(1, 2)).numpy().copy())
    assert all(np.array_equal(c, calls[0]) for c in calls)


def test_where_reads_a_mask_made_before_the_step_at_every_call():
    mask = nb.tensor([True, False, True])
    step = nb.capture(lambda x: nb.where(mask, x, 0.0))
    x = nb.tensor([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(step(x).numpy(), [1.0, 0.0, 3.0])
    mask.data = nb.tensor([False, True, True])
    np.testing.assert_array_equal(step(x).numpy(), [0.0, 2.0, 3.0])


def test_an_optimizer_of_the_user_may_make_tensors_from_arrays():
    class SignSGD(nb.optim.Optimizer):
        def __init__(self, params, lr):
            super().__init__(params, {"lr": lr})

        def step(self, closure=None):
            with nb.no_grad():
                for p in self.param_groups[0]["params"]:
                    p -= self.param_groups[0]["lr"] * nb.tensor(np.sign(p.grad.numpy()))

    xs, ys = _batches(4, 6, 3, classes=2)

    def build():
        model = nn.Linear(3, 2)
        return model, SignSGD(model.parameters(), lr=0.01)

    _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))


def test_a_weighted_mean_over_targets_replays_without_falling_back():
    xs, ys = _batches(5, 10, 4, classes=3)
    weight = nb.tensor([1.0, 2.0, 0.5])

    build = _linear_sgd(4, 3, lr=0.1)

    loss = lambda out, y: nb.nll_loss(nb.log_softmax(out, axis=1), y, weight=weight)  # noqa: E731
    step = _assert_twins(_twins(build, _train_step(loss), xs, ys))
    assert "_mean_factors" in step.code and "_checked" not in step.code
