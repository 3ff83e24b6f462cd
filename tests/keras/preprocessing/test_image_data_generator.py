"""``ImageDataGenerator``'s transforms, normalizations and ``flow`` against Keras 2's (``tf_keras``)."""

from __future__ import annotations

import numpy as np
import pytest
from tf_keras_reference import tf_keras_preprocessing

from nabla.keras.preprocessing.image import ImageDataGenerator, apply_affine_transform

FILL_MODES = ["nearest", "constant", "reflect", "wrap"]
PARAMS = [
    {"theta": 33.0},
    {"theta": -90.0},
    {"tx": 2.0, "ty": -3.0},
    {"tx": 1.7, "ty": 0.4},
    {"shear": 20.0},
    {"zx": 0.7, "zy": 1.3},
    {"zx": 1.5, "zy": 1.5},
    {"flip_horizontal": True},
    {"flip_vertical": True},
    {"channel_shift_intensity": 20.0},
    {"theta": 12.0, "tx": -1.5, "ty": 2.5, "shear": 8.0, "zx": 0.9, "zy": 1.1, "flip_horizontal": True},
]


@pytest.fixture(scope="module")
def kimage():
    return tf_keras_preprocessing()[0]


def images(shape=(6, 7, 9, 3), seed=0) -> np.ndarray:
    return np.random.default_rng(seed).uniform(0, 255, shape).astype(np.float32)


@pytest.mark.parametrize("fill_mode", FILL_MODES)
@pytest.mark.parametrize("params", PARAMS, ids=lambda p: "-".join(p))
def test_apply_transform_matches_keras2(kimage, fill_mode, params):
    x = images()[0]
    ours = ImageDataGenerator(fill_mode=fill_mode, cval=17.0).apply_transform(x, params)
    theirs = kimage.ImageDataGenerator(fill_mode=fill_mode, cval=17.0).apply_transform(x, params)
    assert ours.shape == x.shape and ours.dtype == np.float32
    np.testing.assert_allclose(ours, theirs, atol=1e-4)


@pytest.mark.parametrize("order", [0, 1])
@pytest.mark.parametrize("channels", [1, 4])
def test_apply_transform_orders_channels_and_channels_first(kimage, order, channels):
    x = images((1, 8, 5, channels), seed=1)[0]
    params = {"theta": 21.0, "tx": 1.2, "zx": 1.2, "zy": 0.8}
    kw = dict(interpolation_order=order, fill_mode="reflect")
    ours = ImageDataGenerator(**kw).apply_transform(x, params)
    np.testing.assert_allclose(ours, kimage.ImageDataGenerator(**kw).apply_transform(x, params), atol=1e-4)
    first = ImageDataGenerator(data_format="channels_first", **kw).apply_transform(x.transpose(2, 0, 1), params)
    np.testing.assert_allclose(first.transpose(1, 2, 0), ours, atol=1e-5)


def test_apply_affine_transform_function_matches_keras2(kimage):
    x = images((1, 3, 7, 6), seed=2)[0]  # Keras 2's default axes: channels first
    ours = apply_affine_transform(x, theta=40, tx=1, shear=5, zx=1.1, fill_mode="wrap")
    np.testing.assert_allclose(ours, kimage.apply_affine_transform(x, theta=40, tx=1, shear=5, zx=1.1,
                                                                   fill_mode="wrap"), atol=1e-4)  # fmt: skip


def test_brightness_goes_through_pillow_as_in_keras2(kimage):
    x = images()[0]
    for params in ({"brightness": 0.6}, {"brightness": 1.4}):
        ours = ImageDataGenerator().apply_transform(x, params)
        np.testing.assert_allclose(ours, kimage.ImageDataGenerator().apply_transform(x, params), atol=1e-4)


