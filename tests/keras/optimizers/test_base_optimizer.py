"""Keras's optimizer classes step for step against Keras 3's: update forms, schedules, clipping, weight decay."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

SHAPES = [(4, 3), (3,), (2, 2, 2)]
STEPS = 12


def _gradients(seed: int = 0) -> list[list[np.ndarray]]:
    """Gradients of mixed sizes for STEPS steps (large enough for clipping to bite, some tiny)."""
    rng = np.random.default_rng(seed)
    return [[(rng.normal(size=s) * rng.choice([0.01, 1.0, 5.0])).astype(np.float32) for s in SHAPES]
            for _ in range(STEPS)]  # fmt: skip


def _trajectory(module, make, grads, initial) -> list[list[np.ndarray]]:
    """The variables after each step of ``make()``'s apply_gradients, with ``module`` (keras or nabla.keras)."""
    variables = [module.Variable(w.copy()) for w in initial]
    optimizer = make(module)
    seen = []
    for step in grads:
        optimizer.apply_gradients(zip([module.ops.convert_to_tensor(g) for g in step], variables))
        seen.append([np.array(module.ops.convert_to_numpy(v)) for v in variables])
    return seen, optimizer


def _schedule(module):
    return module.optimizers.schedules.ExponentialDecay(0.05, decay_steps=3, decay_rate=0.5)


