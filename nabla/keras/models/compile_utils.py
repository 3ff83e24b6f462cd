"""``compile`` for a model of several outputs: a loss per output with ``loss_weights``, metrics per output.

As Keras 3 does (``keras/src/trainers/compile_utils.py``):

- ``loss``: one loss for every output, or a list (one per output, in the order of ``model.outputs``),
  or a dict keyed by output name; None for an output leaves it out of the loss. The loss ``fit``
  minimises and logs as ``loss`` is ``sum_i w_i * loss_i(y_i, out_i)`` with ``loss_weights`` ``w_i``
  (a list or dict as ``loss``; 1 when not given), plus the layers' penalties.
- each output's own loss, unweighted, is logged as ``<output name>_loss`` (averaged over the samples
  of the epoch, as ``loss`` is);
- ``metrics``: a list with one entry per output (a name, a metric, or a list of them), or a dict keyed
  by output name, each logged as ``<output name>_<metric name>``. A list of another length gives every
  output all of its metrics (TensorFlow 2's Keras did this; Keras 3 refuses it).

A subclassed model declares no outputs: ``compile(loss=["mse", "mse"])`` on one whose ``call`` returns a
tuple (the Wide & Deep model of Géron's chapter 10) says it has two, which ``fit`` takes as a tuple or
list of targets. Its outputs have no names, so Keras 3 names each output's loss after the loss
(``mse_loss``: two alike share one entry of the logs, the last output's) and each metric by its own name,
a repeat numbered (``RootMeanSquaredError_1``).

``evaluate`` lists ``loss``, then the value of each metric's own name and each output's loss name found in
the logs (a repeated name repeats its value), then the other logs in the order of their names, as Keras 3
does (``Trainer._flatten_metrics_in_order``): for a functional model, the outputs' losses then its
prefixed metrics.
"""

from __future__ import annotations

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers
from .._engine import Tensor, no_grad
from ..activation_logits import pass_on
from .file_schema_training import METRIC_CONFIGS
from .structures import declares_outputs, listed, output_names, several_declared_outputs


def _per_output(value, names: list[str], what: str, model_name: str) -> list:
    """``value`` (one entry per output as a list or a dict keyed by output name) as a list in output order."""
    if isinstance(value, dict):
        unknown = sorted(set(value) - set(names))
        if unknown:
            raise ValueError(f"compile: {what} names {unknown}, but model '{model_name}' has the outputs {names}")
        return [value.get(name) for name in names]
    if len(value) != len(names):
        raise ValueError(
            f"compile: {what} is a list of {len(value)}, but model '{model_name}' has {len(names)} outputs {names}: "
            "give one entry per output, or a dict keyed by output name"
        )
    return list(value)


class CompileLoss:
    """The loss of a model of several outputs: ``sum_i w_i * loss_i(y_i, out_i, sample_weight_i)``.

    Args:
        losses: one :class:`~nabla.keras.losses.Loss` (or None: not trained) per output.
        weights: one float (or None: 1) per output.
        names: the outputs' names.
        loss_names: for outputs without names (a subclassed model's), each loss's name, which the logs
            take in place of the output's (``mse_loss``); None when the outputs have names.
    """

    name = "compile_loss"

    def __init__(self, losses: list, weights: list, names: list[str], loss_names: list[str] | None = None):
        self.losses, self.weights, self.names, self.loss_names = losses, weights, names, loss_names

    @property
    def log_names(self) -> list[str]:
        """What each output's loss is logged as, less ``_loss``: the output's name, else the loss's."""
        return self.names if self.loss_names is None else self.loss_names

    def _terms(self, y, out, sample_weight):
        ys = y if isinstance(y, list) else [y]
        for i, (loss, y_i, out_i) in enumerate(zip(self.losses, ys, listed(out))):
            if loss is not None:
                weight = sample_weight[i] if isinstance(sample_weight, list) else sample_weight
                yield i, loss(y_i, out_i, weight)

    def __call__(self, y, out, sample_weight=None) -> Tensor:
        total = None
        for i, value in self._terms(y, out, sample_weight):
            if self.weights[i] is not None:
                value = value * float(self.weights[i])
            total = value if total is None else total + value
        return total

    def parts(self, y, out, sample_weight) -> dict[int, float]:
        """Each output's own loss (unweighted), by output index."""
        with no_grad():
            return {i: value.item() for i, value in self._terms(y, out, sample_weight)}


