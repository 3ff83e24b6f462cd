"""A subclassed ``keras.Model`` trained by ``fit`` and by a custom loop, against Keras 3 with the same weights."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as keras

RNG = np.random.default_rng(3)
X = RNG.standard_normal((40, 5)).astype(np.float32)
Y = (X @ RNG.standard_normal((5, 1)) + 0.1).astype(np.float32)


def two_layer_class(k):
    class TwoLayer(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.hidden = k.layers.Dense(8, activation="tanh")
            self.out = k.layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.hidden(inputs))

    return TwoLayer


def twins():
    """The Keras model and the nabla model, with Keras's initial weights copied."""
    reference_keras = keras_on_torch()
    reference, model = two_layer_class(reference_keras)(), two_layer_class(keras)()
    reference(X[:1]), model(X[:1])
    model.set_weights(reference.get_weights())
    return reference_keras, reference, model


@pytest.mark.parametrize(
    "optimizer",
    [
        lambda k: k.optimizers.SGD(learning_rate=0.05),
        lambda k: k.optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True),
        lambda k: k.optimizers.Adam(learning_rate=0.01),
        lambda k: k.optimizers.AdamW(learning_rate=0.01, weight_decay=0.1),
        lambda k: k.optimizers.SGD(learning_rate=0.05, weight_decay=0.1),
    ],
)
def test_fit_gives_keras_numbers(optimizer):
    reference_keras, reference, model = twins()
    reference.compile(optimizer=optimizer(reference_keras), loss="mse")
    model.compile(optimizer=optimizer(keras), loss="mse")
    want = reference.fit(X, Y, batch_size=10, epochs=4, shuffle=False, verbose=0).history["loss"]
    got = model.fit(X, Y, batch_size=10, epochs=4, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, want, rtol=1e-4)
    for g, w in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)
    np.testing.assert_allclose(
        model.evaluate(X, Y, verbose=0), reference.evaluate(X, Y, verbose=0), rtol=1e-4
    )


def custom_loop(k, model, steps: int = 5):
    """Keras 3's custom training loop on its PyTorch backend, written once for both modules."""
    optimizer = k.optimizers.Adam(learning_rate=0.02)
    loss_fn = k.losses.MeanSquaredError()
    losses = []
    for step in range(steps):
        batch = slice(8 * step, 8 * step + 8)
        prediction = model(X[batch], training=True)
        loss = loss_fn(Y[batch], prediction)
        model.zero_grad()
        loss.backward()
        grads = [v.value.grad for v in model.trainable_weights]
        optimizer.apply(grads, model.trainable_weights)
        losses.append(float(k.ops.convert_to_numpy(loss)))
    assert optimizer.iterations == steps or int(optimizer.iterations) == steps
    return losses


def test_a_custom_training_loop_gives_keras_numbers():
    reference_keras, reference, model = twins()
    want = custom_loop(reference_keras, reference)
    got = custom_loop(keras, model)
    np.testing.assert_allclose(got, want, rtol=1e-4)
    for g, w in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def test_apply_gradients_on_variables_of_your_own():
    w = keras.Variable([1.0, -2.0], name="w")
    b = keras.Variable(0.5, name="b")
    optimizer = keras.optimizers.SGD(learning_rate=0.1)
    optimizer.apply_gradients(zip([keras.ops.ones((2,)), None], [w, b]))  # a None gradient leaves b alone
    np.testing.assert_allclose(w.numpy(), [0.9, -2.1], rtol=1e-6)
    optimizer.apply_gradients([(keras.ops.ones(()), b)])  # a variable seen for the first time joins
    np.testing.assert_allclose(b.numpy(), 0.4, rtol=1e-6)
    assert optimizer.learning_rate == pytest.approx(0.1)
    optimizer.learning_rate = 0.01
    assert all(group["lr"] == 0.01 for group in optimizer.param_groups)
    with pytest.raises(ValueError, match="only one of clipnorm, clipvalue, global_clipnorm"):
        keras.optimizers.Adam(clipnorm=1.0, clipvalue=0.5)


def test_a_subclassed_build_runs_on_the_first_call():
    class WithBuild(keras.Model):
        def build(self, input_shape):
            self.scale = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="scale")

        def call(self, inputs):
            return inputs * self.scale

    model = WithBuild()
    assert model(np.ones((2, 3), np.float32)).shape == (2, 3)
    assert [w.name for w in model.trainable_variables] == ["scale"]


