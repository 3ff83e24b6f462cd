"""The functional model: ``keras.Model(inputs, outputs)`` over a graph of layer calls on ``keras.Input``.

``keras.Model(inputs, outputs)`` returns a :class:`Functional` (as in Keras, where ``Model.__new__``
chooses the class). It finds the calls between ``inputs`` and ``outputs`` (the nodes that
:mod:`nabla.keras.symbolic` recorded), registers their layers as its own, in Keras's order (see
:func:`_keras_layer_order`: the weights come in that order too),
and replays the calls on real tensors in ``call``. A layer called twice (a shared layer) has one set of
weights. Everything else (compile, fit, evaluate, predict, summary, weights) is :class:`Model`'s.

``get_config`` / ``from_config`` (and so ``model.save`` / ``load_model``) write and read the graph as
data (see :mod:`nabla.keras.models.model_config`): the layers, each call and the tensors it takes. Calls
of Python code (``Lambda``, ``keras.ops`` functions) are refused when saving; arithmetic is kept.

A model of several inputs is called with a list of tensors; ``fit``, ``evaluate`` and ``predict`` take
one array per input and per output, as lists or dicts keyed by name (:mod:`.structures`,
:mod:`.compile_utils`).
"""

from __future__ import annotations

import numpy as np

from ...nn import Module
from .._engine import Tensor
from ..keras_dtype import numpy_dtype
from ..layers import InputLayer, Layer, masking
from ..layers.layer_inputs import cast_floats
from ..strings import STRING, is_text_array
from ..symbolic import KerasTensor, Node, flatten, is_symbolic, map_structure, nodes_between
from ..utils.naming import unique_name
from .data_adapter import as_input
from .input_rank import adjust_input_rank
from .model import Model
from .model_config import functional_config, functional_from_config
from .structures import _per_name, input_names


