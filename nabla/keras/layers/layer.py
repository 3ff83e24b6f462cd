"""``Layer``, the base of the Keras-style layers.

Each layer is an :class:`nabla.nn.Module` (one module system, not two) with
Keras's vocabulary: configuration in ``__init__``, weights created in
``build(input_shape)`` once the input size is known (at the first call, or
at once when ``input_shape`` is given), computation in ``call``, and a
JSON-able ``get_config()``. Images are channels-last, (N, H, W, C), as in
Keras; kernels use Keras's layouts (Dense (in, units), Conv2D (kh, kw, in, out)).
"""

from __future__ import annotations

import functools
import inspect
import threading

from ...nn import Module, ModuleList, Parameter
from .. import constraints, regularizers, symbolic
from .._engine import Tensor, dtypes
from ..output_class import like_inputs
from ..ragged import RaggedTensor
from ..utils.naming import auto_name
from ..variables import Variable
from . import masking
from .build_config import BuildConfig, record_batch_axis, symbolic_batch, unbuilt_layers
from .dtype_names import DTypeNames
from .input_spec import check_inputs
from .layer_config import BASE_KEYS, accepted, config_value, dtype_config, init_arguments, resolve_dtype, weight_shape
from .layer_inputs import as_tensors, cast_floats, input_shapes, integers_as_floats, loss_tensor, ragged_refused
from .positional_args import call_takes_mask, check_positional, training_parameter
from .tracked_list import TrackedList, tracked
from .weight_lists import WeightLists


def _marking_built(build):
    """``build`` that marks the layer built when called directly (``layer.build((None, 5))`` before the first
    call, as Keras 3's wrapper does), so that the first call does not build again and add a second set of
    weights; a layer made with ``trainable=False`` has its new weights frozen."""

    @functools.wraps(build)
    def build_and_mark(self, *args, **kwargs):
        if not self.built:  # (Keras 3's get_build_config reports it)
            self._build_shape = args[0] if args else kwargs.get("input_shape")
        build(self, *args, **kwargs)
        if not self.built:
            self.built = True
            if not self._trainable:
                self.trainable = False

    return build_and_mark


_BY_NAME = object()  # forward's inputs when they come by call's name for them