@pytest.mark.parametrize("name", ["SGD", "Adam", "AdamW", "RMSprop", "Adagrad"])
def test_a_model_compiled_with_a_keras_optimizer_class_saves_and_loads(name, tmp_path):
    model = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(1)])
    model.compile(optimizer=getattr(keras.optimizers, name)(learning_rate=0.01), loss="mse")
    model.fit(X, Y, epochs=1, verbose=0)
    model.save(tmp_path / "model.keras")
    again = keras.models.load_model(tmp_path / "model.keras")
    assert type(again.optimizer).__name__ == name and again.optimizer.param_groups[0]["lr"] == 0.01
    np.testing.assert_allclose(again.predict(X), model.predict(X), rtol=1e-6)


def add_loss_class(k):
    """A model whose only loss is its own (Keras's guide to subclassing: a loss added in ``call``)."""

    class Centering(k.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense = k.layers.Dense(3)

        def call(self, inputs):
            outputs = self.dense(inputs)
            self.add_loss(k.ops.mean(k.ops.square(outputs - 1.0)))
            return outputs

    return Centering


def test_a_model_compiled_without_a_loss_trains_on_its_add_loss_as_keras():
    reference_keras = keras_on_torch()
    reference, model = add_loss_class(reference_keras)(), add_loss_class(keras)()
    reference(X[:1]), model(X[:1])
    model.set_weights(reference.get_weights())
    reference.compile(optimizer=reference_keras.optimizers.SGD(0.1))
    model.compile(optimizer=keras.optimizers.SGD(0.1))
    want = reference.fit(X, Y, batch_size=10, epochs=3, shuffle=False, verbose=0).history["loss"]
    got = model.fit(X, Y, batch_size=10, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, want, rtol=1e-4)
    assert got[-1] < got[0]
    for g, w in zip(model.get_weights(), reference.get_weights()):
        np.testing.assert_allclose(g, w, rtol=1e-4, atol=1e-5)


def test_a_model_without_weights_fits_with_keras_warning_and_without_any_loss_says_so():
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Activation("relu")(inputs))
    model.compile(optimizer="adam", loss="mse")
    with pytest.warns(UserWarning, match="does not have any trainable weights"):
        history = model.fit(X[:, :3], X[:, :3], verbose=0, epochs=2)
    assert len(history.history["loss"]) == 2
    model.compile(optimizer="adam")
    with pytest.raises(ValueError, match=r"^no loss to compute: give loss= to compile\(\), add one in a layer"):
        model.fit(X[:, :3], X[:, :3], verbose=0)


def endpoint_model(k):
    """Keras's training guide: the targets are an input, and a layer adds the loss (``fit(data)``, no y)."""

    class LogisticEndpoint(k.layers.Layer):
        def __init__(self, name=None):
            super().__init__(name=name)
            self.loss_fn = k.losses.BinaryCrossentropy(from_logits=True)

        def call(self, targets, logits, sample_weights=None):
            self.add_loss(self.loss_fn(targets, logits, sample_weights))
            return k.ops.softmax(logits)

    inputs, targets = k.Input(shape=(3,), name="inputs"), k.Input(shape=(10,), name="targets")
    logits = k.layers.Dense(10)(inputs)
    return k.Model(inputs=[inputs, targets], outputs=LogisticEndpoint(name="predictions")(targets, logits))


def test_a_model_of_several_inputs_trains_without_y_on_its_add_loss_as_keras():
    reference_keras = keras_on_torch()
    reference, model = endpoint_model(reference_keras), endpoint_model(keras)
    model.set_weights(reference.get_weights())
    data = {"inputs": X[:, :3], "targets": (X[:, 3:4] > 0).repeat(10, axis=1).astype(np.float32)}
    reference.compile(optimizer=reference_keras.optimizers.Adam(0.05))
    model.compile(optimizer=keras.optimizers.Adam(0.05))
    want = reference.fit(data, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    got = model.fit(data, batch_size=8, epochs=3, shuffle=False, verbose=0).history["loss"]
    np.testing.assert_allclose(got, want, rtol=1e-4)
