"""The training and test steps of a Keras model: one batch's loss, gradient step and metrics.

:class:`TrainingSteps` is a part of :class:`nabla.keras.Model` (its ``fit``, ``evaluate`` and
``train_on_batch`` run these): the loss with the layers' penalties, the step that ``jit_compile``
captures, the metrics' updates and logs, and the checks run on the first samples before training.
"""

from __future__ import annotations

import numpy as np

from .._engine import CaptureError, Tensor, capture, ieee_arithmetic, ieee_results, no_grad
from ..activation_logits import logits_of, remember_logits
from ..differentiation import training_step
from ..layers import masking
from ..layers.layer import Layer
from ..metrics.reduction_metrics import MeanMetricWrapper
from ..utils.traceback_utils import warn
from . import structures
from .checks import ModelConfigWarning, check_arrays, check_before_training
from .compile_utils import CompileLoss, try_metrics
from .data_adapter import sorted_logs, unwrap


def _log_value(value):
    """A metric's result for the logs: a float, or a float array (one value per class or threshold)."""
    return float(value) if np.ndim(value) == 0 else np.asarray(value, dtype=np.float64)


def mean_loss(total: float, seen: int) -> float:
    """The running loss of ``fit`` and ``evaluate``, ``total / seen``, as Keras logs it: the float32 result of
    its loss tracker (a ``Mean`` metric) made a Python float, so printed logs show float32 values as Keras's."""
    return float(np.float32(total / max(seen, 1)))


def batch_logs(total: float, seen: int, metric_logs: dict) -> dict:
    """A batch's logs: the running loss and the metrics, in name order as Keras on TensorFlow logs them (its
    ``tf.function`` sorts a dict)."""
    return sorted_logs({"loss": mean_loss(total, seen), **metric_logs})


def _graph_free(out):
    """``out`` (a tensor, or a list, tuple or dict of them) detached. The loss of a
    sigmoid's or softmax's output is computed from the logits behind it (as Keras on TensorFlow, see
    :mod:`..activation_logits`), so backward never walks the output's own node, which a captured step
    cannot return (its replays return values without a graph)."""
    if isinstance(out, dict):
        return {k: _graph_free(v) for k, v in out.items()}
    if isinstance(out, (list, tuple)):
        return type(out)(_graph_free(v) for v in out)
    return out.detach() if isinstance(out, Tensor) else out


def _logits_beside(out) -> list:
    """The logits each output remembers (:mod:`..activation_logits`), detached, or None: a step returns them
    beside its outputs for the metrics, since a captured step's replay returns the values alone."""
    return [None if logits_of(o) is None else logits_of(o).detach() for o in structures.listed(out)]


def _remember_logits(out, logits: list) -> None:
    for o, behind in zip(structures.listed(out), logits):
        if behind is not None:
            remember_logits(o, behind)


NO_LOSS = (
    "no loss to compute: give loss= to compile(), add one in a layer with self.add_loss(...), "
    "or write a train_step of your own"
)


