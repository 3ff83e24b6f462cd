"""``keras.optimizers.schedules``: each schedule's value at many steps against Keras 3's own."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk
from nabla.keras.optimizers import schedules

STEPS = [0, 1, 2, 3, 5, 7, 10, 11, 19, 20, 21, 29, 30, 31, 45, 60, 69, 70, 71, 99, 100, 101, 150, 299, 300, 1000]

CASES = [
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5)),
    ("ExponentialDecay", dict(initial_learning_rate=0.1, decay_steps=10, decay_rate=0.5, staircase=True)),
    ("PiecewiseConstantDecay", dict(boundaries=[10, 30, 70], values=[1.0, 0.5, 0.1, 0.01])),
    ("InverseTimeDecay", dict(initial_learning_rate=0.2, decay_steps=7, decay_rate=0.5)),
    ("InverseTimeDecay", dict(initial_learning_rate=0.2, decay_steps=7, decay_rate=0.5, staircase=True)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=30, end_learning_rate=0.01, power=0.5)),
    ("PolynomialDecay", dict(initial_learning_rate=0.1, decay_steps=30, end_learning_rate=0.01, power=2.0, cycle=True)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=100)),
    ("CosineDecay", dict(initial_learning_rate=0.1, decay_steps=100, alpha=0.2)),
    ("CosineDecay", dict(initial_learning_rate=0.0, decay_steps=100, warmup_target=0.1, warmup_steps=30, alpha=0.1)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=10)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=10, t_mul=1.0, m_mul=0.5, alpha=0.1)),
    ("CosineDecayRestarts", dict(initial_learning_rate=0.1, first_decay_steps=7, t_mul=3.0, m_mul=0.8)),
]


@pytest.mark.parametrize("name, config", CASES)
def test_a_schedule_gives_keras_s_rate_at_every_step(keras, name, config):
    ours, theirs = getattr(schedules, name)(**config), getattr(keras.optimizers.schedules, name)(**config)
    expected = [float(keras.ops.convert_to_numpy(theirs(keras.ops.convert_to_tensor(s, "int64")))) for s in STEPS]
    got = [ours(s) for s in STEPS]
    # (atol: Keras computes in float32, and 1 + cos(x) near x = pi loses digits there)
    np.testing.assert_allclose(got, expected, rtol=1e-6, atol=1e-8)
    assert ours.get_config() == theirs.get_config()
    again = schedules.deserialize(schedules.serialize(ours))
    assert type(again) is type(ours) and [again(s) for s in STEPS] == got


def test_schedules_are_reachable_under_keras_s_and_tensorflow_s_names():
    import nabla.tf as tf

    assert nk.optimizers.schedules.ExponentialDecay is schedules.ExponentialDecay
    assert tf.keras.optimizers.schedules.CosineDecay is schedules.CosineDecay
    from nabla.keras.optimizers.schedules import LearningRateSchedule  # noqa: F401
    from nabla.tf.keras.optimizers.schedules import PiecewiseConstantDecay  # noqa: F401

    with pytest.raises(AttributeError, match="does not offer keras.optimizers.schedules.Nonsense"):
        nk.optimizers.schedules.Nonsense  # noqa: B018


def test_bad_arguments_are_refused_with_what_was_given():
    with pytest.raises(ValueError, match="decay_steps must be > 0, got decay_steps=0"):
        schedules.ExponentialDecay(0.1, 0, 0.5)
    with pytest.raises(ValueError, match="one more value than boundaries, got 2 boundaries"):
        schedules.PiecewiseConstantDecay([1, 2], [0.1, 0.2])
    with pytest.raises(ValueError, match="boundaries must increase"):
        schedules.PiecewiseConstantDecay([5, 2], [0.1, 0.2, 0.3])
    with pytest.raises(NotImplementedError, match="must override __call__"):
        schedules.LearningRateSchedule()(0)
    with pytest.raises(ValueError, match="unknown schedule 'Mine'"):
        schedules.deserialize({"class_name": "Mine", "config": {}})


@pytest.mark.parametrize("name, config", CASES)
def test_many_steps_at_once_give_a_float32_tensor_of_keras_s_rates(keras, name, config):
    # The overfit tutorial plots a schedule with lr_schedule(np.linspace(0, 100000)). (Keras's
    # PiecewiseConstantDecay and warm-up CosineDecay branch on the step, so the reference goes step by step.)
    steps = np.linspace(0, 1000, 12).reshape(3, 4)
    theirs = getattr(keras.optimizers.schedules, name)(**config)
    expected = [float(keras.ops.convert_to_numpy(theirs(keras.ops.convert_to_tensor(s)))) for s in steps.flat]
    expected = np.reshape(expected, steps.shape)
    for given in (steps, steps.tolist(), nk.ops.convert_to_tensor(steps)):
        got = getattr(schedules, name)(**config)(given)
        assert got.dtype == np.float32 and got.shape == (3, 4)
        np.testing.assert_allclose(got.numpy(), expected, rtol=1e-5, atol=1e-7)
