"""Keras 3's wrapper layers: ``Bidirectional`` (a recurrent layer read both ways) and ``TimeDistributed``
(a layer applied at every timestep). Each holds other layers, whose weights are its weights.

A wrapper's config nests its layers' configs as ``{"class_name": ..., "config": ...}`` entries (Keras
writes ``module`` and ``registered_name`` too; ``from_config`` reads either form), and ``from_config``
makes them again from nabla's layers (:data:`nabla.keras.layers.LAYERS`).
"""

from __future__ import annotations

import numpy as np

from .._engine import Tensor, ops
from .layer import Layer
from .positional_args import call_takes_mask

MERGE_MODES = ("concat", "sum", "mul", "ave", None)


def layer_entry(layer: Layer) -> dict:
    """A wrapped layer as its config holds it: ``{"class_name": "LSTM", "config": {...}}``."""
    return {"class_name": type(layer).__name__, "config": layer.get_config()}


def layer_from_entry(entry: dict, who: str) -> Layer:
    """The layer an entry describes (nabla's layer of that class name, from its config)."""
    from . import LAYERS  # (the registry imports this module)

    if not isinstance(entry, dict) or "class_name" not in entry or "config" not in entry:
        raise ValueError(f"{who}: a wrapped layer's config is {{'class_name': ..., 'config': ...}}, got {entry!r}")
    if entry["class_name"] not in LAYERS:
        raise ValueError(f"{who}: unknown wrapped layer class {entry['class_name']!r}")
    return LAYERS[entry["class_name"]].from_config(entry["config"])


def _copy(layer: Layer, **changes) -> Layer:
    """A fresh layer of ``layer``'s class and config (its own new weights), with ``changes`` to the config."""
    return type(layer).from_config({**layer.get_config(), **changes})


class Bidirectional(Layer):
    """A recurrent layer read forwards and backwards, the two outputs merged (Keras 3's ``Bidirectional``).

    Args:
        layer: a ``SimpleRNN``, ``LSTM`` or ``GRU``. As in Keras, it is not used itself: the forward layer is
            a copy of its config named ``forward_<name>``, with weights of its own.
        merge_mode: how the forward output ``y`` and the backward one ``y_rev`` combine: ``"concat"``
            (``[y, y_rev]`` along the features, the default), ``"sum"``, ``"mul"``, ``"ave"`` (``(y + y_rev) / 2``),
            or None (the list ``[y, y_rev]``).
        weights: optional initial weights, the forward layer's then the backward's (as ``get_weights``).
        backward_layer: the backward layer; by default a copy of ``layer``'s config with ``go_backwards=True``
            named ``backward_<name>``. It must differ from ``layer`` in ``go_backwards`` and agree in
            ``return_sequences`` and ``return_state``.

    An ``input_shape=`` given to the wrapped layer (Keras 2's ``Bidirectional(LSTM(64, input_shape=(20, 8)))``)
    is the wrapper's input shape, so it can start a ``Sequential`` model.

    With ``return_sequences`` the backward layer's outputs, made from the last step to the first, are
    reversed in time, so that step ``t`` of both halves belongs to input step ``t``. ``return_state`` gives
    ``[output, *forward_states, *backward_states]`` (``output`` is two entries with ``merge_mode=None``).
    Called with ``initial_state=``, the first half of the list starts the forward layer, the second half
    the backward one (Keras's rule).

    Shape: (batch, timesteps, features) -> (batch, 2*units) with ``"concat"``, else (batch, units); with
    ``return_sequences``, (batch, timesteps, ...). Parameters: twice the wrapped layer's (its weights in
    Keras's order, forward then backward, so ``set_weights(keras_layer.get_weights())`` works).

    Example::

        model = keras.Sequential([keras.Input((20, 8)), keras.layers.Bidirectional(keras.layers.LSTM(16)),
                                  keras.layers.Dense(1)])
    """

    def __init__(self, layer: Layer, merge_mode: str | None = "concat", weights=None,
                 backward_layer: Layer | None = None, **kwargs):  # fmt: skip
        for what, value in (("layer", layer), ("backward_layer", backward_layer)):
            if value is not None and not hasattr(value, "go_backwards"):
                raise ValueError(f"Bidirectional: {what} must be a recurrent layer (SimpleRNN, LSTM, GRU), got "
                                 f"{value!r}")  # fmt: skip
        if merge_mode not in MERGE_MODES:
            raise ValueError(f"Bidirectional: merge_mode must be one of {MERGE_MODES}, got {merge_mode!r}")
        if kwargs.get("input_shape") is None and getattr(layer, "input_shape_hint", None) is not None:
            kwargs["input_shape"] = layer.input_shape_hint[1:]  # Keras 2's Bidirectional(LSTM(..., input_shape=))
        super().__init__(**kwargs)
        self.forward_layer = _copy(layer, name=f"forward_{layer.name.removeprefix('forward_')}")
        if backward_layer is None:
            backward_layer = _copy(layer, go_backwards=True, name=f"backward_{layer.name.removeprefix('backward_')}")
        self.backward_layer = backward_layer
        if self.forward_layer.go_backwards == self.backward_layer.go_backwards:
            raise ValueError("Bidirectional: the forward and backward layers must differ in go_backwards, both have "
                             f"go_backwards={self.forward_layer.go_backwards}")  # fmt: skip
        for attribute in ("return_sequences", "return_state"):
            forward, backward = getattr(self.forward_layer, attribute), getattr(self.backward_layer, attribute)
            if forward != backward:
                raise ValueError(f"Bidirectional: the forward and backward layers must agree in {attribute}, got "
                                 f"{forward} and {backward}")  # fmt: skip
        self.merge_mode = merge_mode
        self.return_sequences = self.forward_layer.return_sequences
        self.return_state = self.forward_layer.return_state
        for half in (self.forward_layer, self.backward_layer):  # Keras's: masked steps of sequences give zeros
            half.zero_output_for_mask = self.return_sequences
        self.stateful = False
        self._initial_weights = None if weights is None else list(weights)
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def build(self, input_shape) -> None:
        self.forward_layer._ensure_built(input_shape)
        self.backward_layer._ensure_built(input_shape)
        if self._initial_weights is not None:
            self.set_weights(self._initial_weights)
            self._initial_weights = None

    def call(self, inputs, initial_state=None, mask=None, training=None):
        forward_state = backward_state = None
        if initial_state is not None:
            states = list(initial_state) if isinstance(initial_state, (list, tuple)) else [initial_state]
            half = len(states) // 2
            forward_state, backward_state = states[:half], states[half:]
        y = self.forward_layer(inputs, initial_state=forward_state, mask=mask, training=training)
        y_rev = self.backward_layer(inputs, initial_state=backward_state, mask=mask, training=training)
        states = []
        if self.return_state:
            states = [*y[1:], *y_rev[1:]]
            y, y_rev = y[0], y_rev[0]
        if self.return_sequences:
            y_rev = ops.flip(y_rev, axis=1)
        output = self._merge(y, y_rev)
        if self.return_state:
            return [*output, *states] if self.merge_mode is None else [output, *states]
        return output

    def compute_mask(self, inputs, mask=None):
        """Keras's: the input's mask with ``return_sequences`` (one per half with ``merge_mode=None``), else
        None; None for the states."""
        output_mask = mask if self.return_sequences else None
        masks = [output_mask, output_mask] if self.merge_mode is None else [output_mask]
        if self.return_state:
            return masks + [None] * (2 * self.forward_layer.STATES)
        return masks if self.merge_mode is None else output_mask

    def _merge(self, y: Tensor, y_rev: Tensor):
        if self.merge_mode == "concat":
            return ops.concatenate([y, y_rev], axis=-1)
        if self.merge_mode == "sum":
            return y + y_rev
        if self.merge_mode == "ave":
            return (y + y_rev) / 2
        if self.merge_mode == "mul":
            return y * y_rev
        return [y, y_rev]

    def get_config(self) -> dict:
        return {
            **super().get_config(),
            "merge_mode": self.merge_mode,
            "layer": layer_entry(self.forward_layer),
            "backward_layer": layer_entry(self.backward_layer),
        }

    @classmethod
    def from_config(cls, config: dict) -> Bidirectional:
        config = dict(config)
        config["layer"] = layer_from_entry(config["layer"], "Bidirectional")
        if config.get("backward_layer") is not None:
            config["backward_layer"] = layer_from_entry(config["backward_layer"], "Bidirectional")
        return cls(**config)


