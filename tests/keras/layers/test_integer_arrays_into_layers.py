"""Integer NumPy arrays (and integer tensors) given to the built-in Keras layers, as Keras 3 on TensorFlow takes
them: Keras converts an array to a tensor of its own dtype, so a Flatten, Reshape, MaxPooling2D, Concatenate or
Dropout of int32 ids gives int32, a Dense or an RNN float32, an Average float64 (TensorFlow's ``/``), a Resizing
rounds back to the images' dtype; AveragePooling, ELU, PReLU, Softmax, the convolutions... refuse them.

The reference is Keras 3 on TensorFlow 2.21, run in a subprocess with the very function the test runs on
``nabla.tf`` and ``nabla.keras``.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_tensorflow

import nabla.tf as ntf

# Their values are random draws (Keras's random image layers augment by default when called directly)
RANDOM = ("RandomFlip", "RandomCrop", "RandomRotation", "RandomTranslation", "RandomZoom", "RandomBrightness")


def outcomes(tf, keras) -> dict:
    """Each layer's result on int32, int64 and uint8 arrays and an int32 tensor: ``[dtype, values]``, or
    ``"refused"`` where the call raises."""
    L, c = keras.layers, keras.initializers.Constant(0.1)
    x2, x3 = np.arange(12).reshape(2, 6) % 5, np.arange(48).reshape(2, 4, 6) % 5
    x4 = np.arange(96).reshape(2, 4, 4, 3) % 5
    cases = {
        "Activation": (lambda: L.Activation("relu"), x3),
        "ActivityRegularization": (lambda: L.ActivityRegularization(), x3),
        "AlphaDropout": (lambda: L.AlphaDropout(0.5), x3),
        "AveragePooling1D": (lambda: L.AveragePooling1D(2), x3),
        "AveragePooling2D": (lambda: L.AveragePooling2D(2), x4),
        "BatchNormalization": (lambda: L.BatchNormalization(), x3),
        "CategoryEncoding": (lambda: L.CategoryEncoding(5, output_mode="multi_hot"), x2),
        "CenterCrop": (lambda: L.CenterCrop(2, 2), x4),
        "Conv1D": (lambda: L.Conv1D(2, 2), x3),
        "Conv2D": (lambda: L.Conv2D(2, 2), x4),
        "Conv1DTranspose": (lambda: L.Conv1DTranspose(2, 2), x3),
        "Conv2DTranspose": (lambda: L.Conv2DTranspose(2, 2), x4),
        "Cropping1D": (lambda: L.Cropping1D(1), x3),
        "Cropping2D": (lambda: L.Cropping2D(1), x4),
        "Dense": (lambda: L.Dense(3, kernel_initializer=c), x3),
        "DepthwiseConv2D": (lambda: L.DepthwiseConv2D(2), x4),
        "Discretization": (lambda: L.Discretization(bin_boundaries=[1.5, 3]), x3),
        "Dropout": (lambda: L.Dropout(0.5), x3),
        "ELU": (lambda: L.ELU(), x3),
        "Embedding": (lambda: L.Embedding(5, 2, embeddings_initializer=c), x2),
        "Flatten": (lambda: L.Flatten(), x3),
        "GaussianDropout": (lambda: L.GaussianDropout(0.5), x3),
        "GaussianNoise": (lambda: L.GaussianNoise(0.5), x3),
        "GlobalAveragePooling1D": (lambda: L.GlobalAveragePooling1D(), x3),
        "GlobalAveragePooling2D": (lambda: L.GlobalAveragePooling2D(), x4),
        "GlobalMaxPooling1D": (lambda: L.GlobalMaxPooling1D(), x3),
        "GlobalMaxPooling2D": (lambda: L.GlobalMaxPooling2D(), x4),
        "GroupNormalization": (lambda: L.GroupNormalization(groups=2), x3),
        "GRU": (lambda: L.GRU(2, kernel_initializer=c, recurrent_initializer=c), x3),
        "Hashing": (lambda: L.Hashing(4), x2),
        "Identity": (lambda: L.Identity(), x3),
        "IntegerLookup": (lambda: L.IntegerLookup(vocabulary=[1, 2, 3]), x2),
        "Lambda": (lambda: L.Lambda(lambda t: t * 2), x3),
        "LayerNormalization": (lambda: L.LayerNormalization(), x3),
        "LeakyReLU": (lambda: L.LeakyReLU(), x3),
        "LSTM": (lambda: L.LSTM(2, kernel_initializer=c, recurrent_initializer=c), x3),
        "Masking": (lambda: L.Masking(0), x3),
        "MaxPooling1D": (lambda: L.MaxPooling1D(2), x3),
        "MaxPooling2D": (lambda: L.MaxPooling2D(2), x4),
        "MultiHeadAttention": (lambda: L.MultiHeadAttention(2, 2, kernel_initializer=c), x3),
        "Normalization": (lambda: L.Normalization(mean=1.0, variance=2.0), x3),
        "Permute": (lambda: L.Permute((2, 1)), x3),
        "PReLU": (lambda: L.PReLU(), x3),
        "RandomBrightness": (lambda: L.RandomBrightness(0.2), x4),
        "RandomContrast": (lambda: L.RandomContrast(0.2), x4),
        "RandomCrop": (lambda: L.RandomCrop(2, 2), x4),
        "RandomFlip": (lambda: L.RandomFlip(), x4),
        "RandomRotation": (lambda: L.RandomRotation(0.2), x4),
        "RandomTranslation": (lambda: L.RandomTranslation(0.2, 0.2), x4),
        "RandomZoom": (lambda: L.RandomZoom(0.2), x4),
        "ReLU": (lambda: L.ReLU(), x3),
        "RepeatVector": (lambda: L.RepeatVector(2), x2),
        "Rescaling": (lambda: L.Rescaling(0.5), x3),
        "Reshape": (lambda: L.Reshape((6, 4)), x3),
        "Resizing": (lambda: L.Resizing(2, 2), x4),
        "SeparableConv2D": (lambda: L.SeparableConv2D(2, 2), x4),
        "SimpleRNN": (lambda: L.SimpleRNN(2, kernel_initializer=c, recurrent_initializer=c), x3),
        "Softmax": (lambda: L.Softmax(), x3),
        "SpatialDropout1D": (lambda: L.SpatialDropout1D(0.5), x3),
        "SpatialDropout2D": (lambda: L.SpatialDropout2D(0.5), x4),
        "TimeDistributed": (lambda: L.TimeDistributed(L.Dense(2, kernel_initializer=c)), x3),
        "UnitNormalization": (lambda: L.UnitNormalization(), x3),
        "UpSampling1D": (lambda: L.UpSampling1D(2), x3),
        "UpSampling2D": (lambda: L.UpSampling2D(2), x4),
        "ZeroPadding1D": (lambda: L.ZeroPadding1D(1), x3),
        "ZeroPadding2D": (lambda: L.ZeroPadding2D(1), x4),
    }
    merges = {name: getattr(L, name) for name in ("Add", "Average", "Concatenate", "Dot", "Maximum", "Minimum",
                                                  "Multiply", "Subtract")}  # fmt: skip
    results = {}
    for kind in ("int32", "int64", "uint8", "tensor int32"):
        for name, (make, x) in {**cases, **{n: (m, x3) for n, m in merges.items()}}.items():
            a = x.astype(kind.split()[-1])
            a = tf.constant(a) if kind.startswith("tensor") else a
            args = ([a, a],) if name in merges else (a, a) if name == "MultiHeadAttention" else (a,)
            try:
                out = make(**({"axes": -1} if name == "Dot" else {}))(*args)
                results[f"{name} {kind}"] = [str(np.asarray(out).dtype), np.asarray(out).ravel().tolist()]
            except Exception:  # (TensorFlow raises InvalidArgumentError or ValueError, nabla a TypeError)
                results[f"{name} {kind}"] = "refused"
    return results


@pytest.fixture(scope="module")
def keras_on_tf() -> dict:
    return keras_on_tensorflow(outcomes)


def test_integer_arrays_meet_the_layers_as_in_keras_on_tensorflow(keras_on_tf):
    ours = outcomes(ntf, ntf.keras)
    assert ours.keys() == keras_on_tf.keys()
    for key, theirs in keras_on_tf.items():
        if key == "CategoryEncoding uint8":  # (TensorFlow's bincount refuses uint8; nabla counts them)
            assert theirs == "refused" and ours[key][0] == "float32"
            continue
        if theirs == "refused" or ours[key] == "refused":
            assert ours[key] == theirs, key
            continue
        assert ours[key][0] == theirs[0] and len(ours[key][1]) == len(theirs[1]), key
        # NOTE: Keras takes LayerNormalization's and GroupNormalization's mean and variance of an integer tensor
        # in its integer dtype; nabla normalizes the values as floats (see test_tf_keras_integer_tensors.py)
        if key.split()[0] not in (*RANDOM, "LayerNormalization", "GroupNormalization"):
            np.testing.assert_allclose(ours[key][1], theirs[1], rtol=1e-5, atol=1e-6, err_msg=key)


def test_a_refused_integer_array_says_what_to_do():
    with pytest.raises(TypeError, match=r"AveragePooling2D takes floating inputs, got a tensor of int64 .* tf.cast"):
        ntf.keras.layers.AveragePooling2D(2)(np.ones((1, 4, 4, 1), np.int64))
