"""The recurrent cells ``SimpleRNNCell``, ``LSTMCell``, ``GRUCell`` (Keras 3's), and the math they share with
``SimpleRNN``, ``LSTM``, ``GRU``.

A cell is one step of a recurrent layer: ``cell(x_t, states) -> (output, new_states)``, with ``x_t`` of
shape (batch, features) and each state (batch, units). ``keras.layers.RNN(cell)`` runs it over a
sequence (see :mod:`.rnn`). The step math is written once, in the mixins below
(:class:`_SimpleRNNMath`, :class:`_LSTMMath`, :class:`_GRUMath`): the cells and the sequence layers of
:mod:`.recurrent` both inherit it, so ``LSTM(8)`` and ``RNN(LSTMCell(8))`` give the same numbers from the
same code. The sequence layers (and ``RNN`` of a built-in cell) keep their fast path: the inputs' part
``x @ kernel`` is one product for the whole sequence, then ``step`` adds the state's part at each step.

Weights as Keras's: ``kernel`` (features, gates*units), ``recurrent_kernel`` (units, gates*units),
``bias`` (gates*units,), the GRU's with ``reset_after`` (2, 3*units); gates in Keras's order (LSTM
``i, f, c, o``, GRU ``z, r, h``). The formulas are in :mod:`.recurrent`'s docstring.

Dropout (``dropout`` on the inputs, ``recurrent_dropout`` on h, in training only) uses one mask per
sequence, as Keras's cells: a cell draws its masks at its first training call and keeps them until
``reset_dropout_mask()`` (``RNN`` resets them at the start of each sequence).
"""

from __future__ import annotations

import numpy as np

from ...nn.functional import dropout as dropout_fn
from .. import activations, constraints, initializers, regularizers
from .._engine import Tensor, ones, ops, zeros
from .arguments import check_seed
from .layer import Layer
from .layer_config import config_value


def _unit_forget_bias(initializer, units: int):
    """The LSTM's bias initializer with ``unit_forget_bias``: ones for the forget gate, ``initializer`` elsewhere."""
    inner = initializers.get(initializer)

    def initialize(shape, dtype=None) -> Tensor:
        parts = [inner((units,), dtype), Tensor(np.ones(units), dtype=dtype or "float32"), inner((2 * units,), dtype)]
        return Tensor(np.concatenate([np.asarray(p._data if isinstance(p, Tensor) else p) for p in parts]))

    return initialize