CASES = {
    "sgd": lambda k: k.optimizers.SGD(learning_rate=0.05),
    "sgd momentum": lambda k: k.optimizers.SGD(learning_rate=0.05, momentum=0.9),
    "sgd nesterov, decay": lambda k: k.optimizers.SGD(0.05, momentum=0.8, nesterov=True, weight_decay=0.1),
    "sgd momentum, schedule": lambda k: k.optimizers.SGD(learning_rate=_schedule(k), momentum=0.9),
    "adam": lambda k: k.optimizers.Adam(learning_rate=0.01),
    "adam amsgrad, clipnorm": lambda k: k.optimizers.Adam(learning_rate=0.01, amsgrad=True, clipnorm=1.0),
    "adam schedule": lambda k: k.optimizers.Adam(
        learning_rate=k.optimizers.schedules.CosineDecay(0.02, decay_steps=8, warmup_target=0.05, warmup_steps=3)
    ),
    "adamw global_clipnorm": lambda k: k.optimizers.AdamW(learning_rate=0.01, global_clipnorm=2.0),
    "rmsprop": lambda k: k.optimizers.RMSprop(learning_rate=0.01),
    "rmsprop centered, momentum": lambda k: k.optimizers.RMSprop(0.01, momentum=0.5, centered=True, clipvalue=0.5),
    "rmsprop schedule": lambda k: k.optimizers.RMSprop(
        learning_rate=k.optimizers.schedules.PiecewiseConstantDecay([3, 7], [0.02, 0.01, 0.001])
    ),
    "adagrad": lambda k: k.optimizers.Adagrad(learning_rate=0.1),
    "adagrad decay, clipnorm": lambda k: k.optimizers.Adagrad(learning_rate=0.1, weight_decay=0.05, clipnorm=0.3),
    "adagrad polynomial": lambda k: k.optimizers.Adagrad(
        learning_rate=k.optimizers.schedules.PolynomialDecay(0.1, decay_steps=5, cycle=True)
    ),
    "nadam": lambda k: k.optimizers.Nadam(learning_rate=0.01),
    "nadam betas, decay, schedule": lambda k: k.optimizers.Nadam(_schedule(k), beta_1=0.8, beta_2=0.9,
                                                                  weight_decay=0.1),
    "adamax": lambda k: k.optimizers.Adamax(learning_rate=0.01),
    "adamax betas, clipvalue": lambda k: k.optimizers.Adamax(0.02, beta_1=0.7, beta_2=0.95, clipvalue=0.5),
    "adadelta": lambda k: k.optimizers.Adadelta(learning_rate=1.0),
    "adadelta rho, global_clipnorm": lambda k: k.optimizers.Adadelta(0.5, rho=0.8, epsilon=1e-5, global_clipnorm=1.0),
    "lion": lambda k: k.optimizers.Lion(learning_rate=0.01),
    "lion betas, decay, clipnorm": lambda k: k.optimizers.Lion(_schedule(k), beta_1=0.5, beta_2=0.9, weight_decay=0.2,
                                                                 clipnorm=0.5),
    "ftrl": lambda k: k.optimizers.Ftrl(learning_rate=0.1),
    "ftrl l1, l2, shrinkage, beta": lambda k: k.optimizers.Ftrl(
        0.1, learning_rate_power=-0.3, initial_accumulator_value=0.5, l1_regularization_strength=0.01,
        l2_regularization_strength=0.02, l2_shrinkage_regularization_strength=0.05, beta=0.1, clipvalue=1.0,
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_variables_follow_keras_s_to_1e_6(keras, case):
    grads = _gradients()
    initial = [np.random.default_rng(1).normal(size=s).astype(np.float32) for s in SHAPES]
    theirs, their_optimizer = _trajectory(keras, CASES[case], grads, initial)
    ours, our_optimizer = _trajectory(nk, CASES[case], grads, initial)
    for step, (a, b) in enumerate(zip(ours, theirs)):
        for x, y in zip(a, b):
            assert x.dtype == np.float32
            np.testing.assert_allclose(x, y, rtol=1e-6, atol=1e-6, err_msg=f"{case}, step {step}")
    their_iterations = keras.ops.convert_to_numpy(their_optimizer.iterations)
    assert our_optimizer.iterations == int(their_iterations) == STEPS
    assert our_optimizer.iterations.numpy() == their_iterations  # (TensorFlow's tutorials print it)
    assert our_optimizer.iterations.numpy().dtype == np.int64  # (Keras on TensorFlow's; on PyTorch it is int32)
    their_rate = float(keras.ops.convert_to_numpy(their_optimizer.learning_rate))
    assert our_optimizer.learning_rate == pytest.approx(their_rate, rel=1e-6)


def test_the_learning_rate_reads_as_a_float_and_as_keras_s_variable(keras):
    ours, theirs = nk.optimizers.Adam(learning_rate=0.01), keras.optimizers.Adam(learning_rate=0.01)
    for optimizer in (ours, theirs):
        assert float(optimizer.learning_rate) == pytest.approx(0.01)
        assert optimizer.learning_rate.numpy() == np.float32(0.01)
        optimizer.learning_rate.assign(0.002)
        assert float(optimizer.learning_rate) == pytest.approx(0.002)
    assert f"{ours.learning_rate:.3f}" == "0.002" and ours.lr == ours.learning_rate


def test_clipping_leaves_the_variables_grad_as_it_was():
    w = nk.Variable(np.ones(3, np.float32))
    w.grad = nk.ops.convert_to_tensor(np.array([3.0, 4.0, 0.0], np.float32))
    optimizer = nk.optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    optimizer.bind([w])
    optimizer.step()
    np.testing.assert_allclose(w.numpy(), [1 - 0.6, 1 - 0.8, 1.0], rtol=1e-6)
    np.testing.assert_array_equal(w.grad.numpy(), [3.0, 4.0, 0.0])


def test_global_clipnorm_scales_all_gradients_by_one_factor_and_clipnorm_each_on_its_own():
    a, b = nk.Variable(np.zeros(2, np.float32)), nk.Variable(np.zeros(1, np.float32))
    grads = [np.array([3.0, 0.0], np.float32), np.array([4.0], np.float32)]
    nk.optimizers.SGD(learning_rate=1.0, global_clipnorm=1.0).apply_gradients(zip(grads, [a, b]))
    np.testing.assert_allclose(np.concatenate([a.numpy(), b.numpy()]), [-0.6, 0.0, -0.8], rtol=1e-6)
    a.assign(np.zeros(2)), b.assign(np.zeros(1))
    nk.optimizers.SGD(learning_rate=1.0, clipnorm=1.0).apply_gradients(zip(grads, [a, b]))
    np.testing.assert_allclose(np.concatenate([a.numpy(), b.numpy()]), [-1.0, 0.0, -1.0], rtol=1e-6)


def test_a_schedule_s_rate_is_read_not_set_as_in_keras():
    optimizer = nk.optimizers.SGD(learning_rate=_schedule(nk))
    assert optimizer.learning_rate == pytest.approx(0.05)
    with pytest.raises(TypeError, match="created with a LearningRateSchedule"):
        optimizer.learning_rate = 0.1
    optimizer.learning_rate = nk.optimizers.schedules.InverseTimeDecay(0.2, 1, 1.0)  # a schedule replaces one
    assert optimizer.learning_rate == pytest.approx(0.2)
    with pytest.raises(TypeError, match="cannot be set"):
        optimizer.learning_rate.assign(0.1)
    with pytest.raises(TypeError, match="learning_rate must be a float or a keras.optimizers.schedules"):
        nk.optimizers.Adam(learning_rate="fast")


class Warmup(nk.optimizers.schedules.LearningRateSchedule):
    """The Transformer tutorial's schedule, written on TensorFlow's names (the step arrives as a tensor)."""

    def __init__(self, d_model: int, warmup_steps: int = 4):
        self.d_model, self.warmup_steps = float(d_model), warmup_steps

    def __call__(self, step):
        import nabla.tf as tf

        step = tf.cast(step, tf.float32) + 1.0
        return tf.math.rsqrt(self.d_model) * tf.math.minimum(tf.math.rsqrt(step), step * self.warmup_steps**-1.5)


def test_a_schedule_of_yours_gets_the_step_as_a_tensor_and_may_return_one():
    optimizer = nk.optimizers.Adam(learning_rate=Warmup(16))
    w = nk.Variable(np.ones(2, np.float32))
    rates = []
    for _ in range(6):
        rates.append(optimizer.learning_rate)
        optimizer.apply_gradients([(np.ones(2, np.float32), w)])
    expected = [16**-0.5 * min((s + 1) ** -0.5, (s + 1) * 4**-1.5) for s in range(6)]
    np.testing.assert_allclose(rates, expected, rtol=1e-6)


def test_fit_steps_the_schedule_once_per_batch_and_callbacks_log_its_rate():
    x = np.random.default_rng(0).normal(size=(40, 3)).astype(np.float32)
    y = x.sum(1, keepdims=True)
    model = nk.Sequential([nk.Input((3,)), nk.layers.Dense(1)])
    schedule = nk.optimizers.schedules.ExponentialDecay(0.05, decay_steps=4, decay_rate=0.5, staircase=True)
    model.compile(optimizer=nk.optimizers.SGD(learning_rate=schedule), loss="mse")
    logged = []
    callback = nk.callbacks.LambdaCallback(on_epoch_end=lambda e, logs: logged.append(model.optimizer.learning_rate))
    model.fit(x, y, batch_size=10, epochs=3, verbose=0, callbacks=[callback])
    assert model.optimizer.iterations == 12
    assert logged == pytest.approx([schedule(4), schedule(8), schedule(12)])
    plateau = nk.callbacks.ReduceLROnPlateau(monitor="loss", patience=0, min_delta=1e9)
    with pytest.raises(TypeError, match="cannot be set"):
        model.fit(x, y, batch_size=10, epochs=2, verbose=0, callbacks=[plateau])


@pytest.mark.parametrize(
    "optimizer",
    [
        "adam",
        "rmsprop",
        "adagrad",
        "nadam",
        "adamax",
        "adadelta",
        "lion",
        "ftrl",
        lambda k: k.optimizers.SGD(
            learning_rate=k.optimizers.schedules.CosineDecayRestarts(0.1, first_decay_steps=3), momentum=0.9,
            global_clipnorm=0.5,
        ),
        lambda k: k.optimizers.Adam(learning_rate=_schedule(k), clipnorm=0.1),
    ],
)
@pytest.mark.parametrize("jit_compile", [True, False])
def test_fit_with_keras_s_optimizers_gives_keras_s_history(keras, optimizer, jit_compile):
    """compile("adam") and the other names train as Keras does (its update forms), captured or eager."""
    x = np.random.default_rng(0).normal(size=(60, 4)).astype(np.float32)
    y = (x @ np.array([[1.0], [-2.0], [0.5], [3.0]], np.float32) + 0.3).astype(np.float32)
    histories = []
    theirs = keras.Sequential([keras.Input((4,)), keras.layers.Dense(6, activation="tanh"), keras.layers.Dense(1)])
    ours = nk.Sequential([nk.Input((4,)), nk.layers.Dense(6, activation="tanh"), nk.layers.Dense(1)])
    ours.set_weights(theirs.get_weights())
    for module, model in ((keras, theirs), (nk, ours)):
        made = optimizer(module) if callable(optimizer) else optimizer
        extra = {"jit_compile": jit_compile} if module is nk else {}
        model.compile(optimizer=made, loss="mse", metrics=["mae"], **extra)
        histories.append(model.fit(x, y, epochs=4, batch_size=16, shuffle=False, verbose=0).history)
    assert type(ours.optimizer).__name__ == type(theirs.optimizer).__name__.replace("Torch", "")
    for key in histories[1]:
        np.testing.assert_allclose(histories[1][key], histories[0][key], rtol=1e-5, err_msg=key)
    for w_ours, w_theirs in zip(ours.get_weights(), theirs.get_weights()):
        np.testing.assert_allclose(w_ours, w_theirs, rtol=1e-5, atol=1e-6)
