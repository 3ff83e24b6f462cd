"""``Model``: compile / fit / summary, the Keras way, on nabla's modules (evaluate and predict: evaluation.py;
files: file_methods.py; the choice of fit's step: step_choice.py).

A Model is a :class:`nabla.layers.Layer` (and so an ``nn.Module``): subclass
it, create layers in ``__init__`` and write ``call(inputs, training=None)``;
or use :class:`nabla.models.Sequential`. Training runs on NumPy arrays (or
Tensors) in mini-batches drawn from nabla's seeded generator.
"""

from __future__ import annotations

import contextlib
import math

from .. import callbacks as callbacks_module
from .. import optimizers
from .._engine import Tensor, no_grad
from .._engine import random as _random
from ..layers import Layer
from ..layers.build_config import record_batch_axis, unbuilt_layers
from ..strings import is_text_array
from ..symbolic import PROBE_LENGTHS, is_symbolic, probe_calls, probing
from ..utils.traceback_utils import warn
from . import structures
from .batches import SourceBatches, check_steps, fit_rows
from .compile_utils import (
    CompileLoss,
    bind_optimizer,
    compile_config,
    compile_loss,
    compile_metrics,
    compile_weighted_metrics,
    one_output_metrics,
)
from .data_adapter import as_input, blank_input, check_fit_arguments, sorted_logs
from .data_parallel import DataParallel
from .device_data import check_limit, on_device
from .evaluation import EvaluationMethods
from .file_methods import FileMethods
from .interrupt import StopOnInterrupt
from .keras2 import Keras2Methods
from .placement import Placement
from .sources import CappedPasses, epoch_batches
from .step_choice import StepChoice
from .step_methods import CompiledMetrics, StepMethods
from .steps import TrainingSteps, batch_logs
from .summary import print_summary

_FUNCTIONAL_SUBCLASSES: dict[type, type] = {}


def _functional_subclass(cls: type) -> type:
    """``cls`` (a subclass of Model) over a functional graph: a class deriving from ``cls`` and ``Functional``
    (Keras injects Functional into the subclass's bases; a derived class leaves yours as you wrote it)."""
    from .functional import Functional  # (functional.py builds on this module)

    if issubclass(cls, Functional):
        return cls
    if cls not in _FUNCTIONAL_SUBCLASSES:
        _FUNCTIONAL_SUBCLASSES[cls] = type(cls.__name__, (cls, Functional), {"__module__": cls.__module__})
    return _FUNCTIONAL_SUBCLASSES[cls]


def _functional_arguments(args: tuple, kwargs: dict) -> bool:
    """Whether Model's arguments are a functional model's ``(inputs, outputs)``, as Keras 3's
    ``functional_init_arguments`` reads them."""
    return len(args) >= 2 or (len(args) == 1 and "outputs" in kwargs) or {"inputs", "outputs"} <= kwargs.keys()


def _sample_shape(input_shape) -> tuple:
    """A batch shape to build with: one sample, and the functional probe's length for an unknown one."""
    return tuple((1 if i == 0 else PROBE_LENGTHS[0]) if s is None else s for i, s in enumerate(input_shape))


def _tensors(inputs) -> bool:
    """Whether ``inputs`` is a list or tuple of tensors (a model with several inputs; a string input's are
    arrays of text)."""
    return (isinstance(inputs, (list, tuple)) and bool(inputs)
            and all(isinstance(x, Tensor) or is_text_array(x) for x in inputs))  # fmt: skip


