"""Module.load_state_dict against wrong arguments and wrong values: one clear error, and no weight changed.

PyTorch is the reference for which arguments are refused (anything that is not a mapping) and with which type.
"""

from __future__ import annotations

from collections import OrderedDict

import numpy as np
import pytest
from conftest import require

import nabla as nb
from nabla import nn


def _model():
    return nn.Sequential(nn.Linear(3, 2), nn.BatchNorm1d(2))


def _snapshot(m):
    return {k: v.numpy().copy() for k, v in m.state_dict().items()}


def _good(m):
    return {k: v.numpy().copy() for k, v in m.state_dict().items()}


def _assert_unchanged(m, snap):
    for k, v in m.state_dict().items():
        np.testing.assert_array_equal(v.numpy(), snap[k], err_msg=k)


@pytest.mark.parametrize(
    "argument",
    [None, [("0.weight", np.zeros((2, 3)))], "0.weight", 3, nb.zeros(2, 3), np.zeros(3), [[1, 2], [3]]],
    ids=["None", "list-of-pairs", "str", "int", "Tensor", "array", "ragged-list"],
)
def test_an_argument_that_is_not_a_mapping_is_a_type_error_as_in_torch(argument):
    torch = require("torch")
    m = _model()
    snap = _snapshot(m)
    with pytest.raises(TypeError, match=r"load_state_dict into Sequential: state_dict must be a mapping.*got \w+"):
        m.load_state_dict(argument)
    _assert_unchanged(m, snap)
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 2), torch.nn.BatchNorm1d(2))
    torch_argument = argument.numpy() if isinstance(argument, nb.Tensor) else argument
    with pytest.raises(TypeError):
        theirs.load_state_dict(torch_argument)


@pytest.mark.parametrize(
    "value, match",
    [
        ([[1.0, 2.0, 3.0], [4.0, 5.0]], r"0\.weight: cannot be read as an array of numbers \(ValueError"),
        ({"nested": 1}, r"0\.weight: holds object values, not numbers"),
        (None, r"0\.weight: holds object values"),
        (np.full((2, 3), "x"), r"0\.weight: holds <U1 values"),
        (np.full((2, 3), 1e300), r"0\.weight: holds values that float32 cannot represent"),
        (np.ones((2, 3), np.complex64), r"0\.weight: holds complex64 values"),
        (np.ones((3, 2)), r"0\.weight: checkpoint \(3, 2\) vs model \(2, 3\)"),
    ],
    ids=["ragged", "dict", "None", "strings", "overflow", "complex", "transposed"],
)
def test_a_wrong_value_is_a_value_error_naming_its_key_and_changes_nothing(value, match):
    m = _model()
    snap = _snapshot(m)
    state = _good(m)
    for k in state:
        state[k] = state[k] + 1  # would change every weight, were the call to go through
    state["0.weight"] = value
    with pytest.raises(ValueError, match=match):
        m.load_state_dict(state)
    with pytest.raises(ValueError, match=match):
        m.load_state_dict(state, strict=False)
    _assert_unchanged(m, snap)


def test_nan_into_an_integer_buffer_is_refused():
    m = _model()
    state = _good(m)
    state["1.num_batches_tracked"] = np.array(np.nan)
    with pytest.raises(ValueError, match=r"1\.num_batches_tracked: holds values that int64 cannot represent"):
        m.load_state_dict(state)


def test_values_of_every_numeric_kind_are_cast_to_the_model_dtype():
    m = _model()
    state = OrderedDict(_good(m))
    state["0.weight"] = [[1, 2, 3], [4, 5, 6]]  # nested lists of ints
    state["0.bias"] = np.array([True, False])
    state["1.running_var"] = nb.tensor([2.0, 3.0], dtype=nb.float64)
    m.load_state_dict(state)
    assert m[0].weight.dtype == nb.float32 and m[0].weight.detach().numpy().tolist() == [[1, 2, 3], [4, 5, 6]]
    assert m[0].bias.detach().numpy().tolist() == [1.0, 0.0] and m[1].running_var.dtype == nb.float32


def test_long_key_lists_and_long_keys_keep_the_message_short():
    m = _model()
    state = _good(m)
    state.update({f"extra.{i}": np.zeros(1) for i in range(1000)})
    state["k" * 100_000] = np.zeros(1)
    with pytest.raises(KeyError) as info:
        m.load_state_dict(state)
    message = str(info.value)
    assert "unexpected keys [extra.0, extra.1" in message and "... and 991 more]" in message
    assert len(message) < 2000


def test_non_string_keys_are_unexpected_keys():
    m = _model()
    state = _good(m)
    state[7] = np.zeros(1)
    with pytest.raises(KeyError, match=r"unexpected keys \[7\]"):
        m.load_state_dict(state)
    assert m.load_state_dict(state, strict=False).unexpected_keys == [7]
