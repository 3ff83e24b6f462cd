"""Hands-On Machine Learning (3rd ed.), chapter 14, "Deep Computer Vision Using CNNs", with ``import nabla.tf as tf``:
the cells that differed from TensorFlow, each checked against the real library.

- The ResNet-34 ``ResidualUnit`` keeps its activation function in the list of its layers
  (``[conv, bn, self.activation, conv, bn]``): Keras tracks the layers of such a mixed list, so their weights
  are the unit's; nabla tracked only lists of layers alone, and the unit had no weights (the book's ResNet-34
  counted 190,410 parameters instead of 21,306,826, and trained only its skip connections).
"""

from __future__ import annotations

from functools import partial

from tf_parity import run_both


def _residual_unit_class(tf):
    """Cell 57, as printed in the book."""
    DefaultConv2D = partial(tf.keras.layers.Conv2D, kernel_size=3, strides=1, padding="same",
                            kernel_initializer="he_normal", use_bias=False)  # fmt: skip

    class ResidualUnit(tf.keras.layers.Layer):
        def __init__(self, filters, strides=1, activation="relu", **kwargs):
            super().__init__(**kwargs)
            self.activation = tf.keras.activations.get(activation)
            self.main_layers = [
                DefaultConv2D(filters, strides=strides),
                tf.keras.layers.BatchNormalization(),
                self.activation,
                DefaultConv2D(filters),
                tf.keras.layers.BatchNormalization(),
            ]
            self.skip_layers = []
            if strides > 1:
                self.skip_layers = [DefaultConv2D(filters, kernel_size=1, strides=strides),
                                    tf.keras.layers.BatchNormalization()]  # fmt: skip

        def call(self, inputs):
            Z = inputs
            for layer in self.main_layers:
                Z = layer(Z)
            skip_Z = inputs
            for layer in self.skip_layers:
                skip_Z = layer(skip_Z)
            return self.activation(Z + skip_Z)

    return DefaultConv2D, ResidualUnit


def _small_resnet(tf):
    """Cell 58 on 32 x 32 images with two widths: the counts of each unit, the model's, its weights' shapes."""
    DefaultConv2D, ResidualUnit = _residual_unit_class(tf)
    model = tf.keras.Sequential([
        tf.keras.layers.Input(shape=[32, 32, 3]),
        DefaultConv2D(16, kernel_size=7, strides=2),
        tf.keras.layers.BatchNormalization(),
        tf.keras.layers.Activation("relu"),
        tf.keras.layers.MaxPool2D(pool_size=3, strides=2, padding="same"),
    ])  # fmt: skip
    prev_filters = 16
    for filters in [16] * 2 + [32] * 2:
        model.add(ResidualUnit(filters, strides=1 if filters == prev_filters else 2))
        prev_filters = filters
    model.add(tf.keras.layers.GlobalAvgPool2D())
    model.add(tf.keras.layers.Dense(10, activation="softmax"))
    units = [layer for layer in model.layers if type(layer).__name__ == "ResidualUnit"]
    return {
        "units": [layer.count_params() for layer in units],
        "unit_weights": [[tuple(w.shape) for w in layer.weights] for layer in units],
        "trainable": [len(layer.trainable_weights) for layer in units],
        "total": model.count_params(),
        "main_layers": [type(x).__name__ for x in units[0].main_layers],
    }


def test_a_residual_unit_owns_the_layers_of_a_list_that_also_holds_its_activation():
    ours, theirs = run_both(_small_resnet)
    assert not isinstance(ours, Exception), ours
    assert ours == theirs


def test_layers_appended_to_that_list_later_are_tracked_too():
    def grow(tf):
        layer = tf.keras.layers.Layer()
        layer.parts = [tf.keras.activations.get("relu"), tf.keras.layers.Dense(2)]
        layer.parts.append(tf.keras.layers.Dense(3))
        for part in layer.parts[1:]:
            part.build((None, 4) if part.units == 2 else (None, 2))
        return [tuple(w.shape) for w in layer.weights]

    ours, theirs = run_both(grow)
    assert ours == theirs
