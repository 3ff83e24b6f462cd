"""keras.layers.RNN over a cell of nested inputs, outputs and states (keras.io's "Working with RNNs"
NestedCell). Keras 3 itself fails to build that cell (its RNN hands the cell only the first input's
shape), so the reference is the guide's recurrence written in NumPy: values, return_sequences, states,
go_backwards and masks."""

from __future__ import annotations

import numpy as np
import pytest

import nabla.keras as nk
from nabla.keras import ops


class NestedCell(nk.layers.Layer):
    """The guide's cell: a (batch, i1) and a (batch, i2, i3) input, states and outputs of shapes (u1,), (u2, u3)."""

    def __init__(self, unit_1, unit_2, unit_3, **kwargs):
        self.unit_1, self.unit_2, self.unit_3 = unit_1, unit_2, unit_3
        self.state_size = [(unit_1,), (unit_2, unit_3)]
        self.output_size = [(unit_1,), (unit_2, unit_3)]
        super().__init__(**kwargs)

    def build(self, input_shapes):
        i1, i2, i3 = input_shapes[0][1], input_shapes[1][1], input_shapes[1][2]
        self.kernel_1 = self.add_weight(shape=(i1, self.unit_1), initializer="uniform", name="kernel_1")
        self.kernel_2_3 = self.add_weight(shape=(i2, i3, self.unit_2, self.unit_3), initializer="uniform",
                                          name="kernel_2_3")  # fmt: skip

    def call(self, inputs, states):
        input_1, input_2 = inputs
        s1, s2 = states
        output_1 = ops.matmul(input_1, self.kernel_1)
        output_2_3 = ops.einsum("bij,ijkl->bkl", input_2, self.kernel_2_3)
        return (output_1, output_2_3), (s1 + output_1, s2 + output_2_3)


def reference(x1, x2, k1, k23, mask=None, go_backwards=False):
    """Every step's outputs and the final states, as Keras's loop: a masked step keeps the states and
    repeats the previous output (zeros before the first real step)."""
    steps = range(x1.shape[1])[::-1] if go_backwards else range(x1.shape[1])
    s1, s2 = np.zeros((len(x1), k1.shape[1])), np.zeros((len(x1), *k23.shape[2:]))
    o1, o2 = np.zeros_like(s1), np.zeros_like(s2)
    outs = []
    for t in steps:
        n1, n2 = x1[:, t] @ k1, np.einsum("bij,ijkl->bkl", x2[:, t], k23)
        real = np.ones(len(x1), bool) if mask is None else mask[:, t]
        o1, o2 = np.where(real[:, None], n1, o1), np.where(real[:, None, None], n2, o2)
        s1, s2 = np.where(real[:, None], s1 + n1, s1), np.where(real[:, None, None], s2 + n2, s2)
        outs.append((o1, o2))
    return [np.stack([o[0] for o in outs], 1), np.stack([o[1] for o in outs], 1)], [s1, s2]


@pytest.fixture
def data():
    rng = np.random.default_rng(0)
    return rng.normal(size=(2, 4, 5)).astype(np.float32), rng.normal(size=(2, 4, 6, 2)).astype(np.float32)


@pytest.mark.parametrize("go_backwards", [False, True])
def test_nested_cell_in_a_functional_model(data, go_backwards):
    rnn = nk.layers.RNN(NestedCell(3, 4, 2), return_sequences=True, return_state=True, go_backwards=go_backwards)
    a, b = nk.Input((None, 5)), nk.Input((None, 6, 2))
    model = nk.Model([a, b], rnn((a, b)))
    (out_1, out_2), state_1, state_2 = model(list(data))  # the nested output, then the states (Keras's layout)
    k1, k23 = (w.numpy() for w in rnn.weights)
    sequences, states = reference(*data, k1, k23, go_backwards=go_backwards)
    for g, w in zip([out_1, out_2, state_1, state_2], sequences + states):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-5, atol=1e-5)
    last = nk.layers.RNN(rnn.cell, go_backwards=go_backwards)(data)
    for g, w in zip(last, sequences):
        np.testing.assert_allclose(g.numpy(), w[:, -1], rtol=1e-5, atol=1e-5)


def test_nested_cell_with_a_mask_holds_the_states(data):
    mask = np.array([[True, True, False, False], [True, False, True, True]])
    rnn = nk.layers.RNN(NestedCell(3, 4, 2), return_sequences=True, return_state=True)
    (out_1, out_2), state_1, state_2 = rnn(data, mask=mask)
    k1, k23 = (w.numpy() for w in rnn.weights)
    sequences, states = reference(*data, k1, k23, mask=mask)
    for g, w in zip([out_1, out_2, state_1, state_2], sequences + states):
        np.testing.assert_allclose(g.numpy(), w, rtol=1e-5, atol=1e-5)


def test_nested_cell_trains_on_two_targets(data):
    a, b = nk.Input((None, 5)), nk.Input((None, 6, 2))
    model = nk.Model([a, b], nk.layers.RNN(NestedCell(3, 4, 2))((a, b)))
    model.compile("adam", "mse")
    history = model.fit(list(data), [np.zeros((2, 3)), np.zeros((2, 4, 2))], epochs=2, verbose=0)
    assert np.isfinite(history.history["loss"]).all()


def test_nested_inputs_of_different_timesteps_are_refused():
    rnn = nk.layers.RNN(NestedCell(3, 4, 2))
    with pytest.raises(ValueError, match="same batch and timesteps"):
        rnn((np.zeros((2, 4, 5), np.float32), np.zeros((2, 3, 6, 2), np.float32)))
