"""Uploaded CSV files made to break the parser: huge cells, extreme numbers, odd line ends, generated text.

Every upload ends in an :class:`Upload` of finite float32 features or in one :class:`PlaygroundError`
of one short line; never another exception (``csv.Error``, ``IndexError``), a NumPy overflow
warning, or a message that echoes a huge cell. ``NABLA_FUZZ_CASES`` raises the number of
generated files.
"""

from __future__ import annotations

import os
import warnings

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nabla.playground.csvdata import parse_csv
from nabla.playground.errors import PlaygroundError

CASES = int(os.environ.get("NABLA_FUZZ_CASES", "0")) or 150
MAX_MESSAGE = 300


def table(rows: int = 30, first=lambda i: i * 0.1, label=lambda i: "ab"[i % 2], header="x1,x2,label") -> str:
    return header + "\n" + "".join(f"{first(i)},{(i % 7) * 0.3},{label(i)}\n" for i in range(rows))


def answer(text: str):
    """The upload, or the PlaygroundError, with NumPy's warnings turned into errors."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        try:
            return parse_csv("hostile.csv", text, max_points=2000)
        except PlaygroundError as e:
            message = str(e)
            assert "\n" not in message and len(message) <= MAX_MESSAGE, message[:500]
            return e


@pytest.mark.parametrize(
    "text, message",
    [
        (table() + "1," + "9" * 200_000 + ",a\n", r"line 32: field larger than field limit \(131072\)"),
        (table() + '"' + "x" * 200_000 + '",1,a\n', r"line 32: field larger"),
        ("x" * 300_000 + ",b,c\n" + table()[12:], r"line 1: field larger"),
        (
            table(first=lambda i: 1e300 * (i + 1)),
            r"column 'x1' holds numbers too large to standardise \(up to 3e\+301\)",
        ),
        (table() + "1" * 400 + "e999,1,a\n", r"line 32, column 1: '1{17}...' is not finite"),
        ("a,b," * 100_000 + "\n" + table(), r"expected 2 or 3 columns .*, got 200001 \(a, b, a, b.*\.\.\.\)$"),
    ],
)
def test_hostile_files_get_one_short_line(text, message):
    error = answer(text)
    assert isinstance(error, PlaygroundError)
    assert pytest.raises(PlaygroundError, parse_csv, "f.csv", text, 2000).match(message)


def test_regression_values_beyond_float32_are_standardised_in_float64():
    """Values of 1e100 are standardised in float64; of 1e306, their squares overflow even there: refused."""
    upload = answer("x,value\n" + "".join(f"{i},{(i + 0.5) * 1e100}\n" for i in range(30)))
    assert upload.task == "regression" and np.isfinite(upload.y).all() and upload.y.dtype == np.float32
    np.testing.assert_allclose(upload.y.std(), 1, rtol=1e-5)
    assert isinstance(answer("x,value\n" + "".join(f"{i},{(i + 0.5) * 1e306}\n" for i in range(30))), PlaygroundError)


@pytest.mark.parametrize("newline", ["\r", "\r\n", "\n"])
def test_every_line_end_reads_the_same_rows(newline):
    upload = answer(table().replace("\n", newline))
    assert upload.X.shape == (30, 2) and upload.class_names == ("a", "b")


TOKENS = st.sampled_from(
    ["0", "1", "-2.5", "7", "1e308", "-1e308", "1e-320", "nan", "inf", "x", "label", "split", "a", "b", "",
     ",", ",", ",", ";", "\t", '"', "#", " ", "\n", "\n", "\r", "\r\n", "\x00", "\ufeff", "é", "\u2028", "9" * 140_000]
)  # fmt: skip


@settings(max_examples=CASES, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(head=st.lists(TOKENS, max_size=12), row=st.lists(TOKENS, min_size=1, max_size=8), repeats=st.integers(0, 40),
       tail=st.lists(TOKENS, max_size=12))  # fmt: skip
def test_generated_files_end_in_an_upload_or_one_short_line(head, row, repeats, tail):
    text = "".join(head) + "".join(row) * repeats + "".join(tail)
    result = answer(text)
    if not isinstance(result, PlaygroundError):
        assert result.X.dtype == np.float32 and np.isfinite(result.X).all() and np.isfinite(result.y).all()
