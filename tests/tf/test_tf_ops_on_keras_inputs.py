"""TensorFlow functions called on ``keras.Input`` tensors: a step of the functional model, as Keras 2 made them
(its TFOpLambda layers; Keras 3 refuses). The material: TensorFlow's "Load a pandas DataFrame" tutorial, whose
preprocessing model casts, stacks, slices and concatenates its dict of inputs with ``tf.*`` functions.

The reference is Keras 2 on TensorFlow (``tf_keras``) building the same model from the same data.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tf_keras_reference import tf_keras

import nabla.tf as ntf

NUMERIC = ["age", "thalach", "chol"]
BINARY = ["sex", "exang"]
CATEGORICAL = ["cp", "thal"]


def _frame(n: int = 40) -> pd.DataFrame:
    rng = np.random.default_rng(3)
    return pd.DataFrame({
        "age": rng.integers(29, 77, n), "thalach": rng.integers(71, 202, n), "chol": rng.uniform(126, 564, n),
        "sex": rng.integers(0, 2, n), "exang": rng.integers(0, 2, n), "cp": rng.integers(0, 5, n),
        "thal": rng.choice(["fixed", "normal", "reversible"], n),
    })  # fmt: skip


def _preprocessor(tf, keras, df: pd.DataFrame):
    """The tutorial's preprocessing model, written once for either library."""
    inputs = {}
    for name, column in df.items():
        dtype = tf.string if column.dtype == object or isinstance(column.iloc[0], str) else (
            tf.int64 if name in BINARY + CATEGORICAL else tf.float32
        )  # fmt: skip
        inputs[name] = keras.Input(shape=(), name=name, dtype=dtype)
    preprocessed = [tf.cast(inputs[name][:, tf.newaxis], tf.float32) for name in BINARY]
    normalizer = keras.layers.Normalization(axis=-1)
    normalizer.adapt(np.stack([df[name].to_numpy(np.float32) for name in NUMERIC], axis=-1))
    numeric = tf.stack([tf.cast(inputs[name], tf.float32) for name in NUMERIC], axis=-1)
    preprocessed.append(normalizer(numeric))
    for name in CATEGORICAL:
        vocab = sorted(set(df[name]))
        lookup_class = keras.layers.StringLookup if isinstance(vocab[0], str) else keras.layers.IntegerLookup
        preprocessed.append(lookup_class(vocabulary=vocab, output_mode="one_hot")(inputs[name]))
    outputs = tf.concat(preprocessed, axis=-1)
    return keras.Model(inputs, outputs)


def test_the_pandas_tutorials_preprocessor_matches_keras_2():
    keras2 = tf_keras()
    import tensorflow as tf

    df = _frame()
    ours = _preprocessor(ntf, ntf.keras, df)
    theirs = _preprocessor(tf, keras2, df)
    assert ours.output.shape == tuple(theirs.output.shape)
    np.testing.assert_allclose(ours.predict(dict(df), verbose=0), theirs.predict(dict(df), verbose=0), rtol=1e-5,
                               atol=1e-6)  # fmt: skip
    # A model on top, trained on the dict of columns, as the tutorial ends.
    body = ntf.keras.Sequential([ntf.keras.layers.Dense(4, activation="relu"), ntf.keras.layers.Dense(1)])
    model = ntf.keras.Model(ours.inputs, body(ours(ours.inputs)))
    model.compile(optimizer="adam", loss=ntf.keras.losses.BinaryCrossentropy(from_logits=True), metrics=["accuracy"])
    history = model.fit(dict(df), (df["age"] > 50).astype(int), epochs=2, batch_size=8, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_tf_functions_still_compute_eagerly_and_refuse_what_they_did():
    x = ntf.constant([[1.0, -2.0]])
    np.testing.assert_array_equal(ntf.cast(x, ntf.int32).numpy(), [[1, -2]])
    np.testing.assert_array_equal(ntf.math.abs(x).numpy(), [[1.0, 2.0]])
    inp = ntf.keras.Input(shape=(3,))
    # tf.shape: a step whose value is the batch's shape, as in Keras 2
    np.testing.assert_array_equal(ntf.keras.Model(inp, ntf.shape(inp))(np.zeros((5, 3))), [5, 3])
    assert ntf.nn.relu(inp).shape == (None, 3) and ntf.linalg.matvec(ntf.ones((4, 3)), inp[0]).shape == (4,)
    with pytest.raises(ntf.errors.InvalidArgumentError, match="ConcatV2"):
        ntf.concat([inp, ntf.cast(inp, ntf.int32)], axis=-1)  # TensorFlow's dtype rule holds on keras.Input too


def _layer_of_tf_functions(tf, keras):
    class Affine(keras.layers.Layer):
        """A custom layer written with TensorFlow functions, as course material writes them."""

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], 2), initializer="ones", name="w")
            self.b = self.add_weight(shape=(2,), initializer="zeros", name="b")

        def call(self, inputs):
            return tf.nn.relu(tf.matmul(inputs, self.w) + self.b) + tf.reduce_sum(inputs, axis=-1, keepdims=True)

    return Affine()


@pytest.mark.parametrize("run_eagerly", [True, False])
def test_fit_trains_a_layer_written_with_tf_functions_as_keras_2(run_eagerly):
    """Keras runs its training step on a GradientTape, so the tf.* calls in a layer are recorded and trained."""
    keras2 = tf_keras()
    import tensorflow as tf

    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((32, 3)).astype(np.float32), rng.standard_normal((32, 2)).astype(np.float32)
    histories = []
    for library, keras in ((ntf, ntf.keras), (tf, keras2)):
        dense = keras.layers.Dense(2, kernel_initializer=keras.initializers.Constant(0.5))
        model = keras.Sequential([keras.Input((3,)), _layer_of_tf_functions(library, keras), dense])
        model.compile(optimizer=keras.optimizers.SGD(0.05), loss="mse", run_eagerly=run_eagerly)
        histories.append(model.fit(x, y, epochs=3, batch_size=8, shuffle=False, verbose=0).history["loss"])
    np.testing.assert_allclose(histories[0], histories[1], rtol=1e-5)
    assert histories[0][-1] < histories[0][0]
