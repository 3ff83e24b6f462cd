"""TensorBoard: CRC32C against published vectors, the event files read back by TensorFlow's own readers, and
a real fit's tags, steps and values against its History and against the tags Keras 3's callback writes.

Keras 3's TensorBoard cannot be run here as the reference: it writes through ``tf.summary``, which needs the
``tensorboard`` package (not installed: Keras raises ``TBNotInstalledError``). The expected tags and steps are
therefore those of Keras 3's source (``keras/src/callbacks/tensorboard.py``): ``epoch_<log>`` at the epoch,
``epoch_learning_rate``, ``batch_<log>`` at the global batch count from 1, ``<weight.path>/histogram``.
"""

from __future__ import annotations

import glob
import os
import re

import numpy as np
import pytest
from conftest import require
from keras_toys import blobs

import nabla.keras as keras
from nabla import records
from nabla.keras.callbacks.event_file import EventFileWriter, event, histogram_value, scalar_value
from nabla.records import crc32c, masked_crc32c


def read_events(path) -> list:
    """The events of one file, decoded by TensorFlow's TFRecord reader (which checks both CRCs) and proto."""
    tf = require("tensorflow")
    return [tf.compat.v1.Event.FromString(record.numpy()) for record in tf.data.TFRecordDataset(str(path))]


def scalars(events) -> dict:
    """{tag: [(step, value), ...]} of the simple_value scalars."""
    out: dict = {}
    for e in events:
        for v in e.summary.value:
            if v.WhichOneof("value") == "simple_value":
                out.setdefault(v.tag, []).append((e.step, v.simple_value))
    return out


def only_file(folder) -> str:
    (path,) = glob.glob(os.path.join(folder, "events.out.tfevents.*"))
    return path


@pytest.mark.parametrize(
    "data, crc",
    [  # RFC 3720 (iSCSI) appendix B.4 and the usual check value
        (b"123456789", 0xE3069283),
        (b"", 0),
        (bytes(32), 0x8A9136AA),
        (b"\xff" * 32, 0x62A8AB43),
        (bytes(range(32)), 0x46DD794E),
    ],
)
def test_crc32c_known_vectors(data, crc):
    assert crc32c(data) == crc


@pytest.mark.parametrize("compiled", [False, True])
def test_crc32c_of_a_large_record_both_ways(compiled, monkeypatch, tmp_path):
    # Records from 64 KiB run through a compiled loop where Numba is installed: the same CRC as the
    # Python loop, which TensorFlow's reader checks on a 70 KB record.
    if compiled:
        require("numba")
    monkeypatch.setattr(records, "_COMPILED_FROM", 1 if compiled else 1 << 40)
    for data, crc in [(b"123456789", 0xE3069283), (bytes(range(32)), 0x46DD794E)]:
        assert crc32c(data) == crc
    tf = require("tensorflow")
    record = np.random.default_rng(0).integers(0, 256, 70_000, dtype=np.uint8).tobytes()
    monkeypatch.setattr(records, "_COMPILED_FROM", 1 << 16 if compiled else 1 << 40)
    path = tmp_path / "r.tfrecord"
    path.write_bytes(records.tfrecord(record))
    assert [r.numpy() for r in tf.data.TFRecordDataset(str(path))] == [record]


def test_masked_crc_is_the_rotation_plus_the_constant():
    crc = 0xE3069283
    assert masked_crc32c(b"123456789") == (((crc >> 15) | (crc << 17)) + 0xA282EAD8) % 2**32


