"""RandomBrightness against Keras 3 (PyTorch backend): its formula for a given delta, its config and errors, and
the statistics its random draws must satisfy (nabla's generator is not Keras's, so draws are not compared)."""

from __future__ import annotations

import json

import numpy as np
import pytest
from conftest import require
from keras_compare import check_save_load, check_summary

import nabla as nb
import nabla.keras as nk
from nabla.keras.layers import RandomBrightness


def _mid_grey(n: int = 64) -> np.ndarray:
    """Images in [100, 150]: a delta of up to 25.5 (factor 0.1 of 0..255) moves them without clipping."""
    return np.random.default_rng(0).uniform(100, 150, (n, 5, 4, 3)).astype(np.float32)


def test_one_delta_per_image_in_the_factor_range_as_keras_transform(keras):
    torch = require("torch")
    nb.manual_seed(1)
    x = _mid_grey()
    out = np.asarray(RandomBrightness((-0.1, 0.05))(x, training=True))
    delta = (out - x).reshape(len(x), -1)
    np.testing.assert_allclose(delta, delta[:, :1].repeat(delta.shape[1], axis=1), atol=1e-4)  # constant per image
    delta = delta[:, 0]
    assert delta.min() >= -25.5 - 1e-3 and delta.max() <= 12.75 + 1e-3 and delta.max() - delta.min() > 20
    assert abs(delta.mean() - (-25.5 + 12.75) / 2) < 4  # uniform: mean (lo + hi) / 2, sd 11 / sqrt(64) = 1.4
    # Keras's own transformation with those deltas gives the same images
    theirs = keras.layers.RandomBrightness(0.1).transform_images(
        torch.tensor(x), {"rgb_delta": torch.tensor(delta.reshape(-1, 1, 1, 1))}
    )
    np.testing.assert_allclose(out, theirs.numpy(), atol=1e-4)


def test_clipped_to_the_value_range_and_one_image_alone():
    nb.manual_seed(2)
    x = np.random.default_rng(1).uniform(0, 1, (32, 6, 6, 3)).astype(np.float32)
    out = np.asarray(RandomBrightness(1.0, value_range=(1, 0))(x, training=True))  # (a reversed range is sorted)
    assert out.dtype == np.float32 and out.min() == 0.0 and out.max() == 1.0
    assert ((out == 0.0) | (out == 1.0)).mean() > 0.3
    image = _mid_grey(1)[0]
    one = np.asarray(RandomBrightness(0.1)(image, training=True))
    assert one.shape == image.shape and np.ptp(one - image) < 1e-3 and abs((one - image).max()) > 0


def test_draws_follow_nablas_seed_and_gradients_pass():
    x = _mid_grey(8)
    nb.manual_seed(3)
    first = np.asarray(RandomBrightness(0.2, seed=5)(x, training=True))
    nb.manual_seed(3)
    again = np.asarray(RandomBrightness(0.2, seed=5)(x, training=True))
    np.testing.assert_array_equal(first, again)
    assert not np.array_equal(np.asarray(RandomBrightness(0.2)(x, training=True)), first)
    t = nb.tensor(x, requires_grad=True)
    (RandomBrightness(0.1)(t, training=True) * 2.0).sum().backward()
    np.testing.assert_array_equal(t.grad.numpy(), np.full_like(x, 2.0))  # (no clipping at these values)


def test_identity_at_inference_and_integer_images_as_keras(keras):
    x = np.random.default_rng(0).integers(0, 256, (2, 5, 6, 3)).astype(np.uint8)
    theirs = keras.ops.convert_to_numpy(keras.layers.RandomBrightness(0.2)(x, training=False))
    out = np.asarray(RandomBrightness(0.2)(x, training=False))
    assert out.dtype == theirs.dtype == np.uint8 and np.array_equal(out, x) and np.array_equal(theirs, x)
    # While training integer images keep their dtype, each gaining a whole delta (Keras on TensorFlow's cast;
    # see test_integer_arrays_into_layers.py for the dtypes against it), clipped to value_range
    nb.manual_seed(0)
    images = np.random.default_rng(1).integers(100, 150, (16, 5, 6, 3)).astype(np.int32)
    out = np.asarray(RandomBrightness(0.1)(images, training=True))
    delta = (out - images).reshape(16, -1)
    assert out.dtype == np.int32 and (delta == delta[:, :1]).all() and np.abs(delta).max() <= 25
    dark = np.asarray(RandomBrightness((-1.0, -0.5))(x, training=True))
    assert dark.dtype == np.uint8 and dark.max() <= 255 - 127  # (clipped at 0, not wrapped around)
    floats = _mid_grey(4)
    model = nk.Sequential([nk.Input((5, 4, 3)), RandomBrightness(0.5)])
    np.testing.assert_array_equal(model.predict(floats, verbose=0), floats)
    check_summary(lambda: RandomBrightness(0.2), lambda: keras.layers.RandomBrightness(0.2), keras, (5, 6, 3))


@pytest.mark.parametrize("factor", [0.2, -0.3, 1.0, (-0.2, 0.5), [0.5, -0.2]])
@pytest.mark.parametrize("value_range", [(0, 255), (0.0, 1.0), [1, -1]])
def test_config_is_keras_s(keras, factor, value_range):
    ours = RandomBrightness(factor, value_range=value_range, seed=7, name="b")
    theirs = keras.layers.RandomBrightness(factor, value_range=value_range, seed=7, name="b")
    assert json.dumps(ours.get_config()) == json.dumps(theirs.get_config())
    again = RandomBrightness.from_config(ours.get_config())
    assert json.dumps(again.get_config()) == json.dumps(ours.get_config())


@pytest.mark.parametrize("kwargs", [{"factor": 1.5}, {"factor": -1.2}, {"factor": "a"}, {"factor": (0.1,)},
                                    {"factor": (0.1, 0.2, 0.3)}, {"factor": 0.1, "value_range": 5},
                                    {"factor": 0.1, "value_range": (1, 2, 3)}])  # fmt: skip
def test_bad_arguments_are_refused_as_keras(keras, kwargs):
    with pytest.raises(ValueError):
        keras.layers.RandomBrightness(**kwargs)
    with pytest.raises(ValueError, match="RandomBrightness: (factor|value_range) must"):
        RandomBrightness(**kwargs)


def test_a_captured_step_draws_afresh_and_fit_compiles_it(tmp_path):
    nb.manual_seed(4)
    layer = RandomBrightness(0.3, value_range=(0, 1))
    step = nb.capture(lambda x: layer(x, training=True))
    x = nb.tensor(np.full((6, 3, 3, 2), 0.5, np.float32))
    outs = [np.asarray(step(x)) for _ in range(3)]
    assert not np.array_equal(outs[0], outs[1]) and not np.array_equal(outs[1], outs[2])
    model = nk.Sequential([nk.Input((6, 6, 2)), RandomBrightness(0.2, value_range=(0, 1)), nk.layers.Flatten(),
                           nk.layers.Dense(2)])  # fmt: skip
    model.compile("adam", "mse", jit_compile=True)  # True: a step that cannot be captured raises instead
    rng = np.random.default_rng(0)
    history = model.fit(rng.random((32, 6, 6, 2)).astype(np.float32), rng.random((32, 2)), epochs=2, verbose=0)
    assert np.all(np.isfinite(history.history["loss"])) and model._captured_step is not None
    check_save_load(model, rng.random((4, 6, 6, 2)).astype(np.float32), tmp_path)