def compile_loss(model, loss, loss_weights):
    """The loss ``compile`` computes (``model._compile_loss``; ``model.loss`` is its argument, as Keras 3's): a
    :class:`~nabla.keras.losses.Loss` for one output (and no ``loss_weights``), else a :class:`CompileLoss`."""
    if isinstance(loss, dict) and "class_name" in loss:  # a loss's config, as serialize writes it: one loss
        loss = losses_module.get(loss)
    # a model that declares no outputs has as many as its list of losses (see the module's docstring)
    unnamed = not declares_outputs(model) and isinstance(loss, (list, tuple)) and len(loss) > 1
    several = unnamed or several_declared_outputs(model)
    if not several and loss_weights is None and not isinstance(loss, (list, tuple, dict)):
        return losses_module.get(loss)
    if unnamed:
        names = [f"output_{i}" for i in range(len(loss))]
    else:
        names = output_names(model) if several else [getattr(model, "name", "output")]
    if isinstance(loss, (list, tuple, dict)):
        if not several and len(loss) == 1:
            loss = list(loss.values()) if isinstance(loss, dict) else list(loss)
        losses = _per_output(loss, names, "loss", model.name)
    else:
        losses = [loss] * len(names)
    if all(entry is None for entry in losses):
        raise ValueError("compile: every output's loss is None; give a loss for at least one output")
    if loss_weights is None:
        weights = [None] * len(names)
    elif isinstance(loss_weights, (int, float)) and not several:
        weights = [float(loss_weights)]
    elif isinstance(loss_weights, (list, tuple, dict)):
        weights = _per_output(loss_weights, names, "loss_weights", model.name)
    else:
        raise ValueError(
            f"compile: loss_weights must be a list or a dict keyed by output name for model '{model.name}', which "
            f"has {len(names)} outputs {names}; got {loss_weights!r}"
        )
    resolved = [None if entry is None else losses_module.get(entry) for entry in losses]
    loss_names = [_loss_name(entry, got) for entry, got in zip(losses, resolved)] if unnamed else None
    return CompileLoss(resolved, weights, names, loss_names)


def _loss_name(identifier, loss) -> str:
    """Keras 3's name for a loss given to ``compile``: the name as given ("mse"), else the loss's own."""
    return identifier if isinstance(identifier, str) else getattr(loss, "name", None) or type(loss).__name__


def _each(data) -> list:
    """One array per output: ``data`` itself when it is a list of them."""
    return data if isinstance(data, list) else [data]


def _flat(metrics) -> list:
    """Every metric of a structure of them (lists, and dicts keyed by output name in the order of their keys),
    as Keras 3's ``tree.flatten`` gives a model of one output; a metric's config dict stays whole."""
    if isinstance(metrics, dict) and "class_name" not in metrics:
        metrics = [metrics[key] for key in sorted(metrics)]
    if isinstance(metrics, (list, tuple)):
        return [m for entry in metrics for m in _flat(entry)]
    return [] if metrics is None else [metrics]


def compile_metrics(loss, metrics) -> tuple[list, CompileMetrics | None]:
    """``compile``'s metrics: the identifiers (a list), and for a :class:`CompileLoss` the metrics per output.
    A model of one output takes every metric of a list of lists or a dict, whatever its key, as Keras 3's.
    An unknown name fails here, listing the valid ones."""
    if isinstance(loss, CompileLoss):
        identifiers = [metrics] if isinstance(metrics, str) or callable(metrics) else list(metrics or [])
        return identifiers, CompileMetrics(loss, metrics if isinstance(metrics, dict) else identifiers)
    identifiers = _flat(metrics)
    for m in identifiers:
        if isinstance(m, str):
            metrics_module.get(m, loss=loss)
    return identifiers, None


def compile_weighted_metrics(loss, weighted_metrics) -> list:
    """``compile``'s ``weighted_metrics``, as a list of identifiers (unknown names fail here, as for ``metrics``)."""
    if not weighted_metrics:
        return []
    if isinstance(loss, CompileLoss):
        raise ValueError(
            "compile: weighted_metrics for a model of several outputs is not offered by nabla.keras; weight the "
            "metrics in a compute_metrics of your own, or compile each output's model apart"
        )
    identifiers, _ = compile_metrics(loss, weighted_metrics)
    return identifiers


