"""``import nabla.keras as keras``: Keras 3's top-level names, and clear errors for the names nabla lacks."""

from __future__ import annotations

import numpy as np
import pytest
from keras_reference import keras_on_torch

import nabla as nb
import nabla.keras as keras


def test_the_top_level_names_are_the_keras_side_classes():
    assert keras.Layer is keras.layers.Layer
    assert keras.Sequential is keras.models.Sequential and keras.Model is keras.models.Model
    assert keras.Input is keras.layers.Input
    assert issubclass(keras.Variable, nb.nn.Parameter)
    from nabla.keras import ops

    assert ops is keras.ops
    assert keras.version() == keras.__version__


def test_every_top_level_name_used_here_exists_in_keras():
    reference = keras_on_torch()
    names = "Sequential Model Input Layer Variable KerasTensor ops layers models optimizers losses metrics callbacks"
    for name in names.split() + ["activations", "initializers", "regularizers"]:
        assert hasattr(reference, name) and hasattr(keras, name), name
    for name in ("SGD", "Adam", "AdamW", "RMSprop", "Adagrad", "Optimizer"):
        assert hasattr(reference.optimizers, name) and hasattr(keras.optimizers, name), name


@pytest.mark.parametrize(
    "module, name, message",
    [
        (keras, "applications", "pretrained applications are not offered"),
        (keras.mixed_precision, "LossScaleOptimizer", "no loss scaling"),
        (keras, "Sequentail", "did you mean Sequential"),
        (keras.utils, "audio_dataset_from_directory", "audio folders are not read"),
        (keras.preprocessing.image, "DataFrameIterator", "flow_from_dataframe is not offered"),
        (keras.utils, "pad_sequence", "did you mean pad_sequences"),
        (keras.random, "poisson", r"dir\(nabla.keras.random\) lists what it offers"),
        (keras.ops, "eig", "nabla has no complex dtype"),
        (keras.ops.linalg, "eig", "nabla has no complex dtype"),
    ],
)
def test_a_name_nabla_lacks_is_an_attribute_error_that_says_what_to_use(module, name, message):
    with pytest.raises(AttributeError, match=message) as caught:
        getattr(module, name)
    assert "nabla.keras does not offer" in str(caught.value)



def test_python_s_own_probes_get_a_plain_attribute_error():
    with pytest.raises(AttributeError, match="module 'nabla.keras' has no attribute '__wrapped__'"):
        keras.__wrapped__  # noqa: B018


def test_a_keras_3_script_runs_on_import_rule_only():
    """The Keras 3 guide's opening: a subclassed layer and model, compiled and fitted."""

    class Linear(keras.layers.Layer):
        def __init__(self, units=32):
            super().__init__()
            self.units = units

        def build(self, input_shape):
            self.w = self.add_weight(shape=(input_shape[-1], self.units), initializer="random_normal", trainable=True)
            self.b = self.add_weight(shape=(self.units,), initializer="zeros", trainable=True)

        def call(self, inputs):
            return keras.ops.matmul(inputs, self.w) + self.b

    class MLP(keras.Model):
        def __init__(self):
            super().__init__()
            self.linear_1 = Linear(16)
            self.linear_2 = Linear(2)

        def call(self, inputs):
            x = self.linear_1(inputs)
            x = keras.ops.relu(x)
            return self.linear_2(x)

    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    x = rng.standard_normal((256, 2)).astype("float32")
    y = (x[:, 0] * x[:, 1] > 0).astype("int64")
    model = MLP()
    model.compile(
        optimizer=keras.optimizers.Adam(learning_rate=0.02),
        loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
        metrics=["accuracy"],
    )
    history = model.fit(x, y, batch_size=32, epochs=40, verbose=0)
    assert history.history["accuracy"][-1] > 0.9
    assert len(model.trainable_weights) == 4
