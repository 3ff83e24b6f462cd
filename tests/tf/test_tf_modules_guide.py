"""The Keras part of TensorFlow's "Introduction to modules, layers, and models" guide against Keras 2 (tf_keras),
for which it was written: a layer whose ``build`` makes plain ``tf.Variable``\\ s has them as weights (listed,
counted, trained by ``fit``), and a model lists its layers in ``submodules``."""

from __future__ import annotations

import numpy as np
from tf_keras_reference import tf_keras
from tf_parity import tensorflow

import nabla.tf as ntf

X = np.random.default_rng(0).normal(size=(8, 3)).astype(np.float32)
Y = np.random.default_rng(1).normal(size=(8, 2)).astype(np.float32)


def guide_model(tf, keras):
    """The guide's FlexibleDense and MySequentialModel (with a frozen bias, to see trainability)."""

    class FlexibleDense(keras.layers.Layer):
        def __init__(self, out_features, **kwargs):
            super().__init__(**kwargs)
            self.out_features = out_features

        def build(self, input_shape):
            self.w = tf.Variable(tf.random.normal([input_shape[-1], self.out_features]), name="w")
            self.b = tf.Variable(tf.zeros([self.out_features]) + 0.5, name="b", trainable=False)

        def call(self, inputs):
            return tf.matmul(inputs, self.w) + self.b

    class MySequentialModel(keras.Model):
        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.dense_1 = FlexibleDense(out_features=3)
            self.dense_2 = FlexibleDense(out_features=2)

        def call(self, x):
            return self.dense_2(self.dense_1(x))

    model = MySequentialModel()
    model(tf.constant(X[:1]))
    for i, v in enumerate(model.trainable_variables):  # the same starting weights in both
        v.assign(np.linspace(-1.0, 1.0, int(np.prod(v.shape)), dtype=np.float32).reshape(v.shape) * (i + 1))
    return model, FlexibleDense


def test_tf_variables_made_in_build_are_the_layers_weights_as_in_keras_2():
    ours, our_class = guide_model(ntf, ntf.keras)
    theirs, their_class = guide_model(tensorflow(), tf_keras())
    for attribute in ("variables", "trainable_variables", "non_trainable_variables", "weights"):
        assert [tuple(v.shape) for v in getattr(ours, attribute)] == [
            tuple(v.shape) for v in getattr(theirs, attribute)
        ], attribute
    assert ours.count_params() == theirs.count_params() == 20
    assert [type(m) for m in ours.submodules] == [our_class] * 2 and [type(m) for m in theirs.submodules] == [
        their_class
    ] * 2
    np.testing.assert_allclose(ours(ntf.constant(X)).numpy(), theirs(tensorflow().constant(X)).numpy(), rtol=1e-6)


def test_fit_trains_those_variables_as_keras_2_does():
    models = [guide_model(ntf, ntf.keras)[0], guide_model(tensorflow(), tf_keras())[0]]
    for model, keras in zip(models, (ntf.keras, tf_keras())):
        model.compile(optimizer=keras.optimizers.SGD(learning_rate=0.1), loss="mse")
        model.fit(X, Y, batch_size=8, epochs=2, verbose=0, shuffle=False)
    ours, theirs = ([v.numpy() for v in model.variables] for model in models)
    for a, b in zip(ours, theirs, strict=True):
        np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-6)
    assert not np.allclose(ours[0], np.linspace(-1.0, 1.0, 9).reshape(3, 3))  # (it did train)
    np.testing.assert_array_equal(ours[1], 0.5)  # (the frozen one did not)