def test_records_read_by_tensorflow_and_a_corrupt_byte_is_refused(tmp_path):
    tf = require("tensorflow")
    writer = EventFileWriter(tmp_path)
    writer.write(event(7, [scalar_value("a", 0.25), scalar_value("b/c", -3.5)], wall_time=12.5))
    writer.write(event(-2, [scalar_value("a", 1e30)]))
    writer.write(event(2**40, [scalar_value("a", float("nan"))]))
    writer.close()
    first, second, third, fourth = read_events(writer.path)
    assert first.file_version == "brain.Event:2" and first.step == 0
    assert (second.wall_time, second.step) == (12.5, 7)
    assert [(v.tag, v.simple_value) for v in second.summary.value] == [("a", 0.25), ("b/c", -3.5)]
    assert third.step == -2 and third.summary.value[0].simple_value == np.float32(1e30)
    assert fourth.step == 2**40 and np.isnan(fourth.summary.value[0].simple_value)
    data = bytearray(open(writer.path, "rb").read())
    data[20] ^= 1  # inside the first record's data
    open(writer.path, "wb").write(bytes(data))
    with pytest.raises(tf.errors.DataLossError):
        list(tf.data.TFRecordDataset(writer.path))


def test_histogram_fields_match_numpy(tmp_path):
    values = np.random.default_rng(0).normal(size=(7, 5))
    writer = EventFileWriter(tmp_path)
    writer.write(
        event(3, [histogram_value("w", values), histogram_value("same", [2.0, 2.0]), histogram_value("e", [])])
    )
    writer.close()
    histo, same, empty = (v.histo for v in read_events(writer.path)[1].summary.value)
    counts, edges = np.histogram(values, bins=30)
    assert (histo.min, histo.max, histo.num) == (values.min(), values.max(), 35)
    assert histo.sum == pytest.approx(values.sum()) and histo.sum_squares == pytest.approx((values**2).sum())
    np.testing.assert_allclose(histo.bucket_limit, edges[1:])
    np.testing.assert_array_equal(histo.bucket, counts)
    assert list(same.bucket) == [2.0] and list(same.bucket_limit) == [2.0]
    assert empty.num == 0 and not empty.bucket


