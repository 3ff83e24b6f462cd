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


def _values(folder, plugin: str) -> list:
    """(step, tag, the tensor as a NumPy array, the plugin's content) of each record for ``plugin``, read by
    TensorFlow's own proto and ``make_ndarray``."""
    reference = require("tensorflow")
    return [(e.step, v.tag, reference.make_ndarray(v.tensor), v.metadata.plugin_data.content)
            for e in events(folder) for v in e.summary.value
            if v.metadata.plugin_data.plugin_name == plugin]  # fmt: skip


def test_images_are_written_as_tensorflow_s_pngs_of_the_saturated_uint8_batch(tmp_path):
    reference = require("tensorflow")
    rng = np.random.default_rng(0)
    floats = rng.uniform(-0.2, 1.2, size=(4, 5, 7, 3))  # (Géron's float64 batch; values outside [0, 1] saturate)
    grays = rng.integers(0, 256, size=(2, 3, 4, 1)).astype(np.uint8)
    with tf.summary.create_file_writer(str(tmp_path / "run")).as_default():
        assert tf.summary.image("my_images", floats, step=1) is True  # max_outputs=3 by default
        assert tf.summary.image("grays", tf.constant(grays), step=2, max_outputs=1)
    (_, tag, first, _), (_, _, second, _) = _values(tmp_path / "run", "images")
    assert tag == "my_images" and first.shape == (5,) and list(first[:2]) == [b"7", b"5"]
    expect = reference.image.convert_image_dtype(floats[:3], reference.uint8, saturate=True).numpy()
    for png, image in zip(first[2:], expect):
        np.testing.assert_array_equal(reference.io.decode_png(png).numpy(), image)
    assert second.shape == (3,) and list(second[:2]) == [b"4", b"3"]
    np.testing.assert_array_equal(reference.io.decode_png(second[2]).numpy(), grays[0])


def test_text_is_written_as_a_string_tensor_of_its_shape(tmp_path):
    texts = ["The step is 1", "Its square is 1"]
    with tf.summary.create_file_writer(str(tmp_path / "run")).as_default():
        tf.summary.text("my_text", texts, step=1)
        tf.summary.text("one", tf.constant("café"), step=2)
        with pytest.raises(TypeError, match="strings"):
            tf.summary.text("numbers", [1.0, 2.0], step=3)
    (step, tag, first, _), (_, _, second, _) = _values(tmp_path / "run", "text")
    assert (step, tag, first.tolist()) == (1, "my_text", [t.encode() for t in texts])
    assert second.shape == () and second.item() == "café".encode()


def test_audio_is_written_as_tensorflow_s_wav_bytes_with_empty_labels(tmp_path):
    reference = require("tensorflow")
    step = 3
    sine_wave = tf.math.sin(tf.range(1200) / 48000 * 2 * np.pi * step)  # (Géron's cell, shorter)
    audio = tf.reshape(tf.cast(sine_wave, tf.float32), [1, -1, 1])
    stereo = np.random.default_rng(0).uniform(-1.3, 1.3, size=(2, 50, 2)).astype(np.float32)
    with tf.summary.create_file_writer(str(tmp_path / "run")).as_default():
        tf.summary.audio("my_audio", audio, sample_rate=48000, step=step)
        tf.summary.audio("stereo", stereo, sample_rate=8000, step=step, max_outputs=5)
    (_, tag, mono, content), (_, _, pairs, _) = _values(tmp_path / "run", "audio")
    assert tag == "my_audio" and mono.shape == (1, 2) and mono[0, 1] == b""
    assert content == b"\x10\x0b"  # AudioPluginData(encoding=WAV), the field TensorBoard reads the format from
    assert mono[0, 0] == reference.audio.encode_wav(audio.numpy()[0], 48000).numpy()
    assert pairs.shape == (2, 2)
    for clip, wav in zip(stereo, pairs[:, 0]):
        assert wav == reference.audio.encode_wav(clip, 8000).numpy()
