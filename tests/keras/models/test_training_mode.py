"""Training or inference: which mode a call runs in, against Keras 3 (PyTorch backend) with the same weights.

``model(x)`` is inference (Dropout off, BatchNormalization on its moving statistics), ``model(x,
training=True)`` trains, ``fit`` / ``train_on_batch`` train, ``evaluate`` / ``predict`` infer; a layer
whose ``call`` takes ``training`` gets the mode of the call that encloses it.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras
import nabla.tf as tf

RNG = np.random.default_rng(11)
X = (RNG.standard_normal((16, 4)) * 2 + 1).astype(np.float32)
Y = RNG.standard_normal((16, 1)).astype(np.float32)


def twins(build):
    """``build(k)`` with Keras 3 and with nabla, nabla given Keras's initial weights."""
    reference_keras = keras_on_torch()
    reference, model = build(reference_keras), build(keras)
    reference(X[:1]), model(X[:1])
    model.set_weights([np.asarray(w) for w in reference.get_weights()])
    return reference_keras, reference, model


def numpy(value) -> np.ndarray:
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def dropout_model(k):
    return k.Sequential([k.Input((4,)), k.layers.Dense(8), k.layers.Dropout(0.5), k.layers.Dense(1)])


def test_a_direct_call_is_inference_and_training_true_drops():
    _, reference, model = twins(dropout_model)
    model.train()  # the module's PyTorch mode plays no part
    inference = numpy(model(X))
    np.testing.assert_allclose(inference, numpy(reference(X)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(inference, model.predict(X, verbose=0), rtol=1e-6)
    first, second = numpy(model(X, training=True)), numpy(model(X, training=True))
    assert not np.allclose(first, inference) and not np.allclose(first, second)  # random masks, as Keras's
    assert not np.allclose(numpy(reference(X, training=True)), numpy(reference(X)))
    np.testing.assert_allclose(numpy(model(X, training=False)), inference, rtol=1e-6)


def batch_norm_model(k):
    return k.Sequential([k.Input((4,)), k.layers.BatchNormalization(momentum=0.9), k.layers.Dense(1)])


def test_batch_normalization_called_directly_uses_and_keeps_its_moving_statistics():
    _, reference, model = twins(batch_norm_model)
    statistics = [np.full(4, 0.5, np.float32), np.full(4, 2.0, np.float32)]  # moving mean, moving variance
    for m in (reference, model):
        bn = m.layers[0]
        bn.set_weights(bn.get_weights()[:2] + statistics)
    np.testing.assert_allclose(numpy(model(X)), numpy(reference(X)), rtol=1e-5, atol=1e-6)
    np.testing.assert_array_equal(model.layers[0].get_weights()[2:], statistics)  # not updated

    trained, want = numpy(model(X, training=True)), numpy(reference(X, training=True))
    np.testing.assert_allclose(trained, want, rtol=1e-4, atol=1e-5)  # on the batch's statistics
    for mine, theirs in zip(model.layers[0].get_weights()[2:], reference.layers[0].get_weights()[2:]):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-5)  # and updated as Keras's


def probe_class(k, seen: list):
    """A layer that records the ``training`` its ``call`` receives."""

    class Probe(k.layers.Layer):
        def call(self, inputs, training=None):
            seen.append(training)
            return inputs

    return Probe


def sequential_with_probe(k, seen):
    return k.Sequential([k.Input((4,)), probe_class(k, seen)(), k.layers.Dense(1)])


def subclassed_with_probe(k, seen, with_training: bool = True):
    class Outer(k.Model):
        def __init__(self):
            super().__init__()
            self.probe, self.dense = probe_class(k, seen)(), k.layers.Dense(1)

        def call(self, inputs, training=None):  # (it need not pass training on: the probe gets the mode)
            return self.dense(self.probe(inputs))

    class OuterWithoutTraining(Outer):
        def call(self, inputs):
            return super().call(inputs)

    return Outer() if with_training else OuterWithoutTraining()


def received(model, action, seen: list):
    seen.clear()
    action(model)
    return seen[-1]  # (Keras also runs the model once while tracing fit or building: the last call is the step)


ACTIONS = {
    "direct call": lambda m: m(X),
    "training=True": lambda m: m(X, training=True),
    "training=False": lambda m: m(X, training=False),
    "fit": lambda m: m.fit(X, Y, epochs=1, batch_size=8, verbose=0),
    "train_on_batch": lambda m: m.train_on_batch(X, Y),
    "evaluate": lambda m: m.evaluate(X, Y, verbose=0),
    "predict": lambda m: m.predict(X, verbose=0),
}


@pytest.mark.parametrize("build", [sequential_with_probe, subclassed_with_probe], ids=["Sequential", "subclassed"])
def test_a_custom_layer_receives_the_mode_keras_gives_it(build):
    reference_keras = keras_on_torch()
    theirs, mine = [], []
    reference, model = build(reference_keras, theirs), build(keras, mine)
    for m in (reference, model):
        m.compile(optimizer="sgd", loss="mse")
    got = {name: received(model, action, mine) for name, action in ACTIONS.items()}
    want = {name: received(reference, action, theirs) for name, action in ACTIONS.items()}
    assert got == want
    assert got["direct call"] is None and got["fit"] is True and got["predict"] is False


def test_a_model_whose_call_has_no_training_parameter_still_trains_in_fit():
    """As TF 2's Keras; Keras 3.15's fit calls such a model without ``training=``, so its Dropout stays off."""
    seen = []
    model = subclassed_with_probe(keras, seen, with_training=False)
    model.compile(optimizer="sgd", loss="mse")
    got = {name: received(model, action, seen) for name, action in ACTIONS.items()}
    assert got == {"direct call": None, "training=True": True, "training=False": False, "fit": True,
                   "train_on_batch": True, "evaluate": False, "predict": False}  # fmt: skip


def test_the_captured_fit_step_runs_in_training_mode():
    seen = []
    model = keras.Sequential([keras.Input((4,)), probe_class(keras, seen)(), keras.layers.Dropout(0.5),
                              keras.layers.Dense(1, kernel_initializer="ones")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.0), loss="mse")
    trained = model.train_on_batch(X, Y)
    assert model._captured_step is not None and model._captured_step.captures == 1
    assert seen[-1] is True  # what the capture recorded, and so what every replay runs
    assert model.train_on_batch(X, Y) != trained  # a replay draws new masks
    assert model.test_on_batch(X, Y) != trained


def propagation_layers(k, seen: list):
    """A layer whose ``call`` defaults ``training`` to True, and one whose ``call`` takes ``**kwargs``,
    each wrapping a probe."""
    probe = probe_class(k, seen)

    class Wrapper(k.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = probe()

        def call(self, inputs, training=True):  # a non-None default is the mode when no call sets one
            seen.append(("wrapper", training))
            return self.inner(inputs)

    class Plain(k.layers.Layer):
        def __init__(self):
            super().__init__()
            self.inner = probe()

        def call(self, inputs, **kwargs):  # **kwargs does not receive training, as in Keras
            seen.append(("plain", dict(kwargs)))
            return self.inner(inputs)

    return Wrapper(), Plain()


@pytest.mark.parametrize("library", ["keras 3", "nabla"])
def test_the_mode_propagates_as_keras_resolves_it(library):
    seen = []
    wrapper, plain = propagation_layers(keras_on_torch() if library == "keras 3" else keras, seen)
    wrapper(X)
    assert seen[-2:] == [("wrapper", True), True]
    plain(X, training=True)
    assert seen[-2:] == [("plain", {}), True]


def test_an_explicit_mode_holds_for_that_call_only():
    """TF 2's Keras scopes it; Keras 3.15 lets the last explicit value stand for the rest of the outer call."""
    seen = []
    probe = probe_class(keras, seen)

    class FineTune(keras.Model):
        def __init__(self):
            super().__init__()
            self.base, self.head = probe(), probe()

        def call(self, inputs, training=None):
            return self.head(self.base(inputs, training=False))

    FineTune()(X, training=True)
    assert seen == [False, True]


def test_a_gradient_tape_loop_with_training_true_trains_as_keras():
    """The TF quickstart's loop (``model(x, training=True)`` under a tape) against Keras's loop on torch."""
    reference_keras, reference, model = twins(batch_norm_model)
    torch = pytest.importorskip("torch")
    reference_optimizer = reference_keras.optimizers.SGD(learning_rate=0.1)
    optimizer = tf.keras.optimizers.SGD(learning_rate=0.1)
    loss_fn, reference_loss_fn = tf.keras.losses.MeanSquaredError(), reference_keras.losses.MeanSquaredError()
    for _ in range(5):
        with tf.GradientTape() as tape:
            loss = loss_fn(Y, model(X, training=True))
        optimizer.apply_gradients(zip(tape.gradient(loss, model.trainable_variables), model.trainable_variables))

        reference.zero_grad()
        reference_loss = reference_loss_fn(torch.tensor(Y), reference(X, training=True))
        reference_loss.backward()
        grads = [v.value.grad for v in reference.trainable_weights]
        with torch.no_grad():
            reference_optimizer.apply(grads, reference.trainable_weights)
        np.testing.assert_allclose(float(loss), float(reference_loss), rtol=1e-5)
    for mine, theirs in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(mine, numpy(theirs), rtol=1e-4, atol=1e-6)  # moving statistics included
