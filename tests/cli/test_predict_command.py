"""``nabla predict``: rows in, one prediction per row out; raw categorical columns; every bad file is one line."""

from __future__ import annotations

import codecs

import numpy as np
import pytest
from cli_run import assert_one_line_error, run_nabla
from conftest import FISH_FILES, real_data
from tabular_run import encode, make_tabular_run

import nabla as nb
from nabla import cli


@pytest.fixture(scope="module")
def moons_run(tmp_path_factory):
    out = tmp_path_factory.mktemp("moons")
    assert cli.main(["train", "--epochs", "20", "--out", str(out), "--quiet"]) == 0
    return out


@pytest.fixture(scope="module")
def tabular(tmp_path_factory):
    return make_tabular_run(tmp_path_factory.mktemp("tabular"))


def predict(model, csv_path, capsys, status=0):
    capsys.readouterr()
    assert cli.main(["predict", str(model), str(csv_path)]) == status
    return capsys.readouterr()


def predictions(out: str) -> np.ndarray:
    return np.array([[float(v) for v in line.split(",")] for line in out.strip().splitlines()[1:]])


def test_predict_prints_classes_and_probabilities(moons_run, tmp_path, capsys):
    rows = np.array([[-1.0, 0.5], [2.0, -0.3], [0.5, 0.25]], dtype=np.float32)
    csv_file = tmp_path / "points.csv"
    csv_file.write_text("x1,x2\n" + "\n".join(f"{a},{b}" for a, b in rows) + "\n")
    lines = predict(moons_run / "model.nabla", csv_file, capsys).out.strip().splitlines()
    assert lines[0] == "class,p0,p1" and len(lines) == 4
    probabilities = nb.models.load_model(moons_run / "model.nabla").predict(rows)
    assert [int(line.split(",")[0]) for line in lines[1:]] == probabilities.argmax(1).tolist()
    assert lines[1].split(",")[0] == "0" and lines[2].split(",")[0] == "1"  # upper moon, lower moon
    np.testing.assert_allclose([float(line.split(",")[2]) for line in lines[1:]], probabilities[:, 1], rtol=1e-4)

    # No header, and the predictions written to a file.
    csv_file.write_text("\n".join(f"{a},{b}" for a, b in rows) + "\n")
    target = tmp_path / "out.csv"
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(csv_file), "--output", str(target)]) == 0
    assert target.read_text().splitlines() == lines


def test_a_byte_order_mark_does_not_hide_the_first_row(moons_run, tmp_path, capsys):
    bom = tmp_path / "bom.csv"
    bom.write_bytes(codecs.BOM_UTF8 + b"1,2\n3,4\n")
    assert len(predict(moons_run / "model.nabla", bom, capsys).out.strip().splitlines()) == 3  # header + 2 rows
    bom.write_bytes(codecs.BOM_UTF8 + b"x1,x2\n1,2\n")
    assert len(predict(moons_run / "model.nabla", bom, capsys).out.strip().splitlines()) == 2


def test_rows_of_empty_fields_are_skipped_with_a_note(moons_run, tmp_path, capsys):
    f = tmp_path / "gaps.csv"
    f.write_text("1,2\n\n,,\n3,4\n")
    done = predict(moons_run / "model.nabla", f, capsys)
    assert len(done.out.strip().splitlines()) == 3
    assert done.err.strip() == "nabla predict: note: skipped 1 empty row (every field empty)"


@pytest.mark.parametrize(
    "content, message",
    [
        (b"x1,x2\n1,2\n3,4,5\n", "line 3: 3 values, but the rows above have 2"),
        (b"1,2,3\n", "line 1: 3 values, but the model takes 2 features (x1, x2)"),
        (b"1,2\nfoo,4\n", "line 2: 'foo' (x1) is not a number"),
        (b"1,2\n1_0,4\n", "line 2: '1_0' (x1) is not a number"),
        (b"1,2\nnan,4\n", "line 2: 'nan' (x1) is NaN or infinite"),
        (b"1,2\n1e999,4\n", "line 2: '1e999' (x1) is too large for float32"),
        (b"1,\n", "line 1: a value is missing (x2)"),
        (b"x1,x2\n", "holds no data rows: expected 2 features (x1, x2)"),
        (b"", "holds no data rows"),
        (b"1;2\n", "(is it separated by ';' or tabs? nabla reads comma-separated values)"),
        (b"x1,x2\n1,2\n\xff,3\n", "line 3 (byte 0xff) is not UTF-8 text: save it as UTF-8 CSV"),
        ("x1,x2\n1,2\n".encode("latin-1") + "é,3\n".encode("latin-1"), "line 3 (byte 0xe9) is not UTF-8 text"),
        ("x1,x2\n1,2\n".encode("utf-16"), "is UTF-16 text: save it as UTF-8 CSV"),
        ("1,2\n".encode("utf-16-le"), "line 1: the file holds NUL bytes: is it UTF-16 or binary?"),
        (b"1," + b"9" * 131_073 + b"\n", "line 1: a field is longer than 131,072 characters"),
        (b"1,2\n" + b"," * 2_000_000 + b"\n", "line 2: longer than 1,048,704 characters"),
        (b"1,2\n" + b"3" * 2_000_000, "line 2: longer than 1,048,704 characters"),  # no newline at all
        (b'1,2\n"3,4\n5,6\n', "line 3: 1 value, but the rows above have 2"),  # an unclosed quote
    ],
)
def test_a_bad_csv_is_one_short_line(moons_run, tmp_path, capsys, content, message):
    bad = tmp_path / "bad.csv"
    bad.write_bytes(content)
    err = predict(moons_run / "model.nabla", bad, capsys, status=1).err.strip()
    assert message in err and len(err.splitlines()) == 1 and err.startswith("nabla predict: error:")
    assert len(err) < 400  # never an echo of a long line


