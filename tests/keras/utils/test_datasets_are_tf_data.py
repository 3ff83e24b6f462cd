"""Keras's dataset functions return a ``tf.data.Dataset`` (nabla.tf.data's), as Keras 3 returns TensorFlow's: the
same ``element_spec`` (the batch axis None), ``cardinality()`` and batches as Keras 3 on TensorFlow 2.21, every
``tf.data`` step chained onto them, and the TensorFlow time-series tutorial's ``WindowGenerator`` run unchanged."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from keras_reference import keras_on_torch

import nabla.keras as keras
import nabla.tf as ntf

SERIES = np.random.default_rng(0).standard_normal((60, 3)).astype(np.float32)
TARGETS = np.arange(1000, 1060)


def _values(dataset) -> list:
    return [tuple(np.asarray(leaf) for leaf in ntf.nest.flatten(element)) for element in dataset]


def _same(ours, theirs) -> None:
    """The same element_spec (as printed), cardinality and elements (values and dtypes), in order (floats to
    float32's rounding: a resize computes in another order than TensorFlow's kernel)."""
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    assert int(ours.cardinality()) == int(theirs.cardinality())
    got, want = _values(ours), _values(theirs)
    assert len(got) == len(want)
    for element, expected in zip(got, want):
        assert [(a.dtype, a.shape) for a in element] == [(b.dtype, b.shape) for b in expected]
        for a, b in zip(element, expected):
            np.testing.assert_allclose(a, b, rtol=1e-5, atol=1e-4)


@pytest.mark.parametrize(
    "targets, options",
    [
        (TARGETS, {"sequence_length": 5, "batch_size": 8}),
        (TARGETS, {"sequence_length": 4, "sequence_stride": 3, "sampling_rate": 2, "batch_size": 5}),
        (None, {"sequence_length": 6, "start_index": 10, "end_index": 50, "batch_size": 7}),
        (TARGETS.astype(np.float32), {"sequence_length": 3, "batch_size": None}),
        (TARGETS, {"sequence_length": 59, "batch_size": 4}),  # (two windows: one short batch)
    ],
)
def test_timeseries_datasets_are_tensorflow_s(targets, options):
    require("tensorflow")
    theirs = keras_on_torch().utils.timeseries_dataset_from_array(SERIES, targets, **options)
    ours = keras.utils.timeseries_dataset_from_array(SERIES, targets, **options)
    assert isinstance(ours, ntf.data.Dataset)
    _same(ours, theirs)
    _same(ours.unbatch() if options["batch_size"] else ours.batch(2), theirs.unbatch() if options["batch_size"]
          else theirs.batch(2))  # fmt: skip


def test_shuffled_timeseries_hold_tensorflow_s_windows_and_reshuffle_each_pass():
    require("tensorflow")
    make = lambda k: k.utils.timeseries_dataset_from_array(SERIES, TARGETS, 4, shuffle=True, seed=3, batch_size=6)  # noqa: E731
    ours, theirs = make(keras), make(keras_on_torch())
    assert repr(ours.element_spec) == repr(theirs.element_spec)

    def windows(dataset):  # each window with its target, in the order of the pass
        return [(float(t), x.tobytes()) for x_batch, y_batch in _values(dataset) for x, t in zip(x_batch, y_batch)]

    first, second = windows(ours), windows(ours)
    assert sorted(first) == sorted(second) == sorted(windows(theirs))
    assert first != second  # (a new order at each pass, as TensorFlow's shuffle buffer draws)


class WindowGenerator:
    """The TensorFlow "Time series forecasting" tutorial's class (its split_window and make_dataset), unchanged
    but for taking the ``tf`` module as an argument."""

    def __init__(self, tf, input_width, label_width, shift, train_df, label_columns=None):
        self.tf, self.train_df = tf, train_df
        self.label_columns = label_columns
        self.label_columns_indices = {name: i for i, name in enumerate(label_columns)}
        self.column_indices = {name: i for i, name in enumerate(train_df.columns)}
        self.input_width, self.label_width, self.shift = input_width, label_width, shift
        self.total_window_size = input_width + shift
        self.input_slice = slice(0, input_width)
        self.input_indices = np.arange(self.total_window_size)[self.input_slice]
        self.label_start = self.total_window_size - self.label_width
        self.labels_slice = slice(self.label_start, None)

    def split_window(self, features):
        inputs = features[:, self.input_slice, :]
        labels = features[:, self.labels_slice, :]
        if self.label_columns is not None:
            labels = self.tf.stack([labels[:, :, self.column_indices[name]] for name in self.label_columns], axis=-1)
        inputs.set_shape([None, self.input_width, None])
        labels.set_shape([None, self.label_width, None])
        return inputs, labels

    def make_dataset(self, data):
        data = np.array(data, dtype=np.float32)
        ds = self.tf.keras.utils.timeseries_dataset_from_array(
            data=data, targets=None, sequence_length=self.total_window_size, sequence_stride=1, shuffle=False,
            batch_size=32)
        return ds.map(self.split_window)

    @property
    def train(self):
        return self.make_dataset(self.train_df)


def test_the_time_series_tutorial_s_window_generator_runs_unchanged():
    tf = require("tensorflow")
    pd = require("pandas")
    frame = pd.DataFrame(SERIES, columns=["T (degC)", "p (mbar)", "rho"])
    ours = WindowGenerator(ntf, input_width=6, label_width=1, shift=1, train_df=frame, label_columns=["T (degC)"])
    theirs = WindowGenerator(tf, input_width=6, label_width=1, shift=1, train_df=frame, label_columns=["T (degC)"])
    theirs.tf = type("tf", (), {"stack": staticmethod(tf.stack), "keras": keras_on_torch()})  # (Keras 3's utils)
    _same(ours.train, theirs.train)
    for inputs, labels in ours.train.take(1):
        assert type(inputs) is ntf.Tensor and inputs.shape.as_list() == [32, 6, 3] and labels.shape == (32, 1, 1)
    _same(ours.train.unbatch().filter(lambda x, y: y[0, 0] > 0).batch(4),
          theirs.train.unbatch().filter(lambda x, y: y[0, 0] > 0).batch(4))  # fmt: skip


def test_a_set_shape_of_another_rank_raises_value_error_as_tensorflow():
    require("tensorflow")
    for utils in (keras.utils, keras_on_torch().utils):
        dataset = utils.timeseries_dataset_from_array(SERIES, None, sequence_length=4, batch_size=8)

        def bad(window):
            window.set_shape([None, 4])  # the windows have three axes
            return window

        with pytest.raises(ValueError, match="equal rank|not compatible"):  # (TensorFlow's traced and eager words)
            list(dataset.map(bad))  # (TensorFlow raises when map traces bad; nabla when element_spec is worked out)


def test_a_set_shape_of_other_dimensions_raises_when_the_element_is_made():
    """TensorFlow's map function is traced, where the windows' length is unknown, and the iterator refuses the
    element (``InvalidArgumentError``); nabla runs the function on each element, whose set_shape checks at once
    (``ValueError``), as an eager TensorFlow tensor's does."""
    dataset = keras.utils.timeseries_dataset_from_array(SERIES, None, sequence_length=4, batch_size=8)

    def bad(window):
        window.set_shape([None, 5, None])
        return window

    mapped = dataset.map(bad)
    assert mapped.element_spec.shape.as_list() == [None, 5, 3]
    with pytest.raises(ValueError, match=r"\(8, 4, 3\) is not compatible with supplied shape \(None, 5, None\)"):
        next(iter(mapped))


