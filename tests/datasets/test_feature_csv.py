"""``nabla.datasets.read_features_csv`` as a library function (its use by ``nabla predict`` is in tests/cli)."""

from __future__ import annotations

import numpy as np
import pytest

from nabla.datasets import FeatureCsvError, RawColumn, raw_columns, read_features_csv

FEATURES = ["len", "colour=red", "colour=green", "w"]


def test_raw_columns_group_the_one_hot_features():
    assert raw_columns(FEATURES) == [RawColumn("len"), RawColumn("colour", ("red", "green")), RawColumn("w")]
    assert raw_columns(["a=1", "b", "a=2"]) == [RawColumn("a", ("1",)), RawColumn("b"), RawColumn("a", ("2",))]


def test_rows_in_any_accepted_layout_give_the_same_inputs(tmp_path):
    expected = np.array([[1.5, 0, 1, 2.0], [3.0, 1, 0, -1.0]], dtype=np.float32)
    for text in (
        "1.5,0,1,2\n3,1,0,-1\n",
        "len,colour=red,colour=green,w\n1.5,0,1,2\n3,1,0,-1\n",
        "1.5,green,2\n3,RED,-1\n",
        "W,Colour,Len,extra\n2,green,1.5,x\n-1,red,3,y\n",
    ):
        path = tmp_path / "rows.csv"
        path.write_text(text)
        got = read_features_csv(path, 4, FEATURES)
        np.testing.assert_array_equal(got.x, expected)
        assert got.x.dtype == np.float32
    assert got.notes == ["ignored the column extra: not an input of the model"]


def test_rows_from_the_dataset_file_skip_its_target(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("red,99,1.5,2\n")
    got = read_features_csv(path, 4, FEATURES, source_columns=["colour", "price", "len", "w"])
    np.testing.assert_array_equal(got.x, [[1.5, 1, 0, 2]])
    assert "ignored price: not an input of the model" in got.notes[0]


def test_errors_are_feature_csv_errors_of_one_line(tmp_path):
    path = tmp_path / "rows.csv"
    path.write_text("1.5,blue,2\n")
    with pytest.raises(FeatureCsvError, match=r"rows.csv, line 1: 'blue' is not a colour; expected one of red, green"):
        read_features_csv(path, 4, FEATURES)
    assert issubclass(FeatureCsvError, ValueError)
    with pytest.raises(ValueError, match="3 feature names for 4 features"):
        read_features_csv(path, 4, FEATURES[:3])
