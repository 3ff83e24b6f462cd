"""``keras.layers.RNN(cell)``: any cell run over a sequence, and ``StackedRNNCells``; the loop over time they
share with ``SimpleRNN``, ``LSTM``, ``GRU`` (:mod:`.recurrent`).

A cell is a layer (or any object) with ``state_size`` (an int, or a list: one size per state) and
``call(inputs, states) -> (output, new_states)``, ``inputs`` one step (batch, features); ``output_size``
(else ``state_size[0]``) and ``get_initial_state(batch_size)`` (else zeros) are optional. Keras's own
cells are in :mod:`.rnn_cells`; a list of cells is stacked (:class:`StackedRNNCells`: each cell's output
is the next one's input, and the states are one list per cell)::

    class MinimalRNNCell(keras.layers.Layer):
        def __init__(self, units, **kwargs):
            super().__init__(**kwargs)
            self.units, self.state_size = units, units

        def build(self, input_shape):
            self.kernel = self.add_weight(shape=(input_shape[-1], self.units), name="kernel")
            self.recurrent_kernel = self.add_weight(shape=(self.units, self.units), name="recurrent_kernel")

        def call(self, inputs, states):
            h = keras.ops.matmul(inputs, self.kernel) + keras.ops.matmul(states[0], self.recurrent_kernel)
            return h, [h]

    layer = keras.layers.RNN(MinimalRNNCell(32))

The options are the recurrent layers' (see :mod:`.recurrent`): ``return_sequences``, ``return_state``
(``[output, *states]``, each state as the cell keeps it: a stack's a list per cell), ``go_backwards``,
``stateful``, ``unroll`` (accepted; one implementation), ``zero_output_for_mask``, ``initial_state=`` and
``mask=`` at call, and ``training`` passed to the cell's ``call`` when it takes it. ``RNN`` of one of
Keras's cells runs as fast as the matching layer (``RNN(LSTMCell(8))`` as ``LSTM(8)``: the inputs'
products for the whole sequence at once); other cells are called once per step.
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops, refuse_in_capture, zeros
from ..symbolic import probing
from ..utils.serialization_lib import deserialize_keras_object, serialize_keras_object
from .build_config import has_build_hooks
from .layer import Layer
from .positional_args import training_parameter
from .rnn_cells import GRUCell, LSTMCell, SimpleRNNCell, _Cell


def _tree_map(fn, *trees):
    """``fn`` over the tensors of nested lists (the states of stacked cells), keeping the nesting."""
    if isinstance(trees[0], (list, tuple)):
        return [_tree_map(fn, *parts) for parts in zip(*trees)]
    return fn(*trees)


def _first(tree) -> Tensor:
    """The first tensor of a nested structure (a cell's several inputs or outputs): its batch and dtype."""
    return _first(tree[0]) if isinstance(tree, (list, tuple)) else tree


def _as_tensor(value, dtype) -> Tensor:
    return value if isinstance(value, Tensor) else Tensor._make(np.asarray(value, dtype=dtype))


class _SequenceLayer(Layer):
    """What every recurrent layer shares: the sequence options, the loop over time, masks and kept states."""

    PASSES_MASKS = True

    def __init__(self, return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, zero_output_for_mask: bool = False,
                 **kwargs):  # fmt: skip
        batch_size = kwargs.pop("batch_size", None)
        # Keras 2's time_major (Keras 3 dropped it; d2l's RNN chapters use it): (timesteps, batch, features)
        # inputs and sequence outputs, read by swapping the two axes on the way in and out.
        self.time_major = bool(kwargs.pop("time_major", False))
        if (batch_input_shape := kwargs.pop("batch_input_shape", None)) is not None:  # Keras 2's
            batch_size, kwargs["input_shape"] = batch_input_shape[0], tuple(batch_input_shape[1:])
        super().__init__(**kwargs)
        who = type(self).__name__
        if batch_size is not None and (isinstance(batch_size, bool) or int(batch_size) != batch_size or batch_size < 1):
            raise ValueError(f"{who}: batch_size must be a positive integer, got {batch_size!r}")
        self.batch_size = None if batch_size is None else int(batch_size)
        self.return_sequences, self.return_state = bool(return_sequences), bool(return_state)
        self.go_backwards, self.stateful, self.unroll = bool(go_backwards), bool(stateful), bool(unroll)
        self.zero_output_for_mask = bool(zero_output_for_mask)
        self.states: list | None = None  # a stateful layer's kept states

    def _state_count(self) -> int:
        raise NotImplementedError

    def _initial_states(self, initial_state, batch: int, like: Tensor, who: str) -> list:
        """The states the sequence starts from: ``initial_state`` checked, or zeros."""
        raise NotImplementedError

    def _sequences(self, inputs, initial_state, who: str) -> tuple:
        """The inputs as a (batch, timesteps, features) Tensor, and the states to start from (a stateful
        layer's kept ones unless ``initial_state`` is given)."""
        x = _tree_map(lambda value: _as_tensor(value, np.float32), inputs)
        if self.time_major:
            x = _tree_map(lambda part: ops.swapaxes(part, 0, 1), x)
        nested = isinstance(x, list)
        for part in x if nested else [x]:
            if part.ndim < 3 or (part.ndim != 3 and not nested):
                raise ValueError(f"{who} needs (batch, timesteps, features) inputs, got shape {part.shape}")
            if part.shape[:2] != _first(x).shape[:2]:
                raise ValueError(f"{who}: the inputs of a nested cell need the same batch and timesteps, got shapes "
                                 f"{[p.shape for p in x]}")  # fmt: skip
        first = _first(x)
        if first.shape[1] == 0:
            raise ValueError(f"{who}: the sequences have no timesteps")
        if self.stateful and not probing():
            refuse_in_capture("keeps a stateful RNN's states", "fit with jit_compile=False")
            self._check_batch(first.shape[0], who)
            if initial_state is None and self.states is not None:
                initial_state = self.states
        return x, self._initial_states(initial_state, first.shape[0], first, who)

    def _loop(self, step, x, states: list, mask, who: str) -> tuple:
        """Run ``step(t, states) -> (output, new_states)`` over the timesteps; the output (the last step's, or
        every step's with ``return_sequences``; a nested cell's outputs keep their nesting) and the final states.

        With a mask, as Keras 3's rnn loop: a masked step keeps the states and repeats the last output (zeros
        before the first real step), or gives zeros with ``zero_output_for_mask``."""
        x = _first(x)
        batch, steps = x.shape[0], x.shape[1]
        if mask is not None and mask.shape != (batch, steps):
            raise ValueError(f"{who}: the mask has shape {mask.shape}, expected (batch, timesteps) = {(batch, steps)}")
        if mask is not None and self.go_backwards:
            mask = ops.flip(mask, axis=1)  # in the order the steps are read, as the inputs
        outputs, output = [], None
        for i in range(steps):
            new_output, new_states = step(steps - 1 - i if self.go_backwards else i, states)
            if mask is None:
                states, output = new_states, new_output
            else:
                real = mask[:, i]
                held = _tree_map(lambda o: zeros(o.shape, dtype=x.dtype, device=x.device), new_output) \
                    if output is None else output
                output = _tree_map(lambda n, h, real=real: ops.where(_along(real, n), n, h), new_output, held)
                states = _tree_map(lambda n, s, real=real: ops.where(_along(real, n), n, s), new_states, states)
            if self.return_sequences:
                outputs.append(output)
        if self.return_sequences:
            output = _tree_map(lambda *steps: ops.stack(list(steps), axis=0 if self.time_major else 1), *outputs)
        if mask is not None and self.zero_output_for_mask:
            keep = mask if self.return_sequences else mask[:, -1]
            output = _tree_map(lambda o: ops.where(_along(keep, o), o, 0.0), output)
        if self.stateful and not probing():  # (a shape probe or a build keeps no state)
            self.states = _tree_map(lambda s: s.detach(), states)
        return output, states

    def compute_mask(self, inputs, mask=None):
        """The input's mask with ``return_sequences`` (the same steps are real), else None; None for the states."""
        output_mask = mask if self.return_sequences else None
        return [output_mask] + [None] * self._state_count() if self.return_state else output_mask

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
            self.states = _tree_map(lambda s: zeros(s.shape, dtype=s.dtype, device=s.device), self.states)

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
        given = self._initial_states(states, batch, like, type(self).__name__)
        self.states = _tree_map(lambda s: s.detach(), given)

    def _sequence_config(self) -> dict:
        return {
            "return_sequences": self.return_sequences,
            "return_state": self.return_state,
            "go_backwards": self.go_backwards,
            "stateful": self.stateful,
            "unroll": self.unroll,
            **({"time_major": True} if self.time_major else {}),
            **({"batch_size": self.batch_size} if self.stateful and self.batch_size is not None else {}),
        }


def _along(mask, value):
    """A (batch,) or (batch, timesteps) mask with trailing axes of 1, to broadcast over ``value``."""
    return ops.reshape(mask, tuple(mask.shape) + (1,) * (value.ndim - mask.ndim))


def _state_sizes(cell) -> list:
    """A cell's ``state_size`` as a list (one entry per state; a stack's entries are its cells' sizes)."""
    size = cell.state_size
    return list(size) if isinstance(size, (list, tuple)) else [size]


def _check_cell(cell, who: str) -> None:
    if not callable(getattr(cell, "call", None)):
        raise ValueError(f"{who}: a cell needs a call(inputs, states) method, got {type(cell).__name__}")
    size = getattr(cell, "state_size", None)
    if size is None:
        raise ValueError(
            f"{who}: the cell {type(cell).__name__} has no state_size: give it a state_size attribute (an int, "
            "or a list of ints, one per state) and call(inputs, states) -> (output, new_states)"
        )
    if not isinstance(size, (int, np.integer, list, tuple)):
        raise ValueError(f"{who}: a cell's state_size is an int or a list of ints, got {size!r}")


def _zeros_for(size, batch: int, like: Tensor):
    """Zeros for a state of ``size``: an int (batch, size); a tuple of ints a state's shape, (batch, *size), as
    Keras's nested cells give it; a list one size per state."""
    if isinstance(size, tuple) and all(isinstance(n, (int, np.integer)) for n in size):
        return zeros((batch, *map(int, size)), dtype=like.dtype, device=like.device)
    if isinstance(size, (list, tuple)):
        return [_zeros_for(s, batch, like) for s in size]
    return zeros((batch, int(size)), dtype=like.dtype, device=like.device)


class StackedRNNCells(Layer):
    """Cells one on top of the other, as one cell: each cell's output is the next cell's input.

    ``state_size`` is the list of the cells' ``state_size``; ``call(inputs, states)`` takes one entry of
    ``states`` per cell (a tensor for a one-state cell, else a list) and returns the last cell's output and
    the new states in the same form. ``RNN([cell, cell])`` makes one.
    """

    def __init__(self, cells, **kwargs):
        super().__init__(**kwargs)
        cells = list(cells)
        if not cells:
            raise ValueError("StackedRNNCells: needs at least one cell, got an empty list")
        for i, cell in enumerate(cells):
            _check_cell(cell, "StackedRNNCells")
            if isinstance(cell, Layer):
                setattr(self, f"cell_{i}", cell)  # (registered, so their weights are the stack's, in order)
        object.__setattr__(self, "cells", cells)

    @property
    def state_size(self) -> list:
        return [cell.state_size for cell in self.cells]

    @property
    def output_size(self) -> int:
        return _output_size(self.cells[-1])

    def get_initial_state(self, batch_size: int) -> list:
        like = zeros((), dtype=self.dtype)
        return [_cell_initial_state(cell, batch_size, like) for cell in self.cells]

    def build(self, input_shape) -> None:
        for cell in self.cells:
            if isinstance(cell, Layer):
                cell._ensure_built(tuple(input_shape))
            input_shape = (input_shape[0], _output_size(cell))

    def reset_dropout_mask(self) -> None:
        for cell in self.cells:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()

    def call(self, inputs, states, training=False):
        new_states = []
        for cell, cell_states in zip(self.cells, states):
            nested = isinstance(cell_states, (list, tuple))
            inputs, cell_new = _call_cell(cell, inputs, list(cell_states) if nested else [cell_states], training)
            new_states.append(cell_new[0] if len(cell_new) == 1 and not nested else cell_new)
        return inputs, new_states

    def get_config(self) -> dict:
        return {**super().get_config(), "cells": [_cell_entry(cell) for cell in self.cells]}

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> StackedRNNCells:
        config = dict(config)
        cells = [deserialize_keras_object(c, custom_objects, module_objects=CELLS) for c in config.pop("cells")]
        return cls(cells, **config)


def _cell_entry(cell) -> dict:
    """A cell as ``serialize_keras_object`` writes it, without the build config of one of nabla's cells: the RNN
    builds its cell from the sequence it is called on (a model file keeps build configs of your classes only)."""
    entry = serialize_keras_object(cell)
    if not has_build_hooks(type(cell)):
        entry.pop("build_config", None)
    return entry


def _output_size(cell) -> int:
    size = getattr(cell, "output_size", None)
    return size if size is not None else _state_sizes(cell)[0]


def _cell_initial_state(cell, batch: int, like: Tensor):
    """A cell's own initial state (its ``get_initial_state``), else zeros of its ``state_size``."""
    if callable(getattr(cell, "get_initial_state", None)):
        return cell.get_initial_state(batch_size=batch)
    size = cell.state_size
    return _zeros_for(size, batch, like)


def _call_cell(cell, inputs, states: list, training) -> tuple:
    """``cell(inputs, states)`` with ``training`` when its call takes it; the output and the new states as a list."""
    kwargs = {}
    if training is not None and training_parameter(type(cell))[0]:
        kwargs["training"] = training
    run = cell if isinstance(cell, Layer) else cell.call
    output, new_states = run(inputs, states, **kwargs)
    return output, list(new_states) if isinstance(new_states, (list, tuple)) else [new_states]


class RNN(_SequenceLayer):
    """A recurrent layer of any cell: ``RNN(cell)`` reads (batch, timesteps, features) sequences one step at a
    time with ``cell`` (a list of cells is stacked). See the module docstring.

    Shape: (batch, timesteps, features) -> (batch, output_size), or (batch, timesteps, output_size) with
    ``return_sequences``; with ``return_state``, ``[output, *final_states]``.

        layer = keras.layers.RNN(keras.layers.LSTMCell(32), return_sequences=True)
    """

    def __init__(self, cell, return_sequences: bool = False, return_state: bool = False, go_backwards: bool = False,
                 stateful: bool = False, unroll: bool = False, zero_output_for_mask: bool = False,
                 **kwargs):  # fmt: skip
        if isinstance(cell, (list, tuple)):
            cell = StackedRNNCells(cell)
        _check_cell(cell, "RNN")
        super().__init__(return_sequences, return_state, go_backwards, stateful, unroll, zero_output_for_mask,
                         **kwargs)  # fmt: skip
        self.cell = cell
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    @property
    def state_size(self) -> list:
        return _state_sizes(self.cell)

    def _state_count(self) -> int:
        return len(self.state_size)

    def build(self, input_shape) -> None:
        if isinstance(input_shape, list):  # a nested cell's several inputs: each one's step shape
            step_shape = [(s[0], *tuple(s[2:])) for s in input_shape]
        elif len(input_shape) != 3:
            raise ValueError(f"RNN needs (batch, timesteps, features) inputs, got shape {tuple(input_shape)}")
        else:
            step_shape = (input_shape[0], *tuple(input_shape[2:]))
        if isinstance(self.cell, Layer):
            self.cell._ensure_built(step_shape)

    def get_initial_state(self, batch_size: int) -> list:
        """The states a sequence starts from: the cell's ``get_initial_state``, else zeros of its state sizes."""
        state = _cell_initial_state(self.cell, batch_size, zeros((), dtype=self.dtype))
        return list(state) if isinstance(state, (list, tuple)) else [state]

    def _initial_states(self, initial_state, batch: int, like: Tensor, who: str) -> list:
        if initial_state is None:
            return self.get_initial_state(batch)
        given = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
        if len(given) != self._state_count():
            raise ValueError(f"{who}: initial_state holds {self._state_count()} state(s) (the cell's state_size "
                             f"{self.cell.state_size!r}), got {len(given)}")  # fmt: skip
        return _tree_map(lambda s: _as_tensor(s, like.dtype), given)

    def call(self, inputs, initial_state=None, mask=None, training=None):
        who = f"RNN '{self.name}'"
        x, states = self._sequences(inputs, initial_state, who)
        cell = self.cell
        if isinstance(cell, _Cell) and isinstance(x, list):
            raise ValueError(f"{who}: {type(cell).__name__} reads one input, got {len(x)}")
        if isinstance(cell, _Cell):  # Keras's cells: the inputs' products for the whole sequence at once
            masks, recurrent_masks = cell._draw_masks(training, (x.shape[0], 1, x.shape[2]), x.shape[0], x)
            xw = cell._input_part(x, masks)

            def step(t, states):
                new = cell.step(xw[:, t], states, recurrent_masks)
                return new[0], new
        else:
            if hasattr(cell, "reset_dropout_mask"):
                cell.reset_dropout_mask()  # a new sequence: new dropout masks

            def step(t, states):
                return _call_cell(cell, _tree_map(lambda part: part[:, t], x), states, training)

        output, states = self._loop(step, x, states, mask, who)
        if hasattr(cell, "reset_dropout_mask"):
            cell.reset_dropout_mask()
        return [output, *states] if self.return_state else output

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            **self._sequence_config(),
            "zero_output_for_mask": self.zero_output_for_mask,
            "cell": _cell_entry(self.cell),
        }

    @classmethod
    def from_config(cls, config: dict, custom_objects=None) -> RNN:
        config = dict(config)
        cell = deserialize_keras_object(config.pop("cell"), custom_objects, module_objects=CELLS)
        return cls(cell, **config)


#: The cell classes by name, for configs that hold cells.
CELLS = {cls.__name__: cls for cls in (SimpleRNNCell, LSTMCell, GRUCell, StackedRNNCells)}
