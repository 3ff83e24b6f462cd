"""TensorFlow tensors of other dtypes given to Keras layers and models: ``tf.constant(float64 array)``,
``tf.cast(x, tf.float64)``, int32 and int64 tensors, as Keras 3 on TensorFlow converts them (floats cast to the
layer's float32, a functional model's float64 ``keras.Input`` keeping float64, integer ids kept).

The reference is Keras 3 on TensorFlow 2.21, run in a subprocess (this process's keras is on PyTorch) with the
very function the test runs on ``nabla.tf`` and ``nabla.keras``.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_tensorflow

import nabla.tf as ntf


def outcomes(tf, keras) -> list:
    """Each result's dtype and values; the gradients' dtypes; the weights' dtypes after a float64 call."""
    x64 = np.linspace(-1.0, 1.0, 6).reshape(2, 3) + 1e-9  # (1e-9: lost in float32, kept in float64)
    dense = keras.layers.Dense(2, kernel_initializer="ones", bias_initializer="zeros")
    embedding = keras.layers.Embedding(10, 2, embeddings_initializer="ones")
    inp = keras.Input((3,), dtype="float64")
    functional = keras.Model(inp, keras.layers.Dense(1, dtype="float64", kernel_initializer="ones")(inp))
    sequential = keras.Sequential([keras.Input((3,)), keras.layers.Dense(2, kernel_initializer="ones")])
    results = [
        dense(tf.constant(x64)), dense(tf.cast(tf.constant(x64, tf.float32), tf.float64)),
        dense(tf.constant([[1, 2, 3]], tf.int32)), dense(tf.constant([[1, 2, 3]], tf.int64)),
        embedding(tf.constant([[1, 2]], tf.int64)), embedding(tf.constant([[1.0, 2.0]], tf.float64)),
        functional(tf.constant(x64)), sequential(tf.constant(x64)),
    ]  # fmt: skip
    variable = tf.Variable(x64)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(dense(variable) ** 2)
    grads = tape.gradient(loss, [dense.kernel, variable])
    return ([[r.dtype.name, np.asarray(r).ravel().tolist()] for r in results]
            + [[g.dtype.name, np.asarray(g).ravel().tolist()] for g in grads]
            + [[w.dtype.name if hasattr(w.dtype, "name") else str(w.dtype) for w in dense.weights]])  # fmt: skip


@pytest.fixture(scope="module")
def keras_on_tf() -> list:
    return keras_on_tensorflow(outcomes)


def test_tensorflow_tensors_of_other_dtypes_meet_keras_layers_as_in_keras_on_tensorflow(keras_on_tf):
    ours = outcomes(ntf, ntf.keras)
    assert len(ours) == len(keras_on_tf)
    for i, (mine, theirs) in enumerate(zip(ours[:-1], keras_on_tf[:-1])):
        assert mine[0] == theirs[0], f"result {i}: dtype {mine[0]}, Keras on TensorFlow {theirs[0]}"
        tol = dict(rtol=1e-12, atol=0) if theirs[0] == "float64" else dict(rtol=1e-6, atol=1e-7)
        np.testing.assert_allclose(mine[1], theirs[1], **tol, err_msg=f"result {i}")
    assert ours[-1] == keras_on_tf[-1] == ["float32", "float32"]
