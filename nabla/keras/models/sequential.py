"""``Sequential``: a stack of layers, each feeding the next."""

from __future__ import annotations

import weakref

import numpy as np

from ...nn import Module
from ..layers import Input, InputLayer, Layer, masking
from ..layers.categorical import RawInputLayer
from ..strings import STRING
from ..symbolic import KerasTensor, output_shape
from ..utils.naming import unique_name
from .input_rank import adjust_input_rank
from .model import Model
from .model_config import layer_entry, layers_from_entries


class Sequential(Model):
    """Layers applied in order: ``Sequential([Dense(16, activation="relu", input_shape=(2,)), Dense(1)])``.

    The input size comes from ``input_shape=`` on the first layer, an
    ``Input(shape=...)`` first, ``model.build((None, features))``, or the
    first batch it sees. As in Keras 3, a model whose input shape is known is built at once (at
    construction, ``add``, ``pop``): its weights, counts and summary exist before any data, drawn from
    the random generator then. Weight names in ``state_dict()`` are positional
    (``"0.kernel"``), so they do not depend on layer names.
    """

    _lists_are_inputs = False  # a list of arrays as x is one array (rows); a dict reaches the first layer

    def __init__(self, layers=None, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self._input_hint = None
        self._input_dtype = None  # a keras.Input's dtype, when the model starts with one
        for layer in layers or []:
            self.add(layer, rebuild=False)
        self._rebuild()

    def add(self, layer: Module, rebuild: bool = True) -> None:
        """Append a layer (any ``nn.Module`` works; Keras-style layers give summaries and configs).

        As in Keras 3, a model whose input shape is known (an ``Input`` first, ``input_shape=`` on the first
        layer, or an earlier ``build``) is built again at once, unless ``rebuild=False``: the new layer's
        weights exist, and are drawn from the random generator, right here.
        """
        if isinstance(layer, (InputLayer, KerasTensor)):
            if len(self._modules):
                raise ValueError("Sequential: an Input must come first")
            if isinstance(layer, KerasTensor) and layer.node is not None:
                raise TypeError("Sequential.add: a tensor computed by layers is not a layer; add layers or keras.Input")
            self._input_hint = layer.input_shape_hint if isinstance(layer, InputLayer) else tuple(layer.shape)
            self._input_dtype = layer.dtype
            self._input_name = layer.name  # (the Input took its name, "input_layer_<n>", when it was made)
            if rebuild:
                self._rebuild()
            return
        if not isinstance(layer, Module):
            raise TypeError(f"Sequential.add expects a layer, got {type(layer).__name__}{_foreign_hint(layer)}")
        if not len(self._modules) and self._input_hint is None:
            # NOTE: a model first (a nested Sequential) gives its own input shape, as in Keras 3
            hint = layer.input_shape if isinstance(layer, Model) else getattr(layer, "input_shape_hint", None)
            self._input_hint = hint
            if hint is not None and not isinstance(layer, Model):
                self._name_input()  # (Keras 3 makes an InputLayer of the first layer's input_shape= here)
        self.add_module(str(len(self._modules)), layer)
        if isinstance(layer, Layer) and getattr(layer, "_sequential", None) is None:
            layer._sequential = weakref.ref(self)  # (for layer.output: see Layer.output; weak: no cycle)
        if rebuild:
            self._rebuild()
        else:
            self.built = False

    def pop(self, rebuild: bool = True) -> Module:
        """Remove the last layer and return it, as Keras's ``Sequential.pop``.

        The other layers keep their weights. The model is unbuilt, then built again (``rebuild=True``, when
        its input shape is known and a layer is left), as Keras 3's.
        """
        if not len(self._modules):
            raise TypeError("Sequential.pop: there are no layers in the model")
        last = str(len(self._modules) - 1)
        layer = self._modules[last]
        delattr(self, last)
        self.built = False
        if rebuild:
            self._rebuild()
        return layer

    def _rebuild(self) -> None:
        """Build the model now if its input shape is known and it has a layer (Keras 3's ``_maybe_rebuild``):
        a batch of zeros runs through, so that a layer that cannot take its input fails here; the layers
        already built keep their weights."""
        self.built = False
        if self.input_shape is not None and len(self._modules):
            self._ensure_built(self.input_shape)
            try:
                self.build(self.input_shape)
            except BaseException:
                self.built = False
                raise

    def _ensure_built(self, input_shape: tuple) -> None:
        if not self.built:
            # Keras 3 makes each build of a Sequential model a functional graph named from the functional
            # models' counter, so a functional model made next is "functional_2", not "functional_1"
            unique_name("functional")
            self._name_input()  # (and an InputLayer of the build's shape, unless it has one)
        super()._ensure_built(input_shape)

    def _name_input(self) -> None:
        """Take the next "input_layer" name once per model, as Keras 3's Sequential makes one ``InputLayer`` (of
        ``input_shape=`` or of its first build): the next ``keras.Input`` is then numbered as in Keras, and the
        model's symbolic graph (``model.inputs``) starts from an Input of that name."""
        if getattr(self, "_input_name", None) is None:
            self._input_name = unique_name("input_layer")

    @property
    def layers(self) -> list[Module]:
        return list(self._modules.values())

    @property
    def inputs(self) -> list[KerasTensor]:
        """``[keras.Input]`` of the model's input shape, with every layer called on it (Keras makes a Sequential
        model with a known input shape a functional graph; nabla makes the graph when it is asked for)."""
        return [self._symbolic_graph()[0]]

    @property
    def outputs(self) -> list[KerasTensor]:
        return [self._symbolic_graph()[1]]

    @property
    def input(self) -> KerasTensor:
        return self._symbolic_graph()[0]

    @property
    def output(self) -> KerasTensor:
        return self._symbolic_graph()[1]

    def _symbolic_graph(self) -> tuple:
        layers = tuple(self._modules.values())
        if getattr(self, "_graph", None) is None or self._graph[2] != layers:
            shape = self.input_shape
            if shape is None:
                raise ValueError(
                    f"Sequential model '{self.name}' has no input shape yet, so no inputs or outputs: start it with "
                    "keras.Input(shape=...), or give the first layer input_shape="
                )
            self._name_input()
            x = y = Input(batch_shape=shape, dtype=self._input_dtype, name=self._input_name)
            for layer in layers:
                y = layer(y)
            self._graph = (x, y, layers)
        return self._graph

    @property
    def input_shape(self):
        """The input shape given (``keras.Input``, ``input_shape=``), else the one of the first build or call.
        A length left None in ``keras.Input(shape=(None,))`` stays None after calls on data."""
        return self._input_hint or self._build_input_shape

    def _build_config_shape(self):
        """The input shape given (keras.Input), else the first build's or call's, as Keras 3's build config."""
        return self.input_shape

    @property
    def output_shape(self) -> tuple:
        """The shape of the model's output for a batch (batch axis None), once its input shape is known (Keras's)."""
        if self.input_shape is None:
            raise AttributeError(f"Sequential model '{self.name}' has no defined output shape yet: give it an "
                                 "Input(shape=...) or input_shape=, or build or call it first")  # fmt: skip
        return output_shape(self, self.input_shape)

    def _declared_dtype(self):
        """The dtype of the model's ``keras.Input``, or None without one."""
        return self._input_dtype

    def _takes_text(self) -> bool | None:
        """Whether the model takes strings (see :mod:`nabla.keras.strings`): it starts with a string
        ``keras.Input``; or without an input, its first layer may read them (a ``TextVectorization`` first, as in
        TensorFlow's text tutorials' export model): None, for either."""
        if self._input_dtype is not None:
            return self._input_dtype == STRING
        first = next(iter(self._modules.values()), None)
        if isinstance(first, Model):
            return first._takes_text()
        return None if first is None or isinstance(first, RawInputLayer) else False

    def _take_dtype(self, dtype: np.dtype) -> None:
        super()._take_dtype(dtype)
        if getattr(self._input_dtype, "kind", None) == "f":
            self._input_dtype = dtype

    @property
    def input_dtype(self):
        """The dtype of the model's float ``keras.Input``, else the model's (Keras 3's Sequential casts its float
        inputs to its input layer's dtype)."""
        floating = getattr(self._input_dtype, "kind", None) == "f"
        return self._input_dtype if floating else self.dtype

    def call(self, inputs, training=None, mask=None):
        """The layers in turn. ``mask`` (Keras 3's ``model(x, mask=m)``) becomes the input's mask, which the
        layers that take masks read; given positionally it would land on ``training``, refused as Keras 3
        refuses it (see :mod:`..layers.positional_args`)."""
        shape = self.input_shape
        x = adjust_input_rank(inputs, shape, self.name) if isinstance(shape, tuple) else inputs
        masking.set_mask(x, mask)
        for layer in self._modules.values():
            x = layer(x, training=training) if isinstance(layer, Layer) else layer(x)
        return x

    def get_config(self) -> dict:
        """The layers' entries and ``build_input_shape``; a string input also as an ``InputLayer`` entry first
        (Keras 3 writes one for every input), so that a loaded model takes text again."""
        configs = [layer_entry(self, layer) for layer in self.layers]
        shape = self.input_shape
        if self._input_dtype == STRING and shape is not None:
            configs.insert(0, {"class_name": "InputLayer", "config": {"shape": list(shape[1:]), "dtype": "string"}})
        # with its batch size, as Keras 3 writes the first layer's batch_shape (a first call on data, or
        # Input(batch_shape=...) for a stateful RNN, records one)
        build_shape = None if shape is None else list(shape)
        return {"name": self.name, "layers": configs, "build_input_shape": build_shape}

    @classmethod
    def from_config(cls, config: dict, custom_objects: dict | None = None) -> Sequential:
        model = cls(layers_from_entries(config["layers"], custom_objects), name=config.get("name"))
        shape = config.get("build_input_shape")
        if shape is not None:
            model.build(tuple(shape))
        return model


def _foreign_hint(obj) -> str:
    """A hint when ``obj`` is a layer of the real Keras/TensorFlow (a script that kept one import line of
    ``tensorflow``/``keras`` next to ``nabla.tf``): nabla models take nabla layers only."""
    origin = type(obj).__module__.split(".")[0]
    if origin not in ("keras", "tf_keras", "tensorflow"):
        return ""
    return (
        f" from the real {origin} package ({type(obj).__module__}): nabla models take nabla layers; import "
        "them from nabla too (`from nabla.tf import keras` for `from tensorflow import keras`, "
        "`import nabla.keras as keras` for `import keras`)"
    )
