"""Géron's "Hands-On Machine Learning" (3rd edition), chapter 13, the ``SequenceExample`` cells, against
TensorFlow: ``tf.train.SequenceExample`` / ``FeatureLists`` / ``FeatureList`` bytes,
``tf.io.parse_single_sequence_example`` (``FixedLenFeature``, ``FixedLenSequenceFeature``, ``VarLenFeature``,
``RaggedFeature``), ``tf.RaggedTensor.from_sparse``, and ``TFRecordWriter.flush``."""

from __future__ import annotations

import pytest
from conftest import require
from data_parity import as_arrays, same

import nabla.tf as ntf


@pytest.fixture(scope="module")
def tf():
    return require("tensorflow")


def _sequence_example(lib):
    """The chapter's SequenceExample, plus a list of float pairs and one of numbers with an empty step."""
    t = lib.train

    def words(sentence):
        return t.Feature(bytes_list=t.BytesList(value=[w.encode("utf-8") for w in sentence.split()]))

    context = t.Features(feature={
        "author_id": t.Feature(int64_list=t.Int64List(value=[123])),
        "title": t.Feature(bytes_list=t.BytesList(value=[b"A", b"desert", b"place", b"."])),
        "pub_date": t.Feature(int64_list=t.Int64List(value=[1623, 12, 25])),
    })  # fmt: skip
    content = ["When shall we three meet again ?", "In thunder , lightning , or in rain ?"]
    comments = ["When the hurlyburly 's done .", "When the battle 's lost and won ."]
    return t.SequenceExample(context=context, feature_lists=t.FeatureLists(feature_list={
        "content": t.FeatureList(feature=[words(s) for s in content]),
        "comments": t.FeatureList(feature=[words(s) for s in comments]),
        "pairs": t.FeatureList(feature=[t.Feature(float_list=t.FloatList(value=[i, -i / 4])) for i in range(3)]),
        "counts": t.FeatureList(feature=[t.Feature(), t.Feature(int64_list=t.Int64List(value=[4, 5]))]),
        "counts_too": t.FeatureList(feature=[t.Feature(), t.Feature(int64_list=t.Int64List(value=[-6]))]),
        "none": t.FeatureList(feature=[]),
    }))  # fmt: skip


def _both(tf, context, sequence, serialized=None):
    """Both libraries' ``(context, feature_lists)`` of the chapter's example as NumPy, descriptions built by the
    same code (``context`` and ``sequence`` take the library)."""
    out = []
    for lib in (ntf, tf):
        data = serialized if serialized is not None else _sequence_example(lib).SerializeToString()
        parsed = lib.io.parse_single_sequence_example(data, context(lib), sequence(lib))
        out.append(tuple({k: as_arrays(v) for k, v in part.items()} for part in parsed))
    return out


def test_sequence_example_bytes_and_text_as_protobuf(tf):
    ours, theirs = _sequence_example(ntf), _sequence_example(tf)
    assert tf.train.SequenceExample.FromString(ours.SerializeToString()) == theirs
    back = ntf.train.SequenceExample.FromString(theirs.SerializeToString())
    assert back == ours  # (text: the same lines; protobuf's map order there varies with its implementation)
    assert sorted(str(back).splitlines()) == sorted(str(theirs).splitlines())
    assert back.feature_lists.feature_list["content"].feature[1].bytes_list.value[1] == b"thunder"


def test_the_chapters_parse_and_from_sparse_as_tensorflow(tf):
    def context(lib):
        return {"author_id": lib.io.FixedLenFeature([], lib.int64, default_value=0),
                "title_sparse": lib.io.VarLenFeature(lib.string),
                "pub_date": lib.io.FixedLenFeature([3], lib.int64, default_value=[0, 0, 0]),
                "absent": lib.io.FixedLenFeature([2], lib.float32, default_value=[1.5, 2.5]),
                "title_words": lib.io.RaggedFeature(lib.string, value_key="title")}  # fmt: skip

    def sequence(lib):
        return {"content": lib.io.VarLenFeature(lib.string), "comments": lib.io.VarLenFeature(lib.string),
                "pairs": lib.io.FixedLenSequenceFeature([2], lib.float32),
                "counts": lib.io.VarLenFeature(lib.int64), "ragged_counts": lib.io.RaggedFeature(lib.int64,
                                                                                                  value_key="counts_too"),
                "none": lib.io.FixedLenSequenceFeature([], lib.int64),
                "gone": lib.io.FixedLenSequenceFeature([3], lib.float32, allow_missing=True),
                "gone_sparse": lib.io.VarLenFeature(lib.string), "gone_ragged": lib.io.RaggedFeature(lib.float32)}

    ours, theirs = _both(tf, context, sequence)
    for a, b in zip(ours, theirs):
        assert list(a) == list(b)  # (sparse, dense, ragged; each sorted, as TensorFlow)
        same(a, b)
    read = []
    for lib in (ntf, tf):  # (the notebook's last cell: the words of each sentence)
        _, lists = lib.io.parse_single_sequence_example(_sequence_example(lib).SerializeToString(), context(lib),
                                                        sequence(lib))  # fmt: skip
        ragged = lib.RaggedTensor.from_sparse(lists["content"])
        read.append((repr(ragged), ragged.to_list(), ragged[1].numpy(), ragged.to_tensor().numpy()))
    assert read[0][:2] == read[1][:2]
    same(read[0][2:], read[1][2:])


