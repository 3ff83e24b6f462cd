"""``tf.summary`` (create_file_writer, as_default, scalar, histogram): the event file read back by TensorFlow's
TFRecord reader and Event proto (TensorFlow writes through TensorBoard's package, not installed here: its
behaviour without a default writer, False, and without a step, a ValueError, is TensorFlow 2.21's)."""

from __future__ import annotations

import glob
import os

import numpy as np
import pytest
from conftest import require

import nabla.tf as tf


def events(folder) -> list:
    reference = require("tensorflow")
    (path,) = glob.glob(os.path.join(folder, "events.out.tfevents.*"))
    return [reference.compat.v1.Event.FromString(r.numpy()) for r in reference.data.TFRecordDataset(path)]


def test_scalars_and_histograms_written_in_a_writer_block_read_back_in_tensorflow(tmp_path):
    writer = tf.summary.create_file_writer(str(tmp_path / "run"))
    assert tf.summary.scalar("ignored", 1.0, step=0) is False  # no default writer: nothing written
    with writer.as_default():
        for step in range(1, 4):
            assert tf.summary.scalar("jaccard", tf.constant(0.25 * step), step=tf.Variable(step)) is True
        tf.summary.histogram("weights", np.arange(10.0), step=3)
    with writer.as_default(step=7):
        tf.summary.scalar("loss", np.float32(0.5))
    written = events(tmp_path / "run")
    assert written[0].file_version == "brain.Event:2"
    values = [
        (e.step, v.tag, v.simple_value) for e in written[1:] for v in e.summary.value if v.HasField("simple_value")
    ]
    assert values == [(1, "jaccard", 0.25), (2, "jaccard", 0.5), (3, "jaccard", 0.75), (7, "loss", 0.5)]
    (histo,) = [v.histo for e in written for v in e.summary.value if v.HasField("histo")]
    assert (histo.min, histo.max, histo.num, sum(histo.bucket)) == (0.0, 9.0, 10.0, 10.0)


def test_a_record_without_a_step_is_refused(tmp_path):
    with tf.summary.create_file_writer(str(tmp_path)).as_default(), pytest.raises(ValueError, match="step"):
        tf.summary.scalar("loss", 1.0)


def test_a_histogram_takes_its_number_of_buckets(tmp_path):
    # Géron's chapter 10 writes tf.summary.histogram(..., buckets=50), which TensorFlow 2.21 accepts (any positive
    # int); the file is read back by TensorFlow's reader. Equal-width buckets: 0..99 in 50 buckets are 2 each.
    with tf.summary.create_file_writer(str(tmp_path / "run")).as_default():
        tf.summary.histogram("h", np.arange(100.0), buckets=50, step=1)
        with pytest.raises(ValueError, match="buckets must be a positive int"):
            tf.summary.histogram("h", np.arange(3.0), buckets=0, step=1)
    (histo,) = [v.histo for e in events(tmp_path / "run") for v in e.summary.value if v.HasField("histo")]
    assert list(histo.bucket) == [2.0] * 50 and histo.bucket_limit[-1] == 99.0