@pytest.mark.parametrize(
    "shift",
    [0.2, 3, [-2, 1, 4], 2.5, (0.1, 0.3)],
    ids=["fraction", "int-pixels", "list", "float-pixels", "tuple-fractions"],
)
def test_seeded_random_transform_matches_keras2(kimage, shift):
    kw = dict(rotation_range=25, width_shift_range=shift, height_shift_range=shift, shear_range=12,
              zoom_range=[0.8, 1.2], horizontal_flip=True, vertical_flip=True, channel_shift_range=10.0,
              brightness_range=[0.7, 1.3], fill_mode="constant")  # fmt: skip
    ours, theirs = ImageDataGenerator(**kw), kimage.ImageDataGenerator(**kw)
    x = images()[0]
    for seed in (0, 7, 123):
        p, q = ours.get_random_transform(x.shape, seed=seed), theirs.get_random_transform(x.shape, seed=seed)
        assert p.keys() == q.keys()
        for key in p:
            np.testing.assert_allclose(np.float64(p[key]), np.float64(q[key]), rtol=1e-12, err_msg=key)
        np.testing.assert_allclose(ours.random_transform(x, seed=seed), theirs.random_transform(x, seed=seed),
                                   atol=1e-4)  # fmt: skip


def test_no_transform_returns_the_image():
    x = images()[0]
    out = ImageDataGenerator().random_transform(x, seed=0)
    np.testing.assert_array_equal(out, x)


def test_featurewise_fit_and_standardize_match_keras2(kimage):
    x = images((12, 5, 6, 3), seed=3)
    kw = dict(featurewise_center=True, featurewise_std_normalization=True, rescale=1 / 255)
    ours, theirs = ImageDataGenerator(**kw), kimage.ImageDataGenerator(**kw)
    ours.fit(x)
    theirs.fit(x)
    assert ours.mean.shape == (1, 1, 3) and ours.std.shape == (1, 1, 3)
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-6)
    np.testing.assert_allclose(ours.std, theirs.std, rtol=1e-6)
    sample = x[0].copy()
    np.testing.assert_allclose(ours.standardize(sample.copy()), theirs.standardize(sample.copy()), atol=1e-5)


def test_samplewise_and_zca_match_keras2(kimage):
    x = images((20, 4, 4, 1), seed=4)
    kw = dict(samplewise_center=True, samplewise_std_normalization=True)
    np.testing.assert_allclose(ImageDataGenerator(**kw).standardize(x[0].copy()),
                               kimage.ImageDataGenerator(**kw).standardize(x[0].copy()), atol=1e-5)  # fmt: skip
    with pytest.warns(UserWarning):
        ours = ImageDataGenerator(zca_whitening=True)
    with pytest.warns(UserWarning):
        theirs = kimage.ImageDataGenerator(zca_whitening=True)
    ours.fit(x)
    theirs.fit(x)
    np.testing.assert_allclose(ours.zca_whitening_matrix, theirs.zca_whitening_matrix, atol=1e-4)
    np.testing.assert_allclose(ours.standardize(x[:3].copy()), theirs.standardize(x[:3].copy()), atol=1e-3)


def test_fit_with_augment_matches_keras2(kimage):
    x = images((5, 6, 6, 3), seed=5)
    kw = dict(featurewise_center=True, rotation_range=30, horizontal_flip=True)
    ours, theirs = ImageDataGenerator(**kw), kimage.ImageDataGenerator(**kw)
    ours.fit(x, augment=True, rounds=2, seed=3)
    theirs.fit(x, augment=True, rounds=2, seed=3)
    np.testing.assert_allclose(ours.mean, theirs.mean, rtol=1e-5)


def test_standardize_without_fit_warns():
    with pytest.warns(UserWarning, match="hasn't been fit"):
        ImageDataGenerator(featurewise_center=True).standardize(images()[0])


def test_flow_in_order_matches_keras2(kimage):
    x, y = images((10, 7, 9, 3), seed=6), np.arange(10) % 3
    weights = np.linspace(0.5, 1.5, 10)
    ours = ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4, shuffle=False, sample_weight=weights)
    theirs = kimage.ImageDataGenerator(rescale=1 / 255).flow(x, y, batch_size=4, shuffle=False, sample_weight=weights)
    assert len(ours) == len(theirs) == 3
    for i in range(3):
        for a, b in zip(ours[i], theirs[i]):
            np.testing.assert_allclose(a, b, rtol=1e-6)
    bx, by, bw = ours[2]
    assert bx.shape == (2, 7, 9, 3) and bx.dtype == np.float32 and list(by) == [2, 0] and len(bw) == 2
    assert ours.n == 10 and ours.batch_size == 4
    np.testing.assert_allclose(ours[-1][0], bx)


