"""``tf.io.parse_sequence_example`` (a batch of ``SequenceExample``\\ s) against TensorFlow: the context, the
padded dense lists and 3-D sparse lists, the lengths dict, their dtypes, and the errors."""

from __future__ import annotations

import pytest
from conftest import require
from data_parity import as_arrays, same

import nabla.tf as ntf


@pytest.fixture(scope="module")
def tf():
    return require("tensorflow")


def _serialized(lib, n: int, steps: int, with_pairs: bool = True) -> bytes:
    t = lib.train
    lists = {"words": t.FeatureList(feature=[t.Feature(bytes_list=t.BytesList(value=[b"w%d" % i] * (i + 1)))
                                             for i in range(steps)]),
             "tag": t.FeatureList(feature=[t.Feature(bytes_list=t.BytesList(value=[b"t%d" % i]))
                                           for i in range(steps)])}  # fmt: skip
    if with_pairs:
        pairs = [t.Feature(float_list=t.FloatList(value=[i / 3, -i])) for i in range(steps)]
        lists["pairs"] = t.FeatureList(feature=pairs)
    context = t.Features(feature={"id": t.Feature(int64_list=t.Int64List(value=[n])),
                                  "names": t.Feature(bytes_list=t.BytesList(value=[b"a"] * n)),
                                  "more": t.Feature(int64_list=t.Int64List(value=range(n)))})  # fmt: skip
    return t.SequenceExample(context=context, feature_lists=t.FeatureLists(feature_list=lists)).SerializeToString()


def _parse_both(tf, batch, context, sequence):
    out = []
    for lib in (ntf, tf):
        many = isinstance(batch, list)
        serialized = [_serialized(lib, *args) for args in batch] if many else _serialized(lib, *batch)
        parsed = lib.io.parse_sequence_example(serialized, context(lib), sequence(lib))
        assert len(parsed) == 3
        out.append(tuple({k: as_arrays(v) for k, v in part.items()} for part in parsed))
    return out


def _context(lib):
    return {"id": lib.io.FixedLenFeature([], lib.int64), "names": lib.io.VarLenFeature(lib.string),
            "missing": lib.io.FixedLenFeature([2], lib.float32, default_value=[0.5, 1.5]),
            "more_ragged": lib.io.RaggedFeature(lib.int64, value_key="more")}  # fmt: skip


def _sequence(lib):
    return {"pairs": lib.io.FixedLenSequenceFeature([2], lib.float32, allow_missing=True),
            "tag": lib.io.FixedLenSequenceFeature([], lib.string),
            "absent": lib.io.FixedLenSequenceFeature([3], lib.int64, allow_missing=True),
            "words": lib.io.VarLenFeature(lib.string), "tags_sparse": lib.io.VarLenFeature(lib.string)}  # fmt: skip


@pytest.mark.parametrize("batch", [[(1, 2), (2, 4, False), (0, 0), (3, 1)], [(2, 3)]], ids=["four", "one"])
def test_a_batch_parses_as_tensorflow(tf, batch):
    ours, theirs = _parse_both(tf, batch, _context, _sequence)
    same(ours, theirs)


def test_a_scalar_parses_as_one_example_with_scalar_lengths(tf):
    ours, theirs = _parse_both(tf, (2, 3), _context, _sequence)
    same(ours, theirs)


def test_lists_only_and_context_only(tf):
    ours, theirs = _parse_both(tf, [(1, 2), (2, 1)], lambda lib: None, _sequence)
    same(ours, theirs)
    ours, theirs = _parse_both(tf, [(1, 2), (2, 1)], _context, lambda lib: None)
    same(ours, theirs)


def test_errors_as_tensorflow(tf):
    for lib in (ntf, tf):
        good = [_serialized(lib, 1, 2), _serialized(lib, 2, 1, False)]
        required = {"pairs": lib.io.FixedLenSequenceFeature([2], lib.float32)}
        with pytest.raises(lib.errors.InvalidArgumentError, match="Feature list 'pairs' is required"):
            lib.io.parse_sequence_example(good, None, required)
        with pytest.raises(lib.errors.InvalidArgumentError, match="Expected serialized to be a scalar or vector"):
            lib.io.parse_sequence_example([good], None, {"words": lib.io.VarLenFeature(lib.string)})
        with pytest.raises(lib.errors.InvalidArgumentError):
            lib.io.parse_sequence_example([b"\xff\xff"], None, {"words": lib.io.VarLenFeature(lib.string)})
        with pytest.raises(ValueError):
            lib.io.parse_sequence_example(good, None, None)
        with pytest.raises(ValueError, match="must be None"):
            lib.io.parse_sequence_example(good, None, {"pairs": lib.io.FixedLenSequenceFeature(
                [2], lib.float32, allow_missing=True, default_value=0.0)})  # fmt: skip


def test_ragged_lists_of_a_batch_are_refused_with_the_alternative():
    serialized = [_serialized(ntf, 1, 2)]
    with pytest.raises(ValueError, match="VarLenFeature"):
        ntf.io.parse_sequence_example(serialized, None, {"words": ntf.io.RaggedFeature(ntf.string)})
