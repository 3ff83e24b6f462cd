"""Géron's "Hands-On Machine Learning" (3rd edition), chapter 13, against TensorFlow on the same small files:
``Dataset.list_files``, ``tf.io.decode_csv``, TFRecord files (``TFRecordWriter``, ``TFRecordDataset``, GZIP),
``tf.train.Example`` and its parts, ``tf.io.parse_single_example`` / ``parse_example`` and
``tf.sparse.to_dense``. Each file is written by one library and read by the other where it can be."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import require
from data_parity import same

import nabla.tf as ntf


@pytest.fixture(scope="module")
def tf():
    return require("tensorflow")


def _csv_files(folder, n_files=3, rows=4) -> list[str]:
    rng, paths = np.random.default_rng(0), []
    for i in range(n_files):
        path = folder / f"my_train_{i:02d}.csv"
        lines = ["MedInc,HouseAge,Target"] + [",".join(str(v) for v in rng.normal(size=3)) for _ in range(rows)]
        path.write_text("\n".join(lines) + "\n")
        paths.append(str(path))
    return paths


def test_list_files_matches_and_sorts_as_tensorflow(tf, tmp_path):
    paths = _csv_files(tmp_path)
    for pattern in (str(tmp_path / "my_train_*.csv"), [paths[2], paths[0]]):
        ours = ntf.data.Dataset.list_files(pattern, shuffle=False)
        theirs = tf.data.Dataset.list_files(pattern, shuffle=False)
        same(tuple(ours.as_numpy_iterator()), tuple(theirs.as_numpy_iterator()))
        assert repr(ours.element_spec) == repr(theirs.element_spec)
    shuffled = ntf.data.Dataset.list_files(paths, seed=42)  # (nabla's order, TensorFlow's files)
    reference = tf.data.Dataset.list_files(paths, seed=42)
    assert sorted(shuffled.as_numpy_iterator()) == sorted(reference.as_numpy_iterator())
    with pytest.raises(ntf.errors.InvalidArgumentError, match="No files matched pattern"):
        ntf.data.Dataset.list_files(str(tmp_path / "nothing*.csv"))


def _preprocess(tf, mean, std):
    def parse(line):
        defs = [0.0] * 2 + [tf.constant([], dtype=tf.float32)]
        fields = tf.io.decode_csv(line, record_defaults=defs)
        return (tf.stack(fields[:-1]) - mean) / std, tf.stack(fields[-1:])

    return parse


def test_the_chapters_csv_pipeline_as_tensorflow(tf, tmp_path):
    paths = _csv_files(tmp_path)
    mean, std = np.float32([0.5, -0.5]), np.float32([2.0, 3.0])
    out = []
    for lib in (ntf, tf):
        names = lib.data.Dataset.list_files(paths, shuffle=False)
        lines = names.interleave(lambda f, lib=lib: lib.data.TextLineDataset(f).skip(1), cycle_length=2)
        out.append(list(lines.map(_preprocess(lib, mean, std)).batch(5).prefetch(1).as_numpy_iterator()))
    same(tuple(out[0]), tuple(out[1]))


def test_decode_csv_values_shapes_and_errors(tf):
    defaults = [0, 0.0, "", tf.constant([], tf.float32)]
    for records in (b"1,2.5,a,4", ["1,2.5,a,4", '3,,"b,c",-1e3']):
        ours = ntf.io.decode_csv(records, [0, 0.0, "", ntf.constant([], ntf.float32)])
        theirs = tf.io.decode_csv(records, defaults)
        same(tuple(t.numpy() for t in ours), tuple(t.numpy() for t in theirs))
    same(tuple(t.numpy() for t in ntf.io.decode_csv("1,2,3", [0, 0.0], select_cols=[0, 2])),
         tuple(t.numpy() for t in tf.io.decode_csv("1,2,3", [0, 0.0], select_cols=[0, 2])))  # fmt: skip
    for bad, message in (("1,2", "Expect 3 fields but have 2 in record 0"),
                         ("x,1,2", "Field 0 in record 0 is not a valid int32: x"),
                         ("1,2,", "Field 2 is required but missing in record 0")):  # fmt: skip
        with pytest.raises(tf.errors.InvalidArgumentError, match=message):
            tf.io.decode_csv(bad, [0, 0.0, tf.constant([], tf.float32)])
        with pytest.raises(ntf.errors.InvalidArgumentError, match=message):
            ntf.io.decode_csv(bad, [0, 0.0, ntf.constant([], ntf.float32)])


@pytest.mark.parametrize("compression", [None, "GZIP", "ZLIB"])
def test_tfrecord_files_cross_read(tf, tmp_path, compression):
    records = [b"This is the first record", b"", "second, as a str", bytes(range(256)) * 3]
    ours_path, theirs_path = str(tmp_path / "ours.tfrecord"), str(tmp_path / "theirs.tfrecord")
    with ntf.io.TFRecordWriter(ours_path, ntf.io.TFRecordOptions(compression_type=compression)) as f:
        for record in records:
            f.write(record)
    with tf.io.TFRecordWriter(theirs_path, tf.io.TFRecordOptions(compression_type=compression)) as f:
        for record in records:
            f.write(record)
    if compression is None:
        assert open(ours_path, "rb").read() == open(theirs_path, "rb").read()
    for path in (ours_path, theirs_path):
        ours = ntf.data.TFRecordDataset([path], compression_type=compression)
        theirs = tf.data.TFRecordDataset([path], compression_type=compression)
        same(tuple(ours.as_numpy_iterator()), tuple(theirs.as_numpy_iterator()))
        assert repr(ours.element_spec) == repr(theirs.element_spec)


def test_tfrecord_interleaves_files_as_tensorflow(tf, tmp_path):
    paths = [str(tmp_path / f"my_test_{i}.tfrecord") for i in range(5)]
    for i, path in enumerate(paths):
        with ntf.io.TFRecordWriter(path) as f:
            for j in range(i % 3 + 1):
                f.write(f"File {i} record {j}".encode())
    same(tuple(ntf.data.TFRecordDataset(paths, num_parallel_reads=3).as_numpy_iterator()),
         tuple(tf.data.TFRecordDataset(paths, num_parallel_reads=3).as_numpy_iterator()))  # fmt: skip


@pytest.mark.parametrize("damage, message", [
    (lambda d: d[:-3], "truncated record at 21"),
    (lambda d: d[:13] + b"X" + d[14:], "corrupted record at 12"),
    (lambda d: d[:2] + b"X" + d[3:], r"corrupted record at 0 \(Is this even a TFRecord file\?\)"),
])  # fmt: skip
def test_damaged_tfrecord_files_raise_as_tensorflow(tf, tmp_path, damage, message):
    path = str(tmp_path / "a.tfrecord")
    with tf.io.TFRecordWriter(path) as f:
        f.write(b"hello")
        f.write(b"world!")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(damage(data))
    with pytest.raises(tf.errors.DataLossError, match=message):
        list(tf.data.TFRecordDataset(path))
    with pytest.raises(ntf.errors.DataLossError, match=message):
        list(ntf.data.TFRecordDataset(path))


def test_a_file_cut_in_a_header_raises_where_tensorflow_stops(tf, tmp_path):
    path = str(tmp_path / "a.tfrecord")
    with ntf.io.TFRecordWriter(path) as f:
        f.write(b"hello")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data + data[:7])
    assert list(tf.data.TFRecordDataset(path).as_numpy_iterator()) == [b"hello"]  # (TensorFlow drops the cut end)
    with pytest.raises(ntf.errors.DataLossError, match="truncated record at 21"):
        list(ntf.data.TFRecordDataset(path))


def test_a_forged_record_length_is_a_truncated_record_not_a_huge_read(tmp_path):
    """The length is read from the file: a forged one (2**62, its CRC made right) is found truncated at the end of
    the bytes there, without asking for 2**62 bytes of memory. (TensorFlow is no reference here: it aborts the
    process at 2**40 and refuses a negative read at 2**63.)"""
    import struct

    from nabla.records import masked_crc32c

    length = struct.pack("<Q", 2**62)
    path = tmp_path / "forged.tfrecord"
    path.write_bytes(length + struct.pack("<I", masked_crc32c(length)) + b"x" * 100)
    with pytest.raises(ntf.errors.DataLossError, match="truncated record at 0"):
        list(ntf.data.TFRecordDataset(str(path)))


def test_a_writer_into_a_missing_folder_is_refused_at_once_as_tensorflows(tf, tmp_path):
    path = str(tmp_path / "no" / "such" / "a.tfrecord")
    with pytest.raises(tf.errors.NotFoundError):
        tf.io.TFRecordWriter(path)
    with pytest.raises(ntf.errors.NotFoundError, match="there is no folder .* create it first"):
        ntf.io.TFRecordWriter(path)


def _person(lib):
    t = lib.train
    return t.Example(features=t.Features(feature={
        "name": t.Feature(bytes_list=t.BytesList(value=[b"Alice"])),
        "id": t.Feature(int64_list=t.Int64List(value=[123, -7])),
        "scores": t.Feature(float_list=t.FloatList(value=[0.1, 2.0, -1e20])),
        "emails": t.Feature(bytes_list=t.BytesList(value=[b"a@b.com", b"c@d.com", "é".encode()])),
    }))  # fmt: skip


def test_example_encodes_and_decodes_as_protobuf(tf):
    ours, theirs = _person(ntf), _person(tf)
    assert tf.train.Example.FromString(ours.SerializeToString()) == theirs
    back = ntf.train.Example.FromString(theirs.SerializeToString())
    assert back == ours and "key: \"emails\"" in str(back) and str(back).count("value: ") == 9
    feature = back.features.feature
    assert feature["scores"].float_list.value == list(theirs.features.feature["scores"].float_list.value)
    assert feature["id"].WhichOneof("kind") == "int64_list" and feature["id"].bytes_list.value == []
    one = ntf.train.Feature(int64_list=ntf.train.Int64List(value=[5]))
    assert one.SerializeToString() == tf.train.Feature(int64_list=tf.train.Int64List(value=[5])).SerializeToString()


@pytest.mark.parametrize("data", [b"\x0a\x05abc", b"\x0a", b"\x0b\x00", b"\x0a\x03\x0a\x01\xff"])
def test_malformed_examples_are_refused(tf, data):
    with pytest.raises(Exception):  # noqa: B017 (protobuf's DecodeError: the reference refuses too)
        tf.train.Example.FromString(data)
    with pytest.raises(ValueError):
        ntf.train.Example.FromString(data)


FEATURES = {
    "name": ("fixed", [], "string", ""),
    "id": ("fixed", [2], "int64", None),
    "scores": ("fixed", [3], "float32", None),
    "emails": ("var", None, "string", None),
    "missing": ("fixed", [2], "int64", [4, 5]),
}


def _description(lib):
    out = {}
    for key, (kind, shape, dtype, default) in FEATURES.items():
        dtype = getattr(lib, dtype)
        out[key] = lib.io.FixedLenFeature(shape, dtype, default_value=default) if kind == "fixed" \
            else lib.io.VarLenFeature(dtype)  # fmt: skip
    return out


def _numpy(parsed) -> dict:
    out = {}
    for key, value in parsed.items():
        if hasattr(value, "dense_shape"):
            out[key] = (value.indices.numpy(), value.values.numpy(), value.dense_shape.numpy())
        else:
            out[key] = value.numpy()
    return out


def test_parse_examples_from_a_tfrecord_file_as_tensorflow(tf, tmp_path):
    path = str(tmp_path / "my_contacts.tfrecord")
    with ntf.io.TFRecordWriter(path) as f:
        for _ in range(3):
            f.write(_person(ntf).SerializeToString())
        f.write(ntf.train.Example(features=ntf.train.Features(feature={
            "id": ntf.train.Feature(int64_list=ntf.train.Int64List(value=[1, 2])),
            "scores": ntf.train.Feature(float_list=ntf.train.FloatList(value=[1, 2, 3]))})).SerializeToString())
    single, batched = [], []
    for lib in (ntf, tf):
        description = _description(lib)
        records = lib.data.TFRecordDataset([path])
        one = records.map(lambda r, d=description, io=lib.io: io.parse_single_example(r, d))
        three = records.batch(3).map(lambda r, d=description, io=lib.io: io.parse_example(r, d))
        single.append([_numpy(p) for p in one])
        batched.append([_numpy(p) for p in three])
    for ours, theirs in (single, batched):
        assert [list(p) for p in ours] == [list(p) for p in theirs]  # (the keys, in TensorFlow's order)
        for a, b in zip(ours, theirs):
            same({k: a[k] for k in sorted(a)}, {k: b[k] for k in sorted(b)})
    parsed = ntf.io.parse_single_example(_person(ntf).SerializeToString(), _description(ntf))
    dense = ntf.sparse.to_dense(parsed["emails"], default_value=b"")
    same(dense.numpy(), tf.sparse.to_dense(
        tf.io.parse_single_example(_person(tf).SerializeToString(), _description(tf))["emails"]).numpy())


def test_parse_errors_as_tensorflow(tf):
    for lib in (ntf, tf):
        serialized = _person(lib).SerializeToString()
        with pytest.raises(lib.errors.InvalidArgumentError, match="is required but could not be found"):
            lib.io.parse_single_example(serialized, {"absent": lib.io.FixedLenFeature([], lib.int64)})
        with pytest.raises(lib.errors.InvalidArgumentError, match="Key: id"):
            lib.io.parse_single_example(serialized, {"id": lib.io.FixedLenFeature([3], lib.int64)})
        with pytest.raises(lib.errors.InvalidArgumentError, match="Data types don't match"):
            lib.io.parse_single_example(serialized, {"name": lib.io.FixedLenFeature([], lib.int64)})


@pytest.mark.parametrize(
    "value",
    [np.array([[1.0, 2.0], [3.0, 4.0]], np.float32), np.int32(3), [b"ab", b"c"], b"x", np.array([True, False]),
     np.zeros((0, 3)), np.arange(3, dtype=np.uint8), np.arange(-4, 4, dtype=np.int64).reshape(2, 2, 2),
     np.array([1.5, -2.0], np.float16), [b"ends with NULs\x00\x00", b""]],
)  # fmt: skip
def test_serialize_tensor_writes_tensorflows_bytes_and_parse_tensor_reads_both(tf, value):
    # Chapter 13: tf.io.serialize_tensor(t) into a BytesList, tf.io.parse_tensor(bytes, out_type) back.
    ours, theirs = ntf.io.serialize_tensor(ntf.constant(value)), tf.io.serialize_tensor(tf.constant(value))
    assert ours.numpy() == theirs.numpy()
    dtype = tf.constant(value).dtype.name
    for serialized in (ours, theirs.numpy()):
        back = ntf.io.parse_tensor(serialized, getattr(ntf, dtype))
        expected = np.asarray(tf.io.parse_tensor(theirs, getattr(tf, dtype)).numpy())
        assert back.dtype.name == dtype and back.shape == expected.shape
        np.testing.assert_array_equal(back.numpy(), expected)


def test_parse_tensor_reads_typed_fields_and_refuses_what_tensorflow_refuses(tf):
    proto = tf.make_tensor_proto([1.5, 2.5, -1.0], dtype=tf.float32)
    proto.ClearField("tensor_content")  # (the typed repeated field instead, as other writers fill it)
    proto.float_val.extend([1.5, 2.5, -1.0])
    np.testing.assert_array_equal(ntf.io.parse_tensor(proto.SerializeToString(), ntf.float32).numpy(),
                                  tf.io.parse_tensor(proto.SerializeToString(), tf.float32).numpy())  # fmt: skip
    filled = tf.make_tensor_proto(7, dtype=tf.int64, shape=[2, 3])  # one value for all
    filled = ntf.io.parse_tensor(filled.SerializeToString(), ntf.int64)
    np.testing.assert_array_equal(filled.numpy(), np.full((2, 3), 7))
    serialized = tf.io.serialize_tensor(tf.constant([1.0, 2.0])).numpy()
    for bad, out_type, match in [(serialized, "int32", r"Type mismatch between parsed tensor \(float\) and dtype "
                                  r"\(int32\)"), (b"garbage\xff", "int32", "Could not parse"),
                                 (serialized[:-2], "float32", "Could not parse")]:  # fmt: skip
        with pytest.raises(ntf.errors.InvalidArgumentError, match=match):
            ntf.io.parse_tensor(bad, getattr(ntf, out_type))
        with pytest.raises(tf.errors.InvalidArgumentError):
            tf.io.parse_tensor(bad, getattr(tf, out_type))
