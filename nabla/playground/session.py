"""One browser tab's playground: its data, its network, and the training loop that the page watches.

A :class:`Session` is plain nabla (no web server): the server keeps one per WebSocket and the
benchmark drives one directly. Training reads mini-batches from a stream of the *training* points
only: each epoch is a fresh permutation of them (drawn from the session's own generator, seeded by
the setup's seed), cut into batches of ``batch_size`` (the last one smaller when it does not divide,
as Keras's ``fit`` and PyTorch's ``DataLoader`` do). A frame trains whole epochs; ``step`` trains one
mini-batch. The step is :func:`nabla.capture`\\ d (the same numbers as eager, faster) except the one
the step view draws, which runs eagerly so that its graph exists.

Reproducibility: the data, the split, the initial weights (``nb.manual_seed(seed)`` then building the
model, as the exported code does), the batch order and the dropout masks all follow from the seed, so
a shared link replays the same run. Several sessions share nabla's one random generator, so each
session draws from a :class:`nabla.random.Stream` of its own.
Sessions are not thread-safe: nabla's grad mode and generator are process-wide, so the server runs
every session's work on one thread.
"""

from __future__ import annotations

import functools
import math

import numpy as np

import nabla as nb

from .. import layers
from .config import DATA_FIELDS, LIMITS, LIVE_FIELDS, UPLOADED, Config, parse_config
from .csvdata import Upload, parse_csv
from .data import Data, load_data, task_of
from .errors import PlaygroundError
from .features import available
from .network import Network, build_network


def _engine(method):
    """Run a method with the session's own stream of nabla's generator (see :class:`nabla.random.Stream`)."""

    @functools.wraps(method)
    def wrapped(self, *args, **kwargs):
        with self._stream:
            return method(self, *args, **kwargs)

    return wrapped


