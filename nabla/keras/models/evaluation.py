"""``evaluate`` and ``predict``: a model's loss, metrics and outputs on data, in inference mode, batch by batch
(mixed into :class:`.model.Model`; ``fit``'s validation runs through :meth:`EvaluationMethods._evaluate_arrays`).
"""

from __future__ import annotations

import math

import numpy as np

from .. import callbacks as callbacks_module
from .._engine import ieee_arithmetic, no_grad
from . import structures
from .batches import evaluation_arrays
from .data_adapter import as_list, sorted_logs, unwrap
from .steps import batch_logs, mean_loss


class EvaluationMethods:
    """:meth:`evaluate` and :meth:`predict` (and the loop ``fit``'s validation shares)."""

    def _evaluate_arrays(self, x, y, batch_size, sample_weight, cblist=None) -> dict:
        self.reset_metrics()
        if self._custom_steps():
            return self._evaluate_steps(x, y, batch_size, sample_weight, cblist)
        seen, total = 0, 0.0
        n = structures.count(x)
        for step, start in enumerate(range(0, n, batch_size)):
            sl = slice(start, min(start + batch_size, n))  # (within the array: fit's may be on a device)
            if cblist:
                cblist.on_test_batch_begin(step)
            if self._data_parallel is None:
                batch_loss = self._test_batch(*(structures.take(part, sl) for part in (x, y, sample_weight)))
            else:  # validation within fit(distributed=True): each rank its share of the batch
                batch_loss = self._data_parallel.test_batch(x, y, sample_weight, sl)
            seen += min(batch_size, n - start)
            total += batch_loss * min(batch_size, n - start)
            if cblist:  # the running loss and metrics, as the train batches' logs
                cblist.on_test_batch_end(step, batch_logs(total, seen, self._metric_logs()))
        return {"loss": mean_loss(total, seen), **self._metric_logs()}  # the metrics keep it, as Keras's

    def evaluate(
        self,
        x=None,
        y=None,
        batch_size: int | None = None,
        verbose="auto",
        sample_weight=None,
        callbacks=None,
        return_dict: bool = False,
        steps: int | None = None,
    ):
        """Loss and metrics on ``(x, y)`` in inference mode (``training=False``): a float, or ``[loss, metric...]``,
        or a dict.

        ``x`` and ``y`` as :meth:`fit` takes them; from a generator or PyDataset, ``steps`` batches (all when None).
        """
        self._require_compiled("evaluate")
        (x, y, sample_weight), source_batch = evaluation_arrays(self, x, y, sample_weight, steps, "evaluate")
        if y is not None:
            structures.check_lengths(x, y)
        batch_size = source_batch or batch_size or 32
        cblist = self._progress_callbacks(callbacks, verbose, structures.count(x), batch_size)
        cblist.on_test_begin()
        logs = self._evaluate_arrays(x, y, batch_size, sample_weight, cblist=cblist)
        cblist.on_test_end(sorted_logs(logs))
        return sorted_logs(logs) if return_dict else self._as_list(logs)

    def _as_list(self, logs: dict):
        """What ``evaluate`` and the ``*_on_batch`` methods return without ``return_dict``, in Keras 3's order."""
        return as_list(logs) if self._outputs_metrics is None else self._outputs_metrics.as_list(logs)

    def _progress_callbacks(self, callbacks, verbose, n: int, batch_size: int):
        """evaluate's and predict's callbacks: the user's, and a ProgbarLogger unless ``verbose`` is 0."""
        shown = callbacks_module.resolve_verbose(verbose)  # (checks it; params keep it as given, as Keras's)
        cbs = list(callbacks or []) + ([callbacks_module.ProgbarLogger()] if shown else [])
        cblist = callbacks_module.CallbackList(cbs, model=self)
        cblist.set_params({"verbose": verbose, "epochs": 1, "steps": math.ceil(n / batch_size)})
        return cblist

    def predict(self, x, batch_size: int | None = None, verbose="auto", callbacks=None, steps=None) -> np.ndarray:
        """The model's outputs for ``x`` (as :meth:`evaluate` takes it) as a NumPy array (``training=False``, no graph);
        a list of them for a list of outputs, a dict for a dict, as Keras returns them. ``verbose`` as
        :meth:`fit`'s: by default a progress bar in a terminal, one line otherwise, as Keras 3."""
        (x, _, _), source_batch = evaluation_arrays(self, x, None, None, steps, "predict", with_y=False)
        batch_size = source_batch or batch_size or 32
        mode = self.training
        self.eval()
        outs = []
        cblist = self._progress_callbacks(callbacks, verbose, structures.count(x), batch_size)
        cblist.on_predict_begin()
        with no_grad():
            for step, start in enumerate(range(0, structures.count(x), batch_size)):
                cblist.on_predict_batch_begin(step)
                batch = structures.take(x, slice(start, start + batch_size))
                with ieee_arithmetic():  # (inf and NaN are outputs, as Keras's; not the callbacks' errstate)
                    out = unwrap(self.predict_step((self._placed(batch),)))
                outs.append(structures.arrays_of(out))
                cblist.on_predict_batch_end(step, {"outputs": outs[-1]})
        cblist.on_predict_end()
        self.train(mode)
        if not outs:
            raise ValueError("predict: x holds no samples")
        return structures.shaped_like_outputs(self, structures.join(outs), tupled=isinstance(out, tuple))
