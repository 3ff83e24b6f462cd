"""Integer and boolean tensors given to the Keras layers whose computations need floats, as Keras 3 on TensorFlow
takes them: BatchNormalization, LayerNormalization, LeakyReLU and MultiHeadAttention compute them in float32;
Conv1D, Conv2D, Softmax and UnitNormalization refuse them (TensorFlow's kernels take floats only; nabla says so in
a TypeError). Keras on PyTorch differs for three (UnitNormalization gives float32, LeakyReLU and
MultiHeadAttention fail in torch): nabla follows TensorFlow, which the course material targets.

The reference is Keras 3 on TensorFlow 2.21, run in a subprocess with the very function the test runs on
``nabla.tf`` and ``nabla.keras``.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_tensorflow

import nabla.tf as ntf


def outcomes(tf, keras) -> dict:
    """Each layer's result on each dtype: ``[dtype, values]``, or ``"refused"`` where the call raises."""
    x = np.arange(24).reshape(2, 3, 4) % 5
    constant = keras.initializers.Constant(0.05)
    layers = {
        "BatchNormalization": lambda: keras.layers.BatchNormalization(),
        "LayerNormalization": lambda: keras.layers.LayerNormalization(),
        "LeakyReLU": lambda: keras.layers.LeakyReLU(),
        "MultiHeadAttention": lambda: keras.layers.MultiHeadAttention(2, 2, kernel_initializer=constant),
        "Conv1D": lambda: keras.layers.Conv1D(2, 2),
        "Conv2D": lambda: keras.layers.Conv2D(2, 2),
        "Softmax": lambda: keras.layers.Softmax(),
        "UnitNormalization": lambda: keras.layers.UnitNormalization(),
    }
    results = {}
    for dtype in ("int32", "int64", "uint8", "bool"):
        t = tf.constant(x.astype(dtype))
        floats = x.astype(dtype).astype("float32")
        results[f"LayerNormalization {dtype} as floats"] = np.asarray(layers["LayerNormalization"]()(floats)).tolist()
        for name, make in layers.items():
            args = {"MultiHeadAttention": (t, t), "Conv2D": (t[..., None],)}.get(name, (t,))
            try:
                out = make()(*args)
                results[f"{name} {dtype}"] = [out.dtype.name, np.asarray(out).ravel().tolist()]
            except Exception:  # (TensorFlow raises InvalidArgumentError, nabla a TypeError that says what to do)
                results[f"{name} {dtype}"] = "refused"
    return results


@pytest.fixture(scope="module")
def keras_on_tf() -> dict:
    return keras_on_tensorflow(outcomes)


def test_integer_tensors_meet_layers_that_compute_in_floats_as_in_keras_on_tensorflow(keras_on_tf):
    ours = outcomes(ntf, ntf.keras)
    assert ours.keys() == keras_on_tf.keys()
    for key, theirs in keras_on_tf.items():
        if key == "LeakyReLU bool":  # (TensorFlow's kernel refuses booleans; nabla computes them as integers)
            assert ours[key][0] == "float32" and theirs == "refused"
            continue
        if key.endswith("as floats"):  # (Keras's results on the floats of the same values, for the note below)
            continue
        if theirs == "refused":
            assert ours[key] == theirs, key
            continue
        assert ours[key][0] == theirs[0], key
        # NOTE: Keras (on both backends) takes LayerNormalization's mean and variance of an integer tensor in its
        # integer dtype (uint8 gives 255 for -1): nabla normalizes the values as floats, Keras's float32 result
        expected = keras_on_tf[f"{key} as floats"] if key.startswith("LayerNormalization") else theirs[1]
        np.testing.assert_allclose(ours[key][1], np.ravel(expected), rtol=1e-5, atol=1e-6, err_msg=key)


def test_a_refused_integer_tensor_says_what_to_do():
    with pytest.raises(TypeError, match=r"Conv1D takes floating inputs, got a tensor of int32 .* tf.cast"):
        ntf.keras.layers.Conv1D(2, 2)(ntf.constant(np.ones((1, 3, 4), np.int32)))
