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

from ...nn.functional import dropout
from .. import activations, constraints, initializers, regularizers
from .._engine import Tensor, ones, ops, refuse_in_capture, zeros
from ..symbolic import probing
from .activity_regularization import activity_penalty
from .arguments import check_seed
from .layer import Layer, config_value


def _unit_forget_bias(initializer, units: int):
    """The LSTM's bias initializer with ``unit_forget_bias``: ones for the forget gate, ``initializer`` elsewhere."""
    inner = initializers.get(initializer)

    def initialize(shape, dtype=None) -> Tensor:
        parts = [inner((units,), dtype), Tensor(np.ones(units), dtype=dtype or "float32"), inner((2 * units,), dtype)]
        return Tensor(np.concatenate([np.asarray(p._data if isinstance(p, Tensor) else p) for p in parts]))

    return initialize


class _Recurrent(Layer):
    """Shared by the three layers: the arguments, the weights, the loop over time and the outputs."""

    GATES = 1  # blocks of ``units`` columns in the kernels
    STATES = 1  # h (the LSTM: h and c)

    def __init__(self, units: int, activation="tanh", recurrent_activation="sigmoid", use_bias: bool = True,
                 kernel_initializer="glorot_uniform", recurrent_initializer="orthogonal", bias_initializer="zeros",
                 kernel_regularizer=None, recurrent_regularizer=None, bias_regularizer=None,
                 activity_regularizer=None, kernel_constraint=None, recurrent_constraint=None, bias_constraint=None,
                 dropout: float = 0.0, recurrent_dropout: float = 0.0, seed=None, return_sequences: bool = False,
                 return_state: bool = False, go_backwards: bool = False, stateful: bool = False,
                 unroll: bool = False, **kwargs):  # fmt: skip
        who = type(self).__name__
        kwargs.pop("use_cudnn", None)
        kwargs.pop("implementation", None)  # Keras 2's choice of kernels: one implementation here
        self.zero_output_for_mask = bool(kwargs.pop("zero_output_for_mask", False))
        batch_size = kwargs.pop("batch_size", None)
        if (batch_input_shape := kwargs.pop("batch_input_shape", None)) is not None:  # Keras 2's
            batch_size, kwargs["input_shape"] = batch_input_shape[0], tuple(batch_input_shape[1:])
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units <= 0:
            raise ValueError(f"{who}: units must be a positive integer, got {units!r}")
        for name, rate in (("dropout", dropout), ("recurrent_dropout", recurrent_dropout)):
            if not 0.0 <= rate < 1.0:
                raise ValueError(f"{who}: {name} must be in [0, 1), got {rate!r}")
        if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = None if batch_size is None else int(batch_size)
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
        self.activity_regularizer = regularizers.get(activity_regularizer)
        self.kernel_constraint = constraints.get(kernel_constraint)
        self.recurrent_constraint = constraints.get(recurrent_constraint)
        self.bias_constraint = constraints.get(bias_constraint)
        self.dropout, self.recurrent_dropout = float(dropout), float(recurrent_dropout)
        self.seed = check_seed(seed, who)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful, self.unroll = bool(go_backwards), bool(stateful), bool(unroll)
        self.states: list[Tensor] | None = None  # a stateful layer's kept states
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    # --- weights -------------------------------------------------------------------------------

    def _bias_shape(self) -> tuple:
        return (self.GATES * self.units,)

    def _bias_initializer(self):
        return self.bias_initializer

    def build(self, input_shape) -> None:
        if len(input_shape) != 3:
            raise ValueError(f"{type(self).__name__} needs (batch, timesteps, features) inputs, got shape "
                             f"{tuple(input_shape)}")  # fmt: skip
        width = self.GATES * self.units
        self.kernel = self.add_weight(shape=(input_shape[-1], width), initializer=self.kernel_initializer,
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

    # --- the loop --------------------------------------------------------------------------------

    def _input_part(self, x: Tensor, masks) -> Tensor:
        """``x @ kernel (+ bias)`` for every step at once: (batch, timesteps, gates*units); with dropout,
        each gate's product of the masked inputs (``masks``: one mask, or one per gate)."""
        batch, steps, features = x.shape
        u = self.units
        if masks is None or len(masks) == 1:
            flat = x if masks is None else x * masks[0]
            flat = ops.matmul(flat.reshape(batch * steps, features), self.kernel)
        else:
            flat = ops.concatenate([
                ops.matmul((x * m).reshape(batch * steps, features), self.kernel[:, g * u : (g + 1) * u])
                for g, m in enumerate(masks)
            ], axis=1)  # fmt: skip
        if self.bias is not None and self.bias.ndim == 1:
            flat = flat + self.bias
        return flat.reshape(batch, steps, self.GATES * u)

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
        (``masks``: the recurrent dropout's, one per gate, or None)."""
        raise NotImplementedError

    def _dropout_masks(self, rate: float, shape: tuple, count: int, like: Tensor) -> list:
        return [dropout(ones(shape, dtype=like.dtype, device=like.device), rate, True) for _ in range(count)]

    def call(self, inputs, initial_state=None, mask=None, training=None):
        who = f"{type(self).__name__} '{self.name}'"
        x = inputs if isinstance(inputs, Tensor) else Tensor._make(np.asarray(inputs, dtype=np.float32))
        if x.ndim != 3:
            raise ValueError(f"{who} needs (batch, timesteps, features) inputs, got shape {x.shape}")
        batch, steps = x.shape[0], x.shape[1]
        if steps == 0:
            raise ValueError(f"{who}: the sequences have no timesteps")
        if self.stateful and not probing():
            refuse_in_capture("keeps a stateful RNN's states", "fit with jit_compile=False")
            self._check_batch(batch, who)
            if initial_state is None and self.states is not None:
                initial_state = self.states
        states = self._initial_states(initial_state, batch, x, who)
        # Masks drawn once per sequence, the same at every step, as Keras 3's cells: with recurrent dropout,
        # one per gate for the inputs and for h (its "implementation 1"); else one for the inputs.
        per_gate = self.GATES if self.recurrent_dropout else 1
        masks = recurrent_masks = None
        if training and self.dropout:
            masks = self._dropout_masks(self.dropout, (batch, 1, x.shape[2]), per_gate, x)
        if training and self.recurrent_dropout:
            recurrent_masks = self._dropout_masks(self.recurrent_dropout, (batch, self.units), per_gate, x)
        xw = self._input_part(x, masks)
        if mask is not None and mask.shape != (batch, steps):
            raise ValueError(f"{who}: the mask has shape {mask.shape}, expected (batch, timesteps) = {(batch, steps)}")
        if mask is not None and self.go_backwards:
            mask = ops.flip(mask, axis=1)  # in the order the steps are read, as the inputs
        outputs, output = [], None
        for i in range(steps):
            t = steps - 1 - i if self.go_backwards else i
            new = self.step(xw[:, t], states, recurrent_masks)
            if mask is None:
                states, output = new, new[0]
            else:  # a masked step keeps the states, and repeats the last output (Keras 3's rnn loop)
                real = mask[:, i : i + 1]
                held = zeros(new[0].shape, dtype=x.dtype, device=x.device) if output is None else output
                output = ops.where(real, new[0], held)
                states = [ops.where(real, n, s) for n, s in zip(new, states)]
            if self.return_sequences:
                outputs.append(output)
        if self.return_sequences:
            output = ops.stack(outputs, axis=1)
        if mask is not None and self.zero_output_for_mask:
            output = ops.where(ops.expand_dims(mask, -1) if self.return_sequences else mask[:, -1:], output, 0.0)
        if self.stateful and not probing():  # (a shape probe or a build keeps no state)
            self.states = [s.detach() for s in states]
        if self.activity_regularizer is not None:
            self.add_loss(activity_penalty(self.activity_regularizer, output))
        return [output, *states] if self.return_state else output

    def compute_mask(self, inputs, mask=None):
        """The input's mask with ``return_sequences`` (the same steps are real), else None; None for the states."""
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self.STATES if self.return_state else output_mask

    def _check_batch(self, batch: int, who: str) -> None:
        """A stateful layer's batches all have its fixed size (the first batch's, unless given)."""
        if self.batch_size is None:
            self.batch_size = batch
        if batch != self.batch_size:
            raise ValueError(
                f"{who} is stateful with batch size {self.batch_size}, got a batch of {batch}: give every call "
                f"(fit, evaluate, predict) batch_size={self.batch_size} and a number of samples it divides"
            )

    def reset_state(self) -> None:
        """A stateful layer's states back to zeros (Keras 3's ``reset_state``)."""
        if self.states is not None:
            self.states = [zeros(s.shape, dtype=s.dtype, device=s.device) for s in self.states]

    def reset_states(self, states=None) -> None:
        """Keras 2's name of :meth:`reset_state`; ``states`` (one array per state, (batch, units)) sets values."""
        if not self.stateful:
            raise AttributeError(f"{type(self).__name__} '{self.name}': reset_states needs a stateful layer")
        if states is None:
            self.reset_state()
            return
        batch = self.batch_size if self.batch_size is not None else np.shape(np.asarray(
            states[0] if isinstance(states, (list, tuple)) else states))[0]  # fmt: skip
        like = zeros((), dtype=self.dtype)
        self.states = [s.detach() for s in self._initial_states(states, batch, like, type(self).__name__)]

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
            "units": self.units,
            "activation": config_value(self.activation),
            "use_bias": self.use_bias,
            "kernel_initializer": config_value(self.kernel_initializer),
            "recurrent_initializer": config_value(self.recurrent_initializer),
            "bias_initializer": config_value(self.bias_initializer),
            "kernel_regularizer": config_value(self.kernel_regularizer),
            "recurrent_regularizer": config_value(self.recurrent_regularizer),
            "bias_regularizer": config_value(self.bias_regularizer),
            "activity_regularizer": config_value(self.activity_regularizer),
            "kernel_constraint": config_value(self.kernel_constraint),
            "recurrent_constraint": config_value(self.recurrent_constraint),
            "bias_constraint": config_value(self.bias_constraint),
            "dropout": self.dropout,
            "recurrent_dropout": self.recurrent_dropout,
            "seed": self.seed,
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            **({"batch_size": self.batch_size} if self.stateful and self.batch_size is not None else {}),
        }


class SimpleRNN(_Recurrent):
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

    def step(self, xw, states, masks):
        return [self.activation(xw + self._recurrent_part(states[0], masks, range(1)))]


class LSTM(_Recurrent):
    """Long short-term memory (Hochreiter and Schmidhuber, 1997), Keras's: gates ``i, f, c, o`` side by side.

    ``i, f, o = recurrent_activation(x @ W + h_prev @ U + b)`` per gate, ``c = f * c_prev + i *
    activation(x @ W_c + h_prev @ U_c + b_c)``, ``h = o * activation(c)``. Shape as :class:`SimpleRNN`;
    ``return_state`` gives ``[output, h, c]``. Parameters: ``4 * (features*units + units*units + units)``.
    ``unit_forget_bias=True`` (Keras's default) starts the forget gate's bias at 1.
    """

    GATES, STATES = 4, 2

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

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": config_value(self.recurrent_activation),
            "unit_forget_bias": self.unit_forget_bias,
        }


class GRU(_Recurrent):
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

    GATES = 3

    def __init__(self, units: int, *args, reset_after: bool = True, **kwargs):
        # The other arguments are the base's, whose order is Keras's GRU's.
        self.reset_after = bool(reset_after)
        super().__init__(units, *args, **kwargs)

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

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "recurrent_activation": config_value(self.recurrent_activation),
            "reset_after": self.reset_after,
        }