@pytest.mark.parametrize("dense_shape, indices", [([4, 3], [[0, 0], [0, 1], [2, 0]]), ([2, 5], []),
                                                  ([0, 0], []), ([3, 2], [[0, 0], [0, 1], [1, 0], [1, 1]])])
def test_from_sparse_as_tensorflow(tf, dense_shape, indices):
    results = []
    for lib in (ntf, tf):
        values = lib.constant([float(i) * 1.5 for i in range(len(indices))], lib.float32)
        ragged = lib.RaggedTensor.from_sparse(lib.SparseTensor(lib.constant(indices, lib.int64) if indices else
                                                               lib.zeros([0, 2], lib.int64), values, dense_shape))
        results.append((repr(ragged), ragged.to_list(), ragged.shape[0]))
    assert results[0] == results[1]


def test_from_sparse_refuses_what_tensorflow_refuses(tf):
    for lib in (ntf, tf):
        with pytest.raises(ValueError, match="rank\\(st_input\\) must be 2"):
            lib.RaggedTensor.from_sparse(lib.SparseTensor([[1, 0, 0]], [1], [2, 2, 2]))
        with pytest.raises(TypeError, match="SparseTensor"):
            lib.RaggedTensor.from_sparse(lib.constant([[1]]))
    with pytest.raises(tf.errors.InvalidArgumentError, match="not right-ragged"):
        tf.RaggedTensor.from_sparse(tf.SparseTensor([[0, 1]], [1], [2, 3]))
    with pytest.raises(ValueError, match="not right-ragged.*tf.sparse.to_dense"):
        ntf.RaggedTensor.from_sparse(ntf.SparseTensor([[0, 1]], [1], [2, 3]))
    # TensorFlow does not check the order, and gives row 0 the value indexed in row 1; nabla refuses.
    assert tf.RaggedTensor.from_sparse(tf.SparseTensor([[1, 0], [0, 0]], [1, 2], [2, 1])).to_list() == [[1], [2]]
    with pytest.raises(ValueError, match="not right-ragged"):
        ntf.RaggedTensor.from_sparse(ntf.SparseTensor([[1, 0], [0, 0]], [1, 2], [2, 1]))


def _parse(lib, context=None, sequence=None, serialized=None):
    data = _sequence_example(lib).SerializeToString() if serialized is None else serialized
    return lib.io.parse_single_sequence_example(data, context, sequence)