@pytest.fixture
def image_folder(tmp_path):
    require("PIL")
    from PIL import Image as image

    rng = np.random.default_rng(1)
    for label, count in (("ants", 3), ("bees", 4), ("wasps", 2)):
        (tmp_path / label).mkdir()
        for i in range(count):
            pixels = rng.integers(0, 256, (6 + i, 5, 3)).astype(np.uint8)
            image.fromarray(pixels).save(tmp_path / label / f"{i}.png")
    return tmp_path


@pytest.mark.parametrize(
    "options",
    [
        {"batch_size": 4},
        {"batch_size": 2, "label_mode": "categorical", "color_mode": "rgba"},
        {"batch_size": None, "labels": None},
        {"batch_size": 3, "validation_split": 0.3, "subset": "validation", "seed": 5},
    ],
)
def test_image_datasets_are_tensorflow_s(image_folder, options):
    require("tensorflow")
    make = lambda k: k.utils.image_dataset_from_directory(image_folder, image_size=(4, 3), shuffle=False,  # noqa: E731
                                                          verbose=False, **options)  # fmt: skip
    ours, theirs = make(keras), make(keras_on_torch())
    assert isinstance(ours, ntf.data.Dataset)
    _same(ours, theirs)
    assert ours.class_names == theirs.class_names and ours.file_paths == theirs.file_paths


def test_shuffled_image_datasets_hold_tensorflow_s_files(image_folder):
    require("tensorflow")
    make = lambda k: k.utils.image_dataset_from_directory(image_folder, image_size=(4, 3), batch_size=2, seed=7,  # noqa: E731
                                                          verbose=False)  # fmt: skip
    ours, theirs = make(keras), make(keras_on_torch())
    assert repr(ours.element_spec) == repr(theirs.element_spec) and ours.file_paths == theirs.file_paths

    def pairs(dataset):  # the images and their labels, in the order of their labels and mean values
        pairs = sorted(((int(y), float(x.mean())), x) for xs, ys in _values(dataset) for x, y in zip(xs, ys))
        return [key[0] for key, _ in pairs], np.stack([x for _, x in pairs])

    (labels, images), (labels_tf, images_tf) = pairs(ours), pairs(theirs)
    assert labels == labels_tf
    np.testing.assert_allclose(images, images_tf, rtol=1e-5, atol=1e-4)
    _same(ours.unbatch().map(lambda x, y: y).batch(100).map(tf_sort := ntf.sort),
          theirs.unbatch().map(lambda x, y: y).batch(100).map(require("tensorflow").sort))  # fmt: skip
    assert tf_sort is ntf.sort


def test_keras_2_s_smart_resize_is_crop_to_aspect_ratio_as_in_tf_keras(image_folder):
    """Deep Learning with Python (2nd edition)'s GAN reads its images with ``smart_resize=True``, which tf.keras
    (Keras 2) still takes as ``crop_to_aspect_ratio``."""
    from tf_keras_reference import tf_keras

    make = lambda k, **kw: k.utils.image_dataset_from_directory(image_folder, image_size=(4, 4), shuffle=False,  # noqa: E731
                                                                label_mode=None, **kw)  # fmt: skip
    _same(make(keras, smart_resize=True), make(tf_keras(), smart_resize=True))
    _same(make(keras, smart_resize=True), make(keras, crop_to_aspect_ratio=True))
