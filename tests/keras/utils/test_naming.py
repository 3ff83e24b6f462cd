"""Default names: one snake_case rule for the whole Keras side, Keras's own, tested against Keras 3."""

from __future__ import annotations

import pytest

from nabla import layers, losses, metrics
from nabla.keras.utils.naming import snake_case

# Constructor arguments for each layer nabla has, valid in both libraries.
LAYER_ARGS = {
    "InputLayer": {"shape": (3,)},
    "Dense": {"units": 1},
    "Masking": {},
    "Activation": {"activation": "relu"},
    "Dropout": {"rate": 0.5},
    "Flatten": {},
    "GaussianNoise": {"stddev": 0.1},
    "GaussianDropout": {"rate": 0.1},
    "RandomTranslation": {"height_factor": 0.1, "width_factor": 0.1},
    "BatchNormalization": {},
    "LayerNormalization": {},
    "Conv2D": {"filters": 1, "kernel_size": 1},
    "MaxPooling2D": {"pool_size": 2},
    "AveragePooling2D": {"pool_size": 2},
    **dict.fromkeys(("GlobalAveragePooling1D", "GlobalMaxPooling1D"), {}),
    **dict.fromkeys(("GlobalAveragePooling2D", "GlobalMaxPooling2D"), {}),
    **dict.fromkeys(("Add", "Subtract", "Multiply", "Average", "Maximum", "Minimum", "Concatenate"), {}),
    "Reshape": {"target_shape": (2, 3)},
    "Permute": {"dims": (2, 1)},
    **dict.fromkeys(["Softmax", "ReLU", "LeakyReLU", "PReLU", "ELU", "Identity", "RandomFlip", "ZeroPadding2D",
                     "Cropping2D", "UpSampling2D", "UnitNormalization", "ActivityRegularization", "MaxPooling1D",
                     "Normalization"], {}),  # fmt: skip
    "AveragePooling1D": {"pool_size": 2},
    "RandomRotation": {"factor": 0.1},
    "RandomZoom": {"height_factor": 0.1},
    "RandomContrast": {"factor": 0.1},
    "Rescaling": {"scale": 0.5},
    "Embedding": {"input_dim": 3, "output_dim": 2},
    "RepeatVector": {"n": 2},
    "SpatialDropout2D": {"rate": 0.1},
    "Conv1D": {"filters": 1, "kernel_size": 1},
    **dict.fromkeys(("SimpleRNN", "LSTM", "GRU"), {"units": 2}),
    **dict.fromkeys(("Conv2DTranspose", "Conv1DTranspose"), {"filters": 1, "kernel_size": 1}),
    **dict.fromkeys(("Resizing", "CenterCrop", "RandomCrop"), {"height": 2, "width": 3}),
    **dict.fromkeys(("UpSampling1D", "ZeroPadding1D", "Cropping1D", "GroupNormalization"), {}),
    "Dot": {"axes": 1},
    "DepthwiseConv2D": {"kernel_size": 1},
    "SeparableConv2D": {"filters": 1, "kernel_size": 1},
    **dict.fromkeys(("SpatialDropout1D", "SpatialDropout3D", "AlphaDropout"), {"rate": 0.1}),
    # (a wrapper's layer: made anew for each instance, in the library of the wrapper)
    "Bidirectional": {"layer": lambda namespace: namespace.LSTM(2)},
    "TimeDistributed": {"layer": lambda namespace: namespace.Dense(2)},
    **dict.fromkeys(("SimpleRNNCell", "LSTMCell", "GRUCell"), {"units": 2}),
    "RNN": {"cell": lambda namespace: namespace.GRUCell(2)},
    "StackedRNNCells": {"cells": lambda namespace: [namespace.GRUCell(2)]},
    # (TextVectorization makes a StringLookup of its own, named as Keras names it: string_lookup_N)
    **dict.fromkeys(("StringLookup", "IntegerLookup", "TextVectorization"), {}),
    "Hashing": {"num_bins": 3},
    "Discretization": {"bin_boundaries": [0.0]},
    "CategoryEncoding": {"num_tokens": 3},
}


def test_every_layer_is_in_the_comparison():
    assert set(LAYER_ARGS) == set(layers.LAYERS)


def test_default_layer_names_are_keras_names(keras):
    """Each layer, created twice after a cleared session, gets the names Keras gives its own: dense, dense_1."""
    keras.utils.clear_session()
    layers.clear_session()
    def arguments(args: dict, namespace) -> dict:
        return {key: value(namespace) if callable(value) else value for key, value in args.items()}

    for name, args in LAYER_ARGS.items():
        theirs = [getattr(keras.layers, name)(**arguments(args, keras.layers)).name for _ in range(2)]
        ours = [layers.LAYERS[name](**arguments(args, layers)).name for _ in range(2)]
        assert ours == theirs, name


@pytest.mark.parametrize(
    "cls", [losses.MeanSquaredError, losses.MeanAbsoluteError, losses.Huber, losses.BinaryCrossentropy,
            losses.CategoricalCrossentropy, losses.SparseCategoricalCrossentropy], ids=lambda c: c.__name__,
)  # fmt: skip
def test_default_loss_names_are_keras_names(keras, cls):
    """nabla names a loss after its class by the rule (Huber: "huber_loss", Keras's); Keras spells each out."""
    assert cls().name == getattr(keras.losses, cls.__name__)().name


@pytest.mark.parametrize(
    "name",
    [
        "MaxPooling2D", "Conv2D", "GlobalAveragePooling1D", "Conv2DTranspose", "R2Score", "AUC", "ReLU", "PReLU",
        "SparseTopKCategoricalAccuracy", "LSTMCell", "HTTPServer2", "BinaryCrossentropy", "A", "already_snake",
    ],
)  # fmt: skip
def test_snake_case_is_keras_rule(keras, name):
    from keras.src.utils.naming import to_snake_case  # Keras's rule itself (not public API: used as a reference)

    assert snake_case(name) == to_snake_case(name)


def test_layers_metrics_and_losses_share_the_one_rule():
    class MaxPooling2DScore(metrics.Mean):
        def __init__(self):
            super(metrics.Mean, self).__init__()  # the base's default name: the class name by the rule

    class Conv2DLoss(losses.Loss):
        pass

    class MyConv2DBlock(layers.Layer):
        pass

    layers.clear_session()
    assert MaxPooling2DScore().name == "max_pooling2d_score"  # the metrics' old rule said max_pooling2_d_score
    assert Conv2DLoss().name == "conv2d_loss"
    assert MyConv2DBlock().name == "my_conv2d_block"