def saved_optimizer(optimizer) -> dict:
    """How a model file records an optimizer object given to ``compile``, so that it reloads as itself.

    One of Keras's classes as Keras writes it, ``{"module": "keras.optimizers", "class_name": "SGD",
    "config": optimizer.get_config()}``: it reloads as that class, with Keras's update formulas, clipping,
    decoupled weight decay and schedule. A :mod:`nabla.optim` class (PyTorch's formulas) by its class and
    its hyper-parameters, ``{"class_name": "SGD", "config": optimizer.defaults}``. A Keras optimizer class of
    yours (an ``update_step`` of your own, or a subclass of Keras's) as a loss of yours is,
    ``{"custom": "Momentum", "config": optimizer.get_config()}``: ``load_model`` rebuilds it from
    ``custom_objects`` (its state starts afresh).
    """
    if isinstance(optimizer, optimizers.Optimizer) and type(optimizer) in optimizers.OPTIMIZERS.values():
        return {"module": "keras.optimizers", "class_name": type(optimizer).__name__, "config": optimizer.get_config()}
    if isinstance(optimizer, optimizers.Optimizer) and not _ours(type(optimizer)):
        return saved_custom(optimizer)
    return {"class_name": type(optimizer).__name__, "config": dict(optimizer.defaults)}


def saved_loss(loss, resolved) -> str | dict | list | None:
    """How a model file records ``compile``'s loss: a name as given, one of nabla's classes by its config, a
    function or a class of yours by name (:func:`saved_custom`), a list of those (one per output, also for a
    dict keyed by output name: in the outputs' order, which compiles alike); None for what cannot be named
    (a lambda)."""
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict) and "class_name" not in loss and isinstance(resolved, CompileLoss):
        loss = [loss.get(name) for name in resolved.names]
    if isinstance(loss, (list, tuple)) and isinstance(resolved, CompileLoss):  # one per output, each as one is
        entries = [saved_loss(given, got) for given, got in zip(loss, resolved.losses)]
        return entries if all(e is not None or given is None for e, given in zip(entries, loss)) else None
    if isinstance(resolved, CompileLoss):  # one loss for every output (or with loss_weights): recorded as itself
        resolved = resolved.losses[0]
    return losses_module.serialize(resolved) or _own_function(loss, losses_module) or saved_custom(loss)


def _own_function(obj, module) -> str | None:
    """The name of one of nabla's loss or metric functions (``keras.losses.mean_squared_error``) that
    ``module.get`` rebuilds, so that a model file records it as Keras 3 does a built-in; None otherwise."""
    name = getattr(obj, "__name__", None)
    if not (callable(obj) and not isinstance(obj, type) and _ours(obj) and isinstance(name, str)):
        return None
    try:
        module.get(name)
    except ValueError:
        return None
    return name


def _ours(obj) -> bool:
    """Whether ``obj`` (a function, a class or an object) is defined by nabla."""
    return str(getattr(obj, "__module__", None) or "").startswith("nabla.")


def saved_custom(obj) -> dict | None:
    """A function or an object of a class of yours as a model file names it, ``{"custom": name}`` (with the
    object's ``get_config()``), for ``load_model(custom_objects={name: ...})`` to rebuild, as Keras 3 saves
    ``huber_fn`` or ``HuberLoss(2.0)`` by name; None for what has no name to give (a lambda, a list)."""
    if isinstance(obj, (list, tuple, dict)) or _ours(obj):  # (nabla's own: a name, a config, or left out)
        return None
    if callable(obj) and not isinstance(obj, (metrics_module.Metric, losses_module.Loss)):
        name = getattr(obj, "__name__", "<lambda>")
        return None if name == "<lambda>" else {"custom": name}
    get_config = getattr(obj, "get_config", None)
    return {"custom": type(obj).__name__, "config": get_config() if callable(get_config) else {}}


def saved_metric_names(identifiers: list) -> list[str | dict]:
    """The metrics a model file records: names as given, and metric objects a name rebuilds as they are
    (``SparseCategoricalAccuracy()`` as "sparse_categorical_accuracy", so a reloaded model evaluates it, as
    Keras's does); other objects of nabla's classes by class and config (``{"class_name": "AUC", "config":
    {...}}``, as Keras 3 saves them; the classes of :data:`.file_schema_training.METRIC_CONFIGS`); functions
    and metric classes of yours by name (:func:`saved_custom`); other objects are left out."""
    names = []
    for m in identifiers:
        if isinstance(m, str):
            names.append(m)
        elif isinstance(m, dict) and m.get("class_name") in METRIC_CONFIGS:  # a config (a reloaded file's): itself
            names.append(metrics_module.serialize(metrics_module.deserialize(m)))
        elif _own_function(m, metrics_module) is not None:
            names.append(_own_function(m, metrics_module))
        elif saved_custom(m) is not None:
            names.append(saved_custom(m))
        elif isinstance(m, metrics_module.Metric) and type(m).__module__.startswith("nabla."):
            try:
                rebuilt = metrics_module.get(m.name)
            except ValueError:
                rebuilt = None
            if type(rebuilt) is type(m) and rebuilt.get_config() == m.get_config():
                names.append(m.name)
            elif type(m).__name__ in METRIC_CONFIGS:
                names.append(metrics_module.serialize(m))
    return names


