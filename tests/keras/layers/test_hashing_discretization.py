"""Hashing and Discretization against Keras 3 (its Hashing runs TensorFlow's hash ops) and TensorFlow's
fingerprint itself: the same bins, encodings, learned boundaries and configs."""

from __future__ import annotations

import random

import numpy as np
import pytest

from nabla import layers, models
from nabla.keras.layers.string_hashes import fingerprint64, siphash24

tf = pytest.importorskip("tensorflow")

rng = random.Random(0)
BYTES = [bytes(rng.randrange(256) for _ in range(n)) for n in [*range(0, 140), 255, 256, 257, 1000]]
WORDS = np.array([["A", "B", "C"], ["D", "E", ""], ["é", "long words " * 9, "A"]])


def as_numpy(out):
    return out.numpy() if hasattr(out, "numpy") else np.asarray(out)


def test_fingerprint64_is_tensorflows_at_every_length_branch():
    want = tf.fingerprint(tf.constant(BYTES), "farmhash64").numpy()
    assert [fingerprint64(b) for b in BYTES] == [int.from_bytes(row.tobytes(), "little") for row in want]


def test_siphash24_is_tensorflows_strong_hash():
    want = tf.strings.to_hash_bucket_strong(tf.constant(BYTES), 1009, key=[133, 2**62 + 5]).numpy()
    assert [siphash24((133, 2**62 + 5), b) % 1009 for b in BYTES] == want.tolist()


@pytest.mark.parametrize("options", [{}, {"mask_value": ""}, {"salt": 133}, {"salt": [133, 137]},
                                     {"mask_value": "A", "salt": 7}], ids=str)  # fmt: skip
@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
def test_hashing_strings_as_keras(keras, options, mode):
    data = WORDS[:, :1] if mode == "one_hot" else WORDS
    ours = layers.Hashing(num_bins=5, output_mode=mode, **options)
    theirs = keras.layers.Hashing(num_bins=5, output_mode=mode, **options)
    got, want = ours(data), as_numpy(theirs(data))
    assert got.shape == want.shape and got.numpy().dtype == want.dtype
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("data", [np.array([[1], [2], [30], [-7]]), np.array([[1.5, -2.7, 2**40]], np.float64),
                                  np.array([3, 3, 4], np.int32)], ids=["int64", "float", "int32"])  # fmt: skip
def test_hashing_numbers_as_keras(keras, data):
    ours, theirs = layers.Hashing(num_bins=7, mask_value=3), keras.layers.Hashing(num_bins=7, mask_value=3)
    np.testing.assert_array_equal(ours(data).numpy(), as_numpy(theirs(data)))


def test_hashing_config_round_trip_and_refusals(keras):
    layer = layers.Hashing(num_bins=4, salt=9, mask_value="", output_mode="count")
    want = keras.layers.Hashing(num_bins=4, salt=9, mask_value="", output_mode="count").get_config()
    config = layer.get_config()
    assert {k: config[k] for k in want if k != "name"} == {k: v for k, v in want.items() if k != "name"}
    clone = layers.Hashing.from_config(config)
    np.testing.assert_array_equal(clone(WORDS).numpy(), layer(WORDS).numpy())
    for bad, match in [({"num_bins": 0}, "num_bins"), ({"num_bins": 3, "salt": "x"}, "salt"),
                       ({"num_bins": 3, "output_mode": "tf_idf"}, "output_mode"),
                       ({"num_bins": 3, "sparse": True}, "sparse")]:  # fmt: skip
        with pytest.raises(ValueError, match=match):
            layers.Hashing(**bad)


def test_hashing_in_a_model_file(tmp_path):
    inputs = layers.Input((1,), dtype="string")
    hashed = layers.Hashing(num_bins=8, output_mode="one_hot")(inputs)
    model = models.Model(inputs, layers.Dense(1)(hashed))
    x = np.array([["cat"], ["dog"], ["fish"]])
    model.save(tmp_path / "model.keras")
    loaded = models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


def test_discretization_and_category_encoding_in_a_model_file(tmp_path):
    """An adapted Discretization (its learned boundaries in the config) and a CategoryEncoding save and load."""
    bucket = layers.Discretization(num_bins=4, output_mode="one_hot")
    bucket.adapt(np.arange(40.0))
    inputs = layers.Input((1,))
    counted = layers.CategoryEncoding(num_tokens=4, output_mode="count")(layers.Discretization([10.0, 20.0])(inputs))
    model = models.Model(inputs, layers.Dense(1)(layers.Concatenate()([bucket(inputs), counted])))
    x = np.array([[1.0], [15.0], [39.0]], np.float32)
    model.save(tmp_path / "model.keras")
    loaded = models.load_model(tmp_path / "model.keras")
    np.testing.assert_array_equal(loaded.predict(x, verbose=0), model.predict(x, verbose=0))


@pytest.mark.parametrize("mode", ["int", "one_hot", "multi_hot", "count"])
@pytest.mark.parametrize("shape", [(6,), (2, 3)])
def test_discretization_with_boundaries_as_keras(keras, mode, shape):
    data = np.array([-1.5, 0.0, 0.5, 1.0, 2.0, 1e9], np.float32).reshape(shape)
    ours = layers.Discretization(bin_boundaries=[0.0, 1.0, 1.5], output_mode=mode)
    theirs = keras.layers.Discretization(bin_boundaries=[0.0, 1.0, 1.5], output_mode=mode)
    got, want = ours(data), as_numpy(theirs(data))
    assert got.numpy().dtype == want.dtype
    np.testing.assert_array_equal(got.numpy(), want)


@pytest.mark.parametrize("num_bins,epsilon", [(4, 0.01), (3, 0.1), (5, 0.001), (10, 0.5)])
def test_discretization_adapts_to_keras_boundaries(keras, num_bins, epsilon):
    data = np.random.default_rng(num_bins).normal(size=(700, 2)).astype(np.float32)
    ours = layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    theirs = keras.layers.Discretization(num_bins=num_bins, epsilon=epsilon)
    batches = [data[:300], data[300:]]
    ours.adapt(iter(batches))
    theirs.adapt(iter(batches))
    np.testing.assert_allclose(ours.bin_boundaries, theirs.bin_boundaries, rtol=1e-6)
    np.testing.assert_array_equal(ours(data).numpy(), as_numpy(theirs(data)))


def test_discretization_config_round_trip_and_refusals(keras):
    layer = layers.Discretization(num_bins=3)
    layer.adapt(np.arange(30.0))
    config = layer.get_config()
    want = keras.layers.Discretization(num_bins=3).get_config()
    assert set(want) <= set(config)
    clone = layers.Discretization.from_config(config)
    assert clone.bin_boundaries == layer.bin_boundaries and clone.num_bins == 3
    with pytest.raises(ValueError, match="either bin_boundaries or num_bins"):
        layers.Discretization()
    with pytest.raises(ValueError, match="adapt"):
        layers.Discretization(bin_boundaries=[1.0]).adapt(np.arange(3.0))
    with pytest.raises(ValueError, match="call adapt"):
        layers.Discretization(num_bins=2)(np.arange(3.0))


def test_a_text_mask_value_matches_str_and_bytes_alike():
    import nabla.tf as ntf

    layer = layers.Hashing(3, mask_value="")
    want = np.asarray(layer(np.array(["", "a"])))
    assert want[0] == 0 and want[1] != 0
    np.testing.assert_array_equal(np.asarray(layer(ntf.constant(["", "a"]))), want)  # (a string tensor's bytes)
    with pytest.raises(ValueError, match="num_bins"):
        layers.Discretization(num_bins=0)
