"""The ``tf.data`` steps that keras.io's examples chain onto ``image_dataset_from_directory`` and
``text_dataset_from_directory`` (``map``, ``cache``, ``prefetch``, ``cardinality``): the same batches as
Keras 3's ``tf.data.Dataset`` gives, and ``fit`` takes the result."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla.keras as keras


@pytest.fixture
def image_folder(tmp_path):
    require("PIL")
    from PIL import Image as image
    rng = np.random.default_rng(0)
    for label, base in (("cat", 200), ("dog", 50)):
        (tmp_path / label).mkdir()
        for i in range(5):
            pixels = np.clip(rng.normal(base, 20, (9, 7, 3)), 0, 255).astype(np.uint8)
            image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    return tmp_path


def _read(dataset):
    return [tuple(np.asarray(part) for part in batch) for batch in dataset]


def test_map_cache_prefetch_give_keras_s_batches(image_folder):
    theirs = keras_on_torch().utils.image_dataset_from_directory(
        image_folder, image_size=(4, 4), batch_size=3, shuffle=False
    )
    ours = keras.utils.image_dataset_from_directory(image_folder, image_size=(4, 4), batch_size=3, shuffle=False)
    assert ours.cardinality() == int(theirs.cardinality()) == 4

    def step(images, labels):
        return images / 255.0 + 1.0, labels * 2

    want = _read(theirs.map(step).cache().prefetch(2))
    got = _read(ours.map(step, num_parallel_calls=-1).cache().prefetch(2))
    assert len(got) == len(want)
    for (x, y), (x_want, y_want) in zip(got, want):
        np.testing.assert_allclose(x, x_want, rtol=1e-6)
        np.testing.assert_array_equal(y, y_want)
    assert ours.class_names == ["cat", "dog"]  # (a mapped dataset is a new one, without them, as in Keras)
    only_images = ours.map(lambda x, y: x)  # a tuple batch is unpacked into map_func's arguments
    assert np.asarray(next(iter(only_images.take(1)))).shape == (3, 4, 4, 3)


def test_a_mapped_dataset_reshuffles_and_a_cached_one_replays(image_folder):
    ours = keras.utils.image_dataset_from_directory(image_folder, image_size=(4, 4), batch_size=10, seed=1)
    labels = ours.map(lambda x, y: y)
    orders = {tuple(np.asarray(next(iter(labels)))) for _ in range(6)}
    assert len(orders) > 1  # each pass over the shuffled source draws a new order, as tf.data's shuffle
    cached = ours.map(lambda x, y: y).cache()  # (tf.data keeps a pass once it was read to its end)
    assert len({tuple(tuple(np.asarray(batch).tolist()) for batch in cached) for _ in range(6)}) == 1


def test_fit_takes_a_mapped_dataset(image_folder):
    train = keras.utils.image_dataset_from_directory(image_folder, image_size=(4, 4), batch_size=4, seed=2)
    train = train.map(lambda x, y: (x / 255.0, y)).prefetch(1)
    model = keras.Sequential([keras.Input((4, 4, 3)), keras.layers.Flatten(), keras.layers.Dense(1)])
    model.compile(optimizer=keras.optimizers.Adam(0.05), loss=keras.losses.BinaryCrossentropy(from_logits=True))
    history = model.fit(train, epochs=15, verbose=0)
    assert history.history["loss"][-1] < history.history["loss"][0] / 2


def test_cache_to_a_file_is_refused(image_folder):
    ours = keras.utils.image_dataset_from_directory(image_folder, image_size=(4, 4))
    with pytest.raises(ValueError, match="in memory only"):
        ours.cache("somewhere")
    with pytest.raises(TypeError, match="expects a function"):
        ours.map(3)


def test_text_batches_answer_numpy_as_tensorflow_s(tmp_path):
    """keras.io's text example prints ``text_batch.numpy()[i]``: the same bytes as Keras 3's string tensor."""
    for label, words in (("neg", "dull. Boring"), ("pos", "Great<br />film!")):
        (tmp_path / label).mkdir()
        for i in range(3):
            (tmp_path / label / f"{i}.txt").write_text(f"{words} {i}")
    theirs = keras_on_torch().utils.text_dataset_from_directory(tmp_path, batch_size=4, shuffle=False)
    ours = keras.utils.text_dataset_from_directory(tmp_path, batch_size=4, shuffle=False)
    for (text, labels), (their_text, their_labels) in zip(ours, theirs):
        assert list(text.numpy()) == list(their_text.numpy())
        assert type(text.numpy()) is np.ndarray
        np.testing.assert_array_equal(labels.numpy(), their_labels.numpy())
