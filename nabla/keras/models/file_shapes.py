"""How each built-in layer changes one sample's shape, predicted from its config without building anything.

:data:`SHAPE_RULES` maps a layer class to ``rule(config, input_shape) -> Effect``: the weights the layer
would create (names and shapes), its output shape, the largest array it makes for one sample and its
multiply-adds. :mod:`nabla.keras.models.file_check` walks a model file's layers with these rules, so
that a size in a config is checked against the weights the file holds before anything is allocated.
The rules of layers that hold no other layer live in :mod:`.layer_shapes`; here are the recurrent layers,
the wrappers (which apply the table to the layer they hold) and the table.
"""

from __future__ import annotations

from .file_vocabulary import CATEGORY_SHAPES, VOCABULARY_SHAPES
from .layer_shapes import RULES, Effect, Shape

__all__ = ["SHAPE_RULES", "Effect", "Shape", "state_shapes"]


def _recurrent(c: dict, s: Shape | None, who: str) -> Effect:
    """SimpleRNN, LSTM, GRU on (timesteps, features) sequences: every step's state, or the last."""
    if s is not None and len(s) != 2:
        raise ValueError(f"{who} needs (timesteps, features) sequences, but its input has shape {s}")
    units, gates = c["units"], {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[who]
    steps, features = s or (None, None)
    weights = {"kernel": (features, gates * units), "recurrent_kernel": (units, gates * units)}
    if c.get("use_bias", True):
        two = who == "GRU" and c.get("reset_after", True)
        weights["bias"] = (2, gates * units) if two else (gates * units,)
    output = (steps, units) if c.get("return_sequences") else (units,)
    per_step = gates * units * ((features or 0) + units)
    return Effect(weights, output, (steps or 1) * gates * units, (steps or 1) * per_step)


def _cells(entry: dict) -> list:
    """The (class name, config) of each built-in cell of an RNN's cell entry (a stack's, in order)."""
    if entry["class_name"] == "StackedRNNCells":
        return [(e["class_name"], e["config"]) for e in entry["config"]["cells"]]
    return [(entry["class_name"], entry["config"])]


def _rnn(c: dict, s: Shape | None) -> Effect:
    """RNN of Keras's cells: each cell's weights as its recurrent layer's (``cell.kernel``; a stack's
    ``cell.cell_0.kernel``...), each cell reading the one before; the last cell's units out."""
    if s is not None and len(s) != 2:
        raise ValueError(f"RNN needs (timesteps, features) sequences, but its input has shape {s}")
    cells, weights, values, work = _cells(c["cell"]), {}, 0, 0
    steps = None if s is None else s[0]
    for i, (name, config) in enumerate(cells):
        effect = _recurrent({**config, "return_sequences": True}, s, name.removesuffix("Cell"))
        prefix = "cell." if len(cells) == 1 and c["cell"]["class_name"] != "StackedRNNCells" else f"cell.cell_{i}."
        weights.update({prefix + w: shape for w, shape in effect.weights.items()})
        values, work, s = max(values, effect.values), work + effect.operations, effect.output
    units = cells[-1][1]["units"]
    return Effect(weights, (steps, units) if c.get("return_sequences") else (units,), values, work)



def state_shapes(name: str, c: dict) -> list | None:
    """The shapes of one sample's ``initial_state=`` list that a recurrent layer or a Bidirectional takes (the
    forward layer's states, then the backward one's); None for a layer that takes no states."""
    if name in ("SimpleRNN", "LSTM", "GRU"):
        return [(c["units"],)] * (2 if name == "LSTM" else 1)
    if name == "RNN":  # (one entry per state: a stack's cell of several states is not one shape, refused)
        cells = _cells(c["cell"])
        return None if len(cells) > 1 else [(cells[0][1]["units"],)] * (2 if cells[0][0] == "LSTMCell" else 1)
    if name == "Bidirectional":
        backward = c.get("backward_layer") or c["layer"]
        return [*state_shapes(c["layer"]["class_name"], c["layer"]["config"]),
                *state_shapes(backward["class_name"], backward["config"])]  # fmt: skip
    return None


def returned_states(name: str, c: dict) -> list:
    """The shapes of the states a recurrent layer (or a Bidirectional of one) returns after its output with
    ``return_state=True``, as Keras 3 returns them (``output, *states``); none without it."""
    inner = c["layer"]["config"] if name == "Bidirectional" else c
    if not inner.get("return_state"):
        return []
    states = state_shapes(name, c)
    if states is None:
        raise ValueError(f"{name}: return_state=True on a stack of cells, whose states model files do not hold")
    return states


def _wrapped(owner: str, entry: dict, s: Shape | None) -> Effect:
    """The effect of a wrapped layer (its entry already checked against the allow-list), its weights named
    as the wrapper registers the layer (``forward_layer.kernel``)."""
    effect = SHAPE_RULES[entry["class_name"]](entry["config"], s)
    return effect._replace(weights={f"{owner}.{name}": shape for name, shape in effect.weights.items()})


def _bidirectional(c: dict, s: Shape | None) -> Effect:
    """Bidirectional: the recurrent layer's rule for each direction; "concat" joins the features."""
    backward_entry = c.get("backward_layer") or {**c["layer"], "config": {**c["layer"]["config"], "go_backwards": True}}
    forward, backward = _wrapped("forward_layer", c["layer"], s), _wrapped("backward_layer", backward_entry, s)
    out = forward.output
    if out is not None:
        concat = c.get("merge_mode", "concat") == "concat"
        if (out[:-1] if concat else out) != (backward.output[:-1] if concat else backward.output):
            raise ValueError(f"Bidirectional: the forward and backward layers give outputs of shapes {out} and "
                             f"{backward.output}, which its merge_mode cannot merge")  # fmt: skip
        out = (*out[:-1], out[-1] + backward.output[-1]) if concat else out
    return Effect({**forward.weights, **backward.weights}, out, max(forward.values, backward.values),
                  forward.operations + backward.operations)  # fmt: skip


def _time_distributed(c: dict, s: Shape | None) -> Effect:
    """TimeDistributed: the layer's rule for one step (the sample without its time axis), times the steps."""
    if s is not None and len(s) < 2:
        raise ValueError(f"TimeDistributed needs (time, ...) samples, but its input has shape {s}")
    effect = _wrapped("layer", c["layer"], None if s is None else s[1:])
    if s is None or effect.output is None:
        return effect._replace(output=None)
    return Effect(effect.weights, (s[0], *effect.output), s[0] * effect.values, s[0] * effect.operations)


SHAPE_RULES = {
    **RULES,
    **{who: (lambda c, s, who=who: _recurrent(c, s, who)) for who in ("SimpleRNN", "LSTM", "GRU")},
    "Bidirectional": _bidirectional,
    "RNN": _rnn,
    "TimeDistributed": _time_distributed,
    **VOCABULARY_SHAPES,
    **CATEGORY_SHAPES,
}
