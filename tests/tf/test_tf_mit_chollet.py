"""MIT 6.S191's Lab 1 (TensorFlow) and Chollet's "Deep Learning with Python" (2nd and 3rd editions), their
idioms run as TensorFlow code on TensorFlow and, with the import rule, on nabla.tf: the lab's character model
for a fixed batch (``keras.Input(batch_shape=...)`` and Keras 2's ``batch_input_shape=``, a stateful LSTM,
``model.build(tf.TensorShape([1, None]))``), Keras 3's refusals of unknown arguments, and the book's
subclassed two-output ticket model fitted and evaluated (float32 losses in the logs, in name order)."""

from __future__ import annotations

import warnings

import numpy as np
import pytest
from material import run_sources
from tf_parity import tensorflow

import nabla.keras as keras
from nabla.keras.models.checks import ModelConfigWarning

CHARACTER_MODEL = """
import numpy as np
import tensorflow as tf

def LSTM(rnn_units):
    return tf.keras.layers.LSTM(rnn_units, return_sequences=True, recurrent_initializer="glorot_uniform",
                                recurrent_activation="sigmoid", stateful=True)

def build_model(vocab_size, embedding_dim, rnn_units, batch_size):
    return tf.keras.Sequential([
        tf.keras.Input(batch_shape=[batch_size, None]), tf.keras.layers.Embedding(vocab_size, embedding_dim),
        LSTM(rnn_units),
        tf.keras.layers.Dense(vocab_size),
    ])

model = build_model(20, 8, 16, batch_size=4)
print(model.input_shape, model.output_shape)
model.summary()
x = np.random.default_rng(0).integers(0, 20, (4, 10))
pred = model(x)
print(pred.shape, tf.keras.losses.sparse_categorical_crossentropy(x, pred, from_logits=True).shape)
sampled = tf.random.categorical(pred[0], num_samples=1)
print(sampled.shape, sampled.dtype, tf.squeeze(sampled, axis=-1).shape)
one = build_model(20, 8, 16, batch_size=1)
one.set_weights(model.get_weights())
one.build(tf.TensorShape([1, None]))
print(one.input_shape, one(tf.expand_dims([3], 0)).shape)
"""

# The lab as MIT wrote it, for TensorFlow <= 2.15 (Keras 2): TensorFlow 2.21 refuses batch_input_shape, nabla
# takes it as Keras 2 did, the first layer's batch shape.
KERAS2_CHARACTER_MODEL = CHARACTER_MODEL.replace(
    "tf.keras.Input(batch_shape=[batch_size, None]), tf.keras.layers.Embedding(vocab_size, embedding_dim),",
    "tf.keras.layers.Embedding(vocab_size, embedding_dim, batch_input_shape=[batch_size, None]),",
)

REFUSALS = """
import tensorflow as tf

for make in (lambda: tf.keras.layers.Dense(3, unit=4), lambda: tf.keras.optimizers.Adam(foo=1)):
    try:
        make()
    except ValueError as e:
        print("ValueError:", e)
print(tf.keras.layers.Dense(2).name)
"""

TICKETS = """
import numpy as np
from tensorflow import keras
from tensorflow.keras import layers

class CustomerTicketModel(keras.Model):
    def __init__(self, num_departments):
        super().__init__()
        self.concat_layer = layers.Concatenate()
        self.mixing_layer = layers.Dense(64, activation="relu")
        self.priority_scorer = layers.Dense(1, activation="sigmoid")
        self.department_classifier = layers.Dense(num_departments, activation="softmax")

    def call(self, inputs):
        features = self.concat_layer([inputs["title"], inputs["text_body"], inputs["tags"]])
        features = self.mixing_layer(features)
        return self.priority_scorer(features), self.department_classifier(features)

rng = np.random.default_rng(0)
data = {"title": rng.integers(0, 2, (40, 30)), "text_body": rng.integers(0, 2, (40, 30)),
        "tags": rng.integers(0, 2, (40, 10))}
priority_data, department_data = rng.random((40, 1)), np.eye(4)[rng.integers(0, 4, 40)]
model = CustomerTicketModel(num_departments=4)
model.compile(optimizer="rmsprop", loss=["mean_squared_error", "categorical_crossentropy"],
              metrics=[["mean_absolute_error"], ["accuracy"]])
history = model.fit(data, [priority_data, department_data], epochs=2, batch_size=16, verbose=0)
print(sorted(history.history))
print(all(type(v) is float and v == float(np.float32(v)) for v in history.history["loss"]))
print(list(model.evaluate(data, [priority_data, department_data], verbose=0, return_dict=True)))
"""

