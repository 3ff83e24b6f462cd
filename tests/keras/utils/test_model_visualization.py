"""``keras.utils.plot_model``: the layers and the flow between them, drawn with Graphviz."""

from __future__ import annotations

import re
import shutil

import numpy as np
import pytest

import nabla.keras as keras
from nabla.keras import layers


def _convnet():
    return keras.models.Sequential(
        [
            layers.Conv2D(4, (3, 3), activation="relu", input_shape=(12, 12, 1)),
            layers.MaxPooling2D((2, 2)),
            layers.Flatten(),
            layers.Dense(3, activation="softmax"),
        ]
    )


def _edges(dot: str) -> list[tuple[str, str]]:
    return re.findall(r"(\w+) -> (\w+);", dot)


def test_a_sequential_is_a_chain_with_channels_last_shapes(tmp_path):
    path = tmp_path / "model.dot"
    drawing = keras.utils.plot_model(_convnet(), to_file=path, show_shapes=True, show_layer_names=True)
    dot = path.read_text()
    assert dot == drawing.dot
    assert _edges(dot) == [("n_in0", "n0"), ("n0", "n1"), ("n1", "n2"), ("n2", "n3")]
    for text in ("(None, 12, 12, 1)", "output: (None, 10, 10, 4)", "output: (None, 5, 5, 4)", "output: (None, 100)"):
        assert text in dot
    assert re.search(r"conv2d\w* \(Conv2D\)", dot)


def test_branches_of_a_subclassed_model_are_followed_through_operations():
    class TwoPaths(keras.models.Model):
        def __init__(self):
            super().__init__()
            self.left, self.right, self.out = layers.Dense(4), layers.Dense(4), layers.Dense(1)

        def call(self, inputs, training=None):
            return self.out(self.left(inputs) + 2.0 * self.right(inputs))

    model = TwoPaths()
    model(np.zeros((2, 3), dtype="float32"))
    dot = keras.utils.model_to_dot(model, show_layer_activations=True, show_trainable=True)
    assert sorted(_edges(dot)) == [("n0", "n2"), ("n1", "n2"), ("n_in0", "n0"), ("n_in0", "n1")]
    assert "activation: linear" in dot and "trainable: Y" in dot


def test_png_is_rendered_by_graphviz(tmp_path):
    if shutil.which("dot") is None:
        pytest.skip("Graphviz's dot is not installed")
    path = keras.utils.plot_model(_convnet(), to_file=tmp_path / "model.png", rankdir="LR").save(tmp_path / "m.png")
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert (tmp_path / "model.png").read_bytes()[:4] == b"\x89PNG"


def test_unbuilt_models_and_bad_arguments_are_refused(tmp_path):
    with pytest.raises(ValueError, match="input shape .* is unknown"):
        keras.utils.plot_model(keras.models.Sequential([layers.Dense(2)]), to_file=tmp_path / "m.dot")
    with pytest.raises(ValueError, match="rankdir"):
        keras.utils.plot_model(_convnet(), to_file=tmp_path / "m.dot", rankdir="BT")
    assert not (tmp_path / "m.dot").exists()


def test_a_model_of_several_inputs_and_named_outputs_draws_one_box_per_input():
    """The Keras functional-API guide's model: integer inputs into embeddings, a float input, two outputs."""
    title, tags = keras.Input(shape=(10,), name="title", dtype="int32"), keras.Input(shape=(12,), name="tags")
    features = layers.Flatten()(layers.Embedding(100, 4)(title))
    merged = layers.concatenate([features, tags])
    model = keras.Model(
        [title, tags], {"priority": layers.Dense(1, name="priority")(merged), "department": layers.Dense(4)(merged)}
    )
    dot = keras.utils.model_to_dot(model, show_shapes=True)
    edges = _edges(dot)
    assert ("n_in0", "n0") in edges and any(a == "n_in1" for a, _ in edges)
    assert 'label="{title|(None, 10)}"' in dot and 'label="{tags|(None, 12)}"' in dot
    assert sum(1 for a, b in edges if b == edges[[a for a, _ in edges].index("n_in1")][1]) == 2  # concatenate