class Functional(Model):
    """A model defined by its inputs and outputs: ``keras.Model(inputs=inputs, outputs=outputs)``.

    Args:
        inputs: a ``keras.Input`` tensor, or a list (or dict) of them. A tensor a layer computed is taken too:
            the graph is cut there, as Keras 3 cuts it (the layers before it are not the model's).
        outputs: a KerasTensor computed from them, or a list (or dict) of such.
        name: the model's name.
    """

    def __init__(self, inputs, outputs, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._given_inputs = inputs  # model.input, as given
        if isinstance(inputs, dict):  # Keras 3's tree.flatten lists a dict's values by sorted key: model.inputs too
            inputs = {key: inputs[key] for key in sorted(inputs)}
        self._inputs, self._outputs = inputs, outputs
        flat_inputs, flat_outputs = flatten(inputs), flatten(outputs)
        for role, tensors in (("inputs", flat_inputs), ("outputs", flat_outputs)):
            for t in tensors:
                if not isinstance(t, KerasTensor):
                    raise TypeError(
                        f"Model({role}=...): expected keras.Input tensors and the tensors computed from them, "
                        f"got a {type(t).__name__}"
                    )
        for t in flat_inputs:
            if t.node is not None and t.name is None:
                # A tensor a layer computed cuts the graph there, as Keras 3: the layers before it are not the
                # model's, and the input is named as Keras 3 names the InputLayer it makes of it, the tensor's
                # own name and CLONE: "keras_tensor_4CLONE", one name per tensor (Keras numbers every tensor it
                # makes, nabla only those that become a cut's input: the numbers may differ, not the form)
                t.name = unique_name("keras_tensor") + "CLONE"
        self._nodes = nodes_between({id(t) for t in flat_inputs}, flat_outputs)
        # Keras's operations in its order: the layers, an input (KerasTensor) per InputLayer, the nodes of
        # functions (x + y, keras.ops calls), which the summary lists
        self._operations = _keras_layer_order(self._nodes, flat_inputs, flat_outputs)
        order = [item for item in self._operations if not isinstance(item, Node)]
        layers = [item for item in order if isinstance(item, Module)]
        for i, layer in enumerate(layers, start=1):
            name = getattr(layer, "name", None)
            if not isinstance(name, str) or not name.isidentifier() or hasattr(self, name):
                name = f"layer_{i}"
            self.add_module(name, layer)
        # Keras lists an InputLayer per input among the layers; it has no weights, so it is not registered
        self._input_positions = {i: _input_layer(t) for i, t in enumerate(order) if isinstance(t, KerasTensor)}
        if len(flat_inputs) == 1:
            self._build_input_shape = flat_inputs[0].shape
        self.built = True

    @property
    def layers(self) -> list[Layer]:
        """The layers in Keras's order, an ``InputLayer`` for each input among them (as Keras 3's functional
        models list them; they hold no weights)."""
        layers = super().layers
        for position, layer in sorted(self._input_positions.items()):
            layers.insert(position, layer)
        return layers

    @property
    def inputs(self) -> list[KerasTensor]:
        """The input tensors, flat; of a dict, in the order of its sorted keys (see ``__init__``)."""
        return flatten(self._inputs)

    @property
    def outputs(self) -> list[KerasTensor]:
        return flatten(self._outputs)

    @property
    def input(self):
        """The inputs as they were given to ``Model(inputs, ...)``: one KerasTensor, or their list or dict."""
        return self.__dict__.get("_given_inputs", self._inputs)

    @property
    def output(self):
        return self._outputs

    @property
    def output_names(self) -> list[str]:
        """The name of the layer (or operation) that computes each output, in order, as Keras 3 gives them (when
        ``outputs`` is a dict its keys are not used here, though the logs' prefixes take them)."""
        return [getattr(t.node.fn, "name", t.name) if t.node is not None else t.name for t in self.outputs]

    @property
    def input_shape(self):
        shapes = [t.shape for t in self.inputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def get_build_config(self) -> dict:
        """``{"input_shape": None}``, as Keras 3's functional model: its inputs give the shapes."""
        return {"input_shape": None}

    @property
    def output_shape(self):
        """The outputs' shapes (batch axis None): one tuple for one output, else a list, as Keras."""
        shapes = [t.shape for t in self.outputs]
        return shapes[0] if len(shapes) == 1 else shapes

    def forward(self, inputs, *args, **kwargs):
        if isinstance(inputs, dict) and not is_symbolic(inputs):  # one array per input, keyed by input name
            inputs = _per_name(self, inputs, input_names(self), "the input", "inputs")
            if len(inputs) == 1 and not isinstance(self._inputs, (list, tuple, dict)):
                inputs = inputs[0]
        several = len(self.inputs) > 1 or isinstance(self._inputs, (list, tuple))  # (Model([inp], out)([x]) too)
        if several and isinstance(inputs, (list, tuple)) and not is_symbolic(inputs):  # one per input
            inputs = [x if isinstance(x, Tensor) else _tensor(as_input(self, x, f"the input {t.name!r}", t.shape,
                                                                       t.dtype, keep_float64=True))
                      for x, t in zip(inputs, self.inputs)]  # fmt: skip
        return super().forward(inputs, *args, **kwargs)

    def _take_dtype(self, dtype: np.dtype) -> None:
        super()._take_dtype(dtype)
        for t in self.inputs:
            if t.dtype.kind == "f":
                t.dtype = dtype

    @property
    def input_dtype(self):
        """None: a functional model casts each float input to its ``keras.Input``'s dtype in ``call`` (Keras 3's
        Functional converts its inputs itself, not to the model's dtype)."""
        return None

    def _declared_dtype(self):
        """The dtype of the one ``keras.Input`` (None for several: ``fit`` reads them one by one)."""
        return self.inputs[0].dtype if len(self.inputs) == 1 else None

    def _takes_text(self) -> bool | None:
        """Whether the one input is a string one (see :mod:`nabla.keras.strings`); None for several inputs,
        which ``fit`` reads one by one."""
        return self.inputs[0].dtype == STRING if len(self.inputs) == 1 else None

    _allow_non_tensor_positional_args = True  # (Keras 3's Functional: model(x, True) lands on training, refused)

    def call(self, inputs, training=None, mask=None):
        """Run the recorded calls on ``inputs`` (a tensor, or a list of them in the order of ``inputs``).

        ``mask`` (Keras 3's ``model(x, mask=m)``: a boolean (batch, timesteps) array, or one per input, None
        for none) becomes the mask of the inputs, which the layers that take masks read (an ``LSTM`` skips
        the masked steps). Given positionally (``model(x, m)``) it would land on ``training``: refused as
        Keras 3 refuses it (see :mod:`..layers.positional_args`)."""
        given = flatten(inputs) if isinstance(self._inputs, (list, tuple, dict)) else [inputs]
        if len(given) != len(self.inputs):
            raise ValueError(f"model '{self.name}' takes {len(self.inputs)} inputs, got {len(given)}")
        values = {id(t): adjust_input_rank(_as_float(v, t.dtype), t.shape, self.name, t.name)
                  for t, v in zip(self.inputs, given)}  # fmt: skip
        masks = [mask] if len(self.inputs) == 1 or not isinstance(mask, (list, tuple)) else list(mask)
        for t, m in zip(self.inputs, masks if mask is not None else []):
            if m is not None:
                masking.set_mask(values[id(t)], m)

        def value(leaf):
            return values[id(leaf)] if isinstance(leaf, KerasTensor) else leaf

        for node in self._nodes:
            args, kwargs = map_structure(value, (list(node.args), node.kwargs))
            if training is not None and isinstance(node.fn, Layer):
                kwargs = {**kwargs, "training": training}
            out = node.fn(*args, **kwargs)
            for t, v in zip(node.outputs, flatten(out)):
                values[id(t)] = v
        outputs = map_structure(value, self._outputs)
        # as Keras 3's (unpack_singleton): outputs=[x] gives the tensor itself, not a list of one
        return outputs[0] if isinstance(outputs, (list, tuple)) and len(outputs) == 1 else outputs

    def get_config(self) -> dict:
        return functional_config(self)

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Functional:
        return functional_from_config(config, custom_objects)


def _as_float(value, dtype):
    """A float tensor in the dtype of its float ``keras.Input``, as Keras 3's Functional converts its inputs."""
    dtype = numpy_dtype(dtype)
    return cast_floats(value, dtype) if isinstance(dtype, np.dtype) and dtype.kind == "f" else value


def _tensor(array: np.ndarray):
    """One input's array as the model's layers take it: a Tensor, or the array itself for text."""
    return array if is_text_array(array) else Tensor._make(array)


def _keras_layer_order(nodes: list[Node], inputs: list[KerasTensor], outputs: list[KerasTensor]) -> list:
    """The layers of ``nodes`` (a topological order), the nodes of functions among them, and the ``inputs``
    in Keras's order, which ``model.layers`` and the order of the weights follow: the deepest first (depth:
    the longest path to an output; a shared layer takes its deepest call's), equal depths in the order a
    depth-first walk from the outputs meets them, each node's inputs in order (Keras 3's
    ``ops.function.map_graph``)."""
    index: dict[int, int] = {}  # _operation_key, or id(input), -> when the walk from the outputs first met it
    visited, stack, input_ids = set(), list(reversed(outputs)), {id(t) for t in inputs}
    while stack:
        t = stack.pop()
        if t.node is None or id(t) in input_ids:
            index.setdefault(id(t), len(index))
        elif id(t.node) not in visited:
            visited.add(id(t.node))
            index.setdefault(_operation_key(t.node), len(index))
            stack.extend(reversed(t.node.inputs()))
    depth, fn_depth = node_depths(nodes, input_ids)
    entries = {}
    for node in nodes:
        key = _operation_key(node)
        entries[key] = (fn_depth[key], index[key], node.fn if isinstance(node.fn, Module) else node)
    entries.update({id(t): (depth.get(id(t), 0), index.get(id(t), len(index)), t) for t in inputs})
    return [item for _, _, item in sorted(entries.values(), key=lambda entry: (-entry[0], entry[1]))]


def node_depths(nodes: list[Node], input_ids: set) -> tuple[dict[int, int], dict[int, int]]:
    """Keras's depths of a graph's ``nodes`` (a topological order): the longest path to an output, where a
    layer called several times is as deep as its deepest call. ``input_ids``: the ids of the model's inputs.
    Returns (id(node) or id(input) -> its depth, _operation_key -> its depth)."""
    depth: dict[int, int] = {}
    fn_depth: dict[int, int] = {}
    for node in reversed(nodes):  # consumers before the nodes they read
        key = _operation_key(node)
        fn_depth[key] = depth[id(node)] = max(depth.get(id(node), 0), fn_depth.get(key, 0))
        for t in node.inputs():
            key = id(t) if t.node is None or id(t) in input_ids else id(t.node)
            depth[key] = max(depth[id(node)] + 1, depth.get(key, 0))
    return depth, fn_depth


def _operation_key(node: Node) -> int:
    """What Keras counts as one operation: a layer (all its calls), or a function's call on its own."""
    return id(node.fn) if isinstance(node.fn, Module) else id(node)


def _input_layer(t: KerasTensor) -> InputLayer:
    """The InputLayer Keras shows for a functional model's input ``t``: its name and shape; ``.output`` is ``t``."""
    layer = InputLayer(shape=t.shape[1:], name=t.name, dtype=t.dtype)
    layer.output_shape_seen = t.shape
    layer._first_symbolic_call = (t, t)
    layer.built = True
    return layer
