"""What a model or layer call takes positionally after its inputs, and ``mask=``: as Keras 3 (torch backend).

Keras 3's ``Layer.__call__(inputs, *args, **kwargs)`` refuses a positional bool (``model(x, True)``) and, for a
``call(inputs, training=None, mask=None)``, a positional mask lands on ``training`` and is refused too;
``model(x, mask=m)`` masks the input."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras as nk

X = np.random.default_rng(0).random((2, 4), dtype=np.float32)
MASK = np.array([[True, True, False, False], [True, True, True, True]])


def functional(k):
    inputs = k.Input((4,))
    return k.Model(inputs, k.layers.Dense(2)(inputs))


def sequential(k):
    return k.Sequential([k.Input((4,)), k.layers.Dense(2)])


def subclassed(k):
    class Net(k.Model):
        def __init__(self):
            super().__init__()
            self.dense = k.layers.Dense(2)

        def call(self, x, training=None):
            return self.dense(x)

    return Net()


def dense(k):
    return k.layers.Dense(2)


def _error(k, make, second):
    try:
        make(k)(X, MASK if second == "mask" else True)
    except (TypeError, ValueError) as error:
        return type(error), str(error)
    return None


@pytest.mark.parametrize("second", ["mask", "True"])
@pytest.mark.parametrize("make", [functional, sequential, subclassed, dense], ids=lambda f: f.__name__)
def test_a_second_positional_argument_is_refused_as_keras_3_refuses_it(make, second):
    theirs, ours = _error(keras_on_torch(), make, second), _error(nk, make, second)
    assert theirs is not None and ours is not None, (theirs, ours)
    assert ours[0] is theirs[0]
    if "multiple values" in theirs[1]:  # Python's words, with the class name (Keras's Net is ours too)
        assert ours[1] == theirs[1]
    else:
        assert ours[1] == theirs[1] == (
            "Only input tensors may be passed as positional arguments. The following argument value should be "
            "passed as a keyword argument: True (of type <class 'bool'>)"
        )


def test_a_positional_tensor_that_call_takes_second_goes_through():
    class Masked(nk.Model):
        def call(self, x, mask=None):
            return x if mask is None else x * nk.ops.cast(mask, x.dtype)

    np.testing.assert_array_equal(Masked()(X, MASK).numpy(), X * MASK)
    np.testing.assert_array_equal(Masked()(X, None).numpy(), X)


@pytest.mark.parametrize("kind", ["sequential", "functional"])
def test_mask_given_by_name_masks_the_steps_as_keras_3(kind):
    def build(k):
        if kind == "sequential":
            return k.Sequential([k.Input((4, 3)), k.layers.LSTM(5)])
        inputs = k.Input((4, 3))
        return k.Model(inputs, k.layers.LSTM(5)(inputs))

    keras = keras_on_torch()
    theirs, ours = build(keras), build(nk)
    ours.set_weights([np.asarray(w) for w in theirs.get_weights()])
    x = np.random.default_rng(1).random((2, 4, 3), dtype=np.float32)
    want = keras.ops.convert_to_numpy(theirs(x, mask=keras.ops.convert_to_tensor(MASK)))
    np.testing.assert_allclose(ours(x, mask=MASK).numpy(), want, rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(ours(x[:1, :2], mask=MASK[:1, :2]).numpy(), want[:1], rtol=1e-5, atol=1e-6)
    assert not np.allclose(ours(x).numpy()[0], want[0])  # the mask changed the first sample's output
