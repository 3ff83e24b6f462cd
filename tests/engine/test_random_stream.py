"""nb.random.Stream: a stream of nabla's generator of its own, that leaves the caller's as it was."""

from __future__ import annotations

import numpy as np
import pytest

import nabla as nb


def draws(n=5):
    return nb.randn(n).numpy()


def test_a_stream_draws_what_a_seed_would_and_goes_on_where_it_stopped():
    nb.manual_seed(7)
    expected = draws(10)
    stream = nb.random.Stream(seed=7)
    nb.manual_seed(123)
    with stream:
        first = draws()
    nb.randn(3)  # the caller's draws in between change nothing in the stream
    with stream:
        second = draws()
    np.testing.assert_array_equal(np.concatenate([first, second]), expected)


def test_the_callers_stream_is_left_as_it_was():
    nb.manual_seed(1)
    expected = draws()
    nb.manual_seed(1)
    with nb.random.Stream(seed=2):
        draws(100)
    np.testing.assert_array_equal(draws(), expected)


def test_two_streams_in_turns_draw_what_each_would_alone():
    a, b = nb.random.Stream(seed=3), nb.random.Stream(state=nb.random.Stream(seed=4).state)
    together = []
    for _ in range(3):
        for stream in (a, b):
            with stream:
                together.append(draws(2))
    nb.manual_seed(3)
    alone_a = draws(6)
    nb.manual_seed(4)
    alone_b = draws(6)
    np.testing.assert_array_equal(np.concatenate(together[0::2]), alone_a)
    np.testing.assert_array_equal(np.concatenate(together[1::2]), alone_b)


@pytest.mark.parametrize("kwargs", [{}, {"seed": 1, "state": {}}, {"seed": -1}, {"seed": 1.5}])
def test_a_stream_needs_a_seed_or_a_state(kwargs):
    with pytest.raises(ValueError, match="Stream"):
        nb.random.Stream(**kwargs)