@pytest.mark.parametrize("case, error, match", [
    (lambda lib: _parse(lib, None, {"zz": lib.io.FixedLenSequenceFeature([2], lib.float32)}),
     "InvalidArgumentError", "Feature list 'zz' is required but could not be found"),
    (lambda lib: _parse(lib, None, {"pairs": lib.io.FixedLenSequenceFeature([3], lib.float32)}),
     "InvalidArgumentError", "Key: pairs, Index: 0.  Number of values != expected"),
    (lambda lib: _parse(lib, None, {"content": lib.io.FixedLenSequenceFeature([], lib.string)}),
     "InvalidArgumentError", "content"),
    (lambda lib: _parse(lib, None, {"pairs": lib.io.VarLenFeature(lib.int64)}),
     "InvalidArgumentError", "Feature list: pairs, Index: 0.  Data types don't match"),
    (lambda lib: _parse(lib, {"title": lib.io.FixedLenFeature([], lib.int64)}, None),
     "InvalidArgumentError", "Data types don't match"),
    (lambda lib: _parse(lib, {"zz": lib.io.FixedLenFeature([], lib.int64)}, None), "InvalidArgumentError", "zz"),
    (lambda lib: _parse(lib, {"a": lib.io.VarLenFeature(lib.string)}, None, serialized=b"\xff\xff"),
     "InvalidArgumentError", None),
    (lambda lib: _parse(lib, {"title": lib.io.VarLenFeature(lib.string),
                              "t": lib.io.RaggedFeature(lib.string, value_key="title")}, None),
     "ValueError", "Ragged and .* keys must not intersect"),
    (lambda lib: _parse(lib, None, {"pairs": lib.io.FixedLenFeature([2], lib.float32)}), "ValueError",
     "FixedLenFeature"),
    (lambda lib: _parse(lib, {"author_id": lib.io.FixedLenSequenceFeature([], lib.int64)}, None), "ValueError",
     "FixedLenSequenceFeature"),
    (lambda lib: _parse(lib, None, None), "ValueError", "context_features and sequence_features"),
    (lambda lib: _parse(lib, {"a": lib.io.FixedLenFeature([], lib.int64)}, None,
                        serialized=[b"", b""]), "ValueError", "scalar"),
    (lambda lib: _parse(lib, None, {"zz": lib.io.FixedLenSequenceFeature([2], lib.float32, allow_missing=True,
                                                                         default_value=5.0)}), "ValueError", "None"),
    (lambda lib: _parse(lib, {"title": lib.io.FixedLenFeature([None], lib.string)}, None), "ValueError", "title"),
])  # fmt: skip
def test_parse_errors_as_tensorflow(tf, case, error, match):
    for lib in (tf, ntf):
        kind = getattr(lib.errors, error) if error == "InvalidArgumentError" else ValueError
        with pytest.raises(kind, match=match) as info:
            case(lib)
        if lib is ntf:
            assert "\n" not in str(info.value) and len(str(info.value)) < 300


def test_parse_single_example_takes_ragged_features_as_tensorflow(tf):
    out = []
    for lib in (ntf, tf):
        t = lib.train
        example = t.Example(features=t.Features(feature={"t": t.Feature(bytes_list=t.BytesList(value=[b"x", b"y"])),
                                                         "a": t.Feature(int64_list=t.Int64List(value=[1]))}))
        description = {"b": lib.io.VarLenFeature(lib.string), "t": lib.io.RaggedFeature(lib.string),
                       "a": lib.io.FixedLenFeature([], lib.int64), "n": lib.io.RaggedFeature(lib.float32)}
        single = lib.io.parse_single_example(example.SerializeToString(), description)
        batch = lib.io.parse_example([example.SerializeToString()] * 2, description)
        out.append(({k: as_arrays(v) for k, v in single.items()}, {k: as_arrays(v) for k, v in batch.items()}))
    for a, b in zip(*out):
        assert list(a) == list(b)
        same(a, b)


@pytest.mark.parametrize("compression", [None, "GZIP", "ZLIB"])
def test_flush_makes_the_records_so_far_readable(tf, tmp_path, compression):
    path = str(tmp_path / "flushed.tfrecord")
    options = ntf.io.TFRecordOptions(compression_type=compression)
    with ntf.io.TFRecordWriter(path, options) as f:
        f.write(b"first")
        f.flush()
        for lib in (ntf, tf):  # (compressed: a sync-flushed stream without its end, which both read)
            assert list(lib.data.TFRecordDataset(path, compression_type=compression).as_numpy_iterator()) == \
                [b"first"]  # fmt: skip
        f.write(b"second")
        f.write(b"third")
        f.flush()
        f.flush()
        for lib in (ntf, tf):
            assert list(lib.data.TFRecordDataset(path, compression_type=compression).as_numpy_iterator()) == \
                [b"first", b"second", b"third"]  # fmt: skip
        f.write(b"fourth")
    for lib in (ntf, tf):
        assert list(lib.data.TFRecordDataset(path, compression_type=compression).as_numpy_iterator()) == \
            [b"first", b"second", b"third", b"fourth"]  # fmt: skip
    with pytest.raises(ValueError, match="closed"):
        f.flush()


@pytest.mark.parametrize("flushed", [False, True])
def test_a_writer_dropped_without_close_writes_its_records_as_tensorflows(tf, tmp_path, flushed):
    import gc

    files = {}
    for lib in (tf, ntf):
        path = str(tmp_path / f"{lib.__name__}.tfrecord")
        writer = lib.io.TFRecordWriter(path, "GZIP")
        writer.write(b"a")
        if flushed:
            writer.flush()
        writer.write(b"b")
        del writer
        gc.collect()
        files[lib] = path
    for reader in (tf, ntf):
        got = [list(reader.data.TFRecordDataset(path, "GZIP").as_numpy_iterator()) for path in files.values()]
        assert got == [[b"a", b"b"]] * 2