class Model(Placement, StepChoice, StepMethods, TrainingSteps, EvaluationMethods, Keras2Methods, FileMethods, Layer):
    """A trainable network with Keras's training API.

    Subclass example::

        class TwoLayer(Model):
            def __init__(self):
                super().__init__()
                self.hidden = Dense(16, activation="relu")
                self.out = Dense(1, activation="sigmoid")

            def call(self, inputs, training=None):
                return self.out(self.hidden(inputs))
    """

    def __new__(cls, *args, **kwargs):
        # Model(inputs, outputs) is a functional model, as in Keras (whose Model.__new__ does the same); so is a
        # subclass of yours given Keras Inputs (its train_step... over a functional graph, as Keras's guides do).
        inputs = args[0] if args else kwargs.get("inputs")
        if cls is Model and _functional_arguments(args, kwargs):
            from .functional import Functional  # (functional.py builds on this module)

            return super().__new__(Functional)
        if is_symbolic(inputs) and (len(args) >= 2 or "outputs" in kwargs):
            return super().__new__(_functional_subclass(cls))
        return super().__new__(cls, *args, **kwargs)  # (the arguments: for the automatic config)

    _lists_are_inputs = True  # fit's x as a list or tuple of arrays reaches call as one (input_structures.py)
    _weighted_identifiers: tuple | list = ()  # compile's weighted_metrics
    _unnamed_outputs = 0  # outputs of a model that declares none, known from compile's list of losses (structures.py)

    def __init__(self, *args, **kwargs):
        if _functional_arguments(args, kwargs):
            # Keras 3's "functional subclassing": a subclass whose __init__ builds a graph and calls
            # super().__init__(inputs=..., outputs=...) is a functional model (Keras injects Functional into the
            # subclass's bases; here the instance takes the derived class __new__ gives a subclass called on Inputs)
            from .functional import Functional  # (functional.py builds on this module)

            self.__class__ = _functional_subclass(type(self))
            Functional.__init__(self, *args, **kwargs)
            return
        self._init_trainer(*args, **kwargs)

    def _init_trainer(self, name: str | None = None, **kwargs):
        super().__init__(name=name, **kwargs)
        self.optimizer = None
        self._loss, self._compile_loss = None, None  # (model.loss: compile's argument; the loss computed)
        self._jit_compile, self._captured_step, self._captured_with = "auto", None, (None, None)
        self._jit_requested, self._run_eagerly = "auto", False  # compile's jit_compile and run_eagerly
        self.compiled_metrics = CompiledMetrics(model=self)
        self._outputs_metrics = None  # a CompileMetrics when the loss is per output (compile_utils.py)
        self.stop_training = False
        self.history = None
        self._compile_config = None
        self._build_input_shape = None
        self._data_parallel = None  # set while fit(distributed=True) runs (see data_parallel.py)

    # --- building ---------------------------------------------------------------

    def forward(self, inputs, *args, training: bool | None = None, **kwargs):
        structure = isinstance(inputs, dict)  # (the layers' call converts each array: Layer.forward)
        text = _tensors(inputs) and any(is_text_array(x) for x in inputs)
        if not isinstance(inputs, Tensor) and not (structure or is_symbolic(inputs) or _tensors(inputs)):
            inputs = as_input(self, inputs, "the input", keep_float64=True)  # (text passes for a text model)
            inputs = inputs if is_text_array(inputs) else Tensor._make(inputs)
        out = super().forward(inputs, *args, training=training, **kwargs)
        # The first call on data (not a probe batch: build, summary, fit's checks) records its batch size too, as
        # Keras 3 (summaries and input_shape show it); a subclass called on a list of inputs records their shapes
        if self._build_input_shape is None and not probing():  # (a failed call built nothing)
            if isinstance(inputs, Tensor):
                self._build_input_shape = tuple(inputs.shape)
            elif type(self)._lists_are_inputs and _tensors(inputs) and not text:
                self._build_input_shape = [tuple(x.shape) for x in inputs]
        return out

    def _ensure_built(self, input_shape: tuple) -> None:
        # A model's weights belong to its layers, which build themselves as the first call reaches them;
        # a subclass's own build(input_shape) runs first, as in Keras.
        if self.built:
            return
        self.built = True  # (before: a build of yours that calls super().build() runs the model once more)
        if type(self).build is not Model.build:
            try:
                self.build(input_shape)
            except BaseException:
                self.built = False
                raise

    def build(self, input_shape) -> None:
        """Create every weight by running a batch of zeros of ``input_shape`` (batch axis first) through: one
        sample, and an unknown length (``(None, None)``) of the functional probe's (16, see ``symbolic.py``)."""
        several = bool(input_shape) and isinstance(input_shape[0], (list, tuple))  # a list of shapes: one per input
        shapes = list(input_shape) if several else [input_shape]
        first = self._build_input_shape is None
        mode = self.training
        self.eval()
        fresh = [m for m in unbuilt_layers(self) if m is not self]
        with no_grad(), probe_calls():
            declared = getattr(self, "inputs", None) if several else None  # (a functional model's keras.Inputs)
            dtypes = [x.dtype for x in declared] if declared and len(declared) == len(shapes) else [None] * len(shapes)
            blanks = [blank_input(self, _sample_shape(shape), dtype) for shape, dtype in zip(shapes, dtypes)]
            self([b if is_text_array(b) else Tensor._make(b) for b in blanks] if several else blanks[0])
        self.train(mode)
        record_batch_axis(fresh, shapes[0][0] if len(shapes[0]) else None)  # (not the sample's 1, as Keras 3)
        if first:  # the shape given, unknown lengths included, as Keras records it (not the sample's)
            recorded = [tuple(shape) for shape in shapes]
            self._build_input_shape = recorded if several else recorded[0]

    def _maybe_build(self) -> None:
        """Build every lazy layer now if the input shape is known (Keras builds a Sequential with
        ``input_shape`` at once, so that counts and summaries are complete before any data)."""
        shape = getattr(self, "input_shape", None) or self._build_input_shape
        if shape is not None and any(isinstance(m, Layer) and not m.built for m in self.modules() if m is not self):
            self.build(shape)

    @property
    def layers(self) -> list[Layer]:
        return [m for m in self.children() if isinstance(m, Layer)]

    def get_layer(self, name: str | None = None, index: int | None = None) -> Layer:
        """A layer of the model by ``name`` or by position ``index`` (in ``model.layers``)."""
        if (name is None) == (index is None):
            raise ValueError("get_layer: give either name= or index=")
        if index is not None:
            if not -len(self.layers) <= index < len(self.layers):
                raise ValueError(f"get_layer: index {index} is out of range: the model has {len(self.layers)} layers")
            return self.layers[index]
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise ValueError(f"get_layer: no layer named {name!r}; the layers are {[layer.name for layer in self.layers]}")

    def count_params(self) -> int:
        """All weights, trainable or not (moving statistics included, as Keras counts them)."""
        self._maybe_build()
        return sum(w.size for w in self.weights)

    # --- compile ------------------------------------------------------------------

    def compile(
        self, optimizer="rmsprop", loss=None, metrics=None, loss_weights=None, weighted_metrics=None,
        run_eagerly: bool = False, jit_compile="auto", **kwargs,
    ) -> None:  # fmt: skip
        """Choose the optimizer, the loss and the metrics to report.

        ``optimizer``: "adam", "sgd", "rmsprop", "adagrad", "adamw" (with
        Keras's default hyper-parameters) or an optimizer such as
        ``nabla.optim.Adam(learning_rate=1e-3)``, which may be created without
        parameters: it is bound to the model's here or at the first fit.
        ``loss``: "mse", "mae", "huber", "binary_crossentropy",
        "categorical_crossentropy", "sparse_categorical_crossentropy", a
        :class:`nabla.losses.Loss` or a callable ``f(y_true, y_pred)``.
        ``metrics``: names such as "accuracy", "mae", "auc", or metric objects
        (updated in place), not weighted by ``sample_weight`` or ``class_weight``
        (as Keras); ``weighted_metrics`` are (``weighted_<name>`` on a clash).
        A model of several outputs takes a loss and metrics per output (a list,
        or a dict keyed by output name) and ``loss_weights``: see
        :mod:`nabla.keras.models.compile_utils`.
        ``jit_compile``: whether ``fit`` runs its training step through
        :func:`nabla.capture` (recorded once, then replayed as NumPy code,
        the same numbers faster). "auto" (the default, as in Keras) captures
        when the model allows it and trains eagerly otherwise (BatchNorm,
        GaussianNoise, a layer that reads values into Python, a loss that is
        your own function); True captures anyway and raises what the capture
        refuses; False, or ``run_eagerly=True``, always trains eagerly: Python
        inside layers then runs at every step (prints, breakpoints).
        """
        if kwargs:
            raise TypeError(f"compile: unexpected arguments {sorted(kwargs)}")
        if jit_compile not in (True, False, "auto"):
            raise ValueError(f"compile: jit_compile must be True, False or 'auto', got {jit_compile!r}")
        if not isinstance(run_eagerly, bool):
            raise TypeError(f"compile: run_eagerly must be True or False, got {run_eagerly!r}")
        # Everything is resolved before anything is set, so a failed compile leaves the model as it was.
        resolved_optimizer = optimizers.get(optimizer)
        resolved_loss = None if loss is None else compile_loss(self, loss, loss_weights)
        metric_identifiers, self._outputs_metrics = compile_metrics(resolved_loss, metrics)
        weighted_identifiers = compile_weighted_metrics(resolved_loss, weighted_metrics)
        self.optimizer, self._metric_identifiers = resolved_optimizer, metric_identifiers
        self._loss, self._compile_loss = loss, resolved_loss  # (model.loss: the argument, as Keras 3's)
        self._weighted_identifiers = weighted_identifiers
        self._unnamed_outputs = len(resolved_loss.names) if getattr(resolved_loss, "loss_names", None) else 0
        self.compiled_metrics = CompiledMetrics(model=self)  # resolved at the first batch (the output's shape)
        self._compiled = True
        self._jit_requested, self._run_eagerly = jit_compile, run_eagerly
        self._choose_step()
        self._captured_with = (self.optimizer, self._compile_loss)  # a replay keeps calling these objects
        self._compile_config = compile_config(  # (the metrics per output, for a model of several)
            optimizer, self.optimizer, loss, resolved_loss, self._outputs_metrics or metric_identifiers,
            weighted_identifiers, loss_weights, self._jit_compile, run_eagerly,
        )
        self._maybe_build()
        if any(True for _ in self.parameters()):
            self._bind_optimizer()

    def _bind_optimizer(self) -> None:
        """Give the optimizer the model's weights (see :func:`compile_utils.bind_optimizer`)."""
        bind_optimizer(self.optimizer, self.parameters())

    def _resolve_metrics(self, output) -> None:
        """Build the metrics from the first outputs (a Tensor, or a list of them)."""
        if self._outputs_metrics is not None:
            if self._outputs_metrics.metrics is None:  # once: setting an attribute at every batch defeats capture
                self._outputs_metrics.resolve([o.shape for o in structures.listed(output)])
                self.compiled_metrics = CompiledMetrics(self._outputs_metrics.flat, self)
        elif not self.compiled_metrics and (self._metric_identifiers or self._weighted_identifiers):
            metrics, weighted = one_output_metrics(
                self._metric_identifiers, self._weighted_identifiers, self._compile_loss, output.shape
            )
            self.compiled_metrics = CompiledMetrics(metrics, self, weighted=weighted)

    @property
    def compiled(self) -> bool:
        """Whether ``compile`` was called (Keras 3's ``model.compiled``)."""
        return self._compiled

    def _require_compiled(self, who: str) -> None:
        if not self._compiled:
            raise RuntimeError(f"{who}: the model is not compiled; call model.compile(optimizer=..., loss=...) first")

    # --- fit -------------------------------------------------------------------------------

    def fit(
        self,
        x=None,
        y=None,
        batch_size: int | None = 32,
        epochs: int = 1,
        verbose="auto",
        callbacks=None,
        validation_split: float = 0.0,
        validation_data=None,
        shuffle: bool = True,
        class_weight=None,
        sample_weight=None,
        initial_epoch: int = 0,
        distributed: bool = False,
        steps_per_epoch: int | None = None,
        validation_steps: int | None = None,
        validation_batch_size: int | None = None,
        device_data_limit: int | None = None,
    ):
        """Train for ``epochs`` passes over ``(x, y)`` in mini-batches; returns a ``History``.

        Each step calls the model with ``training=True`` (Dropout active, BatchNormalization on the
        batch's statistics), as Keras's ``fit``; the validation at each epoch's end with False.

        ``validation_split``: the fraction of the data held out for
        validation. As in Keras, it is the *last* fraction of x and y, taken
        **before** shuffling: sort or shuffle the data yourself if its order
        is meaningful (e.g. grouped by class). ``validation_data=(x_val,
        y_val)`` overrides it; it is evaluated in batches of ``validation_batch_size`` (default
        ``batch_size``), a dataset or generator in its own batches, as Keras does. Each epoch visits
        the training samples in a fresh random order (``shuffle=True``) from nabla's seeded generator.

        ``verbose``: 0 silent, 1 a live progress bar per epoch, 2 one line per
        epoch, "auto" = 1 on a terminal and 2 otherwise (logs, CI).

        Ctrl-C stops cleanly after the current batch: the weights and the
        history so far are kept, and the History is returned.

        ``x`` may be a ``nabla.data`` dataset of ``(x, y[, sample_weight])``
        samples with ``y=None``, in memory or on disk, read a batch at a time
        (:mod:`nabla.keras.models.sources`). ``distributed=True`` trains
        data-parallel under ``mpiexec -n N`` or ``nabla train --np N``
        (``batch_size`` is the global batch; the steps and logs are one
        process's; no launcher, no change): see
        :mod:`nabla.keras.models.data_parallel` and docs/distributed.md.

        ``x``, ``y``: arrays, Tensors or lists (a 1-D x is a column for a one-feature model); or ``x`` a
        generator, PyDataset or DataLoader of ``(x, y[, sample_weight])`` batches, ``steps_per_epoch`` per
        epoch, and ``validation_data`` too, ``validation_steps`` (see :mod:`nabla.keras.models.batches`);
        ``steps_per_epoch`` on arrays splits their passes into epochs as Keras 3 (see ``sources.CappedPasses``).
        A functional model of several inputs or outputs takes one array per input and per output, as lists
        or dicts keyed by name (see :mod:`nabla.keras.models.structures`). On a model moved with ``.to(device)``,
        arrays within ``device_data_limit`` bytes are copied there once, not a batch at a time (None: a quarter
        of the device's free memory where its library says, else 1 GiB; see :mod:`.device_data`).
        """
        self._require_compiled("fit")
        batch_size = check_fit_arguments(batch_size, epochs, validation_split)
        check_steps(steps_per_epoch, "fit: steps_per_epoch")
        check_steps(validation_steps, "fit: validation_steps")
        data_limit = check_limit(device_data_limit)
        if distributed and (isinstance(self._compile_loss, CompileLoss) or structures.several_inputs(self)):
            raise ValueError("fit: distributed=True trains models of one input and one output")
        rows, validation, validation_source_batch = fit_rows(
            self, x, y, sample_weight, class_weight, validation_split, validation_data,
            steps_per_epoch, validation_steps,
        )  # fmt: skip
        if not distributed:  # (distributed fits share their batches on the host)
            rows, validation = on_device(self, rows, validation, data_limit)
        custom = self._custom_steps()
        if custom and distributed:
            raise ValueError("fit: distributed=True trains through the built-in step, not a train_step of yours")
        parallel = DataParallel(self).start(rows.take(slice(0, 1))[0]) if distributed else None
        part = None if parallel is None else parallel.part  # this rank's share of each batch

        def new_order():
            order = rows.epoch_order(_random.generator()) if shuffle else None
            return order if parallel is None else parallel.order(order)

        validation_batch = validation_source_batch or validation_batch_size or batch_size
        steps = rows.steps if isinstance(rows, SourceBatches) else math.ceil(len(rows) / batch_size)
        capped = None
        if steps_per_epoch is not None and not isinstance(rows, SourceBatches):
            capped, steps = CappedPasses(rows, batch_size, steps_per_epoch, part), steps_per_epoch
        history = callbacks_module.History()
        cbs = list(callbacks or [])
        if parallel is not None:
            verbose, cbs = parallel.verbose(verbose), parallel.callbacks(cbs)
        if callbacks_module.resolve_verbose(verbose):
            cbs.append(callbacks_module.ProgbarLogger())
        cblist = callbacks_module.CallbackList(cbs + [history], model=self)
        # (``verbose`` as given, "auto" included, as Keras keeps it in history.params; Keras's order)
        cblist.set_params({"verbose": verbose, "epochs": epochs, "steps": steps})
        self.stop_training = False
        self.history = history
        logs: dict = {}
        train_batch = self._train_batch if parallel is None else parallel.train_batch
        with StopOnInterrupt() as interrupt, parallel or contextlib.nullcontext():
            cblist.on_train_begin()
            for epoch in range(initial_epoch, epochs):
                self.reset_metrics()
                cblist.on_epoch_begin(epoch)
                seen, total = 0, 0.0
                # Unshuffled batches of arrays are slices: views of x, not copies.
                epoch_rows = capped.epoch(new_order) if capped else epoch_batches(rows, new_order(), batch_size, part)
                with contextlib.closing(epoch_rows) as batches:
                    for step, (count, batch) in enumerate(batches):
                        cblist.on_train_batch_begin(step)
                        seen += count
                        if custom:
                            logs = self._run_train_step(*batch)
                        else:
                            total += train_batch(*batch) * count
                            logs = batch_logs(total, seen, self._metric_logs())
                        cblist.on_train_batch_end(step, logs)
                        if parallel is not None:  # the ranks stop together
                            parallel.agree(interrupt, self)
                        if interrupt.requested or self.stop_training:
                            break
                if not seen:  # a generator that has ended (Keras warns and stops too)
                    warn("fit: the generator ran out of data, so training stops: give steps_per_epoch= to split it")
                    break
                if validation is not None and not interrupt.requested:
                    # Keras's fit evaluates with its callbacks: the test hooks see the logs without "val_"
                    cblist.on_test_begin()
                    validated = self._evaluate_arrays(*validation[:2], validation_batch, validation[2], cblist=cblist)
                    cblist.on_test_end(sorted_logs(validated))
                    logs.update(sorted((f"val_{name}", value) for name, value in validated.items()))
                cblist.on_epoch_end(epoch, logs)
                if parallel is not None:
                    parallel.agree(interrupt, self)
                if interrupt.requested:
                    warn("fit interrupted by Ctrl-C: stopped after the current batch")
                    break
                if self.stop_training:
                    break
            cblist.on_train_end(logs)
        return history

    # --- weights and files ---------------------------------------------------------------------

    def _ordered_weights(self) -> list[Tensor]:
        self._maybe_build()
        return super()._ordered_weights()

    def summary(self, line_length: int | None = None, positions=None, print_fn=None, expand_nested: bool = False,
                show_trainable: bool = False, layer_range=None) -> None:  # fmt: skip
        """Print the layer table: output shapes, parameter counts, totals, as Keras 3's ``summary`` (the
        arguments: :func:`.summary.print_summary`)."""
        print_summary(self, line_length, positions, print_fn, expand_nested, show_trainable, layer_range)
