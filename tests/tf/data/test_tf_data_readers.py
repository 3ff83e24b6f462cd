"""Text-file datasets against TensorFlow 2.21, on the same small files: ``TextLineDataset``, ``CsvDataset`` and
``make_csv_dataset`` (the "Load CSV data" tutorial's readers): elements, dtypes, specs, printing and errors."""

from __future__ import annotations

import pytest
from conftest import require
from data_parity import same

import nabla.tf as ntf

# A titanic-like file: ints, text (one quoted with the delimiter), floats, an empty field, an int64; and with a
# blank line (a record of one empty field, to TensorFlow).
MIXED = 'survived,sex,fare,note,big\n1,male,7.25,,1\n0,"female, 2nd",71.5,x,99999999999\n1,male,8,y,3\n'
BLANK = MIXED.replace("3\n1,", "3\n\n1,")
CLEAN = "a,b,c\n1,x,2.5\n2,y,\n3,z,1e3\n4,w,-0.5\n"


@pytest.fixture(scope="module")
def tensorflow():
    return require("tensorflow")


@pytest.fixture
def files(tmp_path):
    paths = {}
    for name, text in (("mixed", MIXED), ("blank", BLANK), ("clean", CLEAN), ("clean2", CLEAN.replace("1,x", "5,v"))):
        paths[name] = str(tmp_path / f"{name}.csv")
        with open(paths[name], "w", newline="") as f:
            f.write(text.replace("\n", "\r\n") if name == "clean2" else text)
    return paths


def _same_dataset(ours, theirs) -> None:
    a, b = list(ours.as_numpy_iterator()), list(theirs.as_numpy_iterator())
    assert len(a) == len(b) > 0
    for i, (x, y) in enumerate(zip(a, b)):
        same(x, y, f"element {i}")
    assert repr(ours.element_spec) == repr(theirs.element_spec)
    assert repr(ours).split(" ")[0] == repr(theirs).split(" ")[0]


def _error(make, tf):
    with pytest.raises(Exception) as caught:
        list(make(tf).as_numpy_iterator())
    return type(caught.value).__name__, str(caught.value)


READERS = {
    "lines": lambda tf, f: tf.data.TextLineDataset(f["blank"]),
    "lines of two files, \\r\\n": lambda tf, f: tf.data.TextLineDataset([f["clean"], f["clean2"]]),
    "lines of a dataset of names": lambda tf, f: tf.data.TextLineDataset(
        tf.data.Dataset.from_tensor_slices([f["clean"]])
    ),
    "lines skipped and mapped": lambda tf, f: tf.data.TextLineDataset(f["clean"]).skip(1).map(tf.strings.upper),
    "csv of dtypes and defaults": lambda tf, f: tf.data.experimental.CsvDataset(
        f["clean"], [tf.int64, "", 0.0], header=True
    ),
    "csv of python defaults": lambda tf, f: tf.data.experimental.CsvDataset(
        [f["clean"], f["clean2"]], [int(), str(), float()], header=True  # noqa: UP018 (the tutorial's spelling)
    ),
    "csv select_cols": lambda tf, f: tf.data.experimental.CsvDataset(
        f["mixed"], [0, tf.float64], header=True, select_cols=[0, 2]
    ).take(2),
    "csv na_value, exclude_cols": lambda tf, f: tf.data.experimental.CsvDataset(
        f["clean"], [tf.int32, -1.0], header=True, exclude_cols=[1], na_value="1e3"
    ),
}


@pytest.mark.parametrize("name", sorted(READERS))
def test_the_reader_is_tensorflows(tensorflow, files, name):
    _same_dataset(READERS[name](ntf, files), READERS[name](tensorflow, files))


@pytest.mark.parametrize("defaults, header", [([ntf.int32, "", 0.0, "", 0], True), ([0, 0.0], False),
                                              ([0, "", ntf.float32, "", 0], True)])  # fmt: skip
def test_bad_records_raise_tensorflows_error(tensorflow, files, defaults, header):
    def make(tf):
        their = [tf.as_dtype(d.name) if isinstance(d, ntf.DType) else d for d in defaults]
        return tf.data.experimental.CsvDataset(files["blank"], their, header=header)

    ours, theirs = _error(make, ntf), _error(make, tensorflow)
    assert ours[0] == theirs[0] == "InvalidArgumentError"
    assert ours[1] in theirs[1]  # (TensorFlow's adds the runtime's function and op names around it)


def test_a_missing_file_is_not_found(tensorflow):
    with pytest.raises(ntf.errors.NotFoundError, match="no_such.csv"):
        next(iter(ntf.data.TextLineDataset("no_such.csv")))


