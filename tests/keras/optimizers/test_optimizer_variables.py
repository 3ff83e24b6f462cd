"""``optimizer.variables`` against Keras 3 (PyTorch backend), run here: the same model, weights and data fitted
two steps on both sides give the same list (paths, shapes, dtypes, values) for every Keras optimizer.

The iteration count is an int64, as Keras's variable on TensorFlow (``optimizer.iterations`` prints so
too); Keras's PyTorch backend keeps an int32.
"""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk

OPTIMIZERS = [
    ("Adam", {}), ("Adam", {"amsgrad": True}), ("AdamW", {}), ("SGD", {}), ("SGD", {"momentum": 0.9}),
    ("SGD", {"momentum": 0.9, "nesterov": True}), ("RMSprop", {}), ("RMSprop", {"momentum": 0.5, "centered": True}),
    ("Adagrad", {}), ("Adadelta", {}), ("Adamax", {}), ("Lion", {}), ("Ftrl", {}), ("Nadam", {}),
]  # fmt: skip


def _fitted(m, name: str, options: dict):
    rng = np.random.default_rng(0)
    model = m.Sequential([m.Input((3,)), m.layers.Dense(2, name="d")], name="m")
    model.set_weights([rng.normal(size=(3, 2)).astype(np.float32), rng.normal(size=2).astype(np.float32)])
    optimizer = getattr(m.optimizers, name)(name="opt", **options)  # (Keras numbers default names: adam_1...)
    model.compile(optimizer, "mse")
    before = [repr(v) for v in optimizer.variables]
    x, y = rng.normal(size=(8, 3)).astype(np.float32), rng.normal(size=(8, 2)).astype(np.float32)
    model.fit(x, y, batch_size=8, epochs=2, shuffle=False, verbose=0)
    return optimizer, before


@pytest.mark.parametrize(("name", "options"), OPTIMIZERS)
def test_variables_match_keras(keras, name, options):
    theirs, their_before = _fitted(keras, name, options)
    ours, our_before = _fitted(nk, name, options)
    # after compile, before any update: iterations and the learning rate (Keras builds the slots then)
    assert [r.replace("int64", "int32") for r in our_before] == their_before
    want, got = theirs.variables, ours.variables
    paths = [v.path for v in want]
    if name == "Nadam":  # its last is its momentum product, unnamed: under the optimizer's scope on TensorFlow
        paths[-1] = "opt/variable"  # (Keras 3.15 on TensorFlow after this fit, run apart; "variable" on PyTorch)
    assert [v.path for v in got] == paths
    assert [tuple(v.shape) for v in got] == [tuple(v.shape) for v in want]
    assert [str(v.dtype) for v in got[1:]] == [str(v.dtype) for v in want[1:]]
    assert int(got[0]) == int(want[0].numpy()) == 2
    for mine, reference in zip(got[1:], want[1:]):
        np.testing.assert_allclose(np.asarray(mine.numpy()), np.asarray(reference.numpy()), rtol=1e-4, atol=1e-6,
                                   err_msg=reference.path)  # fmt: skip


def test_variables_of_a_schedule_and_of_unbound_weights():
    scheduled = nk.optimizers.Adam(nk.optimizers.schedules.ExponentialDecay(0.1, 10, 0.5))
    assert [repr(v) for v in scheduled.variables] == ["<Variable path=adam/iteration, shape=(), dtype=int64, value=0>"]
    # a variable that had no gradient at the update has Keras's zeros
    a, b = nk.Variable(np.ones(2, np.float32), name="a"), nk.Variable(np.ones(3, np.float32), name="b")
    optimizer = nk.optimizers.SGD(0.1, momentum=0.9)
    optimizer.apply_gradients([(np.ones(2, np.float32), a), (None, b)])  # (built on both, as Keras 3 builds)
    optimizer.apply_gradients([(np.ones(3, np.float32), b), (None, a)])
    paths = [v.path for v in optimizer.variables]
    assert paths == ["sgd/iteration", "sgd/learning_rate", "sgd/a_momentum", "sgd/b_momentum"]
    np.testing.assert_allclose(optimizer.variables[2].numpy(), [-0.1, -0.1])
