"""nb.capture: a replayed step must compute what the eager step computes, bit for bit.

Every parity test trains two copies of a model from the same seed, one
eagerly and one through ``nb.capture``, on batches that change at every
call, and compares every loss and every final parameter exactly. The eager
engine itself is checked against PyTorch elsewhere; one test here also
checks the captured step against PyTorch directly.
"""

from __future__ import annotations

import numpy as np
import pytest
from capture_helpers import _assert_twins, _batches, _linear_sgd, _train_step, _twins

import nabla as nb
from nabla import nn


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


@pytest.mark.parametrize("mode", ["reflect", "symmetric", "edge", "wrap"])
def test_a_cnn_on_mirror_padded_images_is_bit_identical(mode):
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((4, 1, 6, 6)).astype(np.float32) for _ in range(3)]
    ys = [rng.integers(0, 3, 4) for _ in range(3)]

    def build():
        conv, head = nn.Conv2d(1, 2, 3), nn.Linear(2 * 6 * 6, 3)
        model = lambda x: head(nb.relu(conv(nb.pad(x, ((0, 0), (0, 0), (1, 1), (1, 1)), mode=mode))).flatten(1))  # noqa: E731
        model.parameters = lambda: [*conv.parameters(), *head.parameters()]
        return model, nb.optim.SGD(model.parameters(), lr=0.05)

    step = _assert_twins(_twins(build, _train_step(nb.cross_entropy), xs, ys))
    assert "getitem" in step.code or "take" in step.code


def test_a_recurrence_over_slices_of_a_sequence_is_bit_identical():
    """An RNN slices its input one step at a time; the walk adds those gradients in place (see
    nabla.engine.backward), and a replay does the same additions in the same order."""
    rng = np.random.default_rng(3)
    xs = [rng.standard_normal((5, 12, 3)).astype(np.float32) for _ in range(3)]
    ys = [rng.standard_normal((5, 1)).astype(np.float32) for _ in range(3)]

    def build():
        model = nn.ModuleDict({"inp": nn.Linear(3, 4), "cell": nn.Linear(4 + 6, 6), "head": nn.Linear(6, 1)})
        return model, nb.optim.Adam(model.parameters(), lr=0.01)

    def make_step(model, opt):
        def step(x, y):
            opt.zero_grad()
            xw = model["inp"](x)  # a computed sequence: its gradient is gathered from the 12 slices
            h = nb.zeros((x.shape[0], 6))
            for t in range(x.shape[1]):
                h = model["cell"](nb.cat([xw[:, t], h], axis=1)).tanh()
            loss = nb.mse_loss(model["head"](h), y)
            loss.backward()
            opt.step()
            return loss

        return step

    step = _assert_twins(_twins(build, make_step, xs, ys))
    assert "] += " in step.code  # (the additions in place are part of the program)


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


def test_constants_made_from_python_values_are_part_of_the_program():
    step = nb.capture(lambda x: (x + nb.zeros(3) + nb.tensor([1.0, 2.0, 3.0]))[nb.tensor([2, 0])])
    for x in (nb.ones(3), nb.arange(3.0)):
        np.testing.assert_array_equal(step(x).numpy(), (x.numpy() + [1.0, 2.0, 3.0])[[2, 0]])


def test_batch_norm_in_eval_mode_replays():
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    model.eval()
    step = nb.capture(model)
    x = nb.randn(5, 3)
    with nb.no_grad():
        np.testing.assert_array_equal(step(x).detach().numpy(), model(x).numpy())
        np.testing.assert_array_equal(step(x).detach().numpy(), model(x).numpy())


def test_dropout_of_a_tf_tensor_whose_shape_is_a_tensor_shape():
    """A nabla.tf tensor's ``.shape`` is a ``tf.TensorShape`` (a tuple subclass), which Dropout passes on as the
    mask's shape: the program wrote it with its class name, and the replay failed with a NameError."""
    import nabla.tf as tf

    xs, ys = _batches(6, 8, 4, classes=2)

    class TfRelu(nn.Module):
        def forward(self, x):
            return tf.nn.relu(x)

    def build():
        model = nn.Sequential(nn.Linear(4, 16), TfRelu(), nn.Dropout(0.5), nn.Linear(16, 2))
        return model, nb.optim.SGD(model.parameters(), lr=0.1)

    results = _twins(build, _train_step(nb.cross_entropy), xs, ys)
    _assert_twins(results)
    assert "TensorShape" not in results[1][2].code
