"""``fit(..., distributed=True)``: Keras's training loop on N processes, the way tf.distribute runs it.

Started under ``mpiexec -n N`` (or ``nabla train --np N``), every rank runs the same ``fit``:

- ``batch_size`` is the **global** batch (tf.distribute's convention, so that a script means the
  same on any number of ranks): every batch is split among the ranks (``np.array_split``: 32
  samples on 3 ranks are 11, 11 and 10), each computes its part, and the gradients are averaged
  weighted by the parts' sizes (:func:`nabla.distributed.DistributedOptimizer`). The steps are
  those one process takes on the whole batch.
- The epoch's order is drawn by rank 0 from nabla's generator (as without distribution) and sent to
  the others, so with the same seed N ranks visit the batches one process visits.
- Before training, rank 0's weights and optimizer state are copied to every rank.
- The logs are the whole batch's: the loss is the mean over every rank's samples, and the metrics
  are updated with every rank's outputs (gathered), so every rank holds what one process would
  report, and callbacks (EarlyStopping, ReduceLROnPlateau...) decide alike everywhere.
- One progress bar, on rank 0. Callbacks run on every rank with the same logs, except those that
  write files (ModelCheckpoint, CSVLogger), which run on rank 0 only. After every batch the ranks
  agree on ``stop_training`` and on Ctrl-C: if one rank stops, all stop after the same batch.
- Validation data is split among the ranks the same way.

With one process (no launcher) ``distributed=True`` changes nothing.
"""

from __future__ import annotations

import numpy as np

from .. import callbacks as callbacks_module
from .._engine import Tensor, no_grad
from ..activation_logits import logits_of, remember_logits


class DataParallel:
    """The parts of ``fit`` that differ on several ranks (see the module's docstring).

    A context manager around the training loop: on the way out, however the training ends, the
    model gets its own optimizer back (:meth:`finish`).
    """

    def __init__(self, model):
        from ... import distributed  # imported when a fit asks for it: most scripts never run on several processes

        self.dist, self.model = distributed, model
        self.rank, self.size = distributed.rank(), distributed.size()
        self._optimizer = None
        self._empty_output: np.ndarray | None = None

    def start(self, x: np.ndarray) -> DataParallel:
        """Average the optimizer's gradients over the ranks and start every rank from rank 0's state."""
        model = self.model
        if isinstance(x, list):  # (a dict, list or tuple x of a subclassed model: input_structures.py)
            raise ValueError("fit: distributed=True trains models of one input: x is a dict, list or tuple of arrays")
        mode = model.training
        model.eval()
        with no_grad():  # what an output looks like, for a rank left without samples in a batch
            out = model(Tensor._make(x[:1]))
            logits, self._empty_output = logits_of(out), out._data[:0]
            if logits is not None:  # (then every rank's outputs remember logits: see whole_batch)
                remember_logits(self._empty_output, Tensor._make(logits._data[:0]))
        model.train(mode)
        self._optimizer = model.optimizer
        model.optimizer = self.dist.DistributedOptimizer(model.optimizer)
        self.dist.broadcast_parameters(model.state_dict(), root=0)
        self.dist.broadcast_optimizer_state(model.optimizer, root=0)
        model._data_parallel = self
        return self

    def __enter__(self) -> DataParallel:
        return self

    def __exit__(self, *exc) -> bool:
        self.finish()
        return False

    def finish(self) -> None:
        """Give the model back its own optimizer (the state, shared, stays trained)."""
        if self._optimizer is not None:
            self.model.optimizer = self._optimizer
        self.model._data_parallel = None

    def verbose(self, verbose):
        return verbose if self.rank == 0 else 0

    def callbacks(self, callbacks: list) -> list:
        """The callbacks of this rank: all of them on rank 0; on the others, all but those that write files."""
        if self.rank == 0:
            return callbacks
        writers = (callbacks_module.ModelCheckpoint, callbacks_module.CSVLogger)
        return [cb for cb in callbacks if not isinstance(cb, writers)]

    def order(self, order: np.ndarray | None) -> np.ndarray | None:
        """Rank 0's shuffled order of the epoch on every rank (each rank drew its own); None without shuffling."""
        return None if order is None else self.dist.broadcast(np.asarray(order, np.int64), root=0, name="epoch order")

    def part(self, index, n: int) -> np.ndarray:
        """This rank's share of a batch's indices (a slice or an index array into ``n`` samples)."""
        if isinstance(index, slice):
            index = np.arange(*index.indices(n))
        return np.array_split(index, self.size)[self.rank]

    def train_batch(self, x, y, weights) -> float:
        """Train on this rank's share of a batch; returns the loss of the whole batch."""
        self.model.optimizer.set_weight(len(x))
        if len(x):
            loss = self.model._train_batch(x, y, weights)
        else:  # fewer samples than ranks: this rank only takes part in the averaging, with weight 0
            self.model.optimizer.zero_grad()
            self.model.optimizer.step()
            self._idle_metrics(y, weights)
            loss = 0.0
        return float(self.dist.allreduce(float(loss), weight=len(x), name="batch loss"))

    def test_batch(self, x, y, weights, index) -> float:
        """Evaluate this rank's share of the batch ``index`` of the arrays; returns the loss of the whole batch."""
        part = self.part(index, len(x))
        if len(part):
            loss = self.model._test_batch(x[part], y[part], None if weights is None else weights[part])
        else:
            self._idle_metrics(y, weights)
            loss = 0.0
        return float(self.dist.allreduce(float(loss), weight=len(part), name="batch loss"))

    def _idle_metrics(self, y, weights) -> None:
        self.model._update_metrics(y[:0], self._empty_output, None if weights is None else weights[:0])

    def whole_batch(self, y: np.ndarray, out: np.ndarray, weights):
        """Every rank's labels, outputs and sample weights of this batch, concatenated in rank order; the
        whole output remembers the whole batch's logits where each rank's did (:mod:`..activation_logits`).

        One gather: each rank's rows travel as one float64 record (int64 labels and float32 values
        are exact in float64) and are cast back.
        """
        logits = logits_of(out)
        like = [y, out] + ([] if weights is None else [weights])
        like += [] if logits is None else [logits._data]  # (on every rank alike: the empty output has them too)
        widths = [int(np.prod(a.shape[1:], dtype=np.int64)) for a in like]
        parts = [a.reshape(len(a), w) for a, w in zip(like, widths)]
        rows = self.dist.allgather(np.concatenate(parts, axis=1).astype(np.float64), name="batch outputs")
        columns = np.split(rows, np.cumsum(widths)[:-1], axis=1)
        whole = [c.astype(a.dtype).reshape((len(rows),) + a.shape[1:]) for c, a in zip(columns, like)]
        if logits is not None:
            remember_logits(whole[1], Tensor._make(whole[-1]))
        return whole[0], whole[1], (whole[2] if weights is not None else None)

    def agree(self, interrupt, model) -> None:
        """Ctrl-C (``interrupt.requested``) and ``model.stop_training`` on every rank if on any: all stop together."""
        flags = np.array([interrupt.requested, model.stop_training], np.int64)
        agreed = self.dist.allreduce(flags, op=self.dist.Max, name="stop flags")
        interrupt.requested, model.stop_training = bool(agreed[0]), bool(agreed[1])