def train(tmp_path, epochs=3, **kwargs):
    x, y = blobs(n=48)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(4, activation="relu"),
                              keras.layers.Dense(int(y.max()) + 1, activation="softmax")])  # fmt: skip
    model.compile(optimizer=keras.optimizers.Adam(0.01), loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    tensorboard = keras.callbacks.TensorBoard(log_dir=tmp_path / "logs", **kwargs)
    history = model.fit(x, y, epochs=epochs, batch_size=16, validation_split=0.25, verbose=0, callbacks=[tensorboard])
    return model, history, tensorboard


def test_fit_writes_keras_tags_steps_and_the_history_values(tmp_path):
    model, history, _ = train(tmp_path)
    train_file, val_file = only_file(tmp_path / "logs" / "train"), only_file(tmp_path / "logs" / "validation")
    assert re.fullmatch(r"events\.out\.tfevents\.\d+\.[^/]+\.\d+\.\d+\.v2", os.path.basename(train_file))
    written = scalars(read_events(train_file))
    assert sorted(written) == ["epoch_accuracy", "epoch_learning_rate", "epoch_loss"]
    for name in ("loss", "accuracy"):
        assert [step for step, _ in written[f"epoch_{name}"]] == [0, 1, 2]
        np.testing.assert_allclose([v for _, v in written[f"epoch_{name}"]], history.history[name], rtol=1e-6)
    assert [v for _, v in written["epoch_learning_rate"]] == pytest.approx([0.01] * 3)
    validation = scalars(read_events(val_file))
    # fit's validation runs the test hooks, as Keras's evaluate within fit: on_test_end writes the
    # evaluation_*_vs_iterations tags at the optimizer's step (3 batches an epoch)
    assert sorted(validation) == ["epoch_accuracy", "epoch_loss", "evaluation_accuracy_vs_iterations",
                                  "evaluation_loss_vs_iterations"]  # fmt: skip
    for name in ("loss", "accuracy"):
        for tag in (f"epoch_{name}", f"evaluation_{name}_vs_iterations"):
            np.testing.assert_allclose([v for _, v in validation[tag]], history.history[f"val_{name}"], rtol=1e-6)
    assert [step for step, _ in validation["evaluation_loss_vs_iterations"]] == [3, 6, 9]


def test_batch_scalars_every_update_freq_batches_and_histograms(tmp_path):
    model, history, _ = train(tmp_path, epochs=2, update_freq=2, histogram_freq=2)
    events = read_events(only_file(tmp_path / "logs" / "train"))
    written = scalars(events)
    # 36 training rows in batches of 16: 3 batches an epoch, counted 1..6 across the epochs
    assert [step for step, _ in written["batch_loss"]] == [2, 4, 6]
    assert written["batch_loss"][-1][1] == pytest.approx(history.history["loss"][-1])
    assert "batch_accuracy" in written
    histograms = [(e.step, v.tag, v.histo.num) for e in events for v in e.summary.value if v.HasField("histo")]
    expected = [(0, f"{w.path}/histogram", w.numpy().size) for layer in model.layers for w in layer.weights]
    assert histograms == expected  # epoch 0 only: histogram_freq=2


def test_batch_update_freq_writes_every_batch(tmp_path):
    train(tmp_path, epochs=1, update_freq="batch")
    assert [s for s, _ in scalars(read_events(only_file(tmp_path / "logs" / "train")))["batch_loss"]] == [1, 2, 3]


def test_files_are_readable_at_each_epoch_end(tmp_path):
    seen = []
    x, y = blobs(n=32)
    model = keras.Sequential([keras.Input((x.shape[1],)), keras.layers.Dense(int(y.max()) + 1)])
    model.compile(optimizer="sgd", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    peek = keras.callbacks.LambdaCallback(
        on_epoch_end=lambda epoch, logs: seen.append(scalars(read_events(only_file(tmp_path / "train")))["epoch_loss"])
    )
    model.fit(x, y, epochs=2, verbose=0, callbacks=[keras.callbacks.TensorBoard(tmp_path), peek])
    assert [len(s) for s in seen] == [1, 2]


def test_evaluate_writes_evaluation_vs_iterations(tmp_path):
    model, _, tensorboard = train(tmp_path, epochs=1)
    x, y = blobs(n=48)
    results = model.evaluate(x, y, verbose=0, callbacks=[tensorboard], return_dict=True)
    files = sorted(glob.glob(str(tmp_path / "logs" / "validation" / "events*")))
    written = scalars(read_events(files[-1]))
    assert written["evaluation_loss_vs_iterations"] == [(3, pytest.approx(results["loss"]))]
    assert written["evaluation_accuracy_vs_iterations"] == [(3, pytest.approx(results["accuracy"]))]


def test_steps_per_second(tmp_path):
    train(tmp_path, epochs=1, update_freq=1, write_steps_per_second=True)
    written = scalars(read_events(only_file(tmp_path / "logs" / "train")))
    assert len(written["batch_steps_per_second"]) == 3 and written["epoch_steps_per_second"][0][1] > 0


@pytest.mark.parametrize(
    "kwargs, match",
    [
        ({"update_freq": 0}, "update_freq"),
        ({"update_freq": "step"}, "update_freq"),
        ({"histogram_freq": -1}, "histogram_freq"),
    ],
)
def test_bad_arguments_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        keras.callbacks.TensorBoard(**kwargs)


@pytest.mark.parametrize("option", [{"write_images": True}, {"profile_batch": 2}, {"embeddings_freq": 1}])
def test_what_is_not_written_warns_and_training_goes_on(tmp_path, option):
    """Chollet's first edition passes embeddings_freq=1, Keras 2's profile_batch defaulted to 2: the lab runs."""
    with pytest.warns(UserWarning, match=f"{next(iter(option))}=.* is not offered by nabla"):
        train(tmp_path, epochs=1, **option)
    assert scalars(read_events(only_file(tmp_path / "logs" / "train")))["epoch_loss"]


def test_config_round_trip_and_tf_alias(tmp_path):
    import nabla.tf as tf

    tensorboard = tf.keras.callbacks.TensorBoard(log_dir=str(tmp_path), histogram_freq=1, update_freq="batch")
    config = tensorboard.get_config()
    assert config["update_freq"] == 1 and config["histogram_freq"] == 1
    assert keras.callbacks.TensorBoard.from_config(config).get_config() == config
