"""The text form (``str`` / ``print``) of ``tf.train`` messages against TensorFlow's protobuf: a float32 is
written as protobuf writes it (6 significant digits when they read back as the same float32, else 9)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import require

import nabla.tf as ntf


@pytest.fixture(scope="module")
def tf():
    return require("tensorflow")


_FLOATS = [0.1, 1 / 3, -1 / 3, 1e-8, 3e38, math.inf, -math.inf, math.nan, -0.0, 0.0, 1.0, 100.0, 1e7, 1e15,
           1e16, 123456789.0, 2.5e-45, 1e-5, 3e-4, 16777216.0, 1.5, 65504.0, float(np.finfo(np.float32).max),
           float(np.finfo(np.float32).tiny), 0.3, -2.75, 1234567.0, 7654321.5]  # fmt: skip


@pytest.mark.parametrize("value", _FLOATS, ids=repr)
def test_a_float_list_prints_as_protobuf(tf, value):
    assert str(ntf.train.FloatList(value=[value])) == str(tf.train.FloatList(value=[value]))


def test_random_floats_print_as_protobuf(tf):
    rng = np.random.default_rng(0)
    values = np.concatenate([rng.normal(size=50), rng.normal(size=50) * 10.0 ** rng.integers(-40, 38, 50)])
    values = [float(v) for v in values.astype(np.float32)]
    assert str(ntf.train.FloatList(value=values)) == str(tf.train.FloatList(value=values))


def test_an_example_with_floats_prints_as_protobuf(tf):
    def example(lib):
        floats = lib.train.Feature(float_list=lib.train.FloatList(value=[1 / 3, 0.1, -1 / 7]))
        return lib.train.Example(features=lib.train.Features(feature={"x": floats}))

    assert str(example(ntf)) == str(example(tf))