class TimeDistributed(Layer):
    """A layer applied to every timestep of a sequence, the same weights at each (Keras 3's ``TimeDistributed``).

    ``TimeDistributed(Dense(8))`` on (batch, time, features) gives (batch, time, 8); ``TimeDistributed(
    Conv2D(...))`` reads (batch, time, height, width, channels) videos frame by frame. The steps are folded
    into the batch: (batch, time, ...) -> (batch*time, ...), one call of the layer, then unfolded.

    Keras 3 calls the layer once per timestep instead; the outputs are the same for every layer whose
    samples do not interact. Those whose do differ: a ``BatchNormalization`` in training takes its
    statistics over all the steps of the batch here (as TF 2's ``tf.keras`` did), over each step's batch
    in Keras 3. The wrapped layer is the given one (a layer used elsewhere shares its weights).

    A mask (batch, time) passes through unchanged; a wrapped layer whose ``call`` takes ``mask=`` gets it,
    folded as the steps are (Keras gives each step's call that step's mask).

    Shape: (batch, time, *inner) -> (batch, time, *layer's output for inner). Parameters: the layer's.
    """

    PASSES_MASKS = True  # as Keras's: the input's mask, unchanged

    def __init__(self, layer: Layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError(f"TimeDistributed: layer must be a keras layer, got {layer!r}")
        super().__init__(**kwargs)
        self.layer = layer
        if self.input_shape_hint is not None:
            self._ensure_built(self.input_shape_hint)

    def _check(self, shape) -> None:
        if len(shape) < 3:
            raise ValueError(f"TimeDistributed '{self.name}' needs (batch, time, ...) inputs, got shape "
                             f"{tuple(shape)}")  # fmt: skip

    def build(self, input_shape) -> None:
        self._check(input_shape)
        self.layer._ensure_built((input_shape[0], *input_shape[2:]))

    def call(self, inputs, training=None, mask=None):
        x = inputs if isinstance(inputs, Tensor) else Tensor._make(np.asarray(inputs, dtype=self.dtype))
        self._check(x.shape)
        batch, steps = x.shape[:2]
        kwargs = {}
        if mask is not None and call_takes_mask(type(self.layer)):
            kwargs["mask"] = mask.reshape(batch * steps, *mask.shape[2:])  # each step's mask, folded as the steps
        out = self.layer(x.reshape(batch * steps, *x.shape[2:]), training=training, **kwargs)
        if not isinstance(out, Tensor):
            raise ValueError(f"TimeDistributed '{self.name}': '{self.layer.name}' gives several outputs; it must "
                             "give one tensor")  # fmt: skip
        return out.reshape(batch, steps, *out.shape[1:])

    def get_config(self) -> dict:
        return {**super().get_config(), "layer": layer_entry(self.layer)}

    @classmethod
    def from_config(cls, config: dict) -> TimeDistributed:
        return cls(**{**config, "layer": layer_from_entry(config["layer"], "TimeDistributed")})
