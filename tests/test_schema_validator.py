"""nabla.schema: the small validator of data read from files, against the ``jsonschema`` package as the reference.

nabla's validator reads a subset of JSON Schema and is stricter in two documented places (an
"integer" is an int, never 1.0; a "number" is finite). On values outside those two places it must
accept and refuse exactly what ``jsonschema`` does, which hypothesis checks on generated values.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from conftest import require
from hypothesis import given, settings
from hypothesis import strategies as st

import nabla as nb
from nabla.schema import SchemaError, validate

LAYER = {
    "type": "object",
    "required": ["units"],
    "properties": {
        "units": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1},
        "rate": {"type": "number", "minimum": 0, "exclusiveMaximum": 1},
        "kernel_size": {"type": "array", "items": {"type": "integer", "minimum": 1}, "minItems": 2, "maxItems": 2},
        "activation": {"anyOf": [{"type": "null"}, {"enum": ["relu", "tanh", "sigmoid"]}]},
        "name": {"type": ["string", "null"], "maxLength": 20},
        "trainable": {"type": "boolean"},
        "format": {"const": "nabla.model/1"},
        "extra": {"type": "object", "additionalProperties": {"type": "number"}},
    },
    "additionalProperties": False,
}
SCHEMAS = [
    LAYER,
    {"type": "array", "items": LAYER, "maxItems": 3},
    {"type": "object", "properties": {"layers": {"type": "array", "items": LAYER}}, "required": ["layers"]},
    {"anyOf": [{"type": "integer", "exclusiveMinimum": 0}, {"type": "string"}]},
]

json_scalars = (
    st.none()
    | st.booleans()
    | st.integers(-(2**40), 2**40)
    | st.floats(allow_nan=False, allow_infinity=False).filter(lambda x: not x.is_integer())
    | st.sampled_from(["relu", "tanh", "x", "", "nabla.model/1", "a" * 25])
)
keys = st.sampled_from(["units", "rate", "kernel_size", "activation", "name", "trainable", "format", "extra", "zz"])
json_values = st.recursive(
    json_scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(keys, inner, max_size=5),
    max_leaves=12,
)
near_valid = st.fixed_dictionaries(
    {"units": st.integers(-2, 3) | json_scalars},
    optional={
        "rate": st.floats(-0.5, 1.5, allow_nan=False).filter(lambda x: not x.is_integer()) | st.sampled_from([0, 1]),
        "kernel_size": st.lists(st.integers(0, 3), max_size=3),
        "activation": st.sampled_from([None, "relu", "gelu"]),
        "name": st.sampled_from([None, "dense", "n" * 21, 3]),
        "trainable": st.sampled_from([True, False, 0, 1]),
        "format": st.sampled_from(["nabla.model/1", "nabla.model/2"]),
        "extra": st.dictionaries(keys, st.integers(-3, 3) | st.text(max_size=2), max_size=2),
    },
)


def _theirs(value, schema) -> bool:
    jsonschema = require("jsonschema")
    return jsonschema.Draft202012Validator(schema).is_valid(value)


def _ours(value, schema) -> bool:
    try:
        validate(value, schema)
    except SchemaError:
        return False
    return True


@settings(max_examples=400, deadline=None)
@given(
    value=json_values | near_valid | st.lists(near_valid, max_size=3).map(lambda v: {"layers": v}),
    index=st.integers(0, len(SCHEMAS) - 1),
)
def test_accepts_and_refuses_what_jsonschema_does(value, index):
    assert _ours(value, SCHEMAS[index]) == _theirs(value, SCHEMAS[index])


@pytest.mark.parametrize(
    "value, message",
    [
        ({"units": -3}, "config.units: expected an integer >= 1 and <= 2147483647, got -3"),
        ({}, "config.units: missing (expected an integer >= 1 and <= 2147483647)"),
        ({"units": 2, "kernel_size": [3]}, r"config.kernel_size: expected a list of 2, each an integer >= 1, got [3]"),
        ({"units": 2, "kernel_size": [3, 0]}, "config.kernel_size[1]: expected an integer >= 1, got 0"),
        ({"units": 2, "activation": "gelu"}, "config.activation: expected null or one of 'relu', 'tanh', 'sigmoid'"),
        ({"units": 2, "bogus": 1}, "config.bogus: unexpected field (the known ones are activation, extra, format"),
        ({"units": 2, 7: 1}, "config: expected an object with string keys, got the key 7"),
        ({"units": 2, "name": "n" * 10**6}, "config.name: expected a string of at most 20 characters, got 1,000,000"),
        ({"units": 2, "rate": 1.0}, "config.rate: expected a finite number >= 0 and < 1, got 1.0"),
    ],
)
def test_messages_name_the_field_what_was_expected_and_what_was_found(value, message):
    with pytest.raises(SchemaError) as info:
        validate(value, LAYER, "config")
    assert str(info.value).startswith(message)
    assert len(str(info.value)) < 300


@pytest.mark.parametrize("value", [1.0, True, math.nan, math.inf, np.float64(2.0)])
def test_integers_are_ints_and_numbers_are_finite(value):
    with pytest.raises(SchemaError):
        validate(value, {"type": "integer"})
    if not isinstance(value, bool) and math.isfinite(value):
        validate(value, {"type": "number"})
    else:
        with pytest.raises(SchemaError):
            validate(value, {"type": "number"})
    validate(np.int64(3), {"type": "integer"})


def test_tensors_by_dtype_kind_and_rank():
    schema = {"type": "tensor", "dtypeKinds": "f", "ndim": 2}
    validate(nb.zeros(2, 3), schema)
    validate(np.zeros((2, 3)), schema)
    with pytest.raises(SchemaError, match=r"w: expected a tensor of dtype kind 'f', got a Tensor of shape \(3,\)"):
        validate(nb.arange(3), schema, "w")
    with pytest.raises(SchemaError, match="expected a tensor with 2 dimensions"):
        validate(nb.zeros(3), schema)
    with pytest.raises(SchemaError, match=r"expected a tensor of dtype kind .f., got \[\[1.0\]\]"):
        validate([[1.0]], schema)