class _CellMath:
    """The arguments, weights and products every cell and recurrent layer shares (a mixin of a ``Layer``)."""

    GATES = 1  # blocks of ``units`` columns in the kernels
    STATES = 1  # h (the LSTM: h and c)

    def _cell_arguments(self, units, activation, recurrent_activation, use_bias, kernel_initializer,
                        recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                        bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                        recurrent_dropout, seed) -> None:  # fmt: skip
        who = type(self).__name__
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{who}: units must be a positive integer, got {units!r}")
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"{who}: {name} must be in [0, 1), got {rate!r}")
        self.units = int(units)
        self.activation = activations.get(activation)
        self.recurrent_activation = activations.get(recurrent_activation)
        self.use_bias = bool(use_bias)
        self.kernel_initializer = initializers.standardize(kernel_initializer)
        self.recurrent_initializer = initializers.standardize(recurrent_initializer)
        self.bias_initializer = initializers.standardize(bias_initializer)
        self.kernel_regularizer = regularizers.get(kernel_regularizer)
        self.recurrent_regularizer = regularizers.get(recurrent_regularizer)
        self.bias_regularizer = regularizers.get(bias_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.seed = check_seed(seed, who)

    # --- weights -------------------------------------------------------------------------------

    def _bias_shape(self) -> tuple:
        return (self.GATES * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def _build_weights(self, features: int) -> None:
        width = self.GATES * self.units
        self.kernel = self.add_weight(shape=(features, width), initializer=self.kernel_initializer,
                                      regularizer=self.kernel_regularizer, constraint=self.kernel_constraint,
                                      name="kernel")  # fmt: skip
        self.recurrent_kernel = self.add_weight(
            shape=(self.units, width),
            initializer=self.recurrent_initializer,
            regularizer=self.recurrent_regularizer,
            constraint=self.recurrent_constraint,
            name="recurrent_kernel",
        )
        self.bias = None
        if self.use_bias:
            self.bias = self.add_weight(shape=self._bias_shape(), initializer=self._bias_initializer(),
                                        regularizer=self.bias_regularizer, constraint=self.bias_constraint,
                                        name="bias")  # fmt: skip

    # --- the products ----------------------------------------------------------------------------

    def _input_part(self, x: Tensor, masks) -> Tensor:
        """``x @ kernel (+ bias)`` over the last axis of ``x`` (one step (batch, features), or a whole sequence
        (batch, timesteps, features) in one product); with dropout, each gate's product of the masked inputs
        (``masks``: one mask, or one per gate)."""
        features = x.shape[-1]
        u = self.units
        if masks is None or len(masks) == 1:
            flat = x if masks is None else x * masks[0]
            flat = ops.matmul(flat.reshape(-1, features), self.kernel)
        else:
            flat = ops.concatenate([
                ops.matmul((x * m).reshape(-1, features), self.kernel[:, g * u : (g + 1) * u])
                for g, m in enumerate(masks)
            ], axis=1)  # fmt: skip
        if self.bias is not None and self.bias.ndim == 1:
            flat = flat + self.bias
        return flat.reshape(*x.shape[:-1], self.GATES * u)

    def _recurrent_part(self, h: Tensor, masks, gates: range) -> Tensor:
        """``h @ recurrent_kernel`` for the columns of ``gates``; with recurrent dropout (``masks``, one per
        gate), each gate's product of its masked ``h``."""
        u = self.units
        if masks is None:
            whole = gates.start == 0 and gates.stop == self.GATES
            return ops.matmul(
                h, self.recurrent_kernel if whole else self.recurrent_kernel[:, gates.start * u : gates.stop * u]
            )
        return ops.concatenate(
            [ops.matmul(h * masks[g], self.recurrent_kernel[:, g * u : (g + 1) * u]) for g in gates], axis=1
        )

    def step(self, xw: Tensor, states: list, masks) -> list:
        """One step: ``xw`` the step's input part (batch, gates*units), the states before -> the states after
        (``masks``: the recurrent dropout's, one per gate, or None). The output is the first state, h."""
        raise NotImplementedError

    def _draw_masks(self, training, input_shape: tuple, batch: int, like: Tensor) -> tuple:
        """The dropout masks of one sequence: (input masks of ``input_shape`` or None, recurrent masks or None).
        With recurrent dropout, one per gate for the inputs and for h (Keras's "implementation 1"); else one."""
        per_gate = self.GATES if self.recurrent_dropout else 1

        def draw(rate, shape):
            return [dropout_fn(ones(shape, dtype=like.dtype, device=like.device), rate, True) for _ in range(per_gate)]

        masks = draw(self.dropout, input_shape) if training and self.dropout else None
        recurrent = draw(self.recurrent_dropout, (batch, self.units)) if training and self.recurrent_dropout else None
        return masks, recurrent

    def _cell_config(self) -> dict:
        return {
            "units": self.units,
            "activation": config_value(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": config_value(self.kernel_initializer),
            "recurrent_initializer": config_value(self.recurrent_initializer),
            "bias_initializer": config_value(self.bias_initializer),
            "kernel_regularizer": config_value(self.kernel_regularizer),
            "recurrent_regularizer": config_value(self.recurrent_regularizer),
            "bias_regularizer": config_value(self.bias_regularizer),
            "kernel_constraint": config_value(self.kernel_constraint),
            "recurrent_constraint": config_value(self.recurrent_constraint),
            "bias_constraint": config_value(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
        }


class _SimpleRNNMath(_CellMath):
    def step(self, xw, states, masks):
        return [self.activation(xw + self._recurrent_part(states[0], masks, range(1)))]


class _LSTMMath(_CellMath):
    GATES, STATES = 4, 2

    def _bias_initializer(self):
        if self.unit_forget_bias:
            return _unit_forget_bias(self.bias_initializer, self.units)
        return self.bias_initializer

    def step(self, xw, states, masks):
        h, c = states
        z = xw + self._recurrent_part(h, masks, range(4))
        u = self.units
        i, f = self.recurrent_activation(z[:, :u]), self.recurrent_activation(z[:, u : 2 * u])
        c = f * c + i * self.activation(z[:, 2 * u : 3 * u])
        o = self.recurrent_activation(z[:, 3 * u :])
        return [o * self.activation(c), c]

    def _cell_config(self) -> dict:
        return {
            **super()._cell_config(),
            "recurrent_activation": config_value(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class _GRUMath(_CellMath):
    GATES = 3

    def _bias_shape(self) -> tuple:
        return (2, 3 * self.units) if self.reset_after else (3 * self.units,)

    def _input_part(self, x, masks):
        xw = super()._input_part(x, masks)
        return xw + self.bias[0] if self.bias is not None and self.reset_after else xw

    def step(self, xw, states, masks):
        h = states[0]
        u = self.units
        if self.reset_after:
            inner = self._recurrent_part(h, masks, range(3))
            if self.bias is not None:
                inner = inner + self.bias[1]
            z = self.recurrent_activation(xw[:, :u] + inner[:, :u])
            r = self.recurrent_activation(xw[:, u : 2 * u] + inner[:, u : 2 * u])
            candidate = self.activation(xw[:, 2 * u :] + r * inner[:, 2 * u :])
        else:
            inner = self._recurrent_part(h, masks, range(2))
            z = self.recurrent_activation(xw[:, :u] + inner[:, :u])
            r = self.recurrent_activation(xw[:, u : 2 * u] + inner[:, u:])
            h_candidate = h if masks is None else h * masks[2]
            candidate = self.activation(xw[:, 2 * u :] + ops.matmul(r * h_candidate, self.recurrent_kernel[:, 2 * u :]))
        return [z * h + (1 - z) * candidate]

    def _cell_config(self) -> dict:
        return {
            **super()._cell_config(),
            "recurrent_activation": config_value(self.recurrent_activation),
            "reset_after": self.reset_after,
        }


class _Cell(_CellMath, Layer):
    """A built-in cell: ``call(inputs, states, training) -> (h, new_states)`` over the shared step math."""

    def __init__(self, units, activation, recurrent_activation, use_bias, kernel_initializer, recurrent_initializer,
                 bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer, kernel_constraint,
                 recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed, **kwargs):  # fmt: skip
        super().__init__(**kwargs)
        self._cell_arguments(units, activation, recurrent_activation, use_bias, kernel_initializer,
                             recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                             bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                             recurrent_dropout, seed)  # fmt: skip
        self._masks = None  # the dropout masks of the sequence being read (see reset_dropout_mask)

    @property
    def state_size(self):
        """The size of each state: ``units`` (the LSTM: ``[units, units]``, h and c), as Keras's cells."""
        return [self.units] * self.STATES if self.STATES > 1 else self.units

    @property
    def output_size(self) -> int:
        return self.units

    def build(self, input_shape) -> None:
        self._build_weights(input_shape[-1])

    def get_initial_state(self, inputs=None, batch_size: int | None = None, dtype=None):
        """Zeros for each state, (batch_size, units): a list, as Keras 3's ``get_initial_state(batch_size)``.

        Keras 2's form, ``get_initial_state(inputs=None, batch_size=None, dtype=None)`` (the batch and dtype
        from ``inputs`` when given), answers as Keras 2 does: a one-state cell's state is a tensor, not a
        list (d2l prints ``rnn_cell.get_initial_state(batch_size=32, dtype=tf.float32).shape``)."""
        if isinstance(inputs, (int, np.integer)):  # Keras 3's get_initial_state(batch_size), positionally
            inputs, batch_size = None, inputs
        keras2 = inputs is not None or dtype is not None
        if inputs is not None:
            batch_size, dtype = inputs.shape[0], dtype or inputs.dtype
        if batch_size is None:
            raise ValueError(f"{type(self).__name__}.get_initial_state: give batch_size (or inputs)")
        dtype = getattr(dtype, "name", dtype) or self.dtype  # (a tf.DType, a name or None)
        states = [zeros((batch_size, self.units), dtype=dtype) for _ in range(self.STATES)]
        return states[0] if keras2 and self.STATES == 1 else states

    def reset_dropout_mask(self) -> None:
        """Forget the dropout masks, so that the next training call draws new ones (a new sequence)."""
        self._masks = None

    reset_recurrent_dropout_mask = reset_dropout_mask

    def call(self, inputs, states, training=False):
        x = inputs if isinstance(inputs, Tensor) else Tensor._make(np.asarray(inputs, dtype=self.dtype))
        nested = isinstance(states, (list, tuple))
        states = list(states) if nested else [states]
        if len(states) != self.STATES:
            raise ValueError(f"{type(self).__name__} '{self.name}': expected {self.STATES} state(s) of shape "
                             f"(batch, {self.units}), got {len(states)}")  # fmt: skip
        if training and (self.dropout or self.recurrent_dropout):
            if self._masks is None:
                self._masks = self._draw_masks(True, x.shape, x.shape[0], x)
            masks, recurrent_masks = self._masks
        else:
            masks = recurrent_masks = None
        new = self.step(self._input_part(x, masks), states, recurrent_masks)
        return new[0], (new if nested or self.STATES > 1 else new[0])

    def get_config(self) -> dict:
        return {**super().get_config(), **self._cell_config()}


class SimpleRNNCell(_SimpleRNNMath, _Cell):
    """One step of :class:`~.recurrent.SimpleRNN`: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Shape: inputs (batch, features), states ``[h]`` (batch, units) -> ``(h, [h])``. Parameters:
    ``features*units + units*units + units``. Run it over a sequence with ``keras.layers.RNN``::

        layer = keras.layers.RNN(keras.layers.SimpleRNNCell(32), return_sequences=True)
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 **kwargs):  # fmt: skip
        super().__init__(units, activation, None, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         kernel_constraint, recurrent_constraint, bias_constraint, dropout, recurrent_dropout, seed,
                         **kwargs)  # fmt: skip


class LSTMCell(_LSTMMath, _Cell):
    """One step of :class:`~.recurrent.LSTM`: states ``[h, c]`` -> ``(h, [h, c])``.

    Shape: inputs (batch, features), h and c (batch, units). Parameters: ``4 * (features*units +
    units*units + units)``. ``unit_forget_bias=True`` (Keras's default) starts the forget gate's bias at 1.
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None, **kwargs):  # fmt: skip
        self.unit_forget_bias = bool(unit_forget_bias)
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)  # fmt: skip


class GRUCell(_GRUMath, _Cell):
    """One step of :class:`~.recurrent.GRU`: state ``[h]`` -> ``(h, [h])``; ``reset_after=True`` (Keras's
    default) gives a bias of (2, 3*units).

    Shape: inputs (batch, features), h (batch, units). Parameters: ``3 * (features*units + units*units +
    units)``, plus ``3*units`` with ``reset_after``.
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, reset_after: bool = True, seed=None, **kwargs):  # fmt: skip
        self.reset_after = bool(reset_after)
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, **kwargs)  # fmt: skip
