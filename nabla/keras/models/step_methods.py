"""Keras 3's overridable steps: ``train_step``, ``test_step``, ``predict_step``, ``compute_loss``,
``compute_metrics`` and ``metrics``, as the guide "Customizing what happens in fit()" writes them.

A model that overrides any of them trains through them: ``fit`` calls ``train_step(data)`` on each batch
(``data`` is ``(x, y)``, or ``(x, y, sample_weight)`` when weights are given, as Tensors on the model's
device) and logs the dict it returns; ``evaluate`` and the validation call ``test_step``; ``predict``
calls ``predict_step``. The defaults do what Keras 3's do: the forward pass, :meth:`compute_loss` (the
compiled loss plus the layers' penalties), the loss tracker (``Mean(name="loss")`` weighted by the batch
size), the gradient step, and :meth:`compute_metrics`. ``self.metrics`` is the loss tracker, the
compiled metrics and the metrics set as attributes of the model (``self.mae_metric =
keras.metrics.MeanAbsoluteError()``), in that order; ``fit`` and ``evaluate`` call
``reset_metrics()`` at each epoch's and evaluation's start.

A ``train_step`` of yours may use a ``tf.GradientTape`` (``nabla.tf``) and
``self.optimizer.apply_gradients(zip(grads, self.trainable_variables))``, as TensorFlow-backend material
does, or nabla's own ``loss.backward()`` and ``self.optimizer.step()``. Keras 2's ``self.compiled_loss(y,
y_pred, regularization_losses=...)`` and ``self.compiled_metrics.update_state(y, y_pred)`` work too (with
the deprecation warning Keras 3 gives). Differences from Keras: the steps run eagerly (Keras traces them
with ``tf.function``; nabla's ``jit_compile`` captures only the built-in step), the epoch's logs are the
last batch's as Keras's (so a step of yours returns running means, as the metrics give), and a model of
several outputs keeps its per-output metrics out of ``self.metrics``.
"""

from __future__ import annotations

import inspect
import warnings

import numpy as np

from .._engine import Tensor, devices, no_grad
from ..differentiation import training_step
from ..layers.layer import Layer
from ..metrics.metric import Metric
from ..metrics.reduction_metrics import Mean
from ..utils.data_packing import pack_x_y_sample_weight, unpack_x_y_sample_weight
from . import structures
from .data_adapter import unwrap

# The methods whose override sends fit, evaluate and predict through the steps of this module.
OVERRIDABLE = ("train_step", "test_step", "predict_step", "compute_loss", "compute_metrics", "metrics", "reset_metrics")


def _logged(value):
    """A log's value as a float (or a float array for a metric of one value per class)."""
    if isinstance(value, Tensor):
        value = value.numpy()
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)


def _host(data):
    """Tensors (or a list of them) as host arrays (a sigmoid's or softmax's output's remembering its logits, for
    the metrics: see :func:`.structures.metric_arrays`); arrays and None as they are."""
    if isinstance(data, (list, tuple)):
        return [_host(d) for d in data]
    return structures.metric_arrays(data) if isinstance(data, Tensor) else data


class CompiledMetrics(list):
    """The metrics given to ``compile`` (a list: ``metrics``, then ``weighted_metrics``), with Keras 2's
    ``update_state(y, y_pred)`` on all of them.

    ``log_names`` are the metrics' keys in the logs, Keras 3's: a weighted metric whose name an earlier
    metric has is logged as ``weighted_<name>`` (``metrics=["accuracy"], weighted_metrics=["accuracy"]``).
    """

    def __init__(self, metrics=(), model=None, weighted=()):
        super().__init__([*metrics, *weighted])
        self._model = model
        self.weighted = {id(m) for m in weighted}
        self.log_names = []
        for m in self:
            name = m.name if m.name not in self.log_names or id(m) not in self.weighted else f"weighted_{m.name}"
            self.log_names.append(name)
        self.listed = [m if id(m) in self.weighted else UnweightedMetric(m) for m in self]  # as model.metrics has them

    def update_state(self, y, y_pred, sample_weight=None) -> None:
        """Keras 2's ``model.compiled_metrics.update_state``: deprecated in Keras 3 (use :meth:`compute_metrics`)."""
        warnings.warn(
            "model.compiled_metrics.update_state() is deprecated (Keras 3): use model.compute_metrics(x, y, y_pred, "
            "sample_weight), or update each of model.metrics",
            DeprecationWarning,
            stacklevel=2,
        )
        self._model.compute_metrics(None, y, y_pred, sample_weight)


