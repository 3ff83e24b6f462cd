"""Keras 3's optimizer attributes, against Keras 3 (PyTorch backend) run here: the hyper-parameters read as
attributes (``optimizer.beta_1``, ``.momentum``, ``.epsilon``), and ``build(variables)`` / ``built`` before a
custom loop's first ``apply``."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

OPTIMIZERS = [
    ("Adam", {"beta_1": 0.8, "amsgrad": True}), ("AdamW", {}), ("SGD", {"momentum": 0.9, "nesterov": True}),
    ("RMSprop", {"rho": 0.8, "centered": True}), ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {}), ("Lion", {}),
    ("Ftrl", {"l1_regularization_strength": 0.1}), ("Nadam", {"epsilon": 1e-5}),
]  # fmt: skip
# Keras 3's base config: every other key of an optimizer's config is one of its own hyper-parameters.
BASE_KEYS = {
    "name", "learning_rate", "weight_decay", "clipnorm", "global_clipnorm", "clipvalue", "use_ema", "ema_momentum",
    "ema_overwrite_frequency", "loss_scale_factor", "gradient_accumulation_steps",
}  # fmt: skip


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS)
def test_hyper_parameters_read_as_attributes_as_keras(keras, name, options):
    theirs, ours = getattr(keras.optimizers, name)(**options), getattr(nk.optimizers, name)(**options)
    keys = sorted(set(theirs.get_config()) - BASE_KEYS)
    assert keys, name
    assert {k: getattr(ours, k) for k in keys} == pytest.approx({k: getattr(theirs, k) for k in keys})


def test_a_hyper_parameter_cannot_be_set_after_construction():
    optimizer = nk.optimizers.Adam()
    with pytest.raises(AttributeError, match=r"Adam.beta_1 cannot be changed .* build the optimizer with beta_1="):
        optimizer.beta_1 = 0.5
    assert optimizer.beta_1 == 0.9
    with pytest.raises(AttributeError, match="has no attribute 'beta_3'"):
        optimizer.beta_3


def _built_then_applied(m):
    """Keras 3's custom loop: ``optimizer.build(trainable_variables)``, then ``apply(grads, variables)``."""
    layer = m.layers.Dense(2)
    layer.build((None, 3))
    layer.set_weights([np.arange(6, dtype=np.float32).reshape(3, 2) / 10, np.array([0.5, -0.5], np.float32)])
    optimizer = m.optimizers.Adam(learning_rate=0.1)
    built_before = optimizer.built
    optimizer.build(layer.trainable_variables)
    grads = [m.ops.convert_to_tensor(g) for g in (np.full((3, 2), 0.5, np.float32), np.array([1.0, -2.0], np.float32))]
    for _ in range(2):
        optimizer.apply(grads, layer.trainable_variables)
    return built_before, optimizer.built, int(np.asarray(optimizer.iterations)), layer.get_weights()


def test_build_binds_the_variables_before_a_custom_loop_as_keras(keras):
    *their_flags, their_weights = _built_then_applied(keras)
    *our_flags, our_weights = _built_then_applied(nk)
    assert our_flags == their_flags == [False, True, 2]
    for mine, reference in zip(our_weights, their_weights):
        np.testing.assert_allclose(mine, reference, rtol=1e-6)


def _built_by_compile_and_fit(m):
    model = m.Sequential([m.Input((3,)), m.layers.Dense(2)])
    model.compile(optimizer=m.optimizers.SGD(0.1), loss="mse")
    after_compile = model.optimizer.built
    model.fit(np.ones((4, 3), np.float32), np.zeros((4, 2), np.float32), epochs=1, verbose=0)
    return [after_compile, model.optimizer.built]


def test_compile_leaves_the_optimizer_unbuilt_until_fit_as_keras(keras):
    assert _built_by_compile_and_fit(nk) == _built_by_compile_and_fit(keras) == [False, True]
