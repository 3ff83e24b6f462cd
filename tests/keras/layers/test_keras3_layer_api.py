"""Keras 3's ``InputSpec``, ``DTypePolicy`` (``layer.dtype_policy``, ``keras.mixed_precision``) and
``add_variable``, against Keras 3 on its PyTorch backend: the same checks and messages, the same policies."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla.keras

# (InputSpec arguments, input shape, input dtype): accepted or refused, as Keras decides
SPEC_CASES = [
    ({"ndim": 2}, (4, 3), "float32"),
    ({"ndim": 2}, (4, 3, 1), "float32"),
    ({"min_ndim": 2}, (3,), "float32"),
    ({"max_ndim": 3}, (2, 2, 2, 2), "float32"),
    ({"min_ndim": 2, "axes": {-1: 3}}, (2, 4), "float32"),
    ({"min_ndim": 2, "axes": {-1: 3}}, (5, 7, 3), "float32"),
    ({"axes": {1: 8}}, (2, 8, 1), "float32"),
    ({"shape": (None, 28, 28, 1)}, (4, 28, 28, 1), "float32"),
    ({"shape": (None, 28, 28, 1)}, (4, 28, 27, 1), "float32"),
    ({"shape": (None, 28, 28, 1), "allow_last_axis_squeeze": True}, (4, 28, 28), "float32"),
    ({"shape": (None, 28, 28), "allow_last_axis_squeeze": True}, (4, 28, 28, 1), "float32"),
    ({"dtype": "float32"}, (2, 2), "float64"),
    ({"dtype": "int32", "ndim": 1}, (5,), "int32"),
]


def _spec_outcomes(keras) -> list:
    outcomes = []
    for index, (arguments, shape, dtype) in enumerate(SPEC_CASES):

        class Checked(keras.layers.Layer):
            def __init__(self, name, spec):
                super().__init__(name=name, autocast=False)
                self.input_spec = spec

            def call(self, x):
                return x

        try:
            Checked(f"checked_{index}", keras.InputSpec(**arguments))(np.zeros(shape, dtype))
            outcomes.append("accepted")
        except ValueError as error:
            outcomes.append(str(error))
    return outcomes


def test_input_spec_checks_as_keras_with_its_messages():
    keras = keras_on_torch()
    assert _spec_outcomes(nabla.keras) == _spec_outcomes(keras)


def test_input_spec_repr_and_config_are_keras():
    keras = keras_on_torch()
    for arguments in ({"ndim": 2, "axes": {-1: 3}}, {"shape": (None, 5), "dtype": "float32"}, {"min_ndim": 3}):
        ours, theirs = nabla.keras.InputSpec(**arguments), keras.InputSpec(**arguments)
        assert repr(ours) == repr(theirs)
        assert ours.get_config() == theirs.get_config()
        assert nabla.keras.layers.InputSpec.from_config(ours.get_config()).get_config() == theirs.get_config()


def test_input_spec_refuses_axes_beyond_the_rank():
    with pytest.raises(ValueError, match="axis 4 is greater than the largest allowed, 1"):
        nabla.keras.InputSpec(ndim=2, axes={4: 3})
    with pytest.raises(TypeError, match="integer keys"):
        nabla.keras.InputSpec(axes={"last": 3})


def test_a_list_of_specs_checks_each_input_and_their_count():
    keras = nabla.keras

    class Pair(keras.layers.Layer):
        def __init__(self):
            super().__init__(name="pair")
            self.input_spec = [keras.InputSpec(ndim=2), keras.InputSpec(ndim=3)]

        def call(self, inputs):
            return inputs[0]

    assert Pair()([np.ones((2, 3)), np.ones((2, 3, 1))]).shape == (2, 3)
    with pytest.raises(ValueError, match="Input 1 with name 'None' of layer 'pair' .* expected ndim=3, found ndim=2"):
        Pair()([np.ones((2, 3)), np.ones((2, 3))])
    with pytest.raises(ValueError, match='expects 2 input\\(s\\), but it received 1 input tensors'):
        Pair()([np.ones((2, 3))])


def _policies(keras) -> list:
    seen = []
    for name in ("float32", "float64", "float16"):
        policy = keras.DTypePolicy(name)
        seen.append((repr(policy), policy.name, policy.compute_dtype, policy.variable_dtype, policy.get_config()))
    layer = keras.layers.Dense(2, dtype="float64")
    seen.append((repr(layer.dtype_policy), layer.compute_dtype, layer.variable_dtype))
    layer = keras.layers.Dense(2, dtype=keras.DTypePolicy("float64"))
    layer.build((None, 3))
    seen.append((repr(layer.dtype_policy), str(layer.kernel.dtype).replace("torch.", "")))
    seen.append((repr(keras.layers.Dense(2).dtype_policy), repr(keras.dtype_policies.get("float32"))))
    seen.append((repr(keras.config.dtype_policy()), repr(keras.mixed_precision.global_policy())))
    seen.append(keras.layers.Dense(2, dtype="float64").get_config()["dtype"])
    return seen


def test_dtype_policies_are_keras():
    keras = keras_on_torch()
    assert _policies(nabla.keras) == _policies(keras)


def test_setting_a_layers_policy_sets_its_dtype():
    layer = nabla.keras.layers.Dense(2)
    layer.dtype_policy = "float64"
    assert layer.dtype == np.float64 and layer(np.ones((1, 3))).dtype == np.float64


@pytest.mark.parametrize(
    "call",
    [
        lambda k: k.mixed_precision.set_global_policy("mixed_float16"),
        lambda k: k.DTypePolicy("mixed_bfloat16"),
        lambda k: k.layers.Dense(2, dtype="mixed_float16"),
    ],
)
def test_mixed_precision_is_refused_with_what_to_do(call):
    with pytest.raises(ValueError, match="mixed precision is not offered.*dtype='float64'"):
        call(nabla.keras)


def test_the_global_policy_stays_float32():
    nabla.keras.mixed_precision.set_global_policy("float32")  # material that sets float32 runs
    with pytest.raises(ValueError, match="global policy stays float32"):
        nabla.keras.config.set_dtype_policy("float64")


def _variables(keras) -> list:
    class Scale(keras.layers.Layer):
        def build(self, input_shape):
            self.scale = self.add_variable((input_shape[-1],), "ones", name="scale")
            self.shift = self.add_variable((input_shape[-1],), "zeros", trainable=False, name="shift")

        def call(self, x):
            return x * self.scale + self.shift

    model = keras.Sequential([keras.Input((3,)), Scale(name="scale_layer")], name="model")
    out = model(np.full((2, 3), 2.0, np.float32))
    return [
        [w.path for w in model.weights],
        [w.path for w in model.trainable_weights],
        np.asarray(keras.ops.convert_to_numpy(out)).tolist(),
    ]


def test_add_variable_is_add_weight_under_keras_3s_other_name():
    keras = keras_on_torch()
    assert _variables(nabla.keras) == _variables(keras)
