"""The recurrent layers: ``SimpleRNN``, ``LSTM``, ``GRU``, Keras 3's, written out over nabla's operations.

Each reads (batch, timesteps, features) sequences one step at a time and keeps a state ``h`` (and the
LSTM a cell state ``c``) of ``units`` numbers. The inputs' part of every step is one product for the
whole sequence (``x @ kernel``, (batch*timesteps, features) by (features, gates*units)); the loop over
time adds the state's part (``h @ recurrent_kernel``) and the gates. The gradient is the engine's
backpropagation through time: the loop is recorded like any other code.

Weights as Keras's (so ``set_weights(keras_layer.get_weights())`` gives Keras's numbers): ``kernel``
(features, gates*units), ``recurrent_kernel`` (units, gates*units), ``bias``; the gates side by side
in Keras's order: LSTM ``i, f, c, o``, GRU ``z, r, h``.

    SimpleRNN   h = activation(x @ W + h_prev @ U + b)
    LSTM        i, f, o = sigmoid(...), c = f * c_prev + i * tanh(x @ W_c + h_prev @ U_c + b_c), h = o * tanh(c)
    GRU         z, r = sigmoid(...), h~ = tanh(x @ W_h + r * (h_prev @ U_h + b_rh) + b_h)  (reset_after=True)
                                     h~ = tanh(x @ W_h + (r * h_prev) @ U_h + b_h)      (reset_after=False)
                h = z * h_prev + (1 - z) * h~

Keras's options: ``return_sequences`` (every step's h, (batch, timesteps, units), else the last,
(batch, units)), ``return_state`` (also the final states: ``[output, h]``, the LSTM ``[output, h,
c]``), ``go_backwards`` (reads the sequence from its end; the sequences returned are in that order, as
Keras's), ``initial_state=`` at call, ``dropout`` / ``recurrent_dropout`` (in training, one mask per
sequence on the inputs / on h, as Keras 3's cells draw them), the initializers (``orthogonal`` for the
recurrent kernel), regularizers and constraints of each weight, ``unit_forget_bias`` (the LSTM's
forget gate starts with a bias of 1). ``unroll`` and ``use_cudnn`` are accepted and change nothing (there is one
implementation).

Masks (``mask=`` at call, or the mask of the input from ``Masking`` / ``Embedding(mask_zero=True)``,
(batch, timesteps) booleans; see :mod:`.masking`), as Keras 3's ``rnn`` loop: at a masked step the
states keep their values and the step's output is the previous step's output (zeros before the first
real step); so the last output is that of the last real step. ``zero_output_for_mask=True`` (which
``Bidirectional`` sets with ``return_sequences``, as Keras) gives zeros at masked steps instead. With
``return_sequences`` the output keeps the mask; else the mask ends here.

``stateful=True`` (Keras's): the final states of a batch are the initial states of the next call, so the
sample ``i`` of each batch continues the sequence of sample ``i`` of the batch before (fit with
``shuffle=False``). The states are values, not weights: no gradient flows from one batch into the one before
(as Keras, which assigns them to non-trainable variables), they are not in ``weights`` and not saved.
``layer.states`` holds them (None before the first call), ``layer.reset_state()`` / ``reset_states()`` set
them to zeros (Keras 2's ``reset_states(states)`` sets given values). The batch size is fixed: Keras's
``keras.Input(shape, batch_size=n)``, or Keras 2's ``batch_input_shape=(n, timesteps, features)`` or
``batch_size=n`` with ``input_shape=`` on the layer; else the first batch's size. A batch of another size
is an error (Keras needs a static batch size too). ``initial_state=`` at a call replaces the kept states.
"""

from __future__ import annotations

import numpy as np

from .. import regularizers
from .._engine import Tensor, zeros
from .layer_config import config_value
from .rnn import _SequenceLayer
from .rnn_cells import _CellMath, _GRUMath, _LSTMMath, _SimpleRNNMath


class _Recurrent(_CellMath, _SequenceLayer):
    """Shared by the three layers: the sequence arguments, the loop over time and the outputs (the step math
    and the weights are the cells', :mod:`.rnn_cells`)."""

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, **kwargs):  # fmt: skip
        kwargs.pop("use_cudnn", None)
        kwargs.pop("implementation", None)  # Keras 2's choice of kernels: one implementation here
        super().__init__(return_sequences, return_state, go_backwards, stateful, unroll, **kwargs)
        self._cell_arguments(units, activation, recurrent_activation, use_bias, kernel_initializer,
                             recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                             bias_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                             recurrent_dropout, seed)  # fmt: skip
        self.activity_regularizer = regularizers.get(activity_regularizer)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} needs (batch, timesteps, features) inputs, got shape "
                             f"{tuple(input_shape)}")  # fmt: skip
        self._build_weights(input_shape[-1])

    # --- the loop --------------------------------------------------------------------------------

    def call(self, inputs, initial_state=None, mask=None, training=None):
        who = f"{type(self).__name__} '{self.name}'"
        x, states = self._sequences(inputs, initial_state, who)
        # Masks drawn once per sequence, the same at every step, as Keras 3's cells.
        masks, recurrent_masks = self._draw_masks(training, (x.shape[0], 1, x.shape[2]), x.shape[0], x)
        xw = self._input_part(x, masks)

        def step(t, states):
            new = self.step(xw[:, t], states, recurrent_masks)
            return new[0], new

        output, states = self._loop(step, x, states, mask, who)
        return [output, *states] if self.return_state else output

    def _state_count(self) -> int:
        return self.STATES

    def _initial_states(self, initial_state, batch: int, like: Tensor, who: str) -> list:
        if initial_state is None:
            return [zeros((batch, self.units), dtype=like.dtype, device=like.device) for _ in range(self.STATES)]
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(given) != self.STATES:
            raise ValueError(f"{who}: initial_state holds {self.STATES} state(s) of shape (batch, {self.units}), "
                             f"got {len(given)}")  # fmt: skip
        states = [s if isinstance(s, Tensor) else Tensor._make(np.asarray(s, dtype=like.dtype)) for s in given]
        for s in states:
            if s.shape != (batch, self.units):
                raise ValueError(f"{who}: an initial state has shape {s.shape}, expected {(batch, self.units)}")
        return states

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            **self._cell_config(),
            "activity_regularizer": config_value(self.activity_regularizer),
            **self._sequence_config(),
        }