MADE = {
    "label, inferred dtypes": dict(batch_size=2, label_name="survived", num_epochs=1, shuffle=False),
    "select_columns by name and index, defaults": dict(
        batch_size=3, select_columns=["fare", 0], column_defaults=[0, 0.0], num_epochs=1, shuffle=False
    ),
    "ignore_errors, required columns": dict(
        batch_size=2, num_epochs=1, shuffle=False, ignore_errors=True,
        column_defaults=["int32", "string", "float32", "string", "int64"],
    ),
    "repeating drops the short batch": dict(batch_size=2, num_epochs=None, shuffle=False, label_name="big"),
    "given names, no header, two epochs": dict(
        batch_size=4, column_names=["p", "q", "r"], header=False, num_epochs=2, shuffle=False, select_columns=["p"],
        column_defaults=[""],
    ),
}


@pytest.mark.parametrize("name", sorted(MADE))
def test_make_csv_dataset_is_tensorflows(tensorflow, files, name):
    kwargs = dict(MADE[name])
    file = files["clean"] if not kwargs.get("header", True) else files["mixed"]

    def make(tf):
        args = dict(kwargs)
        if args.get("column_defaults") and isinstance(args["column_defaults"][0], str) and name.startswith("ignore"):
            args["column_defaults"] = [tf.as_dtype(d) for d in args["column_defaults"]]
        dataset = tf.data.experimental.make_csv_dataset(file, **args)
        return dataset.take(3) if args["num_epochs"] is None else dataset

    ours, theirs = make(ntf), make(tensorflow)
    _same_dataset(ours, theirs)
    assert type(next(iter(ours))[0] if "label_name" in kwargs else next(iter(ours))).__name__ == "OrderedDict"


def test_make_csv_dataset_reads_several_files_at_a_time_and_shuffles(tensorflow, files):
    def make(tf, **kwargs):
        return tf.data.experimental.make_csv_dataset([files["clean"], files["clean2"]], batch_size=1, num_epochs=1,
                                                     **kwargs)  # fmt: skip

    _same_dataset(make(ntf, shuffle=False, num_parallel_reads=2), make(tensorflow, shuffle=False, num_parallel_reads=2))
    ntf.random.set_seed(1)
    rows = [tuple(int(x["a"][0]) for x in make(ntf, shuffle_seed=3)) for _ in range(2)]
    assert sorted(rows[0]) == sorted(int(x["a"][0]) for x in make(tensorflow, shuffle=False)) and rows[0] == rows[1]


def test_make_csv_dataset_refuses_what_tensorflow_refuses(tensorflow, files):
    for kwargs in (dict(label_name="nope"), dict(select_columns=["fare"], column_defaults=[0, 0])):
        for tf in (ntf, tensorflow):
            with pytest.raises(ValueError, match="label_name|same length"):
                tf.data.experimental.make_csv_dataset(files["mixed"], batch_size=2, **kwargs)


@pytest.fixture
def compressed(tmp_path):
    """``MIXED`` gzip-compressed (the "Overfit and underfit" tutorial reads HIGGS.csv.gz so) and zlib-compressed."""
    import gzip
    import zlib

    paths = {"GZIP": str(tmp_path / "mixed.csv.gz"), "ZLIB": str(tmp_path / "mixed.csv.z")}
    with gzip.open(paths["GZIP"], "wb") as f:
        f.write(MIXED.encode())
    with open(paths["ZLIB"], "wb") as f:
        f.write(zlib.compress(MIXED.encode()))
    return paths


COMPRESSED = {
    "lines": lambda tf, path, kind: tf.data.TextLineDataset(path, compression_type=kind),
    "csv": lambda tf, path, kind: tf.data.experimental.CsvDataset(
        path, [0, "", 0.0, "", tf.int64], header=True, compression_type=kind
    ),
    "make_csv_dataset": lambda tf, path, kind: tf.data.experimental.make_csv_dataset(
        path, batch_size=2, num_epochs=1, shuffle=False, label_name="survived", compression_type=kind,
        **({} if kind == "GZIP" else dict(column_names=["survived", "sex", "fare", "note", "big"],
                                          column_defaults=[0, "", 0.0, "", tf.int64], header=True)),
    ),
}  # fmt: skip


@pytest.mark.parametrize("kind", ["GZIP", "ZLIB"])
@pytest.mark.parametrize("name", sorted(COMPRESSED))
def test_compressed_files_read_as_on_tensorflow(tensorflow, compressed, name, kind):
    make = COMPRESSED[name]
    _same_dataset(make(ntf, compressed[kind], kind), make(tensorflow, compressed[kind], kind))


def test_an_unknown_compression_is_tensorflows_error(tensorflow, compressed):
    for tf in (ntf, tensorflow):  # (TensorFlow spells the kinds in capitals and refuses "gzip")
        with pytest.raises(tf.errors.InvalidArgumentError, match="Unsupported compression_type"):
            list(tf.data.TextLineDataset(compressed["GZIP"], compression_type="gzip"))
        for kind, message in (("gzip", "unknown `compression_type` gzip"), ("ZLIB", "not supported for probing")):
            with pytest.raises(ValueError, match=message):  # (make_csv_dataset reads the first rows itself)
                tf.data.experimental.make_csv_dataset(compressed[kind.upper()], 2, compression_type=kind)