def test_seeded_shuffled_augmented_flow_matches_keras2(kimage):
    x, y = images((10, 8, 8, 3), seed=7), np.arange(10)
    kw = dict(rotation_range=40, width_shift_range=0.2, height_shift_range=0.2, shear_range=0.2, zoom_range=0.2,
              horizontal_flip=True, fill_mode="nearest", rescale=1 / 255)  # fmt: skip
    ours = ImageDataGenerator(**kw).flow(x, y, batch_size=4, seed=11)
    theirs = kimage.ImageDataGenerator(**kw).flow(x, y, batch_size=4, seed=11)
    for i in (0, 2, 1):
        (a, ay), (b, by) = ours[i], theirs[i]
        np.testing.assert_array_equal(ay, by)
        np.testing.assert_allclose(a, b, atol=1e-5)
    ours.on_epoch_end()
    theirs.on_epoch_end()
    for _ in range(5):  # next(): endless, a new order after each pass
        (a, ay), (b, by) = next(ours), next(theirs)
        np.testing.assert_array_equal(ay, by)
        np.testing.assert_allclose(a, b, atol=1e-5)


def test_flow_subsets_and_extra_inputs(kimage):
    x, y = images((10, 4, 4, 1), seed=8), np.arange(10) % 2
    extra = np.arange(10.0)[:, None]
    for subset in ("training", "validation"):
        ours = ImageDataGenerator(validation_split=0.3).flow((x, extra), y, batch_size=20, shuffle=False, subset=subset)
        theirs = kimage.ImageDataGenerator(validation_split=0.3).flow((x, extra), y, batch_size=20, shuffle=False,
                                                                      subset=subset)  # fmt: skip
        (inputs, labels), (k_inputs, k_labels) = ours[0], theirs[0]
        assert ours.n == (7 if subset == "training" else 3)
        np.testing.assert_allclose(inputs[0], k_inputs[0])
        np.testing.assert_allclose(inputs[1], k_inputs[1])
        np.testing.assert_array_equal(labels, k_labels)
    only_x = ImageDataGenerator().flow(x, batch_size=3, shuffle=False)[0]
    assert isinstance(only_x, np.ndarray) and only_x.shape == (3, 4, 4, 1)


@pytest.mark.parametrize(
    "make, match",
    [
        (lambda: ImageDataGenerator().flow(np.zeros((4, 5, 5))), "rank 4"),
        (lambda: ImageDataGenerator().flow(np.zeros((4, 5, 5, 1)), np.zeros(3)), "same length"),
        (lambda: ImageDataGenerator(validation_split=0.5).flow(np.zeros((4, 2, 2, 1)), subset="test"), "subset"),
        (lambda: ImageDataGenerator().flow(np.zeros((4, 2, 2, 1)), batch_size=0), "batch_size"),
        (lambda: ImageDataGenerator(fill_mode="mirror"), "fill_mode"),
        (lambda: ImageDataGenerator(zoom_range=[0.5, 1, 2]), "zoom_range"),
        (lambda: ImageDataGenerator(validation_split=1.5), "validation_split"),
        (lambda: ImageDataGenerator(brightness_range=0.5), "brightness_range"),
        (lambda: ImageDataGenerator(interpolation_order=3), "interpolation_order"),
        (lambda: ImageDataGenerator().fit(np.zeros((4, 4, 4))), "rank 4"),
    ],
)
def test_bad_input_is_a_one_line_error(make, match):
    with pytest.raises(ValueError, match=match) as info:
        make()
    assert "\n" not in str(info.value)


def test_out_of_range_batch_index():
    it = ImageDataGenerator().flow(np.zeros((5, 2, 2, 1)), batch_size=2)
    with pytest.raises(IndexError, match="3 batches"):
        it[3]
