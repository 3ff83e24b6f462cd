"""The Keras side answers dtypes with names, as Keras 3 (torch backend) does; nabla's names equal NumPy dtypes too."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk


def _dtypes(k, dtype):
    inputs = k.Input((3,), dtype=dtype)
    layer = k.layers.Dense(2, dtype="float64" if dtype == "float64" else None)
    model = k.Model(inputs, layer(inputs))
    return {
        "Input": inputs.dtype,
        "layer.dtype": layer.dtype,
        "compute_dtype": layer.compute_dtype,
        "variable_dtype": layer.variable_dtype,
        "model.inputs[0]": model.inputs[0].dtype,
        "model.outputs[0]": model.outputs[0].dtype,
        "kernel": layer.kernel.dtype,
        "Variable": k.Variable(np.zeros(2, dtype if dtype != "int32" else "float32")).dtype,
    }


@pytest.mark.parametrize("dtype", ["float32", "float64", "int32"])
def test_keras_side_dtypes_are_keras_3s_names(dtype):
    theirs, ours = _dtypes(keras_on_torch(), dtype), _dtypes(nk, dtype)
    assert ours == theirs
    for name, value in ours.items():
        assert type(theirs[name]) is str and isinstance(value, str), name
        assert str(value) == theirs[name] and f"{value}" == theirs[name] and repr(value) == repr(theirs[name])
        assert value == np.dtype(theirs[name]) and value == np.dtype(theirs[name]).type  # NumPy's too
        assert value != np.dtype("int8") and value.kind == np.dtype(theirs[name]).kind
        assert {theirs[name]: 1}[value] == 1


def test_keras_ops_results_keep_the_backends_dtype():
    keras = keras_on_torch()
    theirs = keras.ops.ones((2,)).dtype
    ours = nk.ops.ones((2,)).dtype
    assert not isinstance(theirs, str) and not isinstance(ours, str)  # torch.float32; NumPy's float32
    assert keras.backend.standardize_dtype(theirs) == ours == np.float32


def test_a_string_input_is_named_string():
    assert nk.Input((1,), dtype="string").dtype == keras_on_torch().Input((1,), dtype="string").dtype == "string"
