"""ONNX export of functional models and of the merging, reshaping and global pooling layers, run by ONNX Runtime."""

from __future__ import annotations

import numpy as np
import pytest
from onnx_check import assert_exports, assert_functional_exports, floats, session
from test_onnx_keras_layers import randomize, sequential

import nabla.keras as keras
import nabla.onnx
from nabla import layers


@pytest.mark.parametrize("opset", [17, 18])
@pytest.mark.parametrize(
    "stack",
    [
        lambda: [layers.Input((12,)), layers.Reshape((3, 4)), layers.GlobalMaxPooling1D(), layers.Dense(2)],
        lambda: [layers.Input((12,)), layers.Reshape((4, -1)), layers.GlobalAveragePooling1D(keepdims=True),
                 layers.Flatten()],
        lambda: [layers.Input((2, 3, 2)), layers.Permute((3, 1, 2)), layers.GlobalAveragePooling2D(),
                 layers.Dense(2)],
        lambda: [layers.Input((6, 5, 2)), layers.Conv2D(3, 3, padding="same"), layers.GlobalMaxPooling2D(keepdims=True),
                 layers.Flatten()],
        lambda: [layers.Input((6, 5, 2)), layers.Conv2D(3, 3), layers.Permute((2, 1, 3)), layers.Flatten()],
        lambda: [layers.Input((6, 5, 2)), layers.Conv2D(3, 3), layers.GlobalAveragePooling2D(), layers.Reshape((3, 1))],
    ],
)  # fmt: skip
def test_reshaping_and_global_pooling_layers_export(stack, opset):
    model = sequential(*stack())
    assert_exports(model, floats(*model.input_shape[1:]), opset_version=opset)


def two_towers():
    a, b = keras.Input(shape=(6,), name="left"), keras.Input(shape=(6,), name="right")
    shared = keras.layers.Dense(4, activation="tanh")
    x = keras.layers.Concatenate()([shared(a), shared(b)])
    x = keras.layers.Permute((2, 1))(keras.layers.Reshape((4, 2))(x * 0.5 + 1.0))
    first = keras.layers.Dense(3, activation="softmax")(keras.layers.GlobalAveragePooling1D()(x))
    merging = keras.layers
    merged = [merging.Add()([shared(a), shared(b)]), merging.Subtract()([shared(b), shared(a)]),
              merging.Multiply()([shared(a), shared(b)]), merging.Maximum()([shared(a), -shared(b)])]  # fmt: skip
    pooled = keras.layers.GlobalMaxPooling1D()(x)
    second = keras.layers.Dense(1)(keras.layers.Average()([keras.layers.Minimum()(merged), 2.0 / (pooled + 3.0)]))
    return randomize(keras.Model([a, b], [first, second]))


def test_a_functional_model_with_two_inputs_two_outputs_and_a_shared_layer_exports(tmp_path):
    model = two_towers()
    proto = assert_functional_exports(model, [floats(6), floats(6, seed=1)], tmp_path / "towers.onnx")
    assert [i.name for i in proto.graph.input] == ["left", "right"]
    assert [o.name for o in proto.graph.output] == ["output_0", "output_1"]
    shared_kernels = [i for i in proto.graph.initializer if list(i.dims) == [6, 4]]
    assert len(shared_kernels) == 1  # a layer called six times is stored once


def test_convolutional_branches_merge_in_onnx_layout():
    inputs = keras.Input(shape=(7, 6, 2))
    left = keras.layers.Conv2D(3, 3, padding="same", activation="relu")(inputs)
    right = keras.layers.Conv2D(3, 1)(inputs)
    summed = keras.layers.Add()([left, right])
    joined = keras.layers.Concatenate(axis=-1)([summed, keras.layers.MaxPooling2D(1)(right)])
    pooled = keras.layers.GlobalAveragePooling2D()(keras.layers.Conv2D(2, 2)(joined))
    flat = keras.layers.Flatten()(keras.layers.Maximum()([summed, summed * 0.5 - 1.0]))
    model = randomize(keras.Model(inputs, [pooled, keras.layers.Dense(2)(flat)]))
    proto = assert_functional_exports(model, [floats(7, 6, 2)])
    assert [i.name for i in proto.graph.input] == ["input"]


def test_nested_models_export_both_ways():
    inner = keras.Sequential([keras.Input(shape=(5,)), keras.layers.Dense(4, activation="relu")])
    inputs = keras.Input(shape=(5,))
    outer = randomize(keras.Model(inputs, keras.layers.Add()([inner(inputs), keras.layers.Dense(4)(inputs)])))
    assert_functional_exports(outer, [floats(5)])
    stacked = randomize(keras.Sequential([outer, keras.layers.Dense(2)]))
    assert_exports(stacked, floats(5))


def test_model_export_of_a_functional_model(tmp_path):
    model = two_towers()
    model.export(tmp_path / "m.onnx", verbose=False)
    assert_functional_exports(model, [floats(6), floats(6)], tmp_path / "m.onnx")


def test_a_keras_ops_call_is_refused_naming_it(tmp_path):
    inputs = keras.Input(shape=(3,))
    model = keras.Model(inputs, keras.layers.Dense(2)(keras.ops.square(inputs)))
    with pytest.raises(nabla.onnx.ExportError, match=r"calls square, Python code with no ONNX form.*layers") as e:
        nabla.onnx.export(model, None, tmp_path / "m.onnx")
    assert len(str(e.value).splitlines()) == 1 and not (tmp_path / "m.onnx").exists()


def test_several_inputs_need_a_list_of_examples():
    model = two_towers()
    with pytest.raises(ValueError, match="has 2 inputs: give input_shape as a list of 2"):
        nabla.onnx.export(model, input_shape=(6,))
    assert_functional_exports(model, [floats(6), floats(6)], input_shape=[(6,), (6,)])


def test_a_saved_functional_model_exports_from_the_command_line(tmp_path, capsys):
    from nabla import cli

    two_towers().save(tmp_path / "towers.keras")
    assert cli.main(["export", str(tmp_path / "towers.keras"), str(tmp_path / "towers.onnx")]) == 0
    capsys.readouterr()
    loaded = keras.models.load_model(tmp_path / "towers.keras")
    xs = [floats(6)(5), floats(6, seed=2)(5)]
    got = session(str(tmp_path / "towers.onnx")).run(None, dict(zip(["left", "right"], xs)))
    for g, w in zip(got, loaded(xs, training=False)):
        np.testing.assert_allclose(g, w.detach().numpy(), rtol=1e-5, atol=1e-5)