def test_the_width_error_does_not_echo_a_long_line(moons_run, tmp_path, capsys):
    wide = tmp_path / "wide.csv"
    wide.write_text(",".join(["1.5"] * 40_000) + "\n")
    err = predict(moons_run / "model.nabla", wide, capsys, status=1).err.strip()
    assert "40000 values, but the model takes 2" in err and len(err) < 300


def test_missing_input_and_unwritable_output_are_one_line(moons_run, tmp_path, capsys):
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(tmp_path / "x.csv")]) == 1
    assert "no input file at" in capsys.readouterr().err
    good = tmp_path / "good.csv"
    good.write_text("1,2\n")
    assert cli.main(["predict", str(moons_run / "model.nabla"), str(good), "-o", str(tmp_path / "no" / "o.csv")]) == 1
    assert "cannot write" in capsys.readouterr().err


def test_a_categorical_model_takes_encoded_raw_and_source_rows_alike(tabular, tmp_path, capsys):
    model = nb.models.load_model(tabular)
    expected = model.predict(np.array([encode(1.5, "y"), encode(-2.0, "z")], dtype=np.float32))
    layouts = {
        "encoded": "1.5,0,1,0\n-2,0,0,1\n",
        "encoded, header": "a,kind=x,kind=y,kind=z\n1.5,0,1,0\n-2,0,0,1\n",
        "raw": "1.5,y\n-2,z\n",
        "raw, header in another order and case": "KIND,A\ny,1.5\nZ,-2\n",
        "the dataset's file, header": "kind,target,a\ny,100,1.5\nz,7,-2\n",
        "the dataset's file, no header": "y,100,1.5\nz,7,-2\n",
    }
    for name, text in layouts.items():
        f = tmp_path / "rows.csv"
        f.write_text(text)
        done = predict(tabular, f, capsys)
        np.testing.assert_allclose(predictions(done.out), expected, rtol=1e-5, err_msg=name)
        if "target" in text or "file" in name:
            assert "target" in done.err and "not an input of the model" in done.err, name


@pytest.mark.parametrize(
    "content, message",
    [
        ("1.5,w\n", "'w' is not a kind; expected one of x, y, z"),
        ("y,1.5\n", "'y' (a) is not a number; the columns are, in order: a, kind"),
        (
            "kind,b\ny,1\n",
            "the header lacks the column a; expected 4 features (a, kind=x, kind=y, kind=z), "
            "or the 2 raw columns a, kind (one of x, y, z), or the dataset file's 3 columns kind, target, a",
        ),
        ("1,2,3,4,5\n", "5 values, but the model takes 4 features"),
    ],
)
def test_categorical_mistakes_name_the_expected_columns(tabular, tmp_path, capsys, content, message):
    f = tmp_path / "rows.csv"
    f.write_text(content)
    err = predict(tabular, f, capsys, status=1).err.strip()
    assert message in err and len(err.splitlines()) == 1


def test_a_raw_fish_csv_row_is_predicted(tmp_path):
    """A few rows copied from Fish.csv, header and all (Weight included), give the model's weights in grams."""
    data = real_data(*FISH_FILES)
    assert cli.main(["train", "--dataset", "fish", "--epochs", "30", "--out", str(tmp_path), "--quiet"]) == 0
    lines = (data / "fish" / "Fish.csv").read_text().splitlines()
    sample = tmp_path / "sample.csv"
    sample.write_text("\n".join(lines[:4]) + "\n")
    done = run_nabla("predict", tmp_path / "model.nabla", sample)
    assert done.returncode == 0, done.stderr
    got = predictions(done.stdout)
    X, _, _ = nb.datasets.fish_market()
    expected = nb.models.load_model(tmp_path / "model.nabla").predict(X[:3])
    np.testing.assert_allclose(got, expected, rtol=1e-5)
    assert "ignored the column Weight" in done.stderr
    sample.write_text("\n".join(lines[1:4]) + "\n")  # no header: the file's own column order
    done = run_nabla("predict", tmp_path / "model.nabla", sample)
    np.testing.assert_allclose(predictions(done.stdout), expected, rtol=1e-5)


def test_a_damaged_model_or_record_is_one_line(moons_run, tmp_path):
    good = tmp_path / "rows.csv"
    good.write_text("1,2\n")
    run = tmp_path / "run"
    run.mkdir()
    (run / "model.nabla").write_bytes((moons_run / "model.nabla").read_bytes()[:100])
    assert "cannot load the model" in assert_one_line_error(run_nabla("predict", run / "model.nabla", good), "predict")
    (run / "model.nabla").write_bytes((moons_run / "model.nabla").read_bytes())
    (run / "metrics.json").write_text("[]")
    assert "holds a JSON list" in assert_one_line_error(run_nabla("predict", run / "model.nabla", good), "predict")