def saved_metrics(metrics) -> list | dict:
    """How a model file records ``compile``'s metrics (each as :func:`saved_metric_names` does): a list for one
    output; for the metrics per output of a model of several (a :class:`CompileMetrics`), one list per output,
    or a dict of them keyed by output name when they were given so, as Keras 3's file keeps them."""
    if not isinstance(metrics, CompileMetrics):
        return saved_metric_names(metrics)
    lists = [saved_metric_names(ids) for ids in metrics.identifiers]
    if not any(lists):  # none given (Keras 3 records None)
        return []
    if metrics.keyed is None:
        return lists
    return {name: ids for name, ids in zip(metrics.loss.names, lists) if name in metrics.keyed}


def compile_config(
    optimizer, resolved_optimizer, loss, resolved_loss, metrics, weighted_metrics: list, loss_weights, jit_compile,
    run_eagerly: bool = False,
) -> dict:  # fmt: skip
    """What a model file records of ``compile``'s arguments (``optimizer`` and ``loss`` as given, then as
    resolved; ``metrics``: the identifiers, or a :class:`CompileMetrics`), for ``load_model`` to compile the
    model again."""
    if isinstance(loss_weights, dict):
        loss_weights = {k: float(v) for k, v in loss_weights.items()}
    elif isinstance(loss_weights, (list, tuple)):
        loss_weights = [None if v is None else float(v) for v in loss_weights]
    elif loss_weights is not None:
        loss_weights = float(loss_weights)
    return {
        # NOTE: a name in lower case, as load_model's allow-list spells it ("Adam" works in compile too)
        "optimizer": optimizer.lower() if isinstance(optimizer, str) else saved_optimizer(resolved_optimizer),
        "loss": saved_loss(loss, resolved_loss),
        "metrics": saved_metrics(metrics),
        **({"weighted_metrics": saved_metric_names(weighted_metrics)} if weighted_metrics else {}),
        **({} if loss_weights is None else {"loss_weights": loss_weights}),
        "jit_compile": jit_compile,
        **({"run_eagerly": True} if run_eagerly else {}),
    }


def bind_optimizer(optimizer, parameters) -> None:
    """Give ``optimizer`` a model's weights; weights made since its last binding (a lazy layer built at the
    first batch, behind a layer already built at compile, such as an adapted Normalization) join them, so
    they train. Float weights only: an integer one, Normalization's count, is state no optimizer updates."""
    params = [p for p in parameters if p.dtype.kind == "f"]
    groups = optimizer.param_groups
    if not params:  # a model without weights trains as Keras's does: it warns (see _prepare) and goes on
        return
    if not any(g["params"] for g in groups):
        optimizer.bind(params)
        return
    bound = {id(p) for g in groups for p in g["params"]}
    new = [p for p in params if id(p) not in bound]
    if not new:
        return
    if len(groups) == 1 and bound <= {id(p) for p in params}:
        groups[0]["params"] = params  # the model's order, as binding after the build would give (and a reload)
    else:
        optimizer.add_param_group({"params": new})


def own_losses(loss) -> bool:
    """Whether ``loss`` (or each of a :class:`CompileLoss`'s) is one of nabla's own, not a function of yours:
    ``jit_compile="auto"`` captures only then (a function of yours may compute Python numbers from the
    labels with NumPy, which a capture cannot see and a replay would keep)."""
    parts = [part for part in getattr(loss, "losses", [loss]) if part is not None]
    return all(type(part).__module__.startswith("nabla.") and not isinstance(part, losses_module._FunctionLoss)
               for part in parts)  # fmt: skip


def one_output_metrics(identifiers: list, weighted_identifiers: list, loss, output_shape) -> tuple[list, list]:
    """The metrics of a model of one output, built for its output's shape: ``compile``'s ``metrics`` and its
    ``weighted_metrics`` (only the latter see sample weights, as in Keras 3)."""
    return tuple([metrics_module.get(m, loss=loss, output_shape=output_shape) for m in ids]
                 for ids in (identifiers, weighted_identifiers))  # fmt: skip


