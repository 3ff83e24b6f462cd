"""Uploaded CSV files: what is read, how it is scaled, and a clear message for everything else."""

from __future__ import annotations

import numpy as np
import pytest

from nabla.playground.csvdata import parse_csv
from nabla.playground.errors import PlaygroundError


def rows(n=20, label=lambda i: i % 2, header="x1,x2,label", delimiter=","):
    lines = [header] if header else []
    lines += [delimiter.join([f"{i * 0.5}", f"{(i * 7) % 5}", str(label(i))]) for i in range(n)]
    return "\n".join(lines)


def test_classes_with_a_header_are_read_and_standardised():
    upload = parse_csv("points.csv", rows(), max_points=2000)
    assert upload.task == "classification" and upload.class_names == ("0", "1") and upload.dims == 2
    assert upload.columns == ("x1", "x2", "label")
    np.testing.assert_allclose(upload.X.mean(axis=0), 0, atol=1e-6)
    np.testing.assert_allclose(upload.X.std(axis=0), 1, atol=1e-5)
    raw = np.array([[i * 0.5, (i * 7) % 5] for i in range(20)])
    np.testing.assert_allclose(upload.mean, raw.mean(axis=0))
    assert "20 points" in upload.summary() and "standardised" in upload.summary()


def test_names_become_classes_in_sorted_order_without_a_header_and_with_semicolons():
    names = ["setosa", "virginica", "versicolor"]
    upload = parse_csv("iris.csv", rows(header=None, label=lambda i: names[i % 3], delimiter=";"), 2000)
    assert upload.class_names == ("setosa", "versicolor", "virginica")
    assert upload.y[:3].tolist() == [0, 2, 1]
    assert upload.columns == ("x1", "x2", "label")


def test_fractional_values_are_a_regression_and_are_standardised_too():
    upload = parse_csv("values.csv", rows(label=lambda i: i * 0.25 + 3), 2000)
    assert upload.task == "regression" and upload.class_names is None
    assert upload.y_mean == pytest.approx(np.mean([i * 0.25 + 3 for i in range(20)]))
    np.testing.assert_allclose(upload.y.std(), 1, atol=1e-5)


def test_one_feature_column_is_1d_data_and_a_split_column_is_ignored():
    text = "x,value,split\n" + "\n".join(
        f"{i},{np.sin(i) + i / 100:.4f},{'train' if i % 2 else 'test'}" for i in range(30)
    )
    upload = parse_csv("sine.csv", text, 2000)
    assert upload.dims == 1 and upload.task == "regression" and upload.columns == ("x", "value")


def test_comments_and_blank_lines_are_skipped():
    text = "# my points\n\n" + rows() + "\n\n"
    assert len(parse_csv("a.csv", text, 2000).y) == 20


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty"),
        ("just,some,words\nand,more,words\n" * 10, "is not a number"),
        (rows().replace("3.5,", "abc,", 1), "line .*column 1: 'abc' is not a number"),
        (rows().replace("3.5,", "nan,", 1), "NaN|remove or fill"),
        (rows().replace("3.5,", "inf,", 1), "remove or fill"),
        (rows(label=lambda i: 1), "one class only"),
        (rows(n=5), "between 10 and 2000"),
        (rows(n=30), "between 10 and 25"),
        ("a,b,c,d\n" + "1,2,3,4\n" * 20, "expected 2 or 3 columns"),
        (rows() + "\n1,2", "has 2 cells"),
        (rows(label=lambda i: f"class{i}"), "20 different names"),
        ("x1,x2,label\n" + "1,2,0\n1,2,1\n" * 10, "holds one value only"),
        ("\x00\x01binary", "not a text file"),
        ("x1,x2,label\n" + "1,2,\n" * 5 + "3,4,a\n" * 5, "has no label"),
    ],
)
def test_bad_files_get_a_one_line_reason(text, message):
    max_points = 25 if "between 10 and 25" in message else 2000
    with pytest.raises(PlaygroundError, match=message) as info:
        parse_csv("bad.csv", text, max_points)
    assert "\n" not in str(info.value)


def test_a_huge_file_is_refused_before_it_is_parsed():
    with pytest.raises(PlaygroundError, match="at most 1000 kB"):
        parse_csv("big.csv", "1,2,3\n" * 200_000, 2000)