class SimpleRNN(_SimpleRNNMath, _Recurrent):
    """A fully connected recurrent layer: ``h = activation(x @ kernel + h_prev @ recurrent_kernel + bias)``.

    Shape: (batch, timesteps, features) -> (batch, units), or (batch, timesteps, units) with
    ``return_sequences``. Parameters: ``features*units + units*units + units``. See the module docstring.
    """

    def __init__(self, units: int, activation="tanh", use_bias: bool = True, kernel_initializer="glorot_uniform",
                 recurrent_initializer="orthogonal", bias_initializer="zeros", kernel_regularizer=None,
                 recurrent_regularizer=None, bias_regularizer=None, activity_regularizer=None, kernel_constraint=None,
                 recurrent_constraint=None, bias_constraint=None, dropout: float = 0.0,
                 recurrent_dropout: float = 0.0, return_sequences: bool = False, return_state: bool = False,
                 go_backwards: bool = False, stateful: bool = False, unroll: bool = False, seed=None,
                 **kwargs):  # fmt: skip
        super().__init__(units, activation, None, use_bias, kernel_initializer, recurrent_initializer,
                         bias_initializer, kernel_regularizer, recurrent_regularizer, bias_regularizer,
                         activity_regularizer, kernel_constraint, recurrent_constraint, bias_constraint, dropout,
                         recurrent_dropout, seed, return_sequences, return_state, go_backwards, stateful, unroll,
                         **kwargs)  # fmt: skip


class LSTM(_LSTMMath, _Recurrent):
    """Long short-term memory (Hochreiter and Schmidhuber, 1997), Keras's: gates ``i, f, c, o`` side by side.

    ``i, f, o = recurrent_activation(x @ W + h_prev @ U + b)`` per gate, ``c = f * c_prev + i *
    activation(x @ W_c + h_prev @ U_c + b_c)``, ``h = o * activation(c)``. Shape as :class:`SimpleRNN`;
    ``return_state`` gives ``[output, h, c]``. Parameters: ``4 * (features*units + units*units + units)``.
    ``unit_forget_bias=True`` (Keras's default) starts the forget gate's bias at 1.
    """

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 unit_forget_bias: bool = True, kernel_regularizer=None, recurrent_regularizer=None,
                 bias_regularizer=None, activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None,
                 bias_constraint=None, dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None,
                 return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, **kwargs):  # fmt: skip
        self.unit_forget_bias = bool(unit_forget_bias)
        super().__init__(units, activation, recurrent_activation, use_bias, kernel_initializer,
                         recurrent_initializer, bias_initializer, kernel_regularizer, recurrent_regularizer,
                         bias_regularizer, activity_regularizer, kernel_constraint, recurrent_constraint,
                         bias_constraint, dropout, recurrent_dropout, seed, return_sequences, return_state,
                         go_backwards, stateful, unroll, **kwargs)  # fmt: skip


class GRU(_GRUMath, _Recurrent):
    """Gated recurrent unit (Cho et al., 2014), Keras's: gates ``z, r, h`` side by side.

    ``z, r = recurrent_activation(...)``, the candidate ``h~`` as in the module docstring (Keras's
    ``reset_after=True`` default applies the reset gate after the recurrent product, with a second bias:
    ``bias`` is (2, 3*units), the inputs' and the recurrent one; ``reset_after=False`` before it, with a
    bias of (3*units,)), ``h = z * h_prev + (1 - z) * h~``. Shape as :class:`SimpleRNN`. Parameters:
    ``3 * (features*units + units*units + units)``, plus ``3*units`` with ``reset_after``.

    Arguments, in Keras's order: ``units, activation="tanh", recurrent_activation="sigmoid", use_bias=True,
    kernel_initializer, recurrent_initializer, bias_initializer``, the regularizers (kernel, recurrent,
    bias, activity) and constraints (kernel, recurrent, bias), ``dropout, recurrent_dropout, seed,
    return_sequences, return_state, go_backwards, stateful, unroll``, then ``reset_after=True``.
    """

    def __init__(self, units: int, *args, reset_after: bool = True, **kwargs):
        # The other arguments are the base's, whose order is Keras's GRU's.
        self.reset_after = bool(reset_after)
        super().__init__(units, *args, **kwargs)