class Session:
    """The state of one playground: ``config``, ``data``, ``network``, and the counters of training.

    Attributes:
        generation: how many networks this session has built (a frame says which one it shows).
        epoch: epochs completed (every training point seen once per epoch).
        steps: mini-batch updates done.
        cursor: position in the current epoch's permutation.
    """

    def __init__(self, config: dict | None = None):
        self.generation = 0  # counts the networks built: a frame names the one it shows
        self.upload_data: Upload | None = None
        self.config, self.task = parse_config(config or {}, lambda c: task_of(c, None))
        self.data: Data = load_data(self.config, self.task, None)
        self._rebuild()

    # --- building --------------------------------------------------------------------------

    def _rebuild(self) -> None:
        """A fresh network with the seed's initial weights; training starts over."""
        self._stream = nb.random.Stream(seed=self.config.seed)  # draws as after nb.manual_seed(seed)
        with self._stream:
            self.network: Network = build_network(self.config, self.task)
            self.inputs_train = self.data.inputs(self.config.features, self.data.train)
            self.inputs_test = self.data.inputs(self.config.features, self.data.test)
            self.targets_train = self.network.targets(self.data.y[self.data.train])
            self.targets_test = self.network.targets(self.data.y[self.data.test])
            self._captured = nb.capture(self._train_step)
        self._batches = np.random.default_rng([self.config.seed, 1])  # the batch order's own generator
        self._order = np.arange(0)
        self.epoch = self.steps = self.cursor = 0
        self.generation += 1

    def change(self, raw) -> str:
        """What applying the page's settings would do, without doing it: "data" (new points and network),
        "network" (a new network), "live" (the learning rate or the speed) or "same". Bad settings raise
        :class:`PlaygroundError`."""
        config, task = parse_config(raw, lambda c: task_of(c, self.upload_data))
        old = self.config
        if any(getattr(old, f) != getattr(config, f) for f in DATA_FIELDS) or task != self.task:
            return "data"
        if any(getattr(old, f) != getattr(config, f) for f in Config.__dataclass_fields__ if f not in LIVE_FIELDS):
            return "network"
        return "live" if old != config else "same"

    def configure(self, raw, new_data: bool = False) -> str:
        """Apply the page's settings; returns what it did (see :meth:`change`). Bad settings raise
        :class:`PlaygroundError` and change nothing. ``new_data`` reloads the points even if no data setting
        changed (a second upload)."""
        reason = "data" if new_data else self.change(raw)
        config, task = parse_config(raw, lambda c: task_of(c, self.upload_data))
        self.config = config
        if reason == "data":
            self.task, self.data = task, load_data(config, task, self.upload_data)
        if reason in ("data", "network"):
            self._rebuild()
        for group in self.network.optimizer.param_groups:
            group["lr"] = config.lr
        return reason

    def upload(self, name: str, text: str) -> str:
        """Take an uploaded CSV as this tab's data (dataset "csv"); returns the page's one-line summary."""
        upload = parse_csv(name, text, max_points=LIMITS["points"][1])
        previous, self.upload_data = self.upload_data, upload
        features = [f for f in self.config.features if f in available(upload.dims)] or ["x1"]
        try:
            self.configure({**self.config.to_json(), "dataset": UPLOADED, "features": features}, new_data=True)
        except PlaygroundError:
            self.upload_data = previous
            raise
        return upload.summary()

    def reset(self) -> None:
        """The initial network again (the same initial weights: they come from the seed)."""
        self._rebuild()

    # --- training ------------------------------------------------------------------------------

    @property
    def batch_size(self) -> int:
        """The batch size in use: the setting, at most the whole training set."""
        return min(self.config.batch_size, len(self.data.train))

    @property
    def batches_per_epoch(self) -> int:
        return math.ceil(len(self.data.train) / self.batch_size)

    def _next_batch(self) -> np.ndarray:
        """Positions (into the training arrays) of the next mini-batch; advances the epoch counter."""
        n = len(self.data.train)
        if self.cursor == 0:
            self._order = self._batches.permutation(n)
        batch = self._order[self.cursor : self.cursor + self.batch_size]
        self.cursor += len(batch)
        if self.cursor >= n:
            self.epoch, self.cursor = self.epoch + 1, 0
        return batch

    def _train_step(self, x, target):
        """One update on one mini-batch; returns the loss (the data term plus the penalty)."""
        net = self.network
        net.optimizer.zero_grad()
        out = x
        for layer in net.logit_layers:
            out = layer(out, training=True)  # (Keras's layers: a call without training= runs inference)
        loss = net.data_loss(out, target) + net.penalty()
        loss.backward()
        net.optimizer.step()
        return loss

    def _batch_arrays(self) -> tuple[np.ndarray, np.ndarray]:
        batch = self._next_batch()
        return self.inputs_train[batch], self.targets_train[batch]

    @_engine
    def train_batches(self, count: int) -> None:
        """``count`` mini-batch updates (captured)."""
        self.network.model.train()
        for _ in range(count):
            self._captured(*self._batch_arrays())
            self.steps += 1

    @_engine
    def train_frame(self) -> None:
        """What one frame trains: ``epochs_per_frame`` whole epochs (finishing the one in progress first)."""
        target = self.epoch + self.config.epochs_per_frame + (1 if self.cursor else 0)
        self.network.model.train()
        while self.epoch < target:
            self._captured(*self._batch_arrays())
            self.steps += 1

    @_engine
    def eager_step(self, record):
        """One mini-batch update run eagerly: ``record(session, x, target)`` runs the forward pass and
        ``backward`` (and describes the graph); the optimizer's update follows here. Returns what
        ``record`` returned."""
        self.network.model.train()
        x, target = self._batch_arrays()
        self.network.optimizer.zero_grad()
        result = record(self, x, target)
        self.network.optimizer.step()
        self.steps += 1
        return result

    # --- evaluation ----------------------------------------------------------------------------

    def _logits(self, inputs: np.ndarray) -> np.ndarray:
        out = nb.tensor(inputs)
        for layer in self.network.logit_layers:
            out = layer(out)
        return out.numpy()

    @_engine
    def evaluate(self) -> dict:
        """Loss (the data term) and accuracy or R^2 on both splits, and the penalty of the current weights."""
        net = self.network
        net.model.eval()
        result = {}
        with nb.no_grad():
            for split, inputs, targets, which in (
                ("train", self.inputs_train, self.targets_train, self.data.train),
                ("test", self.inputs_test, self.targets_test, self.data.test),
            ):
                out = self._logits(inputs)
                result[f"{split}_loss"] = float(net.data_loss(nb.tensor(out), targets).item())
                truth = self.data.y[which]
                predicted = net.probabilities(out)
                if self.task.kind == "classification":
                    result[f"{split}_accuracy"] = float(np.mean(predicted.argmax(axis=1) == truth))
                else:
                    spread = float(np.sum((truth - truth.mean()) ** 2))
                    result[f"{split}_r2"] = 1.0 - float(np.sum((predicted - truth) ** 2)) / max(spread, 1e-12)
            penalty = net.penalty()
            result["penalty"] = float(penalty.item()) if isinstance(penalty, nb.Tensor) else 0.0
        return result

    @_engine
    def activations(self, inputs: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
        """For points' ``inputs`` (features): each hidden layer's activations ``(n, units)`` and the model's
        output as :meth:`Network.probabilities` gives it (class probabilities, or values)."""
        net = self.network
        net.model.eval()
        hidden = []
        with nb.no_grad():
            out = nb.tensor(inputs)
            last = max(i for i, layer in enumerate(net.logit_layers) if isinstance(layer, layers.Dense))
            for i, layer in enumerate(net.logit_layers):
                out = layer(out)
                if i < last and isinstance(layer, layers.Dense):
                    hidden.append(out.numpy())
            return hidden, net.probabilities(out.numpy())

    def dense_weights(self) -> list[tuple[np.ndarray, np.ndarray]]:
        """``(kernel (in, out), bias (out,))`` of each Dense layer, from the inputs to the output."""
        return [
            (layer.kernel.detach().numpy(), layer.bias.detach().numpy())
            for layer in self.network.model.layers
            if isinstance(layer, layers.Dense)
        ]