class TrainingSteps:
    """One batch of training or evaluation (see the module docstring); mixed into :class:`.model.Model`."""

    def _loss_value(self, y, out: Tensor, sample_weight) -> Tensor:
        """The compiled loss plus the layers' penalties (``self.losses``); with no compiled loss, the penalties
        alone (a model that computes its loss with ``add_loss``, as Keras 3 trains it)."""
        terms = ([] if self._compile_loss is None else [self._compile_loss(y, out, sample_weight)]) + list(self.losses)
        if not terms:
            raise ValueError(NO_LOSS)
        total = terms[0]
        for term in terms[1:]:
            total = total + term
        return total

    def _update_metrics(self, y, out: np.ndarray, sample_weight, mask=None) -> None:
        """Update the compiled metrics; ``mask``, the output's (see :mod:`..layers.masking`), weighs the
        steps of the mean metrics (accuracy, mae...) as Keras 3's ``MeanMetricWrapper`` does. Targets and
        weights that ``fit`` keeps on the model's device come back to the host with the outputs."""
        y, sample_weight = structures.on_host(y), structures.on_host(sample_weight)
        if self._outputs_metrics is not None:
            return self._outputs_metrics.update(y, out, sample_weight)
        if self._data_parallel is not None and self.compiled_metrics:  # the whole batch, from every rank
            y, out, sample_weight = self._data_parallel.whole_batch(y, out, sample_weight)
        for m in self.compiled_metrics:
            # As Keras: only weighted_metrics see sample_weight (and class_weight, which fit turns into it).
            weight = sample_weight if id(m) in self.compiled_metrics.weighted else None
            if mask is not None and isinstance(m, MeanMetricWrapper):
                m.update_state(*masking.masked_metric_batch(y, out, mask, weight))
            else:
                m.update_state(y, out, sample_weight=weight)

    def _metric_logs(self, prefix: str = "") -> dict:
        """The compiled metrics' results, then those of the metrics the model holds as attributes, which its
        ``call`` updates (Keras 3 logs every metric of ``model.metrics``; Géron's reconstruction error)."""
        own = {prefix + m.name: _log_value(m.result()) for m in self._own_metrics()}
        if self._outputs_metrics is not None:
            return {**self._outputs_metrics.logs(prefix), **own}
        # A float per metric; an array where a metric has one value per class or threshold (as Keras).
        metrics = self.compiled_metrics
        return {**{prefix + name: _log_value(m.result()) for name, m in zip(metrics.log_names, metrics)}, **own}

    def _reset_metrics(self) -> None:
        if self._outputs_metrics is not None:
            self._outputs_metrics.reset()
        for m in self.compiled_metrics:
            m.reset_state()

    def _step(self, x: np.ndarray, y: np.ndarray, sample_weight) -> tuple[Tensor, Tensor, Tensor | None, list]:
        """One gradient step: (loss, outputs, the outputs' mask, the logits behind them: see
        :func:`_logits_beside`). The part of a training batch that ``jit_compile`` captures (with the model in
        training mode: the replays run the step recorded with ``training=True``). The mask and the logits are
        returned, not left beside the outputs (see :mod:`..layers.masking`, :mod:`..activation_logits`): a
        replay's outputs are new tensors, which those tables do not know."""
        with training_step():  # (TensorFlow functions in the layers record, as on Keras's GradientTape)
            out = unwrap(self(self._placed(x), training=True))
            loss = self._loss_value(y, out, sample_weight)
        self.optimizer.zero_grad()
        if loss.requires_grad:  # False when every weight is frozen: nothing to update (Keras warns and goes on)
            loss.backward()
            self.optimizer.step()
        return loss, _graph_free(out), masking.get_mask(out), _logits_beside(out)

    def _flat_step(self, layout: tuple, *arrays):
        """:meth:`_step` on arrays given one by one (what the capture keys its programs on): see
        :func:`.structures.flatten_batch`."""
        return self._step(*structures.unflatten_batch(layout, arrays))

    # The built-in steps run under the backward walk's error state (ieee_arithmetic): a diverging training's inf
    # and NaN are its losses and metrics, without NumPy's warnings, as Keras's; one context a batch (~1 us).
    # Callbacks, data generators and a train_step of yours keep the caller's error state, as in Keras.
    @ieee_results
    def _train_batch(self, x: np.ndarray, y: np.ndarray, sample_weight) -> float:
        self.train()
        step = self._captured_step if self._placement == "cpu" else None  # (replays are NumPy code)
        recorded_optimizer, recorded_loss = self._captured_with
        if step is not None and (recorded_optimizer is not self.optimizer or recorded_loss is not self._compile_loss):
            # model.optimizer or model.loss was replaced after compile: record the step with the new ones
            step = self._captured_step = capture(self._flat_step)
            self._captured_with = (self.optimizer, self._compile_loss)
        if step is None:
            loss, out, mask, logits = self._step(x, y, sample_weight)
        else:
            try:
                loss, out, mask, logits = step(*structures.flatten_batch(x, y, sample_weight))
            except CaptureError:
                if self._jit_compile is True:
                    raise
                # "auto": this model cannot be captured (the error was raised before any weight changed).
                self._captured_step = None
                loss, out, mask, logits = self._step(x, y, sample_weight)
        _remember_logits(out, logits)
        self._resolve_metrics(out)
        with no_grad():
            self._update_metrics(y, structures.metric_arrays(out), sample_weight, mask)
        return loss.item()

    @ieee_results
    def _test_batch(self, x: np.ndarray, y: np.ndarray, sample_weight) -> float:
        self.eval()
        with no_grad():
            out = unwrap(self(self._placed(x), training=False))
            self._resolve_metrics(out)
            loss = self._loss_value(y, out, sample_weight)
            self._update_metrics(y, structures.metric_arrays(out), sample_weight, masking.get_mask(out))
        return loss.item()

    def train_on_batch(self, x, y, sample_weight=None, class_weight=None, return_dict: bool = False):
        """One gradient step on one batch; returns the loss (and metrics) of that batch."""
        self._require_compiled("train_on_batch")
        x, y = structures.model_inputs(self, x, keep_float64=True), structures.model_targets(self, y)
        self._prepare_for_batch(x, y)
        self.reset_metrics()
        weights = structures.sample_weights_for(self, y, sample_weight, class_weight)
        if self._custom_steps():
            logs = self._run_train_step(x, y, weights)
        else:
            logs = {"loss": self._train_batch(x, y, weights), **self._metric_logs()}
        return sorted_logs(logs) if return_dict else self._as_list(logs)

    def test_on_batch(self, x, y, sample_weight=None, return_dict: bool = False):
        """Loss (and metrics) of one batch, without training."""
        self._require_compiled("test_on_batch")
        x, y = structures.model_inputs(self, x, keep_float64=True), structures.model_targets(self, y)
        self.reset_metrics()
        if self._custom_steps():
            logs = self._run_test_step(x, y, sample_weight)
        else:
            logs = {"loss": self._test_batch(x, y, sample_weight), **self._metric_logs()}
        return sorted_logs(logs) if return_dict else self._as_list(logs)

    def predict_on_batch(self, x):
        """The model's outputs for one batch ``x`` (as :meth:`predict` takes it), in inference mode, as NumPy
        arrays: what :meth:`predict` returns, without cutting ``x`` into batches or reporting progress."""
        x = structures.model_inputs(self, x, "x", keep_float64=True)
        mode = self.training
        self.eval()
        with no_grad(), ieee_arithmetic():
            out = unwrap(self.predict_step((self._placed(x),)))
        self.train(mode)
        return structures.shaped_like_outputs(self, structures.arrays_of(out))

    # --- checks before training ----------------------------------------------------------

    def _prepare_for_batch(self, x, y) -> None:
        """:meth:`_prepare` for ``train_on_batch``, which loops call at every batch: done again only when the
        batch's shapes or dtypes, the loss, the optimizer or the weights changed since the last batch it
        checked (then a clean batch of the same shapes passes the same checks). Its probe, a forward pass of
        two samples, cost 40% of a captured LSTM step over 128 time steps. NaN or infinite inputs are still
        refused at every batch."""
        flat = structures.flatten_batch(x, y, None)[1:]
        parameters = [id(p) for p in self.parameters()]
        key = (self._compile_loss, self.optimizer, parameters, [(a.shape, a.dtype) for a in flat])
        if key != getattr(self, "_prepared_for", None):
            self._prepare(x, y)
            self._prepared_for = key
        elif isinstance(x, np.ndarray) and y is not None:
            check_arrays(x, y)

    def _prepare(self, x: np.ndarray, y: np.ndarray) -> None:
        """Build lazily created weights, bind the optimizer, and check the data against the loss.

        Runs the first two samples through the model so that every mistake
        (wrong label shape, labels out of range, ...) is reported before any
        training starts.
        """
        first = x[0] if isinstance(x, list) else x
        if tuple(getattr(first, "shape", (1,)))[:1] == (0,):  # (Keras 3 fails here too on torch, or trains on nothing)
            raise ValueError("fit: x holds no samples (its first axis has length 0): give it at least one sample")
        mode = self.training
        self.eval()
        # A model without a call of its own (a GAN's, a distiller's) has steps of yours that call its parts:
        # nothing to probe, and its compiled metrics build at their first update (as Keras 3's)
        has_call = type(self).call is not Layer.call
        if y is None or (not has_call and self._custom_steps()):
            if has_call:  # x alone, for a train_step of yours: build the model; there is no y to check x against
                with no_grad():
                    self(self._placed(structures.take(x, slice(0, 2))))
            self.train(mode)
            return self._bind_optimizer()
        several = isinstance(self._compile_loss, CompileLoss) or isinstance(x, list)  # several inputs or outputs
        with no_grad():
            out = structures.prepare_several(self, x, y) if several else check_before_training(self, x, y)
        self.train(mode)
        if self._compile_loss is None and not self.losses and not self._custom_steps():
            raise ValueError(NO_LOSS)
        self._resolve_metrics(out)
        if self._outputs_metrics is not None:
            self._outputs_metrics.try_on(y, structures.arrays_of(out))
        else:
            try_metrics(self.compiled_metrics, y, structures.arrays_of(out))
        self._bind_optimizer()
        if not any(p.requires_grad for p in self.parameters()):
            warn(
                f"model '{self.name}' does not have any trainable weights: training will not change it",
                ModelConfigWarning,
            )
