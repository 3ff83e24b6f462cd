"""What TensorFlow's generative tutorials (autoencoder, CVAE, DCGAN) need of Keras 3, against TensorFlow's Keras.

The denoising tutorial's ``tf.reshape(x, x.shape + (1,))`` gives 5-D images to an encoder that starts with
``Input(shape=(28, 28, 1))``: Keras 3 squeezes the extra trailing axis of size 1 (and adds a missing one) to
reach the declared rank. Its ``decoder.summary()`` shows the batch size of the decoder's first call, as a
model built by a call on data records it (``fit`` builds on its first batch; where the last batch is
smaller, TensorFlow's datasets leave the batch size unknown, None, while Keras 3 on PyTorch, which nabla
follows, keeps the first batch's). Each snippet runs on TensorFlow and on nabla (the import rule), in
one interpreter per library (:func:`material.run_sources`); the printouts must agree.
"""

from __future__ import annotations

import numpy as np
import pytest
from material import run_sources
from tf_parity import tensorflow

import nabla.keras as nk

PRELUDE = """
import numpy as np
import tensorflow as tf
from tensorflow.keras import layers

def weigh(model, seed=0):
    rng = np.random.default_rng(seed)
    model.set_weights([rng.normal(scale=0.3, size=w.shape).astype("float32") for w in model.get_weights()])

def show(f):
    try:
        out = f()
        print(tuple(out.shape), np.round(np.asarray(out), 4).tolist())
    except ValueError:
        print("ValueError")
"""

SNIPPETS = {
    # a Sequential model that starts with Input: one axis of size 1 more or less is taken, others refused
    "sequential_rank": """
model = tf.keras.Sequential([layers.Input(shape=(3, 1)), layers.Flatten(), layers.Dense(2)])
weigh(model)
x = np.arange(6, dtype="float32").reshape(2, 3, 1) / 6
show(lambda: model(x))
show(lambda: model(x[..., None]))
show(lambda: model(x[..., 0]))
show(lambda: model(np.repeat(x[..., None], 2, axis=-1)))
show(lambda: model(x[..., 0, None, None, None]))
""",
    # a functional model does the same, per input
    "functional_rank": """
a, b = tf.keras.Input(shape=(3,)), tf.keras.Input(shape=(2, 1))
out = layers.Dense(1)(layers.Concatenate()([a, layers.Flatten()(b)]))
model = tf.keras.Model([a, b], out)
weigh(model, 1)
xa, xb = np.ones((2, 3), "float32"), np.full((2, 2, 1), 0.5, "float32")
show(lambda: model([xa, xb]))
show(lambda: model([xa[..., None], xb[..., 0]]))
show(lambda: model([xa[:, :2], xb]))
""",
    # the denoising tutorial's encoder on its 5-D noisy images
    "denoise_encoder": """
encoder = tf.keras.Sequential([
    layers.Input(shape=(28, 28, 1)),
    layers.Conv2D(16, (3, 3), activation='relu', padding='same', strides=2),
    layers.Conv2D(8, (3, 3), activation='relu', padding='same', strides=2)])
weigh(encoder, 2)
x = np.random.default_rng(3).uniform(size=(2, 28, 28, 1)).astype("float32")
x_noisy = tf.reshape(x, shape=x.shape + (1,))
print(x_noisy.shape, encoder(x_noisy).shape)
np.testing.assert_allclose(encoder(x_noisy).numpy(), encoder(x).numpy(), rtol=1e-5, atol=1e-6)
""",
    # a model built by its first call on data keeps that batch size; build((None, n)) keeps None
    "batch_size_of_the_first_call": """
called = tf.keras.Sequential([layers.Dense(3), layers.Dense(2)])
called(np.zeros((4, 5), "float32"))
called.summary()
print(called.input_shape, called.output_shape)
fitted = tf.keras.Sequential([layers.Dense(3)])
fitted.compile(optimizer="sgd", loss="mse")
fitted.fit(np.zeros((48, 5), "float32"), np.zeros((48, 3), "float32"), batch_size=16, epochs=1, verbose=0)
print(fitted.input_shape, fitted.output_shape)
predicted = tf.keras.Sequential([layers.Dense(3)])
predicted.predict(np.zeros((10, 5), "float32"), verbose=0)
print(predicted.input_shape)
declared = tf.keras.Sequential([layers.Dense(3)])
declared.build((None, 5))
print(declared.input_shape)
class Twice(tf.keras.Model):
    def __init__(self):
        super().__init__()
        self.first = layers.Dense(3)
        self.inner = tf.keras.Sequential([layers.Dense(2)])
    def call(self, x):
        return self.inner(self.first(x))
twice = Twice()
twice(np.zeros((6, 4), "float32"))
twice.summary()
twice.inner.summary()
""",
}


@pytest.fixture(scope="module")
def printouts():
    tensorflow()  # (skips locally without TensorFlow, fails in CI)
    sources = {name: PRELUDE + body for name, body in SNIPPETS.items()}
    return run_sources(sources, "nabla"), run_sources(sources, "tensorflow")


@pytest.mark.parametrize("name", sorted(SNIPPETS))
def test_the_printout_is_tensorflows(printouts, name):
    ours, theirs = printouts
    assert ours[name] == theirs[name]


def test_the_rank_checks_fail_where_they_should(printouts):
    ours, _ = printouts
    assert ours["sequential_rank"].count("ValueError") == 2  # (a trailing axis of 2; two axes too many)
    assert ours["functional_rank"].count("ValueError") == 1  # (three features for a 2-feature input)


def test_the_error_names_both_shapes():
    model = nk.Sequential([nk.layers.Input(shape=(3, 1)), nk.layers.Flatten()])
    with pytest.raises(ValueError, match=r"expected shape \(None, 3, 1\).*\(2, 3, 1, 2\)"):
        model(np.zeros((2, 3, 1, 2), np.float32))


def test_a_model_file_with_the_batch_size_of_its_first_call_loads(tmp_path):
    model = nk.Sequential([nk.layers.Dense(3), nk.layers.Dense(1)])
    x = np.random.default_rng(0).normal(size=(4, 5)).astype(np.float32)
    expected = model(x).numpy()
    model.save(tmp_path / "m.keras")
    loaded = nk.models.load_model(tmp_path / "m.keras")
    assert loaded.input_shape == model.input_shape == (4, 5)
    np.testing.assert_array_equal(loaded(x).numpy(), expected)
