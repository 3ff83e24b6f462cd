"""A layer's inputs in other dtypes, as Keras 3's ``Layer.__call__`` converts them: floating arrays and tensors
are cast to the layer's dtype (float64 data meets float32 weights as float32; the weights stay float32 and the
gradient reaches the float64 input in float64), integers are kept (an Embedding looks its ids up exactly, a Dense
computes them in float32), ``autocast=False`` turns the cast off.

The reference is Keras 3 on its PyTorch backend, called on the same data (NumPy arrays, torch tensors where
nabla gets its own tensors) with the same weights.
"""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
from nabla import keras

X = np.random.default_rng(0).normal(size=(4, 3)) * 4


def _dense(k):
    layer = k.layers.Dense(2)
    layer.build((None, 3))
    layer.set_weights([np.arange(6, dtype=np.float32).reshape(3, 2) / 10, np.array([0.5, -0.5], np.float32)])
    return layer


def _numpy(t) -> np.ndarray:
    return t.detach().cpu().numpy() if hasattr(t, "detach") else np.asarray(t)


@pytest.mark.parametrize("as_tensor", [False, True], ids=["array", "tensor"])
@pytest.mark.parametrize("dtype", [np.float64, np.float16, np.int64, np.int32, np.uint8])
def test_a_dense_layer_computes_inputs_of_other_dtypes_in_float32_as_keras(dtype, as_tensor):
    import torch

    x = np.abs(X).astype(dtype)
    theirs = _numpy(_dense(keras_on_torch())(torch.tensor(x) if as_tensor else x))
    layer = _dense(keras)
    ours = layer(nb.tensor(x) if as_tensor else x)
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_allclose(ours.numpy(), theirs, rtol=1e-6)
    assert [w.dtype for w in layer.weights] == [np.float32, np.float32]


def test_the_gradient_reaches_a_float64_input_in_float64_and_the_kernel_in_float32_as_keras():
    import torch

    k_layer, layer = _dense(keras_on_torch()), _dense(keras)
    tx, x = torch.tensor(X, requires_grad=True), nb.tensor(X, requires_grad=True)
    (k_layer(tx) ** 2).sum().backward()
    (layer(x) ** 2).sum().backward()
    assert x.grad.dtype == np.float64 and layer.kernel.grad.dtype == np.float32
    np.testing.assert_allclose(x.grad.numpy(), _numpy(tx.grad), rtol=1e-6)
    np.testing.assert_allclose(layer.kernel.grad.numpy(), _numpy(k_layer.kernel.value.grad), rtol=1e-6)


@pytest.mark.parametrize("as_tensor", [False, True], ids=["array", "tensor"])
def test_an_embedding_looks_integer_ids_up_exactly_as_keras(as_tensor):
    import torch

    # Ids past 2**24, where float32 holds no odd integer: read as float32 they would take their neighbour's row
    n = 2**24 + 2
    table = (np.arange(n) % 7).astype(np.float32)[:, None]
    ids = np.array([[2**24, 2**24 + 1], [3, 0]], dtype=np.int64)
    results = []
    for k, tensor in ((keras_on_torch(), torch.tensor), (keras, nb.tensor)):
        layer = k.layers.Embedding(n, 1)
        layer.build((None, 2))
        layer.set_weights([table])
        results.append(_numpy(layer(tensor(ids) if as_tensor else ids)))
    theirs, ours = results
    assert ours.dtype == theirs.dtype == np.float32
    np.testing.assert_array_equal(ours, theirs)
    assert ours[0, 0, 0] != ours[0, 1, 0]


def test_float64_tensors_among_the_other_arguments_are_cast_and_autocast_false_keeps_them():
    import torch

    def run(k, tensor):
        class Pair(k.layers.Layer):
            def call(self, x, y=None, extra=None):
                return [x, y, extra["z"]]

        x = tensor(X)
        cast = [_numpy(t).dtype for t in Pair()(x, x, extra={"z": x})]
        kept = [_numpy(t).dtype for t in Pair(autocast=False)(x, x, extra={"z": x})]
        return cast, kept

    assert run(keras, nb.tensor) == run(keras_on_torch(), torch.tensor)
    assert run(keras, nb.tensor)[0] == [np.float32] * 3


def test_a_cast_input_keeps_its_mask_as_keras():
    def run(k):
        class Passing(k.layers.Layer):
            def __init__(self):
                super().__init__()
                self.supports_masking = True

            def call(self, x, mask=None):
                return x

        embedded = k.layers.Embedding(5, 2, mask_zero=True)(np.array([[1, 0, 2]]))
        wide = k.ops.cast(embedded, "float64")
        wide._keras_mask = embedded._keras_mask
        out = Passing()(wide)
        return _numpy(out).dtype, _numpy(out._keras_mask).tolist()

    assert run(keras) == run(keras_on_torch()) == (np.float32, [[True, False, True]])


def test_a_model_converted_to_float64_computes_in_float64_as_a_float64_keras_layer():
    """``model.to("float64")`` (nabla's, from PyTorch) makes every layer float64, as Keras's ``dtype="float64"``:
    the input is no longer cast down to float32 (check_gradients' float64 copy relies on it). Keras gives the
    dtype; NumPy's float64 product the values (Keras on PyTorch's own float64 Dense is 1e-7 off it here)."""
    k = keras_on_torch()
    weights = [np.arange(6).reshape(3, 2) / 7, np.array([0.5, -0.5])]
    reference = k.layers.Dense(2, dtype="float64")
    inputs = keras.Input((3,))
    functional = keras.Model(inputs, keras.layers.Dense(2)(inputs))
    for model in (keras.Sequential([inputs, keras.layers.Dense(2)]), functional):
        model.to("float64")
        model.layers[-1].set_weights(weights)
        out = model(nb.tensor(X))  # (a NumPy array: fit's data adapter makes float64 float32)
        assert model.layers[-1].dtype == np.float64 and str(out.dtype) == _numpy(reference(X)).dtype.name == "float64"
        np.testing.assert_allclose(out.numpy(), X @ weights[0] + weights[1], rtol=1e-14)