class UnweightedMetric:
    """A metric given to ``compile(metrics=...)`` as ``model.metrics`` lists it: its ``update_state`` leaves out
    a ``sample_weight``. Keras 3 lists these in its "compile_metrics" container, which weighs only the
    ``weighted_metrics``, so a ``train_step`` that updates every metric of ``self.metrics`` with
    ``sample_weight=`` (keras.io's custom train_step guide) gets them unweighted; everything else is the metric's."""

    def __init__(self, metric):
        self._metric = metric

    @property
    def __class__(self):  # isinstance(m, keras.metrics.Mean) and the like still see the metric's class
        return type(self._metric)

    def update_state(self, y_true, y_pred, sample_weight=None):
        return self._metric.update_state(y_true, y_pred)

    def __getattr__(self, name):
        return getattr(self._metric, name)


class StepMethods:
    """Keras 3's step methods (see the module docstring); mixed into :class:`.model.Model`."""

    _compiled = False  # set by compile

    @property
    def _loss_tracker(self) -> Mean:
        tracker = self.__dict__.get("_loss_tracker_metric")
        if tracker is None:
            tracker = self.__dict__["_loss_tracker_metric"] = Mean(name="loss")
        return tracker

    @property
    def metrics(self) -> list:
        """The loss tracker, the compiled metrics, then the metrics set as the model's attributes (as Keras)."""
        compiled = [] if self._outputs_metrics is not None else self.compiled_metrics.listed
        return [self._loss_tracker, *compiled, *self._own_metrics()]

    def _own_metrics(self) -> list:
        """The metrics set as attributes of the model (``self.reconstruction_mean = keras.metrics.Mean()``), then
        of its layers, depth first (keras.io's endpoint layer pattern: a layer holding
        ``self.accuracy_fn = keras.metrics.BinaryAccuracy(name="accuracy")`` and updating it in ``call``).

        As Keras 3's ``Trainer.metrics``: a nested model's own metrics are left out (it is a trainer of its
        own), the metrics of the layers inside it are not. Each metric is listed once (Keras lists a metric
        of a layer nested two deep twice; its logs, a dict by name, hold it once either way)."""
        found = [v for k, v in vars(self).items() if isinstance(v, Metric) and k != "_loss_tracker_metric"]
        for layer in self.modules():
            if layer is not self and not isinstance(layer, StepMethods):
                found += [v for v in vars(layer).values() if isinstance(v, Metric)]
        return list({id(m): m for m in found}.values())

    @property
    def metrics_names(self) -> list[str]:
        """Keras 3's names of its ``model.metrics``: once compiled, ``"loss"`` and ``"compile_metrics"`` (Keras keeps
        the metrics given to ``compile`` in one container of that name; nabla's :attr:`metrics` lists them one by
        one), each output's loss of a model of several once it has run (``"a_loss"``), then the metrics set as
        the model's attributes. The logs of ``fit`` and ``evaluate`` name each metric."""
        names = ["loss"] if self._compiled else []
        several = self._outputs_metrics
        given = getattr(self, "_metric_identifiers", None) or self._weighted_identifiers
        if given or (several and any(several.identifiers)):
            names.append("compile_metrics")
        if several is not None and several.metrics is not None and len(several.loss.names) > 1:
            names += dict.fromkeys(f"{name}_loss" for name, loss in zip(several.loss.log_names, several.loss.losses)
                                   if loss is not None)  # fmt: skip
        return names + [m.name for m in self._own_metrics()]

    def reset_metrics(self) -> None:
        """Reset every metric of :attr:`metrics` (``fit`` calls this at each epoch's start)."""
        self._reset_metrics()
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self) -> dict:
        """``{name: result}`` of :attr:`metrics`."""
        return {m.name: m.result() for m in self.metrics}

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training: bool = True) -> Tensor:
        """The compiled loss of ``(y, y_pred)`` plus the layers' penalties (``self.losses``), a scalar Tensor;
        the penalties alone when ``compile`` had no loss (a ValueError when there are none either)."""
        return self._loss_value(y, unwrap(y_pred), sample_weight)

    def _compute_loss(self, x, y, y_pred, sample_weight, training: bool) -> Tensor:
        # An override written before Keras 3.3 has no `training` parameter.
        if "training" in inspect.signature(self.compute_loss).parameters:
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return self.compute_loss(x, y, y_pred, sample_weight)

    def compiled_loss(self, y, y_pred, sample_weight=None, regularization_losses=None) -> Tensor:
        """Keras 2's ``model.compiled_loss``: :meth:`compute_loss`, and the loss tracker updated with it.

        NOTE: as Keras 2 (TF <= 2.15) did, so that the "loss" of ``self.metrics`` is the loss in material
        written for it; Keras 3's shim leaves the tracker alone (then its ``compiled_metrics.update_state``
        feeds the tracker the predictions' mean, which is what Keras 3 logs as "loss" there).
        """
        warnings.warn(
            "model.compiled_loss() is deprecated (Keras 3): use model.compute_loss(x, y, y_pred, sample_weight)",
            DeprecationWarning,
            stacklevel=2,
        )
        loss = self.compute_loss(None, y, y_pred, sample_weight)
        self._loss_tracker.update_state(loss.item(), sample_weight=structures.count(y))
        return loss

    def compute_metrics(self, x, y, y_pred, sample_weight=None) -> dict:
        """Update the compiled metrics with ``(y, y_pred)``; return :meth:`get_metrics_result`."""
        y_pred = unwrap(y_pred)
        self._resolve_metrics(y_pred)
        with no_grad():
            self._update_metrics(_host(y), _host(y_pred), _host(sample_weight))
        return self.get_metrics_result()

    def train_step(self, data) -> dict:
        """One training batch as Keras 3's: forward, :meth:`compute_loss`, gradient step, :meth:`compute_metrics`."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with training_step():  # (TensorFlow functions in the layers record, as on Keras's GradientTape)
            y_pred = self(x, training=True)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=True)
        self._loss_tracker.update_state(loss.item(), sample_weight=structures.count(x))
        self.optimizer.zero_grad()
        if loss.requires_grad:
            loss.backward()
            self.optimizer.step()
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data) -> dict:
        """One evaluation batch as Keras 3's: forward in inference mode, loss, tracker, metrics."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with no_grad():
            y_pred = self(x, training=False)
            loss = self._compute_loss(x, y, y_pred, sample_weight, training=False)
        self._loss_tracker.update_state(loss.item(), sample_weight=structures.count(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs for one batch of inputs, in inference mode."""
        x, _, _ = unpack_x_y_sample_weight(data)
        return self(x, training=False)

    # --- how fit, evaluate and predict call them --------------------------------------------------

    def _custom_steps(self) -> bool:
        """Whether a subclass overrides one of the step methods (then fit and evaluate go through them)."""
        from .model import Model  # (model.py builds on this module)

        return any(getattr(type(self), name) is not getattr(Model, name) for name in OVERRIDABLE)

    def _needs_targets(self) -> bool:
        """Whether fit's data must hold targets: not when the model computes its own loss (a step method of
        its own, or no compiled loss and add_loss terms), where Keras 3 takes batches of x alone."""
        return self._compile_loss is not None and not self._custom_steps()

    def _step_data(self, x, y, sample_weight) -> tuple:
        """A batch as a step's ``data``: Tensors on the model's device, the weights only when given; x alone
        (a list of inputs as ``(x,)``) when there is no y, as Keras's ``pack_x_y_sample_weight``."""
        y = None if y is None else self._placed(y)
        weights = None
        if sample_weight is not None:  # (weights fit keeps on the model's device are float32 there already)
            weights = self._placed(sample_weight if devices.is_foreign(sample_weight) else
                                   np.asarray(sample_weight, dtype=np.float32))  # fmt: skip
        return pack_x_y_sample_weight(self._placed(x), y, weights)

    def _run_train_step(self, x, y, sample_weight) -> dict:
        """fit's batch through :meth:`train_step`: its logs as floats."""
        self.train()
        return self._step_logs(self.train_step(self._step_data(x, y, sample_weight)), "train_step")

    def _run_test_step(self, x, y, sample_weight) -> dict:
        self.eval()
        self._metrics_before_steps(x, y)
        return self._step_logs(self.test_step(self._step_data(x, y, sample_weight)), "test_step")

    def _metrics_before_steps(self, x, y) -> None:
        """Build the compiled metrics, from the model's output on two samples, before a ``test_step`` of yours
        loops over ``self.metrics`` (evaluate without a fit first): Keras's compiled metrics are in
        ``self.metrics`` from ``compile`` on, and build at their first update."""
        pending = (self._outputs_metrics.metrics is None if self._outputs_metrics is not None else
                   not self.compiled_metrics and (self._metric_identifiers or self._weighted_identifiers))  # fmt: skip
        if y is None or not pending or type(self).call is Layer.call:  # (no call: they build at the first update)
            return
        with no_grad():
            self._resolve_metrics(unwrap(self(self._placed(structures.take(x, slice(0, 2))), training=False)))

    def _evaluate_steps(self, x, y, batch_size: int, sample_weight, cblist) -> dict:
        """evaluate's batches through :meth:`test_step`: the last batch's logs (running means), as Keras."""
        logs = {}
        n = structures.count(x)
        for step, start in enumerate(range(0, n, batch_size)):
            if cblist:
                cblist.on_test_batch_begin(step)
            batch = (structures.take(part, slice(start, min(start + batch_size, n))) for part in (x, y, sample_weight))
            logs = self._run_test_step(*batch)
            if cblist:
                cblist.on_test_batch_end(step, logs)
        return logs

    @staticmethod
    def _step_logs(logs, who: str) -> dict:
        if not isinstance(logs, dict):
            raise TypeError(f"{who} must return a dict of logs such as {{'loss': loss}}, got {type(logs).__name__}")
        flat = {}
        for name, value in logs.items():  # a metric whose result is a dict adds its entries (as Keras)
            entries = value if isinstance(value, dict) else {name: value}
            flat.update({k: _logged(v) for k, v in entries.items()})
        return flat
