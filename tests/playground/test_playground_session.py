"""The playground's training loop: honest math (checked against PyTorch), reproducibility, the split."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla.playground import PlaygroundError, Session


def weights(session: Session) -> list[np.ndarray]:
    return [a.copy() for pair in session.dense_weights() for a in pair]


def record_batches(session: Session) -> list[np.ndarray]:
    """The positions (into the training arrays) of every mini-batch the session trains on from now."""
    used, original = [], session._next_batch

    def spy():
        batch = original()
        used.append(batch.copy())
        return batch

    session._next_batch = spy
    return used


def torch_network(session: Session):
    torch = require("torch")
    return [torch.tensor(a, dtype=torch.float64, requires_grad=True) for a in weights(session)]


def torch_loss(params, x, y, l2: float):
    """The session's tanh network, its binary cross-entropy on the logit and Keras's L2 (kernels only), in torch."""
    torch = require("torch")
    h = torch.tensor(x, dtype=torch.float64)
    for i in range(0, len(params), 2):
        h = h @ params[i] + params[i + 1]
        if i + 2 < len(params):
            h = torch.tanh(h)
    loss = torch.nn.functional.binary_cross_entropy_with_logits(h, torch.tensor(y, dtype=torch.float64))
    return loss + l2 * sum((w * w).sum() for w in params[0::2])


@pytest.mark.parametrize(
    ("optimizer", "torch_optimizer"),
    [("sgd", "SGD"), ("momentum", "SGD"), ("adam", "Adam"), ("rmsprop", "RMSprop"), ("adagrad", "Adagrad")],
)
def test_training_is_pytorchs_training_step_after_step(optimizer, torch_optimizer):
    """The same batches, loss (with the L2 penalty in it) and optimizer in PyTorch reach the same weights."""
    torch = require("torch")
    session = Session(
        {
            "dataset": "moons",
            "hidden": [5, 3],
            "regularization": "l2",
            "reg_rate": 0.01,
            "optimizer": optimizer,
            "lr": 0.05,
            "batch_size": 16,
        }
    )
    params = torch_network(session)
    extra = {"momentum": 0.9} if optimizer == "momentum" else {}
    opt = getattr(torch.optim, torch_optimizer)(params, lr=0.05, **extra)
    used = record_batches(session)
    session.train_batches(20)  # past the end of the first epoch: 250 training points, batches of 16
    for batch in used:
        opt.zero_grad()
        torch_loss(params, session.inputs_train[batch], session.targets_train[batch], 0.01).backward()
        opt.step()
    assert [len(b) for b in used[14:17]] == [16, 10, 16]  # an epoch's last batch is the rest
    for got, want in zip(weights(session), params):
        np.testing.assert_allclose(got, want.detach().numpy(), rtol=1e-4, atol=1e-5)


def test_training_learns_xor_and_moons():
    xor = Session({"dataset": "xor", "hidden": [4], "optimizer": "adam", "lr": 0.03, "epochs_per_frame": 5})
    moons = Session(
        {
            "dataset": "moons",
            "hidden": [16, 16],
            "output": "softmax",
            "optimizer": "adam",
            "lr": 0.01,
            "noise": 0.1,
            "epochs_per_frame": 5,
        }
    )
    for _ in range(8):
        xor.train_frame()
        moons.train_frame()
    assert xor.evaluate()["test_accuracy"] == 1.0
    assert moons.evaluate()["test_accuracy"] >= 0.97
    assert xor.epoch == 40 and moons.epoch == 40


def test_a_frame_trains_whole_epochs_and_a_step_one_batch():
    session = Session({"dataset": "circles", "points": 200, "train_ratio": 50, "batch_size": 30})
    assert session.batches_per_epoch == 4  # 100 training points: 30, 30, 30, 10
    session.train_batches(1)
    assert (session.steps, session.epoch, session.cursor) == (1, 0, 30)
    session.train_frame()  # finishes the epoch in progress, then one whole epoch
    assert (session.steps, session.epoch, session.cursor) == (8, 2, 0)
    session.configure({**session.config.to_json(), "batch_size": 2000})  # more than the set: the whole set
    assert session.batch_size == 100 and session.batches_per_epoch == 1


def test_the_seed_reproduces_a_run_whatever_the_frames_and_other_tabs():
    setup = {"dataset": "spiral", "hidden": [6], "dropout": 0.2, "optimizer": "adam", "lr": 0.02, "seed": 7}
    one, two, other = Session(setup), Session(setup), Session({**setup, "seed": 8})
    for _ in range(3):
        one.train_frame()
        other.train_frame()  # another tab training in between draws from nabla's generator too
    two.train_batches(3 * two.batches_per_epoch)
    nb.manual_seed(123)  # and so does the rest of the process
    for a, b in zip(weights(one), weights(two)):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(weights(one)[0], weights(other)[0])


def test_reset_gives_the_seeds_initial_weights_again():
    session = Session({"dataset": "moons", "seed": 3})
    start = weights(session)
    session.train_frame()
    assert not np.array_equal(start[0], weights(session)[0])
    session.reset()
    for a, b in zip(start, weights(session)):
        np.testing.assert_array_equal(a, b)
    assert (session.epoch, session.steps) == (0, 0)


def test_test_points_are_never_trained_on():
    session = Session({"dataset": "moons", "hidden": [8], "optimizer": "adam", "seed": 5})
    poisoned = Session({"dataset": "moons", "hidden": [8], "optimizer": "adam", "seed": 5})
    assert set(session.data.train).isdisjoint(session.data.test)
    assert len(session.data.train) + len(session.data.test) == len(session.data.y)
    rng = np.random.default_rng(0)
    poisoned.data.y[poisoned.data.test] = rng.integers(0, 2, len(poisoned.data.test))  # the test labels only
    poisoned.inputs_test[:] = rng.normal(size=poisoned.inputs_test.shape)
    for _ in range(3):
        session.train_frame()
        poisoned.train_frame()
    for a, b in zip(weights(session), weights(poisoned)):
        np.testing.assert_array_equal(a, b)


def test_dropout_acts_in_training_only():
    session = Session({"dataset": "moons", "hidden": [16], "dropout": 0.5})
    grid = session.inputs_test
    first = session.activations(grid)[1]
    second = session.activations(grid)[1]
    np.testing.assert_array_equal(first, second)  # evaluation: no dropout, the same every time
    # evaluation equals the network without its Dropout layer
    out = nb.tensor(grid)
    with nb.no_grad():
        for layer in session.network.logit_layers:
            if type(layer).__name__ != "Dropout":
                out = layer(out)
    np.testing.assert_allclose(session.network.probabilities(out.numpy()), first, rtol=1e-6)
    dense = session.network.logit_layers[0]
    drop = session.network.logit_layers[1]
    with nb.no_grad():
        h = dense(nb.tensor(grid))
        masked = drop(h, training=True).numpy()  # as the training step calls the layers (Keras's mode)
    zeros = np.mean(masked == 0)
    assert 0.35 < zeros < 0.65  # about half the units are dropped while training
    np.testing.assert_allclose(masked[masked != 0], 2 * h.numpy()[masked != 0], rtol=1e-6)  # scaled by 1/(1-p)
    session.network.optimizer.step = lambda: None  # (the weights stay: two steps differ by their masks only)
    x, target = session._batch_arrays()
    assert float(session._train_step(x, target)) != float(session._train_step(x, target))  # the step drops


def test_the_loss_reported_is_the_data_term_and_the_penalty_apart():
    session = Session({"dataset": "circles", "hidden": [4], "regularization": "l1", "reg_rate": 0.01})
    metrics = session.evaluate()
    kernels = [k for k, _ in session.dense_weights()]
    assert metrics["penalty"] == pytest.approx(0.01 * sum(np.abs(k).sum() for k in kernels), rel=1e-5)
    probs = session.activations(session.inputs_train)[1][:, 1].astype(np.float64)
    y = session.data.y[session.data.train]
    bce = -np.mean(y * np.log(probs) + (1 - y) * np.log(1 - probs))
    assert metrics["train_loss"] == pytest.approx(bce, rel=1e-4)


def test_regression_reports_r2_like_scikit_learn():
    require("sklearn")
    from sklearn.metrics import r2_score

    session = Session({"dataset": "sine", "features": ["x1"], "hidden": [8], "optimizer": "adam", "lr": 0.03})
    for _ in range(5):
        session.train_frame()
    got = session.evaluate()
    predicted = session.activations(session.inputs_test)[1]
    want = r2_score(session.data.y[session.data.test], predicted)
    assert got["test_r2"] == pytest.approx(want, rel=1e-4)


def test_the_learning_rate_changes_without_a_new_network():
    session = Session({"dataset": "moons"})
    session.train_frame()
    before = weights(session)
    assert session.configure({**session.config.to_json(), "lr": 0.3}) == "live"
    assert session.network.optimizer.param_groups[0]["lr"] == 0.3
    for a, b in zip(before, weights(session)):
        np.testing.assert_array_equal(a, b)
    assert session.configure({**session.config.to_json(), "hidden": [3]}) == "network"
    assert session.configure({**session.config.to_json(), "noise": 0.2}) == "data"
    assert session.configure(session.config.to_json()) == "same"


def test_bad_settings_change_nothing():
    session = Session({"dataset": "moons", "hidden": [4]})
    session.train_frame()
    before, config = weights(session), session.config
    for bad in ({"hidden": [4] * 500}, {"hidden": [100000]}, {"lr": float("nan")}, {"dataset": "csv"}, {"x": 1}):
        with pytest.raises(PlaygroundError):
            session.configure({**config.to_json(), **bad})
    assert session.config == config and session.epoch == 1
    for a, b in zip(before, weights(session)):
        np.testing.assert_array_equal(a, b)