class Layer(BuildConfig, DTypeNames, WeightLists, Module):
    """Base of the Keras-style layers: lazy ``build``, ``call``, ``get_config``, regularization losses, masks."""

    PASSES_MASKS = False  # True: the layer's supports_masking starts True (Keras's layers that set it)
    INTEGER_TENSORS = "keep"  # or "cast" (to the layer's dtype), "refuse": see layer_inputs.integers_as_floats
    # True: the layer has no weights and nothing to build, so it is built at construction, as Keras 3 marks
    # Dropout, the pooling and activation layers... (``built=True`` in reprs, a 0 rather than "0 (unbuilt)" in
    # an unbuilt model's summary). A subclass that writes its own ``build`` is built at its first call again.
    BUILT_AT_INIT = False
    input_spec = None  # Keras 3's: an InputSpec (or a list of them) a layer of yours sets; each call checks it

    def __new__(cls, *args, **kwargs):
        layer = super().__new__(cls)
        # Keras's automatic config (layer_config.py): the arguments of a class that writes no get_config
        layer._auto_config = init_arguments(cls, args, kwargs) if cls.get_config is Layer.get_config else None
        return layer

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        if "build" in cls.__dict__:
            cls.build = _marking_built(cls.__dict__["build"])
            if "BUILT_AT_INIT" not in cls.__dict__:
                cls.BUILT_AT_INIT = False

    def __init__(self, name: str | None = None, trainable: bool = True, input_shape=None, dtype=None, **kwargs):
        super().__init__()
        # (named first: a layer refused below has used up its name, as in Keras)
        self.name = auto_name(type(self).__name__) if name is None else name  # (name="" stays "", as Keras)
        input_shape = (dim,) if (dim := kwargs.pop("input_dim", None)) is not None else input_shape  # Keras 2's
        self.autocast = kwargs.pop("autocast", True)  # Keras's: floating inputs are cast to input_dtype (forward)
        batch_shape = kwargs.pop("batch_input_shape", None)  # Keras 2's, in stateful-RNN labs (Keras 3 refuses it)
        # Keras 3's base layer takes it for every layer: a penalty on each output of a call (see _run)
        self.activity_regularizer = regularizers.get(kwargs.pop("activity_regularizer", None))
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments passed to {type(self).__name__}: {kwargs}")
        self.built = self.BUILT_AT_INIT
        self._path = None  # (after built: a layer built at creation has no path, as in Keras; see __setattr__)
        self.dtype = resolve_dtype(dtype) or dtypes.default_float
        self._trainable = trainable
        self._regularized: list[tuple[Parameter, object]] = []
        self._weight_keys: dict[int, str] = {}  # id(weight) -> the attribute add_weight registered it under
        self._call_losses: list[Tensor] = []  # what call() gave add_loss in the last call
        self.input_shape_hint = None if input_shape is None else (None, *tuple(input_shape))
        if batch_shape is not None:
            self.input_shape_hint = tuple(batch_shape)
        self.output_shape_seen = None
        self._first_symbolic_call = None  # (inputs, outputs) of the first call on keras.Input tensors
        # Keras's rule: a layer passes masks on if it says so, or if it defines its own compute_mask
        self.supports_masking = self.PASSES_MASKS or type(self).compute_mask is not Layer.compute_mask

    # --- building -------------------------------------------------------------------

    def build(self, input_shape: tuple) -> None:
        """Create the weights for inputs of ``input_shape`` (batch axis first, may be None)."""

    def _ensure_built(self, input_shape: tuple) -> None:
        if not self.built:
            self._build_shape = input_shape if isinstance(input_shape, (list, dict)) else tuple(input_shape)
            self.build(self._build_shape)
            self.built = True
            self.trainable = self._trainable

    def add_weight(
        self,
        *args,
        shape=None,
        initializer=None,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer=None,
        constraint=None,
        aggregation: str = "none",
        overwrite_with_gradient: bool = False,
        name: str | None = None,
    ) -> Variable:
        """Create, initialise and register a weight: a :class:`nabla.keras.Variable`.

        Keras 3's signature: ``add_weight(shape=(in, units), initializer="glorot_uniform",
        trainable=True, name="kernel")`` (positionally ``shape, initializer, dtype``). Keras 2's, whose
        first argument is the name (``add_weight("kernel", shape, dtype, initializer, regularizer,
        trainable)``), is accepted too. ``initializer`` (a name, a ``keras.initializers`` instance or its
        config, a function ``f(shape, dtype=None)``) defaults to "glorot_uniform" for float weights and
        "zeros" otherwise, as in Keras; ``dtype`` to the layer's. A non-trainable weight gets no gradient
        and stays frozen when the layer is unfrozen. The weight is registered under ``name`` (or
        "variable", "variable_1"...) until you assign it to an attribute: ``self.w = self.add_weight(...)``
        then registers it as ``w`` (its ``name`` stays), so ``state_dict`` keys follow your attributes.
        ``constraint`` (a :mod:`~nabla.keras.constraints` object, name or function) is stored as
        ``variable.constraint``; the optimizer applies it after each update of the variable, as in Keras.
        """
        if args:
            order = ("name", "shape", "dtype", "initializer", "regularizer", "trainable", "constraint")
            if not isinstance(args[0], str):
                order = ("shape", "initializer", "dtype")
            if len(args) > len(order):
                raise TypeError(f"add_weight takes at most {len(order)} positional arguments, got {len(args)}")
            given = {"shape": shape, "initializer": initializer, "dtype": dtype, "name": name}
            for key, value in zip(order, args):
                if given.get(key) is not None:
                    raise TypeError(f"add_weight: {key} was given both positionally and as a keyword")
                given[key] = value
            shape, initializer, dtype, name = given["shape"], given["initializer"], given["dtype"], given["name"]
            regularizer = given.get("regularizer", regularizer)
            trainable = given.get("trainable", trainable)
            constraint = given.get("constraint", constraint)
        dtype = dtypes.resolve(dtype) or self.dtype
        if initializer is None:
            initializer = "glorot_uniform" if dtype.kind == "f" else "zeros"
        shape = weight_shape(shape, self.name)
        weight = Variable(initializer, shape=shape, dtype=dtype, trainable=trainable, name=name or "variable")
        # Keras's path: the names of the layers whose calls are running (a model building its layers), then
        # this layer's and the weight's: "sequential/dense/kernel"; "dense/kernel" for a layer built on its own
        weight._path = f"{self._scope_path()}/{weight.name}"
        weight.regularizer, weight.constraint = regularizers.get(regularizer), constraints.get(constraint)
        key = self._free_key(weight.name)
        self._weight_keys[id(weight)] = key
        setattr(self, key, weight)
        if weight.regularizer is not None:
            self._regularized.append((weight, weight.regularizer))
        return weight

    def add_variable(
        self,
        shape,
        initializer,
        dtype=None,
        trainable: bool = True,
        autocast: bool = True,
        regularizer=None,
        constraint=None,
        name: str | None = None,
    ) -> Variable:
        """Keras 3's other name for :meth:`add_weight`, with ``shape`` and ``initializer`` required."""
        return self.add_weight(
            shape=shape,
            initializer=initializer,
            dtype=dtype,
            trainable=trainable,
            autocast=autocast,
            regularizer=regularizer,
            constraint=constraint,
            name=name,
        )

    @property
    def path(self) -> str | None:
        """Keras 3's path of the layer: the names of the layers whose calls built it, then its own
        (``"sequential/dense"``; ``"dense"`` built on its own); None until it is built (a layer without
        weights, built at creation, keeps None, as in Keras). Its weights' paths add their names to it."""
        return self._path

    def _scope_path(self) -> str:
        # (Keras's name scope: the layers whose calls are running, outermost first, then this one)
        return "/".join([*(layer.name for layer in _mode.scope if layer is not self), self.name])

    def _free_key(self, name: str) -> str:
        """An attribute name for a new weight: ``name`` if it is free, else ``name_1``, ``name_2``..."""
        base = name if name.isidentifier() else "variable"
        key, n = base, 0
        while key in self.__dict__ or key in self._parameters or key in self._buffers or key in self._modules:
            n += 1
            key = f"{base}_{n}"
        return key

    def __setattr__(self, name: str, value) -> None:
        if name == "built" and value and not self.__dict__.get("built") and self.__dict__.get("_path", "") is None:
            self.__dict__["_path"] = self._scope_path()  # Keras's path: the name scope the layer is built in
        if isinstance(value, Parameter):
            keys = self.__dict__.get("_weight_keys")
            if keys is not None and keys.get(id(value), name) != name:
                # self.w = self.add_weight(...): the weight moves from the key add_weight gave it to "w"
                self._parameters.pop(keys[id(value)], None)
                keys[id(value)] = name
        elif type(value) is list and not value:
            value = TrackedList(self, name)  # layers appended later are tracked, as in Keras
        elif type(value) in (list, tuple) and any(isinstance(v, Module) for v in value):
            if all(isinstance(v, Module) for v in value):
                value = ModuleList(value)  # Keras tracks layers held in a list attribute
            elif not name.startswith("_"):
                # Layers among other things (Géron's ResidualUnit keeps its activation function between
                # its convolutions): Keras tracks the layers all the same, and the list stays as it was given.
                # (Not for private names: a functional model's _operations mixes its layers with its nodes.)
                value = tracked(self, name, value)
        elif getattr(type(value), "_tf_variable", False):
            # A tf.Variable made in __init__ or build (the modules guide's FlexibleDense) is a weight, as in
            # Keras 2 (tf_keras); Keras 3 on TensorFlow would leave it out of the weights, and so untrained.
            self._forget(name)
            self._registry("_parameters")[name] = value
            return
        super().__setattr__(name, value)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @trainable.setter
    def trainable(self, value: bool) -> None:
        """Freezing a layer stops its weights from training (Keras's ``layer.trainable = False``).

        As in Keras the flag is recursive: it is set on every layer inside (a frozen base model's
        BatchNormalization then runs in inference mode and keeps its moving statistics).
        """
        for layer in self.modules():
            if isinstance(layer, Layer):
                layer._trainable = bool(value)
        for p in self.parameters():  # a weight made with trainable=False stays frozen
            p.requires_grad = bool(value) and getattr(p, "trainable", True) and p.dtype.kind == "f"

    @property
    def losses(self) -> list[Tensor]:
        """The regularization penalties of the weights of this layer and the layers inside it (for the
        current weight values), then the losses their ``call`` added with :meth:`add_loss` in the last call."""
        layers = [m for m in self.modules() if isinstance(m, Layer)]
        penalties = [reg(p) for layer in layers for p, reg in layer._regularized]
        return penalties + [loss for layer in layers for loss in layer._call_losses]

    def add_loss(self, loss) -> None:
        """Add a scalar loss (an activity penalty, say) from inside ``call``: ``fit`` adds it to the loss.

        As in Keras, the losses of one call replace those of the previous call (of the outermost layer).
        """
        if not self._call_losses:
            _Calls.holding += 1
        self._call_losses.append(loss_tensor(loss, self.dtype))

    def add_metric(self, *args, **kwargs):
        """Keras 2's ``add_metric``, which Keras 3 removed: raises ``NotImplementedError``, as Keras 3 does."""
        raise NotImplementedError(
            f"{type(self).__name__}.add_metric(): Keras 3 removed Layer.add_metric. Give the metric to "
            "compile(metrics=[...]), or make a keras.metrics object in __init__ and call its update_state() in call()"
        )

    def add_update(self, updates) -> None:
        """Keras 2's ``add_update`` (Keras 3 has none): eager code has already assigned its updates (d2l's
        BatchNorm passes ``variable.assign(...)``'s result); a callable update is run, unless frozen."""
        for update in updates if isinstance(updates, (list, tuple)) else [updates]:
            if callable(update) and self.trainable:
                update()

    def _maybe_build(self) -> None:
        """Build now what can be built (a model whose input shape is known builds its layers; see Model)."""

    @property
    def weights(self) -> list[Tensor]:
        """Every weight: the parameters, then the float buffers (BatchNormalization's moving statistics)."""
        self._maybe_build()
        return list(self.parameters()) + [b for b in self.buffers() if b.dtype.kind == "f"]

    variables = weights

    @property
    def trainable_weights(self) -> list[Tensor]:
        """The weights that training updates (none when the layer is frozen)."""
        self._maybe_build()
        return [p for p in self.parameters() if p.requires_grad]

    @property
    def non_trainable_weights(self) -> list[Tensor]:
        """Frozen weights and the moving statistics."""
        return [w for w in self.weights if not w.requires_grad]

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def submodules(self) -> tuple:
        """Every layer inside this one, depth first (Keras 2's layers are ``tf.Module``\\ s, whose ``submodules``
        the modules guide prints; Keras 3's have none)."""
        return tuple(m for m in self.modules() if m is not self and isinstance(m, Layer))

    # --- running --------------------------------------------------------------------

    def call(self, inputs, training: bool | None = None):
        raise NotImplementedError(f"{type(self).__name__} must define call()")

    def compute_mask(self, inputs, mask=None):
        """The mask of the output (a boolean (batch, timesteps) Tensor, or None) for ``inputs`` whose mask is
        ``mask``: by default ``mask`` itself. Used when ``supports_masking`` is True (see :mod:`.masking`)."""
        return mask

    def forward(self, inputs=_BY_NAME, *args, training: bool | None = None, **kwargs):
        """Keras's ``__call__``: build on the first input's shape, then ``call`` in training or inference mode.

        ``inputs`` is a tensor, an array, or a list of them (a layer with several inputs); ``build``
        gets its shape (a list of shapes), with the batch size seen, as in Keras.

        The mode follows Keras, not the module's ``train()``/``eval()``: ``training`` given here
        (True or False) wins; else the mode of the enclosing layer call (a model's ``call`` passes
        its mode down to every layer it calls, whether or not it forwards ``training=``); else the
        default of this layer's ``call(..., training=...)`` signature; else None, which every
        built-in layer reads as inference. So ``model(x)`` runs in inference mode (Dropout off,
        BatchNormalization on its moving statistics), ``model(x, training=True)`` trains, and
        ``fit`` / ``train_on_batch`` call the model with ``training=True``, ``evaluate`` / ``predict``
        with False. ``training`` reaches ``call`` only if ``call`` has a parameter of that name and
        the value is not None (Keras's rule). Unlike Keras 3.15, whose call context keeps the last
        value set inside it, an explicit ``training=`` holds only for that call and what it calls
        (as TF 2's Keras): after ``self.base(x, training=False)`` the next layer is back in the
        model's mode. Called on ``keras.Input`` tensors, the layer adds itself to a functional
        model's graph instead.

        Masks, as Keras 3 (see :mod:`.masking`): the input's mask (or ``mask=`` given here) reaches
        ``call`` as ``mask=`` when ``call`` has that parameter; afterwards, if ``supports_masking``, the
        output gets ``compute_mask(inputs, mask)`` as its mask.

        Floating inputs (arrays and tensors, in the other arguments too) are cast to ``input_dtype`` unless the
        layer was made with ``autocast=False``, as Keras 3's: float64 data meets float32 weights as float32.
        """
        if inputs is _BY_NAME:  # as Keras 3: the first argument of call given by its name (query= of attention)
            first = list(inspect.signature(type(self).call).parameters)[1]
            if first not in kwargs:
                raise TypeError(f"{type(self).__name__}: the inputs are missing: pass them first, or as {first}=")
            inputs = kwargs.pop(first)
        check_positional(self, args)  # (the other positional arguments: tensors only, none on training, as Keras 3)
        if not isinstance(inputs, Tensor) and symbolic.is_symbolic(inputs):
            fresh = unbuilt_layers(self)
            outputs = symbolic.call(self, inputs, args, {**kwargs, "training": training})
            record_batch_axis(fresh, symbolic_batch(inputs))
            if self._first_symbolic_call is None:
                self._first_symbolic_call = (inputs, outputs)
            return outputs
        if isinstance(inputs, RaggedTensor):
            raise ragged_refused(type(self).__name__)
        dtype, autocast = self.input_dtype or self.dtype, self.autocast and self.input_dtype is not None
        inputs = as_tensors(inputs, dtype, autocast)
        if self.INTEGER_TENSORS != "keep":
            inputs = integers_as_floats(inputs, dtype, self)
        if autocast:  # (Keras casts the tensors among the other arguments too: a second input, initial_state=)
            args, kwargs = cast_floats(args, dtype), cast_floats(kwargs, dtype)
        scope = _mode.scope
        _mode.scope = (*scope, self)  # (Keras's name scope: the weights built inside are named under this layer)
        try:
            return self._run(inputs, args, training, kwargs)
        finally:
            _mode.scope = scope

    def _run(self, inputs, args: tuple, training, kwargs: dict):
        """:meth:`forward` on tensors: check ``input_spec``, build, resolve the mode and the mask, ``call``."""
        if self.input_spec is not None:
            check_inputs(self.input_spec, inputs, self.name)
        if not self.built:
            self._ensure_built(input_shapes(inputs))
        takes_training, default, required = training_parameter(type(self))
        outer = _mode.training
        if training is None:
            training = default if outer is None else outer
        if takes_training and (training is not None or required):
            kwargs["training"] = training
        previous_mask = masking.input_mask(inputs, kwargs)
        if previous_mask is not None and call_takes_mask(type(self)):
            kwargs["mask"] = previous_mask
        if not _Calls.depth and _Calls.holding:  # the outermost call: the losses of the last one are dropped
            for layer in self.modules():
                if isinstance(layer, Layer) and layer._call_losses:
                    layer._call_losses.clear()
                    _Calls.holding -= 1
        _Calls.depth += 1
        _mode.training = training
        try:
            out = self.call(inputs, *args, **kwargs)
        finally:
            _Calls.depth -= 1
            _mode.training = outer
        if self.activity_regularizer is not None:  # Keras 3's: every output tensor, states included
            for output in out.values() if isinstance(out, dict) else out if isinstance(out, (list, tuple)) else [out]:
                if isinstance(output, Tensor):
                    self.add_loss(regularizers.activity_penalty(self.activity_regularizer, output))
        if self.supports_masking:
            masking.set_masks(out, self.compute_mask(inputs, previous_mask))
        if isinstance(out, Tensor):
            self.output_shape_seen = (None,) + out.shape[1:]
        return like_inputs(out, inputs)

    @property
    def input(self):
        """The symbolic input of the layer's first call on ``keras.Input`` tensors, as Keras's ``layer.input``."""
        return self._symbolic_call()[0]

    @property
    def output(self):
        """The symbolic output of that first call: ``keras.Model(model.input, [l.output for l in model.layers])``
        reads the activations of every layer (a Sequential model with an input shape makes the calls)."""
        return self._symbolic_call()[1]

    def _symbolic_call(self) -> tuple:
        owner = self._sequential() if getattr(self, "_sequential", None) else None
        if self._first_symbolic_call is None and owner is not None and owner.input_shape is not None:
            owner._symbolic_graph()  # a Sequential model with an input shape calls its layers on keras.Input
        if self._first_symbolic_call is None:
            # (a ValueError: an AttributeError here would be replaced by nn.Module's generic one)
            raise ValueError(
                f"layer '{self.name}' has never been called on keras.Input tensors, so it has no input or output: "
                "build a functional model, or a Sequential model with an input shape (keras.Input first)"
            )
        return self._first_symbolic_call

    def compute_output_shape(self, input_shape) -> tuple:
        """The output shape for inputs of ``input_shape`` (batch axis first, may be None), found by running
        a small batch of ones through the layer (building it), as functional models do (see ``symbolic.py``)."""
        return symbolic.output_shape(self, input_shape)

    def get_config(self) -> dict:
        """Keras 3's base config: ``name``, ``trainable`` and ``dtype`` (a ``DTypePolicy`` config), and nabla's
        ``input_shape`` when one was given. A layer's own arguments are added by its class's ``get_config``;
        a class of yours without one gets the arguments it was made with (see ``layer_config.py``)."""
        auto = {k: v for k, v in (self.__dict__.get("_auto_config") or {}).items() if k not in BASE_KEYS}
        config = {"name": self.name, **auto, "trainable": self.trainable, "dtype": dtype_config(self.dtype)}
        if self.input_shape_hint is not None:
            config["input_shape"] = list(self.input_shape_hint[1:])
        if self.activity_regularizer is not None:  # (as Keras 3's base config: only when there is one)
            config["activity_regularizer"] = config_value(self.activity_regularizer)
        return config

    @classmethod
    def from_config(cls, config: dict) -> Layer:
        """``cls(**config)``, as Keras; the base keys are left out for an ``__init__`` that cannot take them."""
        return cls(**accepted(cls, config))

    def __repr__(self) -> str:
        """Keras 3's: ``<Dense name=dense, built=False>`` (``print(model.layers)`` in course material shows it;
        ``model.summary()`` draws the model's structure)."""
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"


class _Calls:
    depth = 0  # how many Layer.forward calls are running (nested), to find the outermost one
    holding = 0  # how many layers hold losses from add_loss (so that calls without any skip the clearing)


class _Mode(threading.local):
    """The training mode of the layer calls running in this thread (Keras's call context, per thread as
    Keras keeps it): None outside any call, else the mode the innermost running call resolved."""

    training: bool | None = None
    scope: tuple = ()  # the layers whose calls are running, outermost first


_mode = _Mode()
