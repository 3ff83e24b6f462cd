"""The cross-entropies use the logits behind a Keras sigmoid or softmax, as Keras 3 on TensorFlow does.

Reference: TensorFlow 2.21's ``tf.keras`` (Keras 3 on its TensorFlow backend), run in a fresh interpreter
(conftest sets Keras 3's torch backend in this one, where Keras clips). On saturated outputs (logits of
±30) the two rules differ: a clipped loss stops at ``-log(1e-7) = 16.1`` with no gradient, TF's follows the
logits. Compared: loss values and gradients with respect to the pre-activation, for each way of making the
activation and each loss, and the losses of a few epochs of ``fit`` of a saturating model.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from keras_reference import run_on_keras_tensorflow

import nabla as nb
import nabla.keras as keras

Z = np.array([[30.0, -30.0, 2.0], [-30.0, 30.0, -1.0], [0.5, -0.25, 30.0], [-30.0, -30.0, 30.0]], np.float32)
Y_BINARY = np.array([[0, 1, 1], [1, 0, 0], [1, 1, 0], [1, 0, 1]], np.float32)  # confidently wrong on the ±30s
LABELS = np.array([1, 0, 1, 2])
ONE_HOT = np.eye(3, dtype=np.float32)[LABELS]

LOSSES = {  # name: (activation, targets, the function, the class)
    "binary_crossentropy": ("sigmoid", Y_BINARY, "binary_crossentropy", "BinaryCrossentropy"),
    "categorical_crossentropy": ("softmax", ONE_HOT, "categorical_crossentropy", "CategoricalCrossentropy"),
    "sparse_categorical_crossentropy": (
        "softmax", LABELS, "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
    ),
    "binary_focal_crossentropy": ("sigmoid", Y_BINARY, "binary_focal_crossentropy", "BinaryFocalCrossentropy"),
}  # fmt: skip
# Each way of producing the activation's output from the pre-activation z.
WAYS = ("activations", "ops", "dense", "activation_layer", "softmax_layer")


def _activate(k, way: str, activation: str, z):
    if way == "activations":
        return getattr(k.activations, activation)(z)
    if way == "ops":
        return getattr(k.ops, activation)(z)
    if way == "dense":  # an identity kernel: the Dense layer's pre-activation is z itself
        layer = k.layers.Dense(3, activation=activation, kernel_initializer="identity", bias_initializer="zeros")
        return layer(z)
    if way == "activation_layer":
        return k.layers.Activation(activation)(z)
    return k.layers.Softmax()(z)


def _cases():
    for loss, (activation, *_rest) in LOSSES.items():
        for way in WAYS:
            if way != "softmax_layer" or activation == "softmax":
                for form in ("function", "class", "class_from_logits"):
                    yield loss, way, form


def _loss_and_grad(k, tape_grad, loss: str, way: str, form: str):
    """``(loss value, d loss / d z)`` for one case; ``tape_grad(f)`` differentiates ``f(z)`` at Z."""
    activation, target, fn_name, cls_name = LOSSES[loss]

    def f(z):
        out = _activate(k, way, activation, z)
        if form == "function":
            return k.ops.mean(getattr(k.losses, fn_name)(target, out))
        return getattr(k.losses, cls_name)(from_logits=form == "class_from_logits")(target, out)

    return tape_grad(f)


FIT_DATA = np.array([[1.0, -2.0], [-1.5, 0.5], [2.0, 1.0], [-0.5, -1.0], [0.25, 2.0], [-2.0, 1.5]], np.float32)
FIT_MODELS = {  # loss name: (units, activation, targets); kernels of ±12 saturate the activations
    "binary_crossentropy": (1, "sigmoid", np.array([[1], [1], [0], [0], [1], [0]], np.float32)),
    "categorical_crossentropy": (3, "softmax", np.eye(3, dtype=np.float32)[[2, 0, 1, 1, 0, 2]]),
    "sparse_categorical_crossentropy": (3, "softmax", np.array([2, 0, 1, 1, 0, 2])),
}


def _kernel(units: int) -> np.ndarray:
    return np.array([[12.0, -9.0, 6.0], [-10.0, 11.0, -7.0]], np.float32)[:, :units]


def _fit_losses(k, loss: str, **compile_options) -> list[float]:
    units, activation, target = FIT_MODELS[loss]
    model = k.Sequential([k.Input((2,)), k.layers.Dense(units, activation=activation)])
    model.set_weights([_kernel(units), np.full(units, 0.5, np.float32)])
    model.compile(optimizer=k.optimizers.SGD(0.05), loss=loss, **compile_options)
    history = model.fit(FIT_DATA, target, batch_size=3, epochs=4, shuffle=False, verbose=0)
    return history.history["loss"]


_TF_SCRIPT = """
import json, sys, warnings
sys.path.insert(0, sys.argv[1])
import tensorflow as tf
import test_logits_behind_activations as t
k = tf.keras
assert k.backend.backend() == "tensorflow"