SOURCES = {"character_model": CHARACTER_MODEL, "refusals": REFUSALS, "tickets": TICKETS}


@pytest.fixture(scope="module")
def printed():
    tensorflow()
    ours = run_sources(SOURCES, "nabla")
    ours |= run_sources({"keras2_character_model": KERAS2_CHARACTER_MODEL}, "nabla")  # (its own names count)
    return ours, run_sources(SOURCES, "tensorflow")


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_the_material_prints_what_tensorflow_prints(printed, name):
    ours, theirs = (p[name] for p in printed)
    assert ours == theirs


def test_the_labs_keras2_model_prints_what_tensorflow_prints_for_keras3s(printed):
    ours, theirs = printed
    assert "(4, None, 16)" in theirs["character_model"] and "(1, None) (1, 1, 20)" in theirs["character_model"]
    assert ours["keras2_character_model"] == theirs["character_model"]


def test_keras2s_batch_input_shape_is_the_models_batch_shape():
    model = keras.Sequential([keras.layers.Embedding(20, 8, batch_input_shape=[4, None]), keras.layers.Dense(3)])
    assert model.input_shape == (4, None) and model.output_shape == (4, None, 3)


def test_a_fixed_batch_model_file_loads(tmp_path):
    """The file records the input shape with a null batch size, as every nabla model file."""
    model = keras.Sequential([keras.Input(batch_shape=(4, None)), keras.layers.Embedding(20, 8),
                              keras.layers.LSTM(5, stateful=True)])  # fmt: skip
    x = np.random.default_rng(1).integers(0, 20, (4, 6))
    model.save(tmp_path / "m.keras")
    model.reset_states()
    loaded = keras.models.load_model(tmp_path / "m.keras")
    np.testing.assert_allclose(loaded.predict(x, verbose=0), model.predict(x, verbose=0), rtol=1e-6)


def test_a_subclassed_models_outputs_are_not_judged_by_its_last_layer():
    """The ticket model's priority (one sigmoid unit) is not the department softmax that its last layer
    computes: no 'softmax over a single unit' warning (Keras gives none either)."""
    class TwoHeads(keras.Model):
        def __init__(self):
            super().__init__()
            self.priority = keras.layers.Dense(1, activation="sigmoid")
            self.department = keras.layers.Dense(4, activation="softmax")

        def call(self, x):
            return self.priority(x), self.department(x)

    model = TwoHeads()
    model.compile(optimizer="rmsprop", loss=["mean_squared_error", "categorical_crossentropy"])
    rng = np.random.default_rng(0)
    x, priority, department = rng.random((8, 3)), rng.random((8, 1)), np.eye(4)[rng.integers(0, 4, 8)]
    with warnings.catch_warnings():
        warnings.simplefilter("error", ModelConfigWarning)
        model.fit(x, [priority, department], epochs=1, verbose=0)


def test_the_books_imdb_import_says_what_to_use():
    with pytest.raises(ImportError, match=r"keras.datasets.imdb: Keras stores it as Python pickles.*mnist"):
        from nabla.tf.keras.datasets import imdb  # noqa: F401
    with pytest.raises(AttributeError, match=r"keras.datasets.reuters: .*integer word indices"):
        keras.datasets.reuters  # noqa: B018
