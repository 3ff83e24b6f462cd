"""Default names: one snake_case rule for the whole Keras side, Keras's own, tested against Keras 3."""

from __future__ import annotations

import numpy as np
import pytest
from keras_toys import LAYER_ARGS
from keras_toys import layer_arguments as arguments

from nabla import layers, losses, metrics
from nabla.keras.utils.naming import snake_case


def test_every_layer_is_in_the_comparison():
    assert set(LAYER_ARGS) == set(layers.LAYERS)


def test_default_layer_names_are_keras_names(keras):
    """Each layer, created twice after a cleared session, gets the names Keras gives its own: dense, dense_1."""
    keras.utils.clear_session()
    layers.clear_session()
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


def test_functional_models_are_numbered_as_keras_3_numbers_them(keras):
    """Keras 3 makes every build of a Sequential model (at construction with a known input shape, at each
    ``add``/``pop`` after it, at the first call, ``build`` or ``fit``) a functional graph named from the
    functional models' counter: the functional models a notebook makes next are numbered after them."""
    import nabla.keras as nabla_keras

    def names(k) -> list[str]:
        k.utils.clear_session()

        def functional() -> str:
            x = k.Input((3,))
            return k.Model(x, k.layers.Dense(2)(x)).name

        seen = [functional()]
        k.Sequential([k.layers.Dense(2)])(np.zeros((1, 3), "float32"))
        seen.append(functional())
        k.Sequential([k.layers.Dense(2)]).build((None, 3))
        seen.append(functional())
        model = k.Sequential([k.layers.Dense(2)])
        model.compile("sgd", "mse")
        model.fit(np.zeros((4, 3), "float32"), np.zeros((4, 2), "float32"), verbose=0)
        seen.append(functional())
        model = k.Sequential([k.Input((3,))])
        model.add(k.layers.Dense(2))
        model.add(k.layers.Dropout(0.5))
        seen.append(functional())
        k.Sequential([k.Input((3,)), k.layers.Dense(2)]).pop()
        seen.append(functional())
        return seen + [k.Sequential([k.Input((3,)), k.layers.Dense(2)]).name]

    assert names(nabla_keras) == names(keras)
