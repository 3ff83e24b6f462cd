"""The layers of the transposed/depthwise convolutions, resizing, 1-D reshaping and the new dropouts in a
compiled step (``nb.capture``, what ``fit`` compiles): the random ones draw afresh at each replay, and a
model of all of them trains with ``jit_compile=True`` (which raises where a step cannot be captured)."""

from __future__ import annotations

import numpy as np

import nabla as nb
import nabla.keras as nk
from nabla.keras import layers as L  # noqa: N812


def test_random_crop_and_the_dropouts_draw_afresh_in_a_compiled_step():
    nb.manual_seed(3)
    crop, alpha, spatial = L.RandomCrop(4, 4), L.AlphaDropout(0.5), L.SpatialDropout3D(0.5)
    step = nb.capture(lambda x: crop(x, training=True))
    x = nb.tensor(np.arange(2 * 9 * 9, dtype=np.float32).reshape(2, 9, 9, 1))
    corners = {float(np.asarray(step(x))[0, 0, 0, 0]) for _ in range(12)}
    assert len(corners) > 3  # 36 places: a replay that reused its first draw would give one
    for layer, shape in ((alpha, (4, 6)), (spatial, (3, 2, 2, 2, 4))):
        step = nb.capture(lambda x, layer=layer: layer(x, training=True))
        x = nb.tensor(np.ones(shape, dtype=np.float32))
        first, second = np.asarray(step(x)), np.asarray(step(x))
        assert not np.array_equal(first, second)


def test_a_model_of_the_new_layers_trains_in_a_compiled_step():
    nb.manual_seed(0)
    rng = np.random.default_rng(0)
    x, y = rng.random((32, 12, 12, 1)).astype(np.float32), rng.random((32, 1)).astype(np.float32)
    model = nk.Sequential([
        L.Input((12, 12, 1)), L.RandomCrop(10, 10), L.Resizing(8, 8), L.CenterCrop(7, 7),
        L.SeparableConv2D(4, 3, activation="relu"), L.GroupNormalization(2), L.DepthwiseConv2D(3),
        L.Conv2DTranspose(2, 3, strides=2, padding="same"), L.AlphaDropout(0.1), L.Reshape((36, 2)),
        L.ZeroPadding1D(), L.UpSampling1D(), L.Cropping1D(), L.Conv1DTranspose(2, 3, strides=2),
        L.SpatialDropout1D(0.2), L.Flatten(), L.Dense(1),
    ])  # fmt: skip
    model.compile("adam", "mse", jit_compile=True)  # True: a step that cannot be captured raises instead
    history = model.fit(x, y, epochs=3, batch_size=8, verbose=0)
    assert np.all(np.isfinite(history.history["loss"]))