def try_metrics(metrics: list, y, out) -> None:
    """Run each metric on the first samples and reset it: labels a metric cannot take fail before training."""
    for m in metrics:
        m.update_state(y[:2], out[:2])
        m.reset_state()


class CompileMetrics:
    """The metrics of a model of several outputs, and the running mean of each output's loss.

    ``resolve(shapes)`` builds the metrics once the outputs' shapes are known (``"accuracy"`` picks
    its kind from them and from the output's loss, as for one output).
    """

    def __init__(self, loss: CompileLoss, identifiers):
        names = loss.names
        if isinstance(identifiers, dict) or (isinstance(identifiers, (list, tuple)) and len(identifiers) == len(names)):
            per_output = _per_output(identifiers, names, "metrics", "the model")
        else:  # one list for every output (TensorFlow 2's Keras)
            per_output = [identifiers] * len(names)
        self.loss = loss
        self.keyed = set(identifiers) if isinstance(identifiers, dict) else None  # (the names given, if a dict)
        self.identifiers = [[] if ids is None else list(ids) if isinstance(ids, (list, tuple)) else [ids]
                            for ids in per_output]  # fmt: skip
        for ids, output_loss in zip(self.identifiers, loss.losses):
            for m in ids:
                if isinstance(m, str):
                    metrics_module.get(m, loss=output_loss)  # an unknown name fails in compile, listing the valid ones
        self.metrics: list[list] | None = None
        self._sums: dict[int, list[float]] = {}

    @property
    def flat(self) -> list:
        """Every metric object (once resolved)."""
        return [m for ms in self.metrics or [] for m in ms]

    def resolve(self, shapes: list[tuple]) -> None:
        if self.metrics is None:
            self.metrics = [
                [metrics_module.get(m, loss=loss, output_shape=shape) for m in ids]
                for ids, loss, shape in zip(self.identifiers, self.loss.losses, shapes)
            ]

    def update(self, y, out, sample_weight) -> None:
        """Add one batch: its outputs' losses (weighted by the batch's size) and each output's metrics (``y``
        and ``out``: an array, or one per output; the metrics unweighted by ``sample_weight``, as Keras's). An
        output's loss uses the logits its array remembers, as the model's loss does (see
        :func:`.structures.metric_arrays`)."""
        y, out = _each(y), _each(out)
        n = len(out[0])
        for i, value in self.loss.parts(y, [pass_on(o, Tensor._make(o)) for o in out], sample_weight).items():
            total = self._sums.setdefault(i, [0.0, 0])
            total[0] += value * n
            total[1] += n
        for i, metrics in enumerate(self.metrics or []):
            for m in metrics:
                m.update_state(y[i], out[i])

    def try_on(self, y, out) -> None:
        """:func:`try_metrics` for each output."""
        for metrics, y_i, out_i in zip(self.metrics or [], _each(y), _each(out)):
            try_metrics(metrics, y_i, out_i)

    def logs(self, prefix: str = "") -> dict:
        """``<output>_loss`` per output, then ``<output>_<metric>`` in the order of the names (the metric's own
        name for unnamed outputs; a name met again gets ``_1``, ``_2``..., as Keras 3's ``CompileMetrics``)."""
        several = len(self.loss.names) > 1
        log_names = self.loss.log_names
        logs = {f"{prefix}{log_names[i]}_loss": s / max(c, 1) for i, (s, c) in sorted(self._sums.items()) if several}
        metrics, seen = {}, {}
        named = several and self.loss.loss_names is None
        for name, ms in zip(self.loss.names, self.metrics or []):
            for m in ms:
                key = f"{name}_{m.name}" if named else m.name
                seen[key] = seen.get(key, 0) + 1
                metrics[prefix + (key if seen[key] == 1 else f"{key}_{seen[key] - 1}")] = float(m.result())
        return {**logs, **dict(sorted(metrics.items()))}

    def as_list(self, logs: dict) -> list:
        """``evaluate``'s list: ``loss``, the metrics by their own names and the outputs' losses (a name listed
        twice gives its value twice), then the other logs in the order of their names (see the module)."""
        several = len(self.loss.names) > 1
        losses = [f"{name}_loss" for name, loss in zip(self.loss.log_names, self.loss.losses) if several and loss]
        order = ["loss", *(m.name for m in self.flat), *losses]
        return [logs[n] for n in order if n in logs] + [logs[k] for k in sorted(logs) if k not in order]

    def reset(self) -> None:
        self._sums = {}
        for m in self.flat:
            m.reset_state()
