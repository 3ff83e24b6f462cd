"""Run a nabla layer and the same Keras 3 layer (PyTorch backend) with the same weights; compare them.

Outputs, the gradients of ``sum(out * w)`` for a random ``w`` with respect to the input and to every
weight, ``get_config`` keys, and, through a one-layer Sequential model, the summary's output shape and
parameter count.
"""

from __future__ import annotations

import json

import numpy as np
from conftest import require

import nabla as nb
from nabla.keras import Sequential
from nabla.keras.layers import LAYERS, Input
from nabla.keras.models import load_model

TOL = dict(rtol=1e-5, atol=1e-6)  # float32 in both libraries, summed in different orders
#: The config keys every layer has (Keras adds dtype; nabla adds input_shape when given).
BASE_KEYS = {"name", "trainable", "dtype", "input_shape"}


def compare_with_keras(layer, k_layer, x: np.ndarray, training: bool = False, seed: int = 1):
    """Call both layers on ``x`` (Keras's weights copied into nabla's); compare values and gradients.

    Returns (nabla output as an array, Keras output as an array).
    """
    torch = require("torch")
    k_x = torch.tensor(x, requires_grad=x.dtype.kind == "f")
    k_out = k_layer(k_x, training=training)
    layer(np.asarray(x[:1]))  # build, then take Keras's weights
    if k_layer.weights:
        layer.set_weights([w.detach().cpu().numpy() if hasattr(w, "detach") else np.asarray(w)
                           for w in k_layer.get_weights()])  # fmt: skip
    nb_x = nb.tensor(x, requires_grad=x.dtype.kind == "f")
    out = layer(nb_x, training=training)
    ref = k_out.detach().cpu().numpy()
    assert out.shape == ref.shape
    np.testing.assert_allclose(np.asarray(out), ref, **TOL, err_msg="outputs differ")
    if x.dtype.kind != "f" and not k_layer.trainable_weights:
        return np.asarray(out), ref
    w = np.random.default_rng(seed).uniform(0.5, 1.5, size=out.shape).astype(np.float32)
    (out * nb.tensor(w)).sum().backward()
    (k_out * torch.tensor(w)).sum().backward()
    if x.dtype.kind == "f":
        np.testing.assert_allclose(nb_x.grad.numpy(), k_x.grad.numpy(), **TOL, err_msg="input gradients differ")
    for mine, theirs in zip(layer.trainable_weights, k_layer.trainable_weights):
        np.testing.assert_allclose(mine.grad.numpy(), theirs.value.grad.numpy(), **TOL, err_msg="weight gradients")
    return np.asarray(out), ref


def own_config_keys(config: dict) -> set:
    return set(config) - BASE_KEYS


def check_config_keys(layer, k_layer, extra: set = frozenset()) -> None:
    """nabla's config has Keras's keys (beyond the base ones), plus ``extra`` where nabla keeps more."""
    assert own_config_keys(layer.get_config()) == own_config_keys(k_layer.get_config()) | set(extra)


def check_summary(layer_factory, k_layer_factory, keras, sample_shape: tuple) -> None:
    """A model of Input and the layer: the same output shape and parameter count as Keras's summary shows."""
    model = Sequential([Input(sample_shape), layer_factory()])
    k_model = keras.Sequential([keras.Input(sample_shape), k_layer_factory()])
    lines = []
    model.summary(print_fn=lines.append)
    row = [line for line in "\n".join(lines).splitlines() if line.startswith("│")][0]
    shape, params = [c.strip() for c in row.strip("│").split("│")][1:]
    k_layer = k_model.layers[0]
    assert shape == str(tuple(k_layer.output.shape))
    assert int(params.replace(",", "")) == k_layer.count_params()
    assert model.count_params() == k_model.count_params()


def check_save_load(model, x: np.ndarray, tmp_path) -> None:
    """``model.save`` then ``load_model``: the same classes, configs and predictions."""
    path = tmp_path / "model.keras"
    model.save(path)
    loaded = load_model(path)
    assert [type(a) for a in loaded.layers] == [type(b) for b in model.layers]
    assert all(type(layer).__name__ in LAYERS for layer in model.layers)
    for a, b in zip(loaded.layers, model.layers):
        assert json.dumps(a.get_config()) == json.dumps(b.get_config())
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))