def tape_grad(f):
    z = tf.Variable(t.Z)
    with tf.GradientTape() as tape:
        value = f(z)
    return float(value), tape.gradient(value, z).numpy().tolist()

out = {"cases": {}, "fit": {}}
with warnings.catch_warnings():
    warnings.simplefilter("ignore")
    for case in t._cases():
        out["cases"]["/".join(case)] = t._loss_and_grad(k, tape_grad, *case)
def raw_focal(z):
    return k.losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True)(t.Y_BINARY, z)
out["focal_from_logits"] = tape_grad(raw_focal)
for loss in t.FIT_MODELS:
    out["fit"][loss] = [float(v) for v in t._fit_losses(k, loss)]
print(json.dumps(out))
"""


@pytest.fixture(scope="module")
def tf_reference() -> dict:
    """The numbers of TensorFlow's tf.keras for every case and fit here, from one fresh interpreter."""
    return run_on_keras_tensorflow(_TF_SCRIPT, os.path.dirname(os.path.abspath(__file__)))


def _nabla_grad(f):
    z = nb.tensor(Z, requires_grad=True)
    value = f(z)
    value.backward()
    return float(value.item()), z.grad.numpy()


@pytest.mark.parametrize("case", list(_cases()), ids="/".join)
def test_loss_and_gradient_on_saturated_outputs_match_tensorflow(tf_reference, case):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        value, grad = _loss_and_grad(keras, _nabla_grad, *case)
    want_value, want_grad = tf_reference["cases"]["/".join(case)]
    np.testing.assert_allclose(value, want_value, rtol=1e-5)
    np.testing.assert_allclose(grad, np.array(want_grad), rtol=1e-5, atol=1e-7)


@pytest.mark.parametrize("loss", list(LOSSES))
def test_the_clipped_rule_would_differ_here(tf_reference, loss):
    """On these inputs clipping (Keras on PyTorch) gives other losses: the comparisons above can fail."""
    activation, target, fn_name, _ = LOSSES[loss]
    copy = getattr(keras.activations, activation)(Z) * 1.0  # (a new tensor: no logits behind it)
    clipped = float(keras.ops.mean(getattr(keras.losses, fn_name)(target, copy)).item())
    assert abs(clipped - tf_reference["cases"][f"{loss}/activations/function"][0]) > 1.0


@pytest.mark.parametrize("loss", list(FIT_MODELS))
@pytest.mark.parametrize("jit_compile", [True, False], ids=["captured", "eager"])
def test_fit_of_a_saturating_model_matches_tensorflow(tf_reference, loss, jit_compile):
    got = _fit_losses(keras, loss, jit_compile=jit_compile)
    np.testing.assert_allclose(got, tf_reference["fit"][loss], rtol=1e-5)


def test_from_logits_true_on_an_activation_output_warns_and_uses_its_logits():
    out = keras.activations.softmax(Z)
    with pytest.warns(UserWarning, match="from_logits=True.*Softmax"):
        given = keras.losses.sparse_categorical_crossentropy(LABELS, out, from_logits=True)
    np.testing.assert_allclose(
        given.numpy(), keras.losses.sparse_categorical_crossentropy(LABELS, Z, from_logits=True).numpy(), rtol=1e-6
    )


def test_a_tensor_computed_from_the_output_has_no_logits_and_is_clipped():
    out = keras.activations.sigmoid(Z)
    assert out._keras_logits is not None and (out * 1.0)._keras_logits is None
    clipped = keras.losses.binary_crossentropy(Y_BINARY, out * 1.0).numpy()
    assert clipped.max() <= -np.log(1e-7) * 1.0001 < keras.losses.binary_crossentropy(Y_BINARY, out).numpy().max()


def test_focal_loss_from_logits_uses_the_logits_as_tensorflow(tf_reference):
    """``BinaryFocalCrossentropy(from_logits=True)`` on raw, saturated logits: its cross-entropy term comes from
    the logits (TensorFlow's sigmoid remembers them), not from clipped probabilities."""
    loss = keras.losses.BinaryFocalCrossentropy(from_logits=True, apply_class_balancing=True)
    value, grad = _nabla_grad(lambda z: loss(Y_BINARY, z))
    want_value, want_grad = tf_reference["focal_from_logits"]
    np.testing.assert_allclose(value, want_value, rtol=1e-5)
    np.testing.assert_allclose(grad, np.array(want_grad), rtol=1e-5, atol=1e-7)
